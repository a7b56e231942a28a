"""Helpers the tests of failed and concurrent saves import (a conftest cannot be imported by
name): one open call of each kind, a page to publish, and what people type into their forms."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from consultations.demo_questionnaire import qid, recognition_questionnaire

APPLIED, OUTCOME = qid("applied"), qid("outcome")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_calls(home):
    """Under `home`: an open consultation, expert call and award edition, and a plain page."""
    from awards.models import DEFAULT_CATEGORIES, AwardCategory, AwardEditionPage, AwardIndexPage
    from consultations.models import ConsultationIndexPage, ConsultationPage
    from expertgroup.models import ExpertCallIndexPage, ExpertCallPage
    from portal.models import StandardPage

    now = timezone.now()
    window = {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=10)}
    index = home.add_child(instance=ConsultationIndexPage(title="Consultations", slug="c"))
    consultation = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="x",
            questionnaire=recognition_questionnaire(),
            **window,
        )
    )
    index = home.add_child(instance=ExpertCallIndexPage(title="Experts", slug="experts"))
    call = index.add_child(
        instance=ExpertCallPage(title="Experts 2027", slug="meg", intro="x", seats=3, **window)
    )
    index = home.add_child(instance=AwardIndexPage(title="Award", slug="award"))
    edition = index.add_child(
        instance=AwardEditionPage(title="Award 2026", slug="award-2026", intro="x", **window)
    )
    for position, (_key, name) in enumerate(DEFAULT_CATEGORIES):
        AwardCategory.objects.create(page=edition, name=str(name), sort_order=position)
    article = home.add_child(instance=StandardPage(title="News", slug="news", intro="x"))
    for page in (consultation, call, edition, article):
        page.save_revision().publish()
    return SimpleNamespace(consultation=consultation, call=call, edition=edition, article=article)


def route(page, name, *args):
    return page.url + page.reverse_subpage(name, args=args)


def draft_step_data(version, text):
    """Step one of the consultation, saved as a draft; `text` goes in the free-text answer."""
    return {
        "version": str(version),
        "action": "save",
        f"q-{APPLIED}": "yes",
        f"q-{OUTCOME}": "__other__",  # the "Something else" choice, with its text
        f"q-{OUTCOME}-other": text,
    }


def details_data(version, theme_ids, text):
    """An expert application's first page, "Save and continue"; `text` as its motivation."""
    return {
        "version": str(version),
        "organisation": "",
        "full_name": "Nadia Haddad",
        "profile_type": "academia",
        "expertise": [str(pk) for pk in theme_ids],
        "languages": ["ar", "fr"],
        "country": "FR",
        "nationalities": ["SY"],
        "gender": "woman",
        "migrant_background": "refugee",
        "motivation": text,
        "experience": "I ran a legal clinic for eight years.",
        "public_profile_consent": "on",
        "action": "next",
    }


def nomination_data(version, text):
    """The nomination form, saved as a draft; `text` as its description."""
    return {
        "version": str(version),
        "nominee_name": "Théâtre des Exilés",
        "nominee_country": "FR",
        "nominee_city": "Lyon",
        "nominee_website": "",
        "contact_name": "Lina",
        "contact_email": "lina@theatre.example",
        "project_title": "Stories on stage",
        "description": text,
        "results": "Forty actors, six plays.",
        "links": "",
        "publication_consent": "on",
        "action": "save",
    }


def profile_data(name):
    return {"display_name": name, "country": "DE", "preferred_language": "en"}
