"""What the workspace draws on demand (to stay fast with a long history): the latest 30
events with a link to the whole history, and each action's form loaded when the officer picks
the action — an htmx fragment, or without JavaScript the workspace with that form open."""

from __future__ import annotations

from datetime import timedelta

from staff_helpers import IN_PROGRESS, RECEIVED, act, advance

from portal.blueprints.staff.workspace import HISTORY_SHOWN
from portal.core.models import utcnow
from portal.dossiers import operations as ops
from portal.dossiers.models import Dossier
from portal.extensions import db

HTMX = {"HX-Request": "true"}


def _many_events(app, dossier_id: int, count: int) -> int:
    """Add ``count`` numbered events; returns the dossier's number of events after."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        start = utcnow() - timedelta(days=1)
        for n in range(count):
            ops.add_event(dossier, "note", f"Ghi chú số {n:03d}", None,
                          at=start + timedelta(minutes=n), public=n % 2 == 0)
        db.session.commit()
        return len(dossier.events)


def _history_items(html: str) -> int:
    block = html.split('<ol class="timeline history">', 1)[1].split("</ol>", 1)[0]
    return block.count("<li>")


def test_the_workspace_shows_the_latest_events_and_links_to_all(as_, world, app):
    total = _many_events(app, world.dossier_id, 40)
    url = f"/can-bo/ho-so/{world.dossier_id}"
    page = as_("counter").get(url).text
    assert _history_items(page) == HISTORY_SHOWN
    assert "Ghi chú số 039" in page and "Ghi chú số 009" not in page  # the latest, in order
    assert page.index("Ghi chú số 010") < page.index("Ghi chú số 039")
    assert f"Xem toàn bộ lịch sử ({total} sự kiện)" in page
    assert f'href="{url}/lich-su#ws-history"' in page and f'hx-get="{url}/lich-su"' in page

    fragment = as_("counter").get(f"{url}/lich-su", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert _history_items(fragment.text) == total and "Xem toàn bộ" not in fragment.text
    assert "Ghi chú số 000" in fragment.text and "Nội bộ" in fragment.text

    whole = as_("counter").get(f"{url}/lich-su")  # without JavaScript: the whole page
    assert whole.status_code == 200 and "<html" in whole.text
    assert _history_items(whole.text) == total and "Xem toàn bộ" not in whole.text


def test_a_short_history_has_no_link(as_, world, app):
    page = as_("counter").get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert _history_items(page) >= 1 and "Xem toàn bộ lịch sử" not in page


def test_forms_with_fields_load_on_demand_buttons_stay(as_, world, app):
    advance(app, world, *RECEIVED)
    url = f"/can-bo/ho-so/{world.dossier_id}"
    page = as_("leader").get(url).text
    # A button alone is on the page; a form with fields is a link to it.
    assert f'action="{url}/take"' in page
    assert 'name="stop-reason"' not in page and 'name="assign-assignee"' not in page
    assert f'href="{url}/thao-tac/stop#action-stop"' in page
    assert f'hx-get="{url}/thao-tac/stop"' in page and 'hx-target="#action-stop"' in page

    fragment = as_("leader").get(f"{url}/thao-tac/assign", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith("<form")
    assert f'hx-post="{url}/assign"' in fragment.text
    assert 'name="assign-assignee"' in fragment.text  # with the agency's staff to choose
    assert f'value="{world.user_ids["specialist"]}"' in fragment.text
    assert '<details class="action-details border rounded p-2" open>' in fragment.text
    assert 'name="csrf_token"' in fragment.text and 'name="assign-lock_version"' in fragment.text

    # Without JavaScript: the workspace with that one form open, the others still links.
    opened = as_("leader").get(f"{url}/thao-tac/stop")
    assert opened.status_code == 200 and "<html" in opened.text
    assert 'id="action-stop"' in opened.text and 'name="stop-reason"' in opened.text
    assert '<details class="action-details border rounded p-2" open>' in opened.text
    assert 'name="refuse-reason"' not in opened.text
    assert f'href="{url}/thao-tac/refuse#action-refuse"' in opened.text


def test_a_refused_post_reopens_only_its_form(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    response = act(as_("specialist"), app, world.dossier_id, "request_supplement",
                   {"items": "Bản vẽ", "reason": ""})
    assert response.status_code == 422
    assert 'name="request_supplement-items"' in response.text
    assert "Bản vẽ" in response.text  # what the officer typed is kept
    assert "Vui lòng nhập lý do." in response.text
    assert 'name="request_obligation-note"' not in response.text
    assert f'/can-bo/ho-so/{world.dossier_id}/thao-tac/request_obligation' in response.text


def test_an_action_no_longer_offered_shows_the_dossier_as_it_is(as_, world, app):
    url = f"/can-bo/ho-so/{world.dossier_id}/thao-tac/request_completion"
    advance(app, world, *RECEIVED)  # the page was drawn before someone received it
    fragment = as_("counter").get(url, headers=HTMX)
    assert fragment.status_code == 200
    assert fragment.headers["HX-Retarget"] == "#workspace"
    assert fragment.headers["HX-Reswap"] == "outerHTML"
    assert fragment.text.lstrip().startswith('<div id="workspace"')
    assert "không còn thực hiện được" in fragment.text
    plain = as_("counter").get(url)
    assert plain.status_code == 409 and "không còn thực hiện được" in plain.text
    assert 'name="request_completion-items"' not in plain.text


def test_the_fragments_check_who_asks(as_, world, app):
    """As the pages (test_access.py): another agency's officer 404, a citizen 403."""
    advance(app, world, *RECEIVED)
    d = world.dossier_id
    history, stop = f"/can-bo/ho-so/{d}/lich-su", f"/can-bo/ho-so/{d}/thao-tac/stop"
    for url in (history, stop):
        assert as_("other").get(url, headers=HTMX).status_code == 404, url
        assert as_("citizen").get(url, headers=HTMX).status_code == 403, url
    # The supervisor reads the history but opens no form; an officer of the agency opens
    # only the forms of his role (stopping is the leader's).
    assert as_("supervisor").get(history, headers=HTMX).status_code == 200
    assert as_("supervisor").get(stop, headers=HTMX).status_code == 403
    assert as_("specialist").get(stop, headers=HTMX).status_code == 403
    assert as_("leader").get(stop, headers=HTMX).status_code == 200
    assert as_("leader").get(f"/can-bo/ho-so/{d}/thao-tac/hand_over").status_code == 404


def test_the_usual_actions_come_first_the_rare_ones_are_grouped(as_, world, app):
    """Issue 18: the leader's ten equal buttons. The next step first; refusing, stopping,
    asking another agency… under "Thao tác khác" (a <details>, closed unless one of its
    actions is the one opened or just refused)."""
    advance(app, world, *RECEIVED)
    url = f"/can-bo/ho-so/{world.dossier_id}"
    page = as_("leader").get(url).text
    group = page.index('<details class="more-actions mt-2">')
    assert "Thao tác khác" in page[group:group + 200]
    end = page.index("</details>", page.index('class="more-actions-list"'))
    for usual in ("take", "assign"):
        assert page.index(f"action-{usual}") < group
    for rare in ("refuse", "stop"):
        assert group < page.index(f'id="action-{rare}"') < end

    # Without JavaScript the link opens the workspace with the group and the form open.
    opened = as_("leader").get(f"{url}/thao-tac/stop").text
    assert '<details class="more-actions mt-2" open>' in opened
    refused = act(as_("leader"), app, world.dossier_id, "refuse", {"reason": "Tranh chấp"})
    assert refused.status_code == 422
    assert '<details class="more-actions mt-2" open>' in refused.text
    taken = as_("leader").get(f"{url}/thao-tac/assign").text
    assert '<details class="more-actions mt-2">' in taken
