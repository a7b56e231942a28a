from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.signals import page_published

from participation.organisations.models import Organisation

from . import counts
from .models import ConsultationPage, Response


@receiver(page_published, sender=ConsultationPage)
def announce_outcome(sender, instance, **kwargs):
    """The first publication of an outcome tells every respondent (in a background task)."""
    from .services import outcome_published
    from .tasks import notify_outcome

    if outcome_published(instance):
        transaction.on_commit(lambda: notify_outcome.enqueue(instance.pk))


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
