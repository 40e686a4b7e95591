"""Which counter guards which step of getting into an account (the mechanism: core.throttle).

- **The password, per account** — a back-off: ``login_max_failures`` attempts, then 1, 2, 4…
  minutes up to ``login_window_minutes``; a correct password (while not blocked) or a completed
  password reset clears it. Keyed by the e-mail address as typed (normalised), so an address
  without an account behaves exactly like one with an account.
- **The password, per client address** — a rate limit of failed logins, but it never refuses a
  correct password: behind a shared address (an office, a mobile carrier, a misconfigured
  proxy) one person's mistakes must not lock the others out. Over the limit the password is
  still checked; a wrong one gets 429 with Retry-After instead of 422, and a warning naming the
  address goes to the log for the operators.
- **The TOTP code, per account** — its own back-off, cleared only by a correct code: the
  password step never touches it (a stolen password used to reset it and allow 40 guesses a
  minute).
- **Reset mails** — a rate limit per e-mail address as typed and per client address.
"""

from __future__ import annotations

from datetime import timedelta

from portal.config import Config
from portal.core.throttle import Policy, address_key, make_key

FIRST_BACKOFF = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def login_account_key(email: str) -> str:
    return make_key("login:account", email)


def login_address_key(address: str) -> str:
    return address_key("login:address", address)


def totp_key(user_id: int) -> str:
    return make_key("totp:user", str(user_id))


def reset_account_key(email: str) -> str:
    return make_key("reset:account", email)


def reset_address_key(address: str) -> str:
    return address_key("reset:address", address)


def account_backoff(config: Config) -> Policy:
    """For the password and for the TOTP code of one account."""
    longest = timedelta(minutes=config.login_window_minutes)
    return Policy(limit=config.login_max_failures, window=longest,
                  backoff=min(FIRST_BACKOFF, longest), max_backoff=longest)


def login_address_limit(config: Config) -> Policy:
    return Policy(limit=config.login_address_max_failures,
                  window=timedelta(minutes=config.login_window_minutes))


def reset_account_limit(config: Config) -> Policy:
    return Policy(limit=config.reset_max_per_account, window=HOUR)


def reset_address_limit(config: Config) -> Policy:
    return Policy(limit=config.reset_max_per_address, window=HOUR)
