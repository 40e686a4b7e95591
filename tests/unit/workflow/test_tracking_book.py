"""The tracking book (form 06) on the domain layer: the period in local dates, the lines,
pages and the XLSX writer."""

from __future__ import annotations

import io
from datetime import date, datetime

import factories
from openpyxl import load_workbook

from portal.calendar import VN_TZ
from portal.dossiers.models import ReturnMethod
from portal.workflow import actions as wf
from portal.workflow import tracking_book as book


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


def test_period_bounds_are_local_midnights():
    low, high = book.Period(date(2025, 3, 1), date(2025, 3, 31)).bounds
    assert low == at(1, 0) and high == datetime(2025, 4, 1, tzinfo=VN_TZ)
    assert book.Period().bounds == (None, None)
    assert book.Period(date(2025, 3, 1)).label == "Từ ngày 01/03/2025"


def test_a_late_evening_reception_belongs_to_its_local_day(world):
    late = world.dossier
    # The local date decides: 00:10 on 1 April in Viet Nam is still 31 March in UTC.
    wf.receive(late, world.ctx(world.counter, at(31, 23, 30)))
    march = book.Period(date(2025, 3, 31), date(2025, 3, 31))
    april = book.Period(date(2025, 4, 1), date(2025, 4, 30))
    assert [line.code for line in book.iter_lines(world.agency.id, march)] == [late.code]
    assert list(book.iter_lines(world.agency.id, april)) == []
    early = factories.submitted_dossier(world.version, world.applicant, at(31, 8))
    wf.receive(early, world.ctx(world.counter, datetime(2025, 4, 1, 0, 10, tzinfo=VN_TZ)))
    assert [line.code for line in book.iter_lines(world.agency.id, april)] == [early.code]


def test_lines_follow_the_dossier(world):
    d = world.dossier
    wf.receive(d, world.ctx(world.counter, at(12, 10)))
    wf.take(d, world.ctx(world.specialist, at(12, 11)))
    wf.complete_step(d, world.ctx(world.specialist, at(13, 9)), "Đủ", world.leader)
    factories.result_file(d, world.leader)
    wf.approve(d, world.ctx(world.leader, at(14, 9)))
    wf.hand_over(d, world.ctx(world.counter, at(17, 8)), ReturnMethod.COUNTER, "Ông An")
    other_agency = factories.submitted_dossier(factories.published_procedure(world.other))
    assert other_agency.agency_id != world.agency.id
    [line] = book.iter_lines(world.agency.id, book.Period())
    assert (line.number, line.code, line.sets) == (1, d.code, 1)
    assert line.owner_name == d.applicant_name and line.officer == world.counter.full_name
    assert line.received_at == at(12, 10) and line.appointment_at == d.due_at
    assert line.handovers == 2 and line.last_handover.endswith(world.leader.full_name)
    assert line.result_at == at(14, 9) and line.returned_at == at(17, 8)
    assert line.returned_to == "Ông An" and "đúng hạn" in line.notes


def test_pages_number_on(world):
    for day in (3, 4, 5):
        item = factories.submitted_dossier(world.version, world.applicant, at(day, 8))
        wf.receive(item, world.ctx(world.counter, at(day, 9)))
    wf.receive(world.dossier, world.ctx(world.counter, at(12, 10)))
    second = book.book_page(world.agency.id, book.Period(), 2, size=3)
    assert second.total == 4 and second.pages == 2
    assert [(line.number, line.code) for line in second.items] == [(4, world.dossier.code)]


def test_xlsx_has_a_title_a_header_and_one_row_per_line(world):
    wf.receive(world.dossier, world.ctx(world.counter, at(12, 10)))
    out = io.BytesIO()
    count = book.write_xlsx(book.iter_lines(world.agency.id, book.Period()), world.agency,
                            book.Period(date(2025, 3, 1), date(2025, 3, 31)), out)
    assert count == 1
    rows = list(load_workbook(io.BytesIO(out.getvalue()), read_only=True).active.iter_rows(
        values_only=True))
    assert rows[0][0] == world.agency.name and rows[1][0] == "SỔ THEO DÕI HỒ SƠ"
    assert "01/03/2025" in rows[2][0] and rows[3] == book.COLUMNS
    assert rows[4][:2] == (1, world.dossier.code)
    assert rows[4][7] == datetime(2025, 3, 12, 10, 0)
