"""Issue 12 on the staff pages: who is offered the step's actions, the queue to take a step
nobody holds, the internal-process table, and the approve form's file."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import factories
from sample_files import PDF
from staff_helpers import AT_LEADER, IN_PROGRESS, act, advance, load

from portal.accounts.models import Role, User
from portal.calendar import VN_TZ
from portal.catalog import operations as catalog_ops
from portal.catalog.models import Agency, StepRole, TimeUnit
from portal.core.models import utcnow
from portal.dossiers import files
from portal.dossiers.models import DossierFile
from portal.dossiers.models import DossierState as S
from portal.extensions import db

# What each of the step's actions looks like on the workspace (a button's form, or the link
# that loads its form).
STEP_ACTIONS = ("take", "complete_step", "request_supplement", "request_consultation",
                "request_obligation")


def _offered(page: str) -> set[str]:
    return {a for a in STEP_ACTIONS
            if f'id="action-{a}"' in page or f"action-form action-{a}" in page}


def _unchanged(app, dossier_id: int, before) -> None:
    after = load(app, dossier_id)
    assert (after.state, after.lock_version, after.holder_id, after.current_role) == (
        before.state, before.lock_version, before.holder_id, before.current_role)


def test_the_holder_is_offered_the_steps_actions(as_, world, app):
    advance(app, world, *IN_PROGRESS)
    page = as_("specialist").get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert _offered(page) == {"complete_step", "request_supplement", "request_consultation",
                              "request_obligation"}


def test_after_passing_the_step_on_the_specialist_is_offered_none_of_it(as_, world, app):
    """The step went to the leader's (nobody named): the specialist's page offers none of
    the step's actions, the leader's step included, and the server refuses each of them
    (409, the page drawn afresh with the reason, nothing changed)."""
    advance(app, world, *AT_LEADER)
    specialist = as_("specialist")
    page = specialist.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert _offered(page) == set()
    assert "Không có thao tác nào bạn có thể thực hiện" in page
    before = load(app, world.dossier_id)
    due_on = (utcnow() + timedelta(days=30)).astimezone(VN_TZ).date().isoformat()
    for action, fields in (("complete_step", {"note": "Xong"}),
                           ("request_supplement", {"items": "Bản vẽ", "reason": "Thiếu"}),
                           ("request_obligation", {"amount": "1000000", "payee": "Chi cục Thuế",
                                                   "pay_to": "Kho bạc", "due_on": due_on}),
                           ("take", {})):
        files = ({"notice": (io.BytesIO(PDF), "thong-bao.pdf")}
                 if action == "request_obligation" else None)
        response = act(specialist, app, world.dossier_id, action, fields, files=files)
        assert response.status_code == 409, (action, response.status_code)
        assert "Bước “Phê duyệt” thuộc lãnh đạo cơ quan" in response.text, action
        _unchanged(app, world.dossier_id, before)
    # Its form is not handed out either.
    form = specialist.get(f"/can-bo/ho-so/{world.dossier_id}/thao-tac/complete_step")
    assert form.status_code == 409 and "không còn thực hiện được" in form.text


def test_a_step_held_by_someone_else_is_not_offered(app, signed_in, world):
    advance(app, world, *IN_PROGRESS)
    with app.app_context():
        factories.staff(Role.SPECIALIST, db.session.get(Agency, world.agency_id),
                        "chuyenvien2@example.vn")
        db.session.commit()
    second = signed_in("chuyenvien2@example.vn")
    assert _offered(second.get(f"/can-bo/ho-so/{world.dossier_id}").text) == set()
    before = load(app, world.dossier_id)
    response = act(second, app, world.dossier_id, "request_supplement",
                   {"items": "Bản vẽ", "reason": "Thiếu"})
    assert response.status_code == 409
    assert "đang do" in response.text and "chỉ người xử lý bước" in response.text
    _unchanged(app, world.dossier_id, before)


def test_the_leaders_free_step_waits_in_the_leaders_queue_to_take(as_, world, app):
    """Passed on without naming the next holder, the dossier is not lost: it waits in the
    leader's "to take" queue (not in the specialist's: the step is the leader's), and the
    leader takes it from there."""
    advance(app, world, *AT_LEADER)
    dossier = load(app, world.dossier_id)
    assert dossier.state is S.IN_PROGRESS and dossier.holder_id is None
    queue = f"/can-bo/hang-doi?agency={world.agency_id}&loai=moi"
    leader = as_("leader")
    listed = leader.get(queue)
    assert "Chờ nhận xử lý" in listed.text and dossier.code in listed.text
    assert dossier.code not in as_("specialist").get(queue).text
    page = leader.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "take" in _offered(page)
    response = act(leader, app, world.dossier_id, "take")
    assert response.status_code == 303
    assert load(app, world.dossier_id).holder_id == world.user_ids["leader"]
    assert dossier.code not in leader.get(queue).text
    assert dossier.code in leader.get(
        f"/can-bo/hang-doi?agency={world.agency_id}&loai=cua-toi").text


def test_a_specialists_step_passed_on_to_nobody_is_taken_from_the_queue(as_, world, app):
    """Two specialist steps: the first completed with "Người xử lý bước tiếp theo" left
    empty. The dossier waits in the specialists' "to take" queue; one takes it from there."""
    with app.app_context():
        version = factories.published_procedure(
            db.session.get(Agency, world.agency_id), name="Cấp phép khai thác nước",
            time_amount=5, time_unit=TimeUnit.DAYS, cutoff=None, steps=[
                catalog_ops.StepData("Tiếp nhận hồ sơ", StepRole.COUNTER, 4),
                catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 16),
                catalog_ops.StepData("Kiểm tra thực địa", StepRole.SPECIALIST, 8),
                catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 4)])
        dossier = factories.submitted_dossier(
            version, db.session.get(User, world.user_ids["citizen"]), utcnow())
        db.session.commit()
        world.dossier_id, code = dossier.id, dossier.code
    advance(app, world, *IN_PROGRESS)
    specialist = as_("specialist")
    response = act(specialist, app, world.dossier_id, "complete_step",
                   {"note": "Đủ điều kiện", "next_holder": ""})
    assert response.status_code == 303
    passed = load(app, world.dossier_id)
    assert (passed.state, passed.holder_id, passed.current_role) == (
        S.IN_PROGRESS, None, "specialist")
    queue = f"/can-bo/hang-doi?agency={world.agency_id}&loai=moi"
    assert code in specialist.get(queue).text
    assert "take" in _offered(specialist.get(f"/can-bo/ho-so/{world.dossier_id}").text)
    assert act(specialist, app, world.dossier_id, "take").status_code == 303
    taken = load(app, world.dossier_id)
    assert taken.holder_id == world.user_ids["specialist"]
    assert code not in specialist.get(queue).text


# --- the internal-process table ---------------------------------------------------------------

def _posted_procedure(app, world) -> int:
    """A dossier of a procedure whose papers and result travel by post, received and taken
    by the specialist."""
    with app.app_context():
        agency = db.session.get(Agency, world.agency_id)
        version = factories.published_procedure(
            agency, name="Cấp giấy phép xây dựng", time_amount=5, time_unit=TimeUnit.DAYS,
            cutoff=None, steps=[
                catalog_ops.StepData("Tiếp nhận hồ sơ", StepRole.COUNTER, 4),
                catalog_ops.StepData("Chuyển hồ sơ về Sở Xây dựng", StepRole.POSTAL, 4),
                catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 16),
                catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 4),
                catalog_ops.StepData("Chuyển kết quả về Trung tâm", StepRole.POSTAL, 4),
                catalog_ops.StepData("Trả kết quả", StepRole.COUNTER, 1)])
        citizen = db.session.get(User, world.user_ids["citizen"])
        dossier = factories.submitted_dossier(version, citizen, utcnow())
        db.session.commit()
        return dossier.id


def _rows(page: str) -> list[str]:
    table = page[page.index('class="table table-sm steps-table"'):]
    table = table[:table.index("</table>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]


def test_the_process_table_lists_every_step_and_when_each_was_done(as_, world, app):
    world.dossier_id = _posted_procedure(app, world)
    advance(app, world, *IN_PROGRESS)
    rows = _rows(as_("specialist").get(f"/can-bo/ho-so/{world.dossier_id}").text)
    assert len(rows) == 6, rows
    for n, name in enumerate(("Tiếp nhận hồ sơ", "Chuyển hồ sơ về Sở Xây dựng",
                              "Thẩm định hồ sơ", "Phê duyệt", "Chuyển kết quả về Trung tâm",
                              "Trả kết quả"), 1):
        assert rows[n - 1].startswith(f"{n}. {name}"), rows
    done = re.compile(r"Hoàn thành ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d")
    # Done: the reception, and the post's transfer (by the time the specialist's began).
    assert done.search(rows[0]) and "hạn" not in rows[0], rows[0]
    assert done.search(rows[1]) and "Bưu điện" in rows[1], rows[1]
    assert re.search(r"Đang xử lý, hạn ngày \d\d/\d\d/\d{4}, lúc", rows[2]), rows[2]
    for row in rows[3:]:
        assert "Chưa đến bước này" in row and "Hoàn thành" not in row, row


def test_the_process_table_after_the_hand_over(as_, world, app):
    world.dossier_id = _posted_procedure(app, world)
    advance(app, world, *AT_LEADER, ("leader", "result_file", {}),
            ("leader", "approve", {"result_note": "GP số 1"}),
            ("counter", "hand_over", {"method": "counter", "collected_by": "Nguyễn Văn An"}))
    rows = _rows(as_("counter").get(f"/can-bo/ho-so/{world.dossier_id}").text)
    assert len(rows) == 6 and all("Hoàn thành ngày" in r for r in rows), rows


# --- the approve form -----------------------------------------------------------------------

def _zip(first: str, content: bytes = b"x", stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo(first), content,
                   zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


SAMPLES = {  # a file of each type someone may try, by the name the hint would give it
    "PDF": PDF,
    "JPG": b"\xff\xd8\xff\xe0" + b"\x00" * 64,
    "PNG": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "DOCX": _zip("word/document.xml"),
    "XLSX": _zip("xl/workbook.xml"),
    "ODT": _zip("mimetype", files.ODT.encode(), stored=True),
    "DOC": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "EXE": b"MZ\x90\x00" + b"\x00" * 64,
}


def test_the_approve_hint_lists_what_the_check_accepts(as_, world, app):
    advance(app, world, *AT_LEADER)
    form = as_("leader").get(f"/can-bo/ho-so/{world.dossier_id}/thao-tac/approve",
                             headers={"HX-Request": "true"}).text
    hint = re.search(r'id="approve-result-hint"[^>]*>Nhận tệp ([^<]*)\.<', form)
    assert hint, form
    listed = {name.strip() for name in hint.group(1).split(",")}
    # The check the e-result goes through (operations.add_file → detect_type).
    accepted = {name for name, head in SAMPLES.items()
                if files.detect_type(head, f"ket-qua.{name.lower()}") is not None}
    assert listed == accepted, (listed, accepted)
    assert f'accept="{",".join(files.ALLOWED_TYPES)}"' in form


def test_the_approve_form_names_the_chosen_file_after_a_refusal(as_, world, app):
    advance(app, world, *AT_LEADER)
    before = load(app, world.dossier_id)
    refused = act(as_("leader"), app, world.dossier_id, "approve", {"result_note": "x" * 501},
                  files={"result": (io.BytesIO(PDF), "giay-phep-so-12.pdf")})
    assert refused.status_code == 422
    assert "Tệp đã chọn: giay-phep-so-12.pdf" in refused.text
    _unchanged(app, world.dossier_id, before)
    with app.app_context():
        assert not db.session.query(DossierFile).filter_by(kind="result").count()
