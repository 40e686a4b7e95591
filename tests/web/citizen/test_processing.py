"""The applicant's side of agency processing (issue #4, "Citizen side"): the dossier page
(state, appointment, apology, public timeline, notices, e-result), answering a completion or
supplement request through HTTP, the applicant's copies of the official forms, and that
nobody else reaches any of it."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import factories
import pytest
from submission_helpers import PDF, upload

from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import queries as catalog_queries
from portal.core.models import utcnow
from portal.dossiers.models import Dossier, DossierFile, DossierState, FileKind
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow.models import Notice, NoticeKind

RESULT_BYTES = b"%PDF-1.4\n% ket qua dien tu\n%%EOF\n"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=VN_TZ)


@dataclass
class Dossiers:
    waiting: int  # received, then a supplement request (awaiting_supplement)
    completion: int  # a completion request before reception (needs_completion)
    overdue: int  # received, past due, with an apology and a new appointment
    finished: int  # approved with an e-result (result_ready)
    drafting_result: int  # in progress, an e-result attached but not approved yet
    result_file: int  # the approved e-result's file id
    unapproved_file: int  # the attached, unapproved e-result's file id


def ctx(user, now):
    return wf.Context(user, now, current_calendar())


@pytest.fixture
def dossiers(app, setup) -> Dossiers:
    with app.app_context():
        version = catalog_queries.published_by_code(setup.code)
        owner = user_by_email(setup.email)
        agency = version.procedure.agency
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        specialist = factories.staff(Role.SPECIALIST, agency)
        leader = factories.staff(Role.LEADER, agency)
        storage = app.extensions["storage"]

        def submitted(day: int, hour: int = 8) -> Dossier:
            return factories.submitted_dossier(version, owner, at(day, hour))

        def stored_result(dossier: Dossier) -> DossierFile:
            item = factories.result_file(dossier, leader)
            item.storage_key = f"dossiers/{dossier.id}/{uuid.uuid4().hex}"
            storage.put(item.storage_key, io.BytesIO(RESULT_BYTES),
                        content_type="application/pdf")
            item.size = len(RESULT_BYTES)
            return item

        waiting = submitted(12)
        wf.receive(waiting, ctx(counter, at(12, 9, 30)))
        wf.request_supplement(waiting, ctx(specialist, at(13, 9)),
                              "Bản sao CCCD có chứng thực\nGiấy xác nhận cư trú",
                              "Bản chụp CCCD bị mờ")

        completion = submitted(12)
        wf.request_completion(completion, ctx(counter, at(12, 10)), "Tờ khai có chữ ký",
                              "Tờ khai chưa ký")

        overdue = submitted(14)
        wf.receive(overdue, ctx(counter, at(14, 9)))
        wf.take(overdue, ctx(specialist, at(14, 10)))
        wf.apologise(overdue, ctx(leader, at(25, 9)), "Chờ xác minh của cơ quan công an",
                     at(28, 9))

        finished = submitted(17)
        wf.receive(finished, ctx(counter, at(17, 9)))
        wf.take(finished, ctx(specialist, at(17, 10)))
        result = stored_result(finished)
        wf.approve(finished, ctx(leader, at(18, 9)), "Phiếu lý lịch tư pháp số 123/LLTP")

        drafting = submitted(19)
        wf.receive(drafting, ctx(counter, at(19, 9)))
        wf.take(drafting, ctx(specialist, at(19, 10)))
        unapproved = stored_result(drafting)
        db.session.commit()
        return Dossiers(waiting.id, completion.id, overdue.id, finished.id, drafting.id,
                        result.id, unapproved.id)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def lock_version(html: str) -> str:
    return re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)


def state_of(app, dossier_id: int) -> dict:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        return {"state": dossier.state, "due_at": dossier.due_at,
                "lock_version": dossier.lock_version, "round": dossier.supplement_round,
                "files": [(f.original_name, f.kind, f.round, f.requirement_id)
                          for f in dossier.files]}


# --- the dossier page ---------------------------------------------------------------------

def test_page_shows_the_request_timeline_and_documents(citizen, app, dossiers, setup):
    html = page(citizen, f"/ho-so/{dossiers.waiting}")
    assert "Chờ bổ sung hồ sơ" in html  # the state
    # The request: number, items, reason, and the citizen's copy of form 02.
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(
            Notice.dossier_id == dossiers.waiting))
    assert "1/HDHS" in html and "Bản chụp CCCD bị mờ" in html
    assert "<li>Bản sao CCCD có chứng thực</li>" in html and "<li>Giấy xác nhận cư trú</li>" in html
    assert f"/ho-so/{dossiers.waiting}/phieu/02?notice={notice.id}" in html
    # One upload area per required document, one for other papers, and the send button.
    for requirement_id in setup.requirements:
        assert f'id="req-{requirement_id}"' in html
        assert f"/ho-so/{dossiers.waiting}/giay-to/{requirement_id}" in html
    assert 'id="req-other"' in html and f"/ho-so/{dossiers.waiting}/giay-to/khac" in html
    assert "Gửi hồ sơ bổ sung" in html and f"/ho-so/{dossiers.waiting}/bo-sung" in html
    assert "Đã nộp trước đây" in html  # the original papers, read-only
    assert "/static/js/upload.js" in html and "<script>" not in html
    # The receipt (form 01) once received.
    assert f"/ho-so/{dossiers.waiting}/phieu/01" in html
    # The public timeline, oldest first, in Viet Nam time.
    timeline = re.sub(r"<[^>]+>", "", html[html.index('class="timeline"'):])
    submitted_at = timeline.index("08:00 12/03/2025 – Nộp hồ sơ trực tuyến")
    received_at = timeline.index("09:30 12/03/2025 – Cơ quan đã tiếp nhận hồ sơ")
    requested_at = timeline.index("09:00 13/03/2025 – Yêu cầu bổ sung hồ sơ (số 1/HDHS)")
    assert submitted_at < received_at < requested_at


def test_dates_in_sentences_read_day_then_time(citizen, dossiers):
    """Issue 12: "Phiếu số 1/HDHS, ngày 13/03/2025, lúc 09:00" (was "ngày 09:00 13/03/2025")."""
    html = page(citizen, f"/ho-so/{dossiers.waiting}")
    assert "Phiếu số 1/HDHS, ngày 13/03/2025, lúc 09:00" in html
    assert "ngày 09:00" not in html


def test_internal_events_stay_internal(citizen, dossiers):
    html = page(citizen, f"/ho-so/{dossiers.overdue}")
    assert "nhận xử lý bước" not in html  # the specialist taking the dossier (internal)


def test_page_shows_the_apology_and_the_new_appointment(citizen, app, dossiers):
    html = page(citizen, f"/ho-so/{dossiers.overdue}")
    # Received Fri 14/03 09:00, 5 working days → Fri 21/03 09:00; new date Fri 28/03 09:00.
    assert "Hẹn mới: 09:00 28/03/2025" in html
    assert "Ngày hẹn ban đầu: 09:00 21/03/2025" in html
    assert "Lý do trễ hẹn: Chờ xác minh của cơ quan công an" in html
    assert "overdue-notice" in html and "Hồ sơ đã quá hạn giải quyết" in html
    with app.app_context():
        apology = db.session.scalar(db.select(Notice).where(Notice.kind == NoticeKind.APOLOGY))
    assert f"/ho-so/{dossiers.overdue}/phieu/04?notice={apology.id}" in html
    assert "Gửi hồ sơ bổ sung" not in html  # nothing asked of the applicant


def test_result_is_downloadable_once_approved(citizen, dossiers):
    html = page(citizen, f"/ho-so/{dossiers.finished}")
    assert "Có kết quả" in html and "Phiếu lý lịch tư pháp số 123/LLTP" in html
    link = f"/ho-so/{dossiers.finished}/tep/{dossiers.result_file}"
    assert link in html and "Tải kết quả điện tử" in html
    response = citizen.get(link)
    assert response.status_code == 200 and response.data == RESULT_BYTES
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # An e-result attached for the leader's approval is not the applicant's yet.
    draft_page = page(citizen, f"/ho-so/{dossiers.drafting_result}")
    assert "Tải kết quả điện tử" not in draft_page
    assert citizen.get(f"/ho-so/{dossiers.drafting_result}/tep/{dossiers.unapproved_file}"
                       ).status_code == 404


def test_citizen_copies_of_the_forms(citizen, app, dossiers):
    receipt = page(citizen, f"/ho-so/{dossiers.waiting}/phieu/01")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".lower() in receipt.lower()
    assert "/static/css/documents.css" in receipt and "/can-bo/" not in receipt
    assert f'href="/ho-so/{dossiers.waiting}"' in receipt  # back to the dossier page
    request_02 = page(citizen, f"/ho-so/{dossiers.waiting}/phieu/02")
    assert "Số: 1/HDHS" in request_02 and "Bản chụp CCCD bị mờ" in request_02
    # The date to answer by (issue 12, item 3), ten working days after the request.
    assert "bổ sung hồ sơ trước 09 giờ 00 phút, ngày 27/03/2025." in request_02
    apology = page(citizen, f"/ho-so/{dossiers.overdue}/phieu/04")
    assert "09 giờ 00 phút, ngày 28/03/2025" in apology
    pdf = citizen.get(f"/ho-so/{dossiers.overdue}/phieu/04.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Form 05 names internal holders: not the applicant's. No such notice: 404.
    assert citizen.get(f"/ho-so/{dossiers.waiting}/phieu/05").status_code == 404
    assert citizen.get(f"/ho-so/{dossiers.waiting}/phieu/03").status_code == 404
    assert citizen.get(f"/ho-so/{dossiers.completion}/phieu/01").status_code == 404
    with app.app_context():
        foreign = db.session.scalar(db.select(Notice.id).where(
            Notice.dossier_id == dossiers.overdue))
    assert citizen.get(f"/ho-so/{dossiers.waiting}/phieu/02?notice={foreign}"
                       ).status_code == 404


# --- nobody else --------------------------------------------------------------------------

def test_another_citizen_gets_404_on_every_new_route(other, app, dossiers, setup):
    before = {i: state_of(app, i) for i in (dossiers.waiting, dossiers.finished)}
    base = f"/ho-so/{dossiers.waiting}"
    for url in (base, f"{base}/phieu/01", f"{base}/phieu/02", f"{base}/phieu/02.pdf",
                f"/ho-so/{dossiers.overdue}/phieu/04",
                f"/ho-so/{dossiers.finished}/tep/{dossiers.result_file}"):
        assert other.get(url).status_code == 404, url
    version = before[dossiers.waiting]["lock_version"]
    assert other.post(f"{base}/bo-sung", data={"lock_version": version}).status_code == 404
    assert upload(other, dossiers.waiting, setup.requirements[0], (PDF, "x.pdf")
                  ).status_code == 404
    assert other.post(f"{base}/giay-to/khac", data={"files": (io.BytesIO(PDF), "x.pdf")}
                      ).status_code == 404
    assert other.post(f"{base}/rut", data={"reason": "Không phải của tôi"}).status_code == 404
    assert {i: state_of(app, i) for i in before} == before


def test_anonymous_is_sent_to_login(app, dossiers):
    client = app.test_client()
    for url in (f"/ho-so/{dossiers.waiting}", f"/ho-so/{dossiers.waiting}/phieu/01"):
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.location


# --- answering a request for papers -------------------------------------------------------

def test_supplement_through_http(citizen, app, dossiers, setup):
    url = f"/ho-so/{dossiers.waiting}"
    version = lock_version(page(citizen, url))  # the page as loaded, before the uploads
    before = state_of(app, dossiers.waiting)
    area = upload(citizen, dossiers.waiting, setup.requirements[0], (PDF, "cccd-chung-thuc.pdf"))
    assert area.status_code == 200
    fragment = area.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<section id="req-{setup.requirements[0]}"')
    assert "cccd-chung-thuc.pdf" in fragment and "Xóa" in fragment
    assert "Đã nộp trước đây" in fragment  # the original paper, not removable
    # Without JS: a plain form to "other papers", back to the dossier page.
    plain = citizen.post(f"{url}/giay-to/khac",
                         data={"files": (io.BytesIO(PDF), "xac-nhan-cu-tru.pdf")})
    assert plain.status_code == 303 and plain.location.endswith(f"{url}#req-other")
    after_upload = state_of(app, dossiers.waiting)
    added = [f for f in after_upload["files"] if f[0] in ("cccd-chung-thuc.pdf",
                                                          "xac-nhan-cu-tru.pdf")]
    assert [(f[1], f[2]) for f in added] == [(FileKind.SUPPLEMENT, before["round"])] * 2
    assert added[1][3] is None  # "other papers" has no requirement
    assert before["round"] == 1 and after_upload["state"] is DossierState.AWAITING_SUPPLEMENT
    sent = citizen.post(f"{url}/bo-sung", data={"lock_version": version})
    assert sent.status_code == 303 and sent.location.endswith(url)
    after = state_of(app, dossiers.waiting)
    assert after["state"] is DossierState.IN_PROGRESS
    assert after["due_at"] != before["due_at"]  # the clock resumed: the due time moved
    shown = page(citizen, url)
    assert "Đã gửi hồ sơ bổ sung" in shown and "Đang xử lý" in shown
    assert "Đã nhận hồ sơ bổ sung" in shown  # the timeline
    assert 'id="supplement"' not in shown
    # The round is closed: its files can no longer be added to or taken back.
    assert upload(citizen, dossiers.waiting, setup.requirements[0], (PDF, "muon.pdf")
                  ).status_code == 404


def test_a_supplement_file_is_named_after_its_type(citizen, app, dossiers, setup):
    """Issue 10, item 14, for supplements: a PDF sent as .html is kept as .pdf."""
    assert upload(citizen, dossiers.waiting, setup.requirements[0],
                  (PDF, "bo-sung.html")).status_code == 200
    files = state_of(app, dossiers.waiting)["files"]
    assert ("bo-sung.pdf", FileKind.SUPPLEMENT) in [(f[0], f[1]) for f in files]
    assert not any(f[0].endswith(".html") for f in files)


def test_remove_a_supplement_file_but_not_an_earlier_one(citizen, app, dossiers, setup):
    upload(citizen, dossiers.waiting, setup.requirements[0], (PDF, "nham.pdf"))
    with app.app_context():
        files = db.session.scalars(db.select(DossierFile).where(
            DossierFile.dossier_id == dossiers.waiting).order_by(DossierFile.id)).all()
        original, new = files[0].id, files[-1].id
    removed = citizen.post(f"/ho-so/{dossiers.waiting}/tep/{new}/xoa",
                           headers={"HX-Request": "true"})
    assert removed.status_code == 200 and "nham.pdf" not in removed.get_data(as_text=True)
    refused = citizen.post(f"/ho-so/{dossiers.waiting}/tep/{original}/xoa",
                           headers={"HX-Request": "true"})
    assert refused.status_code == 422
    names = [f[0] for f in state_of(app, dossiers.waiting)["files"]]
    assert "nham.pdf" not in names and len(names) == len(setup.requirements)


def test_resubmit_after_a_completion_request_with_htmx(citizen, app, dossiers, setup):
    url = f"/ho-so/{dossiers.completion}"
    html = page(citizen, url)
    assert "Cần bổ sung trước khi tiếp nhận" in html and "Tờ khai chưa ký" in html
    assert upload(citizen, dossiers.completion, setup.requirements[0],
                  (PDF, "to-khai-da-ky.pdf")).status_code == 200
    sent = citizen.post(f"{url}/bo-sung", data={"lock_version": lock_version(html)},
                        headers={"HX-Request": "true"})
    assert sent.status_code == 200 and sent.headers["HX-Redirect"] == url
    assert state_of(app, dossiers.completion)["state"] is DossierState.SUBMITTED
    assert "Đã gửi lại hồ sơ đã bổ sung" in page(citizen, url)


def _error_jumps_to_the_first_upload(html: str, first: int) -> None:
    """Issue 12, item 3: the error summary at the top of the request links to the first
    upload area's file input, which is marked invalid and described by the message."""
    summary = html.index("error-summary")
    assert summary < html.index('id="req-')  # above the upload areas
    assert f'<a href="#req-{first}-files">Vui lòng đính kèm ít nhất một tệp bổ sung' in html
    field = re.search(rf'<input[^>]*id="req-{first}-files"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and f"req-{first}-error" in field
    assert re.search(rf'id="req-{first}-error"[^>]*>Vui lòng đính kèm ít nhất', html)
    assert 'id="supplement-error"' not in html  # said at the field, not again by the button


def test_sending_without_a_file_is_refused(citizen, app, dossiers, setup):
    url = f"/ho-so/{dossiers.waiting}"
    html = page(citizen, url)
    before = state_of(app, dossiers.waiting)
    refused = citizen.post(f"{url}/bo-sung", data={"lock_version": lock_version(html)})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Vui lòng đính kèm ít nhất một tệp bổ sung trước khi gửi." in body
    _error_jumps_to_the_first_upload(body, setup.requirements[0])
    partial = citizen.post(f"{url}/bo-sung", data={"lock_version": lock_version(html)},
                           headers={"HX-Request": "true"})
    assert partial.status_code == 422
    fragment = partial.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="supplement"') and "<html" not in fragment
    assert "Vui lòng đính kèm ít nhất một tệp bổ sung" in fragment
    _error_jumps_to_the_first_upload(fragment, setup.requirements[0])
    assert state_of(app, dossiers.waiting) == before


def test_the_request_for_papers_comes_first_with_its_deadline(citizen, app, dossiers):
    """Issue 12, item 3: what is missing, the officer's note and the date to answer by are
    at the top of the page, above the dossier's state and appointment."""
    html = page(citizen, f"/ho-so/{dossiers.waiting}")
    request = html.index('id="supplement"')
    assert request < html.index("confirmation-panel") < html.index("Quá trình xử lý")
    assert html.index("<h1") < request  # the page's heading still comes first
    block = html[request:html.index("confirmation-panel")]
    assert "Bản sao CCCD có chứng thực" in block and "Bản chụp CCCD bị mờ" in block
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(
            Notice.dossier_id == dossiers.waiting, Notice.kind == NoticeKind.SUPPLEMENT))
        # Asked on Thursday 13/03/2025 at 09:00: ten working days later.
        assert notice.answer_by.astimezone(VN_TZ) == at(27, 9)
    assert "Vui lòng gửi hồ sơ bổ sung trước ngày 27/03/2025, lúc 09:00." in block
    finished = page(citizen, f"/ho-so/{dossiers.finished}")
    assert 'id="supplement"' not in finished and "error-summary" not in finished


def test_a_missing_version_jumps_to_the_send_button(citizen, dossiers):
    url = f"/ho-so/{dossiers.waiting}"
    body = citizen.post(f"{url}/bo-sung", data={}).get_data(as_text=True)
    assert '<a href="#send-supplement">' in body
    assert re.search(r'<button[^>]*id="send-supplement"[^>]*aria-describedby="supplement-error"',
                     body)


def test_a_stale_page_gets_the_conflict_message(citizen, app, dossiers, setup):
    url = f"/ho-so/{dossiers.waiting}"
    upload(citizen, dossiers.waiting, setup.requirements[0], (PDF, "cccd.pdf"))
    stale = int(lock_version(page(citizen, url))) - 1
    before = state_of(app, dossiers.waiting)
    response = citizen.post(f"{url}/bo-sung", data={"lock_version": stale})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Trang đã được tải lại với trạng thái mới nhất" in body
    assert f'value="{before["lock_version"]}"' in body  # the fresh version, to try again
    assert state_of(app, dossiers.waiting) == before
    with_htmx = citizen.post(f"{url}/bo-sung", data={"lock_version": stale},
                             headers={"HX-Request": "true"})
    assert with_htmx.headers["HX-Redirect"] == url
    assert "Trang đã được tải lại" in page(citizen, url)


@pytest.mark.parametrize("which", ["waiting", "completion"])  # supplement, resubmit
@pytest.mark.parametrize("sent", [{}, {"lock_version": ""}, {"lock_version": "²"}])
def test_sending_without_the_version_is_refused(citizen, app, dossiers, setup, which, sent):
    """Issue #10, item 16: the version is required, so a page that lost it cannot overwrite
    what an officer did meanwhile."""
    dossier_id = getattr(dossiers, which)
    url = f"/ho-so/{dossier_id}"
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "cccd.pdf"))
    before = state_of(app, dossier_id)
    for headers in ({}, {"HX-Request": "true"}):
        refused = citizen.post(f"{url}/bo-sung", data=sent, headers=headers)
        assert refused.status_code == 422
        body = refused.get_data(as_text=True)
        assert "không cho biết phiên bản hồ sơ bạn đã xem" in body
        assert f'value="{before["lock_version"]}"' in body  # the page shown, to send again
        assert state_of(app, dossier_id) == before
    sent = citizen.post(f"{url}/bo-sung", data={"lock_version": before["lock_version"]})
    assert sent.status_code == 303 and state_of(app, dossier_id)["state"] in (
        DossierState.IN_PROGRESS, DossierState.SUBMITTED)


def test_send_without_csrf_is_refused(citizen, app, dossiers):
    before = state_of(app, dossiers.waiting)
    raw = citizen.client
    assert raw.post(f"/ho-so/{dossiers.waiting}/bo-sung",
                    data={"lock_version": before["lock_version"]}).status_code == 400
    assert state_of(app, dossiers.waiting) == before


# --- "Hồ sơ của tôi": what needs the applicant first (issue 12, item 1) -------------------

def test_my_dossiers_lists_what_needs_the_applicant_first(citizen, other, dossiers):
    html = page(citizen, "/ho-so")
    assert html.index('class="btn btn-primary submit-new" href="/thu-tuc"') < html.index(
        "Bản nháp")
    block = html[html.index('id="needs-action-title"'):html.index("Bản nháp")]
    assert "Cần bạn xử lý" in block
    links = re.findall(r'href="/ho-so/(\d+)(#supplement)?"', block)
    # The two requests for papers (to the form, with its date to answer by), then the result.
    assert sorted(links[:2]) == sorted([(str(dossiers.waiting), "#supplement"),
                                        (str(dossiers.completion), "#supplement")])
    assert links[2:] == [(str(dossiers.finished), "")]
    assert "Hạn bổ sung: ngày 27/03/2025, lúc 09:00" in block
    assert "Có kết quả, mời nhận" in block
    for absent in (dossiers.overdue, dossiers.drafting_result):
        assert f'href="/ho-so/{absent}"' not in block
    # Someone else's dossiers are none of their business.
    assert "Cần bạn xử lý" not in page(other, "/ho-so")


# --- withdrawal (issue 18) ---------------------------------------------------------------

def withdrawal_of(app, dossier_id: int) -> tuple:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        return dossier.state, dossier.withdrawal_requested_at, dossier.withdrawal_reason


def test_withdrawal_while_processing_then_confirmed(citizen, app, dossiers, setup):
    """Asked for while the agency processes it, recorded once, then confirmed: the page says
    what happened, and no longer that an officer will confirm."""
    url = f"/ho-so/{dossiers.overdue}"
    assert "Gửi yêu cầu rút hồ sơ" in page(citizen, url)  # in progress: the form is offered
    done = citizen.post(f"{url}/rut", data={"reason": "Không còn nhu cầu"})
    assert done.status_code == 303
    shown = page(citizen, url)
    assert re.search(r"Đã gửi đề nghị rút hồ sơ ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d; "
                     r"cán bộ sẽ xác nhận\.", shown)
    assert "Gửi yêu cầu rút hồ sơ" not in shown
    first = withdrawal_of(app, dossiers.overdue)
    assert first[0] is DossierState.IN_PROGRESS and first[2] == "Không còn nhu cầu"
    again = citizen.post(f"{url}/rut", data={"reason": "Lần nữa"})
    assert again.status_code == 422
    assert "Bạn đã gửi yêu cầu rút hồ sơ này" in again.get_data(as_text=True)
    assert withdrawal_of(app, dossiers.overdue) == first  # recorded once
    with app.app_context():
        dossier = db.session.get(Dossier, dossiers.overdue)
        counter = factories.staff(Role.COUNTER_OFFICER, dossier.agency)
        wf.confirm_withdrawal(dossier, ctx(counter, utcnow()))
        db.session.commit()
    shown = page(citizen, url)
    assert re.search(r"Hồ sơ đã được rút theo đề nghị của bạn ngày \d\d/\d\d/\d{4}, "
                     r"lúc \d\d:\d\d\.", shown)
    assert "cán bộ sẽ xác nhận" not in shown.lower()


def test_withdrawal_while_waiting_for_papers(citizen, app, dossiers):
    url = f"/ho-so/{dossiers.waiting}"
    assert "Gửi yêu cầu rút hồ sơ" in page(citizen, url)
    assert citizen.post(f"{url}/rut", data={"reason": "Không bổ sung được"}).status_code == 303
    assert withdrawal_of(app, dossiers.waiting)[1] is not None


def test_no_withdrawal_once_the_result_is_issued(citizen, app, dossiers):
    url = f"/ho-so/{dossiers.finished}"
    assert "Gửi yêu cầu rút hồ sơ" not in page(citizen, url)
    refused = citizen.post(f"{url}/rut", data={"reason": "Muộn rồi"})
    assert refused.status_code == 422
    assert "Hồ sơ đã kết thúc hoặc đã có kết quả nên không thể rút." in refused.get_data(
        as_text=True)
    assert withdrawal_of(app, dossiers.finished) == (DossierState.RESULT_READY, None, "")
