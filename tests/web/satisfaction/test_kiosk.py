"""The counter kiosk (issue 16): an administrator pairs a tablet once; an officer signs in to
the counter; the kiosk rates only that officer, stores a rating sent twice once, and its token
opens nothing but its own page, status and form."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import CounterShift, Kiosk, Overall, Rating, RatingChannel

COOKIE = "kiosk_device"


def _pair(as_, world, counter="justice"):
    """(client holding the kiosk's cookie, the pairing URL)."""
    admin = as_("admin")
    page = admin.post("/quan-tri/kiosk", data={"counter": world.counters[counter],
                                               "label": "Máy tính bảng 1"})
    assert page.status_code == 200
    url = re.search(r'<code class="text-break text-dark" id="pairing-url">([^<]+)</code>',
                    page.get_data(as_text=True)).group(1)
    return url


def _tablet(app, url):
    tablet = app.test_client()
    response = tablet.get(url.replace("http://localhost", ""))
    assert response.status_code == 303
    return tablet, response


def _shift(as_, world, who="officer", counter="justice"):
    assert as_(who).post("/can-bo/quay", data={"counter": world.counters[counter]}
                         ).status_code == 303


def _post(tablet, counter_id, shift_id, rating_uuid=None, overall="very_satisfied"):
    return tablet.post(f"/kiosk/{counter_id}/danh-gia",
                       data={"uuid": rating_uuid or str(uuid.uuid4()), "overall": overall,
                             "shift": str(shift_id)},
                       headers={"Accept": "application/json", "X-Kiosk": "1"})


def _open_shift(app, counter_id):
    with app.app_context():
        return db.session.scalar(select(CounterShift.id).where(
            CounterShift.counter_id == counter_id, CounterShift.ended_at.is_(None)))


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Rating))


def test_pairing_puts_a_scoped_cookie_and_works_once(as_, world, app):
    url = _pair(as_, world)
    tablet, response = _tablet(app, url)
    counter = world.counters["justice"]
    cookie = response.headers["Set-Cookie"]
    assert f"Path=/kiosk/{counter}" in cookie and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert response.headers["Location"].endswith(f"/kiosk/{counter}")
    # Only hashes are stored; the pairing URL is spent.
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk))
        token = url.rsplit("/", 1)[1]
        assert token not in (kiosk.pairing_hash, kiosk.token_hash) and kiosk.paired_at
    assert app.test_client().get(url.replace("http://localhost", "")).status_code == 410
    assert app.test_client().get("/kiosk/ghep/khong-co").status_code == 410
    page = tablet.get(f"/kiosk/{counter}").get_data(as_text=True)
    assert "Chưa có cán bộ nhận ca tại quầy này" in page


def test_a_morning_at_the_kiosk_rates_the_officer_signed_in(as_, world, app):
    tablet, _ = _tablet(app, _pair(as_, world))
    counter = world.counters["justice"]
    _shift(as_, world)
    dashboard = as_("officer").get("/can-bo/").get_data(as_text=True)
    assert "Bạn đang phục vụ tại Quầy số 7" in dashboard
    page = tablet.get(f"/kiosk/{counter}").get_data(as_text=True)
    assert "Lê Văn Quầy" in page and "Rất hài lòng" in page
    shift = _open_shift(app, counter)
    status = tablet.get(f"/kiosk/{counter}/trang-thai").get_json()
    assert status == {"shift": shift, "officer": "Lê Văn Quầy"}
    for overall in ("very_satisfied", "satisfied", "dissatisfied"):
        response = _post(tablet, counter, shift, overall=overall)
        assert response.status_code == 200 and response.get_json()["stored"] is True
    with app.app_context():
        ratings = list(db.session.scalars(select(Rating)))
        assert {r.officer_id for r in ratings} == {world.users["officer"]}
        assert {r.counter_id for r in ratings} == {counter}
        assert {r.channel for r in ratings} == {RatingChannel.KIOSK}
        assert all(r.rater_id is None and r.dossier_id is None for r in ratings)
    # A colleague takes the counter: the kiosk now rates them, never the first officer.
    _shift(as_, world, "colleague")
    new_shift = _open_shift(app, counter)
    assert new_shift != shift
    assert _post(tablet, counter, new_shift).status_code == 200
    with app.app_context():
        last = db.session.scalar(select(Rating).order_by(Rating.id.desc()))
        assert last.officer_id == world.users["colleague"]


def test_a_rating_sent_twice_is_stored_once(as_, world, app):
    tablet, _ = _tablet(app, _pair(as_, world))
    counter = world.counters["justice"]
    _shift(as_, world)
    shift = _open_shift(app, counter)
    same = str(uuid.uuid4())
    first, again = _post(tablet, counter, shift, same), _post(tablet, counter, shift, same)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.get_json()["stored"] is True and again.get_json()["stored"] is False
    assert _count(app) == 1
    # Without JavaScript the form posts and the thanks page comes back.
    response = tablet.post(f"/kiosk/{counter}/danh-gia",
                           data={"uuid": str(uuid.uuid4()), "overall": "satisfied",
                                 "shift": str(shift)})
    assert response.status_code == 303 and "cam_on=1" in response.headers["Location"]
    assert _count(app) == 2


def test_the_kiosk_cannot_rate_another_counter_nor_its_officer(as_, world, app):
    tablet, _ = _tablet(app, _pair(as_, world))
    justice, finance = world.counters["justice"], world.counters["finance"]
    _shift(as_, world)
    _shift(as_, world, "finance_officer", "finance")
    finance_shift = _open_shift(app, finance)
    # Another counter's page, status and form: 403, even with the cookie sent there.
    token = tablet.get_cookie(COOKIE, path=f"/kiosk/{justice}").value
    tablet.set_cookie(COOKIE, token, path="/")
    assert tablet.get(f"/kiosk/{finance}").status_code == 403
    assert tablet.get(f"/kiosk/{finance}/trang-thai").status_code == 403
    assert _post(tablet, finance, finance_shift).status_code == 403
    # Its own form naming the other counter's officer (shift): refused, nothing stored.
    response = _post(tablet, justice, finance_shift)
    assert response.status_code == 409
    assert _post(tablet, justice, 0).status_code == 409
    assert _post(tablet, justice, _open_shift(app, justice), "not-a-uuid").status_code == 422
    assert _post(tablet, justice, _open_shift(app, justice), overall="great").status_code == 422
    assert _count(app) == 0


@pytest.mark.parametrize("path", ["/ho-so", "/ho-so/1", "/can-bo/", "/thong-ke/",
                                  "/thong-ke/hai-long", "/thong-ke/hai-long/danh-gia",
                                  "/quan-tri/", "/quan-tri/kiosk", "/tai-khoan/ho-so-ca-nhan"])
def test_the_kiosk_token_opens_nothing_else(as_, world, app, path):
    tablet, _ = _tablet(app, _pair(as_, world))
    token = tablet.get_cookie(COOKIE, path=f"/kiosk/{world.counters['justice']}").value
    tablet.set_cookie(COOKIE, token, path="/")
    response = tablet.get(path)
    assert response.status_code in (302, 401, 403, 404)
    if response.status_code == 302:
        assert "dang-nhap" in response.headers["Location"]


def test_without_a_token_or_once_revoked_the_kiosk_is_403(as_, world, app):
    counter = world.counters["justice"]
    stranger = app.test_client()
    assert stranger.get(f"/kiosk/{counter}").status_code == 403
    assert stranger.post(f"/kiosk/{counter}/danh-gia",
                         data={"uuid": str(uuid.uuid4()), "overall": "satisfied",
                               "shift": "1"}).status_code == 403
    tablet, _ = _tablet(app, _pair(as_, world))
    _shift(as_, world)
    with app.app_context():
        kiosk_id = db.session.scalar(select(Kiosk.id))
    listing = as_("admin").get("/quan-tri/kiosk").get_data(as_text=True)
    assert "Đã ghép" in listing and "Máy tính bảng 1" in listing
    assert as_("admin").post(f"/quan-tri/kiosk/{kiosk_id}/thu-hoi").status_code == 303
    assert tablet.get(f"/kiosk/{counter}").status_code == 403
    assert _post(tablet, counter, _open_shift(app, counter)).status_code == 403
    assert _count(app) == 0


def test_only_administrators_pair_and_revoke(as_, world, app):
    _pair(as_, world)
    with app.app_context():
        kiosk_id = db.session.scalar(select(Kiosk.id))
    for who in ("officer", "supervisor", "citizen"):
        client = as_(who)
        assert client.get("/quan-tri/kiosk").status_code == 403
        assert client.post("/quan-tri/kiosk",
                           data={"counter": world.counters["justice"]}).status_code == 403
        assert client.post(f"/quan-tri/kiosk/{kiosk_id}/thu-hoi").status_code == 403
    assert as_("admin").post(f"/quan-tri/kiosk/{kiosk_id + 1000}/thu-hoi").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Kiosk.revoked_at)) is None


def test_an_officer_signs_in_only_to_a_counter_of_their_agency(as_, world, app):
    officer = as_("officer")
    assert officer.post("/can-bo/quay",
                        data={"counter": world.counters["finance"]}).status_code == 303
    assert _open_shift(app, world.counters["finance"]) is None
    assert as_("leader").post("/can-bo/quay",
                              data={"counter": world.counters["justice"]}).status_code == 403
    _shift(as_, world)
    assert officer.post("/can-bo/quay/ket-thuc").status_code == 303
    assert _open_shift(app, world.counters["justice"]) is None


def test_the_overall_labels_are_the_measures(app):
    assert [o.label for o in Overall] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]


@pytest.mark.parametrize("value", ["abc", str(2**64), "-1", ""])
def test_a_garbled_counter_is_refused_not_a_server_error(as_, world, app, value):
    response = as_("officer").post("/can-bo/quay", data={"counter": value})
    assert response.status_code == 303
    assert as_("admin").post("/quan-tri/kiosk", data={"counter": value}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CounterShift)) == 0
        assert db.session.scalar(select(func.count()).select_from(Kiosk)) == 0
