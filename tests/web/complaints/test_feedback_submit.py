"""Submitting feedback (issue 16): anyone, signed in or not, with contact details; the
dossier code checked and linked; the deadline from the calendar engine; the spam limits
(honeypot, rate limit per address, text and file sizes); the public lookup by reference and
phone or e-mail; a signed-in citizen sees only their own items."""

from __future__ import annotations

import io
from datetime import datetime

from feedback_helpers import TEXT, count, form, latest, multipart, reference_on, submit
from sample_files import small_pdf

from portal.calendar import VN_TZ, Duration, DurationUnit
from portal.calendar.overrides import current_calendar
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints.models import ComplaintChannel, ComplaintTopic


def test_anyone_submits_and_gets_a_reference_to_follow_it(app, csrf_client, world):
    page = csrf_client.get("/phan-anh/gui").get_data(as_text=True)
    assert 'class="hp-field"' in page and "style=" not in page
    answer = submit(csrf_client, dossier_code=world.dossier_code.lower())
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/phan-anh/da-gui")
    confirmation = csrf_client.get("/phan-anh/da-gui").get_data(as_text=True)
    item = latest(app)
    assert reference_on(confirmation) == item.reference
    assert (item.channel, item.topic, item.contact_phone) == (
        ComplaintChannel.ONLINE, ComplaintTopic.DELAY, "0905123456")
    assert item.dossier.code == world.dossier_code and item.submitted_by_id is None
    # Due 10 working days after receipt, as the calendar engine counts them.
    with app.app_context():
        calendar = current_calendar()
    assert item.due_at == calendar.add(item.received_at, Duration(10, DurationUnit.DAYS)).due


def test_the_deadline_skips_tet_by_the_calendar_engine(app_ctx, world):
    """Received Friday 24/01/2025 09:00, the eve of Tết At Tỵ: ten working days end on
    Friday 14/02/2025 at 09:00 (the Tết days and weekends are not counted)."""
    item = ops.submit(ops.ComplaintData(ComplaintTopic.DELAY, TEXT, "An", "0905123456"),
                      now=datetime(2025, 1, 24, 9, 0, tzinfo=VN_TZ),
                      calendar=current_calendar(), answer_days=10)
    assert item.due_at == datetime(2025, 2, 14, 9, 0, tzinfo=VN_TZ)
    assert "Tết" in item.due_explanation


def test_an_unknown_dossier_code_or_no_contact_is_refused(app, csrf_client, world):
    answer = submit(csrf_client, dossier_code="000.00.99.H48-250101-0001")
    assert answer.status_code == 422
    assert "Không có hồ sơ nào mang mã 000.00.99.H48-250101-0001" in answer.get_data(
        as_text=True)
    answer = submit(csrf_client, contact_phone="", contact_email="")
    assert answer.status_code == 422
    assert "Vui lòng nhập số điện thoại hoặc e-mail" in answer.get_data(as_text=True)
    assert submit(csrf_client, contact_phone="12345").status_code == 422
    assert count(app) == 0


def test_the_honeypot_refuses_a_robot(app, csrf_client, world):
    answer = submit(csrf_client, website="http://spam.example")
    assert answer.status_code == 422
    assert count(app) == 0


def test_an_address_sends_at_most_five_items_an_hour(app, csrf_client, world):
    limit = app.config["PORTAL"].feedback_max_per_address
    for _ in range(limit):
        assert submit(csrf_client).status_code == 303
    answer = submit(csrf_client)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert "quá nhiều phản ánh" in answer.get_data(as_text=True)
    assert count(app) == limit


def test_size_limits_of_the_text_and_the_files(app, csrf_client, world):
    storage = app.extensions["storage"]  # one per run: other tests' objects may be there
    before = {key for key, _ in storage.list("feedback/")}
    assert submit(csrf_client, text="x" * (ops.MAX_TEXT + 1)).status_code == 422
    pdfs = [(io.BytesIO(small_pdf()), f"giay-to-{n}.pdf") for n in range(ops.MAX_FILES + 1)]
    answer = submit(csrf_client, files=pdfs)
    assert answer.status_code == 422 and "tối đa 3 tệp" in answer.get_data(as_text=True)
    big = small_pdf() + b"\0" * ops.MAX_FILE_BYTES
    body = multipart({"csrf_token": csrf_client.token(), **form()}, "ban-quet.pdf", big)
    answer = csrf_client.client.post("/phan-anh/gui", data=body,
                                     content_type="multipart/form-data; boundary=B")
    assert answer.status_code == 422 and "vượt quá dung lượng" in answer.get_data(as_text=True)
    answer = submit(csrf_client, files=[(io.BytesIO(b"MZ\x90\0program"), "anh.pdf")])
    assert answer.status_code == 422
    assert count(app) == 0
    assert {key for key, _ in storage.list("feedback/")} == before  # nothing left behind


def test_files_are_stored_with_the_item(app, csrf_client, world):
    answer = submit(csrf_client, files=[(io.BytesIO(small_pdf()), "Biên nhận.pdf")])
    assert answer.status_code == 303
    item = latest(app)
    assert [f.original_name for f in item.files] == ["Biên nhận.pdf"]
    assert app.extensions["storage"].exists(item.files[0].storage_key)


def test_lookup_needs_the_reference_and_the_contact(app, csrf_client, world):
    submit(csrf_client, contact_email="An@Example.vn")
    reference = latest(app).reference
    wrong = csrf_client.get(f"/phan-anh/tra-cuu?ma={reference}&lien_he=0905999999")
    assert wrong.status_code == 404 and TEXT not in wrong.get_data(as_text=True)
    for contact in ("0905123456", "+84 905 123 456", "an@example.vn"):
        page = csrf_client.get(f"/phan-anh/tra-cuu?ma={reference.lower()}&lien_he={contact}")
        assert page.status_code == 200 and TEXT in page.get_data(as_text=True), contact
        assert page.headers["Cache-Control"] == "no-store"


def test_a_signed_in_citizen_sees_only_their_own_items(app, signed_in, world):
    mine = signed_in(world.emails["citizen"])
    form = mine.get("/phan-anh/gui").get_data(as_text=True)
    assert 'value="dan@example.vn"' in form  # prefilled from the account
    assert submit(mine, contact_email="dan@example.vn").status_code == 303
    item = latest(app)
    assert item.submitted_by_id is not None
    assert mine.get("/phan-anh/cua-toi").get_data(as_text=True).count(item.reference) == 1
    assert mine.get(f"/phan-anh/cua-toi/{item.id}").status_code == 200
    other = signed_in(world.emails["other_citizen"])
    assert other.get(f"/phan-anh/cua-toi/{item.id}").status_code == 404
    assert item.reference not in other.get("/phan-anh/cua-toi").get_data(as_text=True)


def test_anonymous_visitors_have_no_own_list(client, world):
    answer = client.get("/phan-anh/cua-toi")
    assert answer.status_code in (302, 303) and "dang-nhap" in answer.headers["Location"]
