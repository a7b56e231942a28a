from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from themes.selectors import ThemedItem, ThemedSection

from .models import ConsultationPage


@hooks.register("register_themed_content")
def themed_consultations(theme, request):
    pages = ConsultationPage.objects.live().public().filter(themes=theme).order_by("-opens_at")
    return ThemedSection(
        heading=_("Consultations"),
        items=[
            ThemedItem(
                title=page.title,
                url=page.get_url(request),
                summary=page.intro,
                kind=str(page.get_state_display()),
            )
            for page in pages
        ],
    )
