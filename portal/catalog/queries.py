"""Reading the published catalog: browse by agency/field/level and accent-insensitive search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from portal.catalog.models import (
    Agency,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from portal.core.i18n import N_
from portal.core.pagination import Page, page_number, paginate
from portal.core.text import search_terms
from portal.extensions import db


@dataclass(frozen=True)
class CatalogFilter:
    q: str = ""
    agency_id: int | None = None
    field_id: int | None = None
    level: OnlineLevel | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.q.strip() or self.agency_id or self.field_id or self.level)


def published_versions() -> Select:
    """The versions currently published: exactly one per listed procedure."""
    return (
        select(ProcedureVersion)
        .join(Procedure, and_(Procedure.published_version_id == ProcedureVersion.id))
        .where(ProcedureVersion.status == VersionStatus.PUBLISHED)
    )


def search_catalog(filters: CatalogFilter, page: int = 1, size: int = 20) -> Page:
    query = published_versions().join(Agency, Agency.id == Procedure.agency_id)
    # search_text is stored folded (no diacritics, đ→d, lower case) so a plain LIKE matches
    # "dang ky the chap" to "Đăng ký thế chấp" identically on SQLite and PostgreSQL.
    for term in search_terms(filters.q):  # every word must appear
        query = query.where(ProcedureVersion.search_text.contains(term, autoescape=True))
    if filters.agency_id:
        query = query.where(Procedure.agency_id == filters.agency_id)
    if filters.field_id:
        query = query.where(ProcedureVersion.field_id == filters.field_id)
    if filters.level:
        query = query.where(ProcedureVersion.online_level == filters.level)
    terms = search_terms(filters.q)
    # Whole-phrase matches first: "dang ky the chap" should not rank below "... thể thao".
    phrase = " ".join(terms)
    rank = case(
        (ProcedureVersion.search_text.startswith(phrase, autoescape=True), 0),
        (ProcedureVersion.search_text.contains(phrase, autoescape=True), 1),
        else_=2,
    ) if terms else None
    order = [rank] if rank is not None else []
    query = query.order_by(*order, Agency.position, ProcedureVersion.name, ProcedureVersion.id)
    return _page_with_total(query, page, size)


def _page_with_total(query: Select, page: int, size: int) -> Page:
    """One round trip: the page's rows carry the total (COUNT(*) OVER ()), and the joined
    procedure and agency fill the relationships the result list shows."""
    counted = query.add_columns(func.count().over().label("total")).options(
        contains_eager(ProcedureVersion.procedure).contains_eager(Procedure.agency)
    )
    page = page_number(page)
    rows = db.session.execute(counted.limit(size).offset((page - 1) * size)).all()
    if not rows and page > 1:  # past the end: show the last page instead
        return paginate(query, page, size)
    total = rows[0].total if rows else 0
    return Page(items=[row[0] for row in rows], number=page, size=size, total=total)


def published_by_code(code: str) -> ProcedureVersion | None:
    return db.session.scalar(
        published_versions()
        .where(Procedure.code == code)
        .options(
            selectinload(ProcedureVersion.documents),
            selectinload(ProcedureVersion.fees),
            selectinload(ProcedureVersion.steps),
        )
    )


def active_agencies() -> list[Agency]:
    return list(db.session.scalars(
        select(Agency).where(Agency.active.is_(True)).order_by(Agency.position, Agency.name)
    ))


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def published_counts_by_agency() -> dict[int, int]:
    rows = db.session.execute(
        select(Procedure.agency_id, func.count())
        .join(ProcedureVersion, Procedure.published_version_id == ProcedureVersion.id)
        .group_by(Procedure.agency_id)
    )
    return dict(rows.all())


def fields_of(agency_id: int | None) -> list[Field]:
    query = select(Field).order_by(Field.name)
    if agency_id:
        query = query.where(Field.agency_id == agency_id)
    return list(db.session.scalars(query))


def procedure_by_id(procedure_id: int) -> Procedure | None:
    return db.session.get(Procedure, procedure_id)


# --- the administrator's view: every procedure, whatever the state of its versions ---------

ADMIN_STATES = {
    "published": N_("Đang công bố"),
    "draft": N_("Có bản nháp"),
    "not_published": N_("Chưa hoặc ngừng công bố"),
}


@dataclass(frozen=True)
class AdminFilter:
    q: str = ""
    agency_id: int | None = None
    state: str = ""  # a key of ADMIN_STATES, "" for all


def latest_versions() -> Select:
    """One row per procedure: its highest-numbered version (the draft when there is one)."""
    newer = aliased(ProcedureVersion)
    latest_number = (select(func.max(newer.number))
                     .where(newer.procedure_id == ProcedureVersion.procedure_id)
                     .scalar_subquery())
    return (select(ProcedureVersion)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .where(ProcedureVersion.number == latest_number))


def admin_procedures(filters: AdminFilter, page: int = 1, size: int = 20) -> Page:
    query = latest_versions()
    # The latest version's search_text holds its name and the procedure code, folded.
    for term in search_terms(filters.q):
        query = query.where(ProcedureVersion.search_text.contains(term, autoescape=True))
    if filters.agency_id:
        query = query.where(Procedure.agency_id == filters.agency_id)
    if filters.state == "published":
        query = query.where(Procedure.published_version_id.is_not(None))
    elif filters.state == "draft":
        query = query.where(ProcedureVersion.status == VersionStatus.DRAFT)
    elif filters.state == "not_published":
        query = query.where(Procedure.published_version_id.is_(None))
    query = query.order_by(Procedure.code).options(
        selectinload(ProcedureVersion.procedure).selectinload(Procedure.published_version)
    )
    return paginate(query, page, size)


def all_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.position, Agency.name)))


def user_names(user_ids) -> dict[int, str]:
    """Who created or published versions, for the version history."""
    from portal.accounts.models import User

    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
