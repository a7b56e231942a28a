"""What happened to a draft, in words a respondent understands (the audit trail keeps codes)."""

from collections.abc import Mapping

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHOWN_QUESTIONS = 3  # more than this: "and N more"


def describe(event, labels: Mapping[str, str]) -> str:
    """One line for an audit event of a submission; ``labels``: question id -> its label."""
    data = event.data or {}
    if event.action == "draft.saved":
        changed = [labels.get(key, "") for key in data.get("changed") or []]
        if changed:
            return _changed_answers([label for label in changed if label], len(changed))
        return _("changed the details (language, country or reminders)")
    known = {
        "started": _("started the draft"),
        "submitted": _("submitted it"),
        "reopened": _("reopened it to make changes"),
        "withdrawn": _("withdrew it"),
    }
    if event.action == "submitted" and data.get("receipt"):
        return _("submitted it (receipt %(receipt)s)") % {"receipt": data["receipt"]}
    return known.get(event.action, event.action)


def _changed_answers(labels: list[str], count: int) -> str:
    quoted = [format_lazy("“{}”", label) for label in labels[:SHOWN_QUESTIONS]]
    if not quoted:  # questions removed since: only their number is known
        return ngettext("changed %(count)s answer", "changed %(count)s answers", count) % {
            "count": count
        }
    listed = ", ".join(str(q) for q in quoted)
    more = count - len(quoted)
    if more > 0:
        return ngettext(
            "changed the answer to %(questions)s and %(more)s other question",
            "changed the answers to %(questions)s and %(more)s other questions",
            more,
        ) % {"questions": listed, "more": more}
    return ngettext(
        "changed the answer to %(questions)s",
        "changed the answers to %(questions)s",
        len(quoted),
    ) % {"questions": listed}
