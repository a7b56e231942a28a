"""The review and selection engine's data. Thin models: the rules live in ``services.py``.

One :class:`ReviewProcess` per expert call or award category; its :class:`Phase` list (eligibility
screening, scoring, shortlist, final) is walked in order, the items kept in one phase being the
items of the next. Plugins feed :class:`ReviewItem` rows through ``services.sync_item``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from participation.calls.window import WindowState, window_state

from .fields import CodeListField


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
        from .labels import process_label

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
        from .algorithms import Criterion as PureCriterion

        return PureCriterion(
            id=self.key,
            weight=self.weight,
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            counts_in_total=self.counts_in_total,
        )


class ItemStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    SCREENED_OUT = "screened_out", _("Screened out")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewItem(models.Model):
    """One reviewable thing (an application, a nomination) with what the engine needs of it.

    ``phase`` is the furthest phase it has reached; items of a phase are those with that phase
    and a status still in the running. Attributes for quotas are NOT stored here: they are read
    from the plugin when editors run a selection, so reviewers' pages cannot show them.
    """

    Status = ItemStatus
    RUNNING = (
        ItemStatus.IN_REVIEW,
        ItemStatus.SELECTED,
        ItemStatus.RESERVE,
        ItemStatus.NOT_SELECTED,
    )

    process = models.ForeignKey(ReviewProcess, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(_("number"))
    subject_content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    subject_object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_content_type", "subject_object_id")
    title = models.CharField(_("title"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("people")
    )
    tags = CodeListField(_("themes"))
    languages = CodeListField(_("languages"))
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.IN_REVIEW
    )
    reserve_rank = models.PositiveIntegerField(_("reserve rank"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["process", "number"]
        verbose_name = _("review item")
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="review_item_number"),
            models.UniqueConstraint(
                fields=["process", "subject_content_type", "subject_object_id"],
                name="review_item_subject",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The neutral name: “Application 17”. Safe in every mode."""
        return f"{self.process.noun} {self.number}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    def match_tags(self) -> frozenset[str]:
        return frozenset(self.tags) | frozenset(f"lang:{code}" for code in self.languages)


class Reviewer(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Committee member")
        CHAIR = "chair", _("Chair")
        JURY = "jury", _("Jury member")

    process = models.ForeignKey(ReviewProcess, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    expertise = CodeListField(
        _("expertise"), help_text=_("Themes, separated by commas (e.g. health, housing).")
    )
    languages = CodeListField(_("languages read"), help_text=_("Language codes, e.g. en, ar, uk."))
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["process", "pk"]
        verbose_name = _("reviewer")
        constraints = [
            models.UniqueConstraint(fields=["process", "user"], name="review_reviewer_once")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.user.colleague_name if self.user_id else str(_("Former reviewer"))

    def match_tags(self) -> frozenset[str]:
        return frozenset(self.expertise) | frozenset(f"lang:{code}" for code in self.languages)


class Assignment(models.Model):
    """Who reviews which item in which phase. ``active`` False: the reviewer lost access (removed
    from the assignment or the process); a review they submitted is kept and still counts."""

    class Source(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("By an editor")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="assignments")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.AUTO)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["phase", "item__number", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "item", "reviewer"], name="review_assignment_once"
            )
        ]

    def __str__(self):
        return f"{self.item} · {self.reviewer} ({self.phase})"


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True, max_length=20000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # 0 until first saved; every save adds 1 (two tabs saving the same review are detected).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")

    def __str__(self):
        return f"{self.assignment} [{self.status}]"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ConflictDeclaration(models.Model):
    """A reviewer's answer to “do you have a conflict of interest with this item?”."""

    class Kind(models.TextChoices):
        NONE = "none", _("No conflict of interest")
        SAME_ORGANISATION = "same_organisation", _("I belong to the same organisation")
        PERSONAL = "personal", _("A family or personal relation")
        PROFESSIONAL = "professional", _("A funding or employment relation")
        OTHER = "other", _("Another reason")

    item = models.ForeignKey(
        ReviewItem, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    kind = models.CharField(_("conflict"), max_length=24, choices=Kind.choices)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    declared_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__number", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["item", "reviewer"], name="review_declaration_once")
        ]

    def __str__(self):
        return f"{self.reviewer} / {self.item}: {self.get_kind_display()}"

    @property
    def has_conflict(self) -> bool:
        return self.kind != self.Kind.NONE


class Waiver(models.Model):
    """An editor's decision that a conflict does not bar a reviewer from an item."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="waivers")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="waivers")
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item__number", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["item", "reviewer"], name="review_waiver_once")
        ]

    def __str__(self):
        return f"{self.reviewer} / {self.item}"


class Quota(models.Model):
    """At least ``min`` and at most ``max`` selected items with ``attribute`` = ``value``."""

    process = models.ForeignKey(ReviewProcess, on_delete=models.CASCADE, related_name="quotas")
    attribute = models.CharField(_("attribute"), max_length=64)
    value = models.CharField(_("value"), max_length=128)
    min = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    max = models.PositiveIntegerField(_("at most"), null=True, blank=True)

    class Meta:
        ordering = ["attribute", "value", "pk"]
        verbose_name = _("quota")

    def __str__(self):
        high = self.max if self.max is not None else "∞"
        return f"{self.attribute}={self.value} [{self.min or 0}, {high}]"

    def clean(self):
        super().clean()
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValidationError({"max": _("“At most” cannot be below “at least”.")})


class SelectionRun(models.Model):
    """One run of the selection: its inputs and result, kept forever, so it can be re-checked."""

    class Basis(models.TextChoices):
        NORMALISED = "normalised", _("Normalised mean (leniency corrected)")
        RAW = "raw", _("Raw mean")

    process = models.ForeignKey(
        ReviewProcess, on_delete=models.CASCADE, related_name="selection_runs"
    )
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="selection_runs"
    )
    n = models.PositiveIntegerField(_("seats"))
    seed = models.IntegerField(_("seed"), null=True, blank=True)
    basis = models.CharField(
        _("merit"), max_length=16, choices=Basis.choices, default=Basis.NORMALISED
    )
    inputs = models.JSONField(encoder=DjangoJSONEncoder)
    result = models.JSONField(encoder=DjangoJSONEncoder)
    feasible = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("selection run")

    def __str__(self):
        return f"{self.process} #{self.pk}"
