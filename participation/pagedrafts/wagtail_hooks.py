"""Wagtail's page hooks around "Add page" and "Edit page": see the package's docstring."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.log_actions import LogFormatter

from . import services


@hooks.register("after_create_page")
def remember_pages_created_by_autosave(request, page):
    if services.is_autosave(request):
        services.remember_autosaved(page)


@hooks.register("after_edit_page")
def forget_pages_saved_by_hand(request, page):
    if not services.is_autosave(request):
        services.forget(page)


@hooks.register("after_publish_page")
def forget_published_pages(request, page):
    services.forget(page)


@hooks.register("before_create_page")
def free_the_slug_of_a_new_page(request, parent_page, page_class):
    _free_or_explain(request, parent_page)


@hooks.register("before_edit_page")
def free_the_slug_of_an_edited_page(request, page):
    parent = page.get_parent()
    if parent is not None:
        _free_or_explain(request, parent, page)


def _free_or_explain(request, parent, page=None):
    """Before Wagtail checks a posted slug: an abandoned page holding it moves aside; any other
    holder is named, with a link, when the editor clicked Save or Publish (autosave retries
    silently, and its "validation errors" notice sends the editor to that click)."""
    if request.method != "POST":
        return
    slug = (request.POST.get("slug") or "").strip()
    if not slug:
        return
    holder = services.slug_holder(parent, slug, page)
    if holder is None:
        return
    rights = holder.permissions_for_user(request.user)
    # A page that was moved aside never takes its old slug back from the page that took it
    # (its editor, back in an old tab, would otherwise push the new page aside in turn).
    reclaiming = page is not None and services.was_moved_aside(page)
    if not reclaiming and services.is_abandoned(holder, request.user) and rights.can_edit():
        new = services.move_aside(holder, request.user)
        if not services.is_autosave(request):
            messages.info(
                request,
                _(
                    "“%(title)s”, a new page left unfinished after autosave, had the slug "
                    "“%(slug)s”; it keeps its content under the slug “%(new)s”."
                )
                % {"title": holder.get_admin_display_title(), "slug": slug, "new": new},
                buttons=[_open_button(holder)],
            )
        return
    if services.is_autosave(request):
        return
    buttons = [_open_button(holder)] if rights.can_edit() else []
    params = {"slug": slug, "title": holder.get_admin_display_title()}
    if holder.live:
        message = _(
            "The slug “%(slug)s” belongs to the page “%(title)s”: give this page another slug."
        )
    elif holder.latest_revision_created_at:
        params["when"] = date_format(
            localtime(holder.latest_revision_created_at), "SHORT_DATETIME_FORMAT"
        )
        message = _(
            "The slug “%(slug)s” belongs to “%(title)s”, a page that is not live (last changed "
            "%(when)s). Open it to go on with it, or delete it, or give this page another slug."
        )
    else:
        message = _(
            "The slug “%(slug)s” belongs to “%(title)s”, a page that is not live. Open it to go "
            "on with it, or delete it, or give this page another slug."
        )
    if not holder.live and rights.can_delete():
        buttons.append(
            messages.button(
                reverse("wagtailadmin_pages:delete", args=[holder.pk]),
                _("Delete it"),
                new_window=False,
            )
        )
    message = message % params
    messages.warning(request, message, buttons=buttons)


def _open_button(page):
    return messages.button(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), _("Open it"), new_window=False
    )


@hooks.register("register_log_actions")
def page_draft_log_actions(actions):
    @actions.register_action(services.SLUG_FREED)
    class SlugFreedFormatter(LogFormatter):
        label = _("Slug given up to a new page")

        def format_message(self, log_entry):
            return _(
                "Left unfinished after autosave: the slug “%(old)s” went to a new page, this "
                "page now has “%(new)s”."
            ) % {"old": log_entry.data.get("old", ""), "new": log_entry.data.get("new", "")}
