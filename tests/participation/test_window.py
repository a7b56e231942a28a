from datetime import UTC, datetime, timedelta

from participation.calls.window import WindowState, accepts_submission, window_state

OPENS = datetime(2026, 3, 1, 9, tzinfo=UTC)
CLOSES = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
GRACE = timedelta(minutes=30)


def test_window_state_before_during_after():
    assert window_state(OPENS, CLOSES, OPENS - timedelta(seconds=1)) is WindowState.FORTHCOMING
    assert window_state(OPENS, CLOSES, OPENS) is WindowState.OPEN
    assert window_state(OPENS, CLOSES, CLOSES) is WindowState.CLOSED
    assert window_state(None, None, CLOSES) is WindowState.OPEN


def test_grace_accepts_only_drafts_started_before_the_close():
    after = CLOSES + timedelta(minutes=10)
    assert accepts_submission(
        OPENS, CLOSES, GRACE, after, draft_started_at=CLOSES - timedelta(hours=1)
    )
    assert not accepts_submission(
        OPENS, CLOSES, GRACE, after, draft_started_at=CLOSES + timedelta(minutes=1)
    )
    assert not accepts_submission(OPENS, CLOSES, GRACE, after)
    too_late = CLOSES + GRACE
    assert not accepts_submission(OPENS, CLOSES, GRACE, too_late, draft_started_at=OPENS)
    assert not accepts_submission(
        OPENS, CLOSES, GRACE, OPENS - timedelta(days=1), draft_started_at=OPENS
    )
