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


@hooks.register("insert_global_admin_css")
def script_fonts_in_the_admin():
    # Editors read answers in every script: the admin's font stack ends with our fonts for the
    # letters their device lacks (the same rules as the pages').
    from django.templatetags.static import static
    from django.urls import reverse
    from django.utils.html import format_html

    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">',
        reverse("script_fonts"),
        static("portal/css/admin.css"),
    )
