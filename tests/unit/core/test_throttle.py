"""The throttle's rule (core.throttle.decide), pure: a back-off and a fixed-window limit."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.core.throttle import Policy, State, address_key, decide, make_key

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BACKOFF = Policy(limit=3, window=15 * MINUTE, backoff=MINUTE, max_backoff=5 * MINUTE)
LIMIT = Policy(limit=2, window=10 * MINUTE)


def run(policy: Policy, moments: list[timedelta]) -> list[tuple[bool, int]]:
    """Attempts at T0 + each moment: (allowed, seconds to wait when refused)."""
    state, answers = State(), []
    for moment in moments:
        decision, new_state = decide(policy, state, T0 + moment)
        answers.append((decision.allowed, int(decision.retry_after.total_seconds())))
        state = new_state or state
    return answers


def test_the_back_off_starts_at_the_limit_and_doubles_up_to_the_cap():
    s = timedelta(seconds=1)
    answers = run(BACKOFF, [0 * s, 1 * s, 2 * s,  # three free, the third sets 1 min
                            30 * s,  # refused, not counted
                            62 * s,  # allowed: sets 2 min
                            63 * s, 183 * s,  # refused 119 s; allowed: sets 4 min
                            424 * s,  # allowed: 8 min, capped at 5
                            425 * s])
    assert answers == [(True, 0), (True, 0), (True, 0), (False, 32), (True, 0), (False, 119),
                       (True, 0), (True, 0), (False, 299)]


def test_refused_attempts_do_not_lengthen_the_back_off():
    policy = BACKOFF
    state = State()
    for second in range(3):
        state = decide(policy, state, T0 + timedelta(seconds=second))[1]
    for second in range(3, 50):
        decision, unchanged = decide(policy, state, T0 + timedelta(seconds=second))
        assert not decision.allowed and unchanged is None
    assert state.count == 3


def test_a_back_off_is_forgotten_a_window_after_the_block_ends():
    state = State()
    for second in range(3):
        state = decide(BACKOFF, state, T0 + timedelta(seconds=second))[1]
    later = state.blocked_until + BACKOFF.window + timedelta(seconds=1)
    decision, fresh = decide(BACKOFF, state, later)
    assert decision.allowed and fresh.count == 1 and fresh.blocked_until is None


def test_a_fixed_window_limit_refuses_until_the_window_ends():
    s = timedelta(seconds=1)
    answers = run(LIMIT, [0 * s, 10 * s, 20 * s, 599 * s, 600 * s, 601 * s, 602 * s])
    assert answers == [(True, 0), (True, 0), (False, 580), (False, 1), (True, 0), (True, 0),
                       (False, 598)]


def test_retry_after_rounds_up():
    decision = decide(LIMIT, State(5, None, T0 + timedelta(seconds=61.2)), T0)[0]
    assert decision.retry_after_seconds == 62 and decision.retry_after_minutes == 2


@pytest.mark.parametrize("policy", [dict(limit=0, window=MINUTE), dict(limit=1, window=0 * MINUTE),
                                    dict(limit=1, window=MINUTE, backoff=2 * MINUTE,
                                         max_backoff=MINUTE)])
def test_impossible_policies_are_refused(policy):
    with pytest.raises(ValueError):
        Policy(**policy)


def test_keys_are_normalised_and_bounded():
    assert make_key("login:account", "  An@Example.VN ") == "login:account:an@example.vn"
    long = make_key("login:account", "a" * 500)
    assert len(long) <= 200 and long.startswith("login:account:sha256:")
    assert long != make_key("login:account", "a" * 499)


@pytest.mark.parametrize("address, counted", [
    ("203.0.113.7", "203.0.113.7"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("unknown", "unknown"),
])
def test_an_ipv6_client_is_counted_by_its_64(address, counted):
    assert address_key("login:address", address) == f"login:address:{counted}"
