"""The integration award: editions (Wagtail pages), their categories, nominations, votes and the
jury's deliberation notes. Thin models: the rules live in ``services.py``; juries, rounds and
scores are the review engine's (one ``ReviewProcess`` per category, owned by the category)."""

import re
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from participation.calls.models import CallWindowMixin
from participation.calls.panels import TimeZonePanel
from participation.files.storage import private_storage
from participation.i18n import InterfaceLanguageURLMixin, with_submissions_pages
from participation.review.interface import ReviewField
from participation.submissions.models import SubmissionBase, SubmissionStatus
from participation.submissions.routes import submission_routes
from themes.widgets import ThemeCheckboxes

DEFAULT_CATEGORIES = [
    ("schools", _("Schools")),
    ("communities", _("Local communities")),
    ("culture", _("Artistic and cultural organisations")),
    ("sports-youth", _("Sports and youth clubs")),
]


class AwardIndexPage(InterfaceLanguageURLMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["awards.AwardEditionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("award index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Translated editions show their original's state: resolved in one query.
        context["editions"] = with_submissions_pages(
            AwardEditionPage.objects.child_of(self).live().public().order_by("-opens_at")
        )
        return context


class AwardEditionPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("categories")
        if formset is not None:
            for form in formset.deleted_forms:
                category = form.instance
                if category.pk and category.nominations.exists():
                    raise ValidationError(
                        _(
                            "The category “%(name)s” has nominations, so it cannot be removed. "
                            "Rename it instead."
                        )
                        % {"name": category.name}
                    )
        return cleaned


# Nominating (awards/nominate.py on the core's participation.submissions.flow) at nominate/...
NominateRoutes = submission_routes(
    "awards.nominate",
    "nominate",
    [
        "start",
        ("edit", "<int:submission_id>/"),
        "done",
        "receipt",
        "withdraw",
        "resend",
        ("file", "<int:submission_id>/files/<int:file_id>/", "private_file"),
    ],
)


class AwardEditionPage(
    InterfaceLanguageURLMixin, NominateRoutes, RoutablePageMixin, CallWindowMixin, Page
):
    """One edition of the award. The window (opens/closes) is the nomination period."""

    base_form_class = AwardEditionPageForm

    class State(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Nominations open")
        JUDGING = "judging", _("Judging")
        SHORTLIST = "shortlist", _("Shortlist announced")
        WINNERS = "winners", _("Winners announced")

    intro = models.TextField(
        _("summary"), max_length=600, help_text=_("One paragraph: what the award honours.")
    )
    eligibility = RichTextField(_("eligibility"), blank=True)
    prizes = RichTextField(_("prizes"), blank=True)
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="award_editions"
    )
    confirmation_days = models.PositiveSmallIntegerField(
        _("days a nominee has to confirm"),
        default=14,
        help_text=_("A nomination by a third party is judged only once the nominee confirms it."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    audience_prize = models.BooleanField(_("audience prize"), default=False)
    vote_opens_at = models.DateTimeField(_("public vote opens"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("public vote closes"), null=True, blank=True)
    winners_intro = RichTextField(_("winners page: introduction"), blank=True)
    # Set by the "publish" actions of the award's admin page (they also send the emails once).
    shortlist_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    winners_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([TimeZonePanel(), FieldPanel("grace_minutes")]),
                FieldPanel("confirmation_days"),
            ],
            heading=_("Nominations"),
        ),
        FieldPanel("themes", widget=ThemeCheckboxes),
        FieldPanel("eligibility"),
        FieldPanel("prizes"),
        InlinePanel("categories", heading=_("Categories"), label=_("Category"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("audience_prize"),
                FieldRowPanel([FieldPanel("vote_opens_at"), FieldPanel("vote_closes_at")]),
            ],
            heading=_("Audience prize"),
        ),
        FieldPanel("contact_email"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Edition")),
            ObjectList([FieldPanel("winners_intro")], heading=_("Winners")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["awards.AwardIndexPage"]
    subpage_types = []

    # The call's facts, not its text: a translation follows its original's (CallWindowMixin).
    window_fields = CallWindowMixin.window_fields + (
        "confirmation_days",
        "audience_prize",
        "vote_opens_at",
        "vote_closes_at",
    )
    # Announcements are the original's; a translation (a copy) reads them from it.
    exclude_fields_in_copy = ["shortlist_published_at", "winners_published_at"]

    class Meta:
        verbose_name = _("award edition")

    def copy_all_child_relations(self, target, exclude=None):
        """A copy (a translation, or next year's edition) gets the categories without their
        juries: a jury (review process) belongs to one category."""
        copied = super().copy_all_child_relations(target, exclude=exclude)
        for children in copied.values():
            for child in children if isinstance(children, list) else [children]:
                if isinstance(child, AwardCategory):
                    child.review_process = None
        return copied

    def clean(self):
        super().clean()
        if self.vote_opens_at and self.vote_closes_at and self.vote_closes_at <= self.vote_opens_at:
            raise ValidationError({"vote_closes_at": _("The vote must close after it opens.")})
        if self.audience_prize and not (self.vote_opens_at and self.vote_closes_at):
            raise ValidationError(
                {"vote_closes_at": _("An audience prize needs the dates of its vote.")}
            )

    def with_content_json(self, content):
        """Publishing a revision keeps the announcements, which are facts, not content."""
        page = super().with_content_json(content)
        page.shortlist_published_at = self.shortlist_published_at
        page.winners_published_at = self.winners_published_at
        return page

    @property
    def state(self) -> str:
        source = self.submissions_page()  # a translation is in its original's state
        if source.winners_published_at:
            return self.State.WINNERS
        if source.shortlist_published_at:
            return self.State.SHORTLIST
        window = self.window_state().value
        if window == "closed":
            return self.State.JUDGING
        return self.State(window)

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def vote_state(self, now=None) -> str:
        """ "" without an audience prize, else forthcoming / open / closed."""
        from participation.calls.window import window_state

        self.submissions_page()  # a translation has its original's vote (window_fields)
        if not self.audience_prize or not self.vote_opens_at or not self.vote_closes_at:
            return ""
        return window_state(self.vote_opens_at, self.vote_closes_at, now or timezone.now()).value

    def route_url(self, name, *args) -> str:
        return self.url + self.reverse_subpage(name, args=args)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = list(self.categories.all())
        context["themes"] = list(self.themes.all())
        if request.user.is_authenticated:
            # Jurors find their category's jury room (notes) from the edition's page.
            from .services import categories_in_language

            jury = AwardCategory.objects.filter(
                page=self.submissions_page(),  # juries are the original's categories
                review_process__reviewers__user=request.user,
                review_process__reviewers__active=True,
            ).values_list("pk", flat=True)
            if jury:
                shown = categories_in_language(self)  # named in the reader's language
                context["jury_categories"] = [shown[pk] for pk in jury if pk in shown]
        return context

    # Wagtail serves only [\w-] path segments, so the signed token's three parts are three.
    @path("confirm/<str:value>/<str:stamp>/<str:signature>/")
    def confirm(self, request, value, stamp, signature):
        from . import confirm

        return confirm.confirm(request, self, "~".join([value, stamp, signature]))

    @path("shortlist/")
    def shortlist(self, request):
        from . import public

        return public.shortlist(request, self)

    @path("winners/")
    def winners(self, request):
        from . import public

        return public.winners(request, self)

    @path("photos/<int:file_id>/")
    def photo(self, request, file_id):
        from . import public

        return public.photo(request, self, file_id)

    @path("vote/")
    def vote(self, request):
        from . import vote

        return vote.vote(request, self)

    @path("jury/<int:category_id>/")
    def jury_notes(self, request, category_id):
        from . import jury

        return jury.notes(request, self, category_id)


class AwardCategory(Orderable):
    """A category of an edition; its jury, rounds and scores are one review process."""

    page = ParentalKey(AwardEditionPage, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("who it is for"), blank=True)
    criteria = models.TextField(
        _("criteria"),
        blank=True,
        help_text=_("What the jury looks at, one criterion per line (shown to nominators)."),
    )
    prize = models.CharField(_("prize"), max_length=255, blank=True)
    # The same category in every translation of the edition (copies keep it): nominations made
    # on a translation go to the original's category with this key.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    review_process = models.OneToOneField(
        "review.ReviewProcess",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_category",
        editable=False,
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        FieldPanel("prize"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def name_in(self, language: str | None = None) -> str:
        """The category's name in ``language`` (the active one): its copy's in the edition's
        live translation (same ``key``), else its own. One query per language and instance."""
        from django.db.models import Subquery
        from django.utils.translation import get_language

        from participation.i18n import content_language

        code = content_language(language or get_language())
        if code is None or code == content_language(settings.LANGUAGE_CODE):
            return self.name
        names = self.__dict__.setdefault("_names", {})
        if code not in names:
            edition = AwardEditionPage.objects.filter(pk=self.page_id).values("translation_key")
            names[code] = (
                AwardCategory.objects.filter(
                    key=self.key,
                    page__translation_key=Subquery(edition),
                    page__live=True,
                    page__locale__language_code=code,
                )
                .values_list("name", flat=True)
                .first()
            ) or self.name
        return names[code]

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]

    @property
    def time_zone(self) -> str:
        """The edition's zone: a jury's rounds are shown in it."""
        return self.page.time_zone

    @classmethod
    def review_owner_queryset(cls, queryset):
        """For the review engine, which reads ``time_zone`` and the edition's title."""
        return queryset.select_related("page")

    @classmethod
    def review_process_titles(cls, processes, language):
        """For the review engine: "Integration Award 2027 · Local communities" in
        ``language``, from the edition's live translation and its copy of the category (same
        ``key``); one query for all."""
        from participation.i18n import content_language

        code = content_language(language)
        if code is None or not processes:
            return {}
        # The key and the edition: a copy made for next year's edition keeps the keys too.
        found = {
            (category.key, category.page.translation_key): category
            for category in cls.objects.filter(
                key__in={p.owner.key for p in processes},
                page__translation_key__in={p.owner.page.translation_key for p in processes},
                page__live=True,
                page__locale__language_code=code,
            ).select_related("page")
        }
        titles = {}
        for process in processes:
            category = found.get((process.owner.key, process.owner.page.translation_key))
            if category is not None:
                titles[process.pk] = f"{category.page.title} · {category.name}"
        return titles

    def review_subjects(self, process):
        """What the jury judges: submitted nominations, confirmed by their nominee."""
        return (
            Nomination.objects.filter(
                category=self, status=SubmissionStatus.SUBMITTED, confirmed_at__isnull=False
            )
            .select_related("edition", "organisation", "user", "nominee_organisation")
            .order_by("submitted_at", "pk")
        )


def nominee_key(name: str) -> str:
    """The same nominee whatever the case, accents, spacing or punctuation of its name."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


class Nomination(SubmissionBase):
    class Kind(models.TextChoices):
        SELF = "self", _("Our own organisation or project (self-nomination)")
        THIRD_PARTY = "third_party", _("Someone else's organisation or project")

    class Outcome(models.TextChoices):
        NONE = "", _("Not shortlisted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        WINNER = "winner", _("Winner")

    edition = models.ForeignKey(
        AwardEditionPage, on_delete=models.CASCADE, related_name="nominations"
    )
    # PROTECT: a category with nominations must not vanish with an edit of the page.
    category = models.ForeignKey(
        AwardCategory, on_delete=models.PROTECT, related_name="nominations"
    )
    kind = models.CharField(_("who is nominated"), max_length=16, choices=Kind.choices)
    nominee_name = models.CharField(_("nominee (organisation or project)"), max_length=255)
    nominee_key = models.CharField(max_length=255, editable=False, db_index=True)
    nominee_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_nominations",
    )
    nominee_country = CountryField(_("country of the nominee"), blank=True)
    nominee_city = models.CharField(_("town or city"), max_length=128, blank=True)
    nominee_website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    project_title = models.CharField(_("project title"), max_length=255, blank=True)
    description = models.TextField(_("project description"), max_length=6000, blank=True)
    results = models.TextField(_("results for integration"), max_length=6000, blank=True)
    evidence_links = models.JSONField(_("links to evidence"), default=list, blank=True)
    publication_consent = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("If shortlisted, the description and consented photos may be shown publicly."),
    )
    # The nominee's confirmation: a signed link carries this nonce; using it clears the nonce.
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed by the nominee"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined by the nominee"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default="", blank=True
    )
    citation = models.TextField(_("jury's citation"), blank=True, max_length=3000)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["edition", "category", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            # One submitted nomination per nominee and category (drafts may compete).
            models.UniqueConstraint(
                fields=["category", "nominee_key"],
                condition=Q(status="submitted"),
                name="awards_nomination_once_per_category",
            )
        ]

    def __str__(self):
        return self.nominee_name or str(_("Nomination %(id)s") % {"id": self.pk})

    def save(self, *args, **kwargs):
        self.nominee_key = nominee_key(self.nominee_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "nominee_key"}
        super().save(*args, **kwargs)

    def get_call(self):
        return self.edition

    @property
    def shown_category(self):
        """The category under the name the reader's page gives it: on a translation of the
        edition, the translated category with the same ``key`` (``services.show_categories``
        sets it); else the nomination's own, the original's."""
        return self.__dict__.get("_shown_category") or self.category

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def confirmation_label(self):
        if self.confirmed_at:
            return _("Confirmed by the nominee")
        if self.declined_at:
            return _("Declined by the nominee")
        if self.is_submitted:
            return _("Waiting for the nominee to confirm")
        return ""

    # --- participation.review.interface.Reviewable

    def review_title(self):
        return self.nominee_name

    def review_fields(self, blind):
        evidence = [
            f.original_name for f in self.files.all() if f.kind == NominationFile.Kind.EVIDENCE
        ]
        return [
            ReviewField("nominee", _("Nominee"), self.nominee_name, identifying=True),
            ReviewField("category", _("Category"), self.category.name_in()),
            ReviewField("country", _("Country"), self.nominee_country.name or ""),
            ReviewField("project", _("Project title"), self.project_title),
            ReviewField("description", _("Project description"), self.description),
            ReviewField("results", _("Results for integration"), self.results),
            ReviewField("evidence", _("Evidence"), "\n".join(evidence + list(self.evidence_links))),
            ReviewField("website", _("Website"), self.nominee_website, identifying=True),
        ]

    def review_organisation(self):
        return self.nominee_organisation or self.organisation

    def review_people(self):
        return [self.user]

    def review_tags(self):
        return [theme.slug for theme in self.edition.themes.all()]

    def review_languages(self):
        return [self.language] if self.language else []

    def review_attributes(self):
        return {"country": self.nominee_country.code or "", "kind": self.kind}

    @classmethod
    def review_attribute_labels(cls):
        """What editors read for the keys and values of ``review_attributes``."""
        from django_countries import countries

        from participation.review.interface import AttributeLabels

        return {
            # Lazy names: read in the language of the page that shows them.
            "country": AttributeLabels(_("Country of the nominee"), countries.countries),
            "kind": AttributeLabels(_("Who is nominated"), dict(cls.Kind.choices)),
        }


def _upload_to(instance, filename):
    import uuid

    # Unguessable names: files are private until published (and served through views).
    return f"awards/nominations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class NominationFile(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        PHOTO = "photo", _("Photo")

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Private, photos too: a photo is shown publicly only through a view that checks the
    # shortlist's publication and the nomination's consent at each request (awards.public.photo).
    file = models.FileField(upload_to=_upload_to, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=128)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    credit = models.CharField(_("photographer or rights holder"), max_length=255, blank=True)
    rights_confirmed = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "kind", "pk"]

    def __str__(self):
        return self.original_name


class AudienceVote(models.Model):
    """One vote per person and edition, for one shortlisted nomination."""

    edition = models.ForeignKey(AwardEditionPage, on_delete=models.CASCADE, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="awards_one_vote_per_edition")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.nomination_id}"


class VoteRefusal(models.Model):
    """How many votes of an edition were refused, per reason: a counter, one row per reason, so
    a flood of refused attempts costs no storage."""

    class Reason(models.TextChoices):
        UNVERIFIED = "unverified", _("email address not verified")
        ACCOUNT_TOO_NEW = "account_too_new", _("account created after the cut-off")
        ALREADY_VOTED = "already_voted", _("already voted")
        RATE_LIMITED = "rate_limited", _("too many attempts from one connection")

    edition = models.ForeignKey(
        AwardEditionPage, on_delete=models.CASCADE, related_name="vote_refusals"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "reason"], name="awards_refusal_per_reason")
        ]

    def __str__(self):
        return f"{self.reason}: {self.count}"


class DeliberationNote(models.Model):
    """What a category's jury discussed and decided in a round, for the record."""

    category = models.ForeignKey(
        AwardCategory, on_delete=models.CASCADE, related_name="deliberation_notes"
    )
    phase = models.ForeignKey(
        "review.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.category}: {self.text[:40]}"
