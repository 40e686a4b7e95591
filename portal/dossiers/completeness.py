"""What a draft still lacks before it can be submitted, step by step (issue 12).

One answer, ``missing(dossier)``, read by every place that talks about it: the step
indicator (✓ only on a complete step, "chưa đủ" on the others), the review page's list of
everything missing (GOV.UK "check your answers", each item linked to its step), the refusal
of ``operations.submit``, the warning when the citizen leaves the documents step with a
mandatory paper missing, and the completeness shown beside each draft in "Hồ sơ của tôi".

A draft may be saved with gaps; only submitting needs none. The rules are those submission
has always applied: the applicant's name and ID (or tax) number — the applicant step's form
also insists on a phone number and an address, but a draft started from an account whose
profile lacks them is not refused at submission, as it never was — every mandatory document
with at least one file, a way to return the result and, by post, the whole address."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from portal.core.i18n import lazy_text as _l
from portal.dossiers.models import AGENCY_OUTPUT, Dossier, ReturnMethod

# The postal address's parts, named as the refusals name them ("Vui lòng nhập %(what)s …").
# No district since the two-level structure of 1 July 2025 (issue 15): an address is a
# province, a ward and the street (an old address's district is kept and shown, not needed).
POSTAL_WHAT = {"recipient": _l("người nhận"), "phone": _l("số điện thoại người nhận"),
               "province": _l("tỉnh, thành phố"), "ward": _l("phường, xã"),
               "street": _l("số nhà, đường, thôn, xóm")}
# The return step's fields that hold them (the address selects: portal.addresses).
POSTAL_FIELD = {"province": "province_code", "ward": "ward_code"}


class Step(enum.StrEnum):
    """The submission steps that hold answers (the fourth, review, only shows them)."""

    APPLICANT = "applicant"
    DOCUMENTS = "documents"
    RETURN = "return"


@dataclass(frozen=True)
class Gap:
    """One missing item: the step to fill it on, the field or upload area it belongs to
    (the anchor on that step's page: ``"id_number"``, ``"req-12"``, ``"return_method"``),
    the message in Vietnamese (lazy: turned into text in the request's locale), and for a
    document the document's name (the warning on leaving the documents step lists names)."""

    step: Step
    field: str
    message: object
    subject: str = ""

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Completeness:
    """Every gap of one draft, in the order of the steps."""

    gaps: tuple[Gap, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps

    def __len__(self) -> int:
        return len(self.gaps)

    def __iter__(self):
        return iter(self.gaps)

    def in_step(self, step: Step | str) -> list[Gap]:
        return [gap for gap in self.gaps if gap.step == step]

    def step_complete(self, step: Step | str) -> bool:
        return not self.in_step(step)

    @property
    def first_incomplete_step(self) -> Step | None:
        """Where "Tiếp tục" takes the citizen (None: nothing missing, the review page)."""
        return self.gaps[0].step if self.gaps else None


def _applicant_gaps(dossier: Dossier) -> list[Gap]:
    gaps = []
    if not (dossier.applicant_name or "").strip():
        gaps.append(Gap(Step.APPLICANT, "name",
                        _l("Vui lòng nhập họ và tên (hoặc tên tổ chức) người nộp.")))
    if not (dossier.applicant_id_number or "").strip():
        gaps.append(Gap(Step.APPLICANT, "id_number",
                        _l("Vui lòng nhập số định danh hoặc mã số thuế.")))
    return gaps


def _document_gaps(dossier: Dossier) -> list[Gap]:
    attached = {f.requirement_id for f in dossier.files if f.kind not in AGENCY_OUTPUT}
    return [Gap(Step.DOCUMENTS, f"req-{document.id}",
                _l("Chưa đính kèm giấy tờ bắt buộc “%(name)s”.", name=document.name),
                document.name)
            for document in dossier.procedure_version.documents
            if document.mandatory and document.id not in attached]


def _return_gaps(dossier: Dossier) -> list[Gap]:
    if dossier.return_method is None:
        return [Gap(Step.RETURN, "return_method", _l("Vui lòng chọn cách nhận kết quả."))]
    if dossier.return_method is not ReturnMethod.POSTAL:
        return []
    return [Gap(Step.RETURN, POSTAL_FIELD.get(name, name),
                _l("Vui lòng nhập %(what)s để nhận kết quả qua bưu chính.", what=what))
            for name, what in POSTAL_WHAT.items()
            if not (getattr(dossier, f"postal_{name}") or "").strip()]


def missing(dossier: Dossier) -> Completeness:
    """Everything ``dossier`` lacks before it can be submitted, step by step."""
    return Completeness(tuple(_applicant_gaps(dossier) + _document_gaps(dossier)
                              + _return_gaps(dossier)))
