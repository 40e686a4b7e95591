"""The benchmark generator's dossier codes (bench/_dossier_data.py, issue 19): its SQL
function numbers a day's dossiers as the portal's ``format_code`` does, so a national volume
(over 1,000 and over 10,000 an agency a day) gives unique codes, and its provinces."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from portal.dossiers.codes import format_code
from portal.extensions import db

SPEC = importlib.util.spec_from_file_location(
    "_dossier_data", Path(__file__).resolve().parents[3] / "bench" / "_dossier_data.py")
data = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("_dossier_data", data)  # the dataclass looks its module up there
SPEC.loader.exec_module(data)

DAY = date(2026, 12, 7)
UNIT = "000.00.10.H48"


def test_the_sql_numbering_is_the_portals_and_unique_past_10000_a_day(db_session):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the generator's SQL is PostgreSQL's (the PostgreSQL run checks it)")
    db.session.execute(text(
        "CREATE FUNCTION pg_temp.dossier_code(unit text, day date, n bigint) RETURNS text "
        f"LANGUAGE sql IMMUTABLE AS $$ {data.CODE_SQL} $$"))
    codes = db.session.execute(text(
        "SELECT n, pg_temp.dossier_code(:unit, :day, n) FROM generate_series(1, 12000) AS n"),
        {"unit": UNIT, "day": DAY}).all()
    assert len({code for _, code in codes}) == 12_000
    for n in (1, 999, 1000, 1001, 9999, 10_000, 10_001, 12_000):
        assert codes[n - 1][1] == format_code(UNIT, DAY, n)
    assert codes[9_999][1] == f"{UNIT}-261207-10000"
    # The sequence the generator writes after the load reads the number back.
    assert db.session.scalar(text(
        "SELECT substring(:code FROM '-([0-9]+)$')::int"), {"code": codes[11_999][1]}) == 12_000


def test_a_national_load_spreads_over_the_63_former_provinces():
    used = data.provinces_used(63)
    assert len(used) == 63 and used[0][:2] == (48, "Quảng Ngãi")
    assert sorted(k for k, _, _ in used) == list(range(1, 64))
    weights = data.agency_weights(63)
    assert len(weights) == 63 * len(data.AGENCY_WEIGHTS)
    assert len({code for code, _ in weights}) == len(weights)
    assert all(len(code) <= 16 for code, _ in weights)  # agency.code
    assert data.agency_weights(1) == [(code, weight * 12)
                                      for code, weight in data.AGENCY_WEIGHTS.items()]
