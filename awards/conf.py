"""The app's settings, each ``PARTICIPATION_AWARDS_<NAME>``, with their defaults in one place."""

from participation.conf import read

DEFAULTS = {
    # Accounts created less than this many days before the public vote opened do not vote;
    # None: any verified account votes (see services.voter_cutoff).
    "VOTER_MIN_ACCOUNT_AGE_DAYS": 0,
}


def get(name: str):
    return read("PARTICIPATION_AWARDS_", DEFAULTS, name)
