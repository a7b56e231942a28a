"""The rules every submission follows, whatever the call."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import prepared_record, record
from participation.organisations.services import membership_of

from .models import SubmissionStatus
from .statements import ConditionalUpdate

# No 0/O, 1/I/L: receipt numbers are read aloud on the phone and typed from paper.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class SubmissionError(Exception):
    """A refused change; the message is meant for the person who asked."""


class EditConflict(SubmissionError):
    """Someone saved this draft since it was loaded. `current` is what is stored now."""

    def __init__(self, current):
        self.current = current
        who = current.updated_by.public_name if current.updated_by else _("someone")
        super().__init__(
            _(
                "%(who)s saved this draft while you were editing it. Your text is kept below: "
                "compare it with theirs, then save again."
            )
            % {"who": who}
        )


def new_receipt_number(prefix: str) -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{prefix}-{timezone.now():%Y}-{body[:4]}-{body[4:]}"


@dataclass(frozen=True)
class AnonymousRespondent:
    """Someone without an account answering a call that allows it; known by the secret key
    kept in their session. Passed wherever services expect a user."""

    access_key: str
    is_authenticated = False
    pk = None


def new_access_key() -> str:
    return secrets.token_urlsafe(32)


def _as_user(user):
    return user if user.is_authenticated else None


def _entered_by(submission, user) -> bool:
    """Entered on behalf of a person without an account (a plugin's ``facilitator``, e.g. at a
    workshop): by the one who entered it. Whether they still hold that role, the plugin's
    views check."""
    facilitator = getattr(submission, "facilitator_id", None)
    return facilitator is not None and facilitator == user.pk


def can_edit(submission, user) -> bool:
    """The author of a personal draft, any member of the organisation it is drafted for, or
    the facilitator who entered it for someone."""
    if not user.is_authenticated:
        key = getattr(user, "access_key", "")
        return bool(
            key and submission.access_key and secrets.compare_digest(key, submission.access_key)
        )
    if submission.organisation_id:
        return membership_of(user, submission.organisation) is not None
    return submission.user_id == user.pk or _entered_by(submission, user)


def can_submit(submission, user) -> bool:
    """Personal drafts by their author; organisation drafts by an administrator of it."""
    if not user.is_authenticated:
        return can_edit(submission, user)
    if submission.organisation_id:
        membership = membership_of(user, submission.organisation)
        return bool(membership and membership.is_admin)
    return submission.user_id == user.pk or _entered_by(submission, user)


def _locked(submission):
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to updated_by.
    return (
        type(submission)
        .objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=submission.pk)
    )


def _changed_keys(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@transaction.atomic
def save_draft(submission, user, answers: dict, expected_version: int, **fields):
    """Store `answers` if nobody saved since `expected_version`; record who changed what."""
    if not can_edit(submission, user):
        raise SubmissionError(_("You cannot edit this draft."))
    current = _locked(submission)
    if current.status != SubmissionStatus.DRAFT:
        raise SubmissionError(
            _("This has already been submitted or withdrawn; it can no longer be changed here.")
        )
    if current.version != expected_version:
        raise EditConflict(current)
    changed = _changed_keys(current.answers, answers)
    current.answers = answers
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by = _as_user(user)
    current.save()
    if changed or fields:
        record(current, user, "draft.saved", changed=changed, fields=sorted(fields))
    return current


def submit(submission, user, receipt_prefix: str, now=None, fields=None, then=None, update=None):
    """Submit a draft once. Submitting again (double click, second tab) returns the same
    receipt instead of an error or a duplicate; after the deadline the draft is kept.

    The draft is submitted as the caller loaded it: one conditional UPDATE writes it only if it
    is still that version of a draft, so a colleague's save in between is refused as a
    conflict instead of submitting answers the person has not seen. ``fields`` are more
    columns for the same UPDATE (e.g. a publication choice); ``then(submitted)`` makes more
    writes in the same transaction, only when this call did the submitting. Whether it did
    also shows in ``submitted_at == now``.

    ``update(statement)`` prepares that conditional UPDATE (a ``statements.ConditionalUpdate``)
    before the transaction begins and returns the function that runs it inside and says
    whether it stored (default: ``statement.run``): a plugin may read back what it needs in
    the same statement. (On SQLite the transaction holds the database's write lock: what can be done
    before it, is, so that the other workers' submits wait less.)"""
    now = now or timezone.now()
    if submission.status == SubmissionStatus.SUBMITTED:
        return submission
    _check_can_submit(submission, user, now)
    model = type(submission)
    changes = {
        "status": SubmissionStatus.SUBMITTED,
        "submitted_at": now,
        "updated_at": now,
        "updated_by": _as_user(user),
        "version": submission.version + 1,
        **(fields or {}),
    }
    expected = {"status": SubmissionStatus.DRAFT, "version": submission.version}
    for _attempt in range(5):
        changes["receipt_number"] = new_receipt_number(receipt_prefix)
        statement = ConditionalUpdate(model, submission.pk, expected, dict(changes))
        run = update(statement) if update else statement.run
        trace = prepared_record(submission, user, "submitted", receipt=changes["receipt_number"])
        try:
            with transaction.atomic():
                if not run():
                    break
                for name, value in changes.items():
                    setattr(submission, name, value)
                trace()
                if then is not None:
                    then(submission)
                return submission
        except IntegrityError:
            # A receipt number collision is astronomically rare, but retried; any other
            # constraint (a duplicate the plugin forbids) is the caller's to explain.
            if not model.objects.filter(receipt_number=changes["receipt_number"]).exists():
                raise
    else:  # five collisions in a row means something else is wrong: never claim success
        raise IntegrityError("Could not store the submission with a unique receipt number.")
    # Not stored: since the caller loaded it, it was submitted, withdrawn or saved again.
    current = model.objects.select_related("updated_by").get(pk=submission.pk)
    if current.status == SubmissionStatus.SUBMITTED:
        return current
    if current.status == SubmissionStatus.DRAFT:
        who = current.updated_by.public_name if current.updated_by else _("someone")
        raise SubmissionError(
            _("%(who)s changed this draft just now. Check the answers, then submit again.")
            % {"who": who}
        )
    _check_can_submit(current, user, now)  # withdrawn: says so
    raise SubmissionError(_("This could not be submitted. Please try again."))


def _check_can_submit(submission, user, now) -> None:
    """Refusals come before any write, in the person's words."""
    if submission.status == SubmissionStatus.WITHDRAWN:
        raise SubmissionError(_("This was withdrawn. Start a new one to take part again."))
    if not can_submit(submission, user):
        raise SubmissionError(
            _("Only an administrator of %(organisation)s can submit this on its behalf.")
            % {"organisation": submission.organisation}
        )
    # A submission never changes call, so the caller's copy (often with the page cached) serves.
    call = submission.get_call()
    if not call.accepts_submission(draft_started_at=submission.created_at, now=now):
        raise SubmissionError(
            _("The deadline has passed, so this can no longer be submitted. Your draft is kept.")
        )


@transaction.atomic
def reopen(submission, user, now=None):
    """Turn a submitted answer back into a draft to edit it, while the call is open."""
    now = now or timezone.now()
    current = _locked(submission)
    if current.status != SubmissionStatus.SUBMITTED:
        return current
    if not can_submit(current, user):
        raise SubmissionError(_("You cannot change this submission."))
    if not current.get_call().accepts_submission(draft_started_at=current.created_at, now=now):
        raise SubmissionError(
            _("The deadline has passed; the submission can no longer be changed.")
        )
    current.status = SubmissionStatus.DRAFT
    current.version += 1
    current.updated_by = _as_user(user)
    current.save()
    record(current, user, "reopened")
    return current


@transaction.atomic
def withdraw(submission, user, now=None):
    current = _locked(submission)
    if current.status == SubmissionStatus.WITHDRAWN:
        return current
    if not can_submit(current, user):
        raise SubmissionError(_("You cannot withdraw this."))
    call = current.get_call()
    if current.status == SubmissionStatus.SUBMITTED and not call.accepts_submission(
        draft_started_at=current.created_at, now=now or timezone.now()
    ):
        raise SubmissionError(
            _("The call has closed; a submitted answer can no longer be withdrawn.")
        )
    current.status = SubmissionStatus.WITHDRAWN
    current.withdrawn_at = now or timezone.now()
    current.updated_by = _as_user(user)
    current.version += 1
    current.save()
    record(current, user, "withdrawn")
    return current


def _live(model, call_field: str, call, user, organisation):
    live = model.objects.filter(**{call_field: call}).exclude(status=SubmissionStatus.WITHDRAWN)
    if organisation is not None:
        return live.filter(organisation=organisation)
    return live.filter(organisation__isnull=True, user=user)


def start_or_resume(model, call_field: str, call, user, organisation=None, **defaults):
    """The one live submission of `user` (or of `organisation`) to `call`, created if needed.

    Members of an organisation all land on its single draft. Two simultaneous starts (two tabs)
    meet the database's unique constraint and resolve to the same row.
    """
    if organisation is not None and membership_of(user, organisation) is None:
        raise SubmissionError(_("You are not a member of this organisation."))
    existing = _live(model, call_field, call, user, organisation).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            created = model.objects.create(
                **{call_field: call},
                user=user,
                organisation=organisation,
                updated_by=user,
                **defaults,
            )
    except IntegrityError:
        return _live(model, call_field, call, user, organisation).get(), False
    record(created, user, "started", organisation=organisation.pk if organisation else None)
    return created, True
