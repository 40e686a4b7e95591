"""What the official documents of a dossier say (Circular 01/2018/TT-VPCP forms 01–05, the
stop-processing notice of Circular 03/2025/TT-VPCP): form 01's list of papers and collection
place, form 05's handover rows with their early / on-time / late result, and which notice a
form prints. Pure content, no HTTP: ``blueprints/documents.py`` renders it as HTML or PDF.

The texts are Vietnamese legal wording and are never translated. ``docs/forms.md`` lists the
fields and their sources."""

from __future__ import annotations

from portal import addresses
from portal.calendar import VN_TZ
from portal.dossiers.models import AGENCY_OUTPUT, Dossier, ReturnMethod
from portal.workflow.models import DossierStep, Notice, NoticeKind

NOTICE_KINDS = {
    "02": (NoticeKind.COMPLETION, NoticeKind.SUPPLEMENT),
    "03": (NoticeKind.REFUSAL,),
    "04": (NoticeKind.APOLOGY,),
    "dung": (NoticeKind.STOP,),
}
# What the applicant may have a copy of: form 05 names internal holders and stays in-house.
CITIZEN_FORMS = frozenset({"01", "02", "03", "04", "dung"})
FORMS = frozenset({"01", "05", *NOTICE_KINDS})


def form_exists(dossier: Dossier, form: str, notice: Notice | None = None) -> bool:
    """Whether ``dossier`` has form ``form`` yet: the receipt (01) and the control slip (05)
    once it is received; a notice form only with one of its own notices of that form's kinds."""
    if form not in FORMS:
        return False
    if form in ("01", "05"):
        return dossier.received_at is not None
    return (notice is not None and notice.dossier_id == dossier.id
            and notice.kind in NOTICE_KINDS[form])


def documents_table(dossier: Dossier) -> list[dict]:
    """Form 01's table: the procedure's required papers and what was handed in for each —
    the papers the counter recorded (original or copy, how many; issue 18), else the scans
    or uploads in the form and number the procedure asks for — then any paper that matches
    no requirement. ``handed_in`` False prints "Chưa nộp" (a mandatory paper missing)."""
    handed_in = [f for f in dossier.files if f.kind not in AGENCY_OUTPUT]
    papers = {p.requirement_id: p for p in dossier.papers}
    rows = []
    for document in dossier.procedure_version.documents:
        files = [f for f in handed_in if f.requirement_id == document.id]
        paper = papers.get(document.id)
        if paper is not None:
            rows.append({"name": document.name, "form": paper.form.label,
                         "quantity": paper.quantity, "files": len(files), "handed_in": True})
        elif files or document.mandatory:
            rows.append({"name": document.name, "form": document.form.label,
                         "quantity": document.quantity if files else 0, "files": len(files),
                         "handed_in": bool(files)})
    for extra in (f for f in handed_in if f.requirement_id is None):
        rows.append({"name": extra.original_name, "form": "Bản điện tử", "quantity": 1,
                     "files": 1, "handed_in": True})
    return rows


def collection_place(dossier: Dossier, province: str) -> str:
    """Form 01: where the result is collected — the postal address, or the centre of
    ``province`` (``Config.province_name``) and the agency's counters."""
    if dossier.return_method is ReturnMethod.POSTAL:
        address = addresses.dossier_delivery_address(dossier) or ""
        return (f"Qua dịch vụ bưu chính công ích, tại địa chỉ: {address} (người nhận: "
                f"{dossier.postal_recipient}, điện thoại {dossier.postal_phone}).")
    counters = [c for c in dossier.agency.counters if c.active]
    where = (" – quầy số " + ", ".join(str(c.number) for c in counters)) if counters else ""
    return ("Tại Bộ phận tiếp nhận và trả kết quả, Trung tâm Phục vụ hành chính công tỉnh "
            f"{province}{where} ({dossier.agency.name}).")


def step_result(step: DossierStep) -> str:
    """Circular 01/2018 form 05: before, on or after the step's due time."""
    if step.finished_at is None:
        return "Đang xử lý"
    if step.due_at is None:
        return "Đã hoàn thành"
    if step.finished_at > step.due_at:
        return "Quá hạn"
    if step.finished_at.astimezone(VN_TZ).date() < step.due_at.astimezone(VN_TZ).date():
        return "Trước hạn"
    return "Đúng hạn"


def control_rows(dossier: Dossier) -> list[dict]:
    """Form 05: one row per handover. The first step is handed in by the applicant; each
    later one by whoever finished the step before it. The engine records the handover as
    it happens, so 'received at' is the step's start."""
    rows = []
    previous: DossierStep | None = None
    for step in dossier.steps:
        if previous is None:
            giver = dossier.applicant_name or "Người nộp hồ sơ"
        else:
            who = previous.finished_by or previous.holder
            giver = who.full_name if who else ""
        rows.append({
            "agency": step.agency.name, "step": step.name, "role": step.role.label,
            "handed_by": giver, "handed_at": step.started_at,
            "received_by": step.holder.full_name if step.holder else "(chưa phân công)",
            "received_at": step.started_at if step.holder else None,
            "due_at": step.due_at, "finished_at": step.finished_at,
            "result": step_result(step), "note": step.note})
        previous = step
    if dossier.returned_at is not None:
        rows.append({
            "agency": dossier.agency.name, "step": "Trả kết quả cho tổ chức, cá nhân",
            "role": "Bộ phận tiếp nhận và trả kết quả", "handed_by": "Bộ phận TN&TKQ",
            "handed_at": dossier.returned_at, "received_by": dossier.returned_to,
            "received_at": dossier.returned_at, "due_at": dossier.due_at,
            "finished_at": dossier.returned_at, "result": "", "note": ""})
    return rows


def notice_for(dossier: Dossier, form: str, notice_id: int | None = None) -> Notice | None:
    """The notice a form 02/03/04/stop prints: the one asked for, else the latest of its
    kind. None when the dossier has no such notice (or the form prints no notice)."""
    kinds = NOTICE_KINDS.get(form)
    if kinds is None:
        return None
    found = [n for n in dossier.notices if n.kind in kinds
             and (notice_id is None or n.id == notice_id)]
    return found[-1] if found else None
