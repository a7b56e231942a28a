"""A category's jury room on the public site: deliberation notes, beside the engine's workspace.

Only the category's active jurors and the editors of review processes get in; everyone else gets
a 404, the same as for an item of another category in the workspace."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from participation.review import visibility

from . import services
from .forms import NoteForm
from .models import AwardCategory
from .rules import edition_editor


def notes(request, page, category_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    category = (
        AwardCategory.objects.filter(pk=category_id, page=page.submissions_page())
        .select_related("review_process")
        .first()
    )
    if category is None:
        raise Http404
    juror = services.jury_of(category, request.user)
    if juror is None and not edition_editor(request.user, category.page):
        raise Http404
    process = category.review_process
    form = NoteForm(process, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(
                category, request.user, form.cleaned_data["text"], form.cleaned_data["phase"]
            )
        except services.AwardError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your note is saved."))
            return redirect(page.route_url("jury_notes", category.pk))
    return render(
        request,
        "awards/jury_notes.html",
        {
            "page": page,
            "category": category,
            # Its name, description and criteria as the juror reads them (the translation's
            # copy, same key), with the jury's scoring criteria.
            "shown": services.category_in_language(category),
            "criteria": list(process.criteria.all()) if process else [],
            "form": form,
            "notes": category.deliberation_notes.select_related("author", "phase"),
            "process": process,
            "booklets": [
                (
                    phase,
                    {
                        "category": category.pk,
                        "phase": phase.pk,
                        "lang": request.LANGUAGE_CODE,
                        # a juror's booklet leaves out what they may not see (the engine says)
                        **visibility.viewer_params(request.user, process),
                    },
                )
                for phase in (process.phases.all() if process else [])
            ],
        },
    )
