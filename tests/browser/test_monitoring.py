"""The centre's monitoring dashboard (/thong-ke/giam-sat) in Chromium, as the supervisor: axe
(no serious or critical violation) and no sideways scroll at 360 px on the dashboard and a
full list, the htmx poll (the board asks for itself again after a minute and swaps in the
answer), the filter and the "see all" link.

Markup only, so SQLite alone (like test_accessibility.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.core.models import utcnow
from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.workflow.models import Consultation, DossierStep

from .helpers import check_page, staff_log_in
from .test_processing import enable_totp

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

EMAIL = "giamsat@example.vn"


@pytest.fixture
def supervisor(app) -> str:
    """The supervisor (second factor on) and two agencies: twelve overdue dossiers in the
    first (more than the dashboard shows), a step held past its due time, an unanswered
    consultation; the second agency has nothing due (a quiet row). Returns the TOTP secret."""
    now = utcnow()
    with app.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        other = factories.agency("SXD", "Sở Xây dựng")
        version = factories.published_procedure(
            agency, name="Đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất",
            time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
            steps=[catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 8)])
        user = factories.staff(Role.SUPERVISOR, None, EMAIL)
        secret = enable_totp(user)
        specialist = factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn")
        specialist.full_name = "Lê Văn Chuyên"
        citizen = factories.citizen("dan@example.vn", full_name="Nguyễn Thị Hồng")
        for n in range(12):
            dossier = factories.submitted_dossier(version, citizen)
            dossier.state = DossierState.IN_PROGRESS
            dossier.received_at = now - timedelta(days=20 + n)
            dossier.due_at = now - timedelta(days=5 + n)
            dossier.holder_id = specialist.id
            dossier.steps.append(DossierStep(
                position=2, name="Thẩm định hồ sơ", role=StepRole.SPECIALIST,
                agency_id=agency.id, holder_id=specialist.id, started_at=dossier.received_at,
                due_at=dossier.received_at + timedelta(days=1)))
            if n == 0:
                dossier.state = DossierState.AWAITING_CONSULTATION
                dossier.consultations.append(Consultation(
                    agency_id=other.id, question="Ý kiến về quy hoạch?",
                    requested_at=now - timedelta(days=6), requested_by_id=specialist.id,
                    due_at=now - timedelta(days=2)))
        db.session.commit()
    return secret


def sign_in(page: Page, secret: str) -> None:
    staff_log_in(page, EMAIL, secret)


def test_dashboard_is_accessible_and_polls(page: Page, supervisor):
    page.clock.install()  # the poll's timer runs on a clock the test moves
    sign_in(page, supervisor)
    page.goto("/thong-ke/giam-sat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Giám sát giải quyết hồ sơ")
    board = page.locator("#monitoring-board")
    expect(board).to_have_attribute("hx-trigger", "every 60s")
    expect(board.get_by_role("link", name="Tải lại")).to_be_visible()
    agencies = page.locator("table.monitoring-agencies tbody tr")
    expect(agencies.first).to_contain_text("Sở Tài nguyên và Môi trường")
    expect(agencies.nth(1)).to_have_class(re.compile("agency-quiet"))
    expect(page.locator("table.monitoring-overdue tbody tr")).to_have_count(10)
    expect(page.locator("table.monitoring-consultation")).to_contain_text("Sở Xây dựng")
    expect(page.locator("table.monitoring-steps")).to_contain_text("Lê Văn Chuyên")
    check_page(page)

    # A minute later htmx asks for the board again (a fragment) and swaps it in.
    with page.expect_response(lambda r: "/thong-ke/giam-sat" in r.url
                              and r.request.headers.get("hx-request") == "true") as polled:
        page.clock.run_for(61_000)
    assert polled.value.status == 200
    expect(page.locator("#monitoring-board")).to_have_count(1)
    expect(page.locator("table.monitoring-overdue tbody tr")).to_have_count(10)


def test_filter_and_full_list(page: Page, supervisor):
    sign_in(page, supervisor)
    page.goto("/thong-ke/giam-sat")
    page.get_by_label("Cơ quan", exact=True).select_option(label="Sở Xây dựng")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(r"agency=\d+"))
    expect(page.locator("#qua-han-chua-xin-loi .monitoring-empty")).to_contain_text(
        "Không có hồ sơ quá hạn chưa có thư xin lỗi.")

    page.goto("/thong-ke/giam-sat")
    page.get_by_role("link", name="Xem tất cả (12)").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Hồ sơ quá hạn chưa có thư xin lỗi")
    expect(page.locator("table.monitoring-overdue tbody tr")).to_have_count(12)
    check_page(page)
    page.locator("table.monitoring-overdue tbody tr").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/can-bo/ho-so/\d+$"))
