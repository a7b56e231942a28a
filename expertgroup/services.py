"""The rules of the expert call: applications, special-category data, screening, review and
selection (through the review engine), decisions, letters, members, statistics and erasure.
Views, tasks and tests call these functions; models stay thin."""

from collections import Counter, defaultdict
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.models import Locale

from participation.audit.services import record
from participation.i18n import language_for, translated_title
from participation.permissions import allowed
from participation.questionnaire import engine
from participation.questionnaire.export import display_value
from participation.questionnaire.structure import parse
from participation.review import services as review
from participation.review.models import (
    Criterion,
    ItemStatus,
    Phase,
    Review,
    ReviewItem,
    ReviewProcess,
    SelectionRun,
)
from participation.submissions import services as submissions
from participation.submissions.services import SubmissionError

from . import figures
from .models import (
    Application,
    Decision,
    LetterTemplate,
    Screening,
    SensitiveDeclaration,
)
from .permissions import VIEW_SENSITIVE

RECEIPT_PREFIX = "MEG"
SENSITIVE_FIELDS = ("migrant_background", "gender", "gender_self_described", "nationalities")


# --- applications ------------------------------------------------------------------------------


def live_application(page, user):
    if not user.is_authenticated:
        return None
    return (
        Application.objects.filter(call=page, user=user)
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("organisation", "updated_by")
        .first()
    )


def start_application(page, user, *, now=None):
    """The person's one live application to ``page``, created if needed. A second start (another
    tab, a double click) lands on the same application: one application per person and call."""
    existing = live_application(page, user)
    if existing is not None:
        return existing, False
    if not page.accepts_submission(now=now):
        raise SubmissionError(_("This call is not open for applications."))
    try:
        with transaction.atomic():
            created = Application.objects.create(
                call=page,
                user=user,
                updated_by=user,
                full_name=user.get_full_name() or user.display_name or "",
                country=getattr(user, "country", "") or "",
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        return live_application(page, user), False
    record(created, user, "started")
    return created, True


@transaction.atomic
def save_details(application, user, *, fields, expertise, sensitive, expected_version):
    """Store the details form of a draft (conflicts and permissions by the shared core)."""
    saved = submissions.save_draft(
        application, user, application.answers, expected_version, **fields
    )
    saved.expertise.set(expertise)
    SensitiveDeclaration.objects.update_or_create(application=saved, defaults=sensitive)
    return saved


def missing_for_submission(application, page=None) -> list[str]:
    """What must still be given before submitting, in words for the applicant (``page``: the
    call in the applicant's language, a translation of ``application.call``, for its labels)."""
    missing = []
    for name in ("full_name", "profile_type", "country", "motivation", "experience"):
        if not getattr(application, name):
            missing.append(str(Application._meta.get_field(name).verbose_name))
    if not application.cv:
        missing.append(_("CV (PDF)"))
    questionnaire = parse((page or application.call).questionnaire)
    missing += [q.label for q in engine.missing_required(questionnaire, application.answers)]
    return missing


def submit_application(application, user, now=None):
    missing = missing_for_submission(application)
    if missing:
        raise SubmissionError(
            _("Some required answers are missing: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    return submissions.submit(application, user, RECEIPT_PREFIX, now=now, then=figures.changed)


def reopen_application(application, user, now=None):
    return submissions.reopen(application, user, now=now)


def withdraw_application(application, user, now=None):
    """Withdraw before the deadline. Once decided (selected, reserve), the applicant steps down
    through the secretariat instead, so the reserve list can replace them."""
    if application.decision in (Decision.SELECTED, Decision.RESERVE):
        raise SubmissionError(
            _(
                "The selection has been made, so the application can no longer be withdrawn "
                "here. To step down, write to the secretariat of the call: your place will go to "
                "the next person on the reserve list."
            )
        )
    return submissions.withdraw(application, user, now=now)


def answer_rows(application, page=None) -> list[tuple[str, str, str]]:
    """(question id, label, text) of the extra questions answered, consent and files excluded;
    labelled from ``page`` (a translation of the call) when given."""
    questionnaire = parse((page or application.call).questionnaire)
    rows = []
    for question in questionnaire.questions:
        if question.id in application.answers and question.type not in ("consent", "file"):
            rows.append(
                (
                    question.id,
                    question.label,
                    display_value(question, application.answers[question.id]),
                )
            )
    return rows


# --- special-category data ----------------------------------------------------------------------


def sensitive_data(application, user, *, purpose: str):
    """The special-category data of ``application`` for an editor in charge; every reading is
    recorded in the audit trail (who, when, why). Anyone else: PermissionDenied, recorded too."""
    if not allowed(user, Application, VIEW_SENSITIVE, application):
        record(application, user, "sensitive.refused", purpose=purpose)
        raise PermissionDenied
    record(application, user, "sensitive.viewed", purpose=purpose)
    return SensitiveDeclaration.objects.filter(application=application).first()


@transaction.atomic
def erase_sensitive(page, actor=None, now=None) -> int:
    """Erase the special-category data of every application to ``page``; returns how many."""
    now = now or timezone.now()
    ids = list(
        Application.objects.filter(call=page, sensitive_erased_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    SensitiveDeclaration.objects.filter(application__call=page).delete()
    Application.objects.filter(pk__in=ids).update(sensitive_erased_at=now)
    record(page, actor, "sensitive.erased", applications=len(ids))
    return len(ids)


def erase_due(today=None, actor=None) -> dict[int, int]:
    """Erase the data of every call whose retention date has come (the management command)."""
    from .models import ExpertCallPage

    today = today or timezone.localdate()
    done = {}
    for page in ExpertCallPage.objects.filter(erase_sensitive_data_on__lte=today):
        if Application.objects.filter(call=page, sensitive_erased_at__isnull=True).exists():
            done[page.pk] = erase_sensitive(page, actor)
    return done


# --- screening ---------------------------------------------------------------------------------


class ScreeningError(Exception):
    pass


@transaction.atomic
def record_screening(page, application_ids, criterion_key, met: bool, reason: str, actor) -> int:
    """Record, for many applications at once, whether one criterion is met and why. An
    application is eligible once every criterion is recorded and met, ineligible as soon as one
    is not met. Only submitted applications of this call are touched."""
    keys = [c.key for c in page.criteria()]
    if criterion_key not in keys:
        raise ScreeningError(_("Choose one of the call's eligibility criteria."))
    reason = (reason or "").strip()
    if not met and not reason:
        raise ScreeningError(
            _("Give a reason when a criterion is not met: it goes to the applicant.")
        )
    applications = list(
        Application.objects.filter(
            call=page, pk__in=application_ids, status=Application.Status.SUBMITTED
        ).select_related("screening")
    )
    if not applications:
        raise ScreeningError(_("Choose at least one submitted application."))
    for application in applications:
        screening = getattr(application, "screening", None) or Screening(application=application)
        screening.results = {
            **screening.results,
            criterion_key: {"met": bool(met), "reason": reason[:1000]},
        }
        screening.eligible = _eligible(screening.results, keys)
        screening.updated_by = actor
        screening.save()
    record(
        page,
        actor,
        "screening.recorded",
        criterion=criterion_key,
        met=bool(met),
        reason=reason[:1000],
        applications=[a.pk for a in applications],
    )
    return len(applications)


def _eligible(results: dict, keys: list[str]):
    if any(results.get(k, {}).get("met") is False for k in keys):
        return False
    if all(k in results for k in keys):
        return True
    return None


def unmet_reasons(application) -> list[tuple[str, str]]:
    screening = getattr(application, "screening", None)
    if screening is None:
        return []
    texts = {c.key: c.text for c in application.call.criteria()}
    return [
        (texts.get(key, key), value.get("reason", ""))
        for key, value in screening.results.items()
        if value.get("met") is False
    ]


def notices_due(page):
    return Application.objects.filter(
        call=page, screening__eligible=False, screening__notice_sent_at__isnull=True
    )


def send_screening_notices(page, actor) -> int:
    """Queue the reasoned notice to each applicant found ineligible (once each)."""
    from . import tasks

    ids = list(notices_due(page).values_list("pk", flat=True))
    Application.objects.filter(pk__in=ids).update(decision=Decision.INELIGIBLE)
    for pk in ids:
        transaction.on_commit(
            lambda pk=pk: tasks.send_letter.enqueue(pk, LetterTemplate.Kind.INELIGIBLE)
        )
    record(page, actor, "screening.notices", applications=ids)
    return len(ids)


# --- review and selection, through the engine --------------------------------------------------

DEFAULT_CRITERIA = [
    ("expertise", gettext_noop("Knowledge of migration, asylum and integration"), 0, 5, 2.0),
    (
        "lived_experience",
        gettext_noop("Lived experience and links with migrant communities"),
        0,
        5,
        2.0,
    ),
    ("motivation", gettext_noop("Motivation and availability"), 0, 5, 1.0),
    ("communication", gettext_noop("Ability to represent and communicate views"), 0, 5, 1.0),
]


@transaction.atomic
def ensure_process(page, actor=None, *, now=None) -> ReviewProcess:
    """The review process of the call (created once, blind, with weighted criteria and a
    scoring phase of four weeks after the close); editors adjust it in the Review menu."""
    if page.review_process_id:
        return page.review_process
    now = now or timezone.now()
    opens = max(page.closes_at or now, now)
    # Names are stored in the site's language, whoever creates the process; reviewers read
    # them in theirs (Phase.label, Criterion.label).
    with translation.override(settings.LANGUAGE_CODE):
        item_noun, round_name = _("Application"), _("Scoring")
        names = [_(name) for _key, name, *_rest in DEFAULT_CRITERIA]
    process = ReviewProcess.objects.create(
        owner=page,
        name=page.title[:255],
        item_noun=item_noun,
        blind=True,
        identifying_fields=["name", "organisation"],
        reviews_per_item=3,
        disagreement_threshold=1.5,
        seats=page.seats,
    )
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.SCORING,
        name=round_name,
        position=0,
        opens_at=opens,
        closes_at=opens + timedelta(days=28),
    )
    for position, (key, _name, low, high, weight) in enumerate(DEFAULT_CRITERIA):
        Criterion.objects.create(
            process=process,
            key=key,
            name=names[position],
            scale_min=low,
            scale_max=high,
            weight=weight,
            position=position,
        )
    type(page).objects.filter(pk=page.pk).update(review_process=process)
    page.review_process = process
    record(page, actor, "review.process_created", process=process.pk)
    return process


def import_eligible(page, actor) -> int:
    """Give the review engine every eligible application (``review_subjects``)."""
    process = ensure_process(page, actor)
    return review.import_items(process, actor)


def items_by_application(process) -> dict[int, ReviewItem]:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Application)
    return {
        int(item.subject_object_id): item
        for item in ReviewItem.objects.filter(process=process, subject_content_type=content_type)
    }


STATUS_TO_DECISION = {
    ItemStatus.SELECTED: Decision.SELECTED,
    ItemStatus.RESERVE: Decision.RESERVE,
    ItemStatus.NOT_SELECTED: Decision.NOT_SELECTED,
    ItemStatus.NOT_SHORTLISTED: Decision.NOT_SELECTED,
    ItemStatus.SCREENED_OUT: Decision.INELIGIBLE,
}


@transaction.atomic
def sync_decisions(page, actor=None) -> Counter:
    """Copy the engine's outcome (after ``apply_selection``) onto the applications."""
    if not page.review_process_id:
        raise ScreeningError(_("There is no review process for this call yet."))
    items = items_by_application(page.review_process)
    applications = list(
        Application.objects.filter(pk__in=items).exclude(decision=Decision.STEPPED_DOWN)
    )
    counts = Counter()
    for application in applications:
        item = items[application.pk]
        application.decision = STATUS_TO_DECISION.get(item.status, Decision.NONE)
        application.reserve_rank = item.reserve_rank
        # The engine ranks every candidate who could replace someone; the call keeps the
        # best-placed few in reserve (its reserve_size) and tells the others plainly.
        if application.decision == Decision.RESERVE and (
            item.reserve_rank is None or item.reserve_rank > page.reserve_size
        ):
            application.decision, application.reserve_rank = Decision.NOT_SELECTED, None
        counts[application.decision] += 1
    Application.objects.bulk_update(applications, ["decision", "reserve_rank"])
    figures.changed()
    record(page, actor, "decisions.synced", counts=dict(counts))
    return counts


def latest_applied_run(process):
    return (
        SelectionRun.objects.filter(process=process, applied_at__isnull=False)
        .order_by("-applied_at", "-pk")
        .first()
    )


@transaction.atomic
def step_down(application, actor, reason: str = ""):
    """A member withdraws: the run's precomputed replacement (which keeps the quotas) takes the
    seat if still on the reserve list, else the first on the reserve list. Returns the
    replacement application or None (no reserve left)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.decision != Decision.SELECTED:
        raise ScreeningError(_("Only a selected member can step down."))
    page = application.call
    process = page.review_process
    items = items_by_application(process)
    item = items[application.pk]
    review.set_item_status(item, ItemStatus.WITHDRAWN, actor, reason="stepped_down")
    application.decision = Decision.STEPPED_DOWN
    application.save(update_fields=["decision"])
    in_reserve = set(
        Application.objects.filter(call=page, decision=Decision.RESERVE).values_list(
            "pk", flat=True
        )
    )
    reserve = sorted(
        (
            i
            for i in items.values()
            if i.status == ItemStatus.RESERVE and int(i.subject_object_id) in in_reserve
        ),
        key=lambda i: (i.reserve_rank or 10**6, i.number),
    )
    chosen = None
    run = latest_applied_run(process)
    if run is not None:
        preferred = dict((member, repl) for member, repl in run.result.get("replacements", []))
        candidate = preferred.get(item.pk)
        chosen = next((i for i in reserve if i.pk == candidate), None)
    if chosen is None and reserve:
        chosen = reserve[0]
    replacement = None
    if chosen is not None:
        review.set_item_status(chosen, ItemStatus.SELECTED, actor, replaces=item.number)
        replacement = Application.objects.get(pk=int(chosen.subject_object_id))
        replacement.decision, replacement.reserve_rank = Decision.SELECTED, None
        replacement.decision_sent_at = None
        replacement.save(update_fields=["decision", "reserve_rank", "decision_sent_at"])
        from . import tasks

        transaction.on_commit(
            lambda: tasks.send_letter.enqueue(replacement.pk, LetterTemplate.Kind.REPLACEMENT)
        )
    record(
        page,
        actor,
        "member.stepped_down",
        application=application.pk,
        replacement=replacement.pk if replacement else None,
        reason=reason[:500],
    )
    return replacement


@transaction.atomic
def announce_members(page, actor, now=None):
    if not Application.objects.filter(call=page, decision=Decision.SELECTED).exists():
        raise ScreeningError(
            _("Nobody is selected yet: apply a selection and copy the decisions first.")
        )
    now = now or timezone.now()
    type(page).objects.filter(pk=page.pk).update(members_announced_at=now)
    page.members_announced_at = now
    record(page, actor, "members.announced")


def public_members(page):
    """Selected members who consented to be listed: what the public page shows (one query,
    plus one for their themes)."""
    return (
        Application.objects.filter(
            call=page, decision=Decision.SELECTED, public_profile_consent=True
        )
        .order_by("full_name", "pk")
        .prefetch_related("expertise")
    )


# --- letters -----------------------------------------------------------------------------------

DEFAULT_LETTERS = {
    LetterTemplate.Kind.SELECTED: (
        gettext_noop("You have been selected: {call}"),
        gettext_noop(
            "Dear {name},\n\nWe are pleased to tell you that you have been selected as a member of "
            "the group “{call}”.\n\nHow the committee scored your application:\n{feedback}\n\n"
            "Members: {members_url}"
        ),
    ),
    LetterTemplate.Kind.RESERVE: (
        gettext_noop("You are on the reserve list: {call}"),
        gettext_noop(
            "Dear {name},\n\nYou are number {reserve_rank} on the reserve list of “{call}”. If a "
            "member steps down, we will contact you.\n\nHow the committee scored your application:"
            "\n{feedback}"
        ),
    ),
    LetterTemplate.Kind.NOT_SELECTED: (
        gettext_noop("Your application to {call}"),
        gettext_noop(
            "Dear {name},\n\nThank you for applying to “{call}”. We regret that you were not "
            "selected this time.\n\nHow the committee scored your application:\n{feedback}"
        ),
    ),
    LetterTemplate.Kind.INELIGIBLE: (
        gettext_noop("Your application to {call}: not eligible"),
        gettext_noop(
            "Dear {name},\n\nThank you for applying to “{call}” (receipt {receipt}). Your "
            "application does not meet these eligibility criteria:\n{reasons}\n\nYou may write to "
            "us if you think this is a mistake."
        ),
    ),
    LetterTemplate.Kind.REPLACEMENT: (
        gettext_noop("A seat is now yours: {call}"),
        gettext_noop(
            "Dear {name},\n\nA member of “{call}” has stepped down and you were next on the "
            "reserve list: you are now a member of the group.\n\nMembers: {members_url}"
        ),
    ),
}


def letter_template(kind: str, language: str):
    """The template of ``kind`` in ``language`` if editors translated it, else in the default
    locale; None if editors wrote none (the built-in text is used). Returns (template, lang)."""
    templates = {
        t.locale.language_code: t
        for t in LetterTemplate.objects.filter(kind=kind).select_related("locale")
    }
    if language in templates:
        return templates[language], language
    default = Locale.get_default().language_code
    if default in templates:
        return templates[default], default
    return None, language


class _SafeDict(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def feedback_text(application) -> str:
    """The committee's mean score per criterion (submitted reviews of the latest phase)."""
    process = application.call.review_process
    if process is None:
        return ""
    item = items_by_application(process).get(application.pk)
    if item is None:
        return ""
    criteria = list(process.criteria.all())
    reviews = Review.objects.filter(
        assignment__item=item, status=Review.Status.SUBMITTED
    ).values_list("assignment__phase__position", "scores")
    reviews = list(reviews)
    if not reviews:
        return ""
    last = max(position for position, _scores in reviews)
    sums = defaultdict(list)
    for position, scores in reviews:
        if position == last:
            for key, value in scores.items():
                if isinstance(value, int | float):
                    sums[key].append(value)
    lines = []
    for criterion in criteria:
        values = sums.get(criterion.key)
        if values:
            mean = sum(values) / len(values)
            lines.append(f"- {criterion.label}: {mean:.1f} / {criterion.scale_max}")
    return "\n".join(lines)


def render_letter(application, kind: str, base_url: str = "") -> tuple[str, str, str]:
    """(subject, body, language) of the letter, in the applicant's language when a translation
    exists. Placeholders unknown to the text are left as they are, never an error."""
    person = application.user
    language = language_for(person, fallback=application.language)
    template, used = letter_template(kind, language)
    page = application.call
    with translation.override(used):
        if template is None:
            subject, body = (_(text) for text in DEFAULT_LETTERS[kind])
        else:
            subject, body = template.subject, template.body
        values = _SafeDict(
            name=application.full_name or (person.public_name if person else ""),
            call=translated_title(page, used),
            receipt=application.receipt_number or "",
            reserve_rank=application.reserve_rank or "",
            feedback=feedback_text(application) if "{feedback}" in body else "",
            reasons="\n".join(
                f"- {criterion}: {reason}" for criterion, reason in unmet_reasons(application)
            ),
            members_url=base_url + page.url + page.reverse_subpage("members"),
        )
        try:
            return subject.format_map(values), body.format_map(values), used
        except (ValueError, IndexError):
            return subject, body, used


def send_decision_letters(page, actor) -> int:
    """Queue one letter per decided applicant not yet written to (selected, reserve, not
    selected); each in their language."""
    from . import tasks

    kinds = {
        Decision.SELECTED: LetterTemplate.Kind.SELECTED,
        Decision.RESERVE: LetterTemplate.Kind.RESERVE,
        Decision.NOT_SELECTED: LetterTemplate.Kind.NOT_SELECTED,
    }
    rows = list(
        Application.objects.filter(
            call=page, decision__in=list(kinds), decision_sent_at__isnull=True
        ).values_list("pk", "decision")
    )
    for pk, decision in rows:
        transaction.on_commit(
            lambda pk=pk, kind=kinds[decision]: tasks.send_letter.enqueue(pk, kind)
        )
    record(page, actor, "letters.queued", count=len(rows))
    return len(rows)


# --- statistics --------------------------------------------------------------------------------


class StatisticsRow(NamedTuple):
    breakdown: str
    value: str
    applications: int


def statistics(page, *, with_sensitive: bool = False) -> dict:
    """Submitted applications by country, profile, theme and gender: one GROUP BY each, whatever
    the number of applications. Migrant background only for editors who may see it."""
    from .choices import gender_choices, migrant_background_choices, profile_choices

    submitted = Application.objects.filter(call=page, status=Application.Status.SUBMITTED)
    by_country = submitted.values("country").annotate(n=Count("pk")).order_by("-n", "country")
    profiles = dict(profile_choices())
    by_profile = submitted.values("profile_type").annotate(n=Count("pk")).order_by("-n")
    by_theme = (
        submitted.filter(expertise__isnull=False)
        .values("expertise__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "expertise__name")
    )
    genders = dict(gender_choices())
    sensitive = SensitiveDeclaration.objects.filter(application__in=submitted)
    by_gender = sensitive.values("gender").annotate(n=Count("pk")).order_by("-n")
    from django_countries import countries

    stats = {
        "total": submitted.count(),
        "country": [(countries.name(r["country"]) or r["country"], r["n"]) for r in by_country],
        "profile": [
            (profiles.get(r["profile_type"], r["profile_type"]), r["n"]) for r in by_profile
        ],
        "theme": [(r["expertise__name"], r["n"]) for r in by_theme],
        "gender": [(str(genders.get(r["gender"], r["gender"])), r["n"]) for r in by_gender],
    }
    if with_sensitive:
        backgrounds = dict(migrant_background_choices())
        stats["migrant_background"] = [
            (str(backgrounds.get(r["migrant_background"], _("Not given"))), r["n"])
            for r in sensitive.values("migrant_background").annotate(n=Count("pk")).order_by("-n")
        ]
    return stats


def statistics_titles() -> dict:
    """Each breakdown of ``statistics`` by its key, with its title (in the reader's language)."""
    return {
        "country": _("Applications by country of residence"),
        "profile": _("Applications by profile"),
        "theme": _("Applications by area of expertise"),
        "gender": _("Applications by gender"),
        "migrant_background": _("Applications by migrant background"),
    }


def statistics_rows(stats) -> list:
    """``statistics`` as one table: (breakdown, value, applications) per row, breakdown by
    breakdown (the statistics report and its CSV/XLSX download)."""
    return [
        StatisticsRow(str(title), str(label), n)
        for key, title in statistics_titles().items()
        for label, n in stats.get(key) or ()
    ]


def statistics_charts(stats) -> list:
    from participation.documents.charts import bar_chart

    charts = []
    for key, title in statistics_titles().items():
        rows = stats.get(key)
        if rows:
            rows = rows[:20]
            charts.append(
                bar_chart(
                    title, [label for label, _n in rows], {_("Applications"): [n for _l, n in rows]}
                )
            )
    return charts


def erase_application(application, actor=None) -> None:
    """Erase one application's personal data (account deletion): special-category data, files
    and personal text; what remains counts only in anonymous statistics."""
    for name in ("cv", "supporting_document", "photo"):
        stored = getattr(application, name)
        if stored:
            stored.delete(save=False)
    SensitiveDeclaration.objects.filter(application=application).delete()
    Application.objects.filter(pk=application.pk).update(
        full_name="",
        motivation="",
        experience="",
        answers={},
        cv="",
        supporting_document="",
        photo="",
        public_profile_consent=False,
        sensitive_erased_at=timezone.now(),
    )
    record(application, actor, "personal_data.erased")
