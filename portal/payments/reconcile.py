"""Recording a bank statement (issue 14, docs/payments.md "Bank statement import"): the lines
``statement.match`` finds for a VietQR payment still pending — the dossier code in the note,
the exact amount — confirm it (``operations.confirm``, source "statement", the bank's
reference as receipt number), exactly once whatever is imported twice; every other line
(short, excess, unknown, a second transfer for a code already paid) is kept for a person to
resolve (``StatementLineRecord``, docs/payments.md "Unmatched statement lines"), in the same
transaction. The bank's reference is the key: a reference already confirmed or already kept
is a duplicate of it and is kept no second time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import User
from portal.core.formatting import local_datetime
from portal.core.i18n import lazy_text as _l
from portal.dossiers.models import Dossier
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments import statement
from portal.payments.models import (
    PAID_STATES,
    Payment,
    PaymentMethod,
    PaymentRequest,
    PaymentState,
    StatementImport,
    StatementLineRecord,
)


def _vietqr_payments(agency_ids: set[int] | None):
    query = (select(Payment, Dossier.code, Dossier.agency_id).join(
        PaymentRequest, Payment.request_id == PaymentRequest.id).join(Dossier)
        .where(Payment.method == PaymentMethod.VIETQR))
    if agency_ids is not None:
        query = query.where(Dossier.agency_id.in_(agency_ids))
    return db.session.execute(query).all()


def _kept_references(lines: list[statement.StatementLine]) -> set[str]:
    """The references of ``lines`` already kept by an earlier import (any agency's)."""
    wanted = {line.reference.strip() for line in lines}
    found: set[str] = set()
    chunk = sorted(wanted)
    for start in range(0, len(chunk), 500):
        found.update(db.session.scalars(select(StatementLineRecord.reference).where(
            StatementLineRecord.reference.in_(chunk[start:start + 500]))))
    return found


def record(lines: list[statement.StatementLine], now: datetime, actor: User | None,
           agency_ids: set[int] | None = None, filename: str = "") -> statement.MatchResult:
    rows = _vietqr_payments(agency_ids)
    pending = {code: payment for payment, code, _ in rows
               if payment.state is PaymentState.PENDING}
    paid = {code for payment, code, _ in rows if payment.state in PAID_STATES}
    agency_of = {code: agency_id for _, code, agency_id in rows}
    seen = {payment.bank_receipt_no for payment, _, _ in rows if payment.bank_receipt_no}
    kept = _kept_references(lines)
    result = statement.match(lines, {code: p.amount for code, p in pending.items()},
                             paid, seen | kept)
    for found in result.matched:
        ops.confirm(pending[found.code], amount=found.line.amount_vnd, now=now,
                    source="statement", bank_receipt_no=found.line.reference, actor=actor)
    _keep(result, now, actor, filename, agency_of, seen | kept)
    return result


def _keep(result: statement.MatchResult, now: datetime, actor: User | None, filename: str,
          agency_of: dict[str, int], known: set[str]) -> None:
    """The import, and each line to resolve whose reference is new (a line whose reference
    was confirmed or kept before, or appears above in the file, is that line again)."""
    known_upper = {ref.strip().upper() for ref in known}
    batch = StatementImport(filename=filename[:255], imported_at=now,
                            imported_by_id=actor.id if actor else None,
                            line_count=len(result.lines), matched_count=len(result.matched))
    db.session.add(batch)
    db.session.flush()
    values = []
    for found in result.lines:
        reference = found.line.reference.strip()
        if reference.upper() in known_upper:
            continue
        known_upper.add(reference.upper())
        if found.kind is statement.LineKind.MATCHED:
            continue
        values.append({
            "import_id": batch.id, "line_no": found.line.line_no, "reference": reference[:100],
            "booked_on": found.line.booked_on, "amount": found.line.amount_vnd,
            "description": found.line.description[:500], "kind": found.kind.value,
            "dossier_code": (found.code or "")[:40], "expected_amount": found.expected_vnd,
            "agency_id": agency_of.get(found.code) if found.code else None,
            "imported_at": now, "imported_by_id": actor.id if actor else None,
            "resolution_note": ""})
    if values:
        # Two imports of one statement at once: the second's lines are already there and are
        # skipped by the unique reference, not refused with an error.
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
            db.session.get_bind().dialect.name]
        db.session.execute(insert(StatementLineRecord).values(values)
                           .on_conflict_do_nothing(index_elements=["reference"]))


class LineAlreadyResolved(ops.PaymentError):
    """A second "resolved" on the same line."""


def resolve(line_id: int, note: str, now: datetime, actor: User,
            agency_ids: set[int] | None) -> StatementLineRecord | None:
    """Mark a kept line resolved, once, with the person's note (required). One conditional
    UPDATE (``resolved_at IS NULL``) decides: of two people at once, on PostgreSQL the second
    waits for the first's row lock and on SQLite for its write lock, then changes nothing
    and is told it is done. None when the line is not one of ``agency_ids``' (None: every
    line)."""
    line = db.session.get(StatementLineRecord, line_id)
    if line is None or (agency_ids is not None and line.agency_id not in agency_ids):
        return None
    note = (note or "").strip()
    if not note and line.resolved_at is None:
        raise ops.PaymentError(_l("Vui lòng ghi rõ cách đã xử lý dòng sao kê này."), "note")
    changed = db.session.execute(
        update(StatementLineRecord)
        .where(StatementLineRecord.id == line_id, StatementLineRecord.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, resolution_note=note[:500])
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(line)  # what this UPDATE wrote, or what the first one committed
    if not changed:
        raise LineAlreadyResolved(_l(
            "Dòng sao kê %(reference)s đã được %(who)s đánh dấu đã xử lý lúc %(when)s "
            "(ghi chú: “%(note)s”); không cần xử lý lại.", reference=line.reference,
            who=line.resolved_by.full_name if line.resolved_by else "—",
            when=local_datetime(line.resolved_at), note=line.resolution_note))
    return line
