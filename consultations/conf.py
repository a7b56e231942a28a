"""The app's settings, each ``PARTICIPATION_CONSULTATIONS_<NAME>``, with their defaults in one
place."""

from participation.conf import read

DEFAULTS = {
    # Importing answers from a spreadsheet (consultations.importing).
    "IMPORT_MAX_BYTES": 50 * 1024 * 1024,  # a 50,000-row CSV of five questions is about 10 MB
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_INLINE_BYTES": 512 * 1024,  # larger files are checked and imported in the background
    "IMPORT_CHUNK": 1000,  # rows per INSERT
    "IMPORT_LISTED_ERRORS": 1000,  # rejected rows kept with their reasons
}


def get(name: str):
    return read("PARTICIPATION_CONSULTATIONS_", DEFAULTS, name)
