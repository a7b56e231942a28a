from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import ConsultationPage


@receiver(page_published, sender=ConsultationPage)
def announce_outcome(sender, instance, **kwargs):
    """The first publication of an outcome tells every respondent (in a background task)."""
    from .services import outcome_published
    from .tasks import notify_outcome

    if outcome_published(instance):
        transaction.on_commit(lambda: notify_outcome.enqueue(instance.pk))
