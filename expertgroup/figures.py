"""What keeps the group's participation figures on the board exact (themes/figures.py): the
number of applicants and of experts selected moves with an application's status, decision and
fields of expertise, so every change of those bumps the group's figures version in its
transaction. Saves and deletions through the ORM do so by signal; the services that write with
``QuerySet.update`` or ``bulk_update`` (submitting, decisions) call :func:`changed` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from themes.figures import bump

KEY = "expertgroup"


def changed(*_args, **_kwargs) -> None:
    bump(KEY)


def _expertise_changed(action, **_kwargs) -> None:
    if action.startswith("post_"):
        changed()


def connect() -> None:
    from django.contrib.auth import get_user_model

    from .models import Application

    post_save.connect(changed, sender=Application, dispatch_uid="expertgroup-figures-save")
    post_delete.connect(changed, sender=Application, dispatch_uid="expertgroup-figures-delete")
    m2m_changed.connect(
        _expertise_changed,
        sender=Application.expertise.through,
        dispatch_uid="expertgroup-figures-expertise",
    )
    # Deleting an account unlinks its applications with an UPDATE that sends no signal.
    post_delete.connect(changed, sender=get_user_model(), dispatch_uid="expertgroup-figures-user")
