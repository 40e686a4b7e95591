"""The public lookup as JSON (issue 13, docs/api.md): /api/v1/tra-cuu answers what the page
answers — the same second factor, the same throttle (its counters shared with the page), the
same minimal data — and its errors are JSON with Vietnamese messages."""

from datetime import datetime

import pytest
from lookup_helpers import ID_NUMBER, PHONE, from_address, lookup_dossier

from portal.calendar import VN_TZ
from portal.dossiers.lookup import lookup_token
from portal.dossiers.models import Dossier
from portal.extensions import db

API = "/api/v1/tra-cuu"


@pytest.fixture
def code(app) -> str:
    return lookup_dossier(app)



def test_the_code_and_the_digits_give_the_pages_data_and_nothing_personal(client, code):
    response = client.get(API, query_string={"ma": code, "so": "1222"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    dossier = body["ho_so"]
    assert body["phien_ban"] == "1"
    assert dossier["ma_ho_so"] == code
    assert dossier["thu_tuc"] == "Cấp Phiếu lý lịch tư pháp cho công dân"
    assert dossier["co_quan"] == "Sở Tư pháp"
    assert dossier["trang_thai"] == {"ma": "submitted", "ten": "Đã nộp, chờ tiếp nhận"}
    assert dossier["ngay_nop"].endswith("+07:00")  # Vietnam's time
    assert dossier["tam_dung"] is None and dossier["ngay_hen_ban_dau"] is None
    # Exactly the page's fields: nothing about the applicant, whatever the key.
    assert set(dossier) == {"ma_ho_so", "thu_tuc", "co_quan", "trang_thai", "ngay_nop",
                            "ngay_hen_tra", "ngay_hen_ban_dau", "tam_dung"}
    text = response.get_data(as_text=True)
    for personal in ("Nguyễn Văn Bình", PHONE, ID_NUMBER, "binh@example.vn", "Trần Hưng Đạo",
                     "1222"):
        assert personal not in text


def test_the_qr_token_works_too(client, app, code):
    token = lookup_token(code, app.config["SECRET_KEY"])
    response = client.get(API, query_string={"ma": code, "t": token})
    assert response.status_code == 200 and response.get_json()["ho_so"]["ma_ho_so"] == code


def test_a_wrong_factor_answers_exactly_like_an_unknown_code(client, code):
    unknown = code[:-4] + "9999"
    answers = []
    for asked in (code, unknown):
        response = client.get(API, query_string={"ma": asked, "so": "0000"})
        answers.append((response.status_code,
                        response.get_data(as_text=True).replace(asked, "<CODE>")))
    assert answers[0] == answers[1]
    status, text = answers[0]
    assert status == 404
    error = client.get(API, query_string={"ma": code, "so": "0000"}).get_json()["loi"]
    assert error["ma"] == "khong_tim_thay"
    assert error["thong_bao"].startswith("Không tìm thấy hồ sơ có mã")


@pytest.mark.parametrize("query", [{}, {"ma": "X"}, {"ma": "X", "so": "12"},
                                   {"ma": "", "so": "1222"}, {"ma": "X", "so": "١٢٢٢"}],
                         ids=["nothing", "no-digits", "short", "no-code", "arabic-digits"])
def test_a_missing_or_malformed_question_is_a_json_error_in_vietnamese(client, code, query):
    response = client.get(API, query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/json"
    error = response.get_json()["loi"]
    assert error["ma"] == "du_lieu_khong_hop_le"
    assert "Vui lòng nhập mã hồ sơ và 4 chữ số cuối" in error["thong_bao"]
    assert error["truong"] and all(isinstance(m, str) for ms in error["truong"].values()
                                   for m in ms)


def test_guessing_is_limited_per_address_and_the_page_shares_the_count(app, code):
    """20 failed lookups per address per 15 minutes, counted across the page and the JSON
    answer: 10 on each, then both refuse (429, Retry-After), even the right digits."""
    guesser = from_address(app, "10.8.8.8")
    answers = []
    for n in range(20):
        path = API if n % 2 else "/tra-cuu"
        answers.append(guesser.get(path, query_string={"ma": code[:-4] + f"{n + 21:04d}",
                                                       "so": "1222"}).status_code)
    assert answers == [404] * 20
    refused = guesser.get(API, query_string={"ma": code, "so": "1222"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    error = refused.get_json()["loi"]
    assert error["ma"] == "qua_nhieu_lan" and error["thu_lai_sau_giay"] > 0
    assert "tra cứu không thành công quá nhiều lần" in error["thong_bao"]
    assert guesser.get("/tra-cuu", query_string={"ma": code, "so": "1222"}).status_code == 429
    # The QR token cannot be guessed: it still works; other addresses are not affected.
    token = lookup_token(code, app.config["SECRET_KEY"])
    assert guesser.get(API, query_string={"ma": code, "t": token}).status_code == 200
    assert from_address(app, "10.9.9.9").get(
        API, query_string={"ma": code, "so": "1222"}).status_code == 200


def test_guessing_one_codes_digits_is_limited_from_any_number_of_addresses(app, code):
    answers = [from_address(app, f"10.10.{n}.1").get(
        API, query_string={"ma": code, "so": f"{n:04d}"}).status_code for n in range(11)]
    assert answers == [404] * 10 + [429]


def test_a_paused_clock_and_a_new_appointment_are_said_as_on_the_page(client, app, code):
    with app.app_context():
        dossier = db.session.scalar(db.select(Dossier).where(Dossier.code == code))
        from portal.dossiers.models import DossierState
        from portal.workflow.models import Pause, PauseKind

        dossier.state = DossierState.AWAITING_PAYMENT_OF_OBLIGATION
        since = datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
        dossier.due_at = datetime(2025, 3, 19, 9, 0, tzinfo=VN_TZ)
        dossier.new_appointment_at = datetime(2025, 3, 21, 9, 0, tzinfo=VN_TZ)
        dossier.pauses.append(Pause(kind=PauseKind.OBLIGATION, started_at=since,
                                    remaining_seconds=4 * 8 * 3600))
        db.session.commit()
    body = client.get(API, query_string={"ma": code, "so": "1222"}).get_json()["ho_so"]
    assert body["tam_dung"] == {"tu": since.isoformat(),
                                "ly_do": "Chờ thực hiện nghĩa vụ tài chính",
                                "so_ngay_lam_viec_con_lai": 4.0}
    assert datetime.fromisoformat(body["ngay_hen_tra"]) == datetime(2025, 3, 21, 9, 0,
                                                                     tzinfo=VN_TZ)
    assert datetime.fromisoformat(body["ngay_hen_ban_dau"]) == datetime(2025, 3, 19, 9, 0,
                                                                         tzinfo=VN_TZ)
    page = client.get("/tra-cuu", query_string={"ma": code, "so": "1222"}).get_data(
        as_text=True)
    assert "Thời hạn giải quyết tạm dừng từ ngày 12/03/2025, lúc 09:00" in page
    assert "(chờ thực hiện nghĩa vụ tài chính)" in page
