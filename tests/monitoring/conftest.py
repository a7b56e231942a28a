"""Fixtures of the monitoring tests: a board page, themes, a consultation with an outcome item,
commitments and indicators."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import Locale

from consultations.demo_questionnaire import recognition_questionnaire
from consultations.models import ConsultationIndexPage, ConsultationPage, OutcomeItem, Response
from monitoring.models import Commitment, Indicator, IndicatorValue, MonitoringBoardPage
from themes.models import Theme


@pytest.fixture
def themes(db):
    return {t.slug: t for t in Theme.objects.filter(locale=Locale.get_default())}


@pytest.fixture
def board(home_page):
    page = home_page.add_child(
        instance=MonitoringBoardPage(
            title="Progress board", slug="progress", intro="Are they kept?"
        )
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def consultation(home_page, themes):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Housing",
            slug="housing",
            intro="x",
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=1),
            questionnaire=recognition_questionnaire(),
        )
    )
    page.themes.set([themes["housing"]])
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


@pytest.fixture
def outcome_item(consultation, themes):
    item = OutcomeItem(
        page=consultation, title="A deposit fund", text="<p>It starts in spring.</p>"
    )
    item.save()
    item.themes.set([themes["housing"]])
    item.save()  # a ParentalManyToManyField is stored on save, as publishing the page does
    return item


@pytest.fixture
def make_response(consultation):
    def make(user, organisation=None, status=Response.Status.SUBMITTED, **fields):
        count = Response.objects.count()
        return Response.objects.create(
            consultation=consultation,
            user=user,
            updated_by=user,
            organisation=organisation,
            respondent_type="organisation" if organisation else "individual",
            status=status,
            receipt_number=f"CONS-T{count:05d}" if status == Response.Status.SUBMITTED else "",
            submitted_at=timezone.now() if status == Response.Status.SUBMITTED else None,
            **fields,
        )

    return make


@pytest.fixture
def make_commitment(db, themes):
    def make(title="Interpreters in hospitals", theme="housing", **fields):
        commitment = Commitment.objects.create(title=title, **fields)
        commitment.themes.set([themes[theme]])
        commitment.notified_state = commitment.state_signature()
        commitment.save()
        return commitment

    return make


@pytest.fixture
def make_indicator(db, themes):
    def make(slug="overcrowding", theme="housing", values=(), **fields):
        fields.setdefault("name", slug.replace("-", " ").capitalize())
        fields.setdefault("unit", "%")
        indicator = Indicator.objects.create(theme=themes[theme], slug=slug, **fields)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                country=country,
                year=year,
                value=Decimal(str(value)),
                city=city,
            )
            for country, year, value, city in ((v + ("",)) if len(v) == 3 else v for v in values)
        )
        return indicator

    return make


@pytest.fixture
def editor(make_user):
    from allauth.mfa.totp.internal.auth import TOTP

    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # staff must have TOTP set up
    return editor


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client
