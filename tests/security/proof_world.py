"""One small world with every party of the permission matrix, shared by the security, property
and browser tests: plain functions, so any test (or a live-server test) can build it.

Each party owns a secret marker: a response may show a marker only to whoever is allowed to
see it. Expert-call and award data join by adding their parties, markers and URLs to the
tables in test_security_matrix.py (table-driven).
"""

import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

# The review engine's test plugin (a call double with applications) stands in for the expert
# call and the award until they exist; its tables are made for the test database only.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "participation" / "review"))

from review_doubles import DOUBLES, ApplicationDouble, CallDouble  # noqa: E402

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

# Markers: text that only some parties may ever see.
OWNER_ANSWER = "OWNER-PRIVATE-ANSWER-7f3a"
OWNER_EMAIL = "owner.private@example.org"
ORG_DRAFT_ANSWER = "ORG-DRAFT-ANSWER-91bc"
APPLICANT_TEXT = "APPLICANT-MOTIVATION-55de"
OTHER_ORG_MEMBER_EMAIL = "hidden.member@example.org"

ROLES = (
    "anonymous",
    "stranger",
    "owner",
    "member",
    "org_admin",
    "reviewer_assigned",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "editor",
    "staff_reviewer",
)


def create_double_tables():
    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in DOUBLES:
            if model._meta.db_table not in existing:
                editor.create_model(model)
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*DOUBLES)


def make_user(email, *, totp=False, **fields):
    User = get_user_model()
    user = User.objects.create_user(
        username=email.split("@")[0][:30] + str(User.objects.count()),
        email=email,
        password=PASSWORD,
        **fields,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


def home_page():
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage

    site = Site.objects.get(is_default_site=True)
    if isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="home-proof", locale=Locale.get_default())
    )
    site.root_page = home
    site.save()
    return home


def consultation(home=None, *, title="Recognition of qualifications", **fields):
    from consultations.demo_questionnaire import recognition_questionnaire
    from consultations.models import ConsultationIndexPage, ConsultationPage

    home = home or home_page()
    index = ConsultationIndexPage.objects.child_of(home).first() or home.add_child(
        instance=ConsultationIndexPage(title="Consultations", slug="consultations")
    )
    now = timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=1))
    fields.setdefault("closes_at", now + timedelta(days=1))
    page = index.add_child(
        instance=ConsultationPage(
            title=title,
            slug=fields.pop("slug", "recognition"),
            intro="How should qualifications from abroad be recognised?",
            questionnaire=recognition_questionnaire(),
            **fields,
        )
    )
    page.save_revision().publish()
    return page


@dataclass
class World:
    users: dict = field(default_factory=dict)
    ns: SimpleNamespace = field(default_factory=SimpleNamespace)

    def __getattr__(self, name):
        return getattr(self.ns, name)


def build_world() -> World:
    """Every party, an open consultation with an individual answer and an organisation's
    draft, a review process with one item, and a generated document."""
    from consultations import services as consultation_services
    from consultations.demo_questionnaire import qid
    from consultations.models import Response
    from participation.documents.models import GeneratedDocument
    from participation.organisations.models import Invitation, Membership, Organisation
    from participation.questionnaire.export import snapshot
    from participation.questionnaire.structure import parse
    from participation.review import services as review
    from participation.review.models import Criterion, Phase, ReviewProcess
    from participation.submissions.services import start_or_resume

    world = World()
    u = world.users
    u["stranger"] = make_user("stranger@example.org", display_name="Stranger Sam")
    u["owner"] = make_user(OWNER_EMAIL, display_name="Owner Olga")
    u["member"] = make_user("member@example.org", display_name="Member Mo")
    u["org_admin"] = make_user("orgadmin@example.org", display_name="Admin Ada")
    u["reviewer_assigned"] = make_user("rev.a@example.org", totp=True, display_name="Rev A")
    u["reviewer_unassigned"] = make_user("rev.u@example.org", totp=True, display_name="Rev U")
    u["reviewer_conflicted"] = make_user("rev.c@example.org", totp=True, display_name="Rev C")
    u["editor"] = make_user(
        "editor@example.org", totp=True, is_staff=True, is_superuser=True, display_name="Ed"
    )
    # An editor (superuser) who also sits on the expert call's committee and the first award
    # jury: wherever they review, they see what a reviewer sees (issue 16.2).
    u["staff_reviewer"] = make_user(
        "staff.rev@example.org", totp=True, is_staff=True, is_superuser=True, display_name="Sr"
    )

    org = Organisation.objects.create(
        name="Migrant Voices",
        slug="migrant-voices",
        verified=True,
        country="DE",
        kind=Organisation.Kind.MIGRANT_LED,
    )
    Membership.objects.create(organisation=org, user=u["org_admin"], role=Membership.Role.ADMIN)
    Membership.objects.create(organisation=org, user=u["member"])
    hidden = make_user(OTHER_ORG_MEMBER_EMAIL, display_name="Hidden Hana")
    Membership.objects.create(organisation=org, user=hidden)
    invitation = Invitation.objects.create(
        organisation=org,
        email="invitee@example.org",
        invited_by=u["org_admin"],
        expires_at=timezone.now() + timedelta(days=7),
    )

    page = consultation()
    snap = snapshot(parse(page.questionnaire))
    proposal = qid("proposal")
    mine, _ = start_or_resume(
        Response,
        "consultation",
        page,
        u["owner"],
        None,
        respondent_type="individual",
        country="DE",
    )
    Response.objects.filter(pk=mine.pk).update(
        answers={
            qid("applied"): {"choice": "yes"},
            qid("outcome"): {"choice": "partial"},
            proposal: {"text": OWNER_ANSWER},
            qid("consent"): {"checked": True},
        },
        questionnaire_snapshot=snap,
    )
    mine.refresh_from_db()
    mine = consultation_services.submit_response(mine, u["owner"], "none", False)
    draft, _ = start_or_resume(
        Response,
        "consultation",
        page,
        u["org_admin"],
        org,
        respondent_type="organisation",
        country="DE",
    )
    Response.objects.filter(pk=draft.pk).update(
        answers={proposal: {"text": ORG_DRAFT_ANSWER}}, questionnaire_snapshot=snap
    )

    call = CallDouble.objects.create(name="Expert call")
    now = timezone.now()
    process = ReviewProcess.objects.create(
        name="Migrant Expert Group",
        item_noun="Application",
        blind=True,
        identifying_fields=["website"],
        reviews_per_item=2,
        seats=2,
        owner=call,
    )
    phase = Phase.objects.create(
        process=process,
        kind="scoring",
        position=0,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    Criterion.objects.create(
        process=process,
        key="relevance",
        name="Relevance",
        scale_min=0,
        scale_max=5,
        weight=1,
        position=0,
    )
    reviewers = {
        role: review.add_reviewer(process, u[role], u["editor"])
        for role in ("reviewer_assigned", "reviewer_unassigned", "reviewer_conflicted")
    }
    application = ApplicationDouble.objects.create(
        call=call,
        applicant_name="Nadia Haddad",
        motivation=APPLICANT_TEXT,
        experience="Ten years",
        themes=["employment"],
    )
    item = review.sync_item(process, application)
    assignment = review.add_assignment(phase, item, reviewers["reviewer_assigned"], u["editor"])
    review.add_assignment(phase, item, reviewers["reviewer_conflicted"], u["editor"])
    review.declare_conflict(item, reviewers["reviewer_conflicted"], "personal", "my cousin")
    review.declare_conflict(item, reviewers["reviewer_assigned"], "none")

    document = GeneratedDocument(
        kind="documents.specimen",
        params={},
        requested_by=u["owner"],
        status=GeneratedDocument.Status.DONE,
        filename="specimen.pdf",
        content_type="application/pdf",
    )
    document.file.save(
        "specimen.pdf", ContentFile(b"%PDF-1.7\n" + OWNER_ANSWER.encode()), save=False
    )
    document.size = document.file.size
    document.save()

    world.ns = SimpleNamespace(
        org=org,
        page=page,
        mine=mine,
        draft=draft,
        process=process,
        phase=phase,
        item=item,
        assignment=assignment,
        reviewers=reviewers,
        document=document,
        invitation=invitation,
        hidden=hidden,
    )
    add_expert_call_and_award(world)
    return world


EXPERT_TEXT = "EXPERT-APPLICATION-MOTIVATION-3c1e"
NOMINATION_TEXT = "NOMINATION-DESCRIPTION-8a2f"
CV_TEXT = "EXPERT-CV-PRIVATE-FILE-51d0"
EVIDENCE_TEXT = "NOMINATION-EVIDENCE-PRIVATE-FILE-9e47"


def add_expert_call_and_award(world) -> None:
    """The expert call (an application by the owner) and the award (a nomination by the owner,
    a jury per category: the assigned reviewer judges the first category, the unassigned one
    the second, so each must not read the other's)."""
    from django.core.files.base import ContentFile

    from awards import services as awards
    from awards.models import DEFAULT_CATEGORIES, AwardCategory, AwardEditionPage, AwardIndexPage
    from expertgroup import services as experts
    from expertgroup.models import (
        Application,
        EligibilityCriterion,
        ExpertCallIndexPage,
        ExpertCallPage,
        SensitiveDeclaration,
    )
    from participation.files.storage import private
    from participation.review import services as review

    u, home, now = world.users, home_page(), timezone.now()
    index = home.add_child(instance=ExpertCallIndexPage(title="Experts", slug="experts"))
    call = index.add_child(
        instance=ExpertCallPage(
            title="Migrant Expert Group 2027",
            slug="meg-2027",
            intro="24 experts.",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=10),
            seats=3,
            questionnaire=[],
        )
    )
    EligibilityCriterion.objects.create(page=call, key="residence", text="Lives in the EU")
    call.save_revision().publish()
    call.refresh_from_db()
    application, _ = experts.start_application(call, u["owner"])
    Application.objects.filter(pk=application.pk).update(
        full_name="Owner Olga",
        profile_type="academia",
        country="DE",
        motivation=EXPERT_TEXT,
        experience="Ten years.",
        cv=private.save("expertgroup/cv.pdf", ContentFile(b"%PDF-1.4 " + CV_TEXT.encode())),
        public_profile_consent=False,
    )
    SensitiveDeclaration.objects.create(
        application=application,
        gender="woman",
        migrant_background="first_generation",
        nationalities=["SY"],
    )

    award_index = home.add_child(instance=AwardIndexPage(title="Award", slug="award"))
    edition = award_index.add_child(
        instance=AwardEditionPage(
            title="Integration Award 2026",
            slug="award-2026",
            intro="Honouring integration.",
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=20),
        )
    )
    for position, (_key, name) in enumerate(DEFAULT_CATEGORIES):
        AwardCategory.objects.create(
            page=edition, name=str(name), sort_order=position, criteria="Impact"
        )
    first, second = list(edition.categories.all())[:2]
    from awards.models import Nomination, NominationFile

    nomination = awards.start(edition, u["owner"], category=first, kind=Nomination.Kind.SELF)
    nomination = awards.save(
        nomination,
        u["owner"],
        {
            "nominee_name": "Football for All",
            "description": NOMINATION_TEXT,
            "results": "120 young people.",
            "contact_email": "coach@club.example",
            "contact_name": "Coach",
        },
        nomination.version,
    )
    nomination = awards.submit(nomination, u["owner"])
    # Evidence in the private storage (as add_file stores it; the file's checks are tested apart).
    evidence = NominationFile(
        nomination=nomination,
        kind=NominationFile.Kind.EVIDENCE,
        original_name="report.html",
        content_type="application/pdf",
        extension=".pdf",
        uploaded_by=u["owner"],
    )
    evidence.file.save("upload.pdf", ContentFile(b"%PDF-1.4 " + EVIDENCE_TEXT.encode()))
    for category in (first, second):
        awards.import_nominations(category, u["editor"])
        category.refresh_from_db()
    review.add_reviewer(first.review_process, u["reviewer_assigned"], u["editor"])
    review.add_reviewer(second.review_process, u["reviewer_unassigned"], u["editor"])
    world.ns.call, world.ns.application = call, application
    world.ns.edition, world.ns.nomination = edition, nomination
    world.ns.nomination_file = evidence
    world.ns.first_category, world.ns.second_category = first, second
    add_committee_and_jury_documents(world)


def add_committee_and_jury_documents(world) -> None:
    """Issue 16.1/16.2 parties: the call's blind committee (the conflicted reviewer declared a
    conflict with the owner's application; the staff reviewer sits on it), the conflicted
    reviewer on the first jury (a conflict with the owner's nomination, declared after their
    booklet was built), and stored documents: the editors' dossier and booklet, and the
    conflicted juror's booklet from before the conflict. Stored as marked files (what they
    hold is the builders' tests' business; who gets them is the matrix's)."""
    from expertgroup import services as experts
    from participation.documents.registry import get
    from participation.review import services as review
    from participation.review.models import Reviewer

    u, first = world.users, world.first_category
    process = experts.ensure_process(world.call, u["editor"])
    item = review.sync_item(process, world.application)
    committee = {
        role: review.add_reviewer(process, u[role], u["editor"])
        for role in ("reviewer_assigned", "reviewer_conflicted")
    }
    # add_reviewer refuses someone who may open special-category data; a seat taken before
    # that rule (or the permission granted after) is refused at reading time.
    Reviewer.objects.create(process=process, user=u["staff_reviewer"])
    review.declare_conflict(item, committee["reviewer_conflicted"], "personal", "my sister")

    jury = first.review_process
    conflicted_juror = review.add_reviewer(jury, u["reviewer_conflicted"], u["editor"])
    review.add_reviewer(jury, u["staff_reviewer"], u["editor"])
    phase = jury.phases.order_by("position").first()
    nomination_item = review.sync_item(jury, world.nomination)
    base = {"category": first.pk, "phase": phase.pk, "lang": "en"}
    booklets = {
        "editors": _stored("awards.jury_booklet", base, u["editor"], NOMINATION_TEXT),
        "conflicted": _stored(
            "awards.jury_booklet",
            {**base, "viewer": conflicted_juror.pk},
            u["reviewer_conflicted"],
            NOMINATION_TEXT,
        ),
    }
    review.declare_conflict(nomination_item, conflicted_juror, "personal", "my club")
    dossier = _stored(
        "expertgroup.dossier", {"call": world.call.pk, "lang": "en"}, u["editor"], EXPERT_TEXT
    )
    assert get("expertgroup.dossier")  # registered
    world.ns.expert_process, world.ns.expert_item = process, item
    world.ns.committee = committee
    world.ns.booklets, world.ns.dossier = booklets, dossier


def _stored(kind_name, params, requester, marker):
    """A finished document of ``kind_name`` as the engine would have stored it for
    ``requester`` at this moment (its fingerprint of now), holding ``marker``."""
    from participation.documents.models import GeneratedDocument
    from participation.documents.registry import get

    kind = get(kind_name)
    params = kind.clean_params(dict(params))
    document = GeneratedDocument(
        kind=kind.name,
        params=params,
        fingerprint=kind.compute_fingerprint(params),
        requested_by=requester,
        status=GeneratedDocument.Status.DONE,
        filename="document.pdf",
        content_type="application/pdf",
    )
    document.file.save("document.pdf", ContentFile(b"%PDF-1.7\n" + marker.encode()), save=False)
    document.size = document.file.size
    document.save()
    return document
