"""The private URLs of every plugin, as a table: (area, label, method, url(world), data(world)).

Add a row here when a plugin adds a private URL; its expected statuses go in EXPECTED of
test_security_matrix.py. Expert call and award rows join when those plugins land.
"""

from django.urls import reverse


def _sub(world, route, *args):
    page = world.page
    return page.url + page.reverse_subpage(route, args=args)


def _on(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


def _q(name):
    from consultations.demo_questionnaire import qid

    return qid(name)


URLS = [
    # accounts
    ("accounts", "profile", "GET", lambda w: reverse("accounts:profile"), None),
    ("accounts", "data download", "GET", lambda w: reverse("accounts:download_data"), None),
    ("accounts", "delete account form", "GET", lambda w: reverse("accounts:delete"), None),
    ("accounts", "email addresses", "GET", lambda w: reverse("account_email"), None),
    ("accounts", "two-factor", "GET", lambda w: reverse("mfa_index"), None),
    # organisations
    ("organisations", "register", "GET", lambda w: reverse("organisations:create"), None),
    (
        "organisations",
        "edit",
        "GET",
        lambda w: reverse("organisations:edit", args=[w.org.slug]),
        None,
    ),
    (
        "organisations",
        "members",
        "GET",
        lambda w: reverse("organisations:members", args=[w.org.slug]),
        None,
    ),
    (
        "organisations",
        "invite",
        "POST",
        lambda w: reverse("organisations:invite", args=[w.org.slug]),
        lambda w: {"email": "new.person@example.org", "role": "member"},
    ),
    (
        "organisations",
        "remove a member",
        "POST",
        lambda w: reverse("organisations:member_action", args=[w.org.slug]),
        lambda w: {"action": "remove", "membership": w.org.memberships.get(user=w.hidden).pk},
    ),
    (
        "organisations",
        "revoke invitation",
        "POST",
        lambda w: reverse("organisations:revoke", args=[w.org.slug, w.invitation.pk]),
        lambda w: {},
    ),
    (
        "organisations",
        "delete",
        "POST",
        lambda w: reverse("organisations:delete", args=[w.org.slug]),
        lambda w: {"confirm": "on"},
    ),
    (
        "organisations",
        "invitation (someone else's)",
        "GET",
        lambda w: reverse("organisations:invitation", args=[w.invitation.token]),
        None,
    ),
    # consultations
    ("consultations", "start an answer", "GET", lambda w: _sub(w, "respond_start"), None),
    (
        "consultations",
        "individual answer: step",
        "GET",
        lambda w: _sub(w, "respond_step", w.mine.pk, 0),
        None,
    ),
    (
        "consultations",
        "individual answer: done",
        "GET",
        lambda w: _sub(w, "respond_done", w.mine.pk),
        None,
    ),
    (
        "consultations",
        "individual answer: receipt",
        "GET",
        lambda w: _sub(w, "respond_receipt", w.mine.pk),
        None,
    ),
    (
        "consultations",
        "individual answer: withdraw",
        "POST",
        lambda w: _sub(w, "respond_withdraw", w.mine.pk),
        lambda w: {"confirm": "on"},
    ),
    (
        "consultations",
        "organisation draft: step",
        "GET",
        lambda w: _sub(w, "respond_step", w.draft.pk, 1),
        None,
    ),
    (
        "consultations",
        "organisation draft: save",
        "POST",
        lambda w: _sub(w, "respond_step", w.draft.pk, 1),
        lambda w: {
            "version": w.draft.version,
            "action": "save",
            f"q-{_q('priorities')}": ["time"],
            f"q-{_q('proposal')}": "overwritten",
            f"q-{_q('consent')}": "on",
        },
    ),
    (
        "consultations",
        "organisation draft: review",
        "GET",
        lambda w: _sub(w, "respond_review", w.draft.pk),
        None,
    ),
    (
        "consultations",
        "organisation draft: submit",
        "POST",
        lambda w: _sub(w, "respond_review", w.draft.pk),
        lambda w: {"publication": "named"},
    ),
    # assisted entry (consultations.assisted): the consultation's facilitators only
    ("consultations", "facilitators' page", "GET", lambda w: _sub(w, "assist_start"), None),
    (
        "consultations",
        "individual answer at the facilitators' address",
        "GET",
        lambda w: _sub(w, "assist_step", w.mine.pk, 0),
        None,
    ),
    # documents
    ("documents", "my documents", "GET", lambda w: reverse("documents:list"), None),
    (
        "documents",
        "status",
        "GET",
        lambda w: reverse("documents:status", args=[w.document.public_id]),
        None,
    ),
    (
        "documents",
        "progress",
        "GET",
        lambda w: reverse("documents:progress", args=[w.document.public_id]),
        None,
    ),
    (
        "documents",
        "download",
        "GET",
        lambda w: reverse("documents:download", args=[w.document.public_id]),
        None,
    ),
    # review
    ("review", "workspace", "GET", lambda w: reverse("review:workspace"), None),
    (
        "review",
        "item",
        "GET",
        lambda w: reverse("review:item", args=[w.process.pk, w.item.number]),
        None,
    ),
    (
        "review",
        "score",
        "POST",
        lambda w: reverse("review:item", args=[w.process.pk, w.item.number]),
        lambda w: {"score_relevance": "4", "comments": "ok", "version": "0", "action": "submit"},
    ),
    (
        "review",
        "declare no conflict",
        "POST",
        lambda w: reverse("review:declare", args=[w.process.pk, w.item.number]),
        lambda w: {"kind": "none"},
    ),
    (
        "review",
        "results",
        "GET",
        lambda w: reverse("review:results", args=[w.process.pk, w.phase.pk]),
        None,
    ),
    # expert call
    ("expertgroup", "apply: start", "GET", lambda w: _on(w.call, "apply_start"), None),
    (
        "expertgroup",
        "application: details",
        "GET",
        lambda w: _on(w.call, "apply_details", w.application.pk),
        None,
    ),
    (
        "expertgroup",
        "application: review",
        "GET",
        lambda w: _on(w.call, "apply_review", w.application.pk),
        None,
    ),
    (
        "expertgroup",
        "application: withdraw",
        "POST",
        lambda w: _on(w.call, "apply_withdraw", w.application.pk),
        lambda w: {"confirm": "on"},
    ),
    (
        "expertgroup",
        "application: CV (secretariat)",
        "GET",
        lambda w: reverse(
            "expertgroup_admin:file", args=[w.call.pk, w.application.pk, "cv"]
        ),
        None,
    ),
    # award
    ("awards", "nominate: start", "GET", lambda w: _on(w.edition, "nominate_start"), None),
    (
        "awards",
        "nomination: evidence file",
        "GET",
        lambda w: _on(w.edition, "nominate_file", w.nomination.pk, w.nomination_file.pk),
        None,
    ),
    (
        "awards",
        "nomination: done",
        "GET",
        lambda w: _on(w.edition, "nominate_done", w.nomination.pk),
        None,
    ),
    (
        "awards",
        "nomination: receipt",
        "GET",
        lambda w: _on(w.edition, "nominate_receipt", w.nomination.pk),
        None,
    ),
    (
        "awards",
        "jury notes, first category",
        "GET",
        lambda w: _on(w.edition, "jury_notes", w.first_category.pk),
        None,
    ),
    (
        "awards",
        "jury notes, second category",
        "GET",
        lambda w: _on(w.edition, "jury_notes", w.second_category.pk),
        None,
    ),
    # issue 16.1/16.2: what review items a reviewer reaches through documents and the admin
    (
        "awards",
        "jury booklet, editors' copy",
        "GET",
        lambda w: _download(w.booklets["editors"]),
        None,
    ),
    (
        "awards",
        "jury booklet, conflicted juror's copy from before the conflict",
        "GET",
        lambda w: _download(w.booklets["conflicted"]),
        None,
    ),
    (
        "awards",
        "jury booklet, ask for the editors' copy",
        "POST",
        lambda w: reverse("documents:request", args=["awards.jury_booklet"]),
        lambda w: {"category": w.first_category.pk, "phase": w.booklets["editors"].params["phase"]},
    ),
    (
        "awards",
        "jury booklet, ask for the conflicted juror's copy",
        "POST",
        lambda w: reverse("documents:request", args=["awards.jury_booklet"]),
        lambda w: w.booklets["conflicted"].params,
    ),
    (
        "expertgroup",
        "dossier, editors' copy",
        "GET",
        lambda w: _download(w.dossier),
        None,
    ),
    (
        "expertgroup",
        "dossier, ask for the conflicted member's copy",
        "POST",
        lambda w: reverse("documents:request", args=["expertgroup.dossier"]),
        lambda w: {"call": w.call.pk, "viewer": w.committee["reviewer_conflicted"].pk},
    ),
    (
        "expertgroup",
        "admin: applications",
        "GET",
        lambda w: reverse("expertgroup_admin:call", args=[w.call.pk]),
        None,
    ),
    (
        "expertgroup",
        "admin: application",
        "GET",
        lambda w: reverse("expertgroup_admin:application", args=[w.call.pk, w.application.pk]),
        None,
    ),
    (
        "expertgroup",
        "admin: special-category data",
        "GET",
        lambda w: reverse("expertgroup_admin:sensitive", args=[w.call.pk, w.application.pk]),
        None,
    ),
    (
        "expertgroup",
        "admin: review results of the committee",
        "GET",
        lambda w: reverse(
            "review_admin:results",
            args=[w.expert_process.pk, w.expert_process.phases.first().pk],
        ),
        None,
    ),
]


def _download(document):
    return reverse("documents:download", args=[document.public_id])
