"""The project's rate limits are allauth's limiter with rates in settings; a missing or
diverging rate stops the start (a limit without a rate would let everything through)."""

from participation import limits


def test_limits_check_passes_with_the_shipped_settings():
    assert limits.check_rates() == []


def test_limits_check_refuses_a_missing_rate(settings):
    settings.PARTICIPATION_RATE_LIMITS = {
        k: v for k, v in settings.PARTICIPATION_RATE_LIMITS.items() if k != limits.AUDIENCE_VOTE
    }
    assert [e.id for e in limits.check_rates()] == ["participation.E101"]


def test_limits_check_refuses_a_rate_allauth_does_not_see(settings):
    settings.PARTICIPATION_RATE_LIMITS = {
        **settings.PARTICIPATION_RATE_LIMITS,
        limits.RELAYED_EMAIL: "1/d/key,5/d/user",
    }
    errors = limits.check_rates()
    assert [e.id for e in errors] == ["participation.E102"]
    assert "ACCOUNT_RATE_LIMITS['participation_relayed_email']" in errors[0].msg
