"""Award documents through the shared documents engine: the nominator's receipt, the jury booklet
(one per category and round) and the results report; score sheets are the review engine's."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.documents.registry import BuiltFile, DocumentBuildError, DocumentKind, register
from participation.files.checks import embeddable_image
from participation.review import services as review
from participation.review import visibility
from participation.review.models import Phase, Review

from . import services
from .models import AwardCategory, AwardEditionPage, Nomination, NominationFile
from .rules import edition_editor


def _lang(params) -> str:
    lang = str(params.get("lang") or "")
    return lang if lang in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _id(params, name) -> int:
    text = str(params.get(name) or "").strip()
    if not text.isdigit() or len(text) > 18:
        raise ValidationError(_("Invalid %(name)s.") % {"name": name})
    return int(text)


def receipt_pdf(nomination, page=None) -> bytes:
    """``page``: the edition in the reader's language (a translation of the one the nomination
    belongs to), for its title and category names; by default the nomination's own."""
    from participation.dates import format_moment
    from participation.documents.pdf import render_pdf
    from participation.documents.templatetags.documents_tags import receipt_identifier

    from .services import show_categories

    edition = page or nomination.edition
    show_categories(edition, [nomination])
    files = list(nomination.files.all())
    facts = [
        (_("Receipt number"), receipt_identifier(nomination.receipt_number)),
        (_("Award"), edition.title),
        (_("Category"), nomination.shown_category.name),
        (_("Submitted"), format_moment(nomination.submitted_at, nomination.edition)),
        (
            _("Nominated by"),
            nomination.organisation.name if nomination.organisation else _("Myself"),
        ),
        (_("Who is nominated"), nomination.get_kind_display()),
    ]
    answers = [
        (_("Nominee"), nomination.nominee_name),
        (_("Country of the nominee"), nomination.nominee_country.name or ""),
        (_("Contact person"), f"{nomination.contact_name} <{nomination.contact_email}>"),
        (_("Project title"), nomination.project_title),
        (_("Project description"), nomination.description),
        (_("Results for integration"), nomination.results),
        (_("Links to evidence"), "\n".join(nomination.evidence_links)),
        (_("Files"), "\n".join(f"{f.get_kind_display()}: {f.original_name}" for f in files)),
        (_("May be published"), _("yes") if nomination.publication_consent else _("no")),
    ]
    return render_pdf(
        "documents/receipt.html",
        {
            "intro": _("Thank you for your nomination. This is what you submitted."),
            "facts": facts,
            "answers": [(label, value) for label, value in answers if value],
            "answers_lang": nomination.language,
        },
        title=_("Receipt %(number)s") % {"number": nomination.receipt_number},
        author=edition.title,
        lang=translation.get_language() or "en",
    )


# --- the jury booklet: one category, one round ---------------------------------------------------


def clean_booklet_params(params):
    category = _id(params, "category")
    phase = _id(params, "phase")
    found = AwardCategory.objects.filter(pk=category).values("review_process_id").first()
    if found is None or found["review_process_id"] is None:
        raise ValidationError(_("Unknown category, or it has no jury yet."))
    if not Phase.objects.filter(pk=phase, process_id=found["review_process_id"]).exists():
        raise ValidationError(_("Unknown round."))
    cleaned = {"category": category, "phase": phase, "lang": _lang(params)}
    viewer = visibility.clean_viewer(params)
    if viewer is not None:  # a juror's own booklet: without the nominations they may not see
        cleaned["viewer"] = viewer
    return cleaned


def _audience(params):
    """What the booklet may hold: the review engine's answer for its viewer (or the editors)."""
    phase = Phase.objects.select_related("process").get(pk=params["phase"])
    return phase, visibility.for_viewer(phase.process, params.get("viewer"))


def _booklet_nominations(phase, seen=None):
    """(item, nomination) pairs of the round, only those ``seen`` (the engine's visibility for
    the booklet's audience) allows; None: the editors' booklet."""
    items = review.phase_items(phase)
    items = list(items if seen is None else seen.filter(items))
    subjects = review.subjects_of(items)
    ids = [subjects[item.pk].pk for item in items if item.pk in subjects]
    nominations = {
        n.pk: n
        for n in Nomination.objects.filter(pk__in=ids)
        .select_related("category", "organisation")
        .prefetch_related("files")
    }
    return [(item, nominations[subjects[item.pk].pk]) for item in items if item.pk in subjects]


def booklet_fingerprint(params):
    phase, seen = _audience(params)
    items = review.phase_items(phase).aggregate(n=Count("pk"), last=Max("updated_at"))
    nominations = Nomination.objects.filter(category_id=params["category"]).aggregate(
        last=Max("updated_at")
    )
    files = NominationFile.objects.filter(nomination__category_id=params["category"]).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    # The name printed on it, in the booklet's language: a translation published since counts.
    with translation.override(params.get("lang") or settings.LANGUAGE_CODE):
        name = str(phase.process.label)
        # Its description and criteria too: a translation edited since counts.
        shown = services.categories_in_language(
            AwardCategory.objects.select_related("page").get(pk=params["category"]).page
        ).get(params["category"])
        texts = [tuple(shown.description), tuple(shown.criteria)] if shown else []
    return [items, nominations, files, seen.key(), name, texts]


def _embedded_photos(files):
    # Photos are private files: embedded as data URLs, decoded within the pixel cap.
    photos = [f for f in files if f.kind == NominationFile.Kind.PHOTO]
    for photo in photos:
        photo.embedded = embeddable_image(photo.file)
    return photos


def build_booklet(params, progress):
    from participation.documents.pdf import render_pdf_document

    category = AwardCategory.objects.select_related("page").get(pk=params["category"])
    phase, seen = _audience(params)
    if not seen.sees_items:
        raise DocumentBuildError(_("You are no longer on this jury."))
    if not seen.identity:
        raise DocumentBuildError(
            _("This round is judged blind: read the nominations in your review workspace.")
        )
    with translation.override(params["lang"]):
        entries = []
        pairs = _booklet_nominations(phase, seen)
        for done, (item, nomination) in enumerate(pairs, start=1):
            files = list(nomination.files.all())
            entries.append(
                {
                    "id": f"nomination-{item.number}",
                    "item": item,
                    "nomination": nomination,
                    "evidence": [f for f in files if f.kind == NominationFile.Kind.EVIDENCE],
                    "photos": _embedded_photos(files),
                }
            )
            progress(done, len(pairs))
        rendered = render_pdf_document(
            "awards/print/jury_booklet.html",
            {
                # Its description and criteria as the juror reads them (the translation's copy).
                "category": services.category_in_language(category, params["lang"]),
                "phase": phase,
                "entries": entries,
                "criteria": list(phase.process.criteria.all()),
                "document_cover": True,
                # The process's name: edition and category as translated for the reader.
                "document_subtitle": _("%(category)s · round: %(round)s · %(count)s nominations")
                % {"category": phase.process.label, "round": phase.label, "count": len(entries)},
                "document_toc": [
                    {"id": "criteria", "title": _("Criteria"), "level": 1},
                    *[
                        {
                            "id": entry["id"],
                            "title": f"{entry['item'].label}: {entry['nomination'].nominee_name}",
                            "level": 1,
                        }
                        for entry in entries
                    ],
                ],
            },
            title=_("Jury booklet: %(edition)s") % {"edition": phase.process.label},
            author=category.page.title,
            lang=params["lang"],
            on_page=progress.pages,
        )
    return BuiltFile.pdf(rendered.content, f"jury-booklet-{category.pk}-round-{phase.pk}.pdf")


def _process_of(params):
    category = AwardCategory.objects.filter(pk=params.get("category")).first()
    return category.review_process if category else None


def can_request_booklet(user, params):
    """The category's jurors, each their own booklet; editors who are not on that jury."""
    return visibility.may_use_as(user, _process_of(params), params.get("viewer"))


def can_view_booklet(user, document):
    return can_request_booklet(user, document.params)


def can_serve_booklet(user, document):
    return visibility.may_serve(user, _process_of(document.params), document)


register(
    DocumentKind(
        name="awards.jury_booklet",
        label=gettext_lazy("Jury booklet"),
        build=build_booklet,
        fingerprint=booklet_fingerprint,
        clean_params=clean_booklet_params,
        can_request=can_request_booklet,
        can_view=can_view_booklet,
        can_serve=can_serve_booklet,
        progress_unit="items",
    )
)


# --- the results report: every category's ranking and decisions ---------------------------------


def clean_report_params(params):
    edition = _id(params, "edition")
    if not AwardEditionPage.objects.filter(pk=edition).exists():
        raise ValidationError(_("Unknown award edition."))
    return {"edition": edition, "lang": _lang(params)}


def report_fingerprint(params):
    reviews = Review.objects.filter(
        assignment__phase__process__award_category__page_id=params["edition"]
    ).aggregate(n=Count("pk"), last=Max("updated_at"))
    nominations = Nomination.objects.filter(edition_id=params["edition"]).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    edition = AwardEditionPage.objects.get(pk=params["edition"])
    return [
        reviews,
        nominations,
        edition.shortlist_published_at,
        edition.winners_published_at,
        edition.votes.count(),
    ]


def report_context(edition):
    sections = []
    shown = services.categories_in_language(edition)  # names in the report's language
    for category in edition.categories.select_related("review_process"):
        results, rows = services.ranking(category)
        sections.append(
            {
                "id": f"category-{category.pk}",
                "category": shown.get(category.pk, category),
                "phase": results.phase if results else None,
                "rows": rows,
                "nominations": Nomination.objects.filter(
                    category=category, status=Nomination.Status.SUBMITTED
                ).count(),
                "confirmed": Nomination.objects.filter(
                    category=category,
                    status=Nomination.Status.SUBMITTED,
                    confirmed_at__isnull=False,
                ).count(),
                "notes": list(category.deliberation_notes.select_related("author", "phase")),
            }
        )
    return sections


def build_report(params, progress):
    from participation.documents.pdf import render_pdf_document

    edition = AwardEditionPage.objects.get(pk=params["edition"])
    with translation.override(params["lang"]):
        sections = report_context(edition)
        progress(1, 2)
        votes = None
        if edition.audience_prize:
            votes = services.vote_results(edition)
            shown = {s["category"].pk: s["category"] for s in sections}
            for nomination in votes or []:
                nomination.__dict__["_shown_category"] = shown.get(nomination.category_id)
        toc = [{"id": s["id"], "title": s["category"].name, "level": 1} for s in sections]
        if votes:
            toc.append({"id": "audience", "title": _("Audience prize"), "level": 1})
        rendered = render_pdf_document(
            "awards/print/results_report.html",
            {
                "edition": edition,
                "sections": sections,
                "votes": votes,
                "document_cover": True,
                "document_subtitle": edition.get_state_display(),
                "document_toc": toc,
            },
            title=_("Results report: %(edition)s") % {"edition": edition.title},
            author=edition.title,
            lang=params["lang"],
            on_page=progress.pages,
        )
    return BuiltFile.pdf(rendered.content, f"award-results-{edition.pk}.pdf")


def _edition(params):
    return AwardEditionPage.objects.filter(pk=params.get("edition")).first()


def _editors(user, params):
    edition = _edition(params)
    return edition is not None and edition_editor(user, edition)


def _editors_view(user, document):
    return _editors(user, document.params)


register(
    DocumentKind(
        name="awards.results_report",
        label=gettext_lazy("Award results report"),
        build=build_report,
        fingerprint=report_fingerprint,
        clean_params=clean_report_params,
        can_request=_editors,
        can_view=_editors_view,
        can_serve=_editors_view,
        page=_edition,
        progress_unit="items",
    )
)
