"""The version of what a theme's page lists (pages of every plugin tagged with the theme), for
the key of its cached sections (themes/views.py).

Bumped by signals in the transaction of every change that can add, remove or alter an item: a
page saved (publishing, unpublishing, a scheduled publication, a fact such as a call's
announced members), moved or deleted, a view restriction added, changed or removed, a site's
root or host changed, a theme changed. Items that change with time alone (a call that opens or
closes) are handled by the sections themselves (``ThemedSection.until``).
"""

from django.db.models.signals import post_delete, post_save

from participation import versions

from .models import PagesVersion


def current() -> int:
    """The version (one query)."""
    return versions.current(PagesVersion)


def bump(**_kwargs) -> None:
    versions.bump(PagesVersion)


def _saved(sender, instance, **_kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):  # a page saved as its base class (unpublishing) or its own
        bump()


def connect() -> None:
    from wagtail.models import Page, PageViewRestriction, Site, get_page_models
    from wagtail.signals import post_page_move

    from .models import Theme

    # Saves of any class (a page may be saved as Page); deletions per page class, so that other
    # models keep Django's fast deletion (a receiver for every sender would disable it).
    post_save.connect(_saved, dispatch_uid="themes-pages-version-save")
    for model in {Page, *get_page_models()}:
        uid = f"themes-pages-del-{model._meta.label}"
        post_delete.connect(bump, sender=model, dispatch_uid=uid)
    post_page_move.connect(bump, dispatch_uid="themes-pages-version-move")
    for model in (PageViewRestriction, Site, Theme):
        label = model._meta.label
        post_save.connect(bump, sender=model, dispatch_uid=f"themes-pages-save-{label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"themes-pages-del-{label}")
