"""What is reviewed and by whom: items, reviewers, assignments, reviews, conflicts, waivers."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import CodeListField
from .process import Phase, ReviewProcess


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
