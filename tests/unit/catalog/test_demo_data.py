"""The demo catalog: agencies, the hand-written real procedures and the synthetic generator."""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from portal.catalog import demo_data
from portal.catalog.demo_data import AGENCIES, PROCEDURES, generate_procedures
from portal.catalog.demo_procedures_7 import FIELD_VOCABULARY

AGENCY_KEYS = {"code", "unit_code", "name", "name_en", "kind", "fields"}
PROCEDURE_KEYS = {
    "code", "agency", "field", "name", "online_level", "time", "cutoff", "applicant",
    "inter_agency", "on_the_spot", "result", "legal_basis", "fees", "documents", "steps",
    "description",
}
KINDS = {"department", "land", "office", "committee"}
ONLINE_LEVELS = {"full", "partial", "offline"}
TIME_UNITS = {"days", "hours", "same_day"}
APPLICANTS = {"citizen", "business", "both"}
DOCUMENT_FORMS = {"original", "copy", "certified_copy"}
ROLES = {"counter", "specialist", "leader", "postal", "committee"}
HOURS_PER_DAY = 8

DEPARTMENT_NAMES = {
    "Sở Thông tin và Truyền thông", "Sở Tài chính", "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo",
    "Sở Lao động – Thương binh và Xã hội", "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư",
    "Sở Công Thương", "Sở Xây dựng", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế", "Sở Ngoại vụ",
}
LAND_BRANCH = "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi"
CITY_OFFICE = "Phòng Tài nguyên và Môi trường thành phố Quảng Ngãi"

AGENCIES_BY_CODE = {a["code"]: a for a in AGENCIES}
LAND_BRANCH_CODE = next(a["code"] for a in AGENCIES if a["name"] == LAND_BRANCH)
SCALE = 1400  # report 62/BC-HCC: "gần 1.400 thủ tục"


def fold(text: str) -> str:
    """The catalog search rule: no diacritics, đ→d, case-folded."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def expected_step_hours(time: dict) -> int | None:
    """Working hours the internal steps must add up to; None for same-day (at most a day)."""
    if time["unit"] == "days":
        return time["amount"] * HOURS_PER_DAY
    if time["unit"] == "hours":
        return time["amount"]
    return None


def assert_valid_procedure(p: dict) -> None:
    """The shape the importer and the other packages code against, with the model's limits."""
    code = p.get("code")
    assert set(p) == PROCEDURE_KEYS, code
    agency = AGENCIES_BY_CODE[p["agency"]]
    assert p["field"] in {f["code"] for f in agency["fields"]}, code
    for key in ("name", "result", "legal_basis", "description"):
        assert isinstance(p[key], str) and p[key].strip(), (code, key)
    assert len(p["name"]) <= 500 and len(p["result"]) <= 500, code
    assert p["online_level"] in ONLINE_LEVELS, code
    assert p["applicant"] in APPLICANTS, code
    assert type(p["inter_agency"]) is bool and type(p["on_the_spot"]) is bool, code

    time = p["time"]
    assert set(time) == {"amount", "unit"} and time["unit"] in TIME_UNITS, code
    assert type(time["amount"]) is int, code
    assert time["amount"] == 0 if time["unit"] == "same_day" else time["amount"] > 0, code
    assert p["cutoff"] is None or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", p["cutoff"]), code

    for f in p["fees"]:
        assert set(f) == {"name", "amount", "note"}, code
        assert type(f["amount"]) is int and f["amount"] >= 0, code
        assert f["name"].strip() and len(f["name"]) <= 300, code
        assert isinstance(f["note"], str) and len(f["note"]) <= 500, code

    documents = p["documents"]
    assert 2 <= len(documents) <= 7, code
    assert any(d["mandatory"] for d in documents), code
    for d in documents:
        assert set(d) == {"name", "form", "quantity", "mandatory", "template"}, code
        assert d["name"].strip() and len(d["name"]) <= 500, code
        assert d["form"] in DOCUMENT_FORMS, code
        assert type(d["quantity"]) is int and d["quantity"] >= 1, code
        assert type(d["mandatory"]) is bool, code
        assert d["template"] is None or (d["template"].strip() and len(d["template"]) <= 200)

    steps = p["steps"]
    assert len(steps) >= 2, code
    for s in steps:
        assert set(s) == {"name", "role", "hours"}, code
        assert s["role"] in ROLES and s["name"].strip() and len(s["name"]) <= 300, code
        assert type(s["hours"]) is int and s["hours"] > 0, code
    total = sum(s["hours"] for s in steps)
    expected = expected_step_hours(time)
    if expected is None:
        assert total <= HOURS_PER_DAY, code
    else:
        assert total == expected, (code, total, expected)
    # Only inter-agency dossiers go to the Committee's office, and it needs 3 working days.
    committee_hours = sum(s["hours"] for s in steps if s["role"] == "committee")
    if p["inter_agency"]:
        assert committee_hours >= 3 * HOURS_PER_DAY, code
    else:
        assert committee_hours == 0, code
    if p["on_the_spot"]:
        assert total <= HOURS_PER_DAY, code


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


# --- agencies ------------------------------------------------------------------------------

def test_nineteen_agencies_of_the_report_with_their_kinds():
    assert len(AGENCIES) == 19
    assert all(set(a) == AGENCY_KEYS and a["kind"] in KINDS for a in AGENCIES)
    by_kind = Counter(a["kind"] for a in AGENCIES)
    assert by_kind == {"department": 16, "land": 2, "committee": 1}
    assert {a["name"] for a in AGENCIES if a["kind"] == "department"} == DEPARTMENT_NAMES
    assert {a["name"] for a in AGENCIES if a["kind"] == "land"} == {LAND_BRANCH, CITY_OFFICE}
    assert [a["name"] for a in AGENCIES if a["kind"] == "committee"] == ["Văn phòng UBND tỉnh"]


def test_agency_codes_and_unit_codes_are_unique_and_well_formed():
    codes = [a["code"] for a in AGENCIES]
    unit_codes = [a["unit_code"] for a in AGENCIES]
    assert len(set(codes)) == len(codes)
    assert len(set(unit_codes)) == len(unit_codes)
    assert all(re.fullmatch(r"[A-Z]{2,16}", c) for c in codes)
    # Circular 10/2016/TT-BTTTT: V1V2V3.Z1Z2.Y1Y2.M1M2M3, province H48.
    assert all(re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H48", u) for u in unit_codes)
    assert all(a["name_en"] and len(a["name"]) <= 200 for a in AGENCIES)


def test_every_agency_has_two_to_six_fields_with_codes_unique_within_it():
    for agency in AGENCIES:
        field_codes = [f["code"] for f in agency["fields"]]
        assert 2 <= len(field_codes) <= 6, agency["code"]
        assert len(set(field_codes)) == len(field_codes), agency["code"]
        assert all(set(f) == {"code", "name"} and f["name"].strip() for f in agency["fields"])
        assert all(re.fullmatch(r"[A-Z]{1,32}", c) for c in field_codes)


# --- real procedures -------------------------------------------------------------------------

def test_at_least_45_real_procedures_with_unique_national_codes():
    codes = [p["code"] for p in PROCEDURES]
    assert len(codes) >= 45
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[12]\.00\d{4}", c) for c in codes)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["code"])
def test_real_procedure_is_well_formed(procedure):
    assert_valid_procedure(procedure)


def test_real_procedures_have_real_content():
    for p in PROCEDURES:
        assert len(p["description"]) >= 120, p["code"]
        assert re.search(r"\d+/\d{4}/|Luật|Công ước", p["legal_basis"]), p["code"]


def test_every_department_has_two_and_the_land_branch_four_procedures():
    per_agency = Counter(p["agency"] for p in PROCEDURES)
    for agency in AGENCIES:
        if agency["kind"] == "department":
            assert per_agency[agency["code"]] >= 2, agency["code"]
    assert per_agency[LAND_BRANCH_CODE] >= 4


def find(substring: str) -> list[dict]:
    return [p for p in PROCEDURES if substring in p["name"]]


@pytest.mark.parametrize(("substring", "expected"), [
    ("Cấp Phiếu lý lịch tư pháp", {"agency": "STP"}),
    ("Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
     {"agency": LAND_BRANCH_CODE, "time": {"amount": 0, "unit": "same_day"}, "cutoff": "15:00"}),
    ("Cấp giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
     {"agency": "SNNPTNT", "on_the_spot": True}),
    ("Đăng ký thực hiện khuyến mại", {"agency": "SCT", "on_the_spot": True}),
    ("Cấp phù hiệu xe", {"agency": "SGTVT"}),
    ("Đăng ký thành lập doanh nghiệp tư nhân", {"agency": "SKHDT", "applicant": "business"}),
    ("Đăng ký thành lập công ty TNHH một thành viên",
     {"agency": "SKHDT", "applicant": "business"}),
])
def test_must_include_procedure_is_present(substring, expected):
    matches = find(substring)
    assert len(matches) == 1, substring
    assert {k: matches[0][k] for k in expected} == expected


def test_inter_agency_procedures_reach_the_committee_from_several_departments():
    inter = [p for p in PROCEDURES if p["inter_agency"]]
    assert len(inter) >= 3
    assert {"STNMT", "SXD", "SKHDT"} <= {p["agency"] for p in inter}
    assert all(AGENCIES_BY_CODE[p["agency"]]["kind"] == "department" for p in inter)


def test_mix_of_online_levels_and_time_units():
    assert {p["online_level"] for p in PROCEDURES} == ONLINE_LEVELS
    assert {p["time"]["unit"] for p in PROCEDURES} == TIME_UNITS
    assert {p["time"]["amount"] for p in PROCEDURES if p["time"]["unit"] == "hours"} & {4, 8}
    assert {p["applicant"] for p in PROCEDURES} == APPLICANTS
    assert any(p["fees"] for p in PROCEDURES) and any(not p["fees"] for p in PROCEDURES)
    assert {d["form"] for p in PROCEDURES for d in p["documents"]} == DOCUMENT_FORMS
    assert {s["role"] for p in PROCEDURES for s in p["steps"]} == ROLES


def test_names_have_vietnamese_diacritics_and_fold_for_search():
    assert sum(1 for p in PROCEDURES if re.search("[đĐ]", p["name"])) >= 10
    assert [p["code"] for p in PROCEDURES if "dang ky the chap" in fold(p["name"])] == [
        p["code"] for p in find("Đăng ký thế chấp")]
    # Composed (NFC) text only: decomposed accents would defeat equality and LIKE searches.
    for value in strings_in([AGENCIES, PROCEDURES]):
        assert unicodedata.is_normalized("NFC", value), value


def test_procedures_share_no_mutable_parts():
    # The importer may mutate what it reads; shared helper results must not leak between rows.
    seen: set[int] = set()
    for p in PROCEDURES:
        parts = [p["time"], p["fees"], p["documents"], p["steps"], *p["fees"],
                 *p["documents"], *p["steps"]]
        for part in parts:
            assert id(part) not in seen, p["code"]
            seen.add(id(part))


def test_demo_modules_import_only_the_standard_library():
    package = Path(demo_data.__file__).parent
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    for path in sorted(package.glob("demo_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] in allowed for a in node.names), path.name
            elif isinstance(node, ast.ImportFrom):
                if node.module == "portal.catalog":
                    assert all(a.name.startswith("demo_") for a in node.names), path.name
                elif not (node.module or "").startswith("portal.catalog.demo_"):
                    assert (node.module or "").split(".")[0] in allowed, path.name


# --- generated procedures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated() -> list[dict]:
    return generate_procedures(SCALE - len(PROCEDURES))


def test_generator_fills_the_catalog_to_the_reported_scale(generated):
    assert len(PROCEDURES) + len(generated) == SCALE


def test_generator_is_deterministic_for_a_seed(generated):
    assert generate_procedures(SCALE - len(PROCEDURES)) == generated
    assert generate_procedures(50, seed=7) == generate_procedures(50, seed=7)
    assert generate_procedures(50, seed=7) != generate_procedures(50, seed=8)


def test_generated_codes_are_unique_and_never_collide_with_real_ones(generated):
    codes = [p["code"] for p in generated]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"9\.\d{6}", c) for c in codes)
    assert not set(codes) & {p["code"] for p in PROCEDURES}


def test_generated_procedures_are_well_formed(generated):
    for procedure in generated:
        assert_valid_procedure(procedure)


def test_generated_names_are_unique_and_vietnamese(generated):
    names = [p["name"] for p in PROCEDURES + generated]
    assert len(set(names)) == len(names)
    assert sum(1 for n in names if re.search("[đĐ]", n)) > len(generated) // 4
    assert {n.split(" ")[0] for n in (p["name"] for p in generated)} >= {
        "Cấp", "Gia", "Điều", "Đính", "Thu"}


def test_generated_procedures_cover_every_agency_and_field(generated):
    assert {p["agency"] for p in generated} == set(AGENCIES_BY_CODE)
    pairs = {(a["code"], f["code"]) for a in AGENCIES for f in a["fields"]}
    assert {(p["agency"], p["field"]) for p in generated} == pairs
    assert set(FIELD_VOCABULARY) == pairs


def test_generated_catalog_has_the_same_variety_as_the_real_one(generated):
    assert {p["online_level"] for p in generated} == ONLINE_LEVELS
    assert {p["time"]["unit"] for p in generated} == TIME_UNITS
    assert any(p["inter_agency"] for p in generated)
    assert any(p["on_the_spot"] for p in generated)
    assert any(p["cutoff"] for p in generated)
    assert any(p["fees"] for p in generated) and any(not p["fees"] for p in generated)


def test_generator_edge_cases_and_independent_results():
    assert generate_procedures(0) == []
    with pytest.raises(ValueError):
        generate_procedures(-1)
    first = generate_procedures(5)
    first[0]["documents"].clear()
    first[0]["time"]["amount"] = 999
    assert generate_procedures(5)[0]["documents"]
    assert generate_procedures(5)[0]["time"]["amount"] != 999
