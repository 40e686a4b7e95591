"""Demo procedures, part 3: Industry and Trade, Agriculture and Rural Development, Transport.

The two on-the-spot procedures are the ones report 62/BC-HCC counts (4,486 animal-quarantine
certificates and 8,510 trade-promotion filings resolved at the counter in 2019).
"""

from __future__ import annotations

from portal.catalog.demo_procedures_1 import days, doc, fee, hours, same_day, step

_FOOD_SAFETY_DOCS = (
    ("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ bảo đảm điều kiện an toàn "
     "thực phẩm", "original"),
    ("Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp sản xuất, kinh doanh thực "
     "phẩm", "copy"),
    ("Giấy xác nhận đã được tập huấn kiến thức an toàn thực phẩm của chủ cơ sở và người trực "
     "tiếp sản xuất, kinh doanh thực phẩm", "copy"),
)


def food_safety_docs() -> list[dict]:
    """Documents shared by the food-safety certificates of Industry & Trade and Health."""
    return [
        doc("Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (theo mẫu)",
            template="Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"),
        *(doc(name, form) for name, form in _FOOD_SAFETY_DOCS),
    ]


def food_safety_steps(department: str) -> list[dict]:
    return [
        step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
        step(f"Chuyển hồ sơ về {department}", "postal", 4),
        step("Thẩm định hồ sơ", "specialist", 40),
        step("Đoàn thẩm định kiểm tra thực tế tại cơ sở", "specialist", 80),
        step("Lãnh đạo Sở ký Giấy chứng nhận", "leader", 16),
        step("Chuyển kết quả về Trung tâm", "postal", 4),
        step("Trả kết quả", "counter", 12),
    ]


def _licence_steps() -> list[dict]:
    return [
        step("Tiếp nhận hồ sơ, chụp ảnh, thu lệ phí", "counter", 4),
        step("Kiểm tra, xác minh giấy phép lái xe trên hệ thống quản lý", "specialist", 16),
        step("Lãnh đạo Sở duyệt", "leader", 4),
        step("In giấy phép lái xe", "specialist", 8),
        step("Trả kết quả tại quầy hoặc qua bưu chính", "counter", 8),
    ]


PROCEDURES: list[dict] = [
    {
        "code": "2.000004", "agency": "SCT", "field": "XTTM",
        "name": "Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi trên địa bàn 01 "
                "tỉnh, thành phố trực thuộc Trung ương",
        "online_level": "full", "time": same_day(), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": True,
        "result": "Văn bản xác nhận đăng ký thực hiện khuyến mại",
        "legal_basis": "Luật Thương mại số 36/2005/QH11; Nghị định 81/2018/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Văn bản đăng ký thực hiện khuyến mại (Mẫu số 02, Nghị định 81/2018/NĐ-CP)",
                template="Mẫu số 02, Nghị định 81/2018/NĐ-CP"),
            doc("Thể lệ chương trình khuyến mại (Mẫu số 03, Nghị định 81/2018/NĐ-CP)",
                template="Mẫu số 03, Nghị định 81/2018/NĐ-CP"),
            doc("Mẫu bằng chứng xác định trúng thưởng hoặc mô tả chi tiết về bằng chứng xác "
                "định trúng thưởng"),
            doc("Bản sao giấy tờ về chất lượng của hàng hóa khuyến mại theo quy định", "copy",
                mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 1),
            step("Xem xét nội dung, thể lệ chương trình khuyến mại", "specialist", 1),
            step("Lãnh đạo Sở ký văn bản xác nhận", "leader", 1),
            step("Trả kết quả tại quầy", "counter", 1),
        ],
        "description": (
            "Thương nhân tổ chức chương trình khuyến mại mang tính may rủi trong phạm vi tỉnh "
            "nộp hồ sơ tại quầy Sở Công Thương hoặc trực tuyến. Thời hạn theo quy định là 05 "
            "ngày làm việc, nhưng tại Trung tâm hồ sơ hợp lệ được xác nhận và trả ngay tại chỗ."
        ),
    },
    {
        "code": "2.000591", "agency": "SCT", "field": "ATTP",
        "name": "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản "
                "xuất, kinh doanh thực phẩm do Sở Công Thương thực hiện",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "legal_basis": "Luật An toàn thực phẩm số 55/2010/QH12; Nghị định 15/2018/NĐ-CP; "
                       "Thông tư 43/2018/TT-BCT",
        "fees": [fee("Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                     2500000, "Cơ sở sản xuất; cơ sở kinh doanh: 1.000.000 đồng/lần; cơ sở "
                     "sản xuất nhỏ lẻ: 500.000 đồng/lần")],
        "documents": [
            *food_safety_docs(),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp có ngành nghề sản xuất, kinh "
                "doanh thực phẩm", "copy"),
        ],
        "steps": food_safety_steps("Sở Công Thương"),
        "description": (
            "Cơ sở sản xuất, kinh doanh thực phẩm thuộc phạm vi quản lý của ngành Công Thương "
            "nộp hồ sơ tại Trung tâm hoặc trực tuyến. Sở thẩm định hồ sơ, tổ chức đoàn kiểm tra "
            "thực tế tại cơ sở và cấp Giấy chứng nhận (hiệu lực 03 năm) nếu đạt yêu cầu."
        ),
    },
    {
        "code": "1.003810", "agency": "SNNPTNT", "field": "TY",
        "name": "Cấp giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
        "online_level": "offline", "time": hours(4), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": True,
        "result": "Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
        "legal_basis": "Luật Thú y số 79/2015/QH13; Thông tư 25/2016/TT-BNNPTNT; "
                       "Thông tư 35/2018/TT-BNNPTNT; Thông tư 101/2020/TT-BTC",
        "fees": [fee("Phí kiểm dịch động vật", 40000,
                     "Giá trị minh họa; mức thu theo loại và số lượng động vật tại biểu phí "
                     "của Thông tư 101/2020/TT-BTC")],
        "documents": [
            doc("Giấy đăng ký kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh (theo mẫu)",
                template="Giấy đăng ký kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi "
                         "địa bàn cấp tỉnh"),
            doc("Bản sao giấy chứng nhận vùng, cơ sở an toàn dịch bệnh nơi xuất phát của động "
                "vật (nếu có)", "copy", mandatory=False),
            doc("Bản sao giấy chứng nhận tiêm phòng, phiếu kết quả xét nghiệm bệnh động vật "
                "(nếu có)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận giấy đăng ký kiểm dịch", "counter", 1),
            step("Kiểm tra lâm sàng, đánh dấu động vật, niêm phong phương tiện vận chuyển",
                 "specialist", 2),
            step("Cấp giấy chứng nhận kiểm dịch, thu phí tại quầy", "counter", 1),
        ],
        "description": (
            "Chủ hàng vận chuyển gia súc, gia cầm ra khỏi tỉnh đăng ký kiểm dịch tại quầy Sở "
            "Nông nghiệp và Phát triển nông thôn trước khi vận chuyển. Kiểm dịch viên động vật "
            "kiểm tra và cấp giấy chứng nhận ngay tại chỗ khi động vật xuất phát từ cơ sở an "
            "toàn dịch bệnh hoặc đã tiêm phòng còn miễn dịch."
        ),
    },
    {
        "code": "1.004359", "agency": "SNNPTNT", "field": "TS",
        "name": "Cấp, cấp lại giấy phép khai thác thủy sản",
        "online_level": "partial", "time": days(6), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép khai thác thủy sản",
        "legal_basis": "Luật Thủy sản số 18/2017/QH14; Nghị định 26/2019/NĐ-CP",
        "fees": [fee("Lệ phí cấp giấy phép khai thác thủy sản", 40000,
                     "Giá trị minh họa; cấp lại thu mức thấp hơn theo quy định của Bộ Tài "
                     "chính")],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép khai thác thủy sản (theo mẫu)",
                template="Đơn đề nghị cấp giấy phép khai thác thủy sản"),
            doc("Bản chụp Giấy chứng nhận an toàn kỹ thuật tàu cá (tàu thuộc diện đăng kiểm)",
                "copy"),
            doc("Bản chụp văn bằng, chứng chỉ thuyền trưởng, máy trưởng (tàu có chiều dài từ "
                "12 m trở lên)", "copy", mandatory=False),
            doc("Bản chụp giấy tờ chứng minh đã lắp đặt thiết bị giám sát hành trình (tàu có "
                "chiều dài từ 15 m trở lên)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chi cục Thủy sản thẩm định, kiểm tra hạn ngạch giấy phép", "specialist", 28),
            step("Lãnh đạo ký giấy phép", "leader", 8),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Chủ tàu cá đăng ký tại tỉnh nộp hồ sơ tại quầy Sở Nông nghiệp và Phát triển nông "
            "thôn hoặc trực tuyến trước khi đưa tàu đi khai thác. Chi cục Thủy sản thẩm định, "
            "đối chiếu hạn ngạch giấy phép được giao cho tỉnh rồi cấp giấy phép."
        ),
    },
    {
        "code": "1.002859", "agency": "SGTVT", "field": "DB",
        "name": "Cấp phù hiệu xe taxi, xe hợp đồng, xe vận tải hàng hóa bằng công-ten-nơ, xe "
                "kinh doanh vận tải hàng hóa, xe trung chuyển",
        "online_level": "full", "time": days(2), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Phù hiệu xe",
        "legal_basis": "Luật Giao thông đường bộ số 23/2008/QH12; Nghị định 10/2020/NĐ-CP; "
                       "Thông tư 12/2020/TT-BGTVT",
        "fees": [],
        "documents": [
            doc("Giấy đề nghị cấp phù hiệu (theo mẫu tại Nghị định 10/2020/NĐ-CP)",
                template="Giấy đề nghị cấp phù hiệu, biển hiệu"),
            doc("Bản sao Giấy đăng ký xe ô tô hoặc giấy hẹn cấp Giấy đăng ký xe", "copy"),
            doc("Bản sao hợp đồng thuê phương tiện hoặc hợp đồng hợp tác kinh doanh (trường "
                "hợp xe không thuộc sở hữu của đơn vị kinh doanh vận tải)", "copy",
                mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 2),
            step("Kiểm tra dữ liệu thiết bị giám sát hành trình và thông tin phương tiện",
                 "specialist", 8),
            step("Lãnh đạo Phòng Quản lý vận tải ký duyệt", "leader", 2),
            step("Trả phù hiệu", "counter", 4),
        ],
        "description": (
            "Đơn vị kinh doanh vận tải đã có Giấy phép kinh doanh vận tải bằng xe ô tô nộp hồ "
            "sơ trực tuyến hoặc tại quầy Sở Giao thông vận tải. Sở kiểm tra thông tin phương "
            "tiện và dữ liệu giám sát hành trình, cấp phù hiệu trong 02 ngày làm việc."
        ),
    },
    {
        "code": "1.002809", "agency": "SGTVT", "field": "DB",
        "name": "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "online_level": "full", "time": days(5), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép lái xe bằng vật liệu PET",
        "legal_basis": "Luật Giao thông đường bộ số 23/2008/QH12; Thông tư 12/2017/TT-BGTVT",
        "fees": [fee("Lệ phí cấp giấy phép lái xe", 135000,
                     "Nộp hồ sơ trực tuyến được áp dụng mức thu thấp hơn theo quy định hiện "
                     "hành")],
        "documents": [
            doc("Đơn đề nghị đổi, cấp lại giấy phép lái xe (theo mẫu)",
                template="Đơn đề nghị đổi, cấp lại giấy phép lái xe"),
            doc("Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp (trừ "
                "giấy phép lái xe không thời hạn)"),
            doc("Bản sao giấy phép lái xe, Căn cước công dân hoặc hộ chiếu còn thời hạn",
                "copy"),
        ],
        "steps": _licence_steps(),
        "description": (
            "Người có giấy phép lái xe sắp hết hạn hoặc bằng giấy bìa nộp hồ sơ trực tuyến trên "
            "Cổng Dịch vụ công quốc gia hoặc tại quầy Sở Giao thông vận tải. Sở xác minh giấy "
            "phép trên hệ thống và cấp giấy phép mới trong 05 ngày làm việc, trả tại quầy hoặc "
            "qua bưu chính."
        ),
    },
    {
        "code": "1.002820", "agency": "SGTVT", "field": "DB",
        "name": "Cấp Giấy phép lái xe quốc tế",
        "online_level": "full", "time": days(5), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép lái xe quốc tế theo mẫu của Công ước Viên năm 1968",
        "legal_basis": "Công ước Viên năm 1968 về giao thông đường bộ; "
                       "Thông tư 29/2015/TT-BGTVT",
        "fees": [fee("Lệ phí cấp giấy phép lái xe quốc tế", 135000)],
        "documents": [
            doc("Tờ khai đề nghị cấp Giấy phép lái xe quốc tế (theo mẫu)",
                template="Tờ khai đề nghị cấp Giấy phép lái xe quốc tế"),
            doc("Bản sao giấy phép lái xe quốc gia còn giá trị", "copy"),
            doc("Bản sao hộ chiếu hoặc Căn cước công dân", "copy"),
        ],
        "steps": _licence_steps(),
        "description": (
            "Công dân Việt Nam, người nước ngoài cư trú tại Việt Nam có giấy phép lái xe quốc "
            "gia bằng vật liệu PET nộp tờ khai trực tuyến hoặc tại quầy Sở Giao thông vận tải. "
            "Giấy phép lái xe quốc tế có thời hạn không quá 03 năm và không vượt thời hạn của "
            "giấy phép lái xe quốc gia."
        ),
    },
]
