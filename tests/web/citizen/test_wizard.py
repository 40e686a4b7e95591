"""Issue 12, "What a newcomer trips over": the submission wizard tells what is missing —
every item at once, on the step indicator, when leaving the documents step, on the review
page after a refused submit (303) — and offers a draft to resume instead of a duplicate;
the drafts in "Hồ sơ của tôi" say what they lack and can be deleted without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from submission_helpers import (
    APPLICANT,
    PDF,
    complete_draft,
    file_keys,
    in_storage,
    start_draft,
    upload,
)

from portal.core.formatting import day_and_time
from portal.dossiers.models import Dossier, DossierState
from portal.extensions import db

LONG_AGO = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def _steps(page: str) -> dict[str, str]:
    """The step indicator: {"Bước 1: …": its status text ("✓ đã đủ", "(chưa đủ)" or "")}."""
    indicator = re.search(r'<ol class="step-indicator">(.*?)</ol>', page, re.S).group(1)
    found = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", indicator, re.S):
        label = re.search(r"(Bước \d: [^<]+)<", item).group(1)
        status = re.search(r'<span class="step-status">(.*?)</span>\s*$', item.strip(), re.S)
        text = re.sub(r"<[^>]+>", "", status.group(1)) if status else ""
        found[label] = " ".join(text.split())
    return found


def _set_updated_at(app, dossier_id: int, at: datetime) -> None:
    with app.app_context():
        db.session.execute(db.update(Dossier).where(Dossier.id == dossier_id)
                           .values(updated_at=at))
        db.session.commit()


def _dossier(app, dossier_id: int) -> Dossier | None:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        if dossier is not None:
            db.session.expunge(dossier)
        return dossier


# --- item 1: mistakes are shown, all of them ----------------------------------------------

def test_leaving_the_documents_step_with_a_mandatory_paper_missing_warns_and_saves(
        citizen, setup):
    dossier_id = start_draft(citizen, setup)
    first, _second = setup.requirements
    upload(citizen, dossier_id, first, (PDF, "to-khai.pdf"))
    moved = citizen.post(f"/ho-so/{dossier_id}/giay-to", data={"action": "continue"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("/nhan-ket-qua")
    page = citizen.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Bản nháp còn thiếu giấy tờ bắt buộc" in page and "Bản chụp CCCD" in page
    assert "Tờ khai yêu cầu cấp Phiếu" not in page.split("Bản nháp còn thiếu")[1].split(
        "</div>")[0]  # only the missing one is named
    assert "Đã lưu bản nháp." in page
    # "Lưu nháp" from the same step warns too; with both papers there is no warning.
    later = citizen.post(f"/ho-so/{dossier_id}/giay-to", data={"action": "draft"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Bản nháp còn thiếu giấy tờ bắt buộc" in later
    upload(citizen, dossier_id, _second, (PDF, "cccd.pdf"))
    done = citizen.post(f"/ho-so/{dossier_id}/giay-to", follow_redirects=True)
    assert "Bản nháp còn thiếu" not in done.get_data(as_text=True)


def test_step_indicator_marks_only_complete_steps(citizen, setup):
    dossier_id = start_draft(citizen, setup)
    # The review page of a fresh draft: the applicant step is filled from the account, the
    # others are not — the old indicator put ✓ on every step before the current one.
    steps = _steps(citizen.get(f"/ho-so/{dossier_id}/kiem-tra").get_data(as_text=True))
    assert steps == {"Bước 1: Người nộp hồ sơ": "✓ đã đủ", "Bước 2: Giấy tờ": "(chưa đủ)",
                     "Bước 3: Nhận kết quả": "(chưa đủ)", "Bước 4: Kiểm tra và nộp": ""}
    # On step 1 the steps after it are marked by what they hold, not by position.
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "a.pdf"))
    upload(citizen, dossier_id, setup.requirements[1], (PDF, "b.pdf"))
    steps = _steps(citizen.get(f"/ho-so/{dossier_id}/nguoi-nop").get_data(as_text=True))
    assert steps["Bước 2: Giấy tờ"] == "✓ đã đủ" and steps["Bước 3: Nhận kết quả"] == "(chưa đủ)"
    complete = complete_draft(citizen, setup)
    steps = _steps(citizen.get(f"/ho-so/{complete}/giay-to").get_data(as_text=True))
    assert list(steps.values()) == ["✓ đã đủ"] * 3 + [""]


def test_failed_submit_lists_every_missing_item_on_the_review_page(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    refused = citizen.post(f"/ho-so/{dossier_id}/nop")
    # Not a page rendered on the POST URL: a refresh would post again.
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/ho-so/{dossier_id}/kiem-tra")
    page = citizen.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Chưa nộp được hồ sơ: còn thiếu 3 mục" in page  # the flash
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page,
                        re.S).group(0)
    assert "Hồ sơ còn thiếu 3 mục" in summary
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', summary)
    first, second = setup.requirements
    assert links == [
        (f"/ho-so/{dossier_id}/giay-to#req-{first}",
         "Chưa đính kèm giấy tờ bắt buộc “Tờ khai yêu cầu cấp Phiếu”."),
        (f"/ho-so/{dossier_id}/giay-to#req-{second}",
         "Chưa đính kèm giấy tờ bắt buộc “Bản chụp CCCD”."),
        (f"/ho-so/{dossier_id}/nhan-ket-qua#return_method", "Vui lòng chọn cách nhận kết quả."),
    ]
    assert _dossier(app, dossier_id).state is DossierState.DRAFT
    # The link's target exists on the return step (the fieldset of the choice).
    assert 'id="return_method"' in citizen.get(f"/ho-so/{dossier_id}/nhan-ket-qua").get_data(
        as_text=True)


def test_review_page_lists_the_missing_postal_address_parts(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    with app.app_context():  # a postal choice whose address lost two parts
        db.session.execute(db.update(Dossier).where(Dossier.id == dossier_id).values(
            return_method="postal", postal_recipient="Nguyễn Văn Bình",
            postal_phone="0905111222", postal_province="Quảng Ngãi", postal_district="",
            postal_ward="", postal_street=""))
        db.session.commit()
    page = citizen.get(f"/ho-so/{dossier_id}/kiem-tra").get_data(as_text=True)
    assert "Hồ sơ còn thiếu 2 mục" in page
    assert f'/ho-so/{dossier_id}/nhan-ket-qua#ward_code' in page
    assert f'/ho-so/{dossier_id}/nhan-ket-qua#street' in page


def test_a_complete_draft_shows_no_missing_list_and_submits(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    page = citizen.get(f"/ho-so/{dossier_id}/kiem-tra").get_data(as_text=True)
    assert "error-summary" not in page and "còn thiếu" not in page
    assert citizen.post(f"/ho-so/{dossier_id}/nop").headers["Location"].endswith(
        f"/ho-so/{dossier_id}")
    assert _dossier(app, dossier_id).state is DossierState.SUBMITTED


# --- item 2: resume instead of a duplicate; the drafts say what they lack -------------------

def test_start_page_offers_to_resume_the_draft_of_the_same_procedure(citizen, app, setup):
    fresh = citizen.get(f"/ho-so/moi/{setup.code}").get_data(as_text=True)
    assert "Bạn đang có hồ sơ nháp" not in fresh and ">Bắt đầu</button>" in fresh
    dossier_id = start_draft(citizen, setup)
    citizen.post(f"/ho-so/{dossier_id}/nguoi-nop", data=APPLICANT)
    _set_updated_at(app, dossier_id, LONG_AGO)
    page = citizen.get(f"/ho-so/moi/{setup.code}").get_data(as_text=True)
    assert "Bạn đang có hồ sơ nháp cho thủ tục này" in page
    assert f"Sửa lần cuối {day_and_time(LONG_AGO)}" in page
    assert "ngày 02/01/2026, lúc 10:04" in page  # 03:04 UTC is 10:04 in Viet Nam
    assert "Còn thiếu 3 mục" in page
    # "Tiếp tục" goes where the draft stopped: the papers are what is missing first.
    assert re.search(rf'href="/ho-so/{dossier_id}/giay-to"[^>]*>Tiếp tục hồ sơ nháp', page)
    # A new one may still be started, and is then offered as well.
    assert ">Bắt đầu hồ sơ mới</button>" in page
    second = start_draft(citizen, setup)
    assert second != dossier_id
    page = citizen.get(f"/ho-so/moi/{setup.code}").get_data(as_text=True)
    assert page.count("Tiếp tục hồ sơ nháp") == 2
    assert page.index(f"/ho-so/{second}/") < page.index(f"/ho-so/{dossier_id}/")  # latest first


def test_another_citizen_is_not_offered_my_draft_and_cannot_resume_or_delete_it(
        citizen, other, app, setup):
    dossier_id = start_draft(citizen, setup)
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "cua-toi.pdf"))
    keys = file_keys(app, dossier_id)
    page = other.get(f"/ho-so/moi/{setup.code}").get_data(as_text=True)
    assert "Bạn đang có hồ sơ nháp" not in page and f"/ho-so/{dossier_id}/" not in page
    assert f"/ho-so/{dossier_id}/" not in other.get("/ho-so").get_data(as_text=True)
    for url in ("nguoi-nop", "giay-to", "nhan-ket-qua", "kiem-tra"):
        assert other.get(f"/ho-so/{dossier_id}/{url}").status_code == 404, url
    assert other.post(f"/ho-so/{dossier_id}/xoa").status_code == 404
    assert _dossier(app, dossier_id) is not None and in_storage(app, keys) == keys


def test_drafts_list_shows_procedure_last_change_and_completeness(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    _set_updated_at(app, dossier_id, LONG_AGO)
    listing = citizen.get("/ho-so").get_data(as_text=True)
    drafts = listing.split('class="list-unstyled dossier-drafts"')[1].split("</ul>")[0]
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in drafts
    assert "Sửa lần cuối ngày 02/01/2026, lúc 10:04" in drafts
    assert "Còn thiếu 3 mục" in drafts
    # Adding a paper changes no column of the draft, but it is a change: the date moves,
    # and the draft's optimistic-lock version does not (two areas may upload at once).
    version = _dossier(app, dossier_id).lock_version
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "a.pdf"))
    touched = _dossier(app, dossier_id)
    assert touched.updated_at > LONG_AGO and touched.lock_version == version
    listing = citizen.get("/ho-so").get_data(as_text=True)
    assert f"Sửa lần cuối {day_and_time(touched.updated_at)}" in listing
    assert "Còn thiếu 2 mục" in listing
    _set_updated_at(app, dossier_id, LONG_AGO)
    with app.app_context():
        key = file_keys(app, dossier_id)[0]
        from portal.dossiers.models import DossierFile

        file_id = db.session.scalar(db.select(DossierFile.id).where(
            DossierFile.storage_key == key))
    citizen.post(f"/ho-so/{dossier_id}/tep/{file_id}/xoa")
    assert _dossier(app, dossier_id).updated_at > LONG_AGO  # removing a paper is a change too
    complete = complete_draft(citizen, setup)
    listing = citizen.get("/ho-so").get_data(as_text=True)
    item = listing.split(f'href="/ho-so/{complete}/kiem-tra"')[1].split("</li>")[0]
    assert "Đủ, chưa nộp" in item  # and "Làm tiếp" leads to the review page


def test_deleting_a_draft_is_confirmed_in_the_page_without_javascript(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "a.pdf"))
    keys = file_keys(app, dossier_id)
    listing = citizen.get("/ho-so").get_data(as_text=True)
    confirm = re.search(r'<details class="delete-draft">.*?</details>', listing, re.S).group(0)
    assert "data-confirm" not in listing  # the question no longer needs a script
    assert f'<form method="post" action="/ho-so/{dossier_id}/xoa"' in confirm
    assert 'name="csrf_token"' in confirm
    assert "Xóa bản nháp này và các tệp đã tải lên?" in confirm and "Xóa hẳn bản nháp" in confirm
    deleted = citizen.post(f"/ho-so/{dossier_id}/xoa", follow_redirects=True)
    assert "Đã xóa bản nháp và các tệp đính kèm." in deleted.get_data(as_text=True)
    assert _dossier(app, dossier_id) is None and in_storage(app, keys) == []


def test_any_refused_submit_is_shown_on_the_review_page_after_a_redirect(citizen, app, setup):
    """Not only a missing item: a procedure taken down meanwhile is refused the same way."""
    from portal.catalog import operations as catalog_ops
    from portal.catalog.models import Procedure

    dossier_id = complete_draft(citizen, setup)
    with app.app_context():
        catalog_ops.unpublish(db.session.scalar(db.select(Procedure).where(
            Procedure.code == setup.code)))
        db.session.commit()
    refused = citizen.post(f"/ho-so/{dossier_id}/nop")
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/ho-so/{dossier_id}/kiem-tra")
    page = citizen.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Thủ tục này đã ngừng tiếp nhận hồ sơ trực tuyến" in page
    assert _dossier(app, dossier_id).state is DossierState.DRAFT
