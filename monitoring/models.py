from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page
from wagtail.search import index

from participation.i18n import InterfaceLanguageURLMixin
from participation.outcomes import OutcomeSelect, outcome_source
from participation.translation_rows import TranslationRow


class MonitoringBoardPage(InterfaceLanguageURLMixin, RoutablePageMixin, Page):
    """The public progress board: the whole action plan at its URL, one theme at ``<slug>/``,
    open data at ``data/json/``, ``data/figures/csv/``, ``data/commitments/csv/``,
    ``data/indicators/csv/`` (and the same under each theme). Routes dispatch to views.py."""

    intro = models.TextField(_("introduction"), blank=True)
    licence = models.CharField(
        _("licence of the open data"),
        max_length=120,
        default="CC-BY-4.0",
        help_text=_("An SPDX identifier, written into every data file."),
    )
    licence_url = models.URLField(
        _("licence address"), default="https://creativecommons.org/licenses/by/4.0/"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("licence"), FieldPanel("licence_url")]),
    ]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("monitoring board")

    @path("")
    def board(self, request):
        from . import views

        return views.board(request, self, None)

    # Wagtail serves paths of words and slashes only, so the formats are path segments.
    @re_path(r"^(?:(?P<slug>[-a-z0-9]+)/)?data/json/$")
    def data_json(self, request, slug=None):
        from . import views

        return views.data_json(request, self, slug)

    @re_path(r"^(?:(?P<slug>[-a-z0-9]+)/)?data/(?P<dataset>figures|commitments|indicators)/csv/$")
    def data_csv(self, request, dataset, slug=None):
        from . import views

        return views.data_csv(request, self, slug, dataset)

    @path("data/")
    def data_schema(self, request):
        from . import views

        return views.schema(request, self)

    @path("commitments/<int:pk>/")
    def commitment(self, request, pk):
        from . import views

        return views.commitment(request, self, pk)

    @path("commitments/<int:pk>/follow/")
    def follow(self, request, pk):
        from . import views

        return views.follow(request, self, pk)

    @path("<slug:slug>/")
    def theme_board(self, request, slug):
        from . import views

        return views.board(request, self, slug)


class Commitment(index.Indexed, ClusterableModel):
    """A tracked promise: from a consultation's outcome item ("you said, we did") or standing
    alone. Changes are written as dated progress updates (services.add_update)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("commitment status", "Done")
        DROPPED = "dropped", _("Dropped")

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # The outcome it tracks, offered by another plugin through the core
    # (participation/outcomes.py): kept by id, not as a foreign key into that plugin, so the
    # board works with or without it.
    outcome_item_id = models.BigIntegerField(
        _("outcome of a consultation"), null=True, blank=True, unique=True
    )
    consultation = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    themes = models.ManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_department = models.CharField(_("responsible department"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    dropped_reason = models.TextField(_("why it was dropped"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What followers were last told about, so any change (by an update or an edit) is mailed once.
    notified_state = models.CharField(max_length=200, blank=True, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("owner_organisation"), FieldPanel("owner_department")],
            heading=_("Who is responsible"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("progress")]),
                FieldPanel("dropped_reason"),
                FieldRowPanel(
                    [FieldPanel("starts_on"), FieldPanel("due_on"), FieldPanel("completed_on")]
                ),
            ],
            heading=_("Progress"),
        ),
        MultiFieldPanel(
            [FieldPanel("consultation"), FieldPanel("outcome_item_id", widget=OutcomeSelect)],
            heading=_("Behind it"),
        ),
        InlinePanel(
            "translations",
            heading=_("In other languages"),
            label=_("Language"),
            help_text=_(
                "The title and texts in another language of the site. A text left empty is "
                "shown as written above."
            ),
        ),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.status == self.Status.DROPPED and not self.dropped_reason.strip():
            raise ValidationError({"dropped_reason": _("Say why the commitment was dropped.")})
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": _("The due date is before the start date.")})
        source = outcome_source() if self.outcome_item_id else None
        if source is not None:
            outcome = source.get(self.outcome_item_id)
            if outcome is None:
                self.outcome_item_id = None  # gone: unlinked, as a deleted one always was
            elif self.consultation_id is None:
                self.consultation_id = outcome.page_id

    @property
    def owner(self) -> str:
        parts = [
            self.owner_organisation.name if self.owner_organisation else "",
            self.owner_department,
        ]
        return ", ".join(p for p in parts if p)

    def state_signature(self) -> str:
        return "|".join(
            str(v) for v in (self.status, self.progress, self.due_on, self.completed_on)
        )


class CommitmentTranslation(TranslationRow):
    parent = ParentalKey(Commitment, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(_("title"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner_department = models.CharField(_("responsible department"), max_length=200, blank=True)
    dropped_reason = models.TextField(_("why it was dropped"), blank=True)

    class Meta(TranslationRow.Meta):
        verbose_name = _("translation of a commitment")
        verbose_name_plural = _("translations of commitments")


class ProgressUpdate(ClusterableModel):
    """A dated step of a commitment. Its text is written in the default language; translation
    rows (``translations``) give it in the others, edited beside the update in the admin."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=16, choices=Commitment.Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("progress update")

    def __str__(self):
        return f"{self.commitment}: {self.date}"


class ProgressUpdateTranslation(TranslationRow):
    parent = ParentalKey(ProgressUpdate, on_delete=models.CASCADE, related_name="translations")
    text = models.TextField(_("what happened"), blank=True)

    class Meta(TranslationRow.Meta):
        verbose_name = _("translation of a progress update")
        verbose_name_plural = _("translations of progress updates")


class CommitmentFollow(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment", "user"], name="one_follow_per_person")
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.commitment_id}"


class Indicator(ClusterableModel):
    """A measure of integration under one theme, with values by country (or city) and year."""

    theme = models.ForeignKey(
        "themes.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("code"), max_length=80, unique=True, help_text=_("Used in uploaded CSV files.")
    )
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example: %, years, EUR."))
    source = models.CharField(_("source"), max_length=255, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    higher_is_better = models.BooleanField(_("a higher value is better"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("theme"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("definition"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("higher_is_better")]),
        FieldRowPanel([FieldPanel("source"), FieldPanel("source_url")]),
        FieldPanel("sort_order"),
        InlinePanel(
            "translations",
            heading=_("In other languages"),
            label=_("Language"),
            help_text=_(
                "The name and texts in another language of the site. A text left empty is "
                "shown as written above."
            ),
        ),
        InlinePanel("values", heading=_("Values"), label=_("Value")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class IndicatorTranslation(TranslationRow):
    parent = ParentalKey(Indicator, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(_("name"), max_length=200, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta(TranslationRow.Meta):
        verbose_name = _("translation of an indicator")
        verbose_name_plural = _("translations of indicators")


class IndicatorValue(models.Model):
    indicator = ParentalKey(Indicator, on_delete=models.CASCADE, related_name="values")
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("country"), FieldPanel("city")]),
        FieldRowPanel([FieldPanel("year"), FieldPanel("value")]),
    ]

    class Meta:
        ordering = ["year", "country", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "city", "year"], name="one_value_per_place_year"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.country} {self.city} {self.year}: {self.value}"


class BoardVersion(models.Model):
    """One row whose number is bumped in the transaction of every change the board's list of
    commitments shows (monitoring/versions.py): the key of its cached copy, read in one query."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return str(self.version)
