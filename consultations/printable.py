"""A consultation's questionnaire on paper, for workshops, reception centres and people without
a screen (issue 20): every question numbered as online, boxes to tick, lines to write, the
consent and publication choices, in any of the consultation's languages (its live translation's
wording, right to left where the language is), and a reference code on every page of each
copy, so that an answer typed in later can be traced to its sheet.

Each request is a new batch: its copies' codes (``<consultation>-<batch>-<copy>``) are never
printed twice.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale

from participation.documents.registry import BuiltFile, DocumentKind, register
from participation.questionnaire.structure import parse

from .documents import _consultation, _signed_in, summary_page
from .models import ConsultationPage, Response

MAX_COPIES = 200
BATCH_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off paper
LONG_TEXT_LINES = 6


def clean_params(params: dict) -> dict:
    consultation = _consultation(params)
    lang = str(params.get("lang") or "en")[:10]
    try:
        copies = int(params.get("copies") or 1)
    except (TypeError, ValueError):
        copies = 0
    if not 1 <= copies <= MAX_COPIES:
        raise ValidationError(
            _("Print between 1 and %(max)s copies at a time.") % {"max": MAX_COPIES}
        )
    batch = str(params.get("batch") or "")
    if len(batch) != 6 or any(ch not in BATCH_ALPHABET for ch in batch):
        batch = "".join(secrets.choice(BATCH_ALPHABET) for _ in range(6))
    return {
        "consultation": consultation.pk,
        "lang": lang if lang.replace("-", "").isalpha() else "en",
        "copies": copies,
        "batch": batch,
    }


def reference(consultation_id: int, batch: str, copy: int) -> str:
    return f"{consultation_id}-{batch}-{copy:03d}"


def page_in(consultation: ConsultationPage, lang: str) -> ConsultationPage:
    """The consultation as readers of ``lang`` see it: its live translation, else itself."""
    locale = Locale.objects.filter(language_code=lang).first()
    if locale is None or locale.pk == consultation.locale_id:
        return consultation
    translated = (
        ConsultationPage.objects.live()
        .filter(translation_key=consultation.translation_key, locale=locale)
        .first()
    )
    return translated or consultation


def condition_text(condition, by_key: dict) -> str:
    """ "Answer only if ..." in words, with the earlier question's number and its option's label."""
    if condition is None:
        return ""
    question = by_key.get(condition.key)
    if question is None:
        return ""
    values = {
        "number": question.position + 1,
        "value": question.option_label(condition.value)
        if question.options
        else {"yes": _("Yes"), "no": _("No")}.get(condition.value, condition.value),
    }
    if condition.operator == "not_equals":
        return _("Answer only if your answer to question %(number)s is not “%(value)s”.") % values
    if condition.operator == "contains":
        return _("Answer only if you chose “%(value)s” in question %(number)s.") % values
    return _("Answer only if your answer to question %(number)s is “%(value)s”.") % values


def print_languages(consultation: ConsultationPage) -> list[tuple[str, str]]:
    """(code, name) of the languages the questionnaire can be printed in: the consultation's and
    its live translations'."""
    from participation.accounts.languages import language_name

    codes = (
        ConsultationPage.objects.live()
        .filter(translation_key=consultation.translation_key)
        .values_list("locale__language_code", flat=True)
    )
    first = consultation.locale.language_code
    ordered = [first, *sorted(set(codes) - {first})]
    return [(code, language_name(code)) for code in ordered]


def build(params, progress):
    from participation.documents.pdf import render_pdf_document

    consultation = _consultation(params)
    page = page_in(consultation, params["lang"])
    with translation.override(params["lang"]):
        questionnaire = parse(page.questionnaire)
        by_key = {}
        for question in questionnaire.questions:
            by_key[question.id] = question
            if question.key:
                by_key[question.key] = question
        sections = [
            {
                "step": step,
                "condition": condition_text(step.condition, by_key),
                "questions": [
                    {
                        "question": question,
                        "number": question.position + 1,
                        "condition": condition_text(question.condition, by_key),
                        "scale": range(
                            question.settings.get("scale_min", 1),
                            question.settings.get("scale_max", 5) + 1,
                        )
                        if question.type == "scale"
                        else (),
                    }
                    for question in step.questions
                ],
            }
            for step in questionnaire.steps
        ]
        copies = [
            reference(consultation.pk, params["batch"], n) for n in range(1, params["copies"] + 1)
        ]
        rendered = render_pdf_document(
            "consultations/print/questionnaire.html",
            {
                "page": page,
                "sections": sections,
                "copies": copies,
                "long_lines": range(LONG_TEXT_LINES),
                "publication_choices": Response.Publication.choices,
                "respondent_types": Response.RespondentType.choices,
            },
            title=_("Questionnaire: %(title)s") % {"title": page.title},
            lang=params["lang"],
            on_page=progress.pages,
        )
    return BuiltFile.pdf(
        rendered.content,
        f"questionnaire-{consultation.slug}-{params['lang']}-{params['batch']}.pdf",
    )


register(
    DocumentKind(
        name="consultations.questionnaire",
        label=gettext_lazy("Printable questionnaire"),
        build=build,
        clean_params=clean_params,
        # As public as the consultation's page: its view restrictions apply (``page``).
        can_request=_signed_in,
        can_view=lambda user, document: bool(user.is_authenticated),
        page=summary_page,  # the same consultation parameter as the summary's
        progress_unit="pages",
        version="1",
    )
)
