"""Demo data: agencies, the catalog (real procedures + generated ones for scale), accounts."""

from __future__ import annotations

import io
from datetime import time

from sqlalchemy import func, select

from portal.accounts import operations as account_ops
from portal.accounts.models import Role, User
from portal.catalog import operations as ops
from portal.catalog.demo_data import AGENCIES, PROCEDURES, generate_procedures
from portal.catalog.models import (
    Agency,
    AgencyKind,
    ApplicantType,
    Counter,
    DocumentForm,
    FeeBasis,
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ShareUnit,
    StepRole,
    TimeUnit,
)
from portal.core.docx import make_docx
from portal.extensions import db

DEMO_PASSWORD = "Demo@2026!"
HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

# (e-mail, full name, role, agency code or None)
DEMO_STAFF = [
    ("admin@demo.hcc.vn", "Nguyễn Văn Quản Trị", Role.ADMIN, None),
    ("giamsat@demo.hcc.vn", "Trần Thị Giám Sát", Role.SUPERVISOR, None),
    ("motcua.stp@demo.hcc.vn", "Lê Văn Một Cửa", Role.COUNTER_OFFICER, "STP"),
    ("chuyenvien.stp@demo.hcc.vn", "Phạm Thị Chuyên Viên", Role.SPECIALIST, "STP"),
    ("lanhdao.stp@demo.hcc.vn", "Hoàng Văn Lãnh Đạo", Role.LEADER, "STP"),
    ("buudien@demo.hcc.vn", "Võ Thị Bưu Điện", Role.POSTAL_OFFICER, "STP"),
    # The Committee's office, where the inter-agency dossiers go (liên thông).
    ("chuyenvien.vpubnd@demo.hcc.vn", "Đặng Thị Thẩm Tra", Role.SPECIALIST, "VPUBND"),
    ("lanhdao.vpubnd@demo.hcc.vn", "Bùi Văn Chánh Văn Phòng", Role.LEADER, "VPUBND"),
    # The bank's collection counter inside the centre (issue 14): amounts due, no documents.
    ("nganhang@demo.hcc.vn", "Ngô Thị Thu Ngân", Role.BANK_COLLECTOR, None),
]

# The inter-agency chains (liên thông) that differ from the usual one: the Committee's office
# alone, for the working days of the procedure's committee step (``_chain_of``). Allocating
# land without auction goes past the Department of Finance (the land price) first.
CHAINS: dict[str, list[tuple[str, int, str]]] = {
    "1.002040": [("STC", 5, "days"), ("VPUBND", 4, "days")],
}


def seed_agencies() -> None:
    for position, data in enumerate(AGENCIES, 1):
        agency = Agency(code=data["code"], unit_code=data["unit_code"], name=data["name"],
                        name_en=data.get("name_en", ""), kind=AgencyKind(data["kind"]),
                        position=position)
        agency.fields = [Field(code=f["code"], name=f["name"]) for f in data["fields"]]
        agency.counters = [Counter(number=position, name=f"Quầy số {position}")]
        db.session.add(agency)
    db.session.flush()


def procedure_data(raw: dict) -> ops.ProcedureData:
    cutoff = raw.get("cutoff")
    return ops.ProcedureData(
        code=raw["code"], agency_code=raw["agency"], field_code=raw["field"], name=raw["name"],
        online_level=OnlineLevel(raw["online_level"]), applicant=ApplicantType(raw["applicant"]),
        time_amount=raw["time"]["amount"], time_unit=TimeUnit(raw["time"]["unit"]),
        cutoff=time.fromisoformat(cutoff) if cutoff else None,
        inter_agency=raw.get("inter_agency", False), on_the_spot=raw.get("on_the_spot", False),
        result=raw.get("result", ""), legal_basis=raw.get("legal_basis", ""),
        description=raw.get("description", ""),
        documents=[ops.DocumentData(d["name"], DocumentForm(d["form"]), d["quantity"],
                                    d["mandatory"], d.get("template") or "")
                   for d in raw["documents"]],
        fees=[_fee_of(f) for f in raw["fees"]],
        exemptions=PAID_AT_SUBMISSION.get(raw["code"], []),
        payment_due_at_submission=raw["code"] in PAID_AT_SUBMISSION,
        steps=[ops.StepData(s["name"], StepRole(s["role"]), s["hours"]) for s in raw["steps"]],
        chain=_chain_of(raw),
    )


# Issue 14: demo procedures whose fees are paid online at submission, with the categories
# their legal basis exempts (Thông tư 244/2016/TT-BTC; Thông tư 281/2016/TT-BTC).
PAID_AT_SUBMISSION = {
    "2.000635": [],
    "2.000488": ["Trẻ em", "Người cao tuổi cô đơn", "Người khuyết tật", "Hộ nghèo"],
}


def _fee_of(raw: dict) -> ops.FeeData:
    """A demo fee typed from its wording: "Lệ phí …" is a lệ phí, and one "tính cho mỗi"
    copy is charged per copy (the applicant enters how many)."""
    kind = FeeKind.CHARGE if raw["name"].startswith("Lệ phí") else FeeKind.FEE
    per_copy = "tính cho mỗi" in raw.get("note", "").lower()
    return ops.FeeData(raw["name"], raw["amount"], raw.get("note", ""), kind,
                       FeeBasis.PER_UNIT if per_copy else FeeBasis.PER_DOSSIER,
                       "bản" if per_copy else "")


def _chain_of(raw: dict) -> list[ops.ChainData]:
    """An inter-agency procedure's chain: the listed one, else the Committee's office for the
    working days its committee step plans (30 % of the legal time when it plans none)."""
    if not raw.get("inter_agency"):
        return []
    if raw["code"] in CHAINS:
        return [ops.ChainData(code, share, ShareUnit(unit))
                for code, share, unit in CHAINS[raw["code"]]]
    hours = sum(s["hours"] for s in raw["steps"] if s["role"] == StepRole.COMMITTEE.value)
    if hours:
        return [ops.ChainData("VPUBND", -(-hours // 8), ShareUnit.DAYS)]
    return [ops.ChainData("VPUBND", 30, ShareUnit.PERCENT)]


def attach_files(version, storage) -> None:
    """A form template and a filled sample (DOCX) for each document with an official form."""
    for document in version.documents:
        if not document.template_label:
            continue
        stem = f"catalog/{version.procedure.code}/v{version.number}/{document.position}"
        blank = make_docx(document.name, [
            "Kính gửi: " + version.procedure.agency.name,
            "Họ và tên: ..............................................",
            "Số định danh cá nhân: ...................................",
            "Địa chỉ: ................................................",
            "Nội dung đề nghị: " + version.name,
            "Tôi cam đoan những lời khai trên là đúng sự thật.",
        ], HEADER)
        sample = make_docx(document.name + " (hồ sơ mẫu)", [
            "Kính gửi: " + version.procedure.agency.name,
            "Họ và tên: Nguyễn Văn An",
            "Số định danh cá nhân: 051090001234",
            "Địa chỉ: 52 Hùng Vương, phường Trần Phú, thành phố Quảng Ngãi",
            "Nội dung đề nghị: " + version.name,
            "Tôi cam đoan những lời khai trên là đúng sự thật.",
            "Quảng Ngãi, ngày 15 tháng 01 năm 2026 — Người khai: Nguyễn Văn An",
        ], HEADER)
        storage.put(stem + "-mau.docx", io.BytesIO(blank), content_type=DOCX)
        storage.put(stem + "-ho-so-mau.docx", io.BytesIO(sample), content_type=DOCX)
        document.template_key = stem + "-mau.docx"
        document.template_filename = "mau-don.docx"
        document.sample_key = stem + "-ho-so-mau.docx"
        document.sample_filename = "ho-so-mau.docx"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def seed_catalog(total: int, storage=None, admin_id: int | None = None) -> int:
    """Publish the real procedures (with template files when storage is given), then
    generated ones until the catalog holds `total` procedures."""
    rows = list(PROCEDURES)
    if total > len(rows):
        rows += generate_procedures(total - len(rows))
    for index, raw in enumerate(rows):
        version = ops.create_procedure(procedure_data(raw), admin_id)
        if storage is not None and index < len(PROCEDURES):
            attach_files(version, storage)
        ops.publish(version, admin_id)
    db.session.flush()
    return len(rows)


def seed_accounts() -> dict[str, User]:
    users = {}
    for email, name, role, agency_code in DEMO_STAFF:
        user = account_ops.create_staff(name, email, DEMO_PASSWORD, phone="0255382" + "0000")
        agency_id = None
        if agency_code:
            agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
        account_ops.grant_role(user, role, agency_id)
        users[email] = user
    citizen = account_ops.register(account_ops.Registration(
        full_name="Nguyễn Văn An", email="congdan@demo.hcc.vn", phone="0912345678",
        id_number="051090001234", password=DEMO_PASSWORD))
    business = account_ops.register(account_ops.Registration(
        full_name="Trần Thị Bình", email="doanhnghiep@demo.hcc.vn", phone="0987654321",
        id_number="051185004321", password=DEMO_PASSWORD,
        organisation_name="Công ty TNHH Thương mại Sông Trà", tax_code="4300123456",
        organisation_address="15 Quang Trung, thành phố Quảng Ngãi"))
    # Addresses from the official list (issue 15): Quảng Ngãi's wards since 1 July 2025.
    account_ops.update_profile(citizen, citizen.full_name, citizen.phone,
                               ("51", "21025", "12 Lê Lợi"))  # Phường Cẩm Thành
    account_ops.update_profile(business, business.full_name, business.phone,
                               ("51", "21028", "15 Quang Trung"))  # Phường Nghĩa Lộ
    users[citizen.email] = citizen
    users[business.email] = business
    db.session.flush()
    return users


def is_seeded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Procedure)))

