"""Documents of the expert call through the shared documents engine: the applicant's receipt, and
the dossier of the shortlist for the committee (built in the background). The selection report
is the review engine's committee report (``review.committee_report``)."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from participation.documents.registry import BuiltFile, DocumentBuildError, DocumentKind, register
from participation.i18n import translated_title
from participation.review import visibility

from . import rules
from .models import Application, ExpertCallPage

DOSSIER = "expertgroup.dossier"


def receipt_pdf(application, page=None) -> bytes:
    """What was submitted, for the applicant. Special-category answers are deliberately not
    repeated: the receipt travels by email. ``page``: the call in the reader's language (a
    translation of the call the application belongs to), for its title and question labels;
    by default the application's own."""
    from participation.dates import format_moment
    from participation.documents.pdf import render_pdf
    from participation.documents.templatetags.documents_tags import receipt_identifier

    from .services import answer_rows

    page = page or application.call
    facts = [
        (_("Receipt number"), receipt_identifier(application.receipt_number)),
        (pgettext("expert call", "Call"), page.title),
        (_("Submitted"), format_moment(application.submitted_at, application.call)),
        (_("Name"), application.full_name),
        (
            _("On behalf of"),
            application.organisation.name if application.organisation else _("Myself"),
        ),
        (_("Profile"), application.get_profile_type_display_safe()),
        (_("Country of residence"), application.country.name),
        (_("Areas of expertise"), ", ".join(t.name for t in application.expertise.all())),
        (_("CV"), _("received") if application.cv else _("missing")),
    ]
    answers = [
        (_("Motivation"), application.motivation),
        (_("Experience"), application.experience),
        *[(label, text) for _key, label, text in answer_rows(application, page)],
    ]
    return render_pdf(
        "documents/receipt.html",
        {
            "intro": _(
                "Thank you for applying. This is what you submitted. Your migrant-background "
                "declaration, gender and nationalities are not repeated here."
            ),
            "facts": facts,
            "answers": answers,
            "answers_lang": application.language,
        },
        title=_("Receipt %(number)s") % {"number": application.receipt_number},
        author=page.title,
        lang=translation.get_language() or "en",
    )


# --- the dossier of the shortlist -------------------------------------------------------------


def _page(params) -> ExpertCallPage:
    try:
        return ExpertCallPage.objects.get(pk=int(str(params.get("call"))[:18]))
    except (TypeError, ValueError, ExpertCallPage.DoesNotExist):
        raise ValidationError(_("Unknown call.")) from None


def clean_dossier_params(params):
    page = _page(params)
    if not page.review_process_id:
        raise ValidationError(_("This call has no review process yet."))
    lang = str(params.get("lang") or "en")[:10]
    cleaned = {"call": page.pk, "lang": lang if lang.replace("-", "").isalpha() else "en"}
    viewer = visibility.clean_viewer(params)
    if viewer is not None:  # a committee member's own copy: without their conflicts
        cleaned["viewer"] = viewer
    return cleaned


def _audience(page, params):
    """What the dossier may hold: the review engine's answer for its viewer (or the editors)."""
    return visibility.for_viewer(page.review_process, params.get("viewer"))


def shortlist(page, seen=None):
    """Items still in the running in the process's latest phase that has items; with ``seen``
    (the engine's visibility), only those its person may see."""
    from participation.review.models import ReviewItem

    items = (
        ReviewItem.objects.filter(process=page.review_process, status__in=ReviewItem.RUNNING)
        .select_related("process", "organisation", "submitter", "phase")
        .order_by("-phase__position", "number")
    )
    items = list(items)
    if not items:
        return []
    top = items[0].phase.position if items[0].phase_id else None
    items = [i for i in items if (i.phase.position if i.phase_id else None) == top]
    return items if seen is None else seen.filter(items)


def dossier_fingerprint(params) -> str:
    from django.db.models import Count, Max

    page = _page(params)
    latest = Application.objects.filter(call=page).aggregate(n=Count("pk"), last=Max("updated_at"))
    seen = _audience(page, params)
    items = [(i.pk, i.status, i.phase_id) for i in shortlist(page, seen)]
    # The call's name as printed, in the dossier's language (a translation published since).
    title = translated_title(page, params.get("lang") or "")
    return f"{latest['n']}:{latest['last']}:{items}:{seen.key()}:{title}"


def build_dossier(params, progress):
    """Each shortlisted application as the committee may read it: the engine's item view
    (blind mode enforced there), so nothing sensitive or identifying can slip in."""
    from participation.documents.pdf import render_pdf_document
    from participation.review.services import item_view

    page = _page(params)
    seen = _audience(page, params)
    if not seen.sees_items:
        raise DocumentBuildError(_("You are no longer on this call's committee."))
    with translation.override(params["lang"]):
        items = shortlist(page, seen)
        entries = []
        for number, item in enumerate(items, start=1):
            entries.append({"id": f"item-{item.number}", "view": item_view(item)})
            if number % 20 == 0 or number == len(items):
                progress(number, len(items))
        rendered = render_pdf_document(
            "expertgroup/print/dossier.html",
            {
                "page": page,
                "entries": entries,
                "document_cover": True,
                "document_subtitle": _("%(count)s applications on the shortlist")
                % {"count": len(entries)},
            },
            title=_("Dossier of the shortlist: %(title)s")
            % {"title": translated_title(page, params["lang"])},
            author=page.title,
            lang=params["lang"],
            on_page=progress.pages,
        )
    return BuiltFile.pdf(rendered.content, f"dossier-{page.slug}.pdf")


def can_request_dossier(user, params):
    """Each committee member their own copy (``viewer``: their reviewer id); the editors in
    charge (who are not on the committee) any."""
    page = ExpertCallPage.objects.filter(pk=params.get("call")).first()
    if page is None or not page.review_process_id:
        return False
    reviewer = visibility.active_reviewer(user, page.review_process_id)
    if reviewer is not None:
        return params.get("viewer") == reviewer.pk
    return rules.can_manage_call(user, page)


def can_view_dossier(user, document):
    return can_request_dossier(user, document.params)


def can_serve_dossier(user, document):
    """A member's copy only while it still matches what they may see (a conflict declared
    since: they ask again and get one without that application)."""
    if not can_request_dossier(user, document.params):
        return False
    page = ExpertCallPage.objects.filter(pk=document.params.get("call")).first()
    if document.params.get("viewer") is None or not rules.reviews_call(user, page):
        return True  # the editors' copy, or an editor reading a member's copy
    from participation.documents.registry import get

    return document.fingerprint == get(DOSSIER).compute_fingerprint(document.params)


def committee_documents(page, user):
    """(label, kind, params) of the documents a committee member may ask for."""
    if not page.review_process_id:
        return []
    params = visibility.viewer_params(user, page.review_process_id)
    if not params:
        return []
    return [
        (
            _("Dossier of the shortlist (PDF)"),
            DOSSIER,
            {"call": page.pk, "lang": translation.get_language() or "en", **params},
        )
    ]


def register_kinds():
    register(
        DocumentKind(
            name=DOSSIER,
            label=gettext_lazy("Dossier of the shortlist for the committee"),
            build=build_dossier,
            fingerprint=dossier_fingerprint,
            clean_params=clean_dossier_params,
            can_request=can_request_dossier,
            can_view=can_view_dossier,
            can_serve=can_serve_dossier,
            progress_unit="items",
            version="1",
        )
    )
