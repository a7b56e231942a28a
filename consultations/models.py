from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from participation.calls.models import CallWindowMixin
from participation.calls.panels import TimeZonePanel
from participation.fields import MultipleChoiceJSONField
from participation.files.storage import private_storage
from participation.i18n import InterfaceLanguageURLMixin
from participation.questionnaire.blocks import QuestionnaireBlock
from participation.submissions.models import SubmissionBase
from participation.submissions.routes import submission_routes
from participation.widgets import language_chooser
from themes.widgets import ThemeCheckboxes

from .choices import audience_choices, content_language_choices


class ConsultationIndexPage(InterfaceLanguageURLMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["consultations.ConsultationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("consultation index")

    def get_context(self, request, *args, **kwargs):
        from .listing import consultation_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = consultation_listing(self, request)
        return context


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        required=False, label=_("Title"), help_text=_("Defaults to the document's title.")
    )
    language = blocks.CharBlock(required=False, max_length=10, label=_("Language code"))

    class Meta:
        icon = "doc-full"


# The responding flow (consultations/respond.py, the core's participation.submissions.flow) at
# respond/..., and the facilitators' assisted entry (consultations/assisted.py) at assist/...
RespondRoutes = submission_routes(
    "consultations.respond",
    "respond",
    ["start", "step", "review", "done", "receipt", "change", "withdraw"],
)
AssistRoutes = submission_routes(
    "consultations.assisted",
    "assist",
    ["start", "step", "review", "done", "receipt", "change", "withdraw"],
)


class ConsultationPage(
    InterfaceLanguageURLMixin,
    RespondRoutes,
    AssistRoutes,
    RoutablePageMixin,
    CallWindowMixin,
    Page,
):
    class State(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        OUTCOME = "outcome", _("Outcome published")

    intro = models.TextField(
        _("summary"), max_length=600, help_text=_("One paragraph: what is decided, and why we ask.")
    )
    background = RichTextField(_("background"), blank=True)
    documents = StreamField(
        [("document", DocumentLinkBlock())], blank=True, verbose_name=_("background documents")
    )
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="consultations"
    )
    audiences = MultipleChoiceJSONField(
        _("who we want to hear from"), choices_callable=audience_choices
    )
    accepted_languages = MultipleChoiceJSONField(
        _("languages answers are read in"),
        choices_callable=content_language_choices,
        help_text=_("Leave empty to accept answers in any language."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_details = models.TextField(_("contact details"), blank=True)
    erase_personal_data_on = models.DateField(
        _("erase respondents' personal data on"),
        null=True,
        blank=True,
        help_text=_(
            "On this date the link between answers and the people who gave them is erased."
        ),
    )
    outcome_published_at = models.DateTimeField(
        _("outcome published"), null=True, blank=True, editable=False
    )
    questionnaire = StreamField(QuestionnaireBlock(), blank=True, verbose_name=_("questionnaire"))
    # Grows with every change to submitted answers; keys the cached summary (no scan needed).
    answers_version = models.PositiveBigIntegerField(default=0, editable=False)
    allow_anonymous = models.BooleanField(
        _("accept answers from people without an account"),
        default=False,
        help_text=_("Protected by a hidden trap field for robots and a limit per connection."),
    )
    # Answer analysis (consultations.services.detect_campaigns).
    campaign_min_size = models.PositiveSmallIntegerField(
        _("smallest campaign"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10_000)],
        help_text=_(
            "Identical or near-identical answers count as a campaign from this many answers. "
            "Smaller groups are shown to editors as similar answers, and are not counted as "
            "campaigns in the summary or the exports."
        ),
    )
    outcome_intro = RichTextField(_("what we did: introduction"), blank=True)
    publish_outcome = models.BooleanField(
        _("publish the outcome"),
        default=False,
        help_text=_("When published, the outcome appears on the page and respondents are emailed."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([TimeZonePanel(), FieldPanel("grace_minutes")]),
            ],
            heading=_("When"),
        ),
        FieldPanel("themes", widget=ThemeCheckboxes),
        FieldPanel("audiences"),
        FieldPanel("accepted_languages", widget=language_chooser(compact=True)),
        FieldPanel("background"),
        FieldPanel("documents"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_details")], heading=_("Contact")
        ),
        FieldPanel("allow_anonymous"),
        FieldPanel("erase_personal_data_on"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Consultation")),
            ObjectList([FieldPanel("questionnaire")], heading=_("Questionnaire")),
            ObjectList(
                [
                    FieldPanel("outcome_intro"),
                    InlinePanel("outcome_items", heading=_("You said, we did"), label=_("Outcome")),
                    FieldPanel("publish_outcome"),
                ],
                heading=_("Outcome"),
            ),
            ObjectList([FieldPanel("campaign_min_size")], heading=_("Analysis")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("background"),
        index.FilterField("opens_at"),
        index.FilterField("closes_at"),
    ]
    parent_page_types = ["consultations.ConsultationIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("consultation")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from participation.questionnaire.structure import parse

        keys = set(parse(self.questionnaire).by_key) if self.questionnaire else set()
        for item in self.outcome_items.all():
            unknown = [k for k in item.key_list if k not in keys]
            if unknown:
                raise ValidationError(
                    _("Outcome “%(title)s” names unknown question keys: %(keys)s")
                    % {"title": item.title, "keys": ", ".join(unknown)}
                )
            if self.pk and item.receipt_list:
                # A translation's outcome names the answers of its original page.
                found = set(
                    self.submissions_page()
                    .responses.filter(receipt_number__in=item.receipt_list)
                    .values_list("receipt_number", flat=True)
                )
                missing = [r for r in item.receipt_list if r not in found]
                if missing:
                    raise ValidationError(
                        _("Outcome “%(title)s” names unknown receipts: %(receipts)s")
                        % {"title": item.title, "receipts": ", ".join(missing)}
                    )

    def with_content_json(self, content):
        """Publishing any revision keeps the facts that are not content: when the outcome was
        published (so respondents are not emailed twice) and the answers' version."""
        page = super().with_content_json(content)
        page.outcome_published_at = self.outcome_published_at
        page.answers_version = self.answers_version
        return page

    @property
    def state(self) -> str:
        # A translation is in its original's state (its dates: CallWindowMixin).
        if self.outcome_published_at or self.submissions_page().outcome_published_at:
            return self.State.OUTCOME
        return self.State(self.window_state().value)

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def get_context(self, request, *args, **kwargs):
        from participation.accounts.languages import language_name

        from .choices import audience_choices

        context = super().get_context(request, *args, **kwargs)
        audience_labels = dict(audience_choices())
        context.update(
            audiences=[audience_labels.get(code, code) for code in self.audiences],
            answer_languages=[language_name(code) for code in self.accepted_languages],
        )
        outcomes = []
        if self.outcome_published_at:
            from .services import outcome_rows

            outcomes = context["outcomes"] = outcome_rows(self)
        # Every theme shown, in the reader's language, read at once (``theme.localized`` is a
        # query per theme).
        from themes.selectors import localized

        themes = list(self.themes.all())
        shown = {t.pk: t for t in [*themes, *(t for o in outcomes for t in o["themes"])]}
        pairs = {c.pk: (c, s) for c, s in localized(shown.values())}
        context["theme_pairs"] = [pairs[t.pk] for t in themes]
        # The link back to the index: the page's own address without its slug (the parent's
        # address in the same site), not a query for the parent.
        url = self.get_url(request) or ""
        end = f"/{self.slug}/"
        context["parent_url"] = (
            url[: -len(end) + 1] if url.endswith(end) else self.get_parent().get_url(request)
        )
        for outcome in outcomes:
            outcome["theme_pairs"] = [pairs[t.pk] for t in outcome["themes"]]
        # The questionnaire on paper in the reader's language (consultations.printable).
        context["print_params"] = {
            "consultation": self.submissions_page().pk,
            "lang": translation.get_language() or self.locale.language_code,
        }
        return context

    # Public pages of the consultation (consultations/public.py); the flow's routes: RespondRoutes.
    @path("what-we-heard/")
    def what_we_heard(self, request):
        from . import public

        return public.what_we_heard(request, self)

    @path("responses/")
    def published_responses(self, request):
        from . import public

        return public.published_responses(request, self)

    @path("files/<int:response_id>/<str:question_id>/")
    def attachment(self, request, response_id, question_id):
        from . import public

        return public.attachment(request, self, response_id, question_id)

    def days_left(self):
        if self.closes_at and self.is_open:
            return (self.closes_at - timezone.now()).days
        return None


class OutcomeItem(ClusterableModel, Orderable):
    """One decision or action, linked to the themes, questions and answers behind it."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="outcome_items")
    title = models.CharField(_("what we did"), max_length=255)
    text = RichTextField(_("explanation"), blank=True)
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="+"
    )
    question_keys = models.CharField(
        _("questions behind it"),
        max_length=500,
        blank=True,
        help_text=_("Keys of the questions, separated by commas."),
    )
    receipts = models.TextField(
        _("answers behind it"), blank=True, help_text=_("Receipt numbers, one per line.")
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("themes", widget=ThemeCheckboxes),
        FieldPanel("question_keys"),
        FieldPanel("receipts"),
    ]

    def __str__(self):
        return self.title

    @property
    def key_list(self) -> list[str]:
        return [k.strip() for k in self.question_keys.split(",") if k.strip()]

    @property
    def receipt_list(self) -> list[str]:
        return [r.strip().upper() for r in self.receipts.split() if r.strip()]


class Response(ClusterableModel, SubmissionBase):
    """An answer to a consultation, by a person alone or on behalf of an organisation."""

    class RespondentType(models.TextChoices):
        INDIVIDUAL = "individual", _("An individual")
        ORGANISATION = "organisation", _("On behalf of an organisation")

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    respondent_type = models.CharField(
        _("respondent type"), max_length=16, choices=RespondentType.choices
    )
    country = CountryField(_("country"), blank=True)
    questionnaire_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    # What the respondent allows us to publish; attachments are decided separately.
    class Publication(models.TextChoices):
        NAMED = "named", _("Publish my answer with my name (or my organisation's name)")
        ANONYMOUS = "anonymous", _("Publish my answer without any name")
        PRIVATE = "private", _("Do not publish my answer")

    publication = models.CharField(
        _("publication"), max_length=16, choices=Publication.choices, default=Publication.PRIVATE
    )
    publish_attachments = models.BooleanField(_("publish my attachments"), default=False)

    # Moderation and analysis by editors.
    class Moderation(models.TextChoices):
        PENDING = "pending", _("To moderate")
        APPROVED = "approved", _("Approved for publication")
        REJECTED = "rejected", _("Not published")

    moderation = models.CharField(
        _("moderation"), max_length=16, choices=Moderation.choices, default=Moderation.PENDING
    )
    spam = models.BooleanField(_("spam"), default=False)
    tags = TaggableManager(
        through="consultations.ResponseTag", blank=True, verbose_name=_("analysis tags")
    )
    campaign = models.CharField(_("campaign group"), max_length=64, blank=True, db_index=True)

    # How the answer reached us (issue 20): typed by the person online, or entered or imported
    # by the consultation's team from a workshop, paper, a call, an interview or an email.
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        WORKSHOP = "workshop", _("Workshop")
        PAPER = "paper", _("Paper")
        PHONE = "phone", _("Phone")
        INTERVIEW = "interview", _("Interview")
        EMAIL = "email", _("Email")
        IMPORT = "import", _("Import")

    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    # A group too small to be a campaign (ConsultationPage.campaign_min_size): similar answers,
    # shown to editors, counted nowhere.
    similar_group = models.CharField(
        _("similar answers"), max_length=64, blank=True, editable=False
    )
    remind_me = models.BooleanField(
        _("remind me three days before the deadline if I have not submitted"), default=False
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # All text answers in one field, written on submit, so editors' search is a plain lookup.
    search_text = models.TextField(blank=True, editable=False)
    # Languages the free-text answers are written in, detected in the background
    # (consultations.languages) beside the one the person declared (`language`): the language
    # most of the text is in, and each text answer's ({question id: code}, "" when unknown).
    detected_language = models.CharField(
        _("detected language"), max_length=16, blank=True, editable=False
    )
    text_languages = models.JSONField(default=dict, blank=True, editable=False)
    # The `version` whose texts were read (0: not yet); behind `version`, detection is due.
    languages_version = models.PositiveIntegerField(default=0, editable=False)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The spreadsheet an imported answer came from (consultations.importing); none otherwise.
    import_batch = models.ForeignKey(
        "consultations.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    # Assisted entry (consultations.assisted): a facilitator of the consultation typed the answer
    # in for a person without an account (at a workshop, from paper, on the phone), with the
    # person's consent; the receipt goes to the address the person gave, if any.
    facilitator = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    consent_given = models.BooleanField(_("the person consented"), default=False, editable=False)
    receipt_email = models.EmailField(_("email for the receipt"), blank=True, editable=False)

    class Meta:
        constraints = [
            # One live answer per organisation, drafted together; one per person for themselves.
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                condition=models.Q(organisation__isnull=False) & ~models.Q(status="withdrawn"),
                name="one_live_response_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=models.Q(organisation__isnull=True) & ~models.Q(status="withdrawn"),
                name="one_live_personal_response",
            ),
        ]
        indexes = [
            # Exports and the moderation list read one consultation's submitted answers in order.
            models.Index(fields=["consultation", "status", "submitted_at"]),
            # The answers whose languages are due, found without reading the others (a partial
            # index: empty when detection keeps up, whatever the number of answers).
            models.Index(
                fields=["id"],
                condition=models.Q(status="submitted", languages_version__lt=models.F("version")),
                name="response_languages_due",
            ),
        ]
        verbose_name = _("response")

    def __str__(self):
        return self.receipt_number or f"draft {self.pk}"

    def get_call(self):
        return self.consultation


class ResponseTag(TaggedItemBase):
    content_object = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="tagged_items"
    )


class AnswerCount(models.Model):
    """How many submitted, non-spam responses count for one key of "what we heard": a
    dimension (responses, country, language, organisation kind, campaign, or an answer to a
    question by respondent type), kept up to date by consultations.counts in the same
    transaction as every change to the answers, so reading it never grows with them."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=24)
    question_id = models.CharField(max_length=64, blank=True)
    value = models.CharField(max_length=255, blank=True)
    respondent_type = models.CharField(max_length=16, blank=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "dimension", "question_id", "value", "respondent_type"],
                name="one_answer_count_per_key",
            )
        ]

    def __str__(self):
        return f"{self.dimension} {self.question_id} {self.value} {self.respondent_type}: {self.n}"


class QuestionnaireSnapshot(models.Model):
    """One distinct questionnaire snapshot of a consultation's answers (consultations.snapshots):
    the export's columns come from these few rows instead of a scan of every answer."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=32)  # of the snapshot's canonical JSON
    snapshot = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "digest"], name="one_questionnaire_snapshot_per_digest"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id} {self.digest}"


class Redaction(models.Model):
    """An editor's redacted version of one text answer, shown instead of it when published."""

    response = ParentalKey(Response, on_delete=models.CASCADE, related_name="redactions")
    question_id = models.CharField(max_length=64)
    redacted_text = models.TextField(_("text as published"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("question_id"), FieldPanel("redacted_text"), FieldPanel("reason")]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_id"], name="one_redaction_per_answer"
            )
        ]

    def __str__(self):
        return f"{self.response} / {self.question_id}: {self.reason}"


class ImportBatch(models.Model):
    """One spreadsheet of answers uploaded by an editor (consultations.importing): checked
    first (a dry run), then imported whole or not at all. Its hash refuses the same file twice
    for a consultation."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, ready to import")
        REJECTED = "rejected", _("Rejected")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    # Kept until the import is done or refused; private (answers of people).
    file = models.FileField(
        upload_to="consultations/imports/",
        storage=private_storage,
        max_length=255,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(default=0)  # progress of the check
    # What the check found: columns, counts, first rows, rejected rows with their reasons.
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "sha256"],
                condition=models.Q(status="imported"),
                name="one_import_per_file",
            )
        ]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import of answers")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class PublishedTag(models.Model):
    """An analysis tag an editor chose to show in "what we heard" (its count, and the tag by
    respondent type), in the summary PDF and, like the rest of that page, to the public."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "tag"], name="one_published_tag")
        ]
        verbose_name = _("published tag")

    def __str__(self):
        return f"{self.consultation_id}: {self.tag_id}"


class TopicRun(models.Model):
    """Topics of one open question's answers (consultations.topics), computed in the background:
    its state and progress, and what the analysis skipped and why."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="+")
    question_id = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    answers = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, blank=True)  # reason -> number of answers
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "question_id"], name="one_topic_run_per_question"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id} {self.question_id}: {self.state}"


class Topic(models.Model):
    """One topic of a run. ``members`` and ``representatives`` are response ids; an accepted
    topic keeps its editor's label and stays accepted when the topics are computed again."""

    run = models.ForeignKey(TopicRun, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("label"), max_length=255)
    editor_label = models.CharField(_("editor's label"), max_length=100, blank=True)
    terms = models.JSONField(default=list)
    members = models.JSONField(default=list)
    representatives = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)  # campaigns and identical texts once
    language = models.CharField(max_length=16, blank=True)
    languages = models.JSONField(default=dict)
    campaigns = models.JSONField(default=list)  # [[first response id, size], ...]
    accepted = models.BooleanField(_("accepted"), default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.editor_label or self.label
