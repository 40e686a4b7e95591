"""Ten people open the same invitation link and create their account at the same moment,
through a real server: exactly one account is made and joins; the others are told the link is
no longer usable (no 500 from the e-mail's unique index). The invitation's row is claimed
before the account is written (accounts/invitations.py, ``_claim``)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import factories
from http_client import Browser
from servers import serving

from portal.accounts import invitations
from portal.accounts.models import Organisation, User
from portal.core.models import utcnow
from portal.extensions import db

CONTENDERS = 10


def test_one_invitation_opened_by_many_at_once_makes_one_account(app):
    with app.app_context():
        owner = factories.citizen(email="owner@example.vn", organisation_name="Công ty A",
                                  tax_code="4300000001")
        db.session.commit()  # SQLite: the throttle's own transaction writes next
        organisation = owner.memberships[0].organisation
        _, token = invitations.invite(organisation, "moi@example.vn", owner, utcnow())
        db.session.commit()
        organisation_id = organisation.id
    path = f"/tai-khoan/loi-moi/{token}"
    with serving(app) as base:
        browsers = [Browser(base) for _ in range(CONTENDERS)]
        for browser in browsers:
            assert browser.get(path).status == 200 and browser.csrf
        barrier = threading.Barrier(CONTENDERS, timeout=60)

        def register(numbered: tuple[int, Browser]) -> int:
            n, browser = numbered
            form = {"full_name": f"Người {n}", "id_number": f"0511960{n:05d}",
                    "phone": "0905111222", "password": "mat-khau-moi-dai",
                    "confirm": "mat-khau-moi-dai", "accept": "y"}
            barrier.wait()
            return browser.post(path, form).status

        with ThreadPoolExecutor(max_workers=CONTENDERS) as pool:
            statuses = list(pool.map(register, enumerate(browsers)))
    # One account and membership; the others: the refusal (422) or, if they came after the
    # winner's commit, the used link (410).
    assert statuses.count(303) == 1, statuses
    # 200: the sign-in page, for one that read the invitation before the winner's commit and
    # the new account after it (SQLite reads outside a transaction); it creates nothing.
    assert set(statuses) <= {200, 303, 410, 422}, statuses
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).where(
            User.email == "moi@example.vn")) == 1
        members = db.session.get(Organisation, organisation_id).members
        assert sorted(m.user.email for m in members) == ["moi@example.vn", "owner@example.vn"]
