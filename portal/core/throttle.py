"""Counting attempts: one database-backed throttle for logins, codes, reset mails and lookups.

A *key* names what is counted (``login:account:an@example.vn``, ``lookup:address:1.2.3.4``)
and a ``Policy`` says how. The counters live in the ``throttle`` table, not in process memory,
so every worker and app server behind the load balancer shares them (DESIGN.md §8).

Two kinds of policy, one mechanism:

- a **rate limit** (``backoff`` is None): at most ``limit`` attempts per fixed window;
- a **back-off** (``backoff`` set): ``limit`` attempts are free; the attempt that reaches the
  limit, and each one after it, blocks the key for ``backoff``, doubling every time, up to
  ``max_backoff``. Attempts while the key is blocked are refused without being counted, so
  retrying early never lengthens the wait. The count is forgotten ``window`` after the last
  block ends (or after the last attempt, below the limit).

**Count first, then evaluate.** ``attempt()`` reserves the attempt *before* the caller checks
the password or the code, in one short transaction of its own that holds the key's row lock
(an upsert that locks or creates the row) and commits at once. Thirty simultaneous wrong
passwords therefore take numbers 1…30 one after the other and only the first ``limit`` are
evaluated; counting after the check (read, evaluate, then write) let 18 of 30 through a limit
of 5. The reservation is committed outside the request's unit of work on purpose: a refused or
rolled-back request must still have been counted, and a concurrent request must see it now.

On success the caller gives the reservation back — ``clear()`` (an account proved itself:
forget its failures) or ``forgive()`` (a shared counter such as an address: take back just this
one) — through the request's session, so a success that is rolled back is not forgiven.

Expired rows count as fresh; each fresh start also deletes a batch of long-expired rows, so
the table holds roughly the keys seen in the last window, whatever an attacker sends.

``attempt()`` takes a second pooled connection while the request may hold one: the pool must
be larger than twice the threads of a process (SQLAlchemy's default 5 + 10 overflow covers
gunicorn's ``--threads 4``)."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db

KEY_LENGTH = 200
SWEEP_BATCH = 200


class Throttle(db.Model):
    """One counter per key (see the module docstring)."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After this moment the row counts as fresh (count 0, not blocked); the sweep's index.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class Policy:
    limit: int
    window: timedelta
    backoff: timedelta | None = None
    max_backoff: timedelta | None = None

    def __post_init__(self):
        if self.limit < 1 or self.window <= timedelta(0):
            raise ValueError("a throttle policy needs limit >= 1 and a positive window")
        if self.backoff is not None and (self.backoff <= timedelta(0)
                                         or (self.max_backoff or self.backoff) < self.backoff):
            raise ValueError("a back-off must be positive and not above max_backoff")

    def delay(self, count: int) -> timedelta:
        """The block that the ``count``-th attempt sets (``count`` >= ``limit``)."""
        assert self.backoff is not None
        ceiling = self.max_backoff or self.backoff
        steps = count - self.limit
        if steps >= 32 or self.backoff * (2 ** steps) > ceiling:  # no overflow on long runs
            return ceiling
        return self.backoff * (2 ** steps)


@dataclass(frozen=True)
class State:
    count: int = 0
    blocked_until: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    retry_after: timedelta = timedelta(0)

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int(-(-self.retry_after.total_seconds() // 1)))  # ceil, at least 1

    @property
    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after_seconds // 60))


class Throttled(Exception):
    """Refused without evaluating the attempt; ``decision.retry_after`` says for how long."""

    def __init__(self, decision: Decision):
        super().__init__(f"too many attempts, retry after {decision.retry_after}")
        self.decision = decision


def decide(policy: Policy, state: State, now: datetime) -> tuple[Decision, State | None]:
    """The pure rule: what one more attempt at ``now`` gets, and the new state to store (None:
    leave the row as it is). ``attempt()`` runs it under the row lock."""
    if state.expires_at is None or state.expires_at <= now:
        state = State()  # a forgotten or brand-new key
    if state.blocked_until is not None and now < state.blocked_until:
        return Decision(False, state.count, state.blocked_until - now), None
    count = state.count + 1
    if policy.backoff is not None:
        blocked = now + policy.delay(count) if count >= policy.limit else None
        return (Decision(True, count),
                State(count, blocked, (blocked or now) + policy.window))
    expires = state.expires_at or now + policy.window
    if count > policy.limit:
        return Decision(False, count, expires - now), State(count, None, expires)
    return Decision(True, count), State(count, None, expires)


def make_key(scope: str, value: str) -> str:
    """``scope:value``, normalised (stripped, lower case); a value too long for the column
    (anything a client sends) is replaced by its SHA-256, so it still counts on its own."""
    value = (value or "").strip().lower()
    key = f"{scope}:{value}"
    if len(key) > KEY_LENGTH:
        key = f"{scope}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"
    return key


def address_key(scope: str, address: str) -> str:
    """The key of a client address. An IPv6 client usually holds a whole /64, so the /64 is
    counted: rotating through it must not give a fresh count per address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return make_key(scope, address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return make_key(scope, str(ip.ipv4_mapped))
    if ip.version == 6:
        return make_key(scope, str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return make_key(scope, str(ip))


def attempt(key: str, policy: Policy, now: datetime | None = None) -> Decision:
    """Count one attempt on ``key`` and say whether it may go ahead (module docstring).

    Runs and commits in its own transaction on its own connection; call it before the
    request's session writes anything (SQLite allows one writer at a time)."""
    now = now or utcnow()
    table = Throttle.__table__
    with db.engine.begin() as connection:
        row = connection.execute(_lock_or_create(connection.dialect.name),
                                 {"key": key, "now": now}).one()
        state = State(row.count, row.blocked_until, row.expires_at)
        decision, new_state = decide(policy, state, now)
        if new_state is not None:
            connection.execute(update(table).where(table.c.key == key).values(
                count=new_state.count, blocked_until=new_state.blocked_until,
                expires_at=new_state.expires_at))
        if state.expires_at <= now:  # a window starts: tidy up the long-forgotten keys
            _sweep(connection, now)
    return decision


def clear(key: str) -> None:
    """Forget every attempt on ``key`` (it proved itself). Flushes with the request."""
    db.session.execute(delete(Throttle).where(Throttle.key == key))


def forgive(key: str) -> None:
    """Give back one reserved attempt of a shared counter (the attempt succeeded)."""
    db.session.execute(update(Throttle).where(Throttle.key == key, Throttle.count > 0)
                       .values(count=Throttle.count - 1))


def peek(key: str) -> State:
    """The stored state of ``key`` (as last written; an expired state counts as fresh)."""
    row = db.session.get(Throttle, key)
    return State(row.count, row.blocked_until, row.expires_at) if row else State()


def _lock_or_create(dialect: str):
    """INSERT the key as expired, or, if it exists, lock its row with a no-op update; either
    way the row comes back locked until the transaction ends (one statement, no gap in which
    a concurrent sweep could delete it)."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"throttling is not implemented for {dialect}")
    table = Throttle.__table__
    return (insert(table)
            .values(key=bindparam("key"), count=0, expires_at=bindparam("now"))
            .on_conflict_do_update(index_elements=[table.c.key],
                                   set_={"count": table.c.count})
            .returning(table.c.count, table.c.blocked_until, table.c.expires_at))


def _sweep(connection, now: datetime) -> None:
    # SKIP LOCKED (PostgreSQL): never wait for, or deadlock with, a row another request holds.
    table = Throttle.__table__
    stale = (select(table.c.key).where(table.c.expires_at < now - timedelta(hours=1))
             .order_by(table.c.key).limit(SWEEP_BATCH).with_for_update(skip_locked=True))
    connection.execute(delete(table).where(table.c.key.in_(stale)))

