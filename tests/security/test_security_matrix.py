"""The permission matrix: every private URL of accounts, organisations, consultations, documents
and the review workspace, against every party. Expected status per cell, no change made by a
refused POST, and no other party's data in any response.

Codes: L = redirect to sign-in, R = redirect elsewhere, a number = that status.
"""

import pytest
from proof_urls import URLS
from proof_world import (
    APPLICANT_TEXT,
    CV_TEXT,
    EVIDENCE_TEXT,
    EXPERT_TEXT,
    NOMINATION_TEXT,
    ORG_DRAFT_ANSWER,
    OTHER_ORG_MEMBER_EMAIL,
    OWNER_ANSWER,
    OWNER_EMAIL,
    ROLES,
)

# roles in order: anonymous stranger owner member org_admin reviewer_(assigned,unassigned,
# conflicted) editor staff_reviewer
EXPECTED = {
    "profile": "L 200 200 200 200 200 200 200 200 200",
    "data download": "L 200 200 200 200 200 200 200 200 200",
    "delete account form": "L 200 200 200 200 200 200 200 200 200",
    "email addresses": "L 200 200 200 200 200 200 200 200 200",
    "two-factor": "L 200 200 200 200 200 200 200 200 200",
    "register": "L 200 200 200 200 200 200 200 200 200",
    "edit": "L 404 404 R 200 404 404 404 404 404",
    "members": "L 404 404 200 200 404 404 404 404 404",
    "invite": "L 404 404 200 R 404 404 404 404 404",
    "remove a member": "L 404 404 R R 404 404 404 404 404",
    "revoke invitation": "L 404 404 R R 404 404 404 404 404",
    "delete": "L 404 404 R R 404 404 404 404 404",
    # Someone else's invitation: a page saying it is for another address, nothing joined.
    "invitation (someone else's)": "L 200 200 200 200 200 200 200 200 200",
    "start an answer": "L 200 200 200 200 200 200 200 200 200",
    "individual answer: step": "L 404 R 404 404 404 404 404 404 404",
    "individual answer: done": "L 404 200 404 404 404 404 404 404 404",
    "individual answer: receipt": "L 404 200 404 404 404 404 404 404 404",
    "individual answer: withdraw": "L 404 R 404 404 404 404 404 404 404",
    "organisation draft: step": "L 404 404 200 200 404 404 404 404 404",
    "organisation draft: save": "L 404 404 R R 404 404 404 404 404",
    "organisation draft: review": "L 404 404 200 200 404 404 404 404 404",
    # The draft lacks required answers: the admin is told so (200); a member may not submit.
    "organisation draft: submit": "L 404 404 200 200 404 404 404 404 404",
    # Only a facilitator of the consultation (none here) or a superuser; an answer someone
    # gave themselves is never reachable there.
    "facilitators' page": "L 403 403 403 403 403 403 403 200 200",
    "individual answer at the facilitators' address": "L 403 403 403 403 403 403 403 404 404",
    "my documents": "L 200 200 200 200 200 200 200 200 200",
    "status": "L 404 200 404 404 404 404 404 200 200",
    "progress": "L 404 200 404 404 404 404 404 200 200",
    "download": "L 404 200 404 404 404 404 404 200 200",
    "workspace": "L 200 200 200 200 200 200 200 200 200",
    "item": "L 404 404 404 404 200 404 403 404 404",
    "score": "L 404 404 404 404 R 404 403 404 404",
    "declare no conflict": "L 404 404 404 404 R 404 403 404 404",
    # Results are shown to reviewers only once the phase is closed (it is open here).
    "results": "L 404 404 404 404 404 404 404 404 404",
    # The expert call: the owner's application.
    "apply: start": "L 200 200 200 200 200 200 200 200 200",
    "application: details": "L 404 200 404 404 404 404 404 404 404",
    "application: review": "L 404 200 404 404 404 404 404 404 404",
    "application: withdraw": "L 404 R 404 404 404 404 404 404 404",
    # The award: the owner's nomination; the assigned reviewer judges the first category,
    # the unassigned one the second: neither reads the other's.
    "nominate: start": "L 200 200 200 200 200 200 200 200 200",
    "nomination: done": "L 404 200 404 404 404 404 404 404 404",
    "nomination: receipt": "L 404 200 404 404 404 404 404 404 404",
    # Private files, served from the private storage by views that check rights.
    # Not to the staff reviewer either: a juror reads nominations through the review engine.
    "nomination: evidence file": "404 404 200 404 404 404 404 404 200 404",
    # Wagtail admin: only the editors in charge of the call, never its committee (R).
    "application: CV (secretariat)": "R R R R R R R R 200 R",
    # The conflicted reviewer sits on the first jury too (a conflict with one nomination).
    "jury notes, first category": "L 404 404 404 404 200 404 200 200 200",
    # The staff reviewer sits on the first jury: no editor's view of the edition's other juries.
    "jury notes, second category": "L 404 404 404 404 404 200 404 200 404",
    # Issue 16.1: stored booklets and dossiers go only to whom they were built for, and no
    # longer to a juror who declared a conflict since; reviewers never get the editors' copy.
    # The staff reviewer (a superuser on the committee and the first jury) is a reviewer there.
    "jury booklet, editors' copy": "L 404 404 404 404 404 404 404 200 404",
    "jury booklet, conflicted juror's copy from before the conflict": (
        "L 404 404 404 404 404 404 404 200 404"
    ),
    "jury booklet, ask for the editors' copy": "L 403 403 403 403 403 403 403 R 403",
    "jury booklet, ask for the conflicted juror's copy": "L 403 403 403 403 403 403 R R 403",
    "dossier, editors' copy": "L 404 404 404 404 404 404 404 200 404",
    "dossier, ask for the conflicted member's copy": "L 403 403 403 403 403 403 R R 403",
    # Issue 16.2: the call's admin pages (names, special-category data) and the editors' pages
    # of the process refuse a committee member, whatever else they are (Wagtail: R).
    "admin: applications": "R R R R R R R R 200 R",
    "admin: application": "R R R R R R R R 200 R",
    "admin: special-category data": "R R R R R R R R 200 R",
    "admin: review results of the committee": "R R R R R R R R 200 R",
}

# Who may ever see each marker (the editor is a superuser and may read everything; so is the
# staff reviewer, except what they review: the expert application and the nomination).
MAY_SEE = {
    OWNER_ANSWER: {"owner", "editor", "staff_reviewer"},
    OWNER_EMAIL: {"owner", "editor", "staff_reviewer"},
    ORG_DRAFT_ANSWER: {"member", "org_admin", "editor", "staff_reviewer"},
    APPLICANT_TEXT: {"reviewer_assigned", "editor", "staff_reviewer"},
    OTHER_ORG_MEMBER_EMAIL: {"member", "org_admin", "editor", "staff_reviewer"},
    EXPERT_TEXT: {"owner", "editor"},
    NOMINATION_TEXT: {"owner", "reviewer_assigned", "editor"},
    CV_TEXT: {"editor"},
    EVIDENCE_TEXT: {"owner", "editor"},
}


def _code(response):
    if response.status_code in (301, 302, 303):
        return "L" if "/accounts/login/" in response["Location"] else "R"
    return str(response.status_code)


def _effects(world):
    """What a refused POST must never change."""
    from consultations.models import Response
    from expertgroup.models import Application
    from participation.organisations.models import Invitation, Membership, Organisation
    from participation.review.models import ConflictDeclaration, Review

    draft = Response.objects.get(pk=world.draft.pk)
    return {
        "organisation exists": Organisation.objects.filter(pk=world.org.pk).exists(),
        "hidden member kept": Membership.objects.filter(user=world.hidden).exists(),
        "invitation open": Invitation.objects.filter(
            pk=world.invitation.pk, revoked_at__isnull=True
        ).exists(),
        "invitations": Invitation.objects.count(),
        "answer not withdrawn": Response.objects.get(pk=world.mine.pk).status != "withdrawn",
        "draft unchanged": "overwritten" not in str(draft.answers) and draft.is_draft,
        "reviews": Review.objects.count(),
        "conflict kept": ConflictDeclaration.objects.filter(kind="personal").exists(),
        "application": Application.objects.filter(pk=world.application.pk)
        .values_list("status", flat=True)
        .first(),
    }


# The cells where the POST changes something, and what.
CHANGES = {
    ("invite", "org_admin"): {"invitations"},
    ("remove a member", "org_admin"): {"hidden member kept"},
    ("revoke invitation", "org_admin"): {"invitation open"},
    # ("delete", "org_admin") changes nothing: an organisation with other members is kept.
    ("individual answer: withdraw", "owner"): {"answer not withdrawn"},
    ("organisation draft: save", "member"): {"draft unchanged"},
    ("organisation draft: save", "org_admin"): {"draft unchanged"},
    ("score", "reviewer_assigned"): {"reviews"},
    ("application: withdraw", "owner"): {"application"},
}


AREAS = sorted({row[0] for row in URLS})


@pytest.mark.parametrize("area", AREAS)
def test_permission_matrix_every_private_url_every_party(area, world, as_role):
    baseline = _effects(world)
    problems = []
    for row_area, label, method, url, data in URLS:
        if row_area != area:
            continue
        expected = dict(zip(ROLES, EXPECTED[label].split(), strict=True))
        for role in ROLES:
            response, body, effects = as_role(
                role,
                method,
                url(world),
                data(world) if data else None,
                after=lambda: _effects(world),
            )
            if _code(response) != expected[role]:
                problems.append(f"{label} as {role}: {_code(response)}, expected {expected[role]}")
            text = body.decode("utf-8", "replace")
            for marker, allowed in MAY_SEE.items():
                if marker in text and role not in allowed:
                    problems.append(f"{label} as {role}: shows {marker}")
            changed = {key for key in baseline if effects[key] != baseline[key]}
            wanted = CHANGES.get((label, role), set())
            if changed != wanted:  # refused POSTs change nothing; allowed ones do their job
                problems.append(
                    f"{label} as {role}: changed {sorted(changed)}, not {sorted(wanted)}"
                )
    assert not problems, "\n".join(problems)


def test_permission_matrix_covers_every_listed_url():
    assert set(EXPECTED) == {row[1] for row in URLS}
