"""The award's rules: nominating, the nominee's confirmation, juries (through the review engine),
outcomes and their publication, the audience vote. Views and tests call these functions."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation.audit.services import record
from participation.dates import format_moment
from participation.files.checks import UploadRefused, check_upload
from participation.files.kinds import kinds_of
from participation.i18n import InLanguage, content_language, submissions_page
from participation.organisations.services import membership_of
from participation.review import services as review
from participation.review.models import Criterion, Phase, ReviewProcess
from participation.submissions import services as submissions
from participation.submissions.services import SubmissionError
from participation.text import strip_bidi_controls
from participation.translation_rows import Localised

from . import conf, figures
from .models import (
    AudienceVote,
    AwardCategory,
    AwardEditionPage,
    DeliberationNote,
    Nomination,
    NominationFile,
    VoteRefusal,
    nominee_key,
)

RECEIPT_PREFIX = "AWD"
CONFIRM_SALT = "awards.nominee-confirmation"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 12
PHOTO_KINDS = {"image"}
EVIDENCE_KINDS = {"pdf", "image", "odt", "docx"}


class AwardError(SubmissionError):
    """A refused change; the message is meant for the person who asked."""


# --- nominating ----------------------------------------------------------------------------------


def nominations_of(edition, user):
    """Live nominations ``user`` may work on: their own and their organisations'."""
    from participation.organisations.services import organisations_of

    return (
        Nomination.objects.filter(edition=submissions_page(edition))
        .filter(
            Q(user=user, organisation__isnull=True) | Q(organisation__in=organisations_of(user))
        )
        .exclude(status=Nomination.Status.WITHDRAWN)
        .select_related("category", "organisation")
        .order_by("created_at", "pk")
    )


def original_category(edition, category):
    """``category`` of ``edition`` or of one of its translations, as the category of the edition
    that holds the nominations (the original): the same ``key``. None if it is neither."""
    source = submissions_page(edition)
    if category.page_id == source.pk:
        return category
    if not AwardEditionPage.objects.filter(
        pk=category.page_id, translation_key=source.translation_key
    ).exists():
        return None
    return AwardCategory.objects.filter(page=source, key=category.key).first()


def translated_categories(page) -> dict:
    """{category key: category} of ``page`` when it is a translation of the edition that holds
    the nominations, so that they are named in the page's language; {} on the original.
    Looked up once per page instance."""
    if submissions_page(page).pk == page.pk:
        return {}
    if "_translated_categories" not in page.__dict__:
        page.__dict__["_translated_categories"] = {c.key: c for c in page.categories.all()}
    return page.__dict__["_translated_categories"]


def show_categories(page, nominations) -> list | None:
    """``nominations`` (of ``page``'s edition) as ``page`` shows them: each one's
    ``shown_category`` is ``page``'s category with the same key (one query on a translation,
    none on the original). Returns the list (None for None: vote results before the close)."""
    if nominations is None:
        return None
    nominations = list(nominations)
    translated = translated_categories(page)
    for nomination in nominations:
        nomination.__dict__["_shown_category"] = translated.get(
            nomination.category.key, nomination.category
        )
    return nominations


@dataclass(frozen=True)
class CategoryInLanguage:
    """A category as a reader of one language reads it: the original (which holds the
    nominations and the jury) with the texts of its copy in the edition's translation (same
    ``key``). Each text knows its language, so an untranslated one is marked as the original's
    (``lang="en"``) where it is shown."""

    category: AwardCategory
    name: InLanguage
    description: Localised
    criteria: Localised  # one criterion per line: ``criteria_list``
    prize: InLanguage

    @property
    def pk(self):
        return self.category.pk

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.text.splitlines() if line.strip()]

    @property
    def criteria_language(self) -> str:
        return self.criteria.language

    def __str__(self):
        return str(self.name)


def categories_in_language(edition, language: str | None = None) -> dict:
    """{pk of an original category: CategoryInLanguage} for every category of ``edition`` (or
    of the edition a translation belongs to), in ``language`` (the active one): the live
    translation's copy's texts, each field falling back to the original's. One query whatever
    the number of categories (booklets, the results report, a jury's pages). A field left
    empty, or as copied, in the translation is the original's, marked with its language."""
    source = submissions_page(edition)
    code = content_language(language or translation.get_language())
    translated = Q(
        page__translation_key=source.translation_key,
        page__live=True,
        page__locale__language_code=code,
    )
    rows = list(
        AwardCategory.objects.filter(Q(page_id=source.pk) | (translated if code else Q(pk=None)))
        .annotate(language=F("page__locale__language_code"))
        .order_by("sort_order", "pk")
    )
    copies = {c.key: c for c in rows if c.page_id != source.pk}

    def text(original, field, factory):
        copy = copies.get(original.key)
        value = getattr(copy, field, "") if copy is not None else ""
        # A copy's text left as copied is the original's, in the original's language.
        if value and value.strip() and value != getattr(original, field):
            return factory(value, copy.language)
        return factory(getattr(original, field) or "", original.language)

    return {
        original.pk: CategoryInLanguage(
            category=original,
            name=text(original, "name", InLanguage),
            description=text(original, "description", Localised),
            criteria=text(original, "criteria", Localised),
            prize=text(original, "prize", InLanguage),
        )
        for original in rows
        if original.page_id == source.pk
    }


def category_in_language(category, language: str | None = None) -> CategoryInLanguage:
    """One category (an original) in ``language``: see ``categories_in_language``."""
    return categories_in_language(category.page, language)[category.pk]


def start(edition, user, *, category, kind, organisation=None) -> Nomination:
    # Nominations made on a translation belong to the original edition and its categories,
    # in the translation's language (the nominee's email and link are in it).
    page, edition = edition, submissions_page(edition)
    language = page.locale.language_code if page.pk != edition.pk else ""
    if not edition.accepts_submission():
        raise AwardError(_("Nominations for this edition are closed."))
    category = original_category(edition, category)
    if category is None:
        raise AwardError(_("Choose one of this edition's categories."))
    if organisation is not None and membership_of(user, organisation) is None:
        raise AwardError(_("You are not a member of this organisation."))
    nomination = Nomination(
        edition=edition,
        category=category,
        kind=kind,
        user=user,
        organisation=organisation,
        updated_by=user,
        language=language or getattr(user, "preferred_language", "") or "",
    )
    if kind == Nomination.Kind.SELF:
        # Nominating yourself: you are the contact, and your organisation (if any) the nominee.
        nomination.contact_name = strip_bidi_controls(user.chosen_name)
        nomination.contact_email = user.email
        if organisation is not None:
            nomination.nominee_name = strip_bidi_controls(organisation.name)
            nomination.nominee_organisation = organisation
            nomination.nominee_country = organisation.country
            nomination.nominee_website = getattr(organisation, "website", "") or ""
    nomination.save()
    record(nomination, user, "started", kind=kind, category=category.pk)
    return nomination


def duplicate_of(nomination) -> Nomination | None:
    """A submitted nomination of the same nominee in the same category, if any."""
    key = nominee_key(nomination.nominee_name)
    if not key:
        return None
    return (
        Nomination.objects.filter(
            category_id=nomination.category_id,
            nominee_key=key,
            status=Nomination.Status.SUBMITTED,
        )
        .exclude(pk=nomination.pk)
        .first()
    )


def save(nomination, user, fields: dict, expected_version: int) -> Nomination:
    """Save the draft's fields unless someone else saved it since ``expected_version``."""
    if not nomination.edition.accepts_submission(draft_started_at=nomination.created_at):
        raise AwardError(_("Nominations for this edition are closed. Your draft is kept."))
    return submissions.save_draft(nomination, user, nomination.answers, expected_version, **fields)


def missing_for_submit(nomination) -> list[str]:
    missing = []
    if not nomination.nominee_name.strip():
        missing.append(_("the nominee"))
    if not nomination.description.strip():
        missing.append(_("the project description"))
    if not nomination.results.strip():
        missing.append(_("the results for integration"))
    if nomination.kind == Nomination.Kind.THIRD_PARTY and not nomination.contact_email:
        missing.append(_("the nominee's contact email, so they can confirm"))
    return missing


def submit(nomination, user, now=None) -> Nomination:
    """Submit once (a second click returns the same receipt). A self-nomination is confirmed at
    once; a third party's is sent to the nominee to confirm."""
    if nomination.is_submitted:
        return nomination
    missing = missing_for_submit(nomination)
    if missing:
        raise AwardError(
            _("Before submitting, please fill in: %(what)s.") % {"what": ", ".join(missing)}
        )
    now = now or timezone.now()

    # Written by the core's one UPDATE: nominating yourself needs no confirmation.
    confirmed = {"confirmed_at": now} if nomination.kind == Nomination.Kind.SELF else {}

    try:
        with transaction.atomic():
            # One submit at a time per category, so two nominations of the same nominee cannot
            # both pass the duplicate check (the unique constraint stays as the last guard).
            AwardCategory.objects.select_for_update().filter(pk=nomination.category_id).first()
            if duplicate_of(nomination) is not None:
                raise AwardError(
                    _(
                        "“%(name)s” is already nominated in the category “%(category)s”. One "
                        "nomination is enough: your draft is kept, and you may withdraw it."
                    )
                    % {"name": nomination.nominee_name, "category": nomination.category.name}
                )
            submitted = submissions.submit(
                nomination, user, RECEIPT_PREFIX, now=now, fields=confirmed, then=figures.changed
            )
    except IntegrityError:  # the database's unique constraint caught a duplicate in a race
        raise AwardError(
            _("“%(name)s” has just been nominated in this category by someone else.")
            % {"name": nomination.nominee_name}
        ) from None
    if submitted.kind == Nomination.Kind.SELF:
        record(submitted, user, "confirmed", by="self-nomination")
    else:
        request_confirmation(submitted, user)
    from . import tasks

    tasks.send_receipt.enqueue(submitted.pk)
    return submitted


def withdraw(nomination, user) -> Nomination:
    return submissions.withdraw(nomination, user)


def add_file(nomination, user, kind, uploaded, *, caption="", credit="", rights_confirmed=False):
    """Keep an uploaded file if its content (not its name) is of an accepted kind."""
    if not nomination.is_draft:
        raise AwardError(_("This nomination has been submitted; its files can no longer change."))
    if not submissions.can_edit(nomination, user):
        raise AwardError(_("You cannot edit this draft."))
    if kind == NominationFile.Kind.PHOTO and not rights_confirmed:
        raise AwardError(
            _(
                "Confirm that you hold the rights to this photo (or have the rights "
                "holder's permission)."
            )
        )
    if nomination.files.count() >= MAX_FILES:
        raise AwardError(_("A nomination has at most 12 files."))
    photo = kind == NominationFile.Kind.PHOTO
    families = PHOTO_KINDS if photo else EVIDENCE_KINDS
    try:
        checked = check_upload(uploaded, kinds=kinds_of(families), max_bytes=MAX_FILE_BYTES)
    except UploadRefused as refused:
        reason = {
            "too_big": _("This file is larger than 10 MB."),
            "type": _("A photo must be a PNG, JPEG or WebP image.")
            if photo
            else _("Evidence must be a PDF, an image, an ODT or a DOCX document."),
        }.get(refused.reason, refused.messages[0])
        raise AwardError(reason) from None
    stored = NominationFile(
        nomination=nomination,
        kind=kind,
        original_name=(uploaded.name or "file")[-255:],
        content_type=checked.kind.content_type,
        extension=checked.extension,
        size=checked.size,
        caption=caption[:255],
        credit=credit[:255],
        rights_confirmed=bool(rights_confirmed),
        uploaded_by=user,
    )
    stored.file.save("upload" + checked.extension, checked.content, save=False)
    stored.save()
    record(nomination, user, "file.added", kind=kind, name=stored.original_name)
    return stored


def remove_file(nomination, user, file_id) -> None:
    if not nomination.is_draft or not submissions.can_edit(nomination, user):
        raise AwardError(_("This file can no longer be removed."))
    stored = nomination.files.filter(pk=file_id).first()
    if stored is None:
        raise AwardError(_("This file was already removed."))
    stored.file.delete(save=False)
    stored.delete()
    record(nomination, user, "file.removed", name=stored.original_name)


# --- the nominee's confirmation ------------------------------------------------------------------


def _signer():
    # "~" between the parts; in URLs each part is a path segment (see confirmation_url_args).
    return signing.TimestampSigner(salt=CONFIRM_SALT, sep="~")


def confirmation_token(nomination) -> str:
    return _signer().sign_object({"n": nomination.pk, "k": nomination.confirmation_nonce})


def confirmation_url_args(nomination) -> list[str]:
    return confirmation_token(nomination).split("~")


def request_confirmation(nomination, actor=None) -> str:
    """A fresh single-use link for the nominee (older links stop working); emailed by a task."""
    nonce = secrets.token_urlsafe(16)
    Nomination.objects.filter(pk=nomination.pk).update(
        confirmation_nonce=nonce, confirmation_sent_at=timezone.now()
    )
    nomination.confirmation_nonce = nonce
    record(nomination, actor, "confirmation.requested", to=nomination.contact_email)
    from . import tasks

    tasks.send_confirmation_request.enqueue(nomination.pk)
    return confirmation_token(nomination)


class ConfirmationRefused(AwardError):
    pass


def nomination_for_token(edition, token) -> Nomination:
    """The nomination a link is for, or ConfirmationRefused saying why (expired, used...)."""
    edition = submissions_page(edition)  # the link may be opened on a translation
    try:
        data = _signer().unsign_object(token, max_age=timedelta(days=edition.confirmation_days))
    except signing.SignatureExpired:
        raise ConfirmationRefused(
            _(
                "This confirmation link has expired. Ask the person who nominated you to send a "
                "new one from their nomination page."
            )
        ) from None
    except signing.BadSignature:
        raise ConfirmationRefused(_("This confirmation link is not valid.")) from None
    if not isinstance(data, dict) or not str(data.get("n", "")).isdigit():
        raise ConfirmationRefused(_("This confirmation link is not valid."))
    nomination = (
        Nomination.objects.filter(pk=int(data["n"]), edition=edition)
        .select_related("category", "edition")
        .first()
    )
    if nomination is None or nomination.status != Nomination.Status.SUBMITTED:
        raise ConfirmationRefused(_("This nomination no longer exists or was withdrawn."))
    if nomination.confirmed_at or nomination.declined_at:
        raise ConfirmationRefused(
            _("This link has already been used: the nomination was %(what)s on %(date)s.")
            % {
                "what": _("confirmed") if nomination.confirmed_at else _("declined"),
                "date": (nomination.confirmed_at or nomination.declined_at).date().isoformat(),
            }
        )
    if not nomination.confirmation_nonce or not secrets.compare_digest(
        str(data.get("k", "")), nomination.confirmation_nonce
    ):
        raise ConfirmationRefused(
            _("This link was replaced by a newer one. Use the latest email you received.")
        )
    return nomination


@transaction.atomic
def answer_confirmation(edition, token, accept: bool) -> Nomination:
    nomination = nomination_for_token(edition, token)
    # Lock and re-check, so two clicks at once use the link once.
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if (
        locked.confirmation_nonce != nomination.confirmation_nonce
        or locked.confirmed_at
        or locked.declined_at
    ):
        raise ConfirmationRefused(_("This link has already been used."))
    now = timezone.now()
    locked.confirmation_nonce = ""
    if accept:
        locked.confirmed_at = now
    else:
        locked.declined_at = now
    locked.save(update_fields=["confirmation_nonce", "confirmed_at", "declined_at"])
    record(locked, None, "confirmed" if accept else "declined", by="nominee")
    return locked


# --- juries: the review engine, one process per category ----------------------------------------

DEFAULT_CRITERIA = [
    ("impact", _("Results for integration"), 2.0),
    ("participation", _("Migrants take part in shaping it"), 1.5),
    ("sustainability", _("Lasting and transferable"), 1.0),
]
ROUNDS = [
    (Phase.Kind.SCORING, _("Longlist")),
    (Phase.Kind.SHORTLIST, _("Shortlist")),
    (Phase.Kind.FINAL, _("Winners")),
]


@transaction.atomic
def ensure_process(category: AwardCategory, actor=None) -> ReviewProcess:
    """The category's review process with its three rounds and default criteria (editable in the
    Review menu), created once."""
    category = AwardCategory.objects.select_for_update().get(pk=category.pk)
    if category.review_process_id:
        return category.review_process
    edition = category.page
    start_at = edition.closes_at or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):  # reviewers read it in theirs
        item_noun = _("Nomination")
    process = ReviewProcess.objects.create(
        owner=category,
        name=f"{edition.title} · {category.name}"[:255],
        item_noun=item_noun,
        blind=False,
        reviews_per_item=3,
        seats=3,
    )
    for position, (kind, name) in enumerate(ROUNDS):
        Phase.objects.create(
            process=process,
            kind=kind,
            name=str(name),
            position=position,
            opens_at=start_at + timedelta(days=21 * position),
            closes_at=start_at + timedelta(days=21 * position + 20),
        )
    for position, (key, name, weight) in enumerate(DEFAULT_CRITERIA):
        Criterion.objects.create(
            process=process, key=key, name=str(name), weight=weight, position=position
        )
    category.review_process = process
    category.save(update_fields=["review_process"])
    record(process, actor, "process.created", category=category.pk)
    return process


def import_nominations(category: AwardCategory, actor=None) -> int:
    """Bring the category's confirmed nominations into its jury process (unconfirmed ones wait)."""
    process = ensure_process(category, actor)
    return review.import_items(process, actor)


def judges_edition(user, *, edition_id=None, category_id=None) -> bool:
    """Whether ``user`` is an active juror of the edition (given, or the category's): the
    editors' pages and reports of that edition, which show every nomination, are not for them."""
    from participation.review.models import Reviewer

    if not user.is_authenticated:
        return False
    if edition_id is None and category_id is not None:
        edition_id = (
            AwardCategory.objects.filter(pk=category_id).values_list("page_id", flat=True).first()
        )
    if edition_id is None:
        return False
    page = AwardEditionPage.objects.filter(pk=edition_id).first()
    if page is None:
        return False
    return Reviewer.objects.filter(
        user=user, active=True, process__award_category__page_id=page.submissions_page().pk
    ).exists()


def jury_of(category, user):
    """``user``'s active reviewer row in the category's jury, or None."""
    if not category.review_process_id or not user.is_authenticated:
        return None
    return review.reviewer_of(user, category.review_process_id)


def add_note(category, author, text, phase=None) -> DeliberationNote:
    text = (text or "").strip()
    if not text:
        raise AwardError(_("Write the note before saving it."))
    note = DeliberationNote.objects.create(category=category, author=author, text=text, phase=phase)
    if category.review_process_id:
        record(category.review_process, author, "deliberation.note", note=note.pk)
    return note


def last_scored_phase(process):
    """The latest round with a submitted review (the one editors decide on), else the first."""
    phases = list(process.phases.order_by("-position", "-opens_at", "-pk"))
    for phase in phases:
        if phase.assignments.filter(review__status="submitted").exists():
            return phase
    return phases[-1] if phases else None


def ranking(category, phase=None):
    """The engine's ranking of a round with each row's nomination: [(row, nomination)]."""
    process = category.review_process
    if process is None:
        return None, []
    phase = phase or last_scored_phase(process)
    if phase is None:
        return None, []
    results = review.phase_results(phase, n_resamples=100)
    subjects = review.subjects_of([row.item for row in results.rows])
    return results, [(row, subjects.get(row.item.pk)) for row in results.rows]


@transaction.atomic
def set_outcomes(category, decisions: dict, actor) -> int:
    """Editors' decisions: {nomination id: (outcome, citation)}; only judged nominations."""
    allowed = set(category.review_subjects(None).values_list("pk", flat=True))
    changed = 0
    for nomination in Nomination.objects.filter(pk__in=[k for k in decisions if k in allowed]):
        outcome, citation = decisions[nomination.pk]
        if outcome not in Nomination.Outcome.values:
            raise AwardError(_("Unknown outcome."))
        if (nomination.outcome, nomination.citation) != (outcome, citation):
            before = nomination.outcome
            nomination.outcome, nomination.citation = outcome, citation
            nomination.save(update_fields=["outcome", "citation", "updated_at"])
            record(nomination, actor, "outcome", before=before, after=outcome)
            changed += 1
    return changed


def shortlisted(edition):
    return (
        Nomination.objects.filter(
            edition=submissions_page(edition),
            status=Nomination.Status.SUBMITTED,
            confirmed_at__isnull=False,
            outcome__in=[Nomination.Outcome.SHORTLISTED, Nomination.Outcome.WINNER],
        )
        .select_related("category")
        .order_by("category__sort_order", "category__pk", "nominee_key")
    )


def winners_of(edition):
    return shortlisted(edition).filter(outcome=Nomination.Outcome.WINNER)


@transaction.atomic
def publish(edition, what: str, actor) -> int:
    """Announce the shortlist or the winners once; notifies nominees and nominators."""
    edition = AwardEditionPage.objects.select_for_update().get(pk=edition.pk)
    field = {"shortlist": "shortlist_published_at", "winners": "winners_published_at"}[what]
    if getattr(edition, field):
        raise AwardError(_("This has already been published."))
    chosen = shortlisted(edition) if what == "shortlist" else winners_of(edition)
    if not chosen.exists():
        raise AwardError(
            _("Choose the shortlist first.")
            if what == "shortlist"
            else _("Choose the winners first.")
        )
    now = timezone.now()
    values = {field: now}
    if what == "winners" and not edition.shortlist_published_at:
        values["shortlist_published_at"] = now
    AwardEditionPage.objects.filter(pk=edition.pk).update(**values)
    figures.changed()  # winners count on the board once published
    record(edition, actor, f"published.{what}", count=chosen.count())
    from . import tasks

    transaction.on_commit(lambda: tasks.notify_outcome.enqueue(edition.pk, what))
    return chosen.count()


def people_to_notify(edition, what: str):
    """(email, language, nomination) for nominees and nominators of the judged nominations."""
    judged = Nomination.objects.filter(
        edition=edition, status=Nomination.Status.SUBMITTED, confirmed_at__isnull=False
    ).select_related("user", "category")
    for nomination in judged:
        seen = set()
        for email, language in (
            (nomination.contact_email, nomination.language),
            (
                nomination.user.email if nomination.user else "",
                nomination.user.preferred_language if nomination.user else "",
            ),
        ):
            if email and email.lower() not in seen:
                seen.add(email.lower())
                yield email, language, nomination


# --- the audience prize --------------------------------------------------------------------------


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def vote_choices(edition):
    return shortlisted(edition)


def voter_cutoff(edition):
    """Accounts created after this moment do not vote: by default the vote's opening, earlier
    by ``PARTICIPATION_AWARDS_VOTER_MIN_ACCOUNT_AGE_DAYS``. New accounts made while the vote is
    open (one person, many addresses) cannot decide the prize. ``None`` (the setting set to
    ``None``): no cut-off, any verified account votes."""
    days = conf.get("VOTER_MIN_ACCOUNT_AGE_DAYS")
    if days is None or edition.vote_opens_at is None:
        return None
    return edition.vote_opens_at - timedelta(days=int(days))


def refuse_vote(edition, reason) -> None:
    """Count a refused vote for the editors (edition's juries and results page)."""
    edition = submissions_page(edition)
    row, _created = VoteRefusal.objects.get_or_create(edition=edition, reason=reason)
    VoteRefusal.objects.filter(pk=row.pk).update(count=F("count") + 1, last_at=timezone.now())


def vote_refusals(edition) -> list[tuple[str, int]]:
    """(reason for people, count) per reason that happened, in the order of the reasons."""
    counts = dict(
        VoteRefusal.objects.filter(edition=submissions_page(edition)).values_list("reason", "count")
    )
    return [
        (label, counts[value]) for value, label in VoteRefusal.Reason.choices if counts.get(value)
    ]


def cast_vote(edition, user, nomination_id) -> AudienceVote:
    edition = submissions_page(edition)  # votes on a translation count for the original
    state = edition.vote_state()
    if not state:
        raise AwardError(_("This edition has no audience prize."))
    if state == "forthcoming":
        raise AwardError(_("The public vote has not opened yet."))
    if state == "closed":
        raise AwardError(_("The public vote has closed. Thank you for your interest."))
    nomination = vote_choices(edition).filter(pk=nomination_id).first()
    if nomination is None:
        raise AwardError(_("Choose one of the shortlisted nominations."))
    if not has_verified_email(user):
        refuse_vote(edition, VoteRefusal.Reason.UNVERIFIED)
        raise AwardError(_("Please verify your email address before voting."))
    cutoff = voter_cutoff(edition)
    if cutoff is not None and user.date_joined > cutoff:
        refuse_vote(edition, VoteRefusal.Reason.ACCOUNT_TOO_NEW)
        raise AwardError(
            _(
                "Only accounts created before %(date)s can vote for the audience prize, so that "
                "no one decides it with many new accounts."
            )
            % {"date": format_moment(cutoff, edition)}
        )
    try:
        with transaction.atomic():
            vote = AudienceVote.objects.create(edition=edition, nomination=nomination, user=user)
    except IntegrityError:
        refuse_vote(edition, VoteRefusal.Reason.ALREADY_VOTED)
        raise AwardError(
            _("You have already voted in this edition: one vote per person.")
        ) from None
    record(edition, user, "vote")
    return vote


def vote_results(edition):
    """Votes per shortlisted nomination, most first; None while the vote is not closed."""
    edition = submissions_page(edition)
    if edition.vote_state() != "closed":
        return None
    return list(
        vote_choices(edition)
        .annotate(vote_count=Count("votes", filter=Q(votes__edition=edition)))
        .order_by("-vote_count", "nominee_key")
    )
