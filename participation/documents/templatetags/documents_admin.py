"""Admin template helpers: buttons a plugin shows in a page's admin header, not in its menu.

Wagtail's ``register_page_header_buttons`` puts every button into the header's "..." menu;
what editors reach for every day (the exports of a consultation) should be visible. A hook
``register_page_header_visible_buttons`` takes ``(page, user)`` and returns Wagtail
``HeaderButton``s; they are drawn beside the breadcrumbs of the page's edit view.
"""

from django import template
from wagtail import hooks

register = template.Library()


def visible_header_buttons(page, user) -> list:
    buttons = []
    for hook in hooks.get_hooks("register_page_header_visible_buttons"):
        buttons.extend(hook(page=page, user=user))
    return sorted(button for button in buttons if button.show)


@register.simple_tag(takes_context=True)
def page_header_visible_buttons(context, page):
    request = context.get("request")
    if page is None or request is None or not getattr(page, "pk", None):
        return []
    return visible_header_buttons(page, request.user)
