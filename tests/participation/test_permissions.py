"""One permission policy per model the admin shows, registered where Wagtail's views look for
it; the hand-built pages ask the same object (``participation.permissions.allowed``)."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.permissions import policy_registry

from consultations.admin_views import ResponsePermissionPolicy
from consultations.models import Response
from expertgroup.models import LetterTemplate
from monitoring.models import Commitment, Indicator
from participation.organisations.models import Organisation
from participation.permissions import allowed
from participation.review.models import Reviewer, ReviewProcess
from participation.review.permissions import MANAGE, ReviewProcessPermissionPolicy
from themes.models import Theme

pytestmark = pytest.mark.django_db


def test_every_admin_model_has_its_registered_policy():
    for model in (
        Response,
        Organisation,
        ReviewProcess,
        Commitment,
        Indicator,
        Theme,
        LetterTemplate,
    ):
        assert policy_registry.get_by_type(model, fallback=False) is not None, model
    assert isinstance(policy_registry.get_by_type(Response), ResponsePermissionPolicy)
    assert isinstance(policy_registry.get_by_type(ReviewProcess), ReviewProcessPermissionPolicy)


def test_review_process_policy_manage(make_user):
    process = ReviewProcess.objects.create(name="Jury 2027")
    editor = make_user("editor@example.org", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_reviewprocess"))
    member = make_user("member@example.org", is_staff=True)
    assert allowed(editor, ReviewProcess, MANAGE)
    assert allowed(editor, ReviewProcess, MANAGE, process)
    assert allowed(editor, ReviewProcess, "change")
    assert not allowed(member, ReviewProcess, MANAGE)
    assert not allowed(member, ReviewProcess, "change")
    # An editor who reviews the process may not run it.
    Reviewer.objects.create(process=process, user=editor)
    editor = type(editor).objects.get(pk=editor.pk)
    assert allowed(editor, ReviewProcess, MANAGE)
    assert not allowed(editor, ReviewProcess, MANAGE, process)


def test_monitoring_policies_are_model_permissions(make_user):
    staff = make_user("staff@example.org", is_staff=True)
    assert not allowed(staff, Commitment, "add")
    staff.user_permissions.add(Permission.objects.get(codename="add_commitment"))
    staff = type(staff).objects.get(pk=staff.pk)
    assert allowed(staff, Commitment, "add") and not allowed(staff, Indicator, "change")
