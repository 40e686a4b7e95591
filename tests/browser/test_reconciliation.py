"""The reconciliation page in Chromium (issue 14), axe and 360 px: the bank's collection
officer opens today's page from the collection counter, follows a figure to the list of its
payments and back, and downloads the XLSX."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import Role
from portal.catalog import operations as catalog_ops
from portal.core.models import utcnow
from portal.extensions import db
from portal.payments import operations as ops
from portal.payments.models import PaymentMethod

from . import helpers
from .test_processing import enable_totp

pytestmark = pytest.mark.browser


def _world(app) -> dict:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp cho công dân",
            payment_due_at_submission=True,
            fees=[catalog_ops.FeeData("Phí cung cấp thông tin lý lịch tư pháp", 200000)])
        owner = factories.citizen("hoa@example.vn", full_name="Trần Thị Hoa")
        bank = factories.staff(Role.BANK_COLLECTOR, None, "nganhang@example.vn")
        secret = enable_totp(bank)
        now = utcnow()
        codes = []
        for method in (PaymentMethod.BANK_COUNTER, PaymentMethod.GATEWAY):
            dossier = factories.submitted_dossier(version, owner, now)
            request = ops.request_at_submission(dossier, now, owner)
            payment = ops.start_payment(request, method, now, None)
            ops.confirm(payment, amount=payment.amount, now=now, source="test")
            codes.append(dossier.code)
        db.session.commit()
        return {"codes": codes, "secret": secret}


def test_the_bank_reconciles_today(page: Page, app):
    world = _world(app)
    helpers.staff_log_in(page, "nganhang@example.vn", world["secret"])
    expect(page).to_have_url(re.compile(r"/thu-phi$"))
    page.get_by_role("link", name="Đối soát thu phí, lệ phí").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đối soát thu phí, lệ phí")
    helpers.check_page(page)
    counter = page.locator("tbody td[data-figure='counter'] a")
    expect(counter).to_contain_text("200.000")
    counter.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã thu tại quầy")
    expect(page.locator(".reconciliation-list")).to_contain_text(world["codes"][0])
    expect(page.locator(".reconciliation-list")).not_to_contain_text(world["codes"][1])
    helpers.check_page(page)
    page.get_by_role("link", name="Đối soát thu phí, lệ phí").last.click()
    link = page.get_by_role("link", name="Tải bảng đối soát (XLSX)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
