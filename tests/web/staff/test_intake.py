"""Counter intake through HTTP (issue #4): walk-in and postal intake, scanning a real PDF,
reception, on-the-spot resolution, handing over the result; who may do it, and what a stale
page gets."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import factories
import pytest
from factories import CsrfClient
from sample_files import small_pdf

from portal.accounts.models import Role, User
from portal.accounts.queries import user_by_email
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import DocumentForm, ProcedureVersion, TimeUnit
from portal.dossiers.models import Channel, Dossier, DossierFile, ReturnMethod
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow import actions as wf

WALK_IN = {"name": "Trần Thị Hoa", "id_number": "051190001122", "applicant_phone": "0905123456",
           "email": "", "address": "Thôn 2, Tịnh Hà, Sơn Tịnh", "channel": "counter",
           "return_method": "counter", "person_id": ""}
POSTAL = {"return_method": "postal", "recipient": "Trần Thị Hoa", "phone": "0905123456",
          "province_code": "51", "ward_code": "21028",  # Phường Nghĩa Lộ, Quảng Ngãi
          "street": "Thôn 2"}


@dataclass
class Setup:
    version_id: int
    requirements: list[int]
    spot_version_id: int  # an on-the-spot procedure of the same agency
    other_version_id: int  # a procedure of another agency
    person_id: int  # a citizen with an account
    emails: dict[str, str]


@pytest.fixture
def setup(app) -> Setup:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        other = factories.agency("SYT", "Sở Y tế")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp cho công dân", time_amount=5,
            time_unit=TimeUnit.DAYS, cutoff=None,
            documents=[
                catalog_ops.DocumentData("Tờ khai yêu cầu cấp Phiếu", DocumentForm.ORIGINAL, 1,
                                         True, "Mẫu số 03/2013/TT-LLTP"),
                catalog_ops.DocumentData("Bản chụp CCCD", DocumentForm.COPY, 1, True, "")])
        spot = factories.published_procedure(agency, name="Chứng thực bản sao từ bản chính",
                                             on_the_spot=True)
        foreign = factories.published_procedure(other, name="Cấp chứng chỉ hành nghề")
        person = factories.citizen(email="hoa@example.vn", full_name="Nguyễn Thị Hoà",
                                   id_number="051190009999")
        factories.staff(Role.COUNTER_OFFICER, agency, email="quay@example.vn")
        factories.staff(Role.SPECIALIST, agency, email="cv@example.vn")
        factories.staff(Role.LEADER, agency, email="ld@example.vn")
        factories.staff(Role.COUNTER_OFFICER, other, email="quay-khac@example.vn")
        db.session.commit()
        return Setup(version.id, [d.id for d in version.documents], spot.id, foreign.id,
                     person.id, {"counter": "quay@example.vn", "specialist": "cv@example.vn",
                                 "leader": "ld@example.vn", "other": "quay-khac@example.vn",
                                 "citizen": "hoa@example.vn"})


@pytest.fixture
def as_user(app, login, setup):
    def _client(who: str) -> CsrfClient:
        client = CsrfClient(app.test_client())
        login(client, setup.emails[who])
        return client

    return _client


@pytest.fixture
def counter(as_user):
    return as_user("counter")


def _dossier(app, dossier_id: int) -> Dossier:
    with app.app_context():
        d = db.session.get(Dossier, dossier_id)
        db.session.expunge(d)
        return d


def _created_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    return int(re.search(r"/can-bo/tiep-nhan/(\d+)/giay-to$",
                         response.headers["Location"]).group(1))


def _new(client, version_id: int, **changes) -> int:
    return _created_id(client.post("/can-bo/tiep-nhan/moi",
                                   data=dict(WALK_IN, version_id=version_id, **changes)))


def _lock(app, dossier_id: int) -> str:
    return str(_dossier(app, dossier_id).lock_version)


# --- the walk-in flow ---------------------------------------------------------------------

def test_walk_in_intake_scan_and_receive(app, counter, setup):
    start = counter.get("/can-bo/tiep-nhan")  # the dashboard's link
    assert start.status_code == 303 and start.headers["Location"].endswith("/tiep-nhan/moi")
    page = counter.get("/can-bo/tiep-nhan/moi?tt=ly+lich+tu+phap")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in html
    assert "Chứng thực bản sao" not in html and "Cấp chứng chỉ hành nghề" not in html
    assert 'name="csrf_token"' in html and "<script>" not in html
    for name in ("name", "id_number", "applicant_phone", "province_code", "ward_code"):
        assert f'for="{name}"' in html  # every input has its label

    dossier_id = _new(counter, setup.version_id, note="Nhận 1 bản chính tờ khai")
    d = _dossier(app, dossier_id)
    assert d.state is S.SUBMITTED and d.channel is Channel.COUNTER and d.applicant_id is None
    assert re.fullmatch(r"000\.00\.\d+\.H48-\d{6}-0001", d.code)

    scan = counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to")
    html = scan.get_data(as_text=True)
    assert scan.status_code == 200 and d.code in html
    assert "Tờ khai yêu cầu cấp Phiếu" in html and "Chưa nhận và chưa quét" in html
    assert "Giải quyết ngay" not in html  # not an on-the-spot procedure

    pdf = small_pdf()
    first = setup.requirements[0]
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                            data={"requirement": str(first),
                                  "files": [(io.BytesIO(pdf), "to-khai.pdf")]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/can-bo/tiep-nhan/{dossier_id}/giay-to#req-{first}")
    with app.app_context():
        item = db.session.scalar(db.select(DossierFile).where(
            DossierFile.dossier_id == dossier_id))
        assert (item.requirement_id, item.content_type, item.size) == (
            first, "application/pdf", len(pdf))
        assert app.extensions["storage"].exists(item.storage_key)
        file_id = item.id
    shown = counter.get(f"/can-bo/tiep-nhan/{dossier_id}/tep/{file_id}")
    assert shown.status_code == 200 and shown.data == pdf
    assert shown.headers["Content-Disposition"].startswith("inline")

    second = setup.requirements[1]  # handed in on paper, not scanned
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan",
                            data={"lock_version": _lock(app, dossier_id),
                                  f"paper-{second}": "copy", f"paper-{second}-quantity": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/can-bo/tiep-nhan/{dossier_id}/da-tiep-nhan")
    d = _dossier(app, dossier_id)
    assert d.state is S.RECEIVED and d.received_at is not None and d.due_at is not None
    done = counter.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hẹn trả kết quả" in done and d.code in done
    if "staff.document" in app.view_functions:  # form 01, built by the documents page
        assert f'href="/can-bo/ho-so/{dossier_id}/phieu/01"' in done
        assert "In phiếu tiếp nhận" in done
    # The scan page is over once received: it sends the officer to the workspace.
    again = counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to")
    assert again.status_code == 303 and again.headers["Location"].endswith(
        f"/can-bo/ho-so/{dossier_id}")


def test_a_scan_is_named_after_its_type(app, counter, setup):
    """Issue 10, item 14, for the counter's scans: a PDF sent as .exe is kept as .pdf."""
    dossier_id = _new(counter, setup.version_id)
    pdf = small_pdf()
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                            data={"requirement": str(setup.requirements[0]),
                                  "files": [(io.BytesIO(pdf), "may-quet.exe")]})
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalar(db.select(DossierFile).where(
            DossierFile.dossier_id == dossier_id))
        assert (item.original_name, item.content_type) == ("may-quet.pdf", "application/pdf")
        file_id = item.id
    shown = counter.get(f"/can-bo/tiep-nhan/{dossier_id}/tep/{file_id}")
    assert shown.data == pdf and "may-quet.pdf" in shown.headers["Content-Disposition"]


def test_upload_refusal_is_shown_in_its_area(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    second = setup.requirements[1]
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                            data={"requirement": str(second),
                                  "files": [(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64),
                                             "cccd.pdf")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="req-{second}-error"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "Nội dung tệp “cccd.pdf” không phải là PDF" in error
    assert "Nhận tệp PDF, JPG, PNG, DOCX, XLSX, ODT; tối đa 20 MB mỗi tệp" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DossierFile)) == 0
    empty = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                         data={"requirement": str(second)})
    assert empty.status_code == 422 and "chọn ít nhất một tệp" in empty.get_data(as_text=True)


def test_remove_a_scanned_file(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                 data={"requirement": "", "files": [(io.BytesIO(small_pdf()), "khac.pdf")]})
    with app.app_context():
        item = db.session.scalar(db.select(DossierFile))
        assert item.requirement_id is None
        file_id, key = item.id, item.storage_key
    response = counter.post(f"/can-bo/tiep-nhan/{dossier_id}/tep/{file_id}/xoa")
    assert response.status_code == 303
    assert not app.extensions["storage"].exists(key)


def test_linking_an_existing_person(app, counter, setup, as_user):
    found = counter.get("/can-bo/tiep-nhan/moi?nguoi=nguyen+thi+hoa").get_data(as_text=True)
    assert "Nguyễn Thị Hoà" in found and "051190009999" in found
    staff = counter.get("/can-bo/tiep-nhan/moi?nguoi=can+bo").get_data(as_text=True)
    assert "Không tìm thấy tài khoản phù hợp" in staff  # staff are never applicants
    by_cccd = counter.get("/can-bo/tiep-nhan/moi?nguoi=051190009999").get_data(as_text=True)
    assert "Nguyễn Thị Hoà" in by_cccd
    blank = {k: "" for k in ("name", "id_number", "applicant_phone", "email")}
    dossier_id = _new(counter, setup.version_id, person_id=str(setup.person_id), **blank)
    d = _dossier(app, dossier_id)
    assert d.applicant_id == setup.person_id and d.applicant_name == "Nguyễn Thị Hoà"
    mine = as_user("citizen").get("/ho-so").get_data(as_text=True)
    assert d.code in mine


def test_postal_intake_and_its_checks(app, counter, setup):
    missing = counter.post("/can-bo/tiep-nhan/moi",
                           data=dict(WALK_IN, version_id=setup.version_id, name=""))
    assert missing.status_code == 422
    assert "Vui lòng nhập họ và tên" in missing.get_data(as_text=True)
    no_address = counter.post("/can-bo/tiep-nhan/moi", data=dict(
        WALK_IN, version_id=setup.version_id, return_method="postal"))
    assert no_address.status_code == 422
    assert "để nhận kết quả qua bưu chính" in no_address.get_data(as_text=True)
    no_procedure = counter.post("/can-bo/tiep-nhan/moi", data=WALK_IN)
    assert no_procedure.status_code == 422
    assert "Vui lòng nhập thủ tục" in no_procedure.get_data(as_text=True)
    foreign = counter.post("/can-bo/tiep-nhan/moi",
                           data=dict(WALK_IN, version_id=setup.other_version_id))
    assert foreign.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 0

    dossier_id = _new(counter, setup.version_id, channel="postal", **POSTAL)
    d = _dossier(app, dossier_id)
    assert d.channel is Channel.POSTAL and d.return_method is ReturnMethod.POSTAL
    assert d.postal_street == "Thôn 2"


def test_phones_typed_in_groups_or_with_84_are_stored_once(app, counter, setup):
    """Issue 12: the applicant's and the return address's phone, however typed."""
    dossier_id = _new(counter, setup.version_id, channel="postal",
                      **dict(POSTAL, phone="+84 905-123-456"), applicant_phone="0905.123.456")
    d = _dossier(app, dossier_id)
    assert d.applicant_phone == "0905123456" and d.postal_phone == "0905123456"
    bad = counter.post("/can-bo/tiep-nhan/moi", data=dict(
        WALK_IN, version_id=setup.version_id, applicant_phone="+84 12 345"))
    assert bad.status_code == 422
    assert "Nhập 10 chữ số bắt đầu bằng 0" in bad.get_data(as_text=True)


# --- on the spot and hand-over ------------------------------------------------------------

def test_on_the_spot_flow_ends_returned(app, counter, setup):
    dossier_id = _new(counter, setup.spot_version_id)
    scan = counter.get(f"/can-bo/tiep-nhan/{dossier_id}/giay-to").get_data(as_text=True)
    assert "Giải quyết ngay" in scan
    form = counter.get(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay")
    assert form.status_code == 200 and 'name="lock_version"' in form.get_data(as_text=True)
    empty = counter.post(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay",
                         data={"lock_version": _lock(app, dossier_id), "result_note": ""})
    assert empty.status_code == 422 and "Vui lòng nhập kết quả" in empty.get_data(as_text=True)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", data={
        "lock_version": _lock(app, dossier_id), "result_note": "Bản sao chứng thực số 15/SCT",
        "collected_by": ""})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/can-bo/ho-so/{dossier_id}")
    d = _dossier(app, dossier_id)
    assert d.state is S.RETURNED and d.finished_at is not None and d.returned_at is not None
    assert d.returned_to == "Trần Thị Hoa" and d.result_note == "Bản sao chứng thực số 15/SCT"


def test_on_the_spot_takes_the_e_result_file_as_approval_does(app, counter, setup):
    """Issue 18: the result was text only; the e-result file goes with it (same types as
    everywhere), a wrong file is refused next to its field with nothing changed."""
    dossier_id = _new(counter, setup.spot_version_id)
    page = counter.get(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Nhận tệp PDF, JPG, PNG" in page
    refused = counter.post(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", data={
        "lock_version": _lock(app, dossier_id), "result_note": "Số 15/SCT",
        "result": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "kết-quả.exe")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert 'id="result-error"' in refused.get_data(as_text=True)
    assert _dossier(app, dossier_id).state is S.SUBMITTED and not _results(app, dossier_id)
    done = counter.post(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", data={
        "lock_version": _lock(app, dossier_id), "result_note": "Số 15/SCT",
        "result": (io.BytesIO(small_pdf()), "Bản sao chứng thực.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)[:1000]
    assert _dossier(app, dossier_id).state is S.RETURNED
    assert _results(app, dossier_id) == ["Bản sao chứng thực.pdf"]


def _results(app, dossier_id: int) -> list[str]:
    with app.app_context():
        return [f.original_name for f in db.session.get(Dossier, dossier_id).result_files]


def test_resolving_a_normal_procedure_on_the_spot_is_refused(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", data={
        "lock_version": _lock(app, dossier_id), "result_note": "Kết quả"})
    assert response.status_code == 422
    assert "không giải quyết ngay tại quầy" in response.get_data(as_text=True)
    assert _dossier(app, dossier_id).state is S.SUBMITTED


def _result_ready(app, setup, return_method=ReturnMethod.COUNTER) -> int:
    """An online dossier processed to result_ready through the domain."""
    with app.app_context():
        version = db.session.get(ProcedureVersion, setup.version_id)
        applicant = db.session.get(User, setup.person_id)
        d = factories.submitted_dossier(version, applicant, return_method=return_method)
        calendar = current_calendar()

        def ctx(who, hour):
            return wf.Context(user_by_email(setup.emails[who]),
                              datetime(2025, 3, 12, hour, tzinfo=VN_TZ), calendar)

        wf.receive(d, ctx("counter", 10))
        wf.take(d, ctx("specialist", 11))
        factories.result_file(d, user_by_email(setup.emails["leader"]))
        wf.approve(d, ctx("leader", 14))
        db.session.commit()
        return d.id


def test_hand_over_at_the_counter(app, counter, setup):
    dossier_id = _result_ready(app, setup)
    page = counter.get(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua").get_data(as_text=True)
    assert re.search(r'value="counter"[^>]*checked|checked[^>]*value="counter"', page)
    missing = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", data={
        "lock_version": _lock(app, dossier_id), "method": "counter", "collector_name": "A"})
    assert missing.status_code == 422
    assert "số giấy tờ tùy thân" in missing.get_data(as_text=True)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", data={
        "lock_version": _lock(app, dossier_id), "method": "counter",
        "collector_name": "Nguyễn Văn Tư", "collector_id": "051080001111"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/can-bo/ho-so/{dossier_id}")
    d = _dossier(app, dossier_id)
    assert d.state is S.RETURNED and "Nguyễn Văn Tư" in d.returned_to
    assert "051080001111" in d.returned_to


def test_hand_over_by_post_is_the_default_for_postal_return(app, counter, setup):
    dossier_id = _result_ready(app, setup, ReturnMethod.POSTAL)
    page = counter.get(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua").get_data(as_text=True)
    assert re.search(r'value="postal"[^>]*checked|checked[^>]*value="postal"', page)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", data={
        "lock_version": _lock(app, dossier_id), "method": "postal"})
    assert response.status_code == 303
    # Issue 15: handed to the post, not returned — a shipment waits for the postal officer.
    d = _dossier(app, dossier_id)
    assert d.state is S.RESULT_READY and d.returned_at is None
    from portal.delivery.models import ShipmentState
    from portal.delivery.operations import latest_outbound
    with app.app_context():
        assert latest_outbound(dossier_id).state is ShipmentState.READY


def test_hand_over_before_the_result_is_refused_on_the_form(app, counter, setup):
    dossier_id = _new(counter, setup.version_id)
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", data={
        "lock_version": _lock(app, dossier_id), "method": "postal",
        "tracking_number": "EK1"})
    assert response.status_code == 422
    assert "Không thể “Trả kết quả”" in response.get_data(as_text=True)
    assert _dossier(app, dossier_id).state is S.SUBMITTED


def test_stale_lock_version_gets_the_conflict_message(app, counter, setup):
    dossier_id = _result_ready(app, setup)
    stale = int(_lock(app, dossier_id)) - 1
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", data={
        "lock_version": str(stale), "method": "postal", "tracking_number": "EK1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "vừa được người khác cập nhật" in html
    assert f'value="{_lock(app, dossier_id)}"' in html  # the refreshed version to retry with
    assert _dossier(app, dossier_id).state is S.RESULT_READY

    intake_id = _new(counter, setup.version_id)
    response = counter.post(f"/can-bo/tiep-nhan/{intake_id}/tiep-nhan",
                            data={"lock_version": "999"})
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.get_data(as_text=True)
    assert _dossier(app, intake_id).state is S.SUBMITTED


# --- who may ------------------------------------------------------------------------------

def _id_routes(dossier_id: int, file_id: int):
    return [("GET", f"/can-bo/tiep-nhan/{dossier_id}/giay-to", None),
            ("POST", f"/can-bo/tiep-nhan/{dossier_id}/giay-to", {"requirement": ""}),
            ("GET", f"/can-bo/tiep-nhan/{dossier_id}/tep/{file_id}", None),
            ("POST", f"/can-bo/tiep-nhan/{dossier_id}/tep/{file_id}/xoa", {}),
            ("POST", f"/can-bo/tiep-nhan/{dossier_id}/tiep-nhan", {"lock_version": "1"}),
            ("GET", f"/can-bo/tiep-nhan/{dossier_id}/da-tiep-nhan", None),
            ("GET", f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", None),
            ("POST", f"/can-bo/ho-so/{dossier_id}/giai-quyet-ngay", {"result_note": "X"}),
            ("GET", f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", None),
            ("POST", f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
             {"method": "postal", "tracking_number": "X"})]


def _call(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data=data)


@pytest.fixture
def scanned(app, counter, setup) -> tuple[int, int]:
    dossier_id = _new(counter, setup.spot_version_id)
    counter.post(f"/can-bo/tiep-nhan/{dossier_id}/giay-to",
                 data={"requirement": "", "files": [(io.BytesIO(small_pdf()), "a.pdf")]})
    with app.app_context():
        return dossier_id, db.session.scalar(db.select(DossierFile.id))


def _snapshot(app):
    with app.app_context():
        return [(d.id, d.state, d.lock_version, len(d.files))
                for d in db.session.scalars(db.select(Dossier).order_by(Dossier.id))]


def test_officer_of_another_agency_gets_404_everywhere(app, as_user, scanned):
    other = as_user("other")
    before = _snapshot(app)
    for method, url, data in _id_routes(*scanned):
        assert _call(other, method, url, data).status_code == 404, (method, url)
    assert _snapshot(app) == before


@pytest.mark.parametrize("who", ["citizen", "specialist"])
def test_citizens_and_other_roles_get_403(app, as_user, scanned, who):
    client = as_user(who)
    before = _snapshot(app)
    for method, url, data in [("GET", "/can-bo/tiep-nhan/moi", None),
                              *_id_routes(*scanned)]:
        assert _call(client, method, url, data).status_code == 403, (method, url)
    assert _snapshot(app) == before


def test_anonymous_is_sent_to_login(client, scanned):
    for method, url, _data in [("GET", "/can-bo/tiep-nhan/moi", None),
                               *_id_routes(*scanned)]:
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers[
                "Location"], url


# --- addresses from the official list (issue 15) ---------------------------------------------

def test_postal_intake_takes_the_address_from_the_list_and_shows_it(app, counter, setup):
    bad = counter.post("/can-bo/tiep-nhan/moi", data=dict(
        WALK_IN, version_id=setup.version_id, channel="postal",
        **dict(POSTAL, ward_code="18100")))  # Phường Trần Phú is Hà Tĩnh's
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Phường Trần Phú không thuộc Tỉnh Quảng Ngãi" in html
    assert 'value="Trần Thị Hoa"' in html and 'value="Thôn 2"' in html  # nothing lost
    # Without JavaScript: "Chọn" brings Hà Tĩnh's wards back, creates nothing.
    picked = counter.post("/can-bo/tiep-nhan/moi", data=dict(
        WALK_IN, version_id=setup.version_id, channel="postal",
        **dict(POSTAL, province_code="42", ward_code="", chon_dia_chi="1")))
    html = picked.get_data(as_text=True)
    assert picked.status_code == 200 and "Phường Trần Phú" in html
    assert "Phường Nghĩa Lộ" not in html and 'value="Thôn 2"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 0

    dossier_id = _new(counter, setup.version_id, channel="postal", **POSTAL)
    d = _dossier(app, dossier_id)
    assert (d.postal_province_code, d.postal_ward_code, d.postal_ward) == (
        "51", "21028", "Phường Nghĩa Lộ")
    line = "Thôn 2, Phường Nghĩa Lộ, Tỉnh Quảng Ngãi"
    workspace = counter.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert line in workspace.split("ws-postal-address")[1].split("</dd>")[0]
    queue = counter.get("/can-bo/hang-doi?loai=cho-tiep-nhan").get_data(as_text=True)
    assert d.code in queue and line in queue and "queue-postal-address" in queue


def test_a_chosen_account_fills_a_blank_postal_address_from_its_profile(app, counter, setup):
    from portal.accounts import operations as account_ops
    from portal.accounts.models import User

    with app.app_context():
        person = db.session.get(User, setup.person_id)
        account_ops.update_profile(person, person.full_name, person.phone,
                                   ("51", "21025", "12 Lê Lợi"))
        db.session.commit()
    blank = dict(POSTAL, recipient="", phone="", ward_code="", street="")
    dossier_id = _new(counter, setup.version_id, channel="postal", person_id=setup.person_id,
                      name="", id_number="", applicant_phone="", **blank)
    d = _dossier(app, dossier_id)
    assert (d.postal_recipient, d.postal_ward_code, d.postal_street) == (
        "Nguyễn Thị Hoà", "21025", "12 Lê Lợi")
    # An address typed at the counter wins over the profile's.
    typed = _new(counter, setup.version_id, channel="postal", person_id=setup.person_id,
                 name="", id_number="", applicant_phone="", **POSTAL)
    assert _dossier(app, typed).postal_ward_code == "21028"
