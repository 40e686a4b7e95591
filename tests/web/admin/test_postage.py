"""The postage tariff (issue 14): an administrator adds the default zone and a province,
changes a province's amount in place, is refused a blank zone; non-administrators get 403."""

from org_helpers import logged_in_admin
from sqlalchemy import select

from portal.extensions import db
from portal.payments.models import PostageRate

URL = "/quan-tri/cuoc-buu-chinh"


def _rates(app):
    with app.app_context():
        return [(r.zone, r.province, r.amount) for r in db.session.scalars(
            select(PostageRate).order_by(PostageRate.province))]


def test_the_administrator_keeps_the_tariff(app, login, csrf_client):
    logged_in_admin(app, login, csrf_client)
    assert csrf_client.get(URL).status_code == 200
    assert csrf_client.post(URL, data={"zone": "Ngoại tỉnh", "province": "",
                                       "amount": "40000"}).status_code == 303
    csrf_client.post(URL, data={"zone": "Nội tỉnh", "province": "Quảng Ngãi", "amount": "20000"})
    csrf_client.post(URL, data={"zone": "Nội tỉnh", "province": "Quảng Ngãi", "amount": "25000"})
    assert _rates(app) == [("Ngoại tỉnh", "", 40000), ("Nội tỉnh", "Quảng Ngãi", 25000)]
    page = csrf_client.get(URL).get_data(as_text=True)
    assert "25.000\xa0₫" in page and "Các tỉnh còn lại" in page
    assert csrf_client.post(URL, data={"zone": "", "amount": "1"}).status_code == 422
    # The province is one of the official list (the postal return stores that name).
    refused = csrf_client.post(URL, data={"zone": "X", "province": "Tỉnh Không Có",
                                          "amount": "1"})
    assert refused.status_code == 422
    assert "Chọn một tỉnh, thành phố trong danh sách." in refused.get_data(as_text=True)
    assert len(_rates(app)) == 2


def test_only_administrators(app, login, csrf_client):
    import factories

    with app.app_context():
        factories.citizen("dan@example.vn")
        db.session.commit()
    assert csrf_client.get(URL).status_code in (302, 303)
    login(csrf_client, "dan@example.vn")
    assert csrf_client.get(URL).status_code == 403
    assert csrf_client.post(URL, data={"zone": "x", "amount": "1"}).status_code == 403
