"""Dossier codes: <agency unit code>-YYMMDD-NNNN, a sequence per agency per local day."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import factories
import pytest
from sqlalchemy import event, select

from portal.calendar import VN_TZ
from portal.dossiers.codes import format_code, next_code, numbers_reserved
from portal.dossiers.models import DossierCodeSequence
from portal.extensions import db

NOON = datetime(2025, 3, 12, 12, 0, tzinfo=VN_TZ)


def test_format_follows_the_national_pattern(db_session):
    agency = factories.agency()
    code = next_code(agency, NOON)
    assert code == f"{agency.unit_code}-250312-0001"
    assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2,}\.H48-\d{6}-\d{4}", code)


def test_numbers_increment_per_agency_and_restart_each_local_day(db_session):
    first, second = factories.agency(), factories.agency()
    assert next_code(first, NOON).endswith("-250312-0001")
    assert next_code(first, NOON).endswith("-250312-0002")
    assert next_code(second, NOON).endswith("-250312-0001")
    # 23:59 in Viet Nam is still the 12th; 00:30 is the 13th though UTC says the 12th.
    assert next_code(first, datetime(2025, 3, 12, 16, 59, tzinfo=UTC)).endswith("-250312-0003")
    assert next_code(first, datetime(2025, 3, 12, 17, 30, tzinfo=UTC)).endswith("-250313-0001")
    rows = db.session.scalars(select(DossierCodeSequence).where(
        DossierCodeSequence.agency_id == first.id).order_by(DossierCodeSequence.day)).all()
    assert [(r.day.isoformat(), r.last_number) for r in rows] == [("2025-03-12", 3),
                                                                  ("2025-03-13", 1)]


def test_a_rolled_back_submit_gives_its_number_back(db_session):
    agency = factories.agency()
    db.session.commit()
    assert next_code(agency, NOON).endswith("-0001")
    db.session.rollback()
    assert next_code(agency, NOON).endswith("-0001")
    db.session.commit()
    assert next_code(agency, NOON).endswith("-0002")


def test_more_than_9999_a_day_still_gives_unique_codes(db_session):
    agency = factories.agency()
    db.session.add(DossierCodeSequence(agency_id=agency.id, day=NOON.date(), last_number=9999))
    db.session.flush()
    assert next_code(agency, NOON).endswith("-250312-10000")
    assert format_code("X", NOON.date(), 7) == "X-250312-0007"


def test_numbers_reserved_in_a_block_are_the_ones_given_one_by_one(db_session):
    """A bulk intake takes a day's expected count in one upsert at its first code, then
    hands the numbers out in order; past the count it numbers one by one again."""
    agency, other = factories.agency(), factories.agency()
    next_code(agency, NOON)  # 0001, before the block
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731 (before_cursor_execute)
    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", listen)
    try:
        with numbers_reserved({(agency.id, NOON.date()): 3}):
            codes = [next_code(agency, NOON) for _ in range(4)] + [next_code(other, NOON)]
    finally:
        event.remove(connection, "before_cursor_execute", listen)
    assert [c[-4:] for c in codes] == ["0002", "0003", "0004", "0005", "0001"]
    # One upsert for the block's three, one each for the fourth and the other agency's.
    assert len([s for s in statements if "dossier_code_sequence" in s]) == 3
    assert next_code(agency, NOON).endswith("-0006")  # the block is over


def test_naive_datetimes_are_refused(db_session):
    with pytest.raises(ValueError, match="aware"):
        next_code(factories.agency(), datetime(2025, 3, 12, 12, 0))
