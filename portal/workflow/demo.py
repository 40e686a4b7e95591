"""Demo dossiers for `make run`: the Sở Tư pháp demo staff find something in every queue.

Each dossier is created and moved through the same functions the UI uses, on a simulated
clock in the recent past, so the timeline, steps, notices and deadlines are all real."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.calendar import VN_TZ, Duration, DurationUnit
from portal.calendar.overrides import current_calendar
from portal.catalog.models import Agency, ApplicantType, OnlineLevel, Procedure, ProcedureVersion
from portal.dossiers import operations as dossier_ops
from portal.dossiers.files import UploadLimits
from portal.dossiers.models import Dossier, FileKind, ReturnMethod
from portal.extensions import db
from portal.storage import Storage
from portal.workflow import actions as wf

MiB = 1024 * 1024
LIMITS = UploadLimits(max_file=20 * MiB, max_dossier=100 * MiB)


def one_page_pdf(title: str) -> bytes:
    """A one-page PDF (enough for the browser's viewer) naming what it stands for."""
    text = title.encode("ascii", "replace")[:60]
    stream = b"BT /F1 14 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _versions(agency: Agency) -> list[ProcedureVersion]:
    return list(db.session.scalars(
        select(ProcedureVersion).join(Procedure, Procedure.published_version_id ==
                                      ProcedureVersion.id)
        .where(Procedure.agency_id == agency.id,
               ProcedureVersion.online_level != OnlineLevel.OFFLINE,
               ProcedureVersion.applicant != ApplicantType.BUSINESS)
        .order_by(Procedure.code)))


def _submitted(version: ProcedureVersion, applicant: User, at: datetime,
               storage: Storage, postal: bool) -> Dossier:
    dossier = dossier_ops.start_dossier(version, applicant)
    for document in version.documents:
        dossier_ops.add_file(dossier, document.id,
                             io.BytesIO(one_page_pdf(f"Demo: {document.id}")),
                             f"giay-to-{document.position}.pdf", applicant, storage, LIMITS)
    # The applicant's profile address, from the official list (issue 15).
    address = dossier_ops.PostalAddress(
        applicant.full_name, applicant.phone, "", "", "", applicant.address_street or "12 Lê Lợi",
        province_code=applicant.address_province_code or "51",
        ward_code=applicant.address_ward_code or "21025")
    dossier_ops.set_return_method(dossier, ReturnMethod.POSTAL if postal
                                  else ReturnMethod.COUNTER, address)
    dossier_ops.submit(dossier, applicant, current_calendar(), at)
    return dossier


def _forwarded(versions: list[ProcedureVersion], citizen: User, specialist: User, leader: User,
               counter: User, storage: Storage, now: datetime) -> int:
    """An inter-agency dossier (liên thông) the leader forwarded yesterday along its chain:
    the receiving agency's demo officers find it in their queue "Liên thông đến"."""
    version = next((v for v in versions if v.inter_agency and v.chain), None)
    if version is None:
        return 0
    calendar = current_calendar()
    filed = calendar.next_working_instant(now - timedelta(days=4, hours=3))
    dossier = _submitted(version, citizen, filed, storage, postal=False)
    at = filed + timedelta(minutes=20)
    wf.receive(dossier, wf.Context(counter, at, calendar))
    wf.take(dossier, wf.Context(specialist, at + timedelta(hours=1), calendar))
    passed = calendar.next_working_instant(at + timedelta(days=1))
    wf.complete_step(dossier, wf.Context(specialist, passed, calendar),
                     "Đủ điều kiện, trình lãnh đạo")
    # An hour of working time later (never on a day off), and never in the future.
    sent = min(now - timedelta(minutes=10),
               calendar.add_working_time(passed, timedelta(hours=1)))
    wf.forward_inter_agency(dossier, wf.Context(leader, sent, calendar),
                            "Đề nghị thẩm tra, trình UBND tỉnh quyết định", confirmed=True)
    return 1


def seed_dossiers(users: dict[str, User], storage: Storage,
                  now: datetime | None = None) -> int:
    """About a dozen Sở Tư pháp dossiers, one per situation an officer meets."""
    agency = db.session.scalar(select(Agency).where(Agency.code == "STP"))
    versions = _versions(agency) if agency else []
    if not versions:
        return 0
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    calendar = current_calendar()
    counter = users["motcua.stp@demo.hcc.vn"]
    specialist = users["chuyenvien.stp@demo.hcc.vn"]
    leader = users["lanhdao.stp@demo.hcc.vn"]
    citizen = users["congdan@demo.hcc.vn"]

    def ctx(user: User, at: datetime) -> wf.Context:
        return wf.Context(user, at, calendar)

    def result(dossier: Dossier, at: datetime) -> None:
        dossier_ops.add_file(dossier, None,
                             io.BytesIO(one_page_pdf(f"Ket qua {dossier.code}")),
                             "ket-qua.pdf", leader, storage, LIMITS, kind=FileKind.RESULT)
        wf.approve(dossier, ctx(leader, at), "Đã ký số")

    def apology(dossier: Dossier) -> None:
        at = dossier.due_at + timedelta(hours=2)
        if at < now:
            wf.apologise(dossier, ctx(leader, at), "Cần xác minh thêm với cơ quan hộ tịch nơi "
                         "đăng ký", calendar.add(now, Duration(3, DurationUnit.DAYS)).due)

    # (days before now the dossier was filed, what happened next)
    stories: list[tuple[int, Callable[[Dossier, datetime], None]]] = [
        (0, lambda d, t: None),  # waiting at reception
        (1, lambda d, t: wf.receive(d, ctx(counter, t))),  # new in the specialist queue
        (2, lambda d, t: (wf.receive(d, ctx(counter, t)),
                          wf.take(d, ctx(specialist, t + timedelta(hours=1))))),
        (3, lambda d, t: (wf.receive(d, ctx(counter, t)), wf.request_supplement(
            d, ctx(specialist, t + timedelta(hours=2)), "Bản sao giấy khai sinh có chứng thực",
            "Bản chụp giấy khai sinh không rõ số hiệu"))),
        (4, lambda d, t: (wf.receive(d, ctx(counter, t)),
                          wf.take(d, ctx(specialist, t + timedelta(hours=1))),
                          wf.complete_step(d, ctx(specialist, t + timedelta(days=1)),
                                           "Đủ điều kiện, trình ký"))),
        (5, lambda d, t: (wf.receive(d, ctx(counter, t)),
                          wf.take(d, ctx(specialist, t + timedelta(hours=1))),
                          result(d, t + timedelta(days=1)))),
        (8, lambda d, t: (wf.receive(d, ctx(counter, t)),
                          wf.take(d, ctx(specialist, t + timedelta(hours=1))),
                          result(d, t + timedelta(days=1)),
                          wf.hand_over(d, ctx(counter, t + timedelta(days=2)),
                                       ReturnMethod.COUNTER, "Nguyễn Văn An, CCCD 051090001234"))),
        (30, lambda d, t: (wf.receive(d, ctx(counter, t)),
                           wf.take(d, ctx(specialist, t + timedelta(hours=1))))),  # overdue
        (25, lambda d, t: (wf.receive(d, ctx(counter, t)),
                           wf.take(d, ctx(specialist, t + timedelta(hours=1))),
                           apology(d))),
        (6, lambda d, t: wf.refuse_reception(d, ctx(counter, t),
                                             "Thủ tục không thuộc thẩm quyền của Sở Tư pháp")),
        (1, lambda d, t: wf.request_completion(d, ctx(counter, t), "Tờ khai có chữ ký",
                                               "Tờ khai chưa ký")),
    ]
    made = _forwarded(versions, citizen, specialist, leader, counter, storage, now)
    for index, (days_ago, story) in enumerate(stories):
        version = versions[index % len(versions)]
        filed = calendar.next_working_instant(now - timedelta(days=days_ago, hours=3))
        if filed > now:
            filed = now - timedelta(minutes=30)
        dossier = _submitted(version, citizen, filed, storage, postal=index % 4 == 3)
        story(dossier, filed + timedelta(minutes=20))
        made += 1
    # A result for the post (issue 15): in the demo postal officer's queue, ready to batch.
    filed = calendar.next_working_instant(now - timedelta(days=6, hours=3))
    dossier = _submitted(versions[0], citizen, filed, storage, postal=True)
    t = filed + timedelta(minutes=20)
    wf.receive(dossier, ctx(counter, t))
    wf.take(dossier, ctx(specialist, t + timedelta(hours=1)))
    result(dossier, t + timedelta(days=1))
    wf.hand_over(dossier, ctx(counter, t + timedelta(days=2)), ReturnMethod.POSTAL)
    made += 1
    db.session.flush()
    return made
