"""The public lookup (/tra-cuu, issue 10 item 11): the code and a second factor — the last 4
digits of the applicant's phone or ID number, or the receipt QR's token — throttled per client
address and per code, and a failure reads exactly like an unknown code."""

import re

import pytest
from lookup_helpers import ID_NUMBER, PHONE, from_address, lookup_dossier

from portal.dossiers.lookup import lookup_token
from portal.dossiers.models import Dossier
from portal.extensions import db

CSRF_TOKEN = re.compile(r'(?<="X-CSRFToken": ")[^"]+|(?<=name="csrf_token" value=")[^"]+')


@pytest.fixture
def code(app) -> str:
    return lookup_dossier(app)



def shown(response) -> bool:
    page = response.get_data(as_text=True)
    return "Cấp Phiếu lý lịch tư pháp" in page and "Đã nộp, chờ tiếp nhận" in page


@pytest.mark.parametrize("digits", ["1222", " 1222 ", "1234"], ids=["phone", "spaces", "id"])
def test_code_and_last_digits_show_the_state_and_nothing_personal(client, code, digits):
    response = client.get("/tra-cuu", query_string={"ma": code, "so": digits})
    assert response.status_code == 200 and shown(response)
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for personal in ["Nguyễn Văn Bình", PHONE, ID_NUMBER]:
        assert personal not in page


def test_a_typed_lower_case_code_still_matches(client, code):
    assert shown(client.get("/tra-cuu", query_string={"ma": code.lower(), "so": "1222"}))


def test_the_code_alone_shows_nothing(client, code):
    """A link that names only the code (the apologies page) opens the form, filled in."""
    response = client.get("/tra-cuu", query_string={"ma": code})
    assert response.status_code == 200 and not shown(response)
    assert f'value="{code}"' in response.get_data(as_text=True)


def test_a_wrong_factor_answers_exactly_like_an_unknown_code(client, code):
    unknown = code[:-4] + "9999"
    answers = []
    for asked in (code, unknown):
        response = client.get("/tra-cuu", query_string={"ma": asked, "so": "0000"})
        # The CSRF token carries the second it was signed: it may differ between two pages.
        page = CSRF_TOKEN.sub("<TOKEN>", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(asked, "<CODE>")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404 and "Không tìm thấy hồ sơ có mã <CODE>" in answers[0][1]


@pytest.mark.parametrize("digits", ["", "12", "abcd", "١٢٢٢"], ids=["empty", "short", "letters",
                                                                   "arabic-digits"])
def test_a_missing_or_malformed_factor_is_a_clear_error(client, code, digits):
    for asked in (code, "KHONG-CO-MA"):  # the same answer whether or not the code exists
        response = client.get("/tra-cuu", query_string={"ma": asked, "so": digits})
        assert response.status_code == 422 and not shown(response)
        page = response.get_data(as_text=True)
        assert "Vui lòng nhập 4 chữ số cuối." in page or "Vui lòng nhập đúng 4 chữ số." in page


def test_the_qr_token_opens_the_dossier_without_typing(client, app, code):
    token = lookup_token(code, app.config["SECRET_KEY"])
    response = client.get("/tra-cuu", query_string={"ma": code, "t": token})
    assert response.status_code == 200 and shown(response)
    forged = client.get("/tra-cuu", query_string={"ma": code, "t": token[:-2] + "AA"})
    assert forged.status_code == 404 and not shown(forged)
    other = client.get("/tra-cuu", query_string={"ma": code[:-1] + "2", "t": token})
    assert other.status_code == 404
    assert client.get("/tra-cuu", query_string={"ma": code, "t": "ý" * 70}).status_code == 404


def test_the_confirmation_qr_and_the_printed_receipt_carry_the_token(app, code):
    from portal.blueprints.lookup_links import lookup_url

    with app.test_request_context(), app.app_context():
        dossier = db.session.scalar(db.select(Dossier).where(Dossier.code == code))
        printed, scanned = lookup_url(dossier), lookup_url(dossier, with_token=True)
    assert printed.endswith(f"/tra-cuu?ma={code}")
    assert scanned == printed + "&t=" + lookup_token(code, app.config["SECRET_KEY"])
    assert shown(app.test_client().get(scanned.split("127.0.0.1:5000", 1)[1]))


def test_guessing_is_limited_per_address(app, code):
    """85 requests in half a second once listed a department's dossiers: now 20 failed
    lookups per address per 15 minutes, then 429, even for the right digits."""
    guesser = from_address(app, "10.4.4.4")
    answers = [guesser.get("/tra-cuu", query_string={"ma": code[:-4] + f"{n:04d}",
                                                     "so": "1222"}).status_code
               for n in range(21, 42)]
    assert answers == [404] * 20 + [429]
    refused = guesser.get("/tra-cuu", query_string={"ma": code, "so": "1222"})
    assert refused.status_code == 429 and not shown(refused)
    assert int(refused.headers["Retry-After"]) > 0
    assert "tra cứu không thành công quá nhiều lần" in refused.get_data(as_text=True)
    # The QR token cannot be guessed, so it still works; other addresses are not affected.
    token = lookup_token(code, app.config["SECRET_KEY"])
    assert shown(guesser.get("/tra-cuu", query_string={"ma": code, "t": token}))
    assert shown(from_address(app, "10.5.5.5").get("/tra-cuu",
                                                    query_string={"ma": code, "so": "1222"}))


def test_guessing_one_codes_digits_is_limited_from_any_number_of_addresses(app, code):
    unknown = code[:-4] + "9999"
    for asked in (code, unknown):  # the same for a code that does not exist
        answers = [from_address(app, f"10.6.{n}.1").get(
            "/tra-cuu", query_string={"ma": asked, "so": f"{n:04d}"}).status_code
            for n in range(11)]
        assert answers == [404] * 10 + [429]


def test_successful_lookups_do_not_use_up_the_address_limit(app, code, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL",
                        app.config["PORTAL"].with_(lookup_max_failures_per_address=2))
    kiosk = from_address(app, "10.7.7.7")
    for _ in range(5):
        assert shown(kiosk.get("/tra-cuu", query_string={"ma": code, "so": "1222"}))
    assert [kiosk.get("/tra-cuu", query_string={"ma": code, "so": "0000"}).status_code
            for _ in range(3)] == [404, 404, 429]


def test_home_page_has_the_lookup_box(client, app):
    """The lookup form on the home page is the lookup page's: a GET form to /tra-cuu that
    works without JavaScript, with the code and the 4 digits, and nothing filled in."""
    page = client.get("/").get_data(as_text=True)
    box = re.search(r'<section class="home-lookup.*?</section>', page, re.S)
    assert box, "the home page has a lookup section"
    form = box.group(0)
    assert '<form method="get" action="/tra-cuu"' in form
    assert re.search(r'<input[^>]*name="ma"', form) and re.search(r'<input[^>]*name="so"', form)
    assert '<label class="form-label" for="ma">' in form and 'inputmode="numeric"' in form
    assert not re.search(r'value="[^"]', form)  # nothing filled in, no CSRF token
    assert "Vui lòng sửa các lỗi sau" not in page
