"""What the public sees after a consultation: what we heard, and the published answers."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django_countries import countries

from participation.accounts.languages import language_name
from participation.organisations.models import Organisation
from participation.questionnaire.export import display_value
from participation.questionnaire.structure import parse

from . import services
from .documents import charts


def what_we_heard(request, page):
    heard = services.what_we_heard(page)
    rows = services.summary_rows(page, heard)
    kinds = dict(Organisation.Kind.choices)
    return render(
        request,
        "consultations/what_we_heard.html",
        {
            "page": page,
            "heard": heard,
            "pdf_params": {"consultation": page.pk, "lang": request.LANGUAGE_CODE},
            "rows": [(row, chart) for row, chart in zip(rows, charts(rows), strict=True)],
            "countries": [
                (countries.name(code) or code, n) for code, n in heard["by_country"].items()
            ],
            "languages": [(language_name(code), n) for code, n in heard["by_language"].items()],
            "kinds": [
                (kinds.get(kind, kind), n) for kind, n in heard["by_organisation_kind"].items()
            ],
        },
    )


def published_responses(request, page):
    questionnaire = parse(page.questionnaire)
    paginator = Paginator(services.publishable(page), 20)
    page_obj = paginator.get_page(request.GET.get("page"))
    items = []
    for response in page_obj:
        answers = services.public_answers(response)
        items.append(
            {
                "response": response,
                "author": services.public_author(response),
                "answers": [
                    (question.label, display_value(question, answers[question.id]))
                    for question in questionnaire.questions
                    if question.id in answers and question.type not in ("consent",)
                ],
            }
        )
    return render(
        request,
        "consultations/published_responses.html",
        {"page": page, "page_obj": page_obj, "items": items},
    )
