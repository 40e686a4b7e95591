"""Delivering the outbox (docs/messages.md "Guarantees").

A batch at a time, in a transaction of its own: claim the oldest due messages whose
recipients have no older message still pending (so each recipient gets them in order), send
them, record each outcome, commit.

- PostgreSQL: the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` and the rows stay locked while
  they are sent, so any number of workers never send the same row at once; a worker killed
  mid-batch drops its connection, the locks go with it, and the rows are still pending.
- SQLite: one worker. The rows are read in a short transaction (a held one would block the
  web process's writes), sent, then recorded.

Either way a message is recorded once: the outcome is written only to a row still pending.
A worker that dies after the provider accepted a message but before the batch's commit
leaves it pending, and it is sent again (at most a batch, ``BATCH``, per killed worker) — at
least once, never lost; e-mails carry a Message-ID and gateway requests a tracking id made
from the row id, so a receiver can tell the copies."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

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


# How many due rows one claim takes: a batch is sent over one SMTP connection and recorded
# in one transaction. A worker killed mid-batch sends the batch's unrecorded ones again.
BATCH = 20


def _heads(rows: list[OutboxMessage]) -> dict[tuple[str, str], tuple[int, datetime]]:
    """For each (recipient, channel) of ``rows``: its oldest pending message (id, when due).
    Only that one may go (in order per recipient). Two simple indexed queries, not an
    anti-join: PostgreSQL plans that one badly on a freshly filled table (seconds a claim)."""
    pairs = {(row.recipient, row.channel) for row in rows}
    recipients = {recipient for recipient, _ in pairs}
    oldest = db.session.execute(
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.state == OutboxState.PENDING,
               OutboxMessage.recipient.in_(recipients))
        .group_by(OutboxMessage.recipient, OutboxMessage.channel)).scalars().all()
    heads = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.channel,
               OutboxMessage.next_attempt_at).where(OutboxMessage.id.in_(oldest))).all()
    return {(h.recipient, h.channel): (h.id, h.next_attempt_at) for h in heads}


def _claim(now: datetime, locking: bool) -> tuple[list[Claimed], bool]:
    """The oldest due messages that no older one to their recipient holds up (at most one
    per recipient), and whether anything else changed: a due message behind an older one
    that waits for its retry takes that retry time, so it leaves the due rows instead of
    filling every batch."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.state == OutboxState.PENDING,
                    OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(BATCH))
    if locking:
        query = query.with_for_update(skip_locked=True)
    rows = db.session.scalars(query).all()
    if not rows:
        return [], False
    heads = _heads(rows)
    claimed, moved = [], False
    for row in rows:
        head_id, head_due = heads.get((row.recipient, row.channel), (row.id, now))
        if head_id == row.id:
            claimed.append(Claimed(row.id, row.channel, row.recipient, row.subject, row.body,
                                   row.attempts))
        elif head_due > row.next_attempt_at:
            row.next_attempt_at = head_due
            moved = True
    return claimed, moved


def _outcome(config: Config, message: Claimed, provider_id: str | None,
             error: ChannelError | None, now: datetime) -> tuple[str, dict]:
    attempts = message.attempts + 1
    values: dict = {"attempts": attempts, "last_attempt_at": utcnow()}
    if error is None:
        values.update(sent_at=utcnow(), provider_message_id=(provider_id or "")[:200],
                      last_error="")
        return OutboxState.SENT, values
    values.update(last_error=str(error)[:500], next_attempt_at=now + backoff(config, attempts))
    if error.permanent or attempts >= config.outbox_max_attempts:
        return OutboxState.FAILED, values
    return OutboxState.PENDING, values


def _record(message_id: int, state: str, values: dict) -> None:
    """Written only to a row still pending: a message is recorded once."""
    db.session.execute(update(OutboxMessage)
                       .where(OutboxMessage.id == message_id,
                              OutboxMessage.state == OutboxState.PENDING)
                       .values(state=state, **values)
                       .execution_options(synchronize_session=False))


def _send(channels: Channels, message: Claimed) -> tuple[str | None, ChannelError | None]:
    try:
        return channels.send(message), None
    except ChannelError as failure:
        log.warning("outbox message %s (%s) not sent: %s", message.id, message.channel,
                    failure)
        return None, failure


def deliver_pending(config: Config, *, now: datetime | None = None, limit: int | None = None,
                    time_budget: float | None = None) -> Report:
    """Send every due message (about ``limit`` at most, for about ``time_budget`` seconds);
    return what happened to each. ``now``: the time that decides what is due (tests move
    it)."""
    report = Report()
    locking = db.engine.dialect.name == "postgresql"
    channels = Channels(config)
    started = time.monotonic()
    lists = {OutboxState.SENT: report.sent, OutboxState.PENDING: report.retrying,
             OutboxState.FAILED: report.failed}
    try:
        while limit is None or report.count < limit:
            if time_budget is not None and time.monotonic() - started > time_budget:
                report.budget_spent = True
                break
            moment = now or utcnow()
            batch, moved = _claim(moment, locking)
            if not batch and not moved:
                break
            if not locking:
                db.session.commit()  # SQLite: let the web process write while we send
            for message in batch:
                state, values = _outcome(config, message, *_send(channels, message), moment)
                _record(message.id, state, values)
                lists[state].append(message.id)
            db.session.commit()
    finally:
        channels.close()
        db.session.rollback()
    return report


def next_retry_in(now: datetime | None = None) -> float | None:
    """Seconds until the earliest pending message not yet due is due (None: none waits)."""
    now = now or utcnow()
    due = db.session.scalar(select(func.min(OutboxMessage.next_attempt_at))
                            .where(OutboxMessage.state == OutboxState.PENDING,
                                   OutboxMessage.next_attempt_at > now))
    db.session.rollback()
    return None if due is None else max(0.0, (due - now).total_seconds())


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
