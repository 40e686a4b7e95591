"""Numbers from outside that no row can have (issue #10, item 12): ids beyond the INTEGER
range in URLs, huge, negative or garbled page numbers and ids in query strings and forms.
They used to reach the database driver and end in a 500 page (SQLite refuses integers
beyond 64 bits, PostgreSQL integer columns beyond 32 and OFFSETs beyond 64). Every route of
the URL map is walked, so a route added later is checked too; each answers 404 (no such
thing), 400 or the first page, never 500, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import factories
import pytest
from werkzeug.routing import IntegerConverter

from portal.accounts.models import Role, RoleAssignment
from portal.core.numbers import MAX_ID
from portal.extensions import db

TOO_BIG = (2**64, 2**63, 2**31)  # beyond SQLite's INTEGER, PostgreSQL's BIGINT and INTEGER
BAD_NUMBERS = (str(2**64), "99999999999999999999", str(2**63), str(2**31), "-1", "0",
               "abc", "²", "١٢", "1e3", " 7 ", "")
SENTINEL = 918273645  # in range; replaced in the built URL by the value under test
PLACEHOLDER = {"code": "1.000001", "slug": "qua-han", "kind": "mau", "token": "x", "fmt": "csv",
               "form": "01", "action": "receive", "filename": "css/portal.css", "number": 1}


@dataclass
class World:
    agency_id: int
    emails: dict[str, str]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(agency, code="1.000001")
        citizen = factories.citizen("dan@example.vn")
        users = {"admin": factories.staff(Role.ADMIN, email="qt@example.vn"),
                 "counter": factories.staff(Role.COUNTER_OFFICER, agency, "quay@example.vn"),
                 "supervisor": factories.staff(Role.SUPERVISOR, None, "gs@example.vn"),
                 "citizen": citizen}
        factories.submitted_dossier(version, citizen)
        db.session.commit()
        return World(agency.id, {k: u.email for k, u in users.items()})


@pytest.fixture
def clients(client, signed_in, world):
    """The visitor and one signed-in client per kind of user."""
    return {"anonymous": client, **{who: signed_in(email)
                                    for who, email in world.emails.items()}}


def _int_args(rule) -> list[str]:
    return [name for name, conv in rule._converters.items()
            if isinstance(conv, IntegerConverter)]


def _int_rules(app):
    return [rule for rule in app.url_map.iter_rules() if _int_args(rule)]


def _url(app, rule, target: str | None, value) -> str:
    """The rule's URL with ``target`` set to ``value`` and every other part a valid one."""
    args = {}
    for name, conv in rule._converters.items():
        if name in _int_args(rule):
            args[name] = SENTINEL if name == target else 1
        elif hasattr(conv, "items"):
            args[name] = sorted(conv.items)[0]
        else:
            args[name] = PLACEHOLDER[name]
    url = app.url_map.bind("localhost").build(rule.endpoint, args, method=sorted(rule.methods)[0])
    return url.replace(str(SENTINEL), str(value))


def test_the_walk_sees_the_int_routes(app):
    endpoints = {rule.endpoint for rule in _int_rules(app)}
    assert len(endpoints) >= 40
    assert {"public.document_file", "citizen.dossier", "staff.workspace", "admin.user",
            "auth.invite_member", "auth.revoke_invitation"} <= endpoints


def test_an_id_no_row_can_have_is_a_404_everywhere(app, clients):
    """Each id of each rule in turn, with each method the rule serves (a POST carries a
    valid CSRF token when signed in): the URL matches no route, so nothing runs."""
    failures = []
    for rule in _int_rules(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for target in _int_args(rule):
            for value in (*TOO_BIG, -1):
                url = _url(app, rule, target, value)
                for who, client in clients.items():
                    for method in methods:
                        response = (client.get(url) if method == "GET"
                                    else client.post(url, data={"lock_version": "1"}))
                        if response.status_code != 404:
                            failures.append((who, method, url, response.status_code))
    assert not failures, failures[:20]


def test_the_largest_id_is_simply_not_found(app, clients):
    """MAX_ID passes the converter: the views look it up and find nothing (on PostgreSQL the
    INTEGER columns hold it exactly), whatever the method."""
    failures = []
    for rule in _int_rules(app):
        url = _url(app, rule, None, 0)
        url = re.sub(r"/1(?=/|$|\.)", f"/{MAX_ID}", url)
        for who, client in clients.items():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = (client.get(url) if method == "GET"
                            else client.post(url, data={"lock_version": "1"}))
                if response.status_code >= 500:
                    failures.append((who, method, url, response.status_code))
    assert not failures, failures[:20]


# --- query strings --------------------------------------------------------------------------

def _paginated(world) -> list[tuple[str, str]]:
    period = "tu=2025-01-01&den=2025-12-31"
    return [("anonymous", "/thu-tuc"), ("anonymous", "/xin-loi"), ("citizen", "/ho-so"),
            ("admin", "/quan-tri/nguoi-dung"), ("admin", "/quan-tri/thu-tuc"),
            ("admin", "/quan-tri/nhat-ky-gui-tin"), ("citizen", "/tai-khoan/thong-bao"),
            ("counter", f"/can-bo/hang-doi?agency={world.agency_id}"),
            ("counter", "/can-bo/tim-kiem?q=a"),
            ("counter", f"/can-bo/so-theo-doi?agency={world.agency_id}&{period}"),
            ("supervisor", f"/thong-ke/ho-so?{period}&o=received"),
            ("supervisor", "/thong-ke/giam-sat/qua-han-chua-xin-loi"),
            ("anonymous", "/phan-anh/cong-khai?q=a"), ("supervisor", "/can-bo/phan-anh/"),
            ("supervisor", f"/thong-ke/buu-chinh/ho-so?{period}&o=delivered"),
            ("supervisor", f"/thong-ke/hai-long/danh-gia?{period}"),
            ("supervisor", f"/thu-phi/doi-soat/gateway?{period}"),
            ("supervisor", f"/thong-ke/thanh-toan/ho-so?{period}&o=paid")]


def test_the_paginated_pages_are_all_listed(app, world):
    """Every page that draws the pager is in _paginated (a new one must be added)."""
    from pathlib import Path

    templates = Path(app.root_path) / "templates"
    endpoints = {m for path in templates.rglob("*.html")
                 for m in re.findall(r"pager\([^,]+, ['\"]([a-z_.]+)['\"]", path.read_text())}
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        listed = {adapter.match(url.split("?")[0])[0] for _who, url in _paginated(world)}
    assert endpoints <= listed, endpoints - listed


def test_a_bad_page_number_shows_the_first_page(clients, world):
    failures = []
    for who, url in _paginated(world):
        joiner = "&" if "?" in url else "?"
        for value in BAD_NUMBERS:
            response = clients[who].get(f"{url}{joiner}page={value}")
            if response.status_code != 200:
                failures.append((who, url, value, response.status_code))
    assert not failures, failures[:20]


INT_ARGS = ("page", "agency", "field", "co-quan", "notice", "notice_id", "year", "nam", "quy",
            "thang", "ky", "tt", "nguoi")


def test_no_query_string_number_breaks_a_page(app, clients, world):
    """Every GET page without URL parts, and the pages of one dossier, with every number the
    portal reads from a query string set to each bad value: whatever the answer, not a
    500."""
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments]
    urls += ["/can-bo/ho-so/1/phieu/01", "/ho-so/1/phieu/02", "/thu-tuc/1.000001",
             "/thong-ke/giam-sat/qua-han-chua-xin-loi"]
    failures = []
    for value in (str(2**64), str(2**31), "-1", "abc", "²"):
        query = "&".join(f"{name}={value}" for name in INT_ARGS)
        for url in urls:
            for who, client in clients.items():
                with client.get(f"{url}?{query}") as response:  # closes a sent file
                    status = response.status_code
                if status >= 500:
                    failures.append((who, url, value, status))
    assert not failures, failures[:20]


# --- foreign ids in forms -------------------------------------------------------------------

UNKNOWN_AGENCIES = ("987654", str(MAX_ID), str(2**63), "-3", "²")


def test_a_role_for_an_unknown_agency_is_refused_in_vietnamese(app, signed_in, world):
    """The foreign key used to be checked only by the database (an IntegrityError, 500)."""
    admin = signed_in(world.emails["admin"])
    with app.app_context():
        from portal.accounts.queries import user_by_email

        user_id = user_by_email(world.emails["counter"]).id
    for agency in UNKNOWN_AGENCIES:
        response = admin.post(f"/quan-tri/nguoi-dung/{user_id}/vai-tro",
                              data={"role": Role.SPECIALIST.value, "agency": agency})
        assert response.status_code == 422, (agency, response.get_data(as_text=True)[:500])
        assert "Vui lòng chọn một cơ quan trong danh sách." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(RoleAssignment).filter_by(user_id=user_id).count() == 1


def test_a_counter_of_an_unknown_agency_is_refused(app, signed_in, world):
    admin = signed_in(world.emails["admin"])
    for agency in UNKNOWN_AGENCIES:
        response = admin.post("/quan-tri/quay", data={
            "number": "7", "name": "Quầy 7", "agency_id": agency, "active": "y"})
        assert response.status_code == 422, (agency, response.get_data(as_text=True)[:500])
        assert "Vui lòng chọn cơ quan" in response.get_data(as_text=True)
