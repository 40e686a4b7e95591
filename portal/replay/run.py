"""The whole year: plans for every agency, played in batches (``flask demo replay-2019``).

Speed. About 88,400 dossiers and 600,000 workflow actions must be written in a few minutes.
Operations flush after every change (STYLE.md: a route sees ids and constraint errors at
once); here that would be a unit of work per action. So while a batch of 1,000 plays, the
session's flush is a no-op and autoflush is off (nothing in a batch reads back what the batch
wrote): each dossier plays from intake to its end in memory. A counter or postal dossier
leaves the session once filed and ``writer`` inserts the batch's in bulk; the online ones
stay in the session, their drafts started and flushed first (their files' storage keys name
their ids), and the session writes them at the batch's end. Files go to storage on worker
threads; every object is stored before the batch's rows are committed (DESIGN.md §5: object
first, then the row). Commits do not expire the catalog and the accounts the next batch
reuses, and the garbage collector runs once per batch."""

from __future__ import annotations

import gc
import io
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import Select, delete, func, or_, select, text
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.accounts.models import AccountKind, Organisation, OrganisationMember, User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import (
    Agency,
    AgencyKind,
    ApplicantType,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from portal.dossiers import codes
from portal.dossiers.models import (
    Channel,
    Dossier,
    DossierCodeSequence,
    DossierEvent,
    DossierFile,
)
from portal.extensions import db
from portal.feedback.models import Rating
from portal.replay import ratings
from portal.replay.cast import ensure_cast, replay_emails_like
from portal.replay.placing import Days, plan_agency
from portal.replay.plan import CARRIED_FROM, PERIOD, Plan, ProcedureInfo, share_out
from portal.replay.stories import Player
from portal.replay.writer import Writer
from portal.stats import published
from portal.storage import Storage
from portal.storage.base import StoredObject, copy_hashing
from portal.workflow.models import DossierStep, Notice, NoticeSequence, Pause

BATCH = 1000


class ReplayError(Exception):
    """The replay cannot run on this database (the message says why, in both languages)."""


@dataclass(frozen=True)
class Summary:
    dossiers: int
    by_agency: dict[str, int]
    seconds: float


# --- the database it needs ------------------------------------------------------------------

def served_agencies() -> list[Agency]:
    """The agencies of Appendix 1: the departments and the land section, in the report's
    order."""
    return list(db.session.scalars(
        select(Agency).where(Agency.kind.in_([AgencyKind.DEPARTMENT, AgencyKind.LAND]))
        .order_by(Agency.position, Agency.name)))


def _replay_staff() -> Select:
    return select(User.id).where(User.kind == AccountKind.STAFF,
                                 User.email.like(replay_emails_like()))


def already_replayed() -> bool:
    """Whether an earlier replay left dossiers here (received by a replay officer)."""
    return db.session.scalar(select(Dossier.id).where(
        Dossier.received_by_id.in_(_replay_staff())).limit(1)) is not None


def analyze() -> None:
    """Fresh planner statistics for the tables the replay filled. PostgreSQL's autovacuum
    would get there after a while; until then its plans assume the tables nearly empty
    (a nested loop over 88,000 dossiers: a count took 40 s instead of 40 ms)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    tables = [Dossier, DossierEvent, DossierFile, DossierStep, Pause, Notice,
              DossierCodeSequence, NoticeSequence, User, Organisation, OrganisationMember,
              Rating]
    db.session.execute(text("ANALYZE " + ", ".join(quote(t.__table__.name) for t in tables)))
    db.session.commit()


def others_in_the_year(agencies: list[Agency]) -> int:
    """Dossiers of these agencies, not the replay's, dated within the replayed months."""
    since = datetime.combine(CARRIED_FROM, datetime.min.time(), VN_TZ)
    until = datetime.combine(PERIOD.end + timedelta(days=1), datetime.min.time(), VN_TZ)
    return db.session.scalar(
        select(func.count()).select_from(Dossier).where(
            Dossier.agency_id.in_([a.id for a in agencies]),
            or_(Dossier.received_by_id.is_(None), ~Dossier.received_by_id.in_(_replay_staff())),
            or_(Dossier.submitted_at.between(since, until),
                Dossier.received_at.between(since, until)))) or 0


def forget(storage: Storage, agencies: list[Agency]) -> int:
    """Delete an earlier replay: its dossiers (with their rows, by the foreign keys' cascades),
    their stored files, and the code and notice numbers of the replayed days."""
    ids = select(Dossier.id).where(Dossier.received_by_id.in_(_replay_staff()))
    keys = list(db.session.scalars(select(DossierFile.storage_key)
                                   .where(DossierFile.dossier_id.in_(ids))))
    count = db.session.execute(delete(Dossier).where(Dossier.received_by_id.in_(
        _replay_staff())).execution_options(synchronize_session=False)).rowcount
    agency_ids = [a.id for a in agencies]
    db.session.execute(delete(DossierCodeSequence).where(
        DossierCodeSequence.agency_id.in_(agency_ids),
        DossierCodeSequence.day.between(CARRIED_FROM - timedelta(days=3), PERIOD.end)))
    db.session.execute(delete(NoticeSequence).where(NoticeSequence.agency_id.in_(agency_ids),
                                                    NoticeSequence.year.in_([2018, 2019])))
    ratings.forget(_replay_staff())
    db.session.commit()
    for key in keys:
        storage.delete(key)
    return count


def receiving_agencies(versions: dict[str, list[ProcedureVersion]],
                       agencies: list[Agency]) -> list[Agency]:
    """The agencies of the versions' inter-agency chains that are not among ``agencies``."""
    served = {a.id for a in agencies}
    found = {link.agency_id: link.agency for vs in versions.values() for v in vs
             for link in v.chain if link.agency_id not in served}
    return sorted(found.values(), key=lambda a: a.code)


def published_versions(agencies: list[Agency]) -> dict[str, list[ProcedureVersion]]:
    """Each agency's published procedure versions, with what the workflow reads of them."""
    versions = db.session.scalars(
        select(ProcedureVersion)
        .join(Procedure, Procedure.published_version_id == ProcedureVersion.id)
        .where(Procedure.agency_id.in_([a.id for a in agencies]),
               ProcedureVersion.status == VersionStatus.PUBLISHED)
        .options(joinedload(ProcedureVersion.procedure), selectinload(ProcedureVersion.steps),
                 selectinload(ProcedureVersion.documents), selectinload(ProcedureVersion.chain))
        .order_by(ProcedureVersion.id)).unique().all()
    by_agency: dict[str, list[ProcedureVersion]] = {a.code: [] for a in agencies}
    for version in versions:
        by_agency[version.procedure.agency.code].append(version)
    return by_agency


def info(version: ProcedureVersion) -> ProcedureInfo:
    return ProcedureInfo(version.id, version.procedure.code, version.online_level.is_online,
                         version.on_the_spot, version.inter_agency,
                         version.applicant is ApplicantType.BUSINESS, version.time_unit.value,
                         version.time_amount, version.cutoff)


# --- batches ----------------------------------------------------------------------------------

class _BackgroundPuts(Storage):
    """The app's storage, with ``put`` done on worker threads (the local backend syncs each
    file to disk: one at a time, 30,000 small files would take minutes). ``drain`` waits
    for every object and raises the first failure."""

    def __init__(self, inner: Storage, workers: int = 8):
        self.inner = inner
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="replay-put")
        self.pending: list[Future] = []

    def _put(self, key: str, stream: BinaryIO, content_type: str,
             max_size: int | None) -> StoredObject:
        buffer = io.BytesIO()
        size, sha256 = copy_hashing(stream, buffer, max_size)
        buffer.seek(0)
        self.pending.append(self.pool.submit(self.inner.put, key, buffer,
                                             content_type=content_type, max_size=max_size))
        return StoredObject(key, size, sha256, content_type)

    def drain(self) -> None:
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self.pool.shutdown()

    def stage(self, *, max_size=None):
        return self.inner.stage(max_size=max_size)

    def open(self, key):
        return self.inner.open(key)

    def stat(self, key):
        return self.inner.stat(key)

    def delete(self, key):
        return self.inner.delete(key)

    def list(self, prefix=""):
        return self.inner.list(prefix)

    def presigned_url(self, key, expires):
        return self.inner.presigned_url(key, expires)

    def check(self):
        return self.inner.check()


class _Batches:
    """The session with its flushes deferred to the end of each batch (see the module's
    docstring)."""

    def __init__(self, session: Session, storage: _BackgroundPuts):
        self.session, self.storage = session, storage
        self.writer = Writer()
        self._real_flush = session.flush

    def flush(self) -> None:
        self._real_flush()

    def commit(self, online: list[Dossier], taken_in: list[Dossier]) -> None:
        self._real_flush()
        self.writer.write(self.session.connection(), taken_in)
        self.storage.drain()
        self.session.commit()
        for dossier in online:
            self.session.expunge(dossier)
        online.clear()
        taken_in.clear()

    @contextmanager
    def deferred(self) -> Iterator[_Batches]:
        session = self.session
        saved = session.autoflush, session.expire_on_commit
        session.flush = lambda objects=None: None  # type: ignore[method-assign]
        session.autoflush, session.expire_on_commit = False, False
        try:
            yield self
        finally:
            del session.flush
            session.autoflush, session.expire_on_commit = saved


# --- the year ---------------------------------------------------------------------------------

def plan_year(agencies: list[Agency], versions: dict[str, list[ProcedureVersion]],
              days: Days) -> dict[str, list[Plan]]:
    """Every agency's plans, from the published rows matched to the agencies by name."""
    matched = published.agency_rows(agencies)
    rows = [(agency.code, agency.kind is AgencyKind.LAND,
             published.expected_cells(row.key)) for row, agency in matched]
    infos = {code: [info(v) for v in vs] for code, vs in versions.items()}
    return {t.code: plan_agency(t, infos[t.code], days) for t in share_out(rows, infos)}


def replay(storage: Storage, *, fresh: bool = False, batch: int = BATCH,
           progress: Callable[[int, str], None] = lambda n, code: None,
           clock: Callable[[], float] | None = None) -> Summary:
    """Play the reporting year 2019; ``progress(n, agency code)`` after every n dossiers."""
    import time

    clock = clock or time.perf_counter
    started = clock()
    agencies = served_agencies()
    versions = published_versions(agencies)
    if len(agencies) < 18 or any(not vs for vs in versions.values()):
        raise ReplayError("Danh mục chưa có đủ cơ quan và thủ tục: hãy chạy `flask demo seed` "
                          "trước. / The catalog lacks the agencies or their procedures: run "
                          "`flask demo seed` first.")
    if already_replayed():
        if not fresh:
            raise ReplayError("Dữ liệu năm 2019 đã được tạo; thêm --fresh để xóa và tạo lại. / "
                              "The 2019 replay is already in this database; use --fresh to "
                              "delete it and play it again.")
        forget(storage, agencies)
    if others_in_the_year(agencies):
        raise ReplayError("Cơ sở dữ liệu đã có hồ sơ của các cơ quan này trong giai đoạn "
                          "8/2018–12/2019; bản diễn lại cần một năm trống. / The database already "
                          "holds these agencies' dossiers from 8/2018–12/2019; the replay needs "
                          "that year to itself.")
    calendar = current_calendar()
    days = Days(calendar)
    try:
        plans = plan_year(agencies, versions, days)
    except (LookupError, ValueError) as error:
        raise ReplayError(f"Danh mục thiếu thủ tục cần cho bản diễn lại; hãy dùng danh mục của "
                          f"`flask demo seed` (1.400 thủ tục). / The catalog lacks procedures "
                          f"the replay needs; use `flask demo seed`'s ({error}).") from error
    # The agencies the inter-agency dossiers are forwarded to (the Committee's office) act on
    # them too: they get replay officers (after the served agencies', so those keep theirs).
    cast = ensure_cast(agencies + receiving_agencies(versions, agencies))
    db.session.commit()
    by_id = {v.id: v for vs in versions.values() for v in vs}
    puts = _BackgroundPuts(storage)
    batches = _Batches(db.session(), puts)
    online: list[Dossier] = []
    taken_in: list[Dossier] = []
    # The plans, the catalog and the accounts live through the whole replay: frozen, the
    # collector stops walking them again and again; it runs once per batch instead of every
    # few hundred new objects (a third of the time otherwise).
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        with batches.deferred():
            player = Player(cast, calendar, days, puts)
            for agency in agencies:
                mine = plans[agency.code]
                for first in range(0, len(mine), batch):
                    chunk = mine[first:first + batch]
                    for plan in chunk:
                        if plan.channel is Channel.ONLINE:
                            player.draft(plan, by_id[plan.version_id])
                    batches.flush()
                    # Each plan files one dossier: its day's numbers taken in one upsert.
                    filed = Counter((agency.id, plan.filed_at.astimezone(VN_TZ).date())
                                    for plan in chunk if plan.filed_at is not None)
                    with codes.numbers_reserved(filed):
                        for plan in chunk:
                            played = player.play(plan, by_id[plan.version_id])
                            (online if plan.channel is Channel.ONLINE else taken_in).append(
                                played)
                    batches.commit(online, taken_in)
                    # What survives the batch stays (the plans, the cast): frozen too, the
                    # next collection walks only the next batch's objects.
                    gc.collect()
                    gc.freeze()
                    progress(len(chunk), agency.code)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        gc.enable()
        gc.unfreeze()
        puts.close()
    ratings.rate_year(agencies, cast, days)
    db.session.commit()
    analyze()
    counts = {code: len(p) for code, p in plans.items()}
    return Summary(sum(counts.values()), counts, clock() - started)
