"""Reading the apps' settings: each ``PARTICIPATION_<APP>_<NAME>``, with its default in the app's
``conf.py`` (one place per app; the README's *Settings* table lists them all).

A setting renamed into the prefix is still read under its old name for one release, when the
new one is not set; a deprecation warning names the new one.
"""

import warnings

from django.conf import settings

_UNSET = object()


def read(prefix: str, defaults: dict, name: str, renamed: dict | None = None):
    """``settings.<prefix><name>``, else its old name in ``renamed``, else ``defaults[name]``.
    A setting set to None is set (None may mean "off")."""
    value = getattr(settings, f"{prefix}{name}", _UNSET)
    if value is not _UNSET:
        return value
    old = (renamed or {}).get(name)
    value = getattr(settings, old, _UNSET) if old else _UNSET
    if value is not _UNSET:
        warnings.warn(
            f"The setting {old} is now {prefix}{name}; the old name is read until the next "
            "release.",
            DeprecationWarning,
            stacklevel=3,
        )
        return value
    return defaults[name]
