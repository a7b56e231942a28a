"""What a plugin gives the review engine: the one documented override point.

A plugin model that is reviewed (an application, a nomination) implements :class:`Reviewable`,
either as methods on the model itself or in an adapter registered for it::

    class Application(SubmissionBase):
        def review_title(self):                 # shown only when the process is not blind
            return self.user.public_name
        def review_fields(self, blind):         # what reviewers read, in order
            return [ReviewField("motivation", _("Motivation"), self.answers["motivation"]),
                    ReviewField("name", _("Name"), self.user.public_name, identifying=True)]
        def review_organisation(self):          # for automatic conflicts of interest
            return self.organisation
        def review_people(self):                # applicants, nominators, nominees with accounts
            return [self.user]
        def review_tags(self):                  # theme slugs, matched to reviewers' expertise
            return [t.slug for t in self.call.themes.all()]
        def review_languages(self):             # languages the item is written in (optional)
            return [self.language]
        def review_attributes(self):            # for selection quotas; never shown to reviewers
            return {"gender": ..., "region": ...}
        @classmethod
        def review_attribute_labels(cls):       # optional: what editors read for those keys
            return {"gender": AttributeLabels(_("Gender"), {"woman": _("Woman"), ...})}

    # or, for a model you cannot change:
    register_adapter(Nomination, NominationAdapter)  # NominationAdapter(obj) has the methods

The keys and values of ``review_attributes`` are stored identifiers (quotas name them and
selection runs keep them); ``review_attribute_labels``, a classmethod of the model or of its
adapter, gives the words editors read for them in the active language (see
:class:`AttributeLabels`). A key or value without a label is shown as the identifier it is.

A reviewed model may also define a classmethod ``review_queryset(queryset)`` that adds the
``select_related``/``prefetch_related`` its review_* methods need, so that reading many items
(a selection over 400 applications) costs a fixed number of queries.

The owner of a process (a call page, an award category) may implement
``review_subjects(process)``: the objects to review, so editors can import them with one click.
It may also offer, all optional:

- ``review_process_titles(processes, language)``, a classmethod: ``{process.pk: title}`` of the
  given processes (all owned by this model, owners loaded) in ``language``, for those whose
  owner has a translation in it, in a fixed number of queries (reviewers' listings name many
  processes). ``process.label`` reads it; without a title it is the stored ``process.name``,
  marked as the default language's (``participation.review.labels``).
- ``review_owner_queryset(queryset)``, a classmethod: the ``select_related`` its title and
  ``time_zone`` need (an award category reads its edition).
- ``time_zone``: the call's IANA zone name; the process's dates are shown in it.

The engine calls these methods only in :mod:`participation.review.services`; blind mode is
enforced there, in :func:`~participation.review.services.item_view`, whatever the plugin returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class ReviewField:
    """One thing a reviewer reads: a stable ``key``, a ``label`` and a text ``value``.

    ``identifying=True`` marks a field that names or points to a person or organisation; it is
    never shown in blind mode. A process can mark more keys as identifying.
    """

    key: str
    label: Any
    value: Any
    identifying: bool = False


@dataclass(frozen=True)
class AttributeLabels:
    """The words for one attribute of ``review_attributes``: ``label`` names the key
    ("Gender"), ``values`` maps stored values to theirs ({"woman": "Woman"}). Lazy
    translations are welcome: they are read in the editor's language when shown."""

    label: Any
    values: Mapping[str, Any] = field(default_factory=dict)

    def value_label(self, value: str):
        return self.values.get(value, value)


@runtime_checkable
class Reviewable(Protocol):
    def review_title(self) -> str: ...

    def review_fields(self, blind: bool) -> Iterable[ReviewField]: ...

    def review_organisation(self): ...

    def review_people(self) -> Iterable: ...

    def review_tags(self) -> Iterable[str]: ...

    def review_attributes(self) -> Mapping[str, str | Iterable[str]]: ...


_adapters: dict[type, type] = {}


def register_adapter(model: type, adapter: type) -> None:
    """Use ``adapter(instance)`` for instances of ``model`` (and its subclasses)."""
    _adapters[model] = adapter


def unregister_adapter(model: type) -> None:
    _adapters.pop(model, None)


def adapter_for(subject) -> Reviewable:
    """The object that answers the engine's questions about ``subject``."""
    for klass in type(subject).__mro__:
        adapter = _adapters.get(klass)
        if adapter is not None:
            return adapter(subject)
    if isinstance(subject, Reviewable):
        return subject
    raise TypeError(
        f"{type(subject).__name__} cannot be reviewed: implement the review_* methods "
        "(participation.review.interface.Reviewable) or register an adapter for it."
    )


def attribute_labels(model: type | None) -> dict[str, AttributeLabels]:
    """``review_attribute_labels()`` of ``model``'s adapter or of the model itself: {} when it
    offers none (keys and values are then shown as they are stored)."""
    if model is None:
        return {}
    source = next((_adapters[k] for k in model.__mro__ if k in _adapters), model)
    method = getattr(source, "review_attribute_labels", None)
    return dict(method() or {}) if callable(method) else {}


def optional(adapter, name: str, default):
    """Call an optional method of the interface, e.g. ``review_languages``."""
    method = getattr(adapter, name, None)
    return method() if callable(method) else default
