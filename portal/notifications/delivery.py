"""Delivering the outbox (docs/messages.md "Guarantees").

One message at a time, each in a transaction of its own: claim the oldest due message whose
recipient has no older message still waiting (so each recipient gets them in order), send
it, record the outcome, commit.

- PostgreSQL: the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` and the row stays locked while
  it is sent, so any number of workers never send the same row at once; a worker killed
  mid-send drops its connection, the lock goes with it, and the row is still pending.
- SQLite: one worker. The row is read in a short transaction (a held one would block the
  web process's writes), sent, then recorded.

Either way a message is recorded once: the outcome is written only to a row still pending.
A worker that dies after the provider accepted the message but before the commit leaves it
pending, and it is sent again — at least once, never lost; e-mails carry a Message-ID and
gateway requests a tracking id made from the row id, so a receiver can tell the copies."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from portal.config import Config
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.channels import ChannelError, Channels
from portal.notifications.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    budget_spent: bool = False  # stopped for time with messages perhaps still due

    @property
    def count(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    attempts: int


def backoff(config: Config, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2×base, 4×base … ≤ 6 h."""
    seconds = config.outbox_retry_seconds * 2 ** min(attempts - 1, 30)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _due(now: datetime):
    earlier = aliased(OutboxMessage)
    blocked = exists().where(and_(earlier.recipient == OutboxMessage.recipient,
                                  earlier.channel == OutboxMessage.channel,
                                  earlier.state == OutboxState.PENDING,
                                  earlier.id < OutboxMessage.id))
    return (select(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.PENDING,
                   OutboxMessage.next_attempt_at <= now, ~blocked)
            .order_by(OutboxMessage.id).limit(1))


def _claim(now: datetime, locking: bool) -> Claimed | None:
    query = _due(now)
    if locking:
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    row = db.session.scalars(query).first()
    if row is None:
        return None
    return Claimed(row.id, row.channel, row.recipient, row.subject, row.body, row.attempts)


def _record(config: Config, message: Claimed, provider_id: str | None,
            error: ChannelError | None, now: datetime) -> str:
    attempts = message.attempts + 1
    values: dict = {"attempts": attempts, "last_attempt_at": utcnow()}
    if error is None:
        state = OutboxState.SENT
        values.update(sent_at=utcnow(), provider_message_id=(provider_id or "")[:200],
                      last_error="")
    else:
        state = (OutboxState.FAILED if error.permanent or attempts >= config.outbox_max_attempts
                 else OutboxState.PENDING)
        values.update(last_error=str(error)[:500],
                      next_attempt_at=now + backoff(config, attempts))
    db.session.execute(update(OutboxMessage)
                       .where(OutboxMessage.id == message.id,
                              OutboxMessage.state == OutboxState.PENDING)
                       .values(state=state, **values))
    db.session.commit()
    return state


def deliver_pending(config: Config, *, now: datetime | None = None, limit: int | None = None,
                    time_budget: float | None = None) -> Report:
    """Send every due message (at most ``limit``, for about ``time_budget`` seconds); return
    what happened to each. ``now``: the time that decides what is due (tests move it)."""
    report = Report()
    locking = db.engine.dialect.name == "postgresql"
    channels = Channels(config)
    started = time.monotonic()
    try:
        while limit is None or report.count < limit:
            if time_budget is not None and time.monotonic() - started > time_budget:
                report.budget_spent = True
                break
            moment = now or utcnow()
            message = _claim(moment, locking)
            if message is None:
                db.session.rollback()
                break
            if not locking:
                db.session.commit()  # SQLite: let the web process write while we send
            try:
                provider_id, error = channels.send(message), None
            except ChannelError as failure:
                provider_id, error = None, failure
                log.warning("outbox message %s (%s) not sent: %s", message.id,
                            message.channel, failure)
            state = _record(config, message, provider_id, error, moment)
            {OutboxState.SENT: report.sent, OutboxState.PENDING: report.retrying,
             OutboxState.FAILED: report.failed}.get(state, []).append(message.id)
    finally:
        channels.close()
        db.session.rollback()
    return report


# --- what the delivery log's administrator does ---------------------------------------------

def retry(message_id: int) -> bool:
    """A failed (or cancelled) message goes back to the queue, due now, with its attempts
    counted afresh. False when it was not failed or cancelled (a conditional update: a worker
    may be recording it at this moment). The caller commits; the worker is woken then."""
    from portal.notifications.trigger import wake_after_commit

    done = _change(message_id, (OutboxState.FAILED, OutboxState.CANCELLED),
                   state=OutboxState.PENDING, attempts=0, next_attempt_at=utcnow())
    if done:
        wake_after_commit()
    return done


def cancel(message_id: int) -> bool:
    """A pending message will not be sent. False when it was not pending (already sent, or
    being recorded by a worker right now)."""
    return _change(message_id, (OutboxState.PENDING,), state=OutboxState.CANCELLED)


def _change(message_id: int, from_states: tuple[str, ...], **values) -> bool:
    result = db.session.execute(update(OutboxMessage)
                                .where(OutboxMessage.id == message_id,
                                       OutboxMessage.state.in_(from_states))
                                .values(**values)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1
