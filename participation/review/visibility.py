"""Who may see what of a review process: THE one function every page, document, export and
listing that shows review items asks (``visibility``), and the checks built on it.

The rules, in order:

- An active reviewer of the process sees it as a reviewer, whatever other role they hold (staff,
  editor, superuser): never the items they have a conflict with (declared or automatic, unless
  waived), never identity in a blind process, never special-category data. A reviewer does not
  manage the process they review: the editors' pages, reports and exports of that process (which
  show every item, names and all) refuse them.
- Someone else who may manage this process (``rules.can_manage_process``: the permission and edit
  rights on its call or edition) sees every item, with identity; special-category data only if
  the process's owner says they hold its permission.
- Anyone else sees nothing.

A builder of a booklet or dossier never selects items on its own: it asks ``visible_items``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import labels, rules
from .models import Reviewer, ReviewItem, ReviewProcess


@dataclass(frozen=True)
class Visibility:
    """What one person may see of one process. Built only by :func:`visibility`."""

    process_id: int
    reviewer: Reviewer | None = None
    manages: bool = False  # sees every item (an editor who does not review this process)
    hidden: frozenset[int] = field(default_factory=frozenset)  # item ids withheld
    identity: bool = False  # titles, organisations, people, identifying fields
    special_category: bool = False

    @property
    def is_reviewer(self) -> bool:
        return self.reviewer is not None

    @property
    def sees_items(self) -> bool:
        return self.manages or self.is_reviewer

    def may_see(self, item) -> bool:
        item_id = getattr(item, "pk", item)
        return self.sees_items and item_id not in self.hidden

    def filter(self, items):
        """Items (a queryset or an iterable of items) cut down to what this person may see."""
        if not self.sees_items:
            return items.none() if hasattr(items, "none") else []
        if hasattr(items, "exclude"):
            return items.exclude(pk__in=self.hidden) if self.hidden else items
        return [item for item in items if item.pk not in self.hidden]

    def key(self) -> list:
        """What a cached document built for this person depends on (its fingerprint part)."""
        return [
            self.process_id,
            self.reviewer.pk if self.reviewer else None,
            self.manages,
            sorted(self.hidden),
            self.identity,
            self.special_category,
        ]


def active_reviewer(user, process) -> Reviewer | None:
    process_id = getattr(process, "pk", process)
    if not getattr(user, "is_authenticated", False) or not process_id:
        return None
    return (
        Reviewer.objects.select_related("process", "user")
        .filter(process_id=process_id, user=user, active=True)
        .first()
    )


def special_category_permission(process: ReviewProcess, user) -> str:
    """The name of the permission by which ``user`` may open the special-category data of the
    process's items ("" if they may not). The process's owner decides, with an optional
    ``review_special_category_permission(user) -> str`` (the expert call has one)."""
    owner = process.owner
    if owner is None or not getattr(user, "is_authenticated", False):
        return ""
    method = getattr(owner, "review_special_category_permission", None)
    return str(method(user) or "") if callable(method) else ""


def visibility(user, process: ReviewProcess) -> Visibility:
    """THE answer to "what of this process may ``user`` see?" (see the module's rules)."""
    reviewer = active_reviewer(user, process)
    if reviewer is not None:
        return _as_reviewer(process, reviewer)
    if getattr(user, "is_authenticated", False) and rules.can_manage_process(user, process):
        return Visibility(
            process_id=process.pk,
            manages=True,
            identity=True,
            special_category=bool(special_category_permission(process, user)),
        )
    return Visibility(process_id=process.pk)


def _as_reviewer(process, reviewer) -> Visibility:
    from .services import conflict_map

    blocked = conflict_map(process, reviewer_ids=[reviewer.pk]).blocked
    return Visibility(
        process_id=process.pk,
        reviewer=reviewer,
        hidden=frozenset(item_id for item_id, _reviewer in blocked),
        identity=not process.blind,
    )


def visible_items(user, process: ReviewProcess, items=None):
    """The items of ``process`` (or of ``items``) that ``user`` may see."""
    if items is None:
        items = ReviewItem.objects.filter(process=process)
    return visibility(user, process).filter(items)


def manages(user, process) -> bool:
    """Whether ``user`` may use the editors' pages, reports and exports of ``process``: an editor
    of review processes who does not review this one."""
    if process is None:
        return False
    return bool(rules.can_manage_process(user, process) and active_reviewer(user, process) is None)


def reviewed_processes(user):
    """Ids of the processes ``user`` is an active reviewer of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Reviewer.objects.filter(user=user, active=True).values_list("process_id", flat=True))


def refuse_reviewer_who_sees_special_category(process: ReviewProcess, user):
    """Raise ReviewError if ``user`` may open the process's special-category data: reviewers
    never do, so such a person cannot be made one (editors who need the data stay out)."""
    from .services import ReviewError

    permission = special_category_permission(process, user)
    if permission:
        raise ReviewError(
            _(
                "%(name)s may open the applicants' special-category data of this process "
                "(permission “%(permission)s”), and reviewers never see those data. Take that "
                "permission away from them first, or choose another reviewer."
            )
            % {"name": user.colleague_name, "permission": permission}
        )


# --- documents built for one person ------------------------------------------------------------
#
# A document that shows items (a jury booklet, a dossier) is built for an audience: the editors
# (no ``viewer`` parameter: every item) or one reviewer (``viewer``: their reviewer id; only what
# they may see). The parameter is checked against the person asking, and the viewer's visible
# set is part of the fingerprint, so a conflict declared later means a new document; the one
# built before is no longer served to them (``may_serve``).


def clean_viewer(params) -> int | None:
    from django.core.exceptions import ValidationError

    text = str(params.get("viewer") or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise ValidationError(_("Invalid viewer."))
    return int(text)


def viewer_params(user, process) -> dict:
    """The ``viewer`` parameter a page puts in its request form for ``user``."""
    reviewer = active_reviewer(user, process) if process is not None else None
    return {"viewer": reviewer.pk} if reviewer is not None else {}


def for_viewer(process: ReviewProcess, viewer: int | None) -> Visibility:
    """What a document built for ``viewer`` (None: the editors) may hold."""
    if viewer is None:
        return Visibility(process_id=process.pk, manages=True, identity=True)
    reviewer = (
        Reviewer.objects.select_related("user")
        .filter(pk=viewer, process=process, active=True)
        .first()
    )
    if reviewer is None:
        return Visibility(process_id=process.pk)  # nothing: no longer a reviewer
    return _as_reviewer(process, reviewer)


def may_use_as(user, process, viewer: int | None) -> bool:
    """Whether ``user`` may ask for, or open, a document built for ``viewer``: a reviewer only
    their own; an editor who does not review the process, the editors' one or any reviewer's."""
    if process is None:
        return False
    reviewer = active_reviewer(user, process)
    if reviewer is not None:
        return viewer == reviewer.pk
    return rules.can_manage_process(user, process)


def may_serve(user, process, document) -> bool:
    """The documents engine's last check before a stored document is shown or served (the
    requester included): the person may still use it, and a reviewer's copy still matches
    what they may see now (else they ask again and get one without the withdrawn items)."""
    from participation.documents.registry import get

    if process is None:
        return False
    viewer = document.params.get("viewer")
    reviewer = active_reviewer(user, process)
    if reviewer is None:  # an editor of the process: the editors' copy or any reviewer's
        return rules.can_manage_process(user, process)
    if viewer != reviewer.pk:
        return False
    return document.fingerprint == get(document.kind).compute_fingerprint(document.params)


def reviewer_documents(user) -> list[tuple]:
    """(process, label, kind, params) of the documents the processes ``user`` reviews offer
    them (the owner's optional ``review_documents(user)``), each built for them alone."""
    found = []
    reviewers = list(
        Reviewer.objects.filter(user=user, active=True)
        .select_related("process")
        .order_by("process__name", "process_id")
    )
    labels.share_processes(reviewers)  # owners in one query per owner type, names translated
    for reviewer in reviewers:
        owner = reviewer.process.owner
        method = getattr(owner, "review_documents", None)
        for label, kind, params in method(user) if callable(method) else ():
            found.append((reviewer.process, label, kind, params))
    return found
