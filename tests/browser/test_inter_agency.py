"""Inter-agency (liên thông, issue 18) across two agencies in Chromium, one browser context per
person: the origin's leader forwards the dossier along its procedure's chain → the receiving
agency's specialist finds it in "Liên thông đến", records the agency's result with a file →
its leader sends it back → the origin's leader sees the leg (on time, with the file) and
approves the result. axe and the 360 px check on the receiving agency's queue and workspace and
on the origin's workspace with the leg. Runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import factories
import pytest
from playwright.sync_api import expect
from sample_files import small_pdf

from portal.accounts.models import Role
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.core.models import utcnow
from portal.dossiers.models import AGENCY_OUTPUT, Dossier, DossierState, FileKind
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow.models import InterAgencyLeg

from . import helpers
from .test_processing import act, context_for, enable_totp, open_panel, open_queue

pytestmark = pytest.mark.browser

S = DossierState
ORIGIN = "Sở Nội vụ"
RECEIVER = "Văn phòng UBND tỉnh"


@dataclass
class Cast:
    dossier_id: int
    code: str
    secrets: dict[str, str]
    emails: dict[str, str]


def _build(app) -> Cast:
    """An inter-agency procedure of the origin (chain: the Committee's office, 3 working days),
    its leader and the receiving agency's two officers (TOTP on), and a dossier the origin's
    specialist has passed to its leader."""
    with app.app_context():
        origin = factories.agency("SNV", ORIGIN)
        office = factories.agency("VPUBND", RECEIVER)
        version = factories.published_procedure(
            origin, name="Phê duyệt điều lệ hội", code="1.003900", time_amount=10,
            time_unit=TimeUnit.DAYS, cutoff=None, inter_agency=True,
            chain=[catalog_ops.ChainData("VPUBND", 3)],
            steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
                   catalog_ops.StepData("Thẩm định", StepRole.SPECIALIST, 40),
                   catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
        people = {"counter": factories.staff(Role.COUNTER_OFFICER, origin, "mc@example.vn"),
                  "specialist": factories.staff(Role.SPECIALIST, origin, "cv@example.vn"),
                  "leader": factories.staff(Role.LEADER, origin, "ld@example.vn"),
                  "office": factories.staff(Role.SPECIALIST, office, "cv.vp@example.vn"),
                  "office_leader": factories.staff(Role.LEADER, office, "ld.vp@example.vn")}
        dossier = factories.submitted_dossier(version, None, utcnow())
        calendar = current_calendar()
        wf.receive(dossier, wf.Context(people["counter"], utcnow(), calendar))
        wf.take(dossier, wf.Context(people["specialist"], utcnow(), calendar))
        wf.complete_step(dossier, wf.Context(people["specialist"], utcnow(), calendar),
                         "Đủ điều kiện", people["leader"])
        secrets = {k: enable_totp(u) for k, u in people.items()}
        db.session.commit()
        return Cast(dossier.id, dossier.code, secrets, {k: u.email for k, u in people.items()})


def _log_in(page, cast: Cast, who: str) -> None:
    helpers.staff_log_in(page, cast.emails[who], cast.secrets[who])


def _state(app, dossier_id: int) -> tuple[DossierState, list[InterAgencyLeg]]:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        legs = list(dossier.legs)
        state = dossier.state
        db.session.expunge_all()
        return state, legs


def test_forward_to_a_second_agency_that_processes_and_returns(app, new_context, tmp_path):
    cast = _build(app)

    leader = context_for(new_context)
    _log_in(leader, cast, "leader")
    open_queue(leader, "Tôi đang xử lý", cast.code)
    form = open_panel(leader, "forward_inter_agency")
    expect(form.get_by_label("Chuyển đến cơ quan")).to_have_value(
        str(_office_id(app)))
    act(leader, "forward_inter_agency", "Chuyển liên thông",
        {"Nội dung chuyển liên thông": "Đề nghị thẩm tra, trình UBND tỉnh phê duyệt"})
    state, legs = _state(app, cast.dossier_id)
    assert state is S.INTER_AGENCY and [leg.returned_at for leg in legs] == [None]
    expect(leader.locator("#workspace .state-badge")).to_have_text("Đang liên thông")

    office = context_for(new_context)
    _log_in(office, cast, "office")
    office.goto("/can-bo/")
    office.locator("a.queue-tile", has_text="Liên thông đến").click()
    expect(office.locator(".queue-table")).to_contain_text("Hạn chuyển trả")
    helpers.check_page(office)
    office.locator(".queue-table").get_by_role("link", name=cast.code).click()
    expect(office.locator("#workspace .inter-agency-held")).to_contain_text(
        "Đề nghị thẩm tra, trình UBND tỉnh phê duyệt")
    helpers.check_page(office)
    opinion = tmp_path / "y-kien-van-phong.pdf"
    opinion.write_bytes(small_pdf())
    form = open_panel(office, "record_inter_agency_result")
    form.get_by_label("Tệp kết quả (không bắt buộc)").set_input_files(opinion)
    act(office, "record_inter_agency_result", "Ghi kết quả xử lý liên thông",
        {"Kết quả xử lý của cơ quan": "Đã thẩm tra; UBND tỉnh đồng ý phê duyệt"})
    _state_after, legs = _state(app, cast.dossier_id)
    assert legs[0].recorded_at is not None and legs[0].result_file_id is not None

    office_leader = context_for(new_context)
    _log_in(office_leader, cast, "office_leader")
    open_queue(office_leader, "Liên thông đến", cast.code)
    label = "Chuyển trả hồ sơ liên thông về cơ quan chủ trì"
    open_panel(office_leader, "inter_agency_returned").get_by_role(
        "button", name=label, exact=True).click()
    # No longer the office's: back to its queue, which says what was done and is empty.
    expect(office_leader).to_have_url(re.compile(r"/can-bo/hang-doi\?.*loai=lien-thong-den"))
    expect(office_leader.get_by_role("status")).to_contain_text(f"Đã thực hiện: {label}.")
    expect(office_leader.locator(".queue-table")).to_have_count(0)
    state, legs = _state(app, cast.dossier_id)
    assert state is S.IN_PROGRESS and legs[0].returned_at is not None
    assert not legs[0].is_late(utcnow())

    leader.reload()
    expect(leader.locator("#workspace .state-badge")).to_have_text("Đang xử lý")
    leg = leader.locator("#workspace .inter-agency-leg")
    expect(leg).to_contain_text(RECEIVER)
    expect(leg).to_contain_text("Đúng hạn")
    expect(leg.get_by_role("link", name=opinion.name)).to_be_visible()
    helpers.check_page(leader)
    result = tmp_path / "quyet-dinh.pdf"
    result.write_bytes(small_pdf() + b"% result\n")
    open_panel(leader, "approve")
    leader.get_by_label("Tệp kết quả điện tử").set_input_files(result)
    act(leader, "approve", "Phê duyệt, ban hành kết quả")
    state, _legs = _state(app, cast.dossier_id)
    assert state is S.RESULT_READY
    with app.app_context():
        kinds = sorted(f.kind.value for f in db.session.get(Dossier, cast.dossier_id).files
                       if f.kind in AGENCY_OUTPUT)
    assert kinds == [FileKind.INTER_AGENCY.value, FileKind.RESULT.value]


def _office_id(app) -> int:
    from portal.catalog.models import Agency

    with app.app_context():
        return db.session.query(Agency.id).filter_by(code="VPUBND").scalar()
