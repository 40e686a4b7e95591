"""The administrator's procedure editor: create, publish, new draft version, edit, publish v2,
unpublish, discard; validation; form template uploads."""

import io

import factories
import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from portal.accounts.models import Role
from portal.catalog.models import Procedure, ProcedureDocument, ProcedureVersion, VersionStatus
from portal.core.docx import make_docx
from portal.extensions import db
from portal.storage import StorageError

BASE = "/quan-tri/thu-tuc"
PDF = b"%PDF-1.4\n% mau don\n"
DOCX = make_docx("TỜ KHAI", ["Họ và tên: ……"])


@pytest.fixture
def admin(app, csrf_client, login):
    """An administrator logged in; returns ids of an agency with two fields."""
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        other = factories.agency("SYT", "Sở Y tế")
        factories.staff(Role.ADMIN, email="qt@example.vn")
        db.session.commit()
        ids = {"agency": agency.id, "field": agency.fields[0].id, "other": other.id,
               "other_field": other.fields[0].id}
    login(csrf_client, "qt@example.vn")
    return ids


def new_form(ids, **changes):
    data = {
        "agency_id": ids["agency"], "field_id": ids["field"], "code": "1.009999",
        "name": "Cấp giấy phép kinh doanh dịch vụ karaoke", "online_level": "full",
        "applicant": "both", "time_amount": "5", "time_unit": "days", "cutoff": "15:00",
        "result": "Giấy phép", "legal_basis": "Nghị định 54/2019/NĐ-CP", "description": "",
        "change_note": "Ban hành lần đầu",
        "documents-0-name": "Đơn đề nghị cấp giấy phép", "documents-0-copy_type": "original",
        "documents-0-quantity": "1", "documents-0-mandatory": "y",
        "documents-0-template_label": "Mẫu số 01",
        "documents-1-name": "", "documents-1-copy_type": "copy", "documents-1-quantity": "",
        "fees-0-name": "Phí thẩm định", "fees-0-amount": "2.000.000", "fees-0-note": "",
        "fees-1-name": "", "fees-1-amount": "",
        "steps-0-name": "Tiếp nhận hồ sơ", "steps-0-role": "counter", "steps-0-hours": "4",
        "steps-1-name": "", "steps-1-role": "specialist", "steps-1-hours": "",
    }
    data.update(changes)
    return data


def edit_form(ids, draft_id, **changes):
    data = new_form(ids, version_id=str(draft_id), **changes)
    del data["agency_id"], data["code"]
    return data


def create(csrf_client, ids, **changes):
    response = csrf_client.post(f"{BASE}/moi", data=new_form(ids, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def versions(app, procedure_id):
    with app.app_context():
        rows = db.session.scalars(select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure_id).order_by(ProcedureVersion.number))
        return [(v.number, v.status, v.name, [f.amount for f in v.fees],
                 [d.name for d in v.documents], [d.template_key for d in v.documents])
                for v in rows]


def draft_id(app, procedure_id):
    with app.app_context():
        return db.session.get(Procedure, procedure_id).draft.id


def test_versioning_journey(csrf_client, client, app, admin):
    pid = create(csrf_client, admin)
    assert "bản nháp phiên bản 1" in csrf_client.get(f"{BASE}/{pid}").get_data(as_text=True)
    assert client.get("/thu-tuc/1.009999").status_code == 404  # a draft is not public
    assert "Tìm thấy 0 thủ tục" in client.get("/thu-tuc?q=karaoke").get_data(as_text=True)

    page = csrf_client.post(f"{BASE}/{pid}/cong-bo", follow_redirects=True).get_data(as_text=True)
    assert "Đã công bố phiên bản 1 của thủ tục “Cấp giấy phép kinh doanh dịch vụ karaoke”" in page
    public = client.get("/thu-tuc/1.009999").get_data(as_text=True)
    assert "Cấp giấy phép kinh doanh dịch vụ karaoke" in public and "2.000.000" in public
    assert "Tìm thấy 1 thủ tục" in client.get("/thu-tuc?q=CẤP GIAY phep karaoke").get_data(
        as_text=True)
    assert "karaoke" in csrf_client.get(f"{BASE}?q=giay+phep+kinh").get_data(as_text=True)

    response = csrf_client.post(f"{BASE}/{pid}/ban-nhap")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{pid}/sua")
    edit_page = csrf_client.get(f"{BASE}/{pid}/sua").get_data(as_text=True)
    assert "Sửa bản nháp phiên bản 2" in edit_page and 'value="Phí thẩm định"' in edit_page
    response = csrf_client.post(f"{BASE}/{pid}/sua", data=edit_form(
        admin, draft_id(app, pid), name="Cấp giấy phép karaoke (sửa đổi)",
        **{"fees-0-amount": "3000000", "documents-1-name": "Bản sao giấy đăng ký kinh doanh",
           "change_note": "Tăng phí thẩm định"}))
    assert response.status_code == 303
    assert "Cấp giấy phép kinh doanh dịch vụ karaoke" in client.get("/thu-tuc/1.009999").get_data(
        as_text=True)  # v1 stays public until v2 is published

    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    public = client.get("/thu-tuc/1.009999").get_data(as_text=True)
    assert "(sửa đổi)" in public and "3.000.000" in public and "Bản sao giấy đăng ký" in public
    v1, v2 = versions(app, pid)
    assert v1[:4] == (1, VersionStatus.SUPERSEDED, "Cấp giấy phép kinh doanh dịch vụ karaoke",
                      [2000000])
    assert v1[4] == ["Đơn đề nghị cấp giấy phép"] and v2[1] is VersionStatus.PUBLISHED
    overview = csrf_client.get(f"{BASE}/{pid}").get_data(as_text=True)
    assert "Đã thay thế" in overview and "Tăng phí thẩm định" in overview
    old = csrf_client.get(f"{BASE}/{pid}/phien-ban/1").get_data(as_text=True)
    assert "2.000.000" in old and "Đã thay thế" in old and "(sửa đổi)" not in old

    page = csrf_client.post(f"{BASE}/{pid}/ngung-cong-bo", follow_redirects=True)
    assert "Đã ngừng công bố" in page.get_data(as_text=True)
    assert client.get("/thu-tuc/1.009999").status_code == 404
    assert versions(app, pid)[1][1] is VersionStatus.UNPUBLISHED
    csrf_client.post(f"{BASE}/{pid}/cong-bo")  # "Công bố lại" the unpublished version
    assert client.get("/thu-tuc/1.009999").status_code == 200


def test_discard_draft(csrf_client, client, app, admin):
    pid = create(csrf_client, admin)
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    csrf_client.post(f"{BASE}/{pid}/ban-nhap")
    page = csrf_client.post(f"{BASE}/{pid}/huy-ban-nhap", follow_redirects=True)
    assert "Đã hủy bản nháp phiên bản 2" in page.get_data(as_text=True)
    assert [v[:2] for v in versions(app, pid)] == [(1, VersionStatus.PUBLISHED)]
    assert client.get("/thu-tuc/1.009999").status_code == 200
    again = csrf_client.post(f"{BASE}/{pid}/huy-ban-nhap", follow_redirects=True)
    assert "không có bản nháp" in again.get_data(as_text=True)

    never = create(csrf_client, admin, code="2.000001")
    response = csrf_client.post(f"{BASE}/{never}/huy-ban-nhap")
    assert response.headers["Location"].endswith(BASE)
    assert csrf_client.get(f"{BASE}/{never}").status_code == 404


def test_a_published_version_cannot_be_edited(csrf_client, app, admin):
    pid = create(csrf_client, admin)
    published = draft_id(app, pid)
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    for response in (csrf_client.get(f"{BASE}/{pid}/sua", follow_redirects=True),
                     csrf_client.post(f"{BASE}/{pid}/sua", follow_redirects=True,
                                      data=edit_form(admin, published, name="Sửa lén"))):
        assert "phiên bản đã công bố không được sửa" in response.get_data(as_text=True)
    csrf_client.post(f"{BASE}/{pid}/ban-nhap")  # a stale form opened on v1 must not edit v2
    stale = csrf_client.post(f"{BASE}/{pid}/sua", data=edit_form(admin, published, name="Cũ"),
                             follow_redirects=True)
    assert "thay đổi vừa gửi chưa được lưu" in stale.get_data(as_text=True)
    assert [v[2] for v in versions(app, pid)] == ["Cấp giấy phép kinh doanh dịch vụ karaoke"] * 2


def test_validation_errors_keep_the_values(csrf_client, app, admin):
    response = csrf_client.post(f"{BASE}/moi", data=new_form(admin, **{
        "name": "", "cutoff": "25:99", "time_amount": "năm", "fees-0-amount": "-5",
        "steps-0-hours": "", "documents-0-quantity": "0", "code": "1.00 9?"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ["Vui lòng nhập tên thủ tục.", "Giờ chốt nhận hồ sơ có dạng GG:PP",
                    "Vui lòng nhập một số nguyên.", "Mức phí, lệ phí không được âm.",
                    "Vui lòng nhập số giờ của bước.", "Số lượng giấy tờ phải từ 1 trở lên.",
                    "Mã thủ tục chỉ gồm chữ không dấu", 'href="#fees-0-amount"']:
        assert message in page, message
    assert "Thời hạn giải quyết không được âm" not in page  # one message per problem
    assert 'value="25:99"' in page and 'value="Phí thẩm định"' in page and 'value="năm"' in page
    no_documents = csrf_client.post(f"{BASE}/moi", data=new_form(admin, **{
        "documents-0-name": "", "documents-0-quantity": "", "field_id": admin["other_field"]}))
    text = no_documents.get_data(as_text=True)
    assert no_documents.status_code == 422 and "Vui lòng chọn lĩnh vực của cơ quan." in text
    same_day = csrf_client.post(f"{BASE}/moi", data=new_form(admin, **{
        "documents-0-name": "", "documents-0-quantity": "", "time_unit": "same_day"}))
    text = same_day.get_data(as_text=True)
    assert "ít nhất một thành phần hồ sơ" in text and "phải có thời hạn bằng 0" in text
    with app.app_context():
        assert db.session.scalar(select(Procedure.id)) is None


def test_duplicate_code_is_refused(csrf_client, app, admin):
    create(csrf_client, admin)
    response = csrf_client.post(f"{BASE}/moi", data=new_form(admin, name="Thủ tục khác"))
    assert response.status_code == 422
    assert "Mã thủ tục “1.009999” đã tồn tại." in response.get_data(as_text=True)


def test_rows_and_fields_without_javascript(csrf_client, admin):
    blank = csrf_client.get(f"{BASE}/moi").get_data(as_text=True)
    assert 'name="documents-1-name"' in blank and 'name="documents-2-name"' not in blank
    more = csrf_client.post(f"{BASE}/moi", data=new_form(admin, add_row="fees"))
    page = more.get_data(as_text=True)
    assert more.status_code == 200 and 'name="fees-2-name"' in page
    assert 'value="Phí thẩm định"' in page and "Vui lòng" not in page
    reload = csrf_client.post(f"{BASE}/moi", data=new_form(
        admin, agency_id=admin["other"], field_id="", reload_fields="1"))
    assert f'<option value="{admin["other_field"]}"' in reload.get_data(as_text=True)
    partial = csrf_client.get(f"{BASE}/linh-vuc?agency_id={admin['other']}",
                              headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and f'value="{admin["other_field"]}"' in partial


def test_list_filters(csrf_client, admin):
    create(csrf_client, admin)
    published = create(csrf_client, admin, code="1.000002", name="Đăng ký khai sinh",
                       agency_id=admin["other"], field_id=admin["other_field"])
    csrf_client.post(f"{BASE}/{published}/cong-bo")
    rows = csrf_client.get(f"{BASE}?state=published").get_data(as_text=True)
    assert "Đăng ký khai sinh" in rows and "karaoke" not in rows
    rows = csrf_client.get(f"{BASE}?state=draft&q=KARAOKE", headers={"HX-Request": "true"})
    assert "<html" not in rows.get_data(as_text=True) and "karaoke" in rows.get_data(as_text=True)
    assert "karaoke" not in csrf_client.get(f"{BASE}?agency={admin['other']}").get_data(
        as_text=True)


def upload(csrf_client, pid, document_id, **files):
    data = {kind: (io.BytesIO(content), name) for kind, (content, name) in files.items()}
    return csrf_client.post(f"{BASE}/{pid}/giay-to/{document_id}/tai-len", data=data,
                            content_type="multipart/form-data")


def document_of(app, pid, number=None):
    with app.app_context():
        procedure = db.session.get(Procedure, pid)
        version = procedure.draft if number is None else procedure.versions[number - 1]
        return version.documents[0].id


def test_template_upload_and_public_download(csrf_client, client, app, admin):
    pid = create(csrf_client, admin)
    response = upload(csrf_client, pid, document_of(app, pid),
                      template=(PDF, "Mẫu đơn.pdf"), sample=(DOCX, "mau.docx"))
    assert response.status_code == 303
    assert versions(app, pid)[0][5] == ["catalog/1.009999/v1/1-mau.pdf"]
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    page = client.get("/thu-tuc/1.009999").get_data(as_text=True)
    link = f"/thu-tuc/1.009999/giay-to/{document_of(app, pid, 1)}/mau"
    assert link in page and client.get(link).data == PDF
    # A new draft shares v1's file until it gets its own; v1 keeps serving the old one.
    csrf_client.post(f"{BASE}/{pid}/ban-nhap")
    upload(csrf_client, pid, document_of(app, pid), template=(b"%PDF-2 moi", "moi.pdf"))
    assert versions(app, pid)[1][5] == ["catalog/1.009999/v2/1-mau.pdf"]
    assert client.get(link).data == PDF
    assert csrf_client.get(f"{BASE}/{pid}/giay-to/{document_of(app, pid)}/mau").data == (
        b"%PDF-2 moi")
    refused = upload(csrf_client, pid, document_of(app, pid, 1), template=(PDF, "x.pdf"))
    assert refused.status_code == 303  # a published version's document: refused, unchanged
    assert versions(app, pid)[0][5] == ["catalog/1.009999/v1/1-mau.pdf"]


@pytest.mark.parametrize("files, message", [
    ({"template": (b"MZ\x90\x00program", "virus.pdf")}, "không phải tệp PDF thật"),
    ({"template": (b"MZ\x90\x00", "chuong-trinh.exe")}, "phải là PDF, DOC, DOCX, ODT hoặc XLSX"),
    ({"sample": (b"", "rong.docx")}, "rỗng (0 byte)"),
    ({}, "Vui lòng chọn tệp mẫu đơn hoặc tệp hồ sơ mẫu"),
    ({"template": (PDF + b"x" * 2000, "lon.pdf")}, "vượt quá dung lượng tối đa 1 KB"),
])
def test_upload_refusals(csrf_client, app, admin, monkeypatch, files, message):
    monkeypatch.setitem(app.config, "PORTAL", app.config["PORTAL"].with_(max_template_bytes=1024))
    pid = create(csrf_client, admin)
    stored_before = list(app.extensions["storage"].list("catalog/"))
    response = upload(csrf_client, pid, document_of(app, pid), **files)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert versions(app, pid)[0][5] == [None]
    assert list(app.extensions["storage"].list("catalog/")) == stored_before


@pytest.mark.parametrize("template, sample, stored", [
    ((PDF, "mau.bat"), (DOCX, "Hồ sơ mẫu.html"), ("mau.pdf", "Hồ sơ mẫu.docx")),
    ((PDF, "Tờ khai.pdf.exe"), (DOCX, "ho-so-mau"), ("Tờ khai.pdf", "ho-so-mau.docx")),
    ((PDF, "mau.DOCX"), (PDF, "mau.PDF"), ("mau.pdf", "mau.PDF")),
])
def test_the_stored_name_follows_the_detected_type(csrf_client, client, app, admin, template,
                                                   sample, stored):
    """Issue 10, item 14: the content decides, the extension follows — a PDF sent as
    "mau.bat" is published as "mau.pdf", under a key ending in .pdf and the PDF type."""
    pid = create(csrf_client, admin)
    document_id = document_of(app, pid)
    assert upload(csrf_client, pid, document_id, template=template,
                  sample=sample).status_code == 303
    with app.app_context():
        document = db.session.get(ProcedureDocument, document_id)
        assert (document.template_filename, document.sample_filename) == stored
        assert document.template_key.endswith(".pdf")
        assert document.sample_key.endswith("." + stored[1].rpartition(".")[2].lower())
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    public = client.get(f"/thu-tuc/1.009999/giay-to/{document_of(app, pid, 1)}/mau")
    assert public.status_code == 200 and public.data == template[0]
    assert public.headers["Content-Type"] == "application/pdf"
    assert parse_options_header(public.headers["Content-Disposition"]) == (
        "attachment", {"filename": stored[0]})


def test_upload_when_storage_is_down(csrf_client, app, admin, monkeypatch):
    pid = create(csrf_client, admin)

    def broken(*args, **kwargs):
        raise StorageError("disk unavailable")

    monkeypatch.setattr(app.extensions["storage"], "put", broken)
    response = upload(csrf_client, pid, document_of(app, pid), template=(PDF, "a.pdf"))
    assert response.status_code == 422
    assert "Kho lưu trữ tệp tạm thời không hoạt động" in response.get_data(as_text=True)
    assert versions(app, pid)[0][5] == [None]


def test_reordered_documents_never_share_a_file(csrf_client, client, app, admin):
    pid = create(csrf_client, admin, **{"documents-1-name": "Tờ khai", "documents-1-quantity": "1"})
    upload(csrf_client, pid, document_of(app, pid), template=(PDF, "don.pdf"))
    swapped = edit_form(admin, draft_id(app, pid), **{
        "documents-0-name": "Tờ khai", "documents-1-name": "Đơn đề nghị cấp giấy phép",
        "documents-1-quantity": "1"})
    assert csrf_client.post(f"{BASE}/{pid}/sua", data=swapped).status_code == 303
    assert versions(app, pid)[0][5] == [None, "catalog/1.009999/v1/1-mau.pdf"]  # kept by name
    upload(csrf_client, pid, document_of(app, pid), template=(b"%PDF-1.4 to khai", "to-khai.pdf"))
    first, second = versions(app, pid)[0][5]
    assert first.startswith("catalog/1.009999/v1/1-mau-") and first != second
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    page = client.get("/thu-tuc/1.009999").get_data(as_text=True)
    with app.app_context():
        ids = [d.id for d in db.session.get(Procedure, pid).versions[0].documents]
    assert client.get(f"/thu-tuc/1.009999/giay-to/{ids[1]}/mau").data == PDF
    assert client.get(f"/thu-tuc/1.009999/giay-to/{ids[0]}/mau").data == b"%PDF-1.4 to khai"
    assert "Tải mẫu đơn" in page


def test_the_inter_agency_chain_in_the_version_form(csrf_client, app, admin):
    """Issue 18: the version declares its chain — agencies in order, each with its share of
    the legal time — and a new draft starts from it; a bad chain is refused next to the form."""
    chain = {"inter_agency": "y",
             "chain-0-agency_code": "SYT", "chain-0-share": "3", "chain-0-share_unit": "days",
             "chain-1-agency_code": "", "chain-1-share": "", "chain-1-share_unit": "days"}
    blank = csrf_client.get(f"{BASE}/moi").get_data(as_text=True)
    assert 'name="chain-0-agency_code"' in blank and "Chuỗi liên thông" in blank
    own = csrf_client.post(f"{BASE}/moi", data=new_form(admin, **{
        **chain, "chain-0-agency_code": "STP"}))
    assert own.status_code == 422 and "không gồm cơ quan giải quyết thủ tục" in own.text
    not_inter = csrf_client.post(f"{BASE}/moi", data=new_form(admin, **{
        **chain, "inter_agency": ""}))
    assert not_inter.status_code == 422
    assert "Chỉ khai báo cơ quan liên thông cho thủ tục liên thông." in not_inter.text
    pid = create(csrf_client, admin, **chain)
    with app.app_context():
        version = db.session.get(Procedure, pid).draft
        assert [(c.agency.code, c.share, c.share_unit.value) for c in version.chain] == [
            ("SYT", 3, "days")]
    edit = csrf_client.get(f"{BASE}/{pid}/sua").get_data(as_text=True)
    assert '<option selected value="SYT">' in edit or 'value="SYT" selected' in edit
    more = csrf_client.post(f"{BASE}/{pid}/sua", data=edit_form(admin, draft_id(app, pid), **{
        **chain, "chain-1-agency_code": "STP", "chain-1-share": "20",
        "chain-1-share_unit": "percent"}))
    assert more.status_code == 422
    saved = csrf_client.post(f"{BASE}/{pid}/sua", data=edit_form(admin, draft_id(app, pid), **{
        **chain, "chain-0-share": "20", "chain-0-share_unit": "percent"}))
    assert saved.status_code == 303
    with app.app_context():
        version = db.session.get(Procedure, pid).draft
        assert [(c.share, c.share_unit.value) for c in version.chain] == [(20, "percent")]


def test_typed_fee_lines_exemptions_and_payment_at_submission(csrf_client, client, app, admin):
    """Issue 14: a draft's fee lines carry their type, basis and unit; exemption categories
    and "payment due at submission" are edited on the draft and shown on the public page;
    a new draft copies them, and the published version keeps them."""
    pid = create(csrf_client, admin, **{
        "fees-0-kind": "charge", "fees-1-name": "Phí cấp bản sao", "fees-1-amount": "5000",
        "fees-1-kind": "fee", "fees-1-basis": "per_unit", "fees-1-unit_label": "bản",
        "exemptions-0-name": "Hộ nghèo", "payment_due_at_submission": "y"})
    csrf_client.post(f"{BASE}/{pid}/cong-bo")
    public = client.get("/thu-tuc/1.009999").get_data(as_text=True)
    assert "Lệ phí" in public and "5.000\xa0₫ / bản" in public
    assert "Miễn phí, lệ phí cho: Hộ nghèo." in public and 'class="fee-due-now"' in public
    csrf_client.post(f"{BASE}/{pid}/ban-nhap")
    edit_page = csrf_client.get(f"{BASE}/{pid}/sua").get_data(as_text=True)
    assert 'value="Hộ nghèo"' in edit_page and 'value="bản"' in edit_page
    with app.app_context():
        v1, v2 = db.session.get(Procedure, pid).versions
        for version in (v1, v2):
            assert [(f.kind.value, f.basis.value, f.unit_label) for f in version.fees] == [
                ("charge", "per_dossier", ""), ("fee", "per_unit", "bản")]
            assert [e.name for e in version.exemptions] == ["Hộ nghèo"]
            assert version.payment_due_at_submission
