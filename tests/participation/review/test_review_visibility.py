"""The one function that says what of a process a person may see (issue 16.1/16.2):
conflicts withheld from a reviewer, identity withheld in blind mode, whatever other role the
reviewer holds; editors who do not review see everything; anyone else nothing."""

import pytest
from django.core.exceptions import ValidationError

from participation.review import services
from participation.review.models import ReviewItem
from participation.review.visibility import (
    clean_viewer,
    for_viewer,
    manages,
    may_use_as,
    visibility,
    visible_items,
)

pytestmark = pytest.mark.django_db


def _ids(items):
    return {item.pk for item in items}


def test_visibility_conflicted_reviewer_misses_that_item_only(world):
    alice = world.reviewers[0]
    services.declare_conflict(world.items[0], alice, "personal", "my cousin")
    seen = visibility(alice.user, world.process)
    assert seen.is_reviewer and not seen.manages
    assert not seen.may_see(world.items[0]) and seen.may_see(world.items[1])
    assert _ids(visible_items(alice.user, world.process)) == _ids(world.items[1:])
    assert not seen.identity and not seen.special_category  # the process is blind
    assert _ids(seen.filter(list(world.items))) == _ids(world.items[1:])


def test_visibility_waiver_gives_the_item_back(world):
    alice = world.reviewers[0]
    services.declare_conflict(world.items[0], alice, "personal", "my cousin")
    services.grant_waiver(world.items[0], alice, "Distant relative", world.editor)
    assert visibility(alice.user, world.process).may_see(world.items[0])


def test_visibility_editor_sees_every_item_with_names(world):
    seen = visibility(world.editor, world.process)
    assert seen.manages and seen.identity and not seen.is_reviewer
    assert _ids(visible_items(world.editor, world.process)) == _ids(world.items)
    assert manages(world.editor, world.process)


def test_visibility_editor_who_reviews_is_a_reviewer_there(world):
    """Staff rights do not widen what a reviewer sees of the process they review."""
    services.add_reviewer(world.process, world.editor, world.editor)
    services.declare_conflict(
        world.items[1], world.process.reviewers.get(user=world.editor), "personal", "a friend"
    )
    seen = visibility(world.editor, world.process)
    assert seen.is_reviewer and not seen.manages and not seen.identity
    assert not seen.may_see(world.items[1])
    assert not manages(world.editor, world.process)


def test_visibility_stranger_sees_nothing(world, make_user):
    stranger = make_user("stranger@example.org")
    assert not visibility(stranger, world.process).sees_items
    assert not visible_items(stranger, world.process).exists()
    assert visible_items(stranger, world.process, list(world.items)) == []


def test_visibility_removed_reviewer_sees_nothing(world):
    alice = world.reviewers[0]
    services.remove_reviewer(alice, world.editor)
    assert not visibility(alice.user, world.process).sees_items
    assert not for_viewer(world.process, alice.pk).sees_items


def test_visibility_key_changes_with_a_conflict(world):
    alice = world.reviewers[0]
    before = for_viewer(world.process, alice.pk).key()
    services.declare_conflict(world.items[2], alice, "personal", "my cousin")
    assert for_viewer(world.process, alice.pk).key() != before


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30, "<b>"])
def test_visibility_forged_viewer_is_refused(value):
    with pytest.raises(ValidationError):
        clean_viewer({"viewer": value})


def test_visibility_viewer_must_be_the_person_asking(world):
    alice, bruno = world.reviewers[0], world.reviewers[1]
    assert may_use_as(alice.user, world.process, alice.pk)
    assert not may_use_as(alice.user, world.process, bruno.pk)
    assert not may_use_as(alice.user, world.process, None)  # never the editors' copy
    assert may_use_as(world.editor, world.process, None)
    assert not may_use_as(alice.user, None, alice.pk)
    assert ReviewItem.objects.filter(process=world.process).count() == len(world.items)
