"""What an upload is, from its content: kept here for the questionnaire's imports; the checks
themselves live once in :mod:`participation.files`."""

from participation.files.kinds import (  # noqa: F401
    DOCX,
    FAMILIES,
    FAMILY_CHOICES,
    JPEG,
    ODT,
    PDF,
    PNG,
    WEBP,
    FileKind,
    FileRefused,
    sniff,
)
