"""The applicant sees their result's shipment and confirms receipt; nobody else does
(issue 15)."""

from __future__ import annotations

from portal.delivery.models import ShipmentState
from portal.delivery.operations import latest_outbound
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db

GOOD = "EB123456785VN"


def _dispatch(as_, desk):
    postal = as_("postal")
    location = postal.post("/buu-dien/bang-ke",
                           data={"item": [str(desk.shipment_id)]}).headers["Location"]
    batch = location.rstrip("/").split("/")[-1]
    postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                data={"tracking_number": GOOD})
    assert postal.post(f"/buu-dien/bang-ke/{batch}/giao").status_code == 303


def test_while_in_the_mail_the_applicant_is_not_told_returned(as_, desk):
    html = as_("applicant").get(f"/ho-so/{desk.dossier_id}").get_data(as_text=True)
    assert "Chờ gửi bưu chính" in html and "Đã trả kết quả" not in html


def test_the_applicant_follows_the_item_and_confirms_receipt(as_, desk, app):
    _dispatch(as_, desk)
    citizen = as_("applicant")
    html = citizen.get(f"/ho-so/{desk.dossier_id}").get_data(as_text=True)
    assert f"https://vnpost.vn/tra-cuu-hanh-trinh/buu-pham?key={GOOD}" in html
    assert "Đã giao cho bưu chính" in html and "Đã đưa vào bảng kê" in html
    url = f"/ho-so/{desk.dossier_id}/buu-gui/{desk.shipment_id}/da-nhan"
    assert citizen.post(url).status_code == 303
    with app.app_context():
        assert db.session.get(Dossier, desk.dossier_id).state is DossierState.RETURNED
        assert latest_outbound(desk.dossier_id).state is ShipmentState.DELIVERED
    html = citizen.get(f"/ho-so/{desk.dossier_id}").get_data(as_text=True)
    assert "Đã phát thành công" in html


def test_nobody_else_sees_or_confirms_it(as_, desk, app):
    _dispatch(as_, desk)
    url = f"/ho-so/{desk.dossier_id}/buu-gui/{desk.shipment_id}/da-nhan"
    stranger = as_("stranger")
    assert stranger.get(f"/ho-so/{desk.dossier_id}").status_code == 404
    assert stranger.post(url).status_code == 404
    # Another dossier's shipment through one's own dossier: not found either.
    other = f"/ho-so/{desk.dossier_id}/buu-gui/{desk.other_shipment_id}/da-nhan"
    assert as_("applicant").post(other).status_code == 404
    with app.app_context():
        assert latest_outbound(desk.dossier_id).state is ShipmentState.DISPATCHED


def test_the_tracking_url_pattern_is_configurable(as_, desk, app, monkeypatch):
    import dataclasses

    _dispatch(as_, desk)
    monkeypatch.setitem(app.config, "PORTAL", dataclasses.replace(
        app.config["PORTAL"], postal_tracking_url="https://track.example.vn/{code}"))
    html = as_("applicant").get(f"/ho-so/{desk.dossier_id}").get_data(as_text=True)
    assert f"https://track.example.vn/{GOOD}" in html
