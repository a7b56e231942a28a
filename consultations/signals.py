from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.signals import page_published

from participation.organisations.models import Organisation

from . import counts
from .models import ConsultationPage, Redaction, Response


@receiver(page_published, sender=ConsultationPage)
def announce_outcome(sender, instance, **kwargs):
    """The first publication of an outcome tells every respondent (in a background task)."""
    from .services import outcome_published
    from .tasks import notify_outcome

    if outcome_published(instance):
        transaction.on_commit(lambda: notify_outcome.enqueue(instance.pk))


@receiver(page_published, sender=ConsultationPage)
def sort_campaign_groups(sender, instance, **kwargs):
    """A changed smallest campaign size takes effect with the page: groups found before become
    campaigns or similar answers by their size (consultations.services.sort_campaign_groups)."""
    from .services import sort_campaign_groups

    sort_campaign_groups(instance)


# The answer counts (consultations.counts) follow every deletion of an answer and every change of
# an organisation that answers count by (its kind; its deletion leaves its answers without one),
# whichever path makes it.


@receiver(pre_delete, sender=Response)
def uncount_deleted_response(sender, instance, **kwargs):
    from .services import answers_changed

    # Django deletes inside a transaction, which the lock lasts for.
    before = counts.rows(Response.objects.filter(pk=instance.pk), lock=True)
    for consultation_id, delta in counts.differences(before, []).items():
        answers_changed(consultation_id, delta)


def _answers_of(organisation):
    return Response.objects.filter(organisation=organisation).exclude(
        status=Response.Status.WITHDRAWN
    )


def _locked_rows(organisation):
    # Locked before the organisation's row changes, so a submit of one of these answers either
    # finishes first (and is moved below) or reads the new kind after it (services.submit).
    return counts.rows(_answers_of(organisation), lock=transaction.get_connection().in_atomic_block)


@receiver(pre_save, sender=Organisation)
def organisation_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    stored = Organisation.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    if stored is not None and stored != instance.kind:
        instance._counted_before = _locked_rows(instance)


@receiver(pre_delete, sender=Organisation)
def organisation_before_delete(sender, instance, **kwargs):
    instance._counted_before = _locked_rows(instance)


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
def organisation_changed(sender, instance, **kwargs):
    from .services import answers_changed

    before = instance.__dict__.pop("_counted_before", None)
    if not before:
        return
    after = counts.rows(Response.objects.filter(pk__in=[row["pk"] for row in before]))
    for consultation_id, delta in sorted(counts.differences(before, after).items()):
        answers_changed(consultation_id, delta)


# Published answers name their authors (services.public_author): a change of a person's or an
# organisation's name is a new version of the answers they published under it, so the cached
# listings (consultations/public.py) show it at once.
USER_NAME_FIELDS = ("display_name", "first_name", "last_name")


def _names_changed(model, instance, fields, update_fields) -> bool:
    if instance.pk is None or (update_fields is not None and not set(fields) & set(update_fields)):
        return False  # a sign-in saves last_login only: no query
    stored = model.objects.filter(pk=instance.pk).values_list(*fields).first()
    return stored is not None and stored != tuple(getattr(instance, f) for f in fields)


def _bump_named(responses) -> None:
    from .services import answers_changed

    named = responses.filter(
        status=Response.Status.SUBMITTED, publication=Response.Publication.NAMED
    )
    for consultation_id in sorted(set(named.values_list("consultation_id", flat=True))):
        answers_changed(consultation_id)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def user_name_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        instance._public_name_changed = _names_changed(
            sender, instance, USER_NAME_FIELDS, update_fields
        )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_name_changed(sender, instance, **kwargs):
    if instance.__dict__.pop("_public_name_changed", False):
        _bump_named(Response.objects.filter(user=instance, organisation__isnull=True))


@receiver(pre_save, sender=Organisation)
def organisation_name_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw:
        instance._public_name_changed = _names_changed(sender, instance, ("name",), update_fields)


@receiver(post_save, sender=Organisation)
def organisation_name_changed(sender, instance, **kwargs):
    if instance.__dict__.pop("_public_name_changed", False):
        _bump_named(Response.objects.filter(organisation=instance))


@receiver(post_save, sender=Redaction)
@receiver(post_delete, sender=Redaction)
def redaction_changed(sender, instance, **kwargs):
    """A redaction made or removed by any path (the moderation form also counts it) changes
    what the published answers show."""
    from .services import answers_changed

    consultation_id = (
        Response.objects.filter(pk=instance.response_id)
        .values_list("consultation_id", flat=True)
        .first()
    )
    if consultation_id is not None:
        answers_changed(consultation_id)
    # Its published text changed: translated again (consultations.machine_translation).
    from .machine_translation import redaction_changed as translate_again

    translate_again(instance.response_id)
