"""The officers' queues: each filter holds the right dossiers, search, counts, overdue flag."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.catalog.models import ProcedureVersion
from portal.core.models import utcnow
from portal.dossiers.models import Channel, Dossier
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow.models import Pause, PauseKind


@pytest.fixture
def dossiers(app, world) -> dict[str, str]:
    """One dossier per situation (codes by name), set directly in the columns queues read."""
    now = utcnow()
    specialist = world.user_ids["specialist"]
    situations = {
        "reception_online": dict(state=S.SUBMITTED),
        "reception_counter": dict(state=S.SUBMITTED, channel=Channel.COUNTER),
        "new": dict(state=S.RECEIVED, due_at=now + timedelta(days=10)),
        # A step completed without naming the next holder (issue 12).
        "passed_on": dict(state=S.IN_PROGRESS, current_role="specialist",
                          due_at=now + timedelta(days=7)),
        "mine": dict(state=S.IN_PROGRESS, holder_id=specialist, due_at=now + timedelta(days=9)),
        "due_soon": dict(state=S.IN_PROGRESS, holder_id=world.user_ids["leader"],
                         due_at=now + timedelta(minutes=30)),
        "overdue": dict(state=S.IN_PROGRESS, due_at=now - timedelta(hours=2)),
        "paused_late": dict(state=S.AWAITING_SUPPLEMENT, due_at=now - timedelta(days=2)),
        "agency": dict(state=S.INTER_AGENCY, due_at=now + timedelta(days=8)),
        "ready": dict(state=S.RESULT_READY, due_at=now - timedelta(days=1),
                      finished_at=now - timedelta(days=2)),
        # The applicant asked to withdraw it while the leader holds it (issue 18).
        "withdraw": dict(state=S.IN_PROGRESS, holder_id=world.user_ids["leader"],
                         due_at=now + timedelta(days=20), withdrawal_requested_at=now,
                         withdrawal_reason="Nộp nhầm thủ tục"),
        # Confirmed already: in no queue.
        "withdrawn": dict(state=S.WITHDRAWN, due_at=now + timedelta(days=20),
                          finished_at=now, withdrawal_requested_at=now - timedelta(hours=1),
                          withdrawal_reason="Không cần nữa"),
        # Another agency's request: never in this agency's queue.
        "other_withdraw": dict(state=S.RECEIVED, agency_id=world.other_id,
                               holder_id=world.user_ids["leader"],
                               due_at=now + timedelta(days=20), withdrawal_requested_at=now,
                               withdrawal_reason="Nộp nhầm cơ quan"),
    }
    codes = {"reception_online": None}
    with app.app_context():
        version = db.session.get(ProcedureVersion, world.version_id)
        first = db.session.get(Dossier, world.dossier_id)
        codes["reception_online"] = first.code
        for name, values in situations.items():
            dossier = first if name == "reception_online" else factories.submitted_dossier(
                version, db.session.get(User, world.user_ids["citizen"]))
            if "due_at" in values:
                dossier.received_at = now - timedelta(days=3)
            for key, value in values.items():
                setattr(dossier, key, value)
            codes[name] = dossier.code
            if name == "paused_late":  # asked for papers with time left: the clock is held
                dossier.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=now
                                            - timedelta(days=3), remaining_seconds=4 * 3600))
        db.session.commit()
    return codes


EXPECTED = {
    "cho-tiep-nhan": {"reception_online", "reception_counter"},
    # Nobody holds the step: just received, passed on to nobody, or overdue with no holder.
    "moi": {"new", "passed_on", "overdue"},
    "cua-toi": {"mine"},
    "sap-den-han": {"due_soon"},
    "qua-han": {"overdue"},
    "cho-cong-dan": {"paused_late"},
    "cho-co-quan-khac": {"agency"},
    "co-ket-qua": {"ready"},
    "de-nghi-rut": {"withdraw"},
}


def test_each_queue_holds_the_right_dossiers(as_, world, dossiers):
    client = as_("supervisor")  # sees every queue of the agency (but "mine")
    specialist = as_("specialist")
    for slug, names in EXPECTED.items():
        reader = specialist if slug == "cua-toi" else client
        page = reader.get(f"/can-bo/hang-doi?agency={world.agency_id}&loai={slug}").text
        shown = {name for name, code in dossiers.items() if code in page}
        assert shown == names, slug


def test_reception_lists_online_dossiers_first(as_, world, dossiers):
    page = as_("counter").get(f"/can-bo/hang-doi?agency={world.agency_id}&loai=cho-tiep-nhan")
    text = page.text
    assert text.index(dossiers["reception_online"]) < text.index(dossiers["reception_counter"])


def test_overdue_is_flagged_in_words(as_, world, dossiers):
    page = as_("leader").get(f"/can-bo/hang-doi?agency={world.agency_id}&loai=qua-han").text
    assert "overdue-badge" in page and "Quá hạn" in page


def test_dashboard_counts_per_role(as_, world, dossiers):
    counter = as_("counter").get("/can-bo/").text
    assert "Chờ tiếp nhận" in counter and "Chờ nhận xử lý" not in counter
    specialist = as_("specialist").get("/can-bo/").text
    assert "Tôi đang xử lý" in specialist and "Chờ tiếp nhận" not in specialist
    assert 'queue-mine' in specialist
    tile = specialist.split("queue-mine")[1].split("</a>")[0]
    assert ">1</span>" in tile


def test_search_by_code_and_by_name_without_accents(as_, world, dossiers):
    client = as_("counter")
    base = f"/can-bo/hang-doi?agency={world.agency_id}&loai=cho-tiep-nhan"
    by_code = client.get(base + "&q=" + dossiers["reception_counter"].lower()).text
    assert dossiers["reception_counter"] in by_code
    assert dossiers["reception_online"] not in by_code
    by_name = client.get(base + "&q=nguyen+thi+hong", headers={"HX-Request": "true"})
    assert by_name.status_code == 200 and "<html" not in by_name.text
    assert 'id="queue-results"' in by_name.text and dossiers["reception_online"] in by_name.text
    nothing = client.get(base + "&q=khong+ai").text
    assert "Không có hồ sơ nào trong hàng đợi này." in nothing


def test_an_officer_with_two_agencies_picks_one(app, as_, world, dossiers):
    from portal.accounts import operations as account_ops
    from portal.accounts.models import Role

    with app.app_context():
        account_ops.grant_role(db.session.get(User, world.user_ids["counter"]),
                               Role.COUNTER_OFFICER, world.other_id)
        db.session.commit()
    client = as_("counter")
    page = client.get("/can-bo/").text
    assert 'id="agency-picker"' in page and "Sở Xây dựng" in page
    other = client.get(f"/can-bo/hang-doi?agency={world.other_id}&loai=cho-tiep-nhan").text
    assert dossiers["reception_online"] not in other


def test_a_dossier_asked_for_papers_after_its_due_time_is_flagged_overdue(app, as_, world,
                                                                          dossiers):
    """Issue 12, the statistics' rule (workflow.overdue): a pause begun after the due time
    holds nothing, so that dossier is in the overdue queue and flagged; one paused with time
    left (``paused_late``) is not, though its old due time has passed."""
    now = utcnow()
    with app.app_context():
        late = factories.submitted_dossier(db.session.get(ProcedureVersion, world.version_id),
                                           db.session.get(User, world.user_ids["citizen"]))
        late.state, late.received_at = S.AWAITING_SUPPLEMENT, now - timedelta(days=9)
        late.due_at = now - timedelta(days=2)
        late.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=now - timedelta(days=1),
                                 remaining_seconds=0))
        code = late.code
        db.session.commit()
    client = as_("leader")
    base = f"/can-bo/hang-doi?agency={world.agency_id}&loai="
    overdue = client.get(base + "qua-han").text
    assert code in overdue and dossiers["paused_late"] not in overdue
    waiting = client.get(base + "cho-cong-dan").text
    rows = {c: row for row in waiting.split('<tr class="queue-row')[1:]
            for c in (code, dossiers["paused_late"]) if c in row}
    assert "overdue-badge" in rows[code] and "overdue-badge" not in rows[dossiers["paused_late"]]


def test_rows_show_the_return_method_as_an_icon_and_words(app, as_, world, dossiers):
    """Issue 12: the queue says how each result goes back (the icon is not read out)."""
    from portal.dossiers.models import ReturnMethod

    with app.app_context():
        ready = db.session.scalar(select(Dossier).where(Dossier.code == dossiers["ready"]))
        ready.return_method = ReturnMethod.POSTAL
        db.session.commit()
    page = as_("counter").get(f"/can-bo/hang-doi?agency={world.agency_id}&loai=co-ket-qua").text
    row = page.split(dossiers["ready"])[1].split("</tr>")[0]
    assert '<th scope="col">Nhận kết quả</th>' in page
    assert 'class="return-method return-postal"' in row
    assert '<span class="return-icon" aria-hidden="true">✉</span> Nhận qua dịch vụ bưu chính' in row
    page = as_("counter").get(
        f"/can-bo/hang-doi?agency={world.agency_id}&loai=cho-tiep-nhan").text
    row = page.split(dossiers["reception_online"])[1].split("</tr>")[0]
    assert "return-counter" in row and "Nhận tại quầy của Trung tâm" in row


def test_withdrawal_requests_are_queued_for_who_confirms_them(as_, world, dossiers):
    """Issue 18: the counter officer and the leader (who confirm) have the queue, the
    specialist has not; another agency's request is never listed."""
    base = f"/can-bo/hang-doi?agency={world.agency_id}&loai=de-nghi-rut"
    for who in ("counter", "leader"):
        assert "Đề nghị rút hồ sơ" in as_(who).get("/can-bo/").text, who
        page = as_(who).get(base).text
        assert dossiers["withdraw"] in page and dossiers["other_withdraw"] not in page, who
        assert dossiers["withdrawn"] not in page
    assert "queue-withdrawal" not in as_("specialist").get("/can-bo/").text
    assert as_("counter").get(f"/can-bo/hang-doi?agency={world.other_id}&loai=de-nghi-rut"
                              ).status_code == 404


def test_rows_flag_a_pending_withdrawal_request_in_words(as_, world, dossiers):
    """In every queue, not only in its own: here the leader's "mine"."""
    page = as_("leader").get(f"/can-bo/hang-doi?agency={world.agency_id}&loai=cua-toi").text
    row = page.split(dossiers["withdraw"])[1].split("</tr>")[0]
    assert "withdrawal-badge" in row and "Đề nghị rút" in row
    assert page.count("withdrawal-badge") == 1  # the leader's other dossier has none


def test_workspace_shows_the_request_at_the_top(app, as_, world, dossiers):
    with app.app_context():
        dossier_id = db.session.scalar(select(Dossier.id).where(
            Dossier.code == dossiers["withdraw"]))
    page = as_("counter").get(f"/can-bo/ho-so/{dossier_id}").text
    note = page.split('class="alert alert-warning withdrawal-request"')[1].split("</p>")[0]
    assert "Người nộp đã đề nghị rút hồ sơ ngày" in note and "Nộp nhầm thủ tục" in note
    assert page.index("withdrawal-request") < page.index('id="ws-actions"')
