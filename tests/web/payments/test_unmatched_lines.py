"""Unmatched bank statement lines (issue 14, docs/payments.md "Unmatched statement lines"):
the import keeps the short, excess, unknown and second-transfer lines in its own
transaction, once per bank reference whatever is imported again; the reconciliation page
counts the unresolved ones per agency (a line naming no dossier only in the total of a
reader of every agency) and lists them; "Đánh dấu đã xử lý" takes a required note, works
once (a second time is told so, in Vietnamese) and is refused to everyone else: a citizen,
a leader and the supervisor 403, another agency's counter officer 404."""

from __future__ import annotations

import io
from io import BytesIO

import factories
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.catalog.models import Agency
from portal.extensions import db
from portal.payments import vietqr
from portal.payments.models import (
    Payment,
    PaymentState,
    StatementImport,
    StatementLineRecord,
)

LABEL = "Dòng sao kê chưa khớp cần xử lý"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _cell(page: str, row: str, figure: str = "unmatched") -> str:
    part = page.split(row, 1)[1].split("</tr>", 1)[0]
    return part.split(f'data-figure="{figure}">', 1)[1].split("</td>", 1)[0]


def _import(client, csv: str):
    return client.post("/thu-phi/sao-ke", data={"file": (io.BytesIO(csv.encode()),
                                                         "saoke-0712.csv")},
                       content_type="multipart/form-data")


@pytest.fixture
def imported(app, world, as_):
    """The citizen chose VietQR; the bank imported a statement: a short transfer, the exact
    one, a transfer naming no dossier and a second transfer for the dossier now paid."""
    as_("owner").post(f"/thanh-toan/{world.request_id}/chuyen-khoan")
    note = vietqr.transfer_note(world.code)
    csv = (f"Ngày;Số tiền;Nội dung;Mã giao dịch\n"
           f"07/12/2026;100.000;{note} lan 1;FT101\n"
           f"07/12/2026;208.000;{note};FT102\n"
           f"07/12/2026;50.000;Ung ho;FT103\n"
           f"07/12/2026;208.000;{note} lan 2;FT104\n")
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp"))
        factories.staff(Role.LEADER, agency, "lanhdao@example.vn")
        factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn")
        db.session.commit()
    first = _import(as_("bank"), csv)
    assert first.status_code == 200
    page = _text(first)
    assert "Đã ghi nhận 1 khoản" in page and "Cần xử lý: 3 dòng" in page
    assert "Dòng sao kê chưa khớp cần xử lý" in page  # the page says they are kept
    return csv


def _lines() -> dict[str, StatementLineRecord]:
    return {line.reference: line for line in db.session.scalars(select(StatementLineRecord))}


def test_the_import_keeps_the_lines_to_resolve_once(app, world, as_, imported):
    with app.app_context():
        lines = _lines()
        assert set(lines) == {"FT101", "FT103", "FT104"}
        assert (lines["FT101"].kind, lines["FT101"].amount,
                lines["FT101"].expected_amount) == ("short", 100000, 208000)
        assert lines["FT103"].kind == "unknown" and lines["FT103"].agency_id is None
        assert lines["FT104"].kind == "duplicate" and lines["FT104"].dossier_code == world.code
        assert lines["FT101"].agency_id == lines["FT104"].agency_id is not None
        assert lines["FT103"].description == "Ung ho"
        batch = lines["FT101"].statement_import
        assert (batch.filename, batch.line_count, batch.matched_count) == (
            "saoke-0712.csv", 4, 1)
        assert lines["FT101"].imported_by.email == world.emails["bank"]
        assert all(line.resolved_at is None for line in lines.values())
        assert db.session.scalar(select(Payment.state)) is PaymentState.PAID
    again = _text(_import(as_("bank"), imported))
    assert "Đã ghi nhận 0 khoản" in again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementLineRecord)) == 3
        assert db.session.scalar(select(func.count()).select_from(StatementImport)) == 2


def test_the_reconciliation_page_counts_and_lists_them(app, world, as_, signed_in, imported):
    bank = _text(as_("bank").get("/thu-phi/doi-soat"))
    assert LABEL in bank
    stp = _cell(bank, '<th scope="row">Sở Tư pháp</th>')
    assert "308.000" in stp and "2 khoản" in stp  # the short line and the second transfer
    total = _cell(bank, "Tổng cộng")
    assert "358.000" in total and "3 khoản" in total  # and the one naming no dossier
    listed = _text(as_("bank").get("/thu-phi/doi-soat/unmatched"))
    assert all(ref in listed for ref in ("FT101", "FT103", "FT104"))
    assert "Thiếu 108.000" in listed and "Không xác định được hồ sơ" in listed
    assert f"Chuyển khoản thêm cho hồ sơ {world.code} đã thanh toán" in listed
    assert "saoke-0712.csv" in listed and "Đánh dấu đã xử lý" in listed
    counter = _text(as_("counter").get("/thu-phi/doi-soat/unmatched"))
    assert "FT101" in counter and "FT104" in counter and "FT103" not in counter
    assert "2 khoản" in _cell(_text(as_("counter").get("/thu-phi/doi-soat")),
                              '<th scope="row">Sở Tư pháp</th>')
    assert "FT1" not in _text(as_("foreign").get("/thu-phi/doi-soat/unmatched"))
    supervisor = _text(signed_in("giamsat@example.vn").get("/thu-phi/doi-soat/unmatched"))
    assert "FT103" in supervisor and "Đánh dấu đã xử lý" not in supervisor  # reads only
    leader = _text(signed_in("lanhdao@example.vn").get("/thu-phi/doi-soat/unmatched"))
    assert "FT101" in leader and "FT103" not in leader
    sheet = load_workbook(BytesIO(as_("bank").get("/thu-phi/doi-soat.xlsx").data)).active
    header = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    column = header.index(f"{LABEL}: số khoản")
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Sở Tư pháp"][column:column + 2] == (2, 308000)
    assert rows["Tổng cộng"][column:column + 2] == (3, 358000)


def test_a_line_is_resolved_once_with_a_note(app, world, as_, imported):
    with app.app_context():
        short_id, unknown_id = _lines()["FT101"].id, _lines()["FT103"].id
    counter = as_("counter")
    url = f"/thu-phi/doi-soat/dong-sao-ke/{short_id}"
    page = _text(counter.get(url))
    assert "FT101" in page and "Ghi chú cách xử lý" in page and "saoke-0712.csv" in page
    empty = counter.post(url, data={"note": "  "})
    assert empty.status_code == 422 and "Vui lòng nhập ghi chú cách xử lý" in _text(empty)
    done = counter.post(url, data={"note": "Đã hoàn trả 100.000 ₫ cho người chuyển"})
    assert done.status_code == 303 and "/thu-phi/doi-soat/unmatched" in done.headers["Location"]
    second = as_("bank").post(url, data={"note": "Lần nữa"})
    assert second.status_code == 422
    told = _text(second)
    assert "đã được" in told and "đánh dấu đã xử lý lúc" in told
    assert "Đã hoàn trả 100.000 ₫ cho người chuyển" in told
    with app.app_context():
        line = db.session.get(StatementLineRecord, short_id)
        assert line.resolved_at is not None
        assert line.resolved_by_id == user_by_email(world.emails["counter"]).id
        assert line.resolution_note == "Đã hoàn trả 100.000 ₫ cho người chuyển"
    listed = _text(counter.get("/thu-phi/doi-soat/unmatched"))
    assert "đã xử lý dòng sao kê FT101" in listed  # the flash
    assert ">FT101</td>" not in listed and ">FT104</td>" in listed
    assert "1 khoản" in _cell(_text(counter.get("/thu-phi/doi-soat")),
                              '<th scope="row">Sở Tư pháp</th>')
    # The bank's collection officer resolves the line naming no dossier.
    bank_url = f"/thu-phi/doi-soat/dong-sao-ke/{unknown_id}"
    assert as_("bank").post(bank_url, data={"note": "Ngân hàng trả lại"}).status_code == 303
    assert ">FT103</td>" not in _text(as_("bank").get("/thu-phi/doi-soat/unmatched"))


def test_only_those_who_import_statements_resolve_their_lines(app, world, as_, signed_in,
                                                             client, imported):
    with app.app_context():
        short_id, unknown_id = _lines()["FT101"].id, _lines()["FT103"].id
    short = f"/thu-phi/doi-soat/dong-sao-ke/{short_id}"
    unknown = f"/thu-phi/doi-soat/dong-sao-ke/{unknown_id}"
    cases = [(as_("owner"), short, 403), (signed_in("lanhdao@example.vn"), short, 403),
             (signed_in("giamsat@example.vn"), unknown, 403), (as_("foreign"), short, 404),
             (as_("counter"), unknown, 404),  # a line of no agency: the bank's
             (as_("bank"), "/thu-phi/doi-soat/dong-sao-ke/999999", 404)]
    for who, url, status in cases:
        assert who.get(url).status_code == status, url
        assert who.post(url, data={"note": "x"}).status_code == status, url
    assert client.get(short).status_code in (302, 401)
    with app.app_context():
        assert all(line.resolved_at is None for line in _lines().values())
