from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Theme(TranslatableMixin, index.Indexed, models.Model):
    """A theme of the EU Action Plan on Integration and Inclusion 2021-2027.

    Calls, pages and submissions are tagged with themes in the default locale; translations of a
    theme (same translation_key, other locale) give its name in other languages.
    """

    class Kind(models.TextChoices):
        SECTORAL = "sectoral", _("Sectoral")
        HORIZONTAL = "horizontal", _("Horizontal")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    search_fields = [
        index.SearchField("name"),
        index.SearchField("summary"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="unique_theme_slug_per_locale")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("themes:detail", kwargs={"slug": self.slug})


class FiguresVersion(models.Model):
    """One row per plugin whose participation figures the board keeps (themes/figures.py): the
    plugin bumps its number in the transaction of every change that alters its figures."""

    key = models.CharField(primary_key=True, max_length=64)  # the plugin's label
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.version}"


class PagesVersion(models.Model):
    """One row whose number is bumped in the transaction of every change of what a theme's page
    lists (themes/versions.py): the key of its cached sections, read in one query."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return str(self.version)
