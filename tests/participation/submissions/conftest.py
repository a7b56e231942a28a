"""An open consultation: the submissions' rules and flow are exercised through its responses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import ConsultationIndexPage, ConsultationPage


@pytest.fixture
def consultation(home_page):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="c"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Open one",
            slug="open-one",
            intro="x",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            grace_minutes=30,
        )
    )
    page.save_revision().publish()
    return page
