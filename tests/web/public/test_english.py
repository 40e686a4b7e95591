"""English, the second language: the switch, translated pages, and a complete catalog.

The pages need the compiled catalog (messages.mo): `make translations` (part of `make install`,
so `make test` builds it)."""

import re
from pathlib import Path

import factories
import pytest
from babel.messages.pofile import read_po

from portal.accounts.models import Role
from portal.extensions import db

TRANSLATIONS = Path(__file__).resolve().parents[3] / "portal" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="en")


@pytest.fixture
def compiled():
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        pytest.fail("portal/translations/en/LC_MESSAGES/messages.mo is missing or older than "
                    "messages.po: run `make translations`")


@pytest.fixture
def english(csrf_client, compiled):
    response = csrf_client.post("/ngon-ngu", data={"locale": "en", "next": "/thu-tuc"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/thu-tuc")
    return csrf_client


def _one_procedure(app):
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        factories.published_procedure(justice, name="Cấp Phiếu lý lịch tư pháp cho công dân",
                                      code="2.000488")
        db.session.commit()


def test_home_page_in_english(english, app):
    _one_procedure(app)
    page = english.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Quảng Ngãi Provincial Public Service Portal" in page
    assert "Procedures by agency" in page
    assert "Administrative procedures" in page  # the main navigation
    assert "Thủ tục theo cơ quan" not in page
    # Data stays as published: agency and procedure names are Vietnamese.
    assert "Sở Tư pháp" in page


def test_catalog_page_and_partial_in_english(english, app):
    _one_procedure(app)
    page = english.get("/thu-tuc?q=ly+lich+tu+phap").get_data(as_text=True)
    assert 'lang="en"' in page
    assert re.search(r"<h1[^>]*>Administrative procedures</h1>", page)
    assert "Search by procedure name or code" in page
    assert "Procedures found: 1" in page
    assert "Thủ tục hành chính" not in page
    partial = english.get("/thu-tuc?q=khong+co+gi", headers={"HX-Request": "true"})
    assert "No matching procedures found." in partial.get_data(as_text=True)


def test_switching_back_to_vietnamese(english, app):
    english.post("/ngon-ngu", data={"locale": "vi", "next": "/"})
    page = english.get("/thu-tuc").get_data(as_text=True)
    assert 'lang="vi"' in page and "Thủ tục hành chính" in page
    assert "Administrative procedures" not in page


def test_english_catalog_is_complete():
    catalog = _catalog()
    messages = [m for m in catalog if m.id]
    assert messages, "the English catalog is empty"
    untranslated = [m.id for m in messages
                    if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert not untranslated, f"msgids without an English msgstr: {untranslated}"
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"


def test_english_keeps_every_placeholder():
    for message in _catalog():
        if not message.id or isinstance(message.id, tuple):
            continue
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
            PLACEHOLDER.findall(message.id)), message.id


def test_every_ui_string_in_the_code_is_in_the_english_catalog(tmp_path):
    """A string added to a template or marked with _/_l/N_ must be extracted and translated
    (`make messages`, then translate the new entries)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_",
                    "-o", str(pot), "."], cwd=root, check=True, capture_output=True)
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    translated = {m.id for m in _catalog() if m.id and m.string}
    missing = sorted(str(i) for i in extracted - translated)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


def test_refusals_and_flashes_in_english(csrf_client, app, login, compiled):
    """A domain refusal and a route's flash are in the catalog too (issue 11, item 5)."""
    with app.app_context():
        agency_id = factories.agency("STP", "Sở Tư pháp").id
        factories.staff(Role.ADMIN, email="quantri@example.vn")
        db.session.commit()
    login(csrf_client, "quantri@example.vn")
    csrf_client.post("/ngon-ngu", data={"locale": "en", "next": "/"})
    fields = f"/quan-tri/co-quan/{agency_id}/linh-vuc"
    added = csrf_client.post(fields, data={"field-code": "ct", "field-name": "Chứng thực"},
                             follow_redirects=True).get_data(as_text=True)
    assert "Field Chứng thực added." in added and "Đã thêm lĩnh vực" not in added
    refused = csrf_client.post(fields, data={"field-code": "CT", "field-name": "Khác"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Sở Tư pháp already has a field with the code “CT”." in page
    assert "đã có lĩnh vực mã" not in page


def test_error_page_in_english(english):
    page = english.get("/khong-co-trang-nay").get_data(as_text=True)
    assert "Page not found" in page and "Không tìm thấy trang" not in page


def test_english_search_without_results_says_names_are_searched_in_vietnamese(english, app):
    _one_procedure(app)
    hint = "Procedure names are searched in Vietnamese"
    for headers in ({}, {"HX-Request": "true"}):  # the page and the active-search partial
        page = english.get("/thu-tuc?q=criminal+record", headers=headers).get_data(as_text=True)
        assert "No matching procedures found." in page and hint in page
    # Not when something was found, nor when nothing was searched for.
    assert hint not in english.get("/thu-tuc?q=ly+lich").get_data(as_text=True)
    english.post("/ngon-ngu", data={"locale": "vi", "next": "/"})
    page = english.get("/thu-tuc?q=criminal+record").get_data(as_text=True)
    assert "Không tìm thấy thủ tục phù hợp" in page and "tìm bằng tiếng Việt" not in page
