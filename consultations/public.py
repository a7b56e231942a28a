"""What the public sees after a consultation: what we heard, and the published answers."""

import json

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext
from django_countries import countries

from participation.accounts.languages import language_name
from participation.fragments import cached_fragments, digest
from participation.i18n import submissions_page
from participation.organisations.models import Organisation
from participation.questionnaire.export import display_value
from participation.questionnaire.structure import parse

from . import services
from .documents import charts

MAX_CACHED_PAGE = 1000  # a page number past it is rendered, not kept: the cache stays bounded


def page_key(page) -> str:
    """What a public fragment of this page shows besides its answers: the page's own content
    as served (its live revision, when it was published, where it is, and a hash of its
    questionnaire, whose labels the fragments show) and which page holds its answers, with
    their version (bumped in the transaction of every submit, change, withdrawal, moderation,
    redaction and author's name change)."""
    source = submissions_page(page)
    return "{}:{}:{}".format(
        page.pk,
        digest(
            page.live_revision_id,
            page.last_published_at,
            page.url_path,  # a move changes the links, not the revision
            json.dumps(list(page.questionnaire.raw_data), sort_keys=True, default=str),
        ),
        f"{source.pk}:{services.summary_version(source.pk)}",
    )


def what_we_heard(request, page):
    # Counts of the page's submissions (the original's, for a translation: services), labels
    # of the page in the reader's language: choices are stored by value, the same in both.
    # Rendered once per version of the answers, revision and language (participation.fragments).
    def summary_context():
        heard = services.what_we_heard(page)
        rows = services.summary_rows(page, heard)
        from .crosstabs import published_tag_table
        from .models import Response

        kinds = dict(Organisation.Kind.choices)
        tags = published_tag_table(submissions_page(page).pk)
        channels = dict(Response.Channel.choices)
        by_channel = heard.get("by_channel", {})  # a summary cached before channels: none
        return {
            "heard": heard,
            # Drawn for a phone, and as wide as a phone on a wider screen (charts.NarrowChart):
            # one chart readable at 320 px rather than a wide one shrunk.
            "rows": [(row, chart.narrow()) for row, chart in zip(rows, charts(rows), strict=True)],
            "countries": [
                (countries.name(code) or code, n) for code, n in heard["by_country"].items()
            ],
            # Declared by the people beside detected in their free text (consultations.languages).
            "languages": [
                (
                    language_name(code),
                    heard["by_language"].get(code, 0),
                    heard["by_detected_language"].get(code, 0),
                )
                for code in {**heard["by_language"], **heard["by_detected_language"]}
            ],
            "kinds": [
                (kinds.get(kind, kind), n) for kind, n in heard["by_organisation_kind"].items()
            ],
            # Shown once some answers came another way than online (entered or imported).
            "channels": [(channels.get(channel, channel), n) for channel, n in by_channel.items()]
            if set(by_channel) - {Response.Channel.ONLINE}
            else [],
            # The analysis tags editors chose to publish (consultations.crosstabs).
            "tags": tags,
            "tags_chart": tags.chart(
                gettext("Tags by %(by)s") % {"by": gettext("Respondent type")}
            ).narrow()
            if tags
            else None,
        }

    intro, body = cached_fragments(
        request,
        f"consultations:wwh:{page_key(page)}",
        ["consultations/what_we_heard_intro.html", "consultations/what_we_heard_body.html"],
        summary_context,
        is_preview=getattr(request, "is_preview", False),
    )
    return render(
        request,
        "consultations/what_we_heard.html",
        {
            "page": page,
            "intro": intro,
            "body": body,
            "pdf_params": {"consultation": page.pk, "lang": request.LANGUAGE_CODE},
        },
    )


def published_responses(request, page):
    # Rendered once per version of the answers (moderation, redaction, publication choices and
    # the authors' names bump it), revision, page number, language and, with a machine
    # translation backend, the last translation stored into that language.
    from django.utils.translation import get_language

    from participation.machine_translation.services import stamp

    from .languages import texts_of
    from .machine_translation import translations_for

    number = request.GET.get("page") or "1"
    cacheable = number.isdigit() and 0 < int(number) <= MAX_CACHED_PAGE
    reader = get_language()

    def listing_context():
        questionnaire = parse(page.questionnaire)
        paginator = Paginator(services.publishable(page), 20)
        page_obj = paginator.get_page(number)
        items, shown = [], []
        for response in page_obj:
            answers = services.public_answers(response)
            # The free texts as published, each in the language detected for its question.
            free = texts_of(answers, response.questionnaire_snapshot)
            detected = response.text_languages or {}
            sources = {
                question_id: (text, detected.get(question_id, ""))
                for question_id, text in free.items()
            }
            shown += sources.values()
            items.append(
                {
                    "response": response,
                    "author": services.public_author(response),
                    "answers": [
                        (
                            question.label,
                            display_value(question, answers[question.id]),
                            page.url
                            + page.reverse_subpage("attachment", args=[response.pk, question.id])
                            if question.type == "file_upload"
                            else None,
                            sources.get(question.id),
                        )
                        for question in questionnaire.questions
                        if question.id in answers and question.type not in ("consent",)
                    ],
                }
            )
        # The translations into the reader's language of the whole page: one query.
        translated = translations_for(shown, reader)
        for item in items:
            # Each text marked with the language detected for it (as moderation shows it),
            # else the one its author declared.
            item["answers"] = [
                (
                    label,
                    text,
                    file_url,
                    _translation(translated, source),
                    (source[1] if source else "") or item["response"].language,
                )
                for label, text, file_url, source in item["answers"]
            ]
        return {"page": page, "page_obj": page_obj, "items": items, "reader": reader}

    (body,) = cached_fragments(
        request,
        f"consultations:published:{page_key(page)}{stamp(reader)}:"
        f"{int(number) if cacheable else 0}",
        ["consultations/published_responses_body.html"],
        listing_context,
        is_preview=getattr(request, "is_preview", False) or not cacheable,
    )
    return render(request, "consultations/published_responses.html", {"page": page, "body": body})


def _translation(translated: dict, source) -> dict | None:
    """The machine translation of one published text, with the name of its language."""
    if source is None or source not in translated:
        return None
    return {"text": translated[source], "from": language_name(source[1])}


def can_download_attachment(request, response) -> bool:
    """Editors, people who may edit the answer, and the public when the respondent agreed to
    publish attachments and the answer is published."""
    from participation.pages_access import can_edit as can_edit_page
    from participation.submissions.services import can_edit

    from .respond import _respondent

    if can_edit_page(request.user, response.consultation):
        return True  # the editors in charge of this consultation, not any staff member
    if can_edit(response, _respondent(request, response.pk)):
        return True
    return (
        response.publish_attachments
        and services.publishable(response.consultation).filter(pk=response.pk).exists()
    )


def attachment(request, page, response_id, question_id):
    """Serve an uploaded file from the private storage as a download, never inline: its type
    was checked by content on upload, and its name takes that type's extension."""
    from django.http import Http404

    from participation.files.serve import download_name, private_file_response

    from .models import Response

    response = Response.objects.filter(pk=response_id, consultation=page.submissions_page()).first()
    answer = response.answers.get(question_id) if response else None
    if (
        not isinstance(answer, dict)
        or "path" not in answer
        or not can_download_attachment(request, response)
    ):
        raise Http404
    content_type = answer.get("content_type") or "application/octet-stream"
    return private_file_response(
        answer["path"],
        content_type=content_type,
        filename=download_name(answer.get("name"), content_type, fallback="attachment"),
    )
