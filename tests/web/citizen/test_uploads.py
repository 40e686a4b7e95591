"""Upload areas: each refusal next to the right requirement, remove, download, no orphans."""

import io
import re
import zipfile

import pytest
from submission_helpers import EXE, PDF, PNG, file_keys, in_storage, start_draft, upload
from werkzeug.http import parse_options_header

from portal.dossiers.models import DossierFile
from portal.extensions import db


@pytest.fixture
def draft(citizen, setup):
    return start_draft(citizen, setup)


@pytest.fixture
def limits(app):
    """limits(**changes): tiny upload limits for one test (the PORTAL config is read per
    request)."""
    original = app.config["PORTAL"]

    def _set(**changes):
        app.config["PORTAL"] = original.with_(**changes)

    yield _set
    app.config["PORTAL"] = original


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _area_error(html: str, requirement_id: int) -> str:
    match = re.search(rf'id="req-{requirement_id}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else ""


def _refused(response, requirement_id: int) -> str:
    """The refusal must be inside this requirement's area, returned alone with 422."""
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:500]
    assert html.lstrip().startswith(f'<section id="req-{requirement_id}"')
    assert 'aria-invalid="true"' in html
    return _area_error(html, requirement_id)


def _count_files(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(DossierFile))


def test_wrong_type_renamed_exe_is_refused_in_its_area(citizen, app, setup, draft):
    """Issue 12: a file named as a PDF whose content is not one is refused for its content,
    not for its name."""
    second = setup.requirements[1]
    message = _refused(upload(citizen, draft, second, (EXE, "hop-dong.pdf")), second)
    assert "Nội dung tệp “hop-dong.pdf” không phải là PDF" in message
    assert "không đúng định dạng" not in message
    photo = _refused(upload(citizen, draft, second, (EXE, "anh.JPEG")), second)
    assert "Nội dung tệp “anh.JPEG” không phải là JPG" in photo
    assert _count_files(app) == 0


def test_a_program_named_as_a_program_is_refused_for_its_format(citizen, app, setup, draft):
    second = setup.requirements[1]
    message = _refused(upload(citizen, draft, second, (EXE, "cai-dat.exe")), second)
    assert "không đúng định dạng cho phép" in message and "PDF" in message
    assert _count_files(app) == 0


def test_each_area_states_the_types_and_the_configured_limits(citizen, setup, draft, limits):
    """Issue 12: the types in words and the sizes in whole MB, from the configuration."""
    page = citizen.get(f"/ho-so/{draft}/giay-to").get_data(as_text=True)
    rules = "Nhận tệp PDF, JPG, PNG, DOCX, XLSX, ODT; tối đa 20 MB mỗi tệp, 100 MB cho cả hồ sơ."
    assert page.count(rules) == len(setup.requirements)
    first = setup.requirements[0]
    assert f'aria-describedby="req-{first}-rules"' in page
    limits(max_file_bytes=5 * 1024 * 1024 + 7, max_dossier_bytes=30 * 1024 * 1024)
    page = citizen.get(f"/ho-so/{draft}/giay-to").get_data(as_text=True)
    assert "tối đa 5 MB mỗi tệp, 30 MB cho cả hồ sơ." in page


def test_empty_file_is_refused(citizen, app, setup, draft):
    first = setup.requirements[0]
    assert "rỗng" in _refused(upload(citizen, draft, first, (b"", "trong.pdf")), first)


def test_no_file_chosen(citizen, setup, draft):
    first = setup.requirements[0]
    response = citizen.post(f"/ho-so/{draft}/giay-to/{first}", data={},
                            headers={"HX-Request": "true"})
    assert "chọn ít nhất một tệp" in _refused(response, first)


def test_file_over_the_per_file_limit(citizen, app, setup, draft, limits):
    limits(max_file_bytes=100, max_dossier_bytes=1000)
    first = setup.requirements[0]
    message = _refused(upload(citizen, draft, first, (PDF + b"x" * 200, "lon.pdf")), first)
    assert "vượt quá dung lượng tối đa" in message
    assert _count_files(app) == 0


def test_dossier_total_over_the_limit(citizen, app, setup, draft, limits):
    limits(max_file_bytes=300, max_dossier_bytes=300)
    first, second = setup.requirements
    assert upload(citizen, draft, first, (PDF + b"x" * 150, "a.pdf")).status_code == 200
    message = _refused(upload(citizen, draft, second, (PDF + b"y" * 150, "b.pdf")), second)
    assert "Tổng dung lượng" in message


def test_request_larger_than_max_content_length(citizen, app, setup, draft):
    original = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        second = setup.requirements[1]
        htmx = upload(citizen, draft, second, (PDF + b"z" * 5000, "qua-lon.pdf"))
        assert "Tệp quá lớn" in _refused(htmx, second)
        plain = upload(citizen, draft, second, (PDF + b"z" * 5000, "qua-lon.pdf"), htmx=False)
        assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#req-{second}")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = original
    page = citizen.get(f"/ho-so/{draft}/giay-to").get_data(as_text=True)
    assert "Bản chụp CCCD: Tệp quá lớn" in page  # the flash names the requirement
    assert _count_files(app) == 0


def test_too_many_files_for_one_requirement(citizen, app, setup, draft, limits):
    limits(max_files_per_requirement=1)
    first = setup.requirements[0]
    response = upload(citizen, draft, first, (PDF, "mot.pdf"), (PNG, "hai.png"))
    message = _refused(response, first)
    assert "tối đa 1 tệp" in message
    assert "mot.pdf" in response.get_data(as_text=True)  # the first file was kept
    assert _count_files(app) == 1


def test_plain_refusal_is_flashed_with_the_requirement_name(citizen, setup, draft):
    first = setup.requirements[0]
    response = upload(citizen, draft, first, (EXE, "virus.pdf"), htmx=False)
    assert response.status_code == 303
    page = citizen.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tờ khai yêu cầu cấp Phiếu: Nội dung tệp “virus.pdf” không phải là PDF" in page


def test_area_shows_name_size_type_and_links(citizen, setup, draft):
    first = setup.requirements[0]
    html = upload(citizen, draft, first, (PDF, "Tờ khai.pdf"), (_docx(), "đơn.docx")).get_data(
        as_text=True)
    assert "Tờ khai.pdf" in html and "đơn.docx" in html and "DOCX" in html
    assert f"{len(PDF)} B · PDF" in html  # size and detected type
    assert "Mẫu số 03/2013/TT-LLTP" in html and "Bắt buộc" in html
    assert 'multiple' in html and 'accept="application/pdf,' in html
    assert html.count(f"/ho-so/{draft}/tep/") >= 4  # a view link and a remove form per file


def test_download_is_inline_for_pdf_attachment_for_docx(citizen, app, setup, draft):
    first = setup.requirements[0]
    body = _docx()  # once: a zip records the time, two builds can differ by a second
    upload(citizen, draft, first, (PDF, "to-khai.pdf"), (body, "don.docx"))
    with app.app_context():
        pdf_id, docx_id = db.session.scalars(db.select(DossierFile.id).order_by(DossierFile.id))
    pdf = citizen.get(f"/ho-so/{draft}/tep/{pdf_id}")
    assert pdf.status_code == 200 and pdf.data == PDF
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    docx = citizen.get(f"/ho-so/{draft}/tep/{docx_id}")
    assert docx.headers["Content-Disposition"].startswith("attachment") and docx.data == body


def _served_name(response) -> str:
    return parse_options_header(response.headers["Content-Disposition"])[1]["filename"]


def test_the_stored_name_follows_the_detected_type(citizen, app, setup, draft):
    """Issue 10, item 14: a real PDF sent as hoso.bat is kept and served as hoso.pdf."""
    first = setup.requirements[0]
    sent = [(PDF, "hoso.bat"), (PNG, "anh.html"), (_docx(), "Đơn.exe"),
            (PDF, "Giấy tờ.pdf.exe"), (PDF, "Kết quả"), (PNG, "ảnh.JPG")]
    assert upload(citizen, draft, first, *sent).status_code == 200
    with app.app_context():
        rows = db.session.execute(db.select(
            DossierFile.id, DossierFile.original_name, DossierFile.content_type).order_by(
            DossierFile.id)).all()
    assert [name for _, name, _ in rows] == ["hoso.pdf", "anh.png", "Đơn.docx",
                                             "Giấy tờ.pdf", "Kết quả.pdf", "ảnh.png"]
    for (file_id, name, content_type), (content, _) in zip(rows, sent, strict=True):
        served = citizen.get(f"/ho-so/{draft}/tep/{file_id}")
        assert served.data == content and served.headers["Content-Type"] == content_type
        assert _served_name(served) == name


def test_a_file_stored_under_a_wrong_extension_is_served_under_its_type(citizen, app, setup,
                                                                          draft):
    """A row saved before uploads were renamed still reaches the browser as a .pdf."""
    upload(citizen, draft, setup.requirements[0], (PDF, "to-khai.pdf"))
    with app.app_context():
        item = db.session.scalar(db.select(DossierFile))
        item.original_name, file_id = "to-khai.html", item.id
        db.session.commit()
    assert _served_name(citizen.get(f"/ho-so/{draft}/tep/{file_id}")) == "to-khai.pdf"


def test_remove_file_deletes_row_and_object(citizen, app, setup, draft):
    first = setup.requirements[0]
    upload(citizen, draft, first, (PDF, "bo-di.pdf"))
    keys = file_keys(app, draft)
    with app.app_context():
        file_id = db.session.scalar(db.select(DossierFile.id))
    response = citizen.post(f"/ho-so/{draft}/tep/{file_id}/xoa", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "bo-di.pdf" not in html and "Chưa có tệp nào" in html
    assert _count_files(app) == 0 and in_storage(app, keys) == []
    plain = citizen.post(f"/ho-so/{draft}/tep/{file_id}/xoa")
    assert plain.status_code == 404  # already gone


def test_failed_commit_deletes_the_new_object(citizen, app, setup, draft, monkeypatch):
    storage = app.extensions["storage"]
    before = {key for key, _ in storage.list(f"dossiers/{draft}/")}

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = upload(citizen, draft, setup.requirements[0], (PDF, "mat.pdf"))
    monkeypatch.undo()
    assert response.status_code == 500
    assert {key for key, _ in storage.list(f"dossiers/{draft}/")} == before
    assert _count_files(app) == 0
