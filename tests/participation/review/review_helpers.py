"""Helpers shared by the review engine's tests (plain functions, no fixtures)."""

from review_doubles import ApplicationDouble

from participation.review import services


def make_application(
    call=None,
    *,
    user=None,
    name="Nadia Haddad",
    organisation=None,
    themes=("employment",),
    language="ar",
    attributes=None,
    **fields,
):
    fields.setdefault("motivation", "I want to improve access to vocational training.")
    fields.setdefault("experience", "Ten years of community work.")
    fields.setdefault("website", "https://example.org/portfolio")
    return ApplicationDouble.objects.create(
        call=call,
        user_pk=user.pk if user else None,
        organisation_pk=organisation.pk if organisation else None,
        applicant_name=name,
        themes=list(themes),
        language=language,
        attributes=attributes if attributes is not None else {"gender": "f", "region": "south"},
        **fields,
    )


def full_scores(relevance=3, experience=10, note=None):
    scores = {"relevance": relevance, "experience": experience}
    if note is not None:
        scores["note"] = note
    return scores


def assign_pair(world, item, reviewer):
    return services.add_assignment(world.phase, item, reviewer, world.editor)


def submit(assignment, scores=None, comments="ok"):
    review = getattr(assignment, "review", None)
    return services.save_review(
        assignment,
        assignment.reviewer.user,
        scores=scores or full_scores(),
        comments=comments,
        expected_version=review.version if review else 0,
        submit=True,
    )


def score_candidates(world, process, people):
    """One reviewer scores one application per ``(name, relevance, experience, attributes)``
    in ``process``'s only phase (what selection tests start from); returns the phase and items."""
    phase = process.phases.get()
    reviewer = services.add_reviewer(process, world.reviewers[0].user, world.editor)
    items = []
    for name, relevance, experience, attributes in people:
        item = services.sync_item(
            process, make_application(world.call, name=name, attributes=attributes)
        )
        assignment = services.add_assignment(phase, item, reviewer, world.editor)
        services.save_review(
            assignment,
            reviewer.user,
            scores=full_scores(relevance, experience),
            expected_version=0,
            submit=True,
        )
        items.append(item)
    return phase, items
