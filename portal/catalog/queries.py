"""Reading the published catalog: browse by agency/field/level and accent-insensitive search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from portal.catalog.models import (
    Agency,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from portal.catalog.ranking import result_order
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
    # Only these agencies' procedures (the counter's intake: the officer's agencies).
    agency_ids: frozenset[int] | None = None

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
    terms = search_terms(filters.q)
    for term in terms:  # every word must appear
        query = query.where(ProcedureVersion.search_text.contains(term, autoescape=True))
    if filters.agency_id:
        query = query.where(Procedure.agency_id == filters.agency_id)
    if filters.agency_ids is not None:
        query = query.where(Procedure.agency_id.in_(sorted(filters.agency_ids)))
    if filters.field_id:
        query = query.where(ProcedureVersion.field_id == filters.field_id)
    if filters.level:
        query = query.where(ProcedureVersion.online_level == filters.level)
    # The order (catalog.ranking: the procedure people mean before its amendments, names in
    # Vietnamese collation) is computed in Python over every match — no database collates
    # Vietnamese the same way on SQLite and PostgreSQL — and the page is cut after sorting, so
    # pages never overlap or skip. The matches are small rows: id, name, agency position.
    matches = db.session.execute(query.with_only_columns(
        ProcedureVersion.name, Agency.position, ProcedureVersion.id)).all()
    matches.sort(key=result_order(terms))
    size = max(1, size)
    number = min(page_number(page), max(1, -(-len(matches) // size)))  # past the end: last page
    ids = [row[2] for row in matches[(number - 1) * size:number * size]]
    return Page(items=_versions_in_order(ids), number=number, size=size, total=len(matches))


def _versions_in_order(ids: list[int]) -> list[ProcedureVersion]:
    """The page's versions, with the procedure and agency the result list shows, in the order
    of ``ids``."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(ProcedureVersion)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == Procedure.agency_id)
        .where(ProcedureVersion.id.in_(ids))
        .options(contains_eager(ProcedureVersion.procedure).contains_eager(Procedure.agency))
    ).unique()
    by_id = {version.id: version for version in rows}
    return [by_id[i] for i in ids if i in by_id]


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
