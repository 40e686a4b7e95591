"""The papers a walk-in or postal applicant hands in at the counter (issue 18).

Per required document of the procedure version, the counter officer records what the
applicant gave (original, copy or certified copy, and how many), whether or not it was
scanned. A paper counts as handed in when it is recorded or scanned; form 01 prints what was
recorded (a scan alone prints the form and number the procedure asks for). Receiving while a
mandatory paper is missing needs the officer's explicit confirmation (``actions.receive``).
Operations flush, never commit (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.accounts.models import User
from portal.catalog.models import DocumentForm, ProcedureDocument
from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.dossiers.models import Channel, Dossier, DossierPaper, FileKind
from portal.dossiers.states import DossierState
from portal.extensions import db

MAX_QUANTITY = 99
CONFIRM_FIELD = "confirm_missing"


class PapersRefused(Refusal):
    """A paper's form or number that cannot be recorded; ``field`` names its input."""


@dataclass(frozen=True)
class Handed:
    """What was handed in for one required document: ``form`` None means not handed in."""

    requirement_id: int
    form: DocumentForm | str | None
    quantity: int | None


def at_the_counter(dossier: Dossier) -> bool:
    """A counter or postal dossier between its intake and its reception: its papers and
    scans may still change, and the intake may still be cancelled."""
    return dossier.channel is not Channel.ONLINE and dossier.state is DossierState.SUBMITTED


def paper_for(dossier: Dossier, requirement_id: int) -> DossierPaper | None:
    return next((p for p in dossier.papers if p.requirement_id == requirement_id), None)


def scanned(dossier: Dossier, requirement_id: int) -> int:
    return sum(1 for f in dossier.files
               if f.kind is not FileKind.RESULT and f.requirement_id == requirement_id)


def missing_mandatory(dossier: Dossier) -> list[ProcedureDocument]:
    """The mandatory papers neither recorded as handed in nor scanned, in catalog order."""
    return missing_in(paper_rows(dossier))


@dataclass(frozen=True)
class PaperRow:
    """One required document on the counter's form: what it shows as handed in."""

    document: ProcedureDocument
    form: str  # a DocumentForm value, or "" (not handed in)
    quantity: int | None
    scans: int

    @property
    def handed_in(self) -> bool:
        return bool(self.form) or self.scans > 0


def paper_rows(dossier: Dossier, handed: list[Handed] | None = None) -> list[PaperRow]:
    """Each required document with the record, or with ``handed`` where given (the values
    the officer just posted, shown again after a refusal)."""
    posted = {h.requirement_id: h for h in handed or []}
    rows = []
    for document in dossier.procedure_version.documents:
        if (item := posted.get(document.id)) is not None:
            form, quantity = str(item.form or ""), item.quantity
        elif (paper := paper_for(dossier, document.id)) is not None:
            form, quantity = paper.form.value, paper.quantity
        else:
            form, quantity = "", document.quantity
        rows.append(PaperRow(document, form, quantity, scanned(dossier, document.id)))
    return rows


def missing_in(rows: list[PaperRow]) -> list[ProcedureDocument]:
    return [r.document for r in rows if r.document.mandatory and not r.handed_in]


def _checked(document: ProcedureDocument, item: Handed) -> tuple[DocumentForm, int] | None:
    if item.form in (None, ""):
        return None
    field = f"paper-{document.id}"
    try:
        form = DocumentForm(item.form)
    except ValueError:
        raise PapersRefused(_l("“%(name)s”: vui lòng chọn bản chính, bản sao hoặc bản sao chứng "
                               "thực.", name=document.name), field) from None
    if item.quantity is None or not 1 <= item.quantity <= MAX_QUANTITY:
        raise PapersRefused(_l("“%(name)s”: số lượng phải là số từ 1 đến %(max)s.",
                               name=document.name, max=MAX_QUANTITY), f"{field}-quantity")
    return form, item.quantity


def check_papers(dossier: Dossier, handed: list[Handed]) -> list[PapersRefused]:
    """Every problem of ``handed`` at once (an empty list: it can be recorded)."""
    documents = {d.id: d for d in dossier.procedure_version.documents}
    problems = []
    for item in handed:
        document = documents.get(item.requirement_id)
        if document is None:
            problems.append(PapersRefused(_l("Giấy tờ này không thuộc thủ tục của hồ sơ.")))
            continue
        try:
            _checked(document, item)
        except PapersRefused as refusal:
            problems.append(refusal)
    return problems


def record_papers(dossier: Dossier, handed: list[Handed], officer: User,
                  now: datetime) -> None:
    """Replace the record of the papers listed in ``handed`` (others stay as they are).
    Refused with the first problem when ``check_papers`` finds any: nothing is written."""
    if not at_the_counter(dossier):
        raise PapersRefused(_l("Hồ sơ đã rời bộ phận tiếp nhận: không thể sửa giấy tờ đã nhận."))
    problems = check_papers(dossier, handed)
    if problems:
        raise problems[0]
    documents = {d.id: d for d in dossier.procedure_version.documents}
    for item in handed:
        checked = _checked(documents[item.requirement_id], item)
        paper = paper_for(dossier, item.requirement_id)
        if checked is None:
            if paper is not None:
                dossier.papers.remove(paper)
            continue
        if paper is None:
            paper = DossierPaper(requirement_id=item.requirement_id)
            dossier.papers.append(paper)
        paper.form, paper.quantity = checked
        paper.recorded_by_id, paper.recorded_at = officer.id, now
    db.session.flush()


def missing_message(missing: list[ProcedureDocument]):
    """The refusal when reception is asked without confirming the missing papers."""
    return _l("Hồ sơ còn thiếu giấy tờ bắt buộc: %(names)s. Đánh dấu ô xác nhận tiếp nhận khi "
              "còn thiếu giấy tờ bắt buộc, hoặc ghi nhận giấy tờ đã nhận, rồi bấm “Tiếp nhận” "
              "lại.", names="; ".join(d.name for d in missing))
