"""Shared steps of the organisation, users and calendar administration tests."""

from __future__ import annotations

import factories

from portal.accounts.models import Role
from portal.extensions import db

ADMIN_EMAIL = "quantri@example.vn"


def make_admin(app, email: str = ADMIN_EMAIL) -> int:
    with app.app_context():
        user = factories.staff(Role.ADMIN, email=email)
        db.session.commit()
        return user.id


def logged_in_admin(app, login, csrf_client, email: str = ADMIN_EMAIL) -> int:
    user_id = make_admin(app, email)
    login(csrf_client, email)
    return user_id


def _send(client, method: str, url: str, data: dict | None):
    return client.get(url) if method == "get" else client.post(url, data=data or {})


def assert_only_admins(app, login, calls, snapshot) -> None:
    """Every call: anonymous → login page, citizen and non-admin staff → 403; nothing changes.

    calls: (method, url, data) triples; snapshot(): the state the calls must not change."""
    with app.app_context():
        factories.citizen(email="khach.403@example.vn")
        agency = factories.agency()
        factories.staff(Role.COUNTER_OFFICER, agency, email="motcua.403@example.vn")
        factories.staff(Role.SUPERVISOR, email="giamsat.403@example.vn")
        db.session.commit()
    clients = {}
    for email in ("khach.403@example.vn", "motcua.403@example.vn", "giamsat.403@example.vn"):
        clients[email] = factories.CsrfClient(app.test_client())
        login(clients[email], email)  # before the snapshot: staff enrol TOTP on first login
    with app.app_context():
        before = snapshot()
    anonymous = factories.CsrfClient(app.test_client())
    for method, url, data in calls:
        response = _send(anonymous, method, url, data)
        assert response.status_code == 302, (method, url)
        assert "/tai-khoan/dang-nhap" in response.headers["Location"], (method, url)
    for email, client in clients.items():
        for method, url, data in calls:
            assert _send(client, method, url, data).status_code == 403, (email, method, url)
    with app.app_context():
        assert snapshot() == before


def assert_csrf_required(csrf_client, urls_and_data) -> None:
    """The logged-in client's session, but POSTs without the token: refused with 400."""
    for url, data in urls_and_data:
        response = csrf_client.client.post(url, data=data)
        assert response.status_code == 400, url
        assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
