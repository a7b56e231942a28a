"""Demo consultations: one open, one closed, one forthcoming. Idempotent."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from themes.models import Theme

from . import assisted, demo_responses, services
from .demo_questionnaire import housing_questionnaire, recognition_questionnaire
from .models import ConsultationIndexPage, ConsultationPage, OutcomeItem

# A demo account (site/portal's load_demo) who enters answers at workshops: he already uses
# two-factor authentication, which facilitators must (consultations.wagtail_hooks).
FACILITATOR = "oleksandr@example.org"

CONSULTATIONS = [
    {
        "slug": "recognition-of-qualifications",
        "title": "Recognition of qualifications obtained outside the EU",
        "intro": (
            "How can recognising diplomas and skills be made faster and fairer? We want to "
            "hear from people who went through it and from the organisations that help them."
        ),
        "opens": -20,
        "closes": 40,
        "themes": ["education-and-training", "employment-and-skills"],
        "audiences": ["migrants", "migrant_led", "supporting", "public_authority"],
        "languages": ["en", "fr", "de", "ar", "uk", "ti", "fa"],
        "questionnaire": recognition_questionnaire,
    },
    {
        "slug": "housing-for-newcomers",
        "title": "Access to housing for newcomers",
        "intro": "Discrimination, deposits and overcrowding: what should cities do first?",
        "opens": -120,
        "closes": -30,
        "themes": ["housing", "participation-and-encounters"],
        "audiences": ["migrants", "migrant_led", "public_authority", "public"],
        "languages": [],
        "questionnaire": housing_questionnaire,
        "outcome": True,
    },
    {
        "slug": "mental-health-services",
        "title": "Mental health services for refugees",
        "intro": "Trauma-informed care, interpreters and waiting lists.",
        "opens": 10,
        "closes": 70,
        "themes": ["health"],
        "audiences": ["migrants", "supporting"],
        "languages": ["en", "ar", "uk", "ti"],
    },
]


def load(home):
    index = ConsultationIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ConsultationIndexPage(
                title="Consultations",
                slug="consultations",
                intro=(
                    "Open and past consultations. Answer alone or on behalf of your organisation."
                ),
            )
        )
        index.save_revision().publish()
    themes = {t.slug: t for t in Theme.objects.filter(locale=Locale.get_default())}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for spec in CONSULTATIONS:
        if ConsultationPage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        page = index.add_child(
            instance=ConsultationPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                opens_at=now + timedelta(days=spec["opens"]),
                closes_at=now + timedelta(days=spec["closes"]),
                audiences=spec["audiences"],
                accepted_languages=spec["languages"],
                contact_email="consultations@example.org",
                background=f"<p>{spec['intro']}</p>",
                questionnaire=spec["questionnaire"]() if "questionnaire" in spec else [],
            )
        )
        page.themes.set([themes[s] for s in spec["themes"]])
        page.save_revision().publish()
    recognition = ConsultationPage.objects.child_of(index).get(slug="recognition-of-qualifications")
    _facilitator(recognition)
    if demo_responses.load(recognition, 300, demo_responses._recognition_answers, seed=1):
        services.detect_campaigns(recognition)
    housing = ConsultationPage.objects.child_of(index).get(slug="housing-for-newcomers")
    demo_responses.load(housing, 120, demo_responses._housing_answers, seed=2)
    if not housing.outcome_published_at:
        _publish_housing_outcome(housing, themes)
    return index


def _facilitator(page):
    """The demo's facilitator (README: accounts) enters answers to the open consultation: the
    "Facilitators" group (migration 0019) gets "Enter answers" on it, as an editor grants it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _ = Group.objects.get_or_create(name=assisted.GROUP)
    permission = Permission.objects.get(
        content_type__app_label="wagtailcore", codename=assisted.CODENAME
    )
    GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    person = get_user_model().objects.filter(email=FACILITATOR).first()
    if person is not None:
        person.groups.add(group)


def _publish_housing_outcome(page, themes):
    first = page.responses.order_by("pk").values_list("receipt_number", flat=True)[:3]
    deposits = OutcomeItem(
        title="A deposit guarantee fund for newcomers in twelve cities",
        text="<p>Most of you asked for help with deposits. The fund starts next spring.</p>",
        question_keys="first",
        receipts="\n".join(first),
    )
    deposits.themes.set([themes["housing"]])
    testing = OutcomeItem(
        title="Discrimination testing of landlords and agencies",
        text="<p>Cities will test agencies every year and publish the results.</p>",
        question_keys="discrimination",
    )
    testing.themes.set([themes["housing"], themes["participation-and-encounters"]])
    page.outcome_intro = "<p>Thank you: 120 people and organisations answered.</p>"
    page.outcome_items = [deposits, testing]
    page.publish_outcome = True
    # Set before publishing, so the demo does not email its made-up respondents.
    page.outcome_published_at = timezone.now()
    page.save_revision().publish()
