"""What a dossier owes (docs/payments.md, "The fee model"): the version's typed lines, each
per dossier or per copy/unit times the quantity the applicant entered, phí and lệ phí waived
for a claimed exemption category, and postage from the administrator's tariff when the result
goes back by post. Read-only: ``answer_fees`` (operations) stores the applicant's answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.catalog.models import FeeBasis, FeeKind, ProcedureFee, ProcedureFeeExemption
from portal.dossiers.models import Dossier, ReturnMethod
from portal.extensions import db
from portal.payments.models import DossierFeeAnswer, PostageRate

PENDING, CONFIRMED, REJECTED = "pending", "confirmed", "rejected"
POSTAGE_NAME = "Cước dịch vụ bưu chính trả kết quả"


@dataclass(frozen=True)
class DueLine:
    name: str
    kind: FeeKind
    quantity: int
    unit_amount: int
    unit_label: str = ""
    note: str = ""
    fee_id: int | None = None
    waived: bool = False

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_amount


@dataclass(frozen=True)
class Due:
    lines: tuple[DueLine, ...]
    exemption: ProcedureFeeExemption | None = None
    exemption_state: str = ""  # pending, confirmed, rejected (the counter's decision)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def answers_of(dossier: Dossier) -> list[DossierFeeAnswer]:
    if dossier.id is None:
        return []
    return list(db.session.scalars(select(DossierFeeAnswer).where(
        DossierFeeAnswer.dossier_id == dossier.id)))


def quantities_of(dossier: Dossier) -> dict[int, int]:
    return {a.fee_id: a.quantity for a in answers_of(dossier) if a.fee_id is not None}


def claim_of(dossier: Dossier) -> DossierFeeAnswer | None:
    """The exemption claim (its category, proof and the counter's decision), if any."""
    claim = next((a for a in answers_of(dossier) if a.fee_id is None), None)
    return claim if claim is not None and claim.exemption_id is not None else None


def exemption_of(dossier: Dossier) -> ProcedureFeeExemption | None:
    claim = claim_of(dossier)
    if claim is None:
        return None
    return db.session.get(ProcedureFeeExemption, claim.exemption_id)


def postage_for(province: str) -> PostageRate | None:
    """The tariff row of the province, else the default row (empty province)."""
    rates = {r.province: r for r in db.session.scalars(select(PostageRate))}
    return rates.get(province.strip()) or rates.get("")


def line_of(fee: ProcedureFee, quantity: int, exempt: bool) -> DueLine:
    waived = exempt and fee.kind is not FeeKind.SERVICE
    count = quantity if fee.basis is FeeBasis.PER_UNIT else 1
    return DueLine(fee.name, fee.kind, count, 0 if waived else fee.amount, fee.unit_label,
                   fee.note, fee.id, waived)


def due_for(dossier: Dossier) -> Due:
    version = dossier.procedure_version
    quantities = quantities_of(dossier)
    claim = claim_of(dossier)
    exemption = exemption_of(dossier)
    state = claim.exemption_state if claim is not None else ""
    # A claim waives phí and lệ phí while it is pending and once confirmed; a rejected one
    # does not (the full amount is due).
    waived = exemption is not None and state != REJECTED
    lines = [line_of(fee, quantities.get(fee.id, 1), waived) for fee in version.fees]
    if dossier.return_method is ReturnMethod.POSTAL and (
            rate := postage_for(dossier.postal_province)) is not None and rate.amount:
        lines.append(DueLine(POSTAGE_NAME, FeeKind.SERVICE, 1, rate.amount, note=rate.zone))
    return Due(tuple(lines), exemption, state)
