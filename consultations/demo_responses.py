"""Generated answers for the demo: a few hundred, in many languages and scripts, some from
organisations, and one campaign of near-identical texts. Deterministic and idempotent."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from participation.organisations.models import Organisation
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse

from .demo_questionnaire import qid
from .models import Response
from .services import count_added, search_text

PROPOSALS = [
    ("en", "Recognition took two years. Let us work in our field while the papers are checked."),
    (
        "fr",
        "La reconnaissance de mon diplôme d'infirmière a pris dix-huit mois et coûté 900 euros.",
    ),
    ("de", "Die Anerkennung meines Abschlusses dauerte zu lange; Beratung auf Arabisch fehlte."),
    ("ar", "استغرق الاعتراف بشهادتي في الهندسة أكثر من عام. نحتاج إلى معلومات بلغتنا."),
    ("uk", "Визнання мого диплома лікаря триває вже рік. Потрібні курси мови для медиків."),
    ("ti", "ምፍላጥ ናይ ትምህርተይ ብዙሕ ግዜ ወሲዱ። ሓበሬታ ብቋንቋና ንደሊ።"),
    ("fa", "شناسایی مدرک من دو سال طول کشید. لطفاً هزینه‌ها را کاهش دهید."),
    ("so", "Aqoonsiga shahaadadayda waxay qaadatay muddo dheer. Fadlan yaree kharashka."),
    ("tr", "Diplomamın tanınması çok uzun sürdü; danışmanlık Türkçe de olmalı."),
    ("el", "Η αναγνώριση του πτυχίου μου πήρε πολύ χρόνο και κόστισε ακριβά."),
]
CAMPAIGN = (
    "We, members of the Network for Fair Recognition, ask the Commission to cut fees, set a "
    "three-month deadline for every decision and accept partial recognition with top-up courses."
)
OUTCOMES = ["full", "partial", "refused", "waiting"]
PRIORITIES = ["cost", "time", "language", "partial", "digital"]
COUNTRIES = ["DE", "FR", "BE", "NL", "SE", "IT", "ES", "PL", "AT", "GR"]


def _people(count, prefix):
    User = get_user_model()
    existing = set(
        User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
    )
    new = [
        User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org", is_active=True)
        for n in range(count)
        if f"{prefix}{n}" not in existing
    ]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    return list(User.objects.filter(username__startswith=prefix).order_by("pk")[:count])


def _recognition_answers(rng, n):
    applied = rng.random() < 0.7
    answers = {qid("applied"): applied}
    if applied:
        answers[qid("outcome")] = {"choice": rng.choice(OUTCOMES)}
        answers[qid("difficulty")] = rng.choice([3, 4, 4, 5, 5, "dont_know"])
    chosen = sorted(rng.sample(PRIORITIES, rng.randint(1, 3)), key=PRIORITIES.index)
    answers[qid("priorities")] = {"choices": chosen}
    language, text = PROPOSALS[n % len(PROPOSALS)]
    if n % 9 == 0:
        language, text = "en", CAMPAIGN + (" Thank you." if n % 2 else "")
    answers[qid("proposal")] = text
    answers[qid("consent")] = True
    return language, answers


def _housing_answers(rng, n):
    language, text = PROPOSALS[(n * 3) % len(PROPOSALS)]
    return language, {
        qid("h-discrimination"): rng.random() < 0.6,
        qid("h-first"): {"choice": rng.choice(["deposits", "testing", "social", "advice"])},
        qid("h-story"): text,
    }


def load(consultation, count, make_answers, seed):
    """Add `count` submitted answers to `consultation`, unless it already has answers."""
    if Response.objects.filter(consultation=consultation).exists():
        return 0
    rng = random.Random(seed)
    snap = snapshot(parse(consultation.questionnaire))
    people = _people(count, f"demo-{consultation.slug[:12]}-")
    organisations = list(Organisation.objects.order_by("pk")[:3])
    start = consultation.opens_at or timezone.now() - timedelta(days=30)
    responses = []
    for n, person in enumerate(people):
        language, answers = make_answers(rng, n)
        organisation = (
            organisations[n % len(organisations)] if organisations and n % 25 == 0 else None
        )
        if organisation and any(r.organisation_id == organisation.pk for r in responses):
            organisation = None
        submitted = start + timedelta(hours=n * 2 + rng.randint(0, 60))
        responses.append(
            Response(
                consultation=consultation,
                user=person,
                updated_by=person,
                organisation=organisation,
                respondent_type="organisation" if organisation else "individual",
                country=rng.choice(COUNTRIES),
                language=language,
                status=Response.Status.SUBMITTED,
                answers=answers,
                questionnaire_snapshot=snap,
                receipt_number=f"CONS-DEMO-{consultation.pk:03d}-{n:05d}",
                submitted_at=submitted,
                publication=rng.choice(["named", "anonymous", "anonymous", "private"]),
                moderation=rng.choice(["approved", "approved", "approved", "pending"]),
            )
        )
    Response.objects.bulk_create(responses)
    saved = list(Response.objects.filter(consultation=consultation))
    for response in saved:
        response.search_text = search_text(response)
    Response.objects.bulk_update(saved, ["search_text"])
    count_added(Response.objects.filter(consultation=consultation))
    return len(saved)
