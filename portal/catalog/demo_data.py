"""Demo catalog of the Quảng Ngãi Public Administrative Service Centre: agencies, real procedures
and a generator of synthetic ones for scale tests.

The organisation is the one of report 62/BC-HCC (20/12/2019): the 16 provincial departments, the
city land registry branch and the city Natural Resources office served at the centre, plus the
Office of the Provincial People's Committee, which receives inter-agency (liên thông) dossiers.

``PROCEDURES`` are real procedures written out by hand (``demo_procedures_1`` … ``_6``): names as
published on the national portal, real legal documents, realistic documents, fees and internal
steps. Demo caveats, to keep in mind before using them as a reference:
- procedure codes follow the national pattern ``1.00xxxx`` / ``2.00xxxx``; only 2.000488 (judicial
  record), 1.004583 (mortgage registration) and 2.000004 (lottery-type promotion) were checked
  against published catalogues, the others are plausible values in the same pattern;
- fees that HĐND tỉnh fixes say so in their note and use an illustrative amount;
- legal bases are the main documents as the author knows them; several have since been amended
  or replaced, which is what the versioned catalog is for.

Pure data and the standard library only: importing this module touches no database.
"""

from __future__ import annotations

import random

from portal.catalog import (
    demo_procedures_1,
    demo_procedures_2,
    demo_procedures_3,
    demo_procedures_4,
    demo_procedures_5,
    demo_procedures_6,
)
from portal.catalog.demo_procedures_1 import doc, fee, step
from portal.catalog.demo_procedures_7 import FIELD_VOCABULARY


def _agency(code: str, unit_code: str, name: str, name_en: str, kind: str,
            *fields: tuple[str, str]) -> dict:
    return {"code": code, "unit_code": unit_code, "name": name, "name_en": name_en,
            "kind": kind, "fields": [{"code": c, "name": n} for c, n in fields]}


# Unit codes are DEMO values written in the official pattern of Circular 10/2016/TT-BTTTT,
# V1V2V3.Z1Z2.Y1Y2.M1M2M3: M = the province (H48 as given for Quảng Ngãi in the project brief),
# Y = a unit directly under the Provincial People's Committee (01 its Office, 02–17 the
# departments in the order of report 62/BC-HCC, 30 the city People's Committee), Z = a level-2
# unit (10 the provincial land registry office, 08 the city Natural Resources office), V = a
# level-3 unit (001 the land registry's city branch). They are not the province's published codes.
AGENCIES: list[dict] = [
    _agency("STTTT", "000.00.02.H48", "Sở Thông tin và Truyền thông",
            "Department of Information and Communications", "department",
            ("BC", "Báo chí"), ("XB", "Xuất bản, In và Phát hành"), ("BCH", "Bưu chính"),
            ("PTTH", "Phát thanh, truyền hình và thông tin điện tử"),
            ("VT", "Viễn thông và Internet")),
    _agency("STC", "000.00.03.H48", "Sở Tài chính", "Department of Finance", "department",
            ("QLCS", "Quản lý công sản"), ("QLG", "Quản lý giá"),
            ("TCDN", "Tài chính doanh nghiệp"), ("THTK", "Tin học – Thống kê")),
    _agency("SGTVT", "000.00.04.H48", "Sở Giao thông vận tải", "Department of Transport",
            "department",
            ("DB", "Đường bộ"), ("DTND", "Đường thủy nội địa"), ("DK", "Đăng kiểm")),
    _agency("STNMT", "000.00.05.H48", "Sở Tài nguyên và Môi trường",
            "Department of Natural Resources and Environment", "department",
            ("DD", "Đất đai"), ("MT", "Môi trường"), ("TNN", "Tài nguyên nước"),
            ("DCKS", "Địa chất và khoáng sản"), ("DDBD", "Đo đạc, bản đồ và thông tin địa lý")),
    _agency("SKHCN", "000.00.06.H48", "Sở Khoa học và Công nghệ",
            "Department of Science and Technology", "department",
            ("HDKHCN", "Hoạt động khoa học và công nghệ"),
            ("ATBX", "An toàn bức xạ và hạt nhân"), ("TDC", "Tiêu chuẩn, Đo lường, Chất lượng"),
            ("SHTT", "Sở hữu trí tuệ")),
    _agency("SGDDT", "000.00.07.H48", "Sở Giáo dục và Đào tạo",
            "Department of Education and Training", "department",
            ("VBCC", "Văn bằng, chứng chỉ"), ("GDTH", "Giáo dục trung học"),
            ("TTS", "Thi, tuyển sinh"), ("CSGDK", "Các cơ sở giáo dục khác")),
    _agency("SLDTBXH", "000.00.08.H48", "Sở Lao động – Thương binh và Xã hội",
            "Department of Labour, Invalids and Social Affairs", "department",
            ("VL", "Việc làm"), ("LDTL", "Lao động, tiền lương"),
            ("ATLD", "An toàn, vệ sinh lao động"), ("NCC", "Người có công"),
            ("BTXH", "Bảo trợ xã hội"), ("GDNN", "Giáo dục nghề nghiệp")),
    _agency("SNV", "000.00.09.H48", "Sở Nội vụ", "Department of Home Affairs", "department",
            ("TCPCP", "Tổ chức phi chính phủ"), ("TDKT", "Thi đua, khen thưởng"),
            ("VTLT", "Văn thư và lưu trữ nhà nước"), ("TNTG", "Tín ngưỡng, tôn giáo"),
            ("CCVC", "Công chức, viên chức")),
    _agency("STP", "000.00.10.H48", "Sở Tư pháp", "Department of Justice", "department",
            ("LLTP", "Lý lịch tư pháp"), ("HT", "Hộ tịch"), ("QT", "Quốc tịch"),
            ("CC", "Công chứng"), ("LS", "Luật sư"), ("TGPL", "Trợ giúp pháp lý")),
    _agency("SKHDT", "000.00.11.H48", "Sở Kế hoạch và Đầu tư",
            "Department of Planning and Investment", "department",
            ("TLDN", "Thành lập và hoạt động của doanh nghiệp"),
            ("DTVN", "Đầu tư tại Việt Nam"),
            ("HTX", "Thành lập và hoạt động của hợp tác xã")),
    _agency("SCT", "000.00.12.H48", "Sở Công Thương", "Department of Industry and Trade",
            "department",
            ("XTTM", "Xúc tiến thương mại"), ("LTHH", "Lưu thông hàng hóa trong nước"),
            ("ATTP", "An toàn thực phẩm"), ("DIEN", "Điện"), ("HC", "Hóa chất")),
    _agency("SXD", "000.00.13.H48", "Sở Xây dựng", "Department of Construction", "department",
            ("HDXD", "Hoạt động xây dựng"), ("QHKT", "Quy hoạch xây dựng, kiến trúc"),
            ("NO", "Nhà ở"), ("KDBDS", "Kinh doanh bất động sản"),
            ("VLXD", "Vật liệu xây dựng")),
    _agency("SNNPTNT", "000.00.14.H48", "Sở Nông nghiệp và Phát triển nông thôn",
            "Department of Agriculture and Rural Development", "department",
            ("TY", "Thú y"), ("TS", "Thủy sản"), ("BVTV", "Bảo vệ thực vật"),
            ("LN", "Lâm nghiệp"), ("QLCL", "Quản lý chất lượng nông lâm sản và thủy sản"),
            ("TL", "Thủy lợi")),
    _agency("SVHTTDL", "000.00.15.H48", "Sở Văn hóa, Thể thao và Du lịch",
            "Department of Culture, Sports and Tourism", "department",
            ("DL", "Du lịch"), ("VHCS", "Văn hóa cơ sở"), ("NTBD", "Nghệ thuật biểu diễn"),
            ("DSVH", "Di sản văn hóa"), ("TDTT", "Thể dục thể thao"), ("GD", "Gia đình")),
    _agency("SYT", "000.00.16.H48", "Sở Y tế", "Department of Health", "department",
            ("KCB", "Khám bệnh, chữa bệnh"), ("DUOC", "Dược phẩm"),
            ("ATTP", "An toàn thực phẩm và dinh dưỡng"), ("TTBYT", "Trang thiết bị y tế"),
            ("MP", "Mỹ phẩm")),
    _agency("SNGV", "000.00.17.H48", "Sở Ngoại vụ", "Department of Foreign Affairs",
            "department",
            ("LS", "Lãnh sự"), ("HNHT", "Hội nghị, hội thảo quốc tế"),
            ("VTPCP", "Viện trợ phi chính phủ nước ngoài")),
    _agency("VPDKDDTP", "001.10.05.H48",
            "Văn phòng Đăng ký đất đai – Chi nhánh thành phố Quảng Ngãi",
            "Land Registration Office – Quảng Ngãi City Branch", "land",
            ("DKBPBD", "Đăng ký biện pháp bảo đảm"), ("DD", "Đất đai")),
    _agency("PTNMTTP", "000.08.30.H48", "Phòng Tài nguyên và Môi trường thành phố Quảng Ngãi",
            "Quảng Ngãi City Office of Natural Resources and Environment", "land",
            ("DD", "Đất đai"), ("MT", "Môi trường")),
    _agency("VPUBND", "000.00.01.H48", "Văn phòng UBND tỉnh",
            "Office of the Provincial People's Committee", "committee",
            ("LT", "Giải quyết thủ tục hành chính liên thông"),
            ("PAKN", "Tiếp nhận, xử lý phản ánh, kiến nghị")),
]

PROCEDURES: list[dict] = [
    *demo_procedures_1.PROCEDURES,
    *demo_procedures_2.PROCEDURES,
    *demo_procedures_3.PROCEDURES,
    *demo_procedures_4.PROCEDURES,
    *demo_procedures_5.PROCEDURES,
    *demo_procedures_6.PROCEDURES,
]

# --- synthetic procedures -------------------------------------------------------------------

# Verbs of real follow-up procedures, each with the qualifiers that read naturally after it.
_VERBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Cấp lại", ("", " do bị mất, hư hỏng", " do hết thời hạn", " do thay đổi thông tin")),
    ("Gia hạn", ("", " đối với tổ chức", " đối với cá nhân")),
    ("Điều chỉnh", ("", " do thay đổi tên, địa chỉ", " do thay đổi người đại diện")),
    ("Cấp đổi", ("", " do thay đổi thông tin", " theo mẫu mới")),
    ("Bổ sung nội dung", ("", " đối với tổ chức")),
    ("Đính chính", ("", " do sai sót khi cấp")),
    ("Thu hồi", (" theo đề nghị của tổ chức, cá nhân", " do chấm dứt hoạt động")),
    ("Đăng ký thay đổi nội dung", ("", " đối với doanh nghiệp")),
)
# The committee's office does not license anything: it receives, forwards and answers.
_COMMITTEE_VERBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Tiếp nhận", ("", " qua Cổng Dịch vụ công", " qua đường dây nóng")),
    ("Xử lý", ("", " thuộc thẩm quyền của Chủ tịch UBND tỉnh")),
    ("Trả lời", ("", " bằng văn bản")),
)
_SCOPES = ("", " trên địa bàn tỉnh", " cấp tỉnh", " đối với doanh nghiệp có vốn đầu tư nước ngoài")
_RESULT_PREFIX = {"Thu hồi": "Quyết định thu hồi ", "Tiếp nhận": "Phiếu tiếp nhận ",
                  "Xử lý": "Văn bản xử lý ", "Trả lời": "Văn bản trả lời "}
_IDENTITY = {
    "citizen": "Bản chụp Căn cước công dân hoặc hộ chiếu của người đề nghị",
    "business": "Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập",
    "both": "Bản sao giấy tờ pháp lý của tổ chức, cá nhân đề nghị",
}
_ONLINE_PHRASE = {"full": " hoặc trực tuyến toàn trình", "partial": " hoặc trực tuyến một phần",
                  "offline": ""}
_FEE_AMOUNTS = (10000, 20000, 50000, 100000, 150000, 200000, 300000, 500000, 1000000, 2000000)
_DAY_AMOUNTS = (1, 2, 3, 5, 7, 10, 12, 15, 20, 30)


def _pick_time(rng: random.Random) -> tuple[dict, str | None, int]:
    """(time, cut-off, total step hours) — mostly working days, a few hour- and same-day ones."""
    roll = rng.random()
    if roll < 0.07:
        cutoff = "15:00" if rng.random() < 0.5 else None
        return {"amount": 0, "unit": "same_day"}, cutoff, rng.choice((4, 6))
    if roll < 0.15:
        amount = rng.choice((4, 8, 16))
        return {"amount": amount, "unit": "hours"}, None, amount
    amount = rng.choice(_DAY_AMOUNTS)
    return {"amount": amount, "unit": "days"}, None, amount * 8


def _steps(total: int, inter_agency: bool, postal: bool) -> list[dict]:
    """Internal steps whose hours add up to `total` working hours."""
    if total <= 8:
        return [step("Tiếp nhận, kiểm tra hồ sơ", "counter", 1),
                step("Thẩm định, xử lý hồ sơ", "specialist", total - 3),
                step("Lãnh đạo phê duyệt, ký kết quả", "leader", 1),
                step("Trả kết quả", "counter", 1)]
    counter_out = 4 if total <= 40 else 8
    leader = max(4, total // 10)
    committee = max(24, total // 6) if inter_agency else 0
    transfer = 4 if postal and total >= 40 else 0
    specialist = total - 4 - counter_out - leader - committee - 2 * transfer
    steps = [step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4)]
    if transfer:
        steps.append(step("Chuyển hồ sơ về cơ quan giải quyết", "postal", transfer))
    steps += [step("Thẩm định, xác minh hồ sơ", "specialist", specialist),
              step("Lãnh đạo phê duyệt, ký kết quả", "leader", leader)]
    if committee:
        steps.append(step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh quyết định",
                          "committee", committee))
    if transfer:
        steps.append(step("Chuyển kết quả về Trung tâm", "postal", transfer))
    steps.append(step("Trả kết quả", "counter", counter_out))
    return steps


def _time_phrase(time: dict, cutoff: str | None) -> str:
    if time["unit"] == "days":
        return f"trong {time['amount']:02d} ngày làm việc"
    if time["unit"] == "hours":
        return f"trong {time['amount']} giờ làm việc"
    if cutoff:
        return f"ngay trong ngày; hồ sơ nhận sau {cutoff} được trả trong ngày làm việc tiếp theo"
    return "ngay trong ngày"


def _unique_name(rng: random.Random, verbs, objects: tuple[str, ...], taken: set[str],
                 serial: int) -> tuple[str, str, str]:
    for _ in range(50):
        verb, qualifiers = rng.choice(verbs)
        obj = rng.choice(objects)
        name = f"{verb} {obj}{rng.choice(qualifiers)}{rng.choice(_SCOPES)}"
        if name not in taken:
            return name, verb, obj
    return f"{verb} {obj} (trường hợp {serial})", verb, obj


def generate_procedures(count: int, seed: int = 2019) -> list[dict]:
    """Synthetic but plausible procedures (same shape as ``PROCEDURES``) for scale tests.

    Deterministic for a seed. Codes are ``9.`` + 6 digits, so they never collide with the
    national ``1.``/``2.`` codes of ``PROCEDURES``. Procedures go round-robin over every
    (agency, field) pair, so any count of at least the number of fields covers every agency and
    field. Names combine real verbs ("Cấp lại", "Gia hạn", "Điều chỉnh"...) with the licences and
    decisions of each field (``demo_procedures_7.FIELD_VOCABULARY``) and are unique.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    numbers = rng.sample(range(1_000_000), count)
    pairs = [(agency, field) for agency in AGENCIES for field in agency["fields"]]
    taken = {p["name"] for p in PROCEDURES}
    generated: list[dict] = []
    for index, number in enumerate(numbers):
        agency, field = pairs[index % len(pairs)]
        law, objects = FIELD_VOCABULARY[(agency["code"], field["code"])]
        verbs = _COMMITTEE_VERBS if agency["kind"] == "committee" else _VERBS
        name, verb, obj = _unique_name(rng, verbs, objects, taken, index + 1)
        taken.add(name)
        time, cutoff, total = _pick_time(rng)
        online_level = rng.choices(("full", "partial", "offline"), weights=(3, 5, 2))[0]
        applicant = rng.choice(("citizen", "business", "both"))
        inter_agency = (agency["kind"] == "department" and time["unit"] == "days"
                        and time["amount"] >= 10 and rng.random() < 0.12)
        on_the_spot = total <= 8 and rng.random() < 0.3
        fees = [] if rng.random() < 0.45 else [
            fee(rng.choice(("Phí thẩm định hồ sơ", f"Lệ phí {verb.lower()} {obj}")),
                rng.choice(_FEE_AMOUNTS))]
        documents = [
            doc(f"Đơn đề nghị {verb.lower()} {obj} (theo mẫu)",
                template=f"Mẫu đơn đề nghị {verb.lower()} {obj}"),
            doc(_IDENTITY[applicant], "copy"),
        ]
        extras = [doc(f"Bản chính {obj} đã được cấp", mandatory=rng.random() < 0.5),
                  doc("Tài liệu chứng minh nội dung đề nghị", "copy"),
                  doc("Văn bản ủy quyền (trường hợp ủy quyền)", "certified_copy",
                      mandatory=False)]
        documents += rng.sample(extras, rng.randint(0, len(extras)))
        generated.append({
            "code": f"9.{number:06d}", "agency": agency["code"], "field": field["code"],
            "name": name, "online_level": online_level, "time": time, "cutoff": cutoff,
            "applicant": applicant, "inter_agency": inter_agency, "on_the_spot": on_the_spot,
            "result": _RESULT_PREFIX.get(verb, "") + (
                obj if verb in _RESULT_PREFIX else f"{obj[0].upper()}{obj[1:]} ({verb.lower()})"),
            "legal_basis": law,
            "fees": fees,
            "documents": documents,
            "steps": _steps(total, inter_agency, postal=rng.random() < 0.4),
            "description": (
                f"Tổ chức, cá nhân có nhu cầu {verb.lower()} {obj} nộp hồ sơ tại quầy "
                f"{agency['name']} ở Trung tâm Phục vụ hành chính công tỉnh"
                f"{_ONLINE_PHRASE[online_level]}. Cơ quan xem xét và trả kết quả "
                f"{_time_phrase(time, cutoff)}. Thủ tục mô phỏng, sinh tự động để thử nghiệm "
                "quy mô danh mục."
            ),
        })
    return generated
