"""The counter kiosk (issue 16): a tablet at a counter, paired once by an administrator,
that takes anonymous ratings of the officer signed in to that counter.

- **Pairing.** ``create_kiosk`` makes a pairing token, shown once (as a pairing URL); only its
  SHA-256 is stored. Opening the URL on the tablet (``pair``) spends it — a conditional
  ``UPDATE`` so two openings cannot both win — and makes the *device token* the tablet keeps
  in a cookie scoped to its kiosk page; again only its SHA-256 is stored. ``revoke`` ends it.
- **Shifts.** An officer signs in to a counter at the start of a shift (``sign_in``); it ends
  when they sign out, sign in elsewhere, or another officer takes the counter.
- **A rating** names the shift the kiosk showed; it must be a shift of the kiosk's own
  counter, open or ended less than ``LATE_GRACE`` ago (ratings queued in the page during a
  network loss arrive late). Each carries a client-made UUID, stored once: the insert is
  ``ON CONFLICT DO NOTHING`` on the unique column, so a retried POST changes nothing."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.catalog.models import Agency, Counter
from portal.core.i18n import N_
from portal.core.refusal import Refusal
from portal.extensions import db
from portal.feedback.models import CounterShift, Kiosk, Overall, Rating, RatingChannel

PAIRING_VALID_FOR = timedelta(days=1)
LATE_GRACE = timedelta(hours=2)


class KioskError(Refusal):
    """A kiosk rating or a counter shift the rules refuse."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- pairing ---------------------------------------------------------------------------------

def create_kiosk(counter: Counter, label: str, admin: User | None,
                 now: datetime) -> tuple[Kiosk, str]:
    """A new kiosk for ``counter`` and its pairing token (returned once, never stored)."""
    token = secrets.token_urlsafe(32)
    kiosk = Kiosk(counter_id=counter.id, label=label.strip(), pairing_hash=token_hash(token),
                  created_by_id=admin.id if admin else None, created_at=now)
    db.session.add(kiosk)
    db.session.flush()
    return kiosk, token


def pair(pairing_token: str, now: datetime) -> tuple[Kiosk, str] | None:
    """Spend a pairing token: the kiosk and its new device token, or None (unknown, used,
    expired or revoked)."""
    device_token = secrets.token_urlsafe(32)
    claimed = db.session.execute(
        update(Kiosk)
        .where(Kiosk.pairing_hash == token_hash(pairing_token), Kiosk.paired_at.is_(None),
               Kiosk.revoked_at.is_(None), Kiosk.created_at > now - PAIRING_VALID_FOR)
        .values(pairing_hash=None, token_hash=token_hash(device_token), paired_at=now)
        .returning(Kiosk.id)).scalar()
    if claimed is None:
        return None
    return db.session.get(Kiosk, claimed), device_token


def revoke(kiosk: Kiosk, now: datetime) -> None:
    if kiosk.revoked_at is None:
        kiosk.revoked_at = now
        kiosk.pairing_hash = None
        kiosk.token_hash = None
    db.session.flush()


def kiosk_for(device_token: str | None, counter_id: int) -> Kiosk | None:
    """The live kiosk of ``counter_id`` holding ``device_token``, else None."""
    if not device_token:
        return None
    return db.session.scalar(select(Kiosk).options(joinedload(Kiosk.counter)).where(
        Kiosk.token_hash == token_hash(device_token), Kiosk.counter_id == counter_id,
        Kiosk.revoked_at.is_(None)))


def kiosks() -> list[Kiosk]:
    return list(db.session.scalars(
        select(Kiosk).options(joinedload(Kiosk.counter).joinedload(Counter.agency))
        .order_by(Kiosk.revoked_at.is_not(None), Kiosk.counter_id, Kiosk.id)))


def active_counters() -> list[Counter]:
    return list(db.session.scalars(
        select(Counter).options(joinedload(Counter.agency))
        .where(Counter.active.is_(True)).order_by(Counter.number)))


# --- shifts ----------------------------------------------------------------------------------

def counters_of(agency_ids: Collection[int]) -> list[Counter]:
    """The active counters of these agencies (an officer's, for signing in)."""
    return list(db.session.scalars(
        select(Counter).where(Counter.agency_id.in_(list(agency_ids) or [-1]),
                              Counter.active.is_(True)).order_by(Counter.number)))


def open_shift(counter_id: int) -> CounterShift | None:
    return db.session.scalar(select(CounterShift).where(
        CounterShift.counter_id == counter_id, CounterShift.ended_at.is_(None)))


def shift_of(officer: User) -> CounterShift | None:
    return db.session.scalar(
        select(CounterShift).options(joinedload(CounterShift.counter))
        .where(CounterShift.officer_id == officer.id, CounterShift.ended_at.is_(None)))


def _end_open(*conditions, now: datetime) -> None:
    db.session.execute(update(CounterShift)
                       .where(CounterShift.ended_at.is_(None), *conditions)
                       .values(ended_at=now).execution_options(synchronize_session=False))


def sign_in(officer: User, counter: Counter, allowed_agency_ids: Collection[int],
            now: datetime) -> CounterShift:
    """``officer`` serves at ``counter`` from now on (a counter of an agency where they are a
    counter officer: ``allowed_agency_ids``)."""
    if counter.agency_id not in allowed_agency_ids or not counter.active:
        raise KioskError(N_("Bạn không làm việc tại quầy này."), "counter")
    _end_open(CounterShift.officer_id == officer.id, now=now)
    _end_open(CounterShift.counter_id == counter.id, now=now)
    db.session.flush()
    shift = CounterShift(counter_id=counter.id, officer_id=officer.id, started_at=now)
    db.session.add(shift)
    db.session.flush()
    return shift


def sign_out(officer: User, now: datetime) -> None:
    _end_open(CounterShift.officer_id == officer.id, now=now)
    db.session.flush()


def serving(counter_id: int) -> tuple[CounterShift, str] | None:
    """The open shift at a counter and the officer's name (what the kiosk shows)."""
    row = db.session.execute(
        select(CounterShift, User.full_name).join(User, User.id == CounterShift.officer_id)
        .where(CounterShift.counter_id == counter_id, CounterShift.ended_at.is_(None))).first()
    return (row[0], row[1]) if row else None


def counter_with_agency(counter_id: int) -> tuple[Counter, Agency] | None:
    row = db.session.execute(select(Counter, Agency).join(Agency, Agency.id == Counter.agency_id)
                             .where(Counter.id == counter_id)).first()
    return (row[0], row[1]) if row else None


# --- a rating from the kiosk -----------------------------------------------------------------

def valid_uuid(raw: str) -> str | None:
    try:
        return str(uuid.UUID(raw))
    except (ValueError, TypeError, AttributeError):
        return None


def record(kiosk: Kiosk, rating_uuid: str, overall: Overall, shift_id: int,
           now: datetime) -> bool:
    """Store one kiosk rating; False when this UUID was stored already (a retry)."""
    shift = db.session.execute(
        select(CounterShift.counter_id, CounterShift.officer_id, CounterShift.ended_at)
        .where(CounterShift.id == shift_id)).first()
    if shift is None or shift.counter_id != kiosk.counter_id:
        raise KioskError(N_("Không có cán bộ nào đang phục vụ tại quầy này."), "shift")
    if shift.ended_at is not None and shift.ended_at < now - LATE_GRACE:
        raise KioskError(N_("Ca làm việc đã kết thúc từ lâu."), "shift")
    values = {"uuid": rating_uuid, "channel": RatingChannel.KIOSK,
              "agency_id": kiosk.counter.agency_id, "counter_id": kiosk.counter_id,
              "officer_id": shift.officer_id,
              "overall": overall, "rated_at": now, "comment": ""}
    return insert_once(values)


def insert_once(values: dict) -> bool:
    """INSERT the rating unless its UUID is there already (both databases' ON CONFLICT)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (insert(Rating).values(**values)
                 .on_conflict_do_nothing(index_elements=["uuid"]).returning(Rating.id))
    return db.session.execute(statement).first() is not None
