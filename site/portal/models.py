from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from participation.i18n import InterfaceLanguageURLMixin
from participation.routing import QuickRouteMixin
from themes.widgets import ThemeCheckboxes

from .blocks import BodyBlock, LinkBlock, SiteTextBlock


class HomePage(QuickRouteMixin, InterfaceLanguageURLMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from themes.selectors import canonical_themes, localized

        context = super().get_context(request, *args, **kwargs)
        context["themes"] = localized(canonical_themes())
        return context


class StandardPage(InterfaceLanguageURLMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="standard_pages"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("themes", widget=ThemeCheckboxes),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The header menu and the footer, edited in Settings > Navigation."""

    primary_links = StreamField(
        [("link", LinkBlock())], blank=True, use_json_field=True, verbose_name=_("main menu")
    )
    footer_links = StreamField(
        [("link", LinkBlock())], blank=True, use_json_field=True, verbose_name=_("footer links")
    )
    footer_text = RichTextField(_("footer text"), blank=True, features=["bold", "italic", "link"])
    translations = StreamField(
        [("language", SiteTextBlock())],
        blank=True,
        use_json_field=True,
        verbose_name=_("site name and footer text in other languages"),
        help_text=_(
            "The site name (in the header and the browser tab) is the Wagtail site's name in the "
            "default language."
        ),
    )

    panels = [
        FieldPanel("primary_links"),
        FieldPanel("footer_links"),
        FieldPanel("footer_text"),
        FieldPanel("translations"),
    ]

    class Meta:
        verbose_name = _("navigation")

    def in_language(self, language: str) -> dict:
        """This language's site name and footer text, where editors gave them."""
        for block in self.translations:
            if block.value["language"] == language:
                return block.value
        return {}
