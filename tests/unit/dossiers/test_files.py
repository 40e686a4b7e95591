"""File types by content, safe names, upload limits from the configuration, the sweep CLI."""

from __future__ import annotations

import io
import random
import re
import unicodedata
import zipfile
from datetime import UTC, datetime, timedelta

import factories
import openpyxl
import pytest

from portal.config import Config
from portal.core.docx import make_docx
from portal.dossiers import files, operations
from portal.dossiers.cli import sweep_orphans
from portal.dossiers.files import ALLOWED_TYPES, UploadLimits, detect_type, safe_filename
from portal.extensions import db
from portal.storage import LocalStorage

MiB = 1024 * 1024
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _zip(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Bảng kê"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _odt() -> bytes:
    return _zip([("mimetype", files.ODT.encode()), ("content.xml", b"<office:document/>"),
                 ("META-INF/manifest.xml", b"<manifest/>")], stored_first=True)


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "don.pdf", files.PDF),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "anh.jpg", files.JPEG),
    (PNG_HEAD, "anh.png", files.PNG),
    (make_docx("Đơn đề nghị", ["Kính gửi: Sở Tư pháp"]), "don.docx", files.DOCX),
    (_xlsx(), "bang-ke.xlsx", files.XLSX),
    (_odt(), "don.odt", files.ODT),
])
def test_allowed_types_are_detected_by_content(content, name, expected):
    assert detect_type(content[:files.HEAD_BYTES], name) == expected
    # The name does not matter: a PDF called .docx is still a PDF.
    assert detect_type(content, "tep.bin") == expected
    assert expected in ALLOWED_TYPES


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "ho-so.pdf"),  # .exe renamed
    (b"\x7fELF\x02\x01\x01", "anh.png"),
    (b"GIF89a\x01\x00", "anh.gif"),
    (b"<html><script>", "don.pdf"),
    (b"", "rong.pdf"),
])
def test_other_content_is_refused_whatever_the_name(content, name):
    assert detect_type(content, name) is None


def test_ole2_word_files_only_where_allowed():
    """A Word 97 file (OLE2) is a form template's type, not a dossier upload's."""
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    assert detect_type(ole2, "don.doc") is None
    assert detect_type(ole2, "don.xls", (files.PDF, files.DOC)) == files.DOC
    assert detect_type(b"%PDF-1.4", "don.pdf", (files.DOC,)) is None


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("hoso.bat", files.PDF, "hoso.pdf"),
    ("hoso.html", files.PDF, "hoso.pdf"),
    ("hoso.exe", files.PDF, "hoso.pdf"),
    ("Giấy khai sinh.HTM", files.PNG, "Giấy khai sinh.png"),
    ("hoso.pdf.exe", files.PDF, "hoso.pdf"),
    ("hoso.pdf.exe", files.DOCX, "hoso.pdf.docx"),
    ("Kết quả giải quyết", files.PDF, "Kết quả giải quyết.pdf"),
    ("Quyết định 12.2024", files.PDF, "Quyết định 12.2024.pdf"),  # ".2024" is no extension
    ("anh.JPEG", files.JPEG, "anh.JPEG"),
    ("anh.jpg", files.JPEG, "anh.jpg"),
    ("anh.png", files.JPEG, "anh.jpg"),
    ("don.docx", files.XLSX, "don.xlsx"),
    ("don.doc", files.DOC, "don.doc"),
    ("don.pdf", "application/x-unknown", "don.pdf"),
])
def test_the_name_follows_the_detected_type(name, content_type, expected):
    assert files.name_for_type(name, content_type) == expected


def test_a_renamed_long_name_stays_within_the_limit():
    long = safe_filename("Đơn đề nghị " * 30 + ".bat")
    renamed = files.name_for_type(long, files.PDF)
    assert len(renamed) <= 120 and renamed.endswith(".pdf") and ".bat" not in renamed


def test_add_file_stores_the_name_of_the_detected_type(app_ctx, tmp_path):
    """Every dossier upload path (applicant, supplement, counter scan, e-result) goes
    through add_file; its name follows the content."""
    version = factories.published_procedure(factories.agency())
    user = factories.citizen()
    dossier = operations.start_dossier(version, user)
    item = operations.add_file(dossier, version.documents[0].id, io.BytesIO(b"%PDF-1.4 x"),
                               "C:\\Users\\An\\hoso.bat", user, LocalStorage(tmp_path),
                               UploadLimits(max_file=MiB, max_dossier=MiB))
    assert (item.original_name, item.content_type) == ("hoso.pdf", files.PDF)


def test_zip_archives_that_are_not_office_documents_are_refused():
    assert detect_type(_zip([("virus.exe", b"MZ" * 100)]), "don.docx") is None
    wrong_odf = _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")],
                     stored_first=True)
    assert detect_type(wrong_odf, "bang.odt") is None


def test_ooxml_whose_main_part_is_beyond_the_head_uses_the_extension_as_tie_break():
    noise = random.Random(3).randbytes(100_000)  # incompressible: pushes word/ far in
    big = _zip([("[Content_Types].xml", b"<Types/>"), ("docProps/x.bin", noise),
                ("word/document.xml", b"<w:document/>")])
    head = big[:1024]
    assert detect_type(big, "x") == files.DOCX
    assert detect_type(head, "don.docx") == files.DOCX
    assert detect_type(head, "bang.xlsx") == files.XLSX
    assert detect_type(head, "don.pdf") is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("Đơn đề nghị cấp phép.pdf", "Đơn đề nghị cấp phép.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\An\\Giấy tờ\\Bản sao CCCD.jpg", "Bản sao CCCD.jpg"),
    ("hồ\x00 sơ\r\n.pdf", "hồ sơ.pdf"),
    ('a"b<c>;d.pdf', "abcd.pdf"),
    ("  ..  ", "tep-dinh-kem"),
    ("", "tep-dinh-kem"),
    ("/", "tep-dinh-kem"),
])
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_safe_filename_normalises_and_truncates_keeping_the_extension():
    decomposed = unicodedata.normalize("NFD", "Quyết định.pdf")
    assert safe_filename(decomposed) == "Quyết định.pdf"
    long = safe_filename("Giấy chứng nhận quyền sử dụng đất " * 10 + ".docx")
    assert len(long) <= 120 and long.endswith(".docx")
    assert len(safe_filename("x" * 500)) == 120


def test_upload_limits_from_the_configuration():
    config = Config.from_env({})
    limits = UploadLimits.from_config(config)
    assert limits == UploadLimits(20 * MiB, 100 * MiB, 10)
    assert UploadLimits.from_config({"PORTAL": config}) == limits
    custom = Config.from_env({"MAX_FILE_MB": "5", "MAX_DOSSIER_MB": "30"})
    assert (custom.max_file_bytes, custom.max_dossier_bytes) == (5 * MiB, 30 * MiB)
    assert custom.flask_settings()["MAX_CONTENT_LENGTH"] == 6 * MiB
    with pytest.raises(Exception, match="MAX_FILE_MB"):
        Config.from_env({"MAX_FILE_MB": "200", "MAX_DOSSIER_MB": "100"})


def test_megabytes_in_messages():
    assert files.megabytes(20 * MiB) == "20 MB"
    assert files.megabytes(int(2.5 * MiB)) == "2,5 MB"


def test_prefixed_stream_returns_the_head_then_the_rest():
    source = io.BytesIO(b"0123456789")
    head = files.read_head(source)
    assert head == b"0123456789"
    stream = files.PrefixedStream(b"abc", io.BytesIO(b"defgh"))
    assert stream.read(2) == b"ab"
    assert stream.read(2) == b"c"
    assert stream.read(-1) == b"defgh"
    assert stream.read(3) == b""


# --- the sweep -------------------------------------------------------------------------------

def _draft_with_file(storage):
    user = factories.citizen()
    version = factories.published_procedure(factories.agency())
    dossier = operations.start_dossier(version, user)
    item = operations.add_file(dossier, version.documents[0].id, io.BytesIO(b"%PDF-1.4 x"),
                               "don.pdf", user, storage, UploadLimits(MiB, 2 * MiB))
    return dossier, item


def test_sweep_deletes_only_old_orphans(db_session, tmp_path):
    storage = LocalStorage(tmp_path / "store")
    _, item = _draft_with_file(storage)
    db.session.commit()
    storage.put("dossiers/999/orphan", io.BytesIO(b"left behind"))
    storage.put("procedures/1/template", io.BytesIO(b"not a dossier file"))
    now = datetime.now(UTC)
    assert sweep_orphans(storage, timedelta(hours=24), now).kept_recent == 1
    assert storage.exists("dossiers/999/orphan")
    result = sweep_orphans(storage, timedelta(hours=24), now + timedelta(days=2))
    assert (result.scanned, result.deleted, result.failed) == (2, 1, 0)
    assert not storage.exists("dossiers/999/orphan")
    assert storage.exists(item.storage_key) and storage.exists("procedures/1/template")


def test_sweep_command(app, db_session):
    storage = app.extensions["storage"]
    _, item = _draft_with_file(storage)
    db.session.commit()
    storage.put("dossiers/998/orphan", io.BytesIO(b"left behind"))
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["storage", "sweep"])
    assert kept.exit_code == 0, kept.output
    assert storage.exists("dossiers/998/orphan")
    swept = runner.invoke(args=["storage", "sweep", "--older-than-hours", "0"])
    assert swept.exit_code == 0, swept.output
    assert re.search(r"xóa [1-9]\d* tệp mồ côi", swept.output)
    assert not storage.exists("dossiers/998/orphan") and storage.exists(item.storage_key)


def test_the_words_of_an_upload_area():
    """Issue 12: the types and limits stated next to each upload area."""
    assert files.type_names() == "PDF, JPG, PNG, DOCX, XLSX, ODT"
    assert files.whole_megabytes(20 * files.MIB) == "20 MB"
    assert files.whole_megabytes(5 * files.MIB + 700 * 1024) == "5 MB"  # never more than holds
    assert files.whole_megabytes(300 * 1024) == "300 KB"


@pytest.mark.parametrize(("name", "claimed"), [
    ("to-khai.pdf", files.PDF), ("ANH.JPG", files.JPEG), ("anh.jpeg", files.JPEG),
    ("bang.xlsx", files.XLSX), ("don.doc", None), ("virus.exe", None), ("pdf", None),
    ("", None), ("ho so.pdf.exe", None),
])
def test_the_type_a_name_claims(name, claimed):
    assert files.claimed_type(name) == claimed
