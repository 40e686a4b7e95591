"""The public list of apologies for overdue dossiers (issue #4, form 04): newest first,
paginated, linked from every page's footer, and nothing personal on it."""

from __future__ import annotations

from datetime import datetime

import factories
import pytest

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import TimeUnit
from portal.extensions import db
from portal.workflow import actions as wf

APPLICANT = "Trần Thị Mai Hoa"


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=VN_TZ)


@pytest.fixture
def apologies(app) -> list[str]:
    """Two overdue dossiers with an apology each; their codes, oldest apology first."""
    with app.app_context():
        agency = factories.agency(name="Sở Tài nguyên và Môi trường")
        version = factories.published_procedure(agency, name="Đăng ký biến động đất đai",
                                                time_amount=5, time_unit=TimeUnit.DAYS)
        applicant = factories.citizen(full_name=APPLICANT, id_number="051090123456")
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        leader = factories.staff(Role.LEADER, agency)
        codes = []
        for received, apologised, reason in ((3, 24, "Chờ kết quả đo đạc"),
                                             (4, 25, "Chờ ý kiến của UBND huyện")):
            dossier = factories.submitted_dossier(version, applicant, at(received, 8))
            wf.receive(dossier, wf.Context(counter, at(received, 9), current_calendar()))
            wf.apologise(dossier, wf.Context(leader, at(apologised, 9), current_calendar()),
                         reason, at(apologised + 3, 9))
            codes.append(dossier.code)
        db.session.commit()
        return codes


def test_apologies_are_public_and_anonymous(client, apologies):
    response = client.get("/xin-loi")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all(code in html for code in apologies)
    assert html.index(apologies[1]) < html.index(apologies[0])  # newest first
    assert "Sở Tài nguyên và Môi trường" in html and "Đăng ký biến động đất đai" in html
    # Received Mon 03/03 09:00 + 5 working days → Mon 10/03 09:00; new date 27/03 09:00.
    assert "09:00 10/03/2025" in html and "09:00 27/03/2025" in html
    assert "Chờ kết quả đo đạc" in html and "24/03/2025" in html
    assert APPLICANT not in html and "051090123456" not in html and "0912345678" not in html


def test_apologies_are_paginated(client, apologies, monkeypatch):
    from portal.blueprints.public import routes

    monkeypatch.setattr(routes, "APOLOGIES_PAGE_SIZE", 1)
    first = client.get("/xin-loi").get_data(as_text=True)
    second = client.get("/xin-loi?page=2").get_data(as_text=True)
    assert apologies[1] in first and apologies[0] not in first and 'rel="next"' in first
    assert apologies[0] in second and 'rel="prev"' in second


def test_linked_from_the_footer_and_empty_state(client, app):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/xin-loi"' in home
    assert "Hiện chưa có thư xin lỗi nào." in client.get("/xin-loi").get_data(as_text=True)
