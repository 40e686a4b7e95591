"""The messages the portal sends about a dossier, as shipped (issue 13): for each event its
documented variables and its Vietnamese and English texts. An administrator's edit
(``MessageTemplate`` rows) replaces a text; without one, these are used.

The SMS texts are written without diacritics on purpose: plain Latin letters fit the GSM-7
alphabet, 160 characters per SMS instead of 70 (``segments``); brand-name SMS in Viet Nam
are usually sent so. The Zalo template ids are the names under which the centre registers
its ZNS templates with Zalo; the administrator replaces each with the id Zalo approved."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.core.i18n import N_

LANGUAGES = ("vi", "en")

# Every template may use these (plain strings).
COMMON_VARIABLES = {
    "code": N_("Mã hồ sơ"),
    "procedure": N_("Tên thủ tục"),
    "agency": N_("Cơ quan giải quyết"),
    "applicant_name": N_("Họ tên người nộp"),
}


@dataclass(frozen=True)
class Text:
    subject: str
    email_body: str
    sms_text: str
    zalo_template_id: str = ""
    zalo_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One kind of message: what it is for, its own variables (name → meaning, with a sample
    value for previews and checks) and its shipped texts per language."""

    key: str
    label: str
    variables: dict[str, tuple[str, object]]
    texts: dict[str, Text]

    @property
    def all_variables(self) -> dict[str, str]:
        return {**COMMON_VARIABLES, **{k: v[0] for k, v in self.variables.items()}}

    def samples(self) -> dict[str, object]:
        common = {"code": "000.00.00.H55-250312-0001",
                  "procedure": "Đăng ký thế chấp quyền sử dụng đất",
                  "agency": "Sở Nông nghiệp và Môi trường", "applicant_name": "Nguyễn Văn An"}
        return {**common, **{k: v[1] for k, v in self.variables.items()}}


_WHEN = "09:00 thứ Tư 19/03/2025"
_SIGN_VI = "\n\nTrung tâm Phục vụ hành chính công tỉnh\n(Thư gửi tự động, vui lòng không trả lời.)"
_SIGN_EN = ("\n\nProvincial Public Administration Service Centre\n(An automatic message; "
            "please do not reply.)")


def _vi(subject: str, body: str, sms: str, zalo: str, params: dict[str, str]) -> Text:
    return Text(subject, "Kính gửi {{ applicant_name }},\n\n" + body + _SIGN_VI, sms, zalo,
                params)


def _en(subject: str, body: str, sms: str, zalo: str, params: dict[str, str]) -> Text:
    return Text(subject, "Dear {{ applicant_name }},\n\n" + body + _SIGN_EN, sms, zalo, params)


def _event(key: str, label: str, variables: dict[str, tuple[str, object]], zalo: str,
           params: dict[str, str], vi: tuple[str, str, str], en: tuple[str, str, str]) -> Event:
    return Event(key, label, variables, {"vi": _vi(*vi, zalo, params),
                                         "en": _en(*en, zalo, params)})


_CODE = {"ma_ho_so": "code", "ten_thu_tuc": "procedure"}

EVENTS: dict[str, Event] = {e.key: e for e in (
    _event("received", N_("Hồ sơ đã được tiếp nhận"),
           {"received_at": (N_("Thời điểm tiếp nhận"), "10:00 thứ Tư 12/03/2025"),
            "appointment": (N_("Ngày hẹn trả kết quả"), _WHEN)},
           "ho_so_tiep_nhan", {**_CODE, "ngay_hen": "appointment"},
           ("[{{ code }}] Hồ sơ đã được tiếp nhận",
            "Hồ sơ {{ code }} ({{ procedure }}) đã được {{ agency }} tiếp nhận lúc "
            "{{ received_at }}.\nNgày hẹn trả kết quả: {{ appointment }}.\n\nBạn có thể tra "
            "cứu tiến độ bằng mã hồ sơ trên Cổng dịch vụ công.",
            "TT PVHCC: Ho so {{ code }} da duoc tiep nhan. Hen tra ket qua: "
            "{{ appointment | ascii }}."),
           ("[{{ code }}] Your dossier has been received",
            "Dossier {{ code }} ({{ procedure }}) was received by {{ agency }} at "
            "{{ received_at }}.\nYour result is due at {{ appointment }}.\n\nYou can follow "
            "its progress with the dossier code on the portal.",
            "PASC: Dossier {{ code }} received. Result due {{ appointment | ascii }}.")),
    _event("completion_requested", N_("Yêu cầu bổ sung trước khi tiếp nhận"),
           {"items": (N_("Giấy tờ cần bổ sung"), "Bản sao CCCD có chứng thực"),
            "reason": (N_("Lý do"), "Bản sao không rõ nét"),
            "answer_by": (N_("Hạn bổ sung"), "17:00 thứ Tư 26/03/2025")},
           "ho_so_can_hoan_thien", {**_CODE, "giay_to": "items", "han_bo_sung": "answer_by"},
           ("[{{ code }}] Hồ sơ cần bổ sung, hoàn thiện",
            "Hồ sơ {{ code }} ({{ procedure }}) chưa được tiếp nhận vì cần bổ sung, hoàn "
            "thiện:\n{{ items }}\nLý do: {{ reason }}\nVui lòng bổ sung trước "
            "{{ answer_by }} trên Cổng dịch vụ công (mục Hồ sơ của tôi).",
            "TT PVHCC: Ho so {{ code }} can bo sung truoc khi tiep nhan. Han: "
            "{{ answer_by | ascii }}. Xem chi tiet tren Cong DVC."),
           ("[{{ code }}] Your dossier needs completing",
            "Dossier {{ code }} ({{ procedure }}) has not been received yet: please complete "
            "it with:\n{{ items }}\nReason: {{ reason }}\nPlease do so before {{ answer_by }} "
            "on the portal (My dossiers).",
            "PASC: Dossier {{ code }} needs completing before reception. By "
            "{{ answer_by | ascii }}. Details on the portal.")),
    _event("supplement_requested", N_("Yêu cầu bổ sung hồ sơ"),
           {"items": (N_("Giấy tờ cần bổ sung"), "Bản sao CCCD có chứng thực"),
            "reason": (N_("Lý do"), "Bản sao không rõ nét"),
            "answer_by": (N_("Hạn bổ sung"), "17:00 thứ Tư 26/03/2025")},
           "ho_so_can_bo_sung", {**_CODE, "giay_to": "items", "han_bo_sung": "answer_by"},
           ("[{{ code }}] Hồ sơ cần bổ sung",
            "Để giải quyết hồ sơ {{ code }} ({{ procedure }}), {{ agency }} đề nghị bạn bổ "
            "sung:\n{{ items }}\nLý do: {{ reason }}\nHạn bổ sung: {{ answer_by }}. Thời hạn "
            "giải quyết tạm dừng cho đến khi nhận đủ hồ sơ bổ sung.",
            "TT PVHCC: Ho so {{ code }} can bo sung giay to. Han bo sung: "
            "{{ answer_by | ascii }}. Xem chi tiet tren Cong DVC."),
           ("[{{ code }}] Please supplement your dossier",
            "To resolve dossier {{ code }} ({{ procedure }}), {{ agency }} asks you to "
            "supplement:\n{{ items }}\nReason: {{ reason }}\nPlease do so by {{ answer_by }}. "
            "The processing time is paused until the supplement is complete.",
            "PASC: Dossier {{ code }} needs more papers by {{ answer_by | ascii }}. Details "
            "on the portal.")),
    _event("consultation", N_("Lấy ý kiến cơ quan khác"),
           {"appointment": (N_("Ngày hẹn trả kết quả"), _WHEN)},
           "ho_so_lay_y_kien", {**_CODE, "ngay_hen": "appointment"},
           ("[{{ code }}] Hồ sơ đang được lấy ý kiến cơ quan liên quan",
            "Hồ sơ {{ code }} ({{ procedure }}) đang được lấy ý kiến cơ quan liên quan. "
            "Ngày hẹn trả kết quả: {{ appointment }}.",
            "TT PVHCC: Ho so {{ code }} dang lay y kien co quan lien quan. Hen tra ket qua: "
            "{{ appointment | ascii }}."),
           ("[{{ code }}] Other agencies are consulted on your dossier",
            "Other agencies are being consulted on dossier {{ code }} ({{ procedure }}). "
            "Your result is due at {{ appointment }}.",
            "PASC: Other agencies are consulted on dossier {{ code }}. Result due "
            "{{ appointment | ascii }}.")),
    _event("forwarded", N_("Chuyển liên thông"),
           {"appointment": (N_("Ngày hẹn trả kết quả"), _WHEN)},
           "ho_so_lien_thong", {**_CODE, "ngay_hen": "appointment"},
           ("[{{ code }}] Hồ sơ được chuyển liên thông",
            "Hồ sơ {{ code }} ({{ procedure }}) đã được chuyển liên thông đến cơ quan có thẩm "
            "quyền để giải quyết tiếp. Ngày hẹn trả kết quả: {{ appointment }}.",
            "TT PVHCC: Ho so {{ code }} da chuyen lien thong. Hen tra ket qua: "
            "{{ appointment | ascii }}."),
           ("[{{ code }}] Your dossier was forwarded",
            "Dossier {{ code }} ({{ procedure }}) was forwarded to the competent agency to "
            "continue. Your result is due at {{ appointment }}.",
            "PASC: Dossier {{ code }} forwarded to another agency. Result due "
            "{{ appointment | ascii }}.")),
    _event("result_ready", N_("Đã có kết quả"),
           {"early": (N_("Có kết quả sớm hơn ngày hẹn (đúng/sai)"), True),
            "appointment": (N_("Ngày hẹn trả kết quả"), _WHEN),
            "by_post": (N_("Kết quả gửi qua bưu chính (đúng/sai)"), False),
            "e_result": (N_("Có kết quả điện tử tải về được (đúng/sai)"), True)},
           "ho_so_co_ket_qua", {**_CODE, "ngay_hen": "appointment"},
           ("[{{ code }}] Hồ sơ đã có kết quả{% if early %} sớm{% endif %}",
            "Hồ sơ {{ code }} ({{ procedure }}) đã có kết quả{% if early %}, sớm hơn ngày hẹn "
            "{{ appointment }}{% endif %}.\n{% if e_result %}Bạn có thể tải kết quả điện tử "
            "trên Cổng dịch vụ công (mục Hồ sơ của tôi).\n{% endif %}{% if by_post %}Bản giấy "
            "sẽ được gửi qua bưu chính đến địa chỉ bạn đã đăng ký.{% else %}Vui lòng mang giấy "
            "hẹn đến Trung tâm để nhận kết quả.{% endif %}",
            "TT PVHCC: Ho so {{ code }} da co ket qua{% if early %} SOM hon ngay hen"
            "{% endif %}. {% if by_post %}Ket qua se gui qua buu chinh.{% else %}Moi Ong/Ba "
            "den Trung tam nhan ket qua.{% endif %}"),
           ("[{{ code }}] Your result is ready{% if early %} early{% endif %}",
            "The result of dossier {{ code }} ({{ procedure }}) is ready{% if early %}, "
            "earlier than the appointment at {{ appointment }}{% endif %}.\n{% if e_result %}"
            "You can download the electronic result on the portal (My dossiers).\n{% endif %}"
            "{% if by_post %}The paper result will be sent by post to your address.{% else %}"
            "Please bring your receipt to the Centre to collect it.{% endif %}",
            "PASC: The result of dossier {{ code }} is ready{% if early %} EARLY{% endif %}. "
            "{% if by_post %}It will be sent by post.{% else %}Please collect it at the "
            "Centre.{% endif %}")),
    _event("apology", N_("Xin lỗi vì trễ hạn, hẹn lại"),
           {"reason": (N_("Lý do trễ hạn"), "Chờ kết quả đo đạc thực địa"),
            "original_appointment": (N_("Ngày hẹn ban đầu"), _WHEN),
            "new_appointment": (N_("Ngày hẹn mới"), "09:00 thứ Tư 26/03/2025")},
           "ho_so_xin_loi", {**_CODE, "ngay_hen_moi": "new_appointment"},
           ("[{{ code }}] Thư xin lỗi và hẹn lại ngày trả kết quả",
            "Hồ sơ {{ code }} ({{ procedure }}) hẹn trả kết quả {{ original_appointment }} "
            "nhưng chưa giải quyết xong. Lý do: {{ reason }}.\n{{ agency }} chân thành xin "
            "lỗi và hẹn lại ngày trả kết quả: {{ new_appointment }}.",
            "TT PVHCC xin loi: ho so {{ code }} cham tra ket qua. Hen lai: "
            "{{ new_appointment | ascii }}."),
           ("[{{ code }}] Our apology and a new date for your result",
            "Dossier {{ code }} ({{ procedure }}) was due at {{ original_appointment }} but is "
            "not resolved yet. Reason: {{ reason }}.\n{{ agency }} sincerely apologises; "
            "your result is now due at {{ new_appointment }}.",
            "PASC apologises: dossier {{ code }} is late. New date: "
            "{{ new_appointment | ascii }}.")),
    _event("obligation", N_("Thông báo nghĩa vụ tài chính"),
           {"note": (N_("Nội dung thông báo"), "Thông báo thuế số 123/TB-CCT"),
            "amount": (N_("Số tiền (có thể trống)"), "1.500.000 ₫"),
            "deadline": (N_("Hạn nộp (có thể trống)"), "17:00 thứ Sáu 21/03/2025")},
           "ho_so_nghia_vu_tai_chinh", {**_CODE, "so_tien": "amount", "han_nop": "deadline"},
           ("[{{ code }}] Thông báo nghĩa vụ tài chính",
            "Hồ sơ {{ code }} ({{ procedure }}) đang chờ bạn thực hiện nghĩa vụ tài chính: "
            "{{ note }}.{% if amount %}\nSố tiền: {{ amount }}.{% endif %}{% if deadline %}\n"
            "Hạn nộp: {{ deadline }}.{% endif %}\nThời hạn giải quyết tạm dừng đến khi bạn "
            "hoàn thành nghĩa vụ.",
            "TT PVHCC: Ho so {{ code }} cho nop nghia vu tai chinh{% if amount %} "
            "{{ amount | ascii }}{% endif %}{% if deadline %}, han {{ deadline | ascii }}"
            "{% endif %}."),
           ("[{{ code }}] Financial obligation to pay",
            "Dossier {{ code }} ({{ procedure }}) is waiting for you to pay a financial "
            "obligation: {{ note }}.{% if amount %}\nAmount: {{ amount }}.{% endif %}"
            "{% if deadline %}\nPay by: {{ deadline }}.{% endif %}\nThe processing time is "
            "paused until it is paid.",
            "PASC: Dossier {{ code }} awaits your payment{% if amount %} of "
            "{{ amount | ascii }}{% endif %}{% if deadline %} by {{ deadline | ascii }}"
            "{% endif %}.")),
    _event("refused", N_("Từ chối"),
           {"reason": (N_("Lý do"), "Thửa đất đang có tranh chấp"),
            "at_reception": (N_("Từ chối ngay khi tiếp nhận (đúng/sai)"), False)},
           "ho_so_tu_choi", {**_CODE, "ly_do": "reason"},
           ("[{{ code }}] Hồ sơ không được {% if at_reception %}tiếp nhận{% else %}giải quyết"
            "{% endif %}",
            "Hồ sơ {{ code }} ({{ procedure }}) không được {% if at_reception %}tiếp nhận"
            "{% else %}giải quyết{% endif %}.\nLý do: {{ reason }}.\nThông báo từ chối có trên "
            "trang hồ sơ của bạn; tại đó bạn cũng có thể đánh giá mức độ hài lòng.",
            "TT PVHCC: Ho so {{ code }} bi tu choi {% if at_reception %}tiep nhan{% else %}"
            "giai quyet{% endif %}. Xem ly do tren Cong DVC."),
           ("[{{ code }}] Your dossier was {% if at_reception %}not accepted{% else %}refused"
            "{% endif %}",
            "Dossier {{ code }} ({{ procedure }}) was {% if at_reception %}not accepted"
            "{% else %}refused{% endif %}.\nReason: {{ reason }}.\nThe refusal notice is on "
            "your dossier's page, where you can also rate our service.",
            "PASC: Dossier {{ code }} was {% if at_reception %}not accepted{% else %}refused"
            "{% endif %}. See the reason on the portal.")),
    _event("stopped", N_("Dừng xử lý"),
           {"reason": (N_("Lý do"), "Người nộp không bổ sung trong thời hạn")},
           "ho_so_dung_xu_ly", {**_CODE, "ly_do": "reason"},
           ("[{{ code }}] Hồ sơ bị dừng xử lý",
            "Hồ sơ {{ code }} ({{ procedure }}) bị dừng xử lý.\nLý do: {{ reason }}.",
            "TT PVHCC: Ho so {{ code }} bi dung xu ly. Xem ly do tren Cong DVC."),
           ("[{{ code }}] Processing of your dossier stopped",
            "Processing of dossier {{ code }} ({{ procedure }}) has stopped.\nReason: "
            "{{ reason }}.",
            "PASC: Processing of dossier {{ code }} stopped. See the reason on the portal.")),
    _event("withdrawn", N_("Xác nhận rút hồ sơ"), {},
           "ho_so_da_rut", dict(_CODE),
           ("[{{ code }}] Hồ sơ đã được rút",
            "Theo đề nghị của bạn, hồ sơ {{ code }} ({{ procedure }}) đã được rút. Cơ quan "
            "không tiếp tục giải quyết hồ sơ này.\nBạn có thể đánh giá mức độ hài lòng trên "
            "trang hồ sơ của bạn trong Cổng.",
            "TT PVHCC: Ho so {{ code }} da duoc rut theo de nghi cua Ong/Ba."),
           ("[{{ code }}] Your dossier was withdrawn",
            "As you asked, dossier {{ code }} ({{ procedure }}) has been withdrawn; it will "
            "not be processed further.\nYou can rate our service on your dossier's page on "
            "the portal.",
            "PASC: Dossier {{ code }} withdrawn as you asked.")),
    _event("handed_over", N_("Đã trả kết quả"),
           {"by_post": (N_("Gửi qua bưu chính (đúng/sai)"), False),
            "returned_to": (N_("Người nhận / số hiệu bưu gửi"), "Nguyễn Văn An")},
           "ho_so_da_tra_ket_qua", dict(_CODE),
           ("[{{ code }}] Đã trả kết quả",
            "{% if by_post %}Kết quả hồ sơ {{ code }} ({{ procedure }}) đã được chuyển cho "
            "bưu chính, số hiệu bưu gửi {{ returned_to }}.{% else %}Kết quả hồ sơ {{ code }} "
            "({{ procedure }}) đã được trả tại quầy cho {{ returned_to }}.{% endif %}\nCảm ơn "
            "bạn đã sử dụng dịch vụ; bạn có thể đánh giá mức độ hài lòng trên Cổng.",
            "TT PVHCC: Ket qua ho so {{ code }} da {% if by_post %}gui buu chinh, so hieu "
            "{{ returned_to | ascii }}{% else %}duoc tra{% endif %}. Cam on Ong/Ba."),
           ("[{{ code }}] Your result was handed over",
            "{% if by_post %}The result of dossier {{ code }} ({{ procedure }}) was handed to "
            "the post, item number {{ returned_to }}.{% else %}The result of dossier "
            "{{ code }} ({{ procedure }}) was handed over at the counter to {{ returned_to }}."
            "{% endif %}\nThank you; you can rate our service on the portal.",
            "PASC: The result of dossier {{ code }} was {% if by_post %}posted, item "
            "{{ returned_to | ascii }}{% else %}handed over{% endif %}. Thank you.")),
    # The postal channel (issue 15): the shipment of the result, from dispatch to its end.
    _event("postal_dispatched", N_("Kết quả đã gửi qua bưu chính"),
           {"tracking_number": (N_("Số hiệu bưu gửi"), "EB123456785VN"),
            "note": (N_("Ghi chú"), "")},
           "ket_qua_da_gui_buu_chinh", {**_CODE, "so_hieu": "tracking_number"},
           ("[{{ code }}] Kết quả đã được gửi qua bưu chính",
            "Kết quả hồ sơ {{ code }} ({{ procedure }}) đã được giao cho bưu chính, số hiệu bưu "
            "gửi {{ tracking_number }}. Bạn có thể tra cứu hành trình bưu gửi và xác nhận đã "
            "nhận kết quả trên trang hồ sơ.",
            "TT PVHCC: Ket qua ho so {{ code }} da gui buu chinh, so hieu "
            "{{ tracking_number | ascii }}."),
           ("[{{ code }}] Your result has been posted",
            "The result of dossier {{ code }} ({{ procedure }}) was handed to the post, item "
            "number {{ tracking_number }}. You can follow the item and confirm receipt on the "
            "dossier's page.",
            "PASC: The result of dossier {{ code }} was posted, item "
            "{{ tracking_number | ascii }}.")),
    _event("postal_failed", N_("Phát kết quả không thành công"),
           {"tracking_number": (N_("Số hiệu bưu gửi"), "EB123456785VN"),
            "note": (N_("Ghi chú"), "Không có người nhận")},
           "phat_khong_thanh_cong", {**_CODE, "so_hieu": "tracking_number"},
           ("[{{ code }}] Bưu chính chưa phát được kết quả",
            "Bưu chính chưa phát được kết quả hồ sơ {{ code }} (số hiệu {{ tracking_number }})"
            "{% if note %}: {{ note }}{% endif %}. Bưu tá sẽ liên hệ để phát lại; vui lòng giữ "
            "điện thoại liên lạc.",
            "TT PVHCC: Buu chinh chua phat duoc ket qua ho so {{ code }}. Vui long giu lien lac."),
           ("[{{ code }}] The post could not deliver your result",
            "The post could not deliver the result of dossier {{ code }} (item "
            "{{ tracking_number }}){% if note %}: {{ note }}{% endif %}. The postman will "
            "contact you to try again.",
            "PASC: The post could not deliver the result of dossier {{ code }}.")),
    _event("postal_returned", N_("Kết quả chuyển hoàn về Trung tâm"),
           {"tracking_number": (N_("Số hiệu bưu gửi"), "EB123456785VN"),
            "note": (N_("Ghi chú"), "")},
           "ket_qua_chuyen_hoan", {**_CODE, "so_hieu": "tracking_number"},
           ("[{{ code }}] Kết quả đã chuyển hoàn về Trung tâm",
            "Bưu chính không phát được kết quả hồ sơ {{ code }} ({{ procedure }}) và đã chuyển "
            "hoàn về Trung tâm. Vui lòng đến quầy của Trung tâm để nhận kết quả, mang theo giấy "
            "tờ tùy thân.",
            "TT PVHCC: Ket qua ho so {{ code }} da chuyen hoan, moi Ong/Ba den Trung tam nhan."),
           ("[{{ code }}] Your result is back at the centre",
            "The post could not deliver the result of dossier {{ code }} ({{ procedure }}) and "
            "brought it back. Please collect it at the centre's counter with your ID.",
            "PASC: The result of dossier {{ code }} is back at the centre; please collect it.")),
    _event("postal_delivered", N_("Kết quả đã phát thành công"),
           {"tracking_number": (N_("Số hiệu bưu gửi"), "EB123456785VN")},
           "ket_qua_da_phat", {**_CODE, "so_hieu": "tracking_number"},
           ("[{{ code }}] Kết quả đã được phát",
            "Kết quả hồ sơ {{ code }} ({{ procedure }}) đã được phát thành công (số hiệu "
            "{{ tracking_number }}).\nCảm ơn bạn đã sử dụng dịch vụ; bạn có thể đánh giá mức độ "
            "hài lòng trên Cổng.",
            "TT PVHCC: Ket qua ho so {{ code }} da phat thanh cong. Cam on Ong/Ba."),
           ("[{{ code }}] Your result was delivered",
            "The result of dossier {{ code }} ({{ procedure }}) was delivered (item "
            "{{ tracking_number }}).\nThank you; you can rate our service on the portal.",
            "PASC: The result of dossier {{ code }} was delivered. Thank you.")),
    # Payments (issue 14): payment/notifications.py sends these.
    _event("payment_requested", N_("Đề nghị thanh toán phí, lệ phí"),
           {"amount": (N_("Số tiền"), "1.500.000 ₫"),
            "reason": (N_("Khoản thu"), "Phí, lệ phí")},
           "ho_so_cho_thanh_toan", {**_CODE, "so_tien": "amount"},
           ("[{{ code }}] Đề nghị thanh toán {{ amount }}",
            "Hồ sơ {{ code }} ({{ procedure }}) cần thanh toán {{ amount }} ({{ reason }}). "
            "Bạn có thể thanh toán trực tuyến (thẻ, tài khoản, chuyển khoản VietQR) trong mục "
            "Hồ sơ của tôi, hoặc tại quầy của Trung tâm.",
            "TT PVHCC: Ho so {{ code }} can thanh toan {{ amount | ascii }}. Thanh toan tren "
            "Cong DVC hoac tai quay."),
           ("[{{ code }}] Payment of {{ amount }} requested",
            "Dossier {{ code }} ({{ procedure }}) needs a payment of {{ amount }} "
            "({{ reason }}). You can pay online (card, account, VietQR transfer) in My "
            "dossiers, or at the centre's counter.",
            "PASC: Dossier {{ code }} awaits a payment of {{ amount | ascii }}. Pay on the "
            "portal or at the counter.")),
    _event("exemption_rejected", N_("Không xác nhận miễn phí, lệ phí"),
           {"exemption": (N_("Đối tượng miễn phí, lệ phí đã đề nghị"), "Hộ nghèo"),
            "reason": (N_("Lý do không xác nhận"), "Giấy chứng nhận hộ nghèo đã hết hạn"),
            "amount": (N_("Số tiền phải nộp"), "108.000 ₫")},
           "mien_phi_khong_xac_nhan", {**_CODE, "so_tien": "amount"},
           ("[{{ code }}] Không được miễn phí, lệ phí",
            "Đề nghị miễn phí, lệ phí ({{ exemption }}) của hồ sơ {{ code }} ({{ procedure }}) "
            "không được xác nhận. Lý do: {{ reason }}.\n"
            "{% if amount %}Số tiền bạn cần nộp bây giờ là {{ amount }}. Bạn có thể thanh toán "
            "trực tuyến (thẻ, tài khoản, chuyển khoản VietQR) trong mục Hồ sơ của tôi, hoặc tại "
            "quầy của Trung tâm.{% else %}Bạn không phải nộp thêm khoản nào.{% endif %}",
            "TT PVHCC: Ho so {{ code }} khong duoc mien phi, le phi. "
            "{% if amount %}Can nop {{ amount | ascii }} tren Cong DVC hoac tai quay."
            "{% endif %}"),
           ("[{{ code }}] Fee exemption not accepted",
            "The fee exemption you claimed ({{ exemption }}) for dossier {{ code }} "
            "({{ procedure }}) was not accepted. Reason: {{ reason }}.\n"
            "{% if amount %}You now need to pay {{ amount }}. You can pay online (card, "
            "account, VietQR transfer) in My dossiers, or at the centre's counter."
            "{% else %}Nothing more is due.{% endif %}",
            "PASC: Fee exemption for dossier {{ code }} not accepted. "
            "{% if amount %}Please pay {{ amount | ascii }} on the portal or at the counter."
            "{% endif %}")),
    _event("payment_received", N_("Đã nhận thanh toán"),
           {"amount": (N_("Số tiền"), "1.500.000 ₫"),
            "receipt": (N_("Số biên lai"), "BLHCC/26E 0000001")},
           "ho_so_da_thanh_toan", {**_CODE, "so_tien": "amount", "bien_lai": "receipt"},
           ("[{{ code }}] Đã nhận thanh toán {{ amount }}",
            "Trung tâm đã nhận khoản thanh toán {{ amount }} cho hồ sơ {{ code }} "
            "({{ procedure }}). Biên lai điện tử số {{ receipt }} có trong mục Hồ sơ của tôi.",
            "TT PVHCC: Da nhan thanh toan {{ amount | ascii }} cho ho so {{ code }}. Bien lai "
            "{{ receipt | ascii }}."),
           ("[{{ code }}] Payment of {{ amount }} received",
            "The centre received your payment of {{ amount }} for dossier {{ code }} "
            "({{ procedure }}). Electronic receipt {{ receipt }} is in My dossiers.",
            "PASC: Payment of {{ amount | ascii }} received for dossier {{ code }}. Receipt "
            "{{ receipt | ascii }}.")),
)}
