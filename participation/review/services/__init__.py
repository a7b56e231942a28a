"""The review engine's rules: every change goes through these functions; views and tests call them.

One module per concern, every public name importable from here as before:

* :mod:`.errors` - the refusals (``ReviewError`` and its kinds).
* :mod:`.items` - items taken in from the plugins, phases' items, reviewers.
* :mod:`.conflicts` - conflicts of interest: declared, automatic, waived.
* :mod:`.assignment` - who reviews what (automatic and manual).
* :mod:`.access` - a reviewer's access to an item and what they are shown of it (blind mode is
  enforced there and nowhere else).
* :mod:`.scoring` - criteria, scores, drafts and submitted reviews.
* :mod:`.workspace` - the reviewer's own list of assignments.
* :mod:`.results` - aggregation and bootstrap of a phase; moving a shortlist on.
* :mod:`.selection` - selection under quotas: runs, applying them, relaxing quotas.

Everything that matters is written to the audit trail with the process as its target, so one
query reads a process's whole history (``participation.audit.services.history(process)``).
"""

# The models and pure algorithms were importable from the single module this package replaces;
# callers still reach them here (``review.ReviewItem``, ``review.algorithms``).
from .. import algorithms, labels, reasons
from ..models import (
    Assignment,
    ConflictDeclaration,
    ItemStatus,
    Phase,
    Quota,
    Review,
    Reviewer,
    ReviewItem,
    ReviewProcess,
    SelectionRun,
    Waiver,
)
from .access import (
    REDACTED,
    ItemAccess,
    ItemView,
    access,
    declaration_view,
    item_view,
    other_reviews,
    reviewer_of,
    subjects_of,
)
from .assignment import (
    AssignmentOutcome,
    add_assignment,
    assign_reviewers,
    remove_assignment,
)
from .conflicts import (
    AUTOMATIC_ORGANISATION,
    AUTOMATIC_PERSON,
    ConflictMap,
    automatic_reason_label,
    conflict_map,
    declare_conflict,
    grant_waiver,
    pair_conflict,
    revoke_waiver,
)
from .errors import (
    ConflictOfInterest,
    NotAssigned,
    PhaseClosed,
    ReviewEditConflict,
    ReviewError,
    ScoreError,
)
from .items import (
    add_reviewer,
    first_phase,
    import_items,
    next_phase,
    phase_items,
    remove_reviewer,
    set_item_status,
    sync_item,
    update_reviewer,
)
from .results import (
    PhaseResults,
    ResultRow,
    advance,
    phase_results,
    results_for_reviewer,
)
from .scoring import (
    check_scores,
    criteria_of,
    parse_score,
    review_total,
    save_review,
)
from .selection import (
    ShownAttribute,
    apply_relaxation,
    apply_selection,
    attribute_labels_of,
    compute_selection,
    rerun_matches,
    run_selection,
    selection_candidates,
    shown_attribute,
)
from .workspace import (
    WorkspacePhase,
    WorkspaceRow,
    workspace,
)

__all__ = [
    "algorithms",
    "labels",
    "reasons",
    "Assignment",
    "ConflictDeclaration",
    "ItemStatus",
    "Phase",
    "Quota",
    "Review",
    "Reviewer",
    "ReviewItem",
    "ReviewProcess",
    "SelectionRun",
    "Waiver",
    "ReviewError",
    "NotAssigned",
    "ConflictOfInterest",
    "PhaseClosed",
    "ReviewEditConflict",
    "ScoreError",
    "first_phase",
    "next_phase",
    "sync_item",
    "import_items",
    "set_item_status",
    "phase_items",
    "add_reviewer",
    "update_reviewer",
    "remove_reviewer",
    "AUTOMATIC_ORGANISATION",
    "AUTOMATIC_PERSON",
    "automatic_reason_label",
    "ConflictMap",
    "conflict_map",
    "pair_conflict",
    "declare_conflict",
    "grant_waiver",
    "revoke_waiver",
    "AssignmentOutcome",
    "assign_reviewers",
    "add_assignment",
    "remove_assignment",
    "ItemAccess",
    "reviewer_of",
    "access",
    "ItemView",
    "REDACTED",
    "subjects_of",
    "item_view",
    "declaration_view",
    "other_reviews",
    "criteria_of",
    "parse_score",
    "check_scores",
    "review_total",
    "save_review",
    "WorkspaceRow",
    "WorkspacePhase",
    "workspace",
    "ResultRow",
    "PhaseResults",
    "phase_results",
    "results_for_reviewer",
    "advance",
    "ShownAttribute",
    "attribute_labels_of",
    "shown_attribute",
    "selection_candidates",
    "compute_selection",
    "run_selection",
    "rerun_matches",
    "apply_selection",
    "apply_relaxation",
]
