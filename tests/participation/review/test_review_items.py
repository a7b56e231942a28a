"""Items come from plugins through the interface; numbers are stable; owners offer imports."""

import pytest
from review_doubles import ApplicationDouble, PlainThing
from review_helpers import make_application

from participation.audit.services import history
from participation.review import services
from participation.review.interface import (
    ReviewField,
    adapter_for,
    register_adapter,
    unregister_adapter,
)
from participation.review.models import ItemStatus, ReviewItem

pytestmark = pytest.mark.django_db


def test_sync_item_takes_what_the_engine_needs_from_the_plugin(world):
    item = world.items[0]
    assert item.number == 1 and item.label == "Application 1"
    assert item.title == "Application of Applicant Zed0"
    assert item.organisation == world.organisation
    assert item.submitter == world.applicants[0]
    assert list(item.people.all()) == [world.applicants[0]]
    assert item.tags == ["employment"] and item.languages == ["ar"]
    assert item.phase == world.phase and item.status == ItemStatus.IN_REVIEW
    assert item.subject == world.applications[0]


def test_sync_item_is_idempotent_and_numbers_never_change(world):
    application = world.applications[1]
    application.themes = ["housing", "health"]
    application.save()
    again = services.sync_item(world.process, application)
    assert again.pk == world.items[1].pk and again.number == 2
    assert again.tags == ["health", "housing"]
    assert ReviewItem.objects.filter(process=world.process).count() == 4
    actions = [e.action for e in history(world.process)]
    assert actions.count("item.added") == 4 and actions.count("item.updated") == 1


def test_numbers_continue_per_process(world, make_process):
    other = make_process(name="Integration award: housing")
    item = services.sync_item(other, world.applications[0])
    assert item.number == 1
    late = services.sync_item(world.process, make_application(world.call, name="Late Person"))
    assert late.number == 5


def test_owner_offers_its_subjects_for_import(world):
    make_application(world.call, name="Fifth Applicant")
    assert services.import_items(world.process, world.editor) == 5
    assert world.process.items.count() == 5


def test_import_without_a_source_is_refused(make_process):
    process = make_process()
    with pytest.raises(services.ReviewError, match="no source"):
        services.import_items(process)


def test_a_model_without_the_interface_is_refused_with_a_clear_error(world):
    thing = PlainThing.objects.create(label="x")
    with pytest.raises(TypeError, match="cannot be reviewed"):
        adapter_for(thing)


def test_a_registered_adapter_makes_any_model_reviewable(world):
    class ThingAdapter:
        def __init__(self, thing):
            self.thing = thing

        def review_title(self):
            return f"Thing {self.thing.pk}"

        def review_fields(self, blind):
            return [ReviewField("label", "Label", self.thing.label)]

        def review_organisation(self):
            return None

        def review_people(self):
            return []

        def review_tags(self):
            return ["health"]

        def review_attributes(self):
            return {}

    register_adapter(PlainThing, ThingAdapter)
    try:
        item = services.sync_item(world.process, PlainThing.objects.create(label="Adapted"))
        assert item.title.startswith("Thing ") and item.tags == ["health"] and item.languages == []
        assert services.item_view(item).fields[0].value == "Adapted"
    finally:
        unregister_adapter(PlainThing)


def test_an_item_whose_subject_is_gone_shows_as_unavailable(world):
    item = world.items[3]
    ApplicationDouble.objects.filter(pk=world.applications[3].pk).delete()
    item = ReviewItem.objects.get(pk=item.pk)
    assert services.item_view(item).unavailable


def test_status_changes_are_logged(world):
    services.set_item_status(world.items[2], ItemStatus.WITHDRAWN, world.editor, reason="asked")
    event = history(world.process).filter(action="item.status").get()
    assert event.data == {"item": 3, "before": "in_review", "after": "withdrawn", "reason": "asked"}


def test_an_item_whose_plugin_is_uninstalled_does_not_break_anything(world):
    from django.contrib.contenttypes.models import ContentType

    gone = ContentType.objects.create(app_label="oldplugin", model="nomination")
    item = world.items[0]
    ReviewItem.objects.filter(pk=item.pk).update(subject_content_type=gone)
    item = ReviewItem.objects.get(pk=item.pk)
    assert services.item_view(item).unavailable
    assert services.subjects_of([item]) == {item.pk: None}
