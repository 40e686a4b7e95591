"""Demo procedures, part 6: Culture, Sports and Tourism, Health, Foreign Affairs."""

from __future__ import annotations

from portal.catalog.demo_procedures_1 import days, doc, fee, hours, step
from portal.catalog.demo_procedures_3 import food_safety_docs, food_safety_steps

_TOURISM_LAW = "Luật Du lịch số 09/2017/QH14"


def _tourism_steps(check: str) -> list[dict]:
    return [
        step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
        step(check, "specialist", 48),
        step("Lãnh đạo Sở ký", "leader", 12),
        step("In, đóng dấu kết quả", "specialist", 8),
        step("Trả kết quả", "counter", 8),
    ]


PROCEDURES: list[dict] = [
    {
        "code": "1.001440", "agency": "SVHTTDL", "field": "DL",
        "name": "Cấp thẻ hướng dẫn viên du lịch nội địa",
        "online_level": "full", "time": days(10), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Thẻ hướng dẫn viên du lịch nội địa",
        "legal_basis": _TOURISM_LAW + "; Thông tư 06/2017/TT-BVHTTDL; Thông tư 33/2018/TT-BTC",
        "fees": [fee("Phí thẩm định cấp thẻ hướng dẫn viên du lịch", 650000)],
        "documents": [
            doc("Đơn đề nghị cấp thẻ hướng dẫn viên du lịch (theo mẫu)",
                template="Đơn đề nghị cấp thẻ hướng dẫn viên du lịch"),
            doc("Sơ yếu lý lịch có xác nhận của cơ quan có thẩm quyền"),
            doc("Bản sao có chứng thực văn bằng hoặc chứng chỉ nghiệp vụ hướng dẫn du lịch nội "
                "địa", "certified_copy"),
            doc("Giấy chứng nhận sức khỏe do cơ sở khám bệnh, chữa bệnh có thẩm quyền cấp "
                "trong thời hạn 06 tháng"),
            doc("02 ảnh chân dung màu cỡ 3 cm x 4 cm", quantity=2),
        ],
        "steps": _tourism_steps("Thẩm định hồ sơ, điều kiện cấp thẻ"),
        "description": (
            "Người đã được đào tạo nghiệp vụ hướng dẫn du lịch nội địa nộp hồ sơ trực tuyến "
            "hoặc tại quầy Sở Văn hóa, Thể thao và Du lịch. Sở thẩm định và cấp thẻ trong 10 "
            "ngày; thẻ có thời hạn 05 năm."
        ),
    },
    {
        "code": "1.004623", "agency": "SVHTTDL", "field": "DL",
        "name": "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "online_level": "partial", "time": days(10), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "legal_basis": _TOURISM_LAW + "; Nghị định 168/2017/NĐ-CP; Thông tư 33/2018/TT-BTC",
        "fees": [fee("Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
                     3000000)],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép kinh doanh dịch vụ lữ hành nội địa (theo mẫu)",
                template="Đơn đề nghị cấp giấy phép kinh doanh dịch vụ lữ hành nội địa"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "copy"),
            doc("Giấy chứng nhận ký quỹ kinh doanh dịch vụ lữ hành nội địa"),
            doc("Bản sao có chứng thực quyết định bổ nhiệm hoặc hợp đồng lao động của người "
                "phụ trách kinh doanh dịch vụ lữ hành", "certified_copy"),
            doc("Bản sao có chứng thực văn bằng hoặc chứng chỉ nghiệp vụ điều hành du lịch nội "
                "địa của người phụ trách kinh doanh dịch vụ lữ hành", "certified_copy"),
        ],
        "steps": _tourism_steps("Thẩm định hồ sơ, điều kiện kinh doanh lữ hành"),
        "description": (
            "Doanh nghiệp có trụ sở tại tỉnh, đã ký quỹ và có người phụ trách đủ điều kiện nộp "
            "hồ sơ tại quầy Sở Văn hóa, Thể thao và Du lịch hoặc trực tuyến. Sở thẩm định và "
            "cấp giấy phép trong 10 ngày, đồng thời công bố trên trang thông tin quản lý "
            "doanh nghiệp lữ hành."
        ),
    },
    {
        "code": "1.001473", "agency": "SVHTTDL", "field": "DL",
        "name": "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao cho khách sạn, biệt thự "
                "du lịch, căn hộ du lịch, tàu thủy lưu trú du lịch",
        "online_level": "offline", "time": days(30), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Quyết định công nhận hạng cơ sở lưu trú du lịch",
        "legal_basis": _TOURISM_LAW + "; Nghị định 168/2017/NĐ-CP; Thông tư 33/2018/TT-BTC",
        "fees": [fee("Phí thẩm định cơ sở kinh doanh dịch vụ lưu trú du lịch", 1500000)],
        "documents": [
            doc("Đơn đề nghị công nhận hạng cơ sở lưu trú du lịch (theo mẫu)",
                template="Đơn đề nghị công nhận hạng cơ sở lưu trú du lịch"),
            doc("Bản tự đánh giá chất lượng cơ sở lưu trú du lịch theo tiêu chuẩn quốc gia"),
            doc("Danh sách người quản lý và nhân viên kèm bản sao văn bằng, chứng chỉ nghiệp "
                "vụ", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định hồ sơ", "specialist", 40),
            step("Đoàn thẩm định kiểm tra thực tế tại cơ sở lưu trú", "specialist", 120),
            step("Dự thảo quyết định công nhận hạng", "specialist", 40),
            step("Lãnh đạo Sở ký quyết định", "leader", 16),
            step("Trả kết quả", "counter", 20),
        ],
        "description": (
            "Cơ sở lưu trú du lịch trên địa bàn tỉnh đề nghị xếp hạng 1 sao hoặc 2 sao nộp hồ "
            "sơ trực tiếp tại Trung tâm. Sở thẩm định, tổ chức đoàn kiểm tra thực tế và ra "
            "quyết định công nhận hạng trong 30 ngày; quyết định có hiệu lực 05 năm."
        ),
    },
    {
        "code": "1.002952", "agency": "SYT", "field": "DUOC",
        "name": "Cấp Chứng chỉ hành nghề dược theo hình thức xét hồ sơ",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Chứng chỉ hành nghề dược",
        "legal_basis": "Luật Dược số 105/2016/QH13; Nghị định 54/2017/NĐ-CP; "
                       "Nghị định 155/2018/NĐ-CP; Thông tư 277/2016/TT-BTC",
        "fees": [fee("Phí thẩm định cấp chứng chỉ hành nghề dược", 500000)],
        "documents": [
            doc("Đơn đề nghị cấp Chứng chỉ hành nghề dược (theo mẫu tại Nghị định "
                "54/2017/NĐ-CP)", template="Đơn đề nghị cấp Chứng chỉ hành nghề dược"),
            doc("02 ảnh chân dung cỡ 4 cm x 6 cm chụp trong vòng 06 tháng", quantity=2),
            doc("Bản sao có chứng thực văn bằng chuyên môn", "certified_copy"),
            doc("Giấy xác nhận thời gian thực hành chuyên môn (theo mẫu)",
                template="Giấy xác nhận thời gian thực hành chuyên môn"),
            doc("Giấy chứng nhận đủ sức khỏe để hành nghề dược"),
            doc("Phiếu lý lịch tư pháp (đối với người nước ngoài, người Việt Nam định cư ở "
                "nước ngoài)", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ, thu phí", "counter", 4),
            step("Chuyển hồ sơ về Sở Y tế", "postal", 4),
            step("Thẩm định hồ sơ", "specialist", 80),
            step("Hội đồng tư vấn cấp chứng chỉ hành nghề dược xem xét", "specialist", 32),
            step("Lãnh đạo Sở ký chứng chỉ", "leader", 16),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả", "counter", 20),
        ],
        "description": (
            "Dược sĩ, người có văn bằng chuyên môn về dược đủ thời gian thực hành nộp hồ sơ tại "
            "quầy Sở Y tế hoặc trực tuyến. Sở thẩm định, lấy ý kiến Hội đồng tư vấn và cấp "
            "chứng chỉ trong 20 ngày kể từ ngày nhận đủ hồ sơ."
        ),
    },
    {
        "code": "1.001636", "agency": "SYT", "field": "ATTP",
        "name": "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh "
                "doanh dịch vụ ăn uống thuộc thẩm quyền của Sở Y tế",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "legal_basis": "Luật An toàn thực phẩm số 55/2010/QH12; Nghị định 15/2018/NĐ-CP; "
                       "Thông tư 279/2016/TT-BTC",
        "fees": [fee("Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                     1000000, "Cơ sở phục vụ trên 200 suất ăn; từ 200 suất ăn trở xuống: "
                     "700.000 đồng/lần")],
        "documents": food_safety_docs(),
        "steps": food_safety_steps("Sở Y tế"),
        "description": (
            "Nhà hàng, bếp ăn tập thể, cơ sở kinh doanh dịch vụ ăn uống thuộc thẩm quyền cấp "
            "tỉnh nộp hồ sơ tại quầy Sở Y tế hoặc trực tuyến. Sở thẩm định hồ sơ, kiểm tra "
            "thực tế tại cơ sở và cấp Giấy chứng nhận có hiệu lực 03 năm."
        ),
    },
    {
        "code": "2.001712", "agency": "SNGV", "field": "LS",
        "name": "Chứng nhận lãnh sự giấy tờ, tài liệu tại cơ quan ngoại vụ địa phương",
        "online_level": "partial", "time": hours(8), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy tờ, tài liệu được chứng nhận lãnh sự",
        "legal_basis": "Nghị định 111/2011/NĐ-CP; Thông tư 01/2012/TT-BNG; "
                       "Thông tư 157/2016/TT-BTC",
        "fees": [fee("Lệ phí chứng nhận lãnh sự", 30000, "Tính cho mỗi bản giấy tờ, tài liệu")],
        "documents": [
            doc("Tờ khai chứng nhận lãnh sự, hợp pháp hóa lãnh sự (Mẫu LS/HPH-2012/TK)",
                template="Mẫu LS/HPH-2012/TK"),
            doc("Bản chụp giấy tờ tùy thân của người nộp hồ sơ", "copy"),
            doc("Giấy tờ, tài liệu đề nghị được chứng nhận lãnh sự"),
            doc("Bản chụp giấy tờ, tài liệu đề nghị được chứng nhận lãnh sự", "copy"),
        ],
        "steps": [
            step("Tiếp nhận hồ sơ, thu lệ phí", "counter", 1),
            step("Kiểm tra con dấu, chữ ký, chức danh trên giấy tờ", "specialist", 4),
            step("Lãnh đạo Sở ký chứng nhận", "leader", 2),
            step("Trả kết quả", "counter", 1),
        ],
        "description": (
            "Cá nhân, tổ chức cần sử dụng ở nước ngoài giấy tờ do cơ quan của tỉnh cấp nộp hồ sơ "
            "tại quầy Sở Ngoại vụ. Sở kiểm tra con dấu, chữ ký và chứng nhận trong 01 ngày làm "
            "việc; hồ sơ có số lượng lớn có thể kéo dài nhưng không quá 05 ngày làm việc."
        ),
    },
    {
        "code": "2.001455", "agency": "SNGV", "field": "HNHT",
        "name": "Cho phép tổ chức hội nghị, hội thảo quốc tế thuộc thẩm quyền cho phép của Chủ "
                "tịch UBND tỉnh",
        "online_level": "partial", "time": days(15), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Văn bản cho phép tổ chức hội nghị, hội thảo quốc tế của Chủ tịch UBND tỉnh",
        "legal_basis": "Quyết định 06/2020/QĐ-TTg",
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị tổ chức hội nghị, hội thảo quốc tế"),
            doc("Đề án tổ chức hội nghị, hội thảo (mục đích, nội dung, thời gian, địa điểm, "
                "thành phần tham dự, nguồn kinh phí)"),
            doc("Danh sách đại biểu nước ngoài dự kiến tham dự"),
            doc("Ý kiến bằng văn bản của các cơ quan có liên quan (nếu có)", "copy",
                mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định, lấy ý kiến Công an tỉnh và cơ quan liên quan", "specialist", 56),
            step("Lãnh đạo Sở ký tờ trình Chủ tịch UBND tỉnh", "leader", 12),
            step("Văn phòng UBND tỉnh thẩm tra, trình Chủ tịch UBND tỉnh cho phép",
                 "committee", 32),
            step("Nhận văn bản cho phép, trả kết quả", "counter", 16),
        ],
        "description": (
            "Cơ quan, tổ chức ở địa phương dự kiến tổ chức hội nghị, hội thảo có yếu tố nước "
            "ngoài nộp hồ sơ tại quầy Sở Ngoại vụ. Sở lấy ý kiến các cơ quan liên quan và trình "
            "Chủ tịch UBND tỉnh cho phép qua Văn phòng UBND tỉnh (hồ sơ liên thông)."
        ),
    },
]
