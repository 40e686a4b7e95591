"""The walk-in intake of issue 18 through HTTP: the papers handed in (original or copy, how
many) recorded with or without scans and printed on form 01; scans added and removed until
reception; the confirmation needed to receive with a mandatory paper missing; cancelling an
intake not yet received; the intake form's searches keeping what was typed, searching the
agency's whole catalog, and listing every error at once; who may use the new routes."""

# The fixtures come from test_intake (the same agency, procedures and people); pytest
# passes them by name, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import html as html_lib
import io
import re

import factories
import pytest
from factories import CsrfClient
from sample_files import small_pdf
from test_intake import WALK_IN, _dossier, _lock, _new, as_user, counter, setup  # noqa: F401

from portal.dossiers.models import Dossier, DossierFile, DossierPaper
from portal.dossiers.models import DossierState as S
from portal.extensions import db


def _papers(app, dossier_id: int) -> dict[int, tuple[str, int]]:
    with app.app_context():
        rows = db.session.scalars(db.select(DossierPaper).where(
            DossierPaper.dossier_id == dossier_id))
        return {p.requirement_id: (p.form.value, p.quantity) for p in rows}


def _text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def _receipt_rows(client, dossier_id: int) -> list[list[str]]:
    page = client.get(f"/can-bo/ho-so/{dossier_id}/phieu/01")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    table = re.search(r"<table class=\"grid\">(.*?)</table>", body, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in rows]


# --- papers handed in, form 01 --------------------------------------------------------------

def test_papers_handed_in_without_scans_are_printed_on_the_receipt(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form, copy = setup.requirements
    page = _text(counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to"))
    assert "Giấy tờ người nộp đã giao" in page and f'name="paper-{form}"' in page
    saved = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to-da-nhan", data={
        "lock_version": _lock(app, dossier_id),
        f"paper-{form}": "original", f"paper-{form}-quantity": "2",
        f"paper-{copy}": "certified_copy", f"paper-{copy}-quantity": "1"})
    assert saved.status_code == 303, saved.get_data(as_text=True)[:800]
    assert _papers(app, dossier_id) == {form: ("original", 2), copy: ("certified_copy", 1)}
    shown = _text(counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to"))
    assert '<option value="certified_copy" selected>' in shown
    assert "Chưa nhận và chưa quét" not in shown  # nothing mandatory is missing now

    received = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                            data={"lock_version": _lock(app, dossier_id),
                                  f"paper-{form}": "original", f"paper-{form}-quantity": "2",
                                  f"paper-{copy}": "certified_copy",
                                  f"paper-{copy}-quantity": "1"})
    assert received.status_code == 303
    assert _dossier(app, dossier_id).state is S.RECEIVED
    rows = _receipt_rows(counter, dossier_id)
    assert rows == [["1", "Tờ khai yêu cầu cấp Phiếu", "Bản chính", "2"],
                    ["2", "Bản chụp CCCD", "Bản sao chứng thực", "1"]]


def test_a_scan_alone_prints_the_form_the_procedure_asks_for(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form, copy = setup.requirements
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                 data={"requirement": str(form), "files": [(io.BytesIO(small_pdf()), "a.pdf")]})
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                 data={"lock_version": _lock(app, dossier_id), "confirm_missing": "y"})
    assert _dossier(app, dossier_id).state is S.RECEIVED
    assert _receipt_rows(counter, dossier_id) == [
        ["1", "Tờ khai yêu cầu cấp Phiếu", "Bản chính", "1"],
        ["2", "Bản chụp CCCD", "Bản sao", "Chưa nộp"]]  # confirmed missing: still says so


def test_receiving_with_a_mandatory_paper_missing_needs_the_tick(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form, copy = setup.requirements
    page = _text(counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to"))
    assert "Tôi xác nhận tiếp nhận khi còn thiếu giấy tờ bắt buộc" in page
    assert "Tờ khai yêu cầu cấp Phiếu; Bản chụp CCCD" in page
    posted = {"lock_version": _lock(app, dossier_id),
              f"paper-{form}": "original", f"paper-{form}-quantity": "1",
              f"paper-{copy}": "", f"paper-{copy}-quantity": "1"}
    refused = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan", data=posted)
    body = _text(refused)
    assert refused.status_code == 422
    assert "Hồ sơ còn thiếu giấy tờ bắt buộc: Bản chụp CCCD." in body
    assert 'aria-describedby="confirm_missing-error"' in body
    # Nothing lost: what was set is shown again, nothing was written, nothing received.
    assert re.search(rf'id="paper-{form}".*?<option value="original" selected>', body, re.S)
    assert _papers(app, dossier_id) == {}
    assert _dossier(app, dossier_id).state is S.SUBMITTED

    received = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                            data=dict(posted, confirm_missing="y"))
    assert received.status_code == 303
    d = _dossier(app, dossier_id)
    assert d.state is S.RECEIVED and _papers(app, dossier_id) == {form: ("original", 1)}
    with app.app_context():
        noted = db.session.get(Dossier, dossier_id).events[-1]
        assert (noted.action, noted.public) == ("received_with_papers_missing", False)
        assert noted.message.endswith("còn thiếu giấy tờ bắt buộc: Bản chụp CCCD.")
    assert _receipt_rows(counter, dossier_id)[1][-1] == "Chưa nộp"


def test_every_paper_problem_is_listed_at_once_and_nothing_is_saved(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form, copy = setup.requirements
    for url in ("giay-to-da-nhan", "tiep-nhan"):
        response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/{url}", data={
            "lock_version": _lock(app, dossier_id), "confirm_missing": "y",
            f"paper-{form}": "bản photo", f"paper-{form}-quantity": "1",
            f"paper-{copy}": "copy", f"paper-{copy}-quantity": "0"})
        body = _text(response)
        assert response.status_code == 422, url
        assert "“Tờ khai yêu cầu cấp Phiếu”: vui lòng chọn bản chính, bản sao" in body
        assert "“Bản chụp CCCD”: số lượng phải là số từ 1 đến 99." in body
        assert f'id="paper-{copy}-quantity-error"' in body
        assert _papers(app, dossier_id) == {}
        assert _dossier(app, dossier_id).state is S.SUBMITTED


def test_a_paper_set_back_to_not_handed_in_is_forgotten(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form = setup.requirements[0]
    url = f"/can-bo/tiep-nhan/{dossier_id}/giay-to-da-nhan"
    counter.post(url, data={"lock_version": "1", f"paper-{form}": "copy",
                            f"paper-{form}-quantity": "3"})
    assert _papers(app, dossier_id) == {form: ("copy", 3)}
    counter.post(url, data={"lock_version": "1", f"paper-{form}": "",
                            f"paper-{form}-quantity": "3"})
    assert _papers(app, dossier_id) == {}


# --- scans until reception --------------------------------------------------------------------

def test_scans_are_added_later_and_removed_until_reception(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    form, copy = setup.requirements
    # The officer left the scan page; the workspace leads back to it (no receive button there).
    workspace = _text(counter.get(f"/can-bo/ho-so/{dossier_id}"))
    assert f'href="/can-bo/tiep-nhan/{dossier_id}/giay-to"' in workspace
    assert "Giấy tờ, bản quét và tiếp nhận…" in workspace
    for name in ("bản-chụp-cccd.pdf", "thừa.pdf"):
        added = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                             data={"requirement": str(copy),
                                   "files": [(io.BytesIO(small_pdf()), name)]})
        assert added.status_code == 303
    with app.app_context():
        files = db.session.scalars(db.select(DossierFile).order_by(DossierFile.id)).all()
        extra_id, extra_key = files[1].id, files[1].storage_key
    removed = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tep/{extra_id}/xoa")
    assert removed.status_code == 303 and not app.extensions["storage"].exists(extra_key)
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                 data={"lock_version": _lock(app, dossier_id), f"paper-{form}": "original",
                       f"paper-{form}-quantity": "1"})
    assert _dossier(app, dossier_id).state is S.RECEIVED
    late = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                        data={"requirement": str(copy),
                              "files": [(io.BytesIO(small_pdf()), "muộn.pdf")]})
    assert late.status_code == 303 and late.headers["Location"].endswith(
        f"/can-bo/ho-so/{dossier_id}")
    papers = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to-da-nhan",
                          data={"lock_version": "9", f"paper-{copy}": "copy",
                                f"paper-{copy}-quantity": "1"})
    assert papers.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DossierFile)) == 1
    assert _papers(app, dossier_id) == {form: ("original", 1)}


def test_the_workspace_button_never_receives_with_papers_missing(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/receive",
                            data={"receive-lock_version": _lock(app, dossier_id)})
    assert response.status_code in (409, 422)
    assert "Hồ sơ còn thiếu giấy tờ bắt buộc" in _text(response)
    assert _dossier(app, dossier_id).state is S.SUBMITTED


# --- cancelling an intake ------------------------------------------------------------------

def test_cancelling_an_intake_deletes_it_with_its_scans(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                 data={"requirement": "", "files": [(io.BytesIO(small_pdf()), "nhầm.pdf")]})
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to-da-nhan",
                 data={"lock_version": "1", f"paper-{setup.requirements[0]}": "original",
                       f"paper-{setup.requirements[0]}-quantity": "1"})
    page = _text(counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to"))
    assert '<details class="confirm-post' in page and "Xác nhận hủy hồ sơ" in page
    with app.app_context():
        key = db.session.scalar(db.select(DossierFile.storage_key))
        code = db.session.get(Dossier, dossier_id).code
    cancelled = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/huy")
    assert cancelled.status_code == 303
    assert cancelled.headers["Location"].endswith("/can-bo/tiep-nhan/moi")
    assert f"Đã hủy hồ sơ {code}" in _text(counter.get("/can-bo/tiep-nhan/moi"))
    assert not app.extensions["storage"].exists(key)
    with app.app_context():
        assert db.session.get(Dossier, dossier_id) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(DossierPaper)) == 0


def test_a_received_dossier_cannot_be_cancelled(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                 data={"lock_version": _lock(app, dossier_id), "confirm_missing": "y"})
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/huy")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/can-bo/ho-so/{dossier_id}")
    assert "không thể hủy" in _text(counter.get(response.headers["Location"]))
    assert _dossier(app, dossier_id).state is S.RECEIVED


# --- the intake form ------------------------------------------------------------------------

def test_every_error_of_the_intake_form_is_listed_at_once(app, counter, setup):
    response = counter.post("/can-bo/tiep-nhan/moi", data=dict(
        WALK_IN, name="", id_number="", applicant_phone="", return_method="postal"))
    body = _text(response)
    assert response.status_code == 422
    summary = re.search(r'class="alert alert-danger error-summary".*?</ul>', body, re.S).group(0)
    for message in ("Vui lòng nhập thủ tục", "Vui lòng nhập họ và tên",
                    "Vui lòng nhập số định danh hoặc mã số thuế", "Vui lòng nhập số điện thoại",
                    "để nhận kết quả qua bưu chính"):
        assert message in summary, message
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 0


def test_searching_keeps_what_was_typed(app, counter, setup):
    typed = dict(WALK_IN, version_id=str(setup.version_id), note="Giấy hẹn viết tay",
                 tt="", nguoi="nguyen thi hoa", tim="nguoi-nop")
    response = counter.post("/can-bo/tiep-nhan/moi", data=typed)
    body = _text(response)
    assert response.status_code == 200
    assert 'value="Trần Thị Hoa"' in body and 'value="051190001122"' in body
    assert "Giấy hẹn viết tay" in body and "Nguyễn Thị Hoà" in body  # the person found
    assert re.search(rf'value="{setup.version_id}"[^>]*checked|checked[^>]*value='
                     rf'"{setup.version_id}"', body)
    # A procedure search that no longer matches the choice keeps the choice on the list.
    again = _text(counter.post("/can-bo/tiep-nhan/moi",
                               data=dict(typed, tt="chung thuc", tim="thu-tuc")))
    assert "Chứng thực bản sao từ bản chính" in again
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in again and 'value="Trần Thị Hoa"' in again
    # The page was opened with a search in its address: a new search typed wins over it.
    opened = counter.get("/can-bo/tiep-nhan/moi?tt=ly+lich")
    assert 'action="/can-bo/tiep-nhan/moi"' in _text(opened)
    newer = _text(counter.post("/can-bo/tiep-nhan/moi?tt=ly+lich",
                               data=dict(typed, version_id="", tt="chung thuc", tim="thu-tuc")))
    assert "Chứng thực bản sao từ bản chính" in newer
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" not in newer
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 0


def test_the_procedure_search_covers_the_whole_catalog(app, counter, setup):
    with app.app_context():
        from portal.catalog.models import Agency

        agency = db.session.scalar(db.select(Agency).where(Agency.code == "STP"))
        for n in range(33):
            factories.published_procedure(agency, name=f"Đăng ký hoạt động văn phòng số {n:02d}")
        factories.published_procedure(agency, name="Thủ tục ở cuối danh sách Ỹ")
        db.session.commit()
    first = _text(counter.get("/can-bo/tiep-nhan/moi"))
    assert "Hiện 30 trong 36 thủ tục phù hợp" in first
    assert "Thủ tục ở cuối danh sách" not in first
    found = _text(counter.get("/can-bo/tiep-nhan/moi?tt=THU+TUC+O+CUOI"))
    assert "Thủ tục ở cuối danh sách Ỹ" in found and "1 thủ tục phù hợp" in found
    accents = _text(counter.get("/can-bo/tiep-nhan/moi?tt=van+phong+so+32"))
    assert "Đăng ký hoạt động văn phòng số 32" in accents
    assert "Cấp chứng chỉ hành nghề" not in _text(
        counter.get("/can-bo/tiep-nhan/moi?tt=chung+chi"))  # another agency's


# --- who may ------------------------------------------------------------------------------

def _new_routes(dossier_id: int, requirement: int):
    paper = {f"paper-{requirement}": "original", f"paper-{requirement}-quantity": "1",
             "lock_version": "1"}
    return [f"/can-bo/tiep-nhan/{dossier_id}/giay-to-da-nhan",
            f"/can-bo/tiep-nhan/{dossier_id}/huy"], paper


def _state(app):
    with app.app_context():
        return [(d.id, d.state, len(d.papers), len(d.files))
                for d in db.session.scalars(db.select(Dossier).order_by(Dossier.id))]


def test_the_new_routes_are_the_agencys_counter_officers(app, as_user, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    urls, data = _new_routes(dossier_id, setup.requirements[0])
    before = _state(app)
    other = as_user("other")
    for url in urls:
        assert other.post(url, data=data).status_code == 404, url
    for who in ("specialist", "citizen"):
        client = as_user(who)
        for url in urls:
            assert client.post(url, data=data).status_code == 403, (who, url)
    assert _state(app) == before


def test_the_new_forms_need_the_csrf_token(app, login, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    urls, data = _new_routes(dossier_id, setup.requirements[0])
    urls.append(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan")
    before = _state(app)
    raw = CsrfClient(app.test_client())
    login(raw, setup.emails["counter"])
    for url in urls:
        assert raw.post(url, data=dict(data, csrf_token="", confirm_missing="y")
                        ).status_code in (400, 422), url
    assert _state(app) == before
    assert _dossier(app, dossier_id).state is S.SUBMITTED


@pytest.mark.parametrize("who", ["specialist"])
def test_the_scan_link_is_the_counters(app, as_user, counter, setup, who):
    dossier_id = _new(counter, setup.version_id)
    page = _text(as_user(who).get(f"/can-bo/ho-so/{dossier_id}"))
    assert f"/can-bo/tiep-nhan/{dossier_id}/giay-to" not in page
