"""Helpers shared by the browser journeys: axe-core checks, the 360 px check, logging in."""

from __future__ import annotations

import re
import time

import factories
import pyotp
from playwright.sync_api import Page, expect

from portal.catalog import operations as catalog_ops
from portal.catalog.models import FeeBasis, FeeKind

PHONE = {"width": 360, "height": 740}
BLOCKING_IMPACTS = {"serious", "critical"}

# axe is served by the app itself (`make assets` copies it to static/vendor): the CSP allows
# only same-origin scripts, and add_script_tag(path=...) would inject inline content.
AXE_URL = "/static/vendor/axe.min.js"
AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(
    v => ({id: v.id, impact: v.impact, help: v.help,
           targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))"""


SETTLED = """() => document.getAnimations().every(
    a => a.playState !== "running" || a.effect.getTiming().iterations === Infinity)"""


def axe_violations(page: Page) -> list[dict]:
    """Violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    found = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"  [{v['impact']}] {v['id']}: {v['help']} -> {v['targets']}"
                     for v in violations)


def check_page(page: Page, url: str | None = None) -> None:
    """axe at the default viewport and at 360x740, and no horizontal scroll at 360 px.

    Without `url` the page as it stands is checked (e.g. a form showing its errors)."""
    if url is not None:
        page.goto(url)
    page.wait_for_load_state()  # never measure a document that is still being replaced
    # Nor colours half way through a transition: the pointer leaves whatever the last click
    # hovered (Bootstrap's buttons fade in 0.15 s), and the finite animations end first.
    page.mouse.move(0, 0)
    page.wait_for_function(SETTLED)
    where = page.url
    default = page.viewport_size
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"axe at {default['width']}px on {where}:\n{_describe(violations)}")
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            wide = page.evaluate("""() => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > 361)
                .slice(0, 5).map(e => e.tagName + "." + e.className)""")
            problems.append(f"horizontal scroll at 360px on {where}: scrollWidth={width}, "
                            f"too wide: {wide}")
        violations = axe_violations(page)
        if violations:
            problems.append(f"axe at 360px on {where}:\n{_describe(violations)}")
    finally:
        page.set_viewport_size(default)
    assert not problems, "\n".join(problems)


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/tai-khoan/dang-nhap")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def staff_log_in(page: Page, email: str, secret: str) -> None:
    """Password, then the 6-digit code of the officer's authenticator (TOTP ``secret``)."""
    log_in(page, email, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc"))
    page.get_by_label("Mã xác thực 6 chữ số").fill(totp_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    # Signed in: on the desk, the monitoring or the administration (policy.landing_endpoint),
    # with the account menu (its log-out button inside) in the navbar.
    expect(page).not_to_have_url(re.compile(r"/tai-khoan/(xac-thuc|dang-nhap)"))
    expect(page.locator("header details.account-menu")).to_have_count(1)


def open_nav_menu(page: Page, menu: str) -> None:
    """Open a menu of the navbar (a <details>: ``account-menu`` or ``work-menu``); on a
    phone the collapsed navbar opens first."""
    # First the page's load: before its stylesheet applies, the phone's toggler shows on a
    # desktop too (and leaves the accessibility tree when it does); a page still loading may
    # also swallow the click.
    page.wait_for_load_state()
    toggler = page.get_by_role("button", name="Mở menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    details = page.locator(f"header details.{menu}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details).to_have_attribute("open", "")


def open_profile(page: Page) -> None:
    """The profile page, from the account menu under the user's name."""
    open_nav_menu(page, "account-menu")
    page.get_by_role("link", name="Thông tin tài khoản").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so-ca-nhan$"))


def log_out(page: Page) -> None:
    open_nav_menu(page, "account-menu")
    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đăng xuất.")


# The last time-step whose code each secret sent, to send a later one next (the server
# accepts a step once: RFC 6238 §5.2). Secrets are random per test, so this never goes stale.
_sent_steps: dict[str, int] = {}


def totp_code(secret: str) -> str:
    code, step = factories.unused_totp_code(secret, _sent_steps.get(secret))
    _sent_steps[secret] = step
    return code


def wrong_totp_code(secret: str) -> str:
    """A 6-digit code that the server's window (now ± 30 s) will refuse."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    valid = {totp.at(now + step * 30) for step in (-1, 0, 1, 2)}
    candidate = int(totp.now())
    while f"{candidate:06d}" in valid:
        candidate = (candidate + 111111) % 1_000_000
    return f"{candidate:06d}"


def fee_bearing_procedure(agency, name: str):
    """A published procedure paid at submission (issue 14's journeys): a fixed phí of
    200.000 ₫, a lệ phí of 5.000 ₫ per extra copy, two exemption categories."""
    return factories.published_procedure(
        agency, name=name, payment_due_at_submission=True,
        fees=[catalog_ops.FeeData("Phí cung cấp thông tin lý lịch tư pháp", 200000),
              catalog_ops.FeeData("Lệ phí cấp thêm Phiếu", 5000, kind=FeeKind.CHARGE,
                                  basis=FeeBasis.PER_UNIT, unit_label="phiếu")],
        exemptions=["Hộ nghèo", "Người khuyết tật"])
