"""The financial obligation as data (issue 18): the officer states the amount, the payee,
where to pay, the deadline and attaches the tax notice; every problem is listed at once and
nothing is half saved; the citizen sees it at the top of their dossier page with what to do
and downloads the notice; the officer confirms the payment and the clock resumes."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import factories
import pytest
from sample_files import PDF
from staff_helpers import IN_PROGRESS, act, advance, load, obligation_kwargs, version_of

from portal.accounts.models import User
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.core.models import utcnow
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow.obligations import PREFIX, Obligation

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
NOTICE_NAME = "Thông báo nộp thuế số 15-TB-CCT.pdf"


def _day(days: int = 0) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(VN_TZ).date().isoformat()


def _terms(**changes) -> dict:
    fields = {"amount": "1.500.000", "payee": "Chi cục Thuế khu vực Sơn Tịnh",
              "pay_to": "Kho bạc Nhà nước Sơn Tịnh, tài khoản 7111.0.1055", "due_on": _day(30)}
    fields.update(changes)
    return fields


def _notice(content: bytes = PDF, name: str = NOTICE_NAME) -> dict:
    return {"notice": (io.BytesIO(content), name)}


def _stored(app) -> list[str]:
    with app.app_context():
        return [key for key, _ in app.extensions["storage"].list(PREFIX)]


@pytest.fixture(autouse=True)
def _no_notices_yet(app):
    """The store outlives each test's rolled-back database: start without any notice."""
    with app.app_context():
        storage = app.extensions["storage"]
        for key in _stored(app):
            storage.delete(key)


def _obligations(app, dossier_id: int) -> list[Obligation]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Obligation)
                                       .where(Obligation.dossier_id == dossier_id)))
        for row in rows:
            _ = row.files  # loaded before the session goes
        db.session.expunge_all()
        return rows


def _request(as_, app, world, **kwargs):
    advance(app, world, *IN_PROGRESS)
    response = act(as_("specialist"), app, world.dossier_id, "request_obligation", _terms(),
                   files=_notice())
    assert response.status_code == 303, response.text[:1500]
    return _obligations(app, world.dossier_id)[0]


def test_the_form_lists_every_problem_at_once_and_saves_nothing(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    before = load(app, world.dossier_id)
    response = act(as_("specialist"), app, world.dossier_id, "request_obligation",
                   {"amount": "một triệu", "payee": "", "pay_to": " ", "due_on": _day(-1)})
    assert response.status_code == 422
    page = response.text
    for message in ("Số tiền phải là số nguyên dương (đơn vị đồng), ví dụ 1.500.000.",
                    "Vui lòng nhập cơ quan thu (nơi nhận tiền).",
                    "Vui lòng ghi nơi nộp hoặc số tài khoản nhận tiền.",
                    "Hạn nộp phải từ hôm nay trở đi.",
                    "Vui lòng đính kèm tệp thông báo nộp thuế."):
        assert message in page, message
    assert "Vui lòng sửa các lỗi sau" in page  # the summary, each error linked to its field
    after = load(app, world.dossier_id)
    assert (after.state, after.lock_version) == (before.state, before.lock_version)
    assert _obligations(app, world.dossier_id) == [] and _stored(app) == []


def test_a_file_of_the_wrong_type_is_refused_with_the_other_problems(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    response = act(as_("specialist"), app, world.dossier_id, "request_obligation",
                   _terms(amount=""), files=_notice(EXE, "thong-bao.pdf"))
    assert response.status_code == 422
    assert "Vui lòng nhập số tiền phải nộp." in response.text
    assert "Tệp “thong-bao.pdf” không đúng định dạng cho phép." in response.text
    # The browser does not keep the file: the form names the one to choose again.
    assert "Tệp đã chọn: thong-bao.pdf" in response.text
    assert _stored(app) == [] and load(app, world.dossier_id).state is S.IN_PROGRESS


def test_an_empty_file_and_an_absurd_amount_are_refused(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    response = act(as_("specialist"), app, world.dossier_id, "request_obligation",
                   _terms(amount="99.999.999.999.999.999"), files=_notice(b"", "trong.pdf"))
    assert response.status_code == 422
    assert "Số tiền quá lớn" in response.text and "rỗng (0 byte)" in response.text
    assert _stored(app) == []


def test_a_stale_page_leaves_no_stored_notice(as_, world, app):
    """The notice is stored before the action runs; the action then refuses (someone else
    changed the dossier): the change is rolled back and the object deleted."""
    advance(app, world, *IN_PROGRESS)
    stale = version_of(app, world.dossier_id)
    advance(app, world, ("specialist", "complete_step", {"note": "Chuyển lãnh đạo"}))
    response = act(as_("leader"), app, world.dossier_id, "request_obligation", _terms(),
                   files=_notice(), version=stale)
    assert response.status_code == 409
    assert _stored(app) == [] and _obligations(app, world.dossier_id) == []


def test_the_obligation_is_recorded_and_the_clock_paused(as_, world, app):
    item = _request(as_, app, world)
    assert (item.amount, item.payee) == (1_500_000, "Chi cục Thuế khu vực Sơn Tịnh")
    assert item.due_on.isoformat() == _day(30) and item.open
    assert item.notice.original_name == NOTICE_NAME and item.notice.size == len(PDF)
    assert _stored(app) == [item.notice.storage_key]
    dossier = load(app, world.dossier_id)
    assert dossier.state is S.AWAITING_PAYMENT_OF_OBLIGATION
    page = as_("specialist").get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "1.500.000" in page and "₫" in page and "Chi cục Thuế khu vực Sơn Tịnh" in page
    assert "Thời hạn giải quyết tạm dừng từ ngày" in page
    assert "(chờ thực hiện nghĩa vụ tài chính)" in page
    notice_url = f"/can-bo/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id}"
    assert notice_url in page
    downloaded = as_("leader").get(notice_url)
    assert downloaded.status_code == 200 and downloaded.data == PDF
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"


def test_the_form_proposes_a_working_day_thirty_days_on(as_, world, app):
    from portal.calendar.overrides import current_calendar
    from portal.workflow.obligations import proposed_due_on

    advance(app, world, *IN_PROGRESS)
    fragment = as_("specialist").get(
        f"/can-bo/ho-so/{world.dossier_id}/thao-tac/request_obligation",
        headers={"HX-Request": "true"}).text
    with app.app_context():
        proposal = proposed_due_on(current_calendar(), utcnow())
        assert current_calendar().is_working_day(proposal)
    assert f'value="{proposal.isoformat()}"' in fragment
    assert 'enctype="multipart/form-data"' in fragment and 'name="csrf_token"' in fragment


def test_the_citizen_sees_it_at_the_top_with_what_to_do(as_, signed_in, world, app):
    item = _request(as_, app, world)
    citizen = signed_in(world.emails["citizen"])
    page = citizen.get(f"/ho-so/{world.dossier_id}").get_data(as_text=True)
    top = page.index('id="obligation"')
    assert top < page.index("confirmation-panel")  # before the dossier's state
    section = page[top:page.index("</section>", top)]
    assert "Bạn cần thực hiện nghĩa vụ tài chính" in section
    assert "1.500.000" in section and "Chi cục Thuế khu vực Sơn Tịnh" in section
    assert "Kho bạc Nhà nước Sơn Tịnh, tài khoản 7111.0.1055" in section
    assert "Cán bộ sẽ xác nhận" in section
    url = f"/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id}"
    assert url in section
    assert "Thời hạn giải quyết tạm dừng từ ngày" in page
    downloaded = citizen.get(url)
    assert downloaded.status_code == 200 and downloaded.data == PDF
    disposition = downloaded.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "Th%C3%B4ng" in disposition
    # "Hồ sơ của tôi": among what waits for the applicant.
    mine = citizen.get("/ho-so").get_data(as_text=True)
    assert "Cần thực hiện nghĩa vụ tài chính" in mine and "hạn nộp" in mine


def test_nobody_else_gets_the_notice(as_, signed_in, world, app):
    item = _request(as_, app, world)
    with app.app_context():
        factories.citizen("nguoikhac@example.vn")
        db.session.commit()
    stranger = signed_in("nguoikhac@example.vn")
    assert stranger.get(f"/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id}"
                        ).status_code == 404
    other_officer = as_("other")
    assert other_officer.get(f"/can-bo/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id}"
                             ).status_code == 404
    # Another agency's officer cannot act on it either (the dossier does not exist for them).
    assert act(other_officer, app, world.dossier_id, "obligation_fulfilled",
               {"paid_on": _day()}).status_code == 404
    # The applicant cannot reach the staff route, nor confirm their own payment.
    citizen = signed_in(world.emails["citizen"])
    assert citizen.get(f"/can-bo/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id}"
                       ).status_code == 403
    assert act(citizen, app, world.dossier_id, "obligation_fulfilled",
               {"paid_on": _day()}).status_code == 403
    # A file id that is not this dossier's obligation's: 404 on both sides.
    assert citizen.get(f"/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id + 1000}"
                       ).status_code == 404
    assert as_("leader").get(f"/can-bo/ho-so/{world.dossier_id}/nghia-vu/{item.notice.id + 1}"
                             ).status_code == 404
    with app.app_context():
        other_version = factories.published_procedure(
            db.session.get(Agency, world.agency_id), name="Thủ tục khác")
        other_dossier = factories.submitted_dossier(
            other_version, db.session.get(User, world.user_ids["citizen"]))
        db.session.commit()
        other_id = other_dossier.id
    # The right file through another dossier of the same applicant: not found.
    assert citizen.get(f"/ho-so/{other_id}/nghia-vu/{item.notice.id}").status_code == 404


def test_posting_without_the_csrf_token_is_refused_before_anything_is_stored(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    specialist = as_("specialist")
    data = {f"request_obligation-{k}": v for k, v in _terms().items()}
    data["request_obligation-lock_version"] = str(version_of(app, world.dossier_id))
    data["request_obligation-notice"] = (io.BytesIO(PDF), NOTICE_NAME)
    response = specialist.client.post(f"/can-bo/ho-so/{world.dossier_id}/request_obligation",
                                      data=data)
    assert response.status_code == 400
    assert _stored(app) == [] and load(app, world.dossier_id).state is S.IN_PROGRESS


def test_confirming_the_payment_records_when_with_the_receipt_and_resumes_the_clock(
        as_, signed_in, world, app):
    item = _request(as_, app, world)
    paused_due = load(app, world.dossier_id).due_at
    counter = as_("counter")
    tomorrow = act(counter, app, world.dossier_id, "obligation_fulfilled",
                   {"paid_on": _day(1)})
    assert tomorrow.status_code == 422 and "Ngày nộp không được sau hôm nay." in tomorrow.text
    receipt = {"receipt": (io.BytesIO(PDF), "biên lai.pdf")}
    done = act(counter, app, world.dossier_id, "obligation_fulfilled",
               {"paid_on": _day(), "note": "Biên lai số 0042"}, files=receipt)
    assert done.status_code == 303, done.text[:1500]
    dossier = load(app, world.dossier_id)
    assert dossier.state is S.IN_PROGRESS and dossier.due_at >= paused_due
    [paid] = _obligations(app, world.dossier_id)
    assert paid.paid_on.isoformat() == _day() and paid.confirmed_at is not None
    assert paid.receipt_note == "Biên lai số 0042" and paid.receipt.original_name == "biên lai.pdf"
    assert sorted(_stored(app)) == sorted([item.notice.storage_key, paid.receipt.storage_key])
    citizen = signed_in(world.emails["citizen"])
    page = citizen.get(f"/ho-so/{world.dossier_id}").get_data(as_text=True)
    assert 'id="obligation"' not in page and "clock-paused" not in page
    assert "obligation-done" in page and "Biên lai số 0042" in page
    assert citizen.get(f"/ho-so/{world.dossier_id}/nghia-vu/{paid.receipt.id}").data == PDF
    assert re.search(r"Người nộp đã hoàn thành nghĩa vụ tài chính ngày \d\d/\d\d/\d{4}", page)


def test_the_storage_sweep_knows_the_prefix(as_, world, app):
    """An object under obligations/ with no row is swept; the notice stays."""
    from portal.dossiers.cli import sweep_orphans

    item = _request(as_, app, world)
    orphan = f"{PREFIX}{world.dossier_id}/orphan"
    with app.app_context():
        storage = app.extensions["storage"]
        storage.put(orphan, io.BytesIO(PDF), content_type="application/pdf")
        sweep_orphans(storage, timedelta(hours=1), now=utcnow() + timedelta(hours=2))
    assert _stored(app) == [item.notice.storage_key]


def test_the_domain_still_accepts_an_obligation_without_a_file(app, world):
    """The 2019 replay's notices were paper: no file, the terms all the same."""
    advance(app, world, *IN_PROGRESS, ("specialist", "request_obligation", obligation_kwargs()))
    [item] = _obligations(app, world.dossier_id)
    assert item.notice is None and item.amount == 1_200_000


@pytest.mark.parametrize("typed,amount", [("1.500.000", 1_500_000), ("1 500 000 đ", 1_500_000),
                                          ("2500000", 2_500_000), ("750.000đồng", 750_000)])
def test_amounts_are_read_as_typed_in_vietnam(typed, amount):
    from portal.blueprints.staff.forms import parse_amount

    assert parse_amount(typed) == amount
