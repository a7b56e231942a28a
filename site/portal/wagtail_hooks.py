from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from themes.selectors import ThemedItem, ThemedSection

from .models import StandardPage


@hooks.register("register_themed_content")
def themed_standard_pages(theme, request):
    pages = StandardPage.objects.live().public().filter(themes=theme).order_by("title")
    return ThemedSection(
        heading=_("Pages"),
        items=[ThemedItem(title=p.title, url=p.get_url(request), summary=p.intro) for p in pages],
    )
