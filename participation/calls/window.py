"""A call's window: when it opens, when it closes, and a grace period for work already started.

Plain functions over plain values, so every plugin and every test uses the same rules.
"""

from datetime import datetime, timedelta
from enum import StrEnum


class WindowState(StrEnum):
    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSED = "closed"


def window_state(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> WindowState:
    if opens_at and now < opens_at:
        return WindowState.FORTHCOMING
    if closes_at and now >= closes_at:
        return WindowState.CLOSED
    return WindowState.OPEN


def accepts_submission(
    opens_at: datetime | None,
    closes_at: datetime | None,
    grace: timedelta,
    now: datetime,
    draft_started_at: datetime | None = None,
) -> bool:
    """Open windows accept everything. After the close, a draft started before it may still be
    sent during the grace period, so a rush at the deadline (or a slow upload) loses nothing."""
    state = window_state(opens_at, closes_at, now)
    if state is WindowState.OPEN:
        return True
    if state is WindowState.FORTHCOMING or closes_at is None:
        return False
    return bool(draft_started_at and draft_started_at < closes_at and now < closes_at + grace)
