"""The Content-Disposition helper (issue 10, item 1) and the suite's header guard."""

from __future__ import annotations

from urllib.parse import unquote

import header_guard
import pytest
from flask import Flask
from werkzeug.http import parse_options_header

from portal.core.http import MAX_NAME, ascii_fallback, content_disposition, display_name


def decoded(header: str) -> tuple[str, str, str]:
    """(kind, filename*, filename) as a browser reads them: werkzeug's parser (which prefers
    ``filename*``, RFC 6266 §4.3) and a plain RFC 8187 decoding must agree on the name."""
    kind, options = parse_options_header(header)
    assert unquote(header.split("filename*=UTF-8''", 1)[1], errors="strict") == (
        options["filename"])
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    return kind, options["filename"], fallback


def assert_sendable(header: str) -> None:
    header.encode("ascii")  # stricter than the Latin-1 a server needs
    assert "\r" not in header and "\n" not in header


@pytest.mark.parametrize(("name", "fallback"), [
    ("Kết quả giải quyết.pdf", "Ket qua giai quyet.pdf"),
    ("Mẫu tờ khai.docx", "Mau to khai.docx"),
    ("ĐƠN ĐỀ NGHỊ cấp đổi.pdf", "DON DE NGHI cap doi.pdf"),
    ("so-theo-doi-STP-20250101.xlsx", "so-theo-doi-STP-20250101.xlsx"),
    ("100% ; đủ.pdf", "100 du.pdf"),
])
def test_vietnamese_names_decode_back_with_an_ascii_fallback(name, fallback):
    header = content_disposition("attachment", name)
    assert_sendable(header)
    assert decoded(header) == ("attachment", name, fallback)


def test_inline_kind_and_only_two_kinds():
    assert decoded(content_disposition("inline", "Ảnh CCCD.png"))[:2] == ("inline", "Ảnh CCCD.png")
    with pytest.raises(ValueError):
        content_disposition('attachment; filename="x"', "a.pdf")


@pytest.mark.parametrize("name", ['Đơn "gấp".pdf', 'a\\"; filename="evil.exe', '"\\"'])
def test_quotes_and_backslashes_never_break_out_of_the_quoted_string(name):
    header = content_disposition("attachment", name)
    assert_sendable(header)
    kind, full, fallback = decoded(header)
    assert kind == "attachment" and '"' not in fallback and "\\" not in fallback
    assert full == display_name(name) and "\\" not in full  # a path separator in a name
    assert parse_options_header(header)[1].keys() == {"filename"}


@pytest.mark.parametrize("name", ["hoso\r\nSet-Cookie: a=b.pdf", "a\nb\tc\x00d\x7f.pdf",
                                  "tệp\u2028mới.pdf"])
def test_control_characters_and_line_breaks_are_dropped(name):
    header = content_disposition("attachment", name)
    assert_sendable(header)
    _, full, _ = decoded(header)
    assert not any(ch in full for ch in "\r\n\t\x00\x7f\u2028")
    assert parse_options_header(header)[1].keys() == {"filename"}  # nothing injected


def test_very_long_names_are_cut_keeping_the_extension():
    name = "Tờ khai đề nghị cấp giấy phép xây dựng " * 20 + ".docx"
    header = content_disposition("attachment", name)
    assert_sendable(header)
    _, full, fallback = decoded(header)
    assert len(full) <= MAX_NAME and full.endswith(".docx") and full.startswith("Tờ khai")
    assert len(fallback) <= MAX_NAME and fallback.endswith(".docx")
    assert len(header) < 2000  # one header line, whatever the name


@pytest.mark.parametrize(("name", "fallback"), [
    ("文件.pdf", "tep.pdf"),
    ("Заявление", "tep"),
    ("📄.pdf", "tep.pdf"),
    ("", "tep"),
    ("...", "tep"),
    ("   ", "tep"),
])
def test_names_without_latin_letters_get_a_fallback_never_empty(name, fallback):
    header = content_disposition("attachment", name)
    assert_sendable(header)
    _, full, ascii_name = decoded(header)
    assert ascii_name == fallback and full
    assert full == (name.strip(" .") or "tep")


def test_fallback_is_printable_ascii():
    assert ascii_fallback("Ｆｕｌｌｗｉｄｔｈ ﬁle.PDF") == "Fullwidth file.PDF"
    assert ascii_fallback("tệp.pđf") == "tep.pdf"


# --- the guard every test runs under (tests/header_guard.py) ---------------------------------

def _guarded_app() -> Flask:
    app = Flask(__name__)
    app.testing = True
    header_guard.install(app)

    @app.get("/old")
    def old():  # what stream_stored did before the fix
        response = app.response_class(b"%PDF-1.4")
        response.headers.set("Content-Disposition", "attachment",
                             filename="Kết quả giải quyết.pdf")
        return response

    @app.get("/new")
    def new():
        response = app.response_class(b"%PDF-1.4")
        response.headers["Content-Disposition"] = content_disposition(
            "attachment", "Kết quả giải quyết.pdf")
        return response

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    @app.errorhandler(500)
    def server_error(error):  # an error page's own headers are checked too
        return "lỗi", 500, {"X-Reason": "lỗi máy chủ"}

    return app


def test_the_guard_fails_the_old_header_and_passes_the_helper():
    app = _guarded_app()
    client = app.test_client()
    try:
        with pytest.raises(AssertionError, match="Content-Disposition.*not Latin-1"):
            client.get("/old")
        assert header_guard.PROBLEMS == [
            "GET /old: header 'Content-Disposition': value is not Latin-1: "
            "'attachment; filename=\"Kết quả giải quyết.pdf\"'"]
        header_guard.PROBLEMS.clear()
        assert client.get("/new").status_code == 200 and header_guard.PROBLEMS == []
        # Flask logs and swallows an error raised while finishing an error page: the list
        # is what the autouse fixture of tests/conftest.py checks at teardown.
        app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 page, as in production
        assert client.get("/broken").status_code == 500
        assert header_guard.PROBLEMS == [
            "GET /broken: header 'X-Reason': value is not Latin-1: 'lỗi máy chủ'"]
    finally:
        header_guard.PROBLEMS.clear()


def test_the_guard_catches_the_bug_through_the_portals_own_download(app, monkeypatch):
    """With the pre-fix header put back in ``stream_stored``, the existing kind of test (a
    Flask test client downloading a Vietnamese-named form template) now fails."""
    import factories

    from portal.blueprints import downloads
    from portal.catalog import operations as catalog_ops
    from portal.extensions import db

    def raw_header(kind: str, filename: str) -> str:
        return f'{kind}; filename="{filename}"'

    monkeypatch.setattr(downloads, "content_disposition", raw_header)
    # The bytes do not matter here (and an open file left behind by the failed request
    # would be a ResourceWarning): the store hands back a list.
    monkeypatch.setattr(app.extensions["storage"], "open", lambda key: [b"%PDF-1.4"])
    with app.app_context():
        version = catalog_ops.create_procedure(factories.procedure_data(factories.agency()),
                                               None)
        document = version.documents[0]
        catalog_ops.attach_document_file(document, version, "template", "guard/mau.pdf",
                                         "Mẫu tờ khai.pdf")
        catalog_ops.publish(version, None)
        db.session.commit()
        url = f"/thu-tuc/{version.procedure.code}/giay-to/{document.id}/mau"
    try:
        with pytest.raises(AssertionError, match="Mẫu tờ khai.pdf"):
            app.test_client().get(url)
    finally:
        header_guard.PROBLEMS.clear()
