"""A review process, its phases and its criteria."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from participation.calls.window import WindowState, window_state

from ..fields import CodeListField


class ReviewProcess(ClusterableModel):
    """How the items of one expert call or one award category are reviewed and selected."""

    owner_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_object_id = models.CharField(max_length=64, null=True, blank=True)
    owner = GenericForeignKey("owner_content_type", "owner_object_id")
    name = models.CharField(_("name"), max_length=255)
    item_noun = models.CharField(
        _("what is reviewed"),
        max_length=64,
        default=_("Item"),
        help_text=_("E.g. Application or Nomination; reviewers see “Application 17”."),
    )
    blind = models.BooleanField(
        _("blind review"),
        default=True,
        help_text=_(
            "Reviewers do not see names, organisations or the fields marked as identifying."
        ),
    )
    identifying_fields = CodeListField(
        _("identifying fields"),
        help_text=_(
            "Keys of further fields hidden in blind review, separated by commas "
            "(fields the plugin marks as identifying are always hidden)."
        ),
    )
    reviews_per_item = models.PositiveSmallIntegerField(
        _("reviews per item"), default=3, validators=[MinValueValidator(1)]
    )
    disagreement_threshold = models.FloatField(
        _("disagreement threshold"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Flag items whose reviewers' totals have a standard deviation above this value."
        ),
    )
    seats = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("How many are to be selected.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("review process")
        verbose_name_plural = _("review processes")
        indexes = [models.Index(fields=["owner_content_type", "owner_object_id"])]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name people read: the owner's translation in the active language, else the
        stored ``name`` marked as the default language's (``labels.process_label``). ``name``
        stays the identifier."""
        from ..labels import process_label

        return process_label(self)

    @property
    def noun(self) -> str:
        """``item_noun`` in the reader's language: a default noun ("Application", a text of
        the catalogues) translated, one editors wrote themselves as written."""
        return gettext(self.item_noun) if self.item_noun else gettext("Item")

    @property
    def time_zone(self) -> str:
        """The zone of the call the process belongs to (its owner's ``time_zone``), in which
        its dates are shown; the site's zone without an owner."""
        return getattr(self.owner, "time_zone", "") or settings.TIME_ZONE

    def clean(self):
        super().clean()
        bad = [key for key in self.identifying_fields if not isinstance(key, str)]
        if bad:
            raise ValidationError({"identifying_fields": _("Use field keys (texts).")})


class Phase(models.Model):
    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", _("Eligibility screening")
        SCORING = "scoring", _("Scoring")
        SHORTLIST = "shortlist", _("Shortlist")
        FINAL = "final", _("Final")

    process = ParentalKey(ReviewProcess, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCORING)
    name = models.CharField(_("name"), max_length=128, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    reviews_per_item = models.PositiveSmallIntegerField(
        _("reviews per item"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty to use the process's number."),
    )
    reviews_visible_to_reviewers = models.BooleanField(
        _("reviewers see each other's reviews"),
        default=False,
        help_text=_("Once they have submitted their own review of the same item."),
    )
    results_visible_to_reviewers = models.BooleanField(
        _("reviewers see the results"),
        default=False,
        help_text=_("The ranking of this phase, without the items they have a conflict with."),
    )

    class Meta:
        ordering = ["position", "opens_at", "pk"]
        verbose_name = _("phase")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name reviewers read: a default round's name ("Longlist", a text of the
        catalogues) in their language, a name editors wrote themselves as written."""
        return gettext(self.name) if self.name else str(self.get_kind_display())

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A phase must close after it opens.")})

    def state(self, now=None) -> WindowState:
        return window_state(self.opens_at, self.closes_at, now or timezone.now())

    @property
    def state_label(self) -> str:
        return {
            WindowState.FORTHCOMING: _("not open yet"),
            WindowState.OPEN: _("open"),
            WindowState.CLOSED: _("closed"),
        }[self.state()]

    def is_open(self, now=None) -> bool:
        return self.state(now) is WindowState.OPEN

    @property
    def k(self) -> int:
        return self.reviews_per_item or self.process.reviews_per_item

    @property
    def uses_criteria(self) -> bool:
        return self.kind != self.Kind.ELIGIBILITY


class Criterion(models.Model):
    process = ParentalKey(ReviewProcess, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(
        _("key"), max_length=64, help_text=_("Stable name of the criterion in stored scores.")
    )
    name = models.CharField(_("name"), max_length=255)
    guidance = models.TextField(_("guidance for reviewers"), blank=True)
    scale_min = models.IntegerField(_("lowest score"), default=0)
    scale_max = models.IntegerField(_("highest score"), default=5)
    weight = models.FloatField(_("weight"), default=1.0)
    counts_in_total = models.BooleanField(
        _("counts in the total"),
        default=True,
        help_text=_("Untick for a criterion that is scored and kept but not added up."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["process", "key"], name="review_criterion_key_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name reviewers (and applicants, in their letters) read: a default criterion's
        name ("Results for integration", a text of the catalogues, translated in every
        interface language) in their language; a name editors wrote themselves as written."""
        return gettext(self.name) if self.name else ""

    def clean(self):
        super().clean()
        if self.scale_min is not None and self.scale_max is not None:
            if self.scale_max <= self.scale_min:
                raise ValidationError(
                    {"scale_max": _("The highest score must be above the lowest.")}
                )

    def as_algorithm(self):
        from ..algorithms import Criterion as PureCriterion

        return PureCriterion(
            id=self.key,
            weight=self.weight,
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            counts_in_total=self.counts_in_total,
        )
