"""The postal desk (/buu-dien): who enters, what they see, the batch from queue to delivery,
and every id route answering 403/404 to anyone else (issue 15)."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.calendar import VN_TZ
from portal.delivery.models import ShipmentState
from portal.delivery.operations import latest_outbound
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db

GOOD, OTHER_GOOD = "EB123456785VN", "RR473124829GB"


def _state(app, dossier_id):
    with app.app_context():
        return db.session.get(Dossier, dossier_id).state, latest_outbound(dossier_id).state


def _batch(as_, desk) -> int:
    response = as_("postal").post("/buu-dien/bang-ke", data={"item": [str(desk.shipment_id)]})
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_the_postal_officer_lands_on_the_desk_and_sees_only_their_agencies(as_, desk, app):
    page = as_("postal").get("/buu-dien/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert desk.code in html and "Thôn 1, Tịnh Phong" in html and "0912345678" in html
    with app.app_context():
        other_code = db.session.get(Dossier, desk.other_dossier_id).code
    assert other_code not in html
    # Only what delivering needs: no link to the dossier, its papers or files.
    assert "/can-bo/" not in html and "/tai-ve" not in html and "giay-to" not in html


def test_the_postal_officer_opens_no_dossier_nor_its_files(as_, desk, app):
    postal = as_("postal")
    assert postal.get(f"/can-bo/ho-so/{desk.dossier_id}").status_code == 403
    assert postal.get(f"/ho-so/{desk.dossier_id}").status_code == 404
    with app.app_context():
        file_id = db.session.get(Dossier, desk.dossier_id).files[0].id
    assert postal.get(f"/ho-so/{desk.dossier_id}/tep/{file_id}").status_code in (403, 404)


@pytest.mark.parametrize("who,status", [("counter", 403), ("leader", 403), ("applicant", 403),
                                        ("stranger", 403)])
def test_others_may_not_enter(as_, who, status):
    assert as_(who).get("/buu-dien/").status_code == status


def test_anonymous_gets_the_login(client):
    response = client.get("/buu-dien/")
    assert response.status_code in (302, 401) or "dang-nhap" in response.headers.get(
        "Location", "")


def test_the_whole_batch(as_, desk, app):
    postal = as_("postal")
    batch = _batch(as_, desk)
    page = postal.get(f"/buu-dien/bang-ke/{batch}").get_data(as_text=True)
    assert f'id="tracking-{desk.shipment_id}"' in page and "autofocus" in page
    # A mistyped number is refused next to its field, nothing recorded.
    wrong = postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                        data={"tracking_number": "EB123456784VN"})
    assert wrong.status_code == 422 and "không hợp lệ" in wrong.get_data(as_text=True)
    early = postal.post(f"/buu-dien/bang-ke/{batch}/giao")
    assert early.status_code == 303 and _state(app, desk.dossier_id)[1] is ShipmentState.IN_BATCH
    ok = postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                     data={"tracking_number": GOOD.lower()})
    assert ok.status_code == 303
    assert postal.post(f"/buu-dien/bang-ke/{batch}/giao").status_code == 303
    assert _state(app, desk.dossier_id) == (DossierState.RESULT_READY, ShipmentState.DISPATCHED)
    failed = postal.post(f"/buu-dien/buu-gui/{desk.shipment_id}/trang-thai",
                         data={"action": "fail", "note": "Vắng nhà"})
    assert failed.status_code == 303
    assert _state(app, desk.dossier_id)[1] is ShipmentState.FAILED_ATTEMPT
    postal.post(f"/buu-dien/buu-gui/{desk.shipment_id}/trang-thai", data={"action": "deliver"})
    assert _state(app, desk.dossier_id) == (DossierState.RETURNED, ShipmentState.DELIVERED)


def test_labels_and_manifest_are_pdfs(as_, desk):
    batch = _batch(as_, desk)
    for url in (f"/buu-dien/bang-ke/{batch}/nhan.pdf", f"/buu-dien/bang-ke/{batch}/bang-ke.pdf"):
        response = as_("postal").get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.data.startswith(b"%PDF")


def test_every_id_route_is_404_for_the_other_agencys_postal_officer(as_, desk):
    batch = _batch(as_, desk)
    other = as_("other_postal")
    s = desk.shipment_id
    for url in (f"/buu-dien/bang-ke/{batch}", f"/buu-dien/bang-ke/{batch}/nhan.pdf",
                f"/buu-dien/bang-ke/{batch}/bang-ke.pdf"):
        assert other.get(url).status_code == 404, url
    for url, data in ((f"/buu-dien/bang-ke/{batch}/so-hieu/{s}", {"tracking_number": GOOD}),
                      (f"/buu-dien/bang-ke/{batch}/bo/{s}", {}),
                      (f"/buu-dien/bang-ke/{batch}/giao", {}),
                      (f"/buu-dien/buu-gui/{s}/trang-thai", {"action": "deliver"})):
        assert other.post(url, data=data).status_code == 404, url
    # Nor can they put another agency's item into a batch of theirs.
    response = other.post("/buu-dien/bang-ke", data={"item": [str(s)]})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["counter", "applicant", "stranger"])
def test_every_id_route_is_403_for_anyone_not_a_postal_officer(as_, desk, who):
    batch = _batch(as_, desk)
    client = as_(who)
    s = desk.shipment_id
    for url in (f"/buu-dien/bang-ke/{batch}", f"/buu-dien/bang-ke/{batch}/nhan.pdf"):
        assert client.get(url).status_code == 403
    assert client.post(f"/buu-dien/buu-gui/{s}/trang-thai",
                       data={"action": "deliver"}).status_code == 403


def test_the_carrier_csv_is_all_or_nothing(as_, desk, app):
    import io

    postal = as_("postal")
    batch = _batch(as_, desk)
    postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                data={"tracking_number": GOOD})
    postal.post(f"/buu-dien/bang-ke/{batch}/giao")
    bad = ("so_hieu,trang_thai,ngay,ghi_chu\n"
           f"{GOOD},phat_khong_thanh_cong,01/01/2030 09:00,Vắng nhà\n"  # line 2: ok later
           f"{GOOD},da_phat,32/01/2026,\n"  # line 3: bad date
           f"{OTHER_GOOD},da_phat,01/01/2026,\n"  # line 4: not ours
           "EB1,bogus,01/01/2026,\n")  # line 5: bad number
    response = postal.post("/buu-dien/nhap-trang-thai", data={
        "file": (io.BytesIO(bad.encode()), "trang-thai.csv")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 2" in html and "Dòng 3" in html and "Dòng 5" in html
    assert _state(app, desk.dossier_id)[1] is ShipmentState.DISPATCHED
    today = datetime.now(VN_TZ).strftime("%d/%m/%Y")
    good = ("\ufeffso_hieu;trang_thai;ngay;ghi_chu\n"
            f"{GOOD};phat_khong_thanh_cong;{today};Vắng nhà\n"
            f"{GOOD};da_phat;{today};\n")
    response = postal.post("/buu-dien/nhap-trang-thai", data={
        "file": (io.BytesIO(good.encode()), "trang-thai.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert _state(app, desk.dossier_id) == (DossierState.RETURNED, ShipmentState.DELIVERED)


def test_a_batch_item_goes_back_to_the_queue(as_, desk, app):
    postal = as_("postal")
    batch = _batch(as_, desk)
    response = postal.post(f"/buu-dien/bang-ke/{batch}/bo/{desk.shipment_id}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/buu-dien/")
    assert _state(app, desk.dossier_id)[1] is ShipmentState.READY
    assert postal.get(f"/buu-dien/bang-ke/{batch}").status_code == 404  # nothing left in it


def test_the_workspace_and_the_timeline_read_the_postal_events(as_, desk, app):
    postal = as_("postal")
    batch = _batch(as_, desk)
    postal.post(f"/buu-dien/bang-ke/{batch}/so-hieu/{desk.shipment_id}",
                data={"tracking_number": GOOD})
    postal.post(f"/buu-dien/bang-ke/{batch}/giao")
    postal.post(f"/buu-dien/buu-gui/{desk.shipment_id}/trang-thai",
                data={"action": "return_to_centre"})
    workspace = as_("counter").get(f"/can-bo/ho-so/{desk.dossier_id}")
    assert workspace.status_code == 200
    assert "Đã chuyển kết quả cho bộ phận bưu chính" in workspace.get_data(as_text=True)
    page = as_("applicant").get(f"/ho-so/{desk.dossier_id}").get_data(as_text=True)
    assert "chuyển hoàn kết quả về Trung tâm" in page
