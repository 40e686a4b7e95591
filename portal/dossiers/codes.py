"""Dossier codes: ``<agency unit code>-YYMMDD-NNNN``, numbered per agency per local day.

The national pattern (Circular 01/2018/TT-VPCP, with the unit codes of Circular
10/2016/TT-BTTTT). The number is taken with one atomic upsert on ``dossier_code_sequence``:
on PostgreSQL the row stays locked until the submitting transaction ends, so concurrent
submits queue up and each gets the next number; a rolled-back submit gives its number back.
SQLite serialises writers on its database lock, which gives the same result."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.dossiers.models import DossierCodeSequence
from portal.extensions import db


def next_code(agency: Agency, now: datetime) -> str:
    """Reserve the next code of ``agency`` for the local (Viet Nam) day of ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("next_code needs an aware datetime")
    day = now.astimezone(VN_TZ).date()
    number = _bump(agency.id, day)
    return format_code(agency.unit_code, day, number)


def format_code(unit_code: str, day: date, number: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def _bump(agency_id: int, day: date) -> int:
    return bump_sequence(DossierCodeSequence.__table__, agency_id=agency_id, day=day)


def bump_sequence(table: Table, **key: object) -> int:
    """Take the next number of the sequence row ``key`` of ``table`` (which has a unique
    constraint on exactly those columns and a ``last_number`` column), creating it at 1."""
    dialect = db.session.get_bind().dialect.name
    statement = _upsert(table, tuple(key), dialect)
    return int(db.session.execute(statement, {f"key_{name}": value
                                              for name, value in key.items()}).scalar_one())


@cache
def _upsert(table: Table, names: tuple[str, ...], dialect: str) -> Insert:
    """The upsert for one sequence table and key, built once (every intake takes a number)."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"numbered sequences are not implemented for {dialect}")
    return (
        insert(table)
        .values({**{name: bindparam(f"key_{name}") for name in names}, "last_number": 1})
        .on_conflict_do_update(
            index_elements=[table.c[name] for name in names],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )
