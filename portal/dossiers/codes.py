"""Dossier codes: ``<agency unit code>-YYMMDD-NNNN``, numbered per agency per local day.

The national pattern (Circular 01/2018/TT-VPCP, with the unit codes of Circular
10/2016/TT-BTTTT). The number is taken with one atomic upsert on ``dossier_code_sequence``:
on PostgreSQL the row stays locked until the submitting transaction ends, so concurrent
submits queue up and each gets the next number; a rolled-back submit gives its number back.
SQLite serialises writers on its database lock, which gives the same result.

A bulk intake (the 2019 replay files 88,000 dossiers) may reserve numbers in blocks instead:
``numbers_reserved`` takes each (agency, day)'s expected count in one upsert on its first use,
and hands the numbers out in the order asked for, as the one-by-one upsert would."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.dossiers.models import DossierCodeSequence
from portal.extensions import db

# (agency id, local day) → how many numbers to reserve at its first use, then the numbers left.
_reserved: ContextVar[dict[tuple[int, date], int | Iterator[int]] | None] = ContextVar(
    "reserved_dossier_numbers", default=None)


def next_code(agency: Agency, now: datetime) -> str:
    """Reserve the next code of ``agency`` for the local (Viet Nam) day of ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("next_code needs an aware datetime")
    day = now.astimezone(VN_TZ).date()
    number = _from_reservation(agency.id, day) or _bump(agency.id, day)
    return format_code(agency.unit_code, day, number)


@contextmanager
def numbers_reserved(counts: Mapping[tuple[int, date], int]) -> Iterator[None]:
    """Within the block, the numbers of each (agency id, local day) of ``counts`` are taken
    ``count`` at once, at that key's first code; past its count a key is numbered one by one
    again. Numbers reserved and not used are skipped (a gap), as a rolled-back transaction's
    are not: use it where the caller knows how many dossiers it files, in one transaction."""
    token = _reserved.set(dict(counts))
    try:
        yield
    finally:
        _reserved.reset(token)


def _from_reservation(agency_id: int, day: date) -> int | None:
    reserved = _reserved.get()
    if reserved is None or (pool := reserved.get((agency_id, day))) is None:
        return None
    if isinstance(pool, int):
        last = bump_sequence(DossierCodeSequence.__table__, step=pool, agency_id=agency_id,
                             day=day)
        pool = reserved[(agency_id, day)] = iter(range(last - pool + 1, last + 1))
    return next(pool, None)


def format_code(unit_code: str, day: date, number: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def _bump(agency_id: int, day: date) -> int:
    return bump_sequence(DossierCodeSequence.__table__, agency_id=agency_id, day=day)


def bump_sequence(table: Table, step: int = 1, **key: object) -> int:
    """Take the next ``step`` numbers of the sequence row ``key`` of ``table`` (which has a
    unique constraint on exactly those columns and a ``last_number`` column), creating it
    at ``step``; the last of them."""
    dialect = db.session.get_bind().dialect.name
    statement = _upsert(table, tuple(key), dialect)
    return int(db.session.execute(statement, {"step": step, **{
        f"key_{name}": value for name, value in key.items()}}).scalar_one())


@cache
def _upsert(table: Table, names: tuple[str, ...], dialect: str) -> Insert:
    """The upsert for one sequence table and key, built once (every intake takes a number)."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"numbered sequences are not implemented for {dialect}")
    return (
        insert(table)
        .values({**{name: bindparam(f"key_{name}") for name in names},
                 "last_number": bindparam("step")})
        .on_conflict_do_update(
            index_elements=[table.c[name] for name in names],
            set_={"last_number": table.c.last_number + bindparam("step")},
        )
        .returning(table.c.last_number)
    )
