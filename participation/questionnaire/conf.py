"""Settings of the questionnaire engine, with their defaults in one place.

Override any of them in the Django settings with the ``PARTICIPATION_QUESTIONNAIRE_`` prefix.
"""

from django.conf import settings

DEFAULTS = {
    # The largest file an editor may allow for a file-upload question, in megabytes.
    "MAX_UPLOAD_MB": 25,
    # Default length limits of text questions, in characters as people count them.
    "SHORT_TEXT_MAX_LENGTH": 250,
    "LONG_TEXT_MAX_LENGTH": 5000,
    # Length limit of the free text of an "Other" option.
    "OTHER_MAX_LENGTH": 500,
}


def get(name: str):
    return getattr(settings, f"PARTICIPATION_QUESTIONNAIRE_{name}", DEFAULTS[name])
