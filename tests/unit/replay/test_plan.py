"""Planning the 2019 replay without a database: from the published Appendix 1 and the demo
catalog (the hand-written procedures and the generated ones, as `flask demo seed` publishes
them) to one plan per dossier. The fates alone must already add up to every published cell
of every agency, and the report's text figures to its numbers; each reception must be one
the dossier's fate can follow from."""

from __future__ import annotations

from collections import Counter
from datetime import time

import pytest

from portal.calendar import VN_TZ, WorkCalendar
from portal.catalog.demo_data import AGENCIES, PROCEDURES, generate_procedures
from portal.catalog.models import AgencyKind
from portal.dossiers.models import Channel
from portal.replay import placing
from portal.replay import plan as P
from portal.replay.plan import Fate
from portal.stats import published
from portal.stats.figures import Cell

CATALOG = 1400  # `flask demo seed`'s default


class _Agency:
    def __init__(self, raw: dict):
        self.name, self.code, self.kind = raw["name"], raw["code"], AgencyKind(raw["kind"])


def _infos() -> dict[str, list[P.ProcedureInfo]]:
    raws = PROCEDURES + generate_procedures(CATALOG - len(PROCEDURES))
    infos: dict[str, list[P.ProcedureInfo]] = {a["code"]: [] for a in AGENCIES}
    for number, raw in enumerate(raws, 1):
        cutoff = raw.get("cutoff")
        infos[raw["agency"]].append(P.ProcedureInfo(
            number, raw["code"], raw["online_level"] != "offline", raw["on_the_spot"],
            raw["inter_agency"], raw["applicant"] == "business", raw["time"]["unit"],
            raw["time"]["amount"], time.fromisoformat(cutoff) if cutoff else None))
    return infos


@pytest.fixture(scope="module")
def year():
    """(targets, plans by agency code, the agency of each published row)."""
    agencies = [_Agency(raw) for raw in AGENCIES]
    matched = published.agency_rows(agencies)
    rows = [(a.code, a.kind is AgencyKind.LAND, published.expected_cells(row.key))
            for row, a in matched]
    infos = _infos()
    days = placing.Days(WorkCalendar())
    targets = P.share_out(rows, infos)
    return targets, {t.code: placing.plan_agency(t, infos[t.code], days) for t in targets}, matched


def predicted(plans: list[P.Plan]) -> dict[Cell, int]:
    """The cells the plans will land in, by the definitions of portal/stats/figures.py."""
    c: Counter[Cell] = Counter()
    for p in plans:
        c[Cell.RECEIVED] += 1
        if p.carried:
            c[Cell.CARRIED] += 1
        else:
            c[Cell.ONLINE if p.channel is Channel.ONLINE else Cell.DIRECT] += 1
        if p.resolved:
            c[Cell.RESOLVED] += 1
            c[Cell.LATE if p.late else Cell.ON_TIME] += 1
            if p.fate is Fate.WITHDRAWN:
                c[Cell.WITHDRAWN] += 1
            if p.fate in (Fate.REFUSED, Fate.STOPPED):
                c[Cell.RETURNED] += 1
        else:
            c[Cell.PENDING] += 1
            if p.fate is Fate.OVERDUE:
                c[Cell.OVERDUE_PREV if p.carried else Cell.OVERDUE_THIS] += 1
            else:
                c[Cell.WITHIN] += 1
    return c


def test_every_published_row_is_matched_to_one_agency(year):
    _, _, matched = year
    codes = [agency.code for _, agency in matched]
    assert len(codes) == 18 == len(set(codes))
    names = {row.name: agency.code for row, agency in matched}
    assert names["Văn phòng ĐKĐĐ - CN thành phố"] == "VPDKDDTP"
    assert names["Phòng Tài nguyên Môi trường thành phố"] == "PTNMTTP"
    assert names["Sở Lao động - Thương binh và Xã hội"] == "SLDTBXH"


def test_the_fates_add_up_to_every_published_cell(year):
    _, plans, matched = year
    for row, agency in matched:
        expected = published.expected_cells(row.key)
        got = predicted(plans[agency.code])
        assert {c: got[c] for c in expected} == expected, row.name


def test_the_text_figures_are_shared_out_exactly(year):
    _, plans, _ = year
    everyone = [p for ps in plans.values() for p in ps]
    figures = published.REPORT_TEXT_FIGURES
    assert sum(not p.carried and p.channel is Channel.ONLINE for p in everyone) == \
        figures["online"]
    assert sum(p.channel is Channel.POSTAL for p in everyone) == figures["received_by_post"]
    assert sum(p.postal_return for p in everyone) == figures["returned_by_post"]
    spot = Counter(p.procedure.code for p in everyone if p.fate is Fate.ON_THE_SPOT)
    assert spot == {"1.003810": figures["on_the_spot_animal_quarantine"],
                    "2.000004": figures["on_the_spot_trade_promotion"]}
    forwarded = [p for p in everyone if p.inter_agency]
    assert len(forwarded) == figures["inter_agency_received"]
    assert sum(p.resolved for p in forwarded) == figures["inter_agency_resolved"]
    assert all(p.procedure.inter_agency for p in forwarded)


def test_each_dossier_has_a_fitting_procedure_and_reception(year):
    _, plans, _ = year
    calendar = WorkCalendar()
    days = placing.Days(calendar)
    for code, ps in plans.items():
        land = code in ("VPDKDDTP", "PTNMTTP")
        for p in ps:
            assert p.procedure is not None and p.received_at is not None
            assert calendar.is_working_instant(p.received_at), (code, p.number)
            assert p.filed_at <= p.received_at
            if p.carried:
                assert p.received_at < days.start_at
            else:
                assert days.start_at <= p.received_at < days.end_at
            if land:  # the land section came to the centre on 1/7/2019
                assert p.received_at.astimezone(VN_TZ).date() >= P.LAND_FROM
            if p.channel is Channel.ONLINE:
                assert p.procedure.online
            assert p.procedure.on_the_spot == (p.fate is Fate.ON_THE_SPOT)
            assert p.procedure.inter_agency == p.inter_agency
            if p.fate is Fate.OPEN:  # not yet due when the period ends
                due = calendar.add(p.received_at, p.procedure.duration, p.procedure.cutoff)
                assert due.due >= days.end_at
        numbers = [p.number for p in ps]
        assert numbers == list(range(1, len(ps) + 1))
        assert [p.filed_at for p in ps] == sorted(p.filed_at for p in ps)


def test_withdrawals_come_from_an_account(year):
    _, plans, _ = year
    assert all(p.account for ps in plans.values() for p in ps if p.fate is Fate.WITHDRAWN)


def test_planning_is_deterministic(year):
    targets, plans, _ = year
    days = placing.Days(WorkCalendar())
    infos = _infos()
    again = placing.plan_agency(targets[8], infos[targets[8].code], days)  # Sở Tư pháp
    assert [(p.fate, p.channel, p.received_at, p.procedure.code) for p in again] == \
        [(p.fate, p.channel, p.received_at, p.procedure.code) for p in plans[targets[8].code]]


def test_apportion_respects_caps_and_totals():
    assert P.apportion(10, {"a": 1, "b": 1, "c": 2}) == {"a": 3, "b": 2, "c": 5} or \
        P.apportion(10, {"a": 1, "b": 1, "c": 2}) == {"a": 2, "b": 3, "c": 5}
    assert P.apportion(10, {"a": 1, "b": 9}, {"b": 4}) == {"a": 6, "b": 4}
    with pytest.raises(ValueError):
        P.apportion(10, {"a": 1}, {"a": 3})
