"""The version of what the board shows besides its participation figures: commitments and
indicators, for the keys of their cached copies (monitoring/views.py).

Bumped by signals in the transaction of every change: a commitment, its translations, its
progress updates and theirs, its themes, its owner organisation's name, a theme, an indicator,
its translations and values. A change that bypasses signals (``QuerySet.update``,
``bulk_create``) of something the board shows must call ``bump()`` itself, as the import of
values does (imports.py); ``notified_state`` is written that way, and the board does not show
it. A reader who reads the new number reads the new rows too: they commit together.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from participation import versions

from .models import (
    BoardVersion,
    Commitment,
    CommitmentTranslation,
    Indicator,
    IndicatorTranslation,
    IndicatorValue,
    ProgressUpdate,
    ProgressUpdateTranslation,
)

SHOWN = (
    Commitment,
    CommitmentTranslation,
    ProgressUpdate,
    ProgressUpdateTranslation,
    Indicator,
    IndicatorTranslation,
    IndicatorValue,
)


def current() -> int:
    """The version (one query)."""
    return versions.current(BoardVersion)


def bump(**_kwargs) -> None:
    versions.bump(BoardVersion)


def _themes_changed(action, **_kwargs) -> None:
    if action.startswith("post_"):
        bump()


def _organisation_saved(instance, **_kwargs) -> None:
    # Only owners' names are shown; other organisations change often and are not shown.
    if Commitment.objects.filter(owner_organisation=instance).exists():
        bump()


def connect() -> None:
    from participation.organisations.models import Organisation
    from themes.models import Theme

    for model in SHOWN:
        post_save.connect(bump, sender=model, dispatch_uid=f"board-version-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"board-version-del-{model.__name__}")
    through = Commitment.themes.through
    m2m_changed.connect(_themes_changed, sender=through, dispatch_uid="board-version-m2m")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="board-version-org")
    # Deleting an owner clears the link with an UPDATE that sends no signal of Commitment.
    post_delete.connect(bump, sender=Organisation, dispatch_uid="board-version-org-del")
    post_save.connect(bump, sender=Theme, dispatch_uid="board-version-theme")
    post_delete.connect(bump, sender=Theme, dispatch_uid="board-version-theme-del")
