"""Browser harness: Debian's Chromium driven by Playwright against the test app on a live server.

The live server serves the session `app` fixture (tests/conftest.py), so the journeys run on
SQLite and on PostgreSQL like the web tests; the axe/360 px checks, which depend on markup
only, run on SQLite alone (test_accessibility.py parametrizes `backend` to "sqlite"). Each
test seeds its own data (`_clean_tables` empties the tables after it). pytest-playwright's
`base_url` is the live server, so `page.goto("/thu-tuc")` works. No warning filter is needed:
neither Playwright nor the werkzeug server thread emits one."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from playwright.sync_api._generated import PageAssertions
from servers import serving

CHROMIUM = Path("/usr/bin/chromium")
VENDOR = Path(__file__).resolve().parents[2] / "portal" / "static" / "vendor"
# Assertions wait up to 10 s (Playwright's default is 5): CI runs three xdist workers on two
# cores, and an htmx search answered while the replay halves run can take longer than 5 s.
expect.set_options(timeout=10_000)


def _then_loaded(to_have_url):
    """``expect(page).to_have_url(…)`` also waits for the page's ``load``: the URL is there
    as soon as the document commits, but htmx, upload.js and the stylesheet (deferred, or
    still arriving) are not, and a journey that types or clicks then loses the keystroke to
    an unbound element (CI saw a search, a file choice and a menu lost this way)."""
    def checked(self, *args, **kwargs):
        to_have_url(self, *args, **kwargs)
        # The sync API's own bridge from the wrapper to the page it asserts on.
        self._sync(self._impl_obj._actual_page.wait_for_load_state(state=None, timeout=None))
    return checked


PageAssertions.to_have_url = _then_loaded(PageAssertions.to_have_url)

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium keeps calling Google services over the closed network.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"!!! {CHROMIUM} is MISSING: every browser test is SKIPPED. Install it with "
                    "`apt-get install -y chromium` (CI does). Never run `playwright install`.")
    missing = [name for name in ("htmx.min.js", "axe.min.js", "bootstrap.min.css")
               if not (VENDOR / name).exists()]
    if missing:
        pytest.fail(f"portal/static/vendor lacks {', '.join(missing)}: run `make assets` first")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on a free loopback port, one thread per request (htmx fires in parallel)."""
    with serving(app, "live-server") as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright gives every browser context this base URL."""
    return live_server


@pytest.fixture
def mail_inbox(app, live_server):
    """A real SMTP server (aiosmtpd) for the duration of one test.

    The session app's Config is frozen, but routes read current_app.config["PORTAL"] on each
    request, so the test swaps in a copy pointing at this server (and at the live server for
    the links in e-mails) and restores the original afterwards. The outbox is delivered by
    a thread after each commit that wrote to it, as a worker process would."""
    from smtp_server import mails_settled, smtp_server, worker_thread  # tests/smtp_server.py

    original, wake = app.config["PORTAL"], app.extensions["outbox_wake"]
    with smtp_server() as (port, inbox):
        app.config["PORTAL"] = original.with_(smtp_host="127.0.0.1", smtp_port=port,
                                              base_url=live_server)
        app.extensions["outbox_wake"] = worker_thread(app)
        try:
            yield inbox
        finally:
            mails_settled()
            app.config["PORTAL"], app.extensions["outbox_wake"] = original, wake
