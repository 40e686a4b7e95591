"""The monitoring dashboard over HTTP (/thong-ke/giam-sat): who may open it, what each reader
sees (a leader their own agencies, the supervisor every agency), the agency filter, the htmx
fragment the page polls, and the full lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import factories
import pytest

from portal.accounts.models import Role
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.core.models import utcnow
from portal.dossiers.models import DossierState
from portal.extensions import db
from portal.workflow.models import Pause, PauseKind

URL = "/thong-ke/giam-sat"


@dataclass
class Centre:
    agency_id: int
    other_id: int
    emails: dict[str, str]
    codes: dict[str, str]  # situation -> dossier code


@pytest.fixture(scope="module")
def centre(module_db) -> Centre:
    """Two agencies, each with one overdue dossier (no apology); the first also has one
    overdue with an apology and one waiting for the applicant (not overdue). Built once for
    the module: the tests only read it."""
    now = utcnow()
    with module_db.app_context():
        agency = factories.agency("STNMT", "Sở Tài nguyên và Môi trường")
        other = factories.agency("SXD", "Sở Xây dựng")
        users = {
            "counter": factories.staff(Role.COUNTER_OFFICER, agency, "motcua@example.vn"),
            "specialist": factories.staff(Role.SPECIALIST, agency, "chuyenvien@example.vn"),
            "leader": factories.staff(Role.LEADER, agency, "lanhdao@example.vn"),
            "other_leader": factories.staff(Role.LEADER, other, "lanhdao.sxd@example.vn"),
            "supervisor": factories.staff(Role.SUPERVISOR, None, "giamsat@example.vn"),
            "citizen": factories.citizen("dan@example.vn"),
        }
        codes = {}
        for name, owner, values in (
                ("late", agency, {}),
                ("apologised", agency, {"new_appointment_at": now + timedelta(days=3)}),
                ("paused", agency, {"state": DossierState.AWAITING_SUPPLEMENT}),
                ("other_late", other, {})):
            version = factories.published_procedure(
                owner, time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None,
                steps=[catalog_ops.StepData("Thẩm định", StepRole.SPECIALIST, 8)])
            dossier = factories.submitted_dossier(version, users["citizen"])
            dossier.state = DossierState.IN_PROGRESS
            dossier.received_at = now - timedelta(days=12)
            dossier.due_at = now - timedelta(days=3)
            for key, value in values.items():
                setattr(dossier, key, value)
            if name == "paused":  # asked for papers early, with 4 of 5 days left: held
                dossier.pauses.append(Pause(kind=PauseKind.SUPPLEMENT, started_at=now
                                            - timedelta(days=11), remaining_seconds=32 * 3600))
            codes[name] = dossier.code
        db.session.commit()
        return Centre(agency.id, other.id, {k: u.email for k, u in users.items()}, codes)


@pytest.fixture
def as_(signed_in, centre):
    """as_("leader") → a client logged in as that user (second factor included)."""
    return lambda who: signed_in(centre.emails[who])


def shown(page: str, centre: Centre) -> set[str]:
    return {name for name, code in centre.codes.items() if code in page}


def test_anonymous_visitors_are_sent_to_the_login(client, centre):
    response = client.get(URL)
    assert response.status_code in (302, 303)
    assert "dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("who", ["citizen", "counter", "specialist"])
def test_other_users_are_refused(as_, who):
    assert as_(who).get(URL).status_code == 403
    assert as_(who).get(f"{URL}/qua-han-chua-xin-loi").status_code == 403


def test_a_leader_sees_only_their_agency(as_, centre):
    response = as_("leader").get(URL)
    assert response.status_code == 200
    page = response.text
    assert shown(page, centre) == {"late"}  # the apologised and the paused ones are not listed
    assert "Sở Tài nguyên và Môi trường" in page and "Sở Xây dựng" not in page
    assert as_("leader").get(f"{URL}?agency={centre.agency_id}").status_code == 200
    assert as_("leader").get(f"{URL}?agency={centre.other_id}").status_code == 404
    assert as_("leader").get(f"{URL}/qua-han-chua-xin-loi?agency={centre.other_id}"
                             ).status_code == 404


def test_the_supervisor_sees_every_agency_and_can_filter(as_, centre):
    page = as_("supervisor").get(URL).text
    assert shown(page, centre) == {"late", "other_late"}
    assert 'id="mon-agency"' in page  # the agency filter
    filtered = as_("supervisor").get(f"{URL}?agency={centre.other_id}").text
    assert shown(filtered, centre) == {"other_late"}
    assert as_("supervisor").get(f"{URL}?agency=999999").status_code == 404


def test_each_row_links_to_the_workspace_and_the_agency_table_counts(as_, centre):
    page = as_("leader").get(URL).text
    assert "/can-bo/ho-so/" in page
    # STNMT: two overdue (one apologised), none due today.
    row = page.split('class="agency-busy"')[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>|⚠", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["2", "1", "0"]  # overdue, of which without apology, due today
    assert "loai=qua-han" in row  # the overdue number opens the agency's overdue queue


def test_the_page_polls_its_board_and_keeps_the_filter(as_, centre):
    page = as_("supervisor").get(f"{URL}?agency={centre.other_id}&ky=7").text
    assert 'hx-trigger="every 60s"' in page
    assert f'hx-get="{URL}?agency={centre.other_id}&amp;ky=7"' in page
    assert ">Tải lại</a>" in page  # without JavaScript
    assert "<script>" not in page  # strict CSP: no inline script
    fragment = as_("supervisor").get(f"{URL}?agency={centre.other_id}&ky=7",
                                     headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.text
    assert text.lstrip().startswith('<div id="monitoring-board"') and "<html" not in text
    assert 'hx-trigger="every 60s"' in text and shown(text, centre) == {"other_late"}


def test_the_stamp_reads_day_then_time(as_, centre):
    """Issue 12: "Số liệu ngày 06/12/2026, lúc 13:23, …" (was "Số liệu lúc 13:23 06/12/2026")."""
    page = as_("supervisor").get(URL).text
    assert re.search(r"Số liệu ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d, tự cập nhật", page)


def test_empty_states(as_, centre):
    page = as_("supervisor").get(URL).text
    assert "Không có yêu cầu xin ý kiến nào quá hạn trả lời." in page
    assert "Không có yêu cầu bổ sung nào ban hành muộn trong khoảng thời gian này." in page
    assert "Không có hồ sơ nào chuyển liên thông sát hạn trong khoảng thời gian này." in page


def test_full_lists(as_, centre):
    client = as_("supervisor")
    page = client.get(f"{URL}/qua-han-chua-xin-loi")
    assert page.status_code == 200
    assert shown(page.text, centre) == {"late", "other_late"}
    assert "Tổng số: 2" in page.text
    for slug in ("yeu-cau-bo-sung-muon", "xin-y-kien-qua-han", "buoc-xu-ly-theo-can-bo",
                 "lien-thong-sat-han"):
        assert client.get(f"{URL}/{slug}?ky=7").status_code == 200
    assert client.get(f"{URL}/khong-co").status_code == 404
    assert client.get(f"{URL}/qua-han-chua-xin-loi?page=99").status_code == 200


def test_an_unknown_period_falls_back_to_thirty_days(as_, centre):
    page = as_("supervisor").get(f"{URL}?ky=90").text
    assert '<option value="30" selected>' in page
    assert 'hx-get="/thong-ke/giam-sat"' in page  # the default is not repeated in links


def test_overdue_time_reads_in_days_or_hours(app):
    # Issue 12: under a working day the overdue time is in working hours, never "0,0" days.
    from portal.stats.monitoring import DossierLine, OverdueLine

    line = DossierLine(1, "X", "A", "P", None, "")
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("stats/_monitoring_macros.html").module
        said = [str(macros.overdue_time(OverdueLine(line, days, hours)))
                for days, hours in ((1.125, 9.0), (0.3125, 2.5), (0.0, 0.0))]
    assert said == ["1,1 ngày làm việc", "2,5 giờ làm việc", "chưa qua giờ làm việc nào"]
