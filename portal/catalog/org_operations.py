"""Changing the centre's organisation: agencies, their fields (lĩnh vực) and the counters.

Operations flush, never commit (STYLE.md). Uniqueness is checked here first so the
administrator reads a Vietnamese sentence; the database constraints remain the last guard."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.catalog.models import (
    Agency,
    AgencyKind,
    Counter,
    Field,
    Procedure,
    ProcedureVersion,
)
from portal.catalog.operations import CatalogError
from portal.core.i18n import lazy_text as _l
from portal.extensions import db

# Circular 10/2016/TT-BTTTT: V1V2V3.Z1Z2.Y1Y2.M1M2M3, e.g. 000.00.17.H48.
UNIT_CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$")


class OrganisationError(CatalogError):
    """A refusal with a Vietnamese message; ``field`` names the form field it is about."""


@dataclass
class AgencyData:
    code: str
    unit_code: str
    name: str
    kind: AgencyKind
    name_en: str = ""
    position: int = 0
    active: bool = True


@dataclass
class CounterData:
    number: int
    agency_id: int
    name: str = ""
    active: bool = True


# --- agencies ---------------------------------------------------------------------------------

def _check_agency(data: AgencyData, agency_id: int | None) -> None:
    if not UNIT_CODE.match(data.unit_code):
        raise OrganisationError(_l("Mã định danh đơn vị phải theo mẫu 000.00.17.H48."), "unit_code")
    for column, value, label, name in (
        (Agency.code, data.code, _l("Mã cơ quan"), "code"),
        (Agency.unit_code, data.unit_code, _l("Mã định danh đơn vị"), "unit_code"),
    ):
        other = db.session.scalar(select(Agency).where(column == value, Agency.id != agency_id)
                                  if agency_id else select(Agency).where(column == value))
        if other is not None:
            raise OrganisationError(_l("%(label)s “%(value)s” đã được dùng cho %(agency)s.",
                                       label=label, value=value, agency=other.name), name)


def _fill_agency(agency: Agency, data: AgencyData) -> None:
    agency.code = data.code
    agency.unit_code = data.unit_code
    agency.name = data.name.strip()
    agency.name_en = data.name_en.strip()
    agency.kind = data.kind
    agency.position = data.position
    agency.active = data.active


def create_agency(data: AgencyData) -> Agency:
    _check_agency(data, None)
    agency = Agency()
    _fill_agency(agency, data)
    db.session.add(agency)
    db.session.flush()
    return agency


def update_agency(agency: Agency, data: AgencyData) -> None:
    _check_agency(data, agency.id)
    _fill_agency(agency, data)
    db.session.flush()


# --- fields -----------------------------------------------------------------------------------

def add_field(agency: Agency, code: str, name: str) -> Field:
    code = code.strip().upper()
    if any(f.code == code for f in agency.fields):
        raise OrganisationError(_l("%(agency)s đã có lĩnh vực mã “%(code)s”.",
                                   agency=agency.name, code=code), "code")
    field = Field(code=code, name=name.strip())
    agency.fields.append(field)
    db.session.flush()
    return field


def rename_field(field: Field, name: str) -> None:
    field.name = name.strip()
    db.session.flush()


def delete_field(field: Field) -> None:
    # Versions are frozen records of what a dossier was received under: a field they point
    # to must outlive them, whatever the version's status.
    used = db.session.execute(
        select(func.count(), func.min(Procedure.code))
        .select_from(ProcedureVersion)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(ProcedureVersion.field_id == field.id)
    ).one()
    if used[0]:
        raise OrganisationError(
            _l("Không thể xóa lĩnh vực “%(field)s”: đang được dùng bởi %(count)s phiên bản thủ "
               "tục (ví dụ thủ tục %(code)s). Hãy chuyển các thủ tục sang lĩnh vực khác trước.",
               field=field.name, count=used[0], code=used[1]))
    field.agency.fields.remove(field)
    db.session.flush()


# --- counters ---------------------------------------------------------------------------------

def _check_counter(data: CounterData, counter_id: int | None) -> Agency:
    if data.number < 1:
        raise OrganisationError(_l("Số quầy phải từ 1 trở lên."), "number")
    agency = db.session.get(Agency, data.agency_id)
    if agency is None:
        raise OrganisationError(_l("Vui lòng chọn cơ quan của quầy."), "agency_id")
    query = select(Counter).where(Counter.number == data.number)
    if counter_id:
        query = query.where(Counter.id != counter_id)
    other = db.session.scalar(query)
    if other is not None:
        raise OrganisationError(
            _l("Quầy số %(number)s đã có (%(agency)s). Số quầy là duy nhất trong toàn Trung tâm.",
               number=data.number, agency=other.agency.name), "number")
    return agency


def add_counter(data: CounterData) -> Counter:
    agency = _check_counter(data, None)
    counter = Counter(number=data.number, name=data.name.strip(), active=data.active)
    agency.counters.append(counter)
    db.session.flush()
    return counter


def update_counter(counter: Counter, data: CounterData) -> None:
    agency = _check_counter(data, counter.id)
    counter.number = data.number
    counter.name = data.name.strip()
    counter.active = data.active
    counter.agency = agency
    db.session.flush()


def delete_counter(counter: Counter) -> None:
    counter.agency.counters.remove(counter)
    db.session.flush()
