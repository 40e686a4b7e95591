"""Issue 13: staff turn the periodic jobs' reminders and digests off (and on again) on their
account page; each person is offered only what they may receive, the choice is theirs alone,
and the form needs its CSRF token. The jobs honouring it: tests/unit/notifications/
test_periodic_jobs.py; the same journey in a browser: tests/browser/test_work_mail.py."""

from __future__ import annotations

import re

import factories
import pytest

from portal.accounts.models import Role
from portal.accounts.queries import user_by_email
from portal.extensions import db
from portal.notifications.jobs_models import StaffMailPreference

PROFILE = "/tai-khoan/ho-so-ca-nhan"
SAVE = "/tai-khoan/thu-cong-viec"


@pytest.fixture
def people(app) -> dict[str, str]:
    with app.app_context():
        agency = factories.agency()
        emails = {
            "leader": factories.staff(Role.LEADER, agency).email,
            "specialist": factories.staff(Role.SPECIALIST, agency).email,
            "supervisor": factories.staff(Role.SUPERVISOR).email,
            "citizen": factories.citizen().email,
        }
        db.session.commit()
    return emails


def saved(app, email: str) -> tuple[bool, bool] | None:
    with app.app_context():
        row = db.session.get(StaffMailPreference, user_by_email(email).id)
        return (row.reminders, row.digests) if row else None


def checkbox(page: str, name: str) -> str | None:
    """The checkbox's tag, or None when the page does not offer it."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    return found.group(0) if found else None


def test_a_leader_turns_the_digest_off_and_keeps_the_reminders(app, people, signed_in):
    client = signed_in(people["leader"])
    page = client.get(PROFILE).get_data(as_text=True)
    assert "Thư công việc qua e-mail" in page
    assert "checked" in checkbox(page, "reminders") and "checked" in checkbox(page, "digests")

    response = client.post(SAVE, data={"reminders": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(PROFILE + "#work-mail-title")
    assert saved(app, people["leader"]) == (True, False)
    page = client.get(PROFILE).get_data(as_text=True)
    assert "Đã lưu lựa chọn nhận thư công việc." in page
    assert "checked" in checkbox(page, "reminders")
    assert "checked" not in checkbox(page, "digests")

    client.post(SAVE, data={"reminders": "y", "digests": "y"})
    assert saved(app, people["leader"]) == (True, True)


def test_each_person_is_offered_only_what_they_receive(app, people, signed_in):
    specialist = signed_in(people["specialist"]).get(PROFILE).get_data(as_text=True)
    assert checkbox(specialist, "reminders") and checkbox(specialist, "digests") is None
    supervisor = signed_in(people["supervisor"]).get(PROFILE).get_data(as_text=True)
    assert checkbox(supervisor, "digests") and checkbox(supervisor, "reminders") is None

    # What is not offered is not changed by a hand-made request either.
    signed_in(people["specialist"]).post(SAVE, data={"digests": "y"})
    assert saved(app, people["specialist"]) == (False, True)
    signed_in(people["supervisor"]).post(SAVE, data={})
    assert saved(app, people["supervisor"]) == (True, False)
    assert saved(app, people["leader"]) is None  # nobody else's choice changed


def test_citizens_have_no_such_choice(app, people, signed_in):
    client = signed_in(people["citizen"])
    assert "Thư công việc" not in client.get(PROFILE).get_data(as_text=True)
    assert client.post(SAVE, data={"reminders": "y"}).status_code == 404
    assert saved(app, people["citizen"]) is None


def test_the_choice_needs_a_login_and_its_csrf_token(app, people, csrf_client, signed_in):
    response = csrf_client.post(SAVE, data={})
    assert response.status_code in (302, 303) and "dang-nhap" in response.headers["Location"]
    leader = signed_in(people["leader"])
    assert leader.client.post(SAVE, data={}).status_code == 400  # no token
    assert saved(app, people["leader"]) is None
