"""Demo procedures, part 1: Department of Justice and Department of Planning and Investment.

This module also holds the small constructors that every ``demo_procedures_*`` module uses, so
that each procedure reads as plain data. They only build dicts; nothing here touches a database.
Step hours add up to the processing time (1 working day = 8 working hours).
"""

from __future__ import annotations


def days(amount: int) -> dict:
    """Processing time in working days."""
    return {"amount": amount, "unit": "days"}


def hours(amount: int) -> dict:
    """Processing time in working hours."""
    return {"amount": amount, "unit": "hours"}


def same_day() -> dict:
    """Result within the working day of reception (see the procedure's cut-off hour)."""
    return {"amount": 0, "unit": "same_day"}


def doc(name: str, form: str = "original", quantity: int = 1, mandatory: bool = True,
        template: str | None = None) -> dict:
    """One required document (thành phần hồ sơ); form: original | copy | certified_copy."""
    return {"name": name, "form": form, "quantity": quantity, "mandatory": mandatory,
            "template": template}


def step(name: str, role: str, step_hours: int) -> dict:
    """One step of the internal process; role: counter|specialist|leader|postal|committee."""
    return {"name": name, "role": role, "hours": step_hours}


def fee(name: str, amount: int, note: str = "") -> dict:
    """A fee or charge in VND; the note carries reductions, exemptions and how it varies."""
    return {"name": name, "amount": amount, "note": note}


# Business registration fee and charge, Thông tư 47/2019/TT-BTC (shared by the SKHDT procedures).
_BUSINESS_FEES = (
    ("Lệ phí đăng ký doanh nghiệp", 50000,
     "Miễn lệ phí khi đăng ký qua mạng thông tin điện tử"),
    ("Phí công bố nội dung đăng ký doanh nghiệp", 100000, ""),
)
_BUSINESS_LAW = ("Luật Doanh nghiệp số 59/2020/QH14; Nghị định 01/2021/NĐ-CP; "
                 "Thông tư 01/2021/TT-BKHĐT; Thông tư 47/2019/TT-BTC")


def _business_fees() -> list[dict]:
    return [fee(*f) for f in _BUSINESS_FEES]


def _business_steps() -> list[dict]:
    return [
        step("Tiếp nhận, kiểm tra tính hợp lệ của hồ sơ", "counter", 2),
        step("Phòng Đăng ký kinh doanh xem xét, nhập dữ liệu vào Hệ thống thông tin quốc gia "
             "về đăng ký doanh nghiệp", "specialist", 14),
        step("Lãnh đạo Phòng Đăng ký kinh doanh duyệt, cấp đăng ký", "leader", 4),
        step("Trả kết quả tại Trung tâm hoặc qua bưu chính", "counter", 4),
    ]


PROCEDURES: list[dict] = [
    {
        "code": "2.000488", "agency": "STP", "field": "LLTP",
        "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
                "tại Việt Nam",
        "online_level": "full", "time": days(10), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Phiếu lý lịch tư pháp số 1 hoặc Phiếu lý lịch tư pháp số 2",
        "legal_basis": "Luật Lý lịch tư pháp số 28/2009/QH12; Nghị định 111/2010/NĐ-CP; "
                       "Thông tư 13/2011/TT-BTP; Thông tư 16/2013/TT-BTP; "
                       "Thông tư 244/2016/TT-BTC",
        "fees": [
            fee("Phí cung cấp thông tin lý lịch tư pháp", 200000,
                "Sinh viên, người có công với cách mạng, thân nhân liệt sĩ: 100.000 đồng/lần; "
                "trẻ em, người cao tuổi cô đơn, người khuyết tật, hộ nghèo: miễn phí"),
            fee("Phí cấp thêm Phiếu lý lịch tư pháp (từ Phiếu thứ 3 trở đi)", 5000,
                "Tính cho mỗi Phiếu cấp thêm trong cùng một lần yêu cầu"),
        ],
        "documents": [
            doc("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP; "
                "Mẫu số 04/2013/TT-LLTP khi ủy quyền hoặc yêu cầu Phiếu số 2)",
                template="Mẫu số 03/2013/TT-LLTP"),
            doc("Bản chụp Căn cước công dân hoặc Hộ chiếu của người được cấp Phiếu "
                "(xuất trình bản chính để đối chiếu)", "copy"),
            doc("Văn bản ủy quyền có công chứng hoặc chứng thực (trường hợp ủy quyền yêu cầu "
                "cấp Phiếu số 1)", mandatory=False),
            doc("Giấy tờ chứng minh quan hệ cha, mẹ, vợ, chồng, con (trường hợp người thân yêu "
                "cầu thay mà không có văn bản ủy quyền)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ, thu phí", "counter", 4),
            step("Chuyển hồ sơ về Sở Tư pháp", "postal", 4),
            step("Tra cứu, xác minh thông tin lý lịch tư pháp với Công an tỉnh và Trung tâm "
                 "Lý lịch tư pháp quốc gia", "specialist", 48),
            step("Lập Phiếu lý lịch tư pháp", "specialist", 8),
            step("Lãnh đạo Sở ký Phiếu lý lịch tư pháp", "leader", 8),
            step("Chuyển kết quả về Trung tâm, trả kết quả", "counter", 8),
        ],
        "description": (
            "Công dân Việt Nam thường trú hoặc tạm trú tại tỉnh, người nước ngoài đang cư trú "
            "tại tỉnh nộp Tờ khai và giấy tờ tùy thân tại Trung tâm, qua bưu chính hoặc trực "
            "tuyến. Sở Tư pháp tra cứu, phối hợp Công an tỉnh và Trung tâm Lý lịch tư pháp "
            "quốc gia xác minh rồi cấp Phiếu; trường hợp phải xác minh thêm, thời hạn không quá "
            "15 ngày."
        ),
    },
    {
        "code": "2.000635", "agency": "STP", "field": "HT",
        "name": "Cấp bản sao trích lục hộ tịch",
        "online_level": "partial", "time": same_day(), "cutoff": "15:00",
        "applicant": "citizen", "inter_agency": False, "on_the_spot": False,
        "result": "Bản sao trích lục hộ tịch",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13; Nghị định 123/2015/NĐ-CP; "
                       "Thông tư 281/2016/TT-BTC",
        "fees": [fee("Phí cấp bản sao trích lục hộ tịch", 8000,
                     "Tính cho mỗi bản sao trích lục")],
        "documents": [
            doc("Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)",
                template="Tờ khai cấp bản sao trích lục hộ tịch"),
            doc("Bản chụp giấy tờ tùy thân của người yêu cầu", "copy"),
            doc("Văn bản ủy quyền (trường hợp ủy quyền)", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận yêu cầu, thu phí", "counter", 1),
            step("Tra cứu Sổ hộ tịch, lập bản sao trích lục", "specialist", 3),
            step("Lãnh đạo Sở ký bản sao trích lục", "leader", 1),
            step("Trả kết quả", "counter", 1),
        ],
        "description": (
            "Cá nhân có sự kiện hộ tịch đã đăng ký (hoặc người được ủy quyền) nộp tờ khai tại "
            "quầy Sở Tư pháp hoặc trực tuyến. Bản sao được cấp ngay trong ngày; yêu cầu nhận "
            "sau 15 giờ được trả trong ngày làm việc tiếp theo."
        ),
    },
    {
        "code": "1.001756", "agency": "STP", "field": "CC",
        "name": "Thành lập Văn phòng công chứng",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "citizen",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định cho phép thành lập Văn phòng công chứng của UBND tỉnh",
        "legal_basis": "Luật Công chứng số 53/2014/QH13; Nghị định 29/2015/NĐ-CP; "
                       "Thông tư 257/2016/TT-BTC",
        "fees": [fee("Phí thẩm định điều kiện hoạt động Văn phòng công chứng", 1000000)],
        "documents": [
            doc("Đơn đề nghị thành lập Văn phòng công chứng (theo mẫu)",
                template="Đơn đề nghị thành lập Văn phòng công chứng"),
            doc("Đề án thành lập Văn phòng công chứng (tổ chức, tên gọi, nhân sự, địa điểm "
                "đặt trụ sở, điều kiện vật chất, kế hoạch hoạt động)"),
            doc("Bản sao quyết định bổ nhiệm công chứng viên của các công chứng viên hợp danh",
                "certified_copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định hồ sơ, đề án, kiểm tra điều kiện trụ sở", "specialist", 76),
            step("Lãnh đạo Sở ký tờ trình UBND tỉnh", "leader", 12),
            step("Văn phòng UBND tỉnh thẩm tra, trình Chủ tịch UBND tỉnh quyết định",
                 "committee", 56),
            step("Nhận quyết định, trả kết quả", "counter", 12),
        ],
        "description": (
            "Từ hai công chứng viên hợp danh trở lên nộp hồ sơ đề nghị thành lập Văn phòng "
            "công chứng tại quầy Sở Tư pháp. Sở thẩm định, trình UBND tỉnh quyết định cho phép "
            "thành lập qua Văn phòng UBND tỉnh (hồ sơ liên thông); trường hợp từ chối phải trả "
            "lời bằng văn bản nêu rõ lý do."
        ),
    },
    {
        "code": "2.001610", "agency": "SKHDT", "field": "TLDN",
        "name": "Đăng ký thành lập doanh nghiệp tư nhân",
        "online_level": "full", "time": days(3), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký doanh nghiệp",
        "legal_basis": _BUSINESS_LAW,
        "fees": _business_fees(),
        "documents": [
            doc("Giấy đề nghị đăng ký doanh nghiệp tư nhân (Phụ lục I-1, Thông tư "
                "01/2021/TT-BKHĐT)", template="Phụ lục I-1, Thông tư 01/2021/TT-BKHĐT"),
            doc("Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân", "copy"),
            doc("Văn bản ủy quyền cho người nộp hồ sơ (nếu không phải chủ doanh nghiệp)",
                mandatory=False),
        ],
        "steps": _business_steps(),
        "description": (
            "Cá nhân muốn làm chủ doanh nghiệp tư nhân nộp hồ sơ trên Cổng thông tin quốc gia "
            "về đăng ký doanh nghiệp hoặc tại quầy Sở Kế hoạch và Đầu tư. Phòng Đăng ký kinh "
            "doanh xem xét tính hợp lệ và cấp Giấy chứng nhận trong 03 ngày làm việc; hồ sơ "
            "chưa hợp lệ được thông báo bằng văn bản để sửa đổi, bổ sung."
        ),
    },
    {
        "code": "2.002042", "agency": "SKHDT", "field": "TLDN",
        "name": "Đăng ký thành lập công ty TNHH một thành viên",
        "online_level": "full", "time": days(3), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký doanh nghiệp",
        "legal_basis": _BUSINESS_LAW,
        "fees": _business_fees(),
        "documents": [
            doc("Giấy đề nghị đăng ký công ty trách nhiệm hữu hạn một thành viên (Phụ lục I-2, "
                "Thông tư 01/2021/TT-BKHĐT)", template="Phụ lục I-2, Thông tư 01/2021/TT-BKHĐT"),
            doc("Điều lệ công ty"),
            doc("Bản sao giấy tờ pháp lý của cá nhân hoặc tổ chức là chủ sở hữu công ty",
                "copy"),
            doc("Danh sách người đại diện theo ủy quyền (trường hợp chủ sở hữu là tổ chức)",
                mandatory=False, template="Phụ lục I-10, Thông tư 01/2021/TT-BKHĐT"),
            doc("Bản sao giấy tờ pháp lý của người đại diện theo ủy quyền", "copy",
                mandatory=False),
        ],
        "steps": _business_steps(),
        "description": (
            "Cá nhân hoặc tổ chức là chủ sở hữu nộp hồ sơ trực tuyến hoặc tại quầy Sở Kế hoạch "
            "và Đầu tư. Phòng Đăng ký kinh doanh kiểm tra hồ sơ, cấp Giấy chứng nhận đăng ký "
            "doanh nghiệp trong 03 ngày làm việc và đăng công bố nội dung đăng ký."
        ),
    },
    {
        "code": "2.002023", "agency": "SKHDT", "field": "TLDN",
        "name": "Đăng ký thành lập công ty cổ phần",
        "online_level": "full", "time": days(3), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký doanh nghiệp",
        "legal_basis": _BUSINESS_LAW,
        "fees": _business_fees(),
        "documents": [
            doc("Giấy đề nghị đăng ký công ty cổ phần (Phụ lục I-4, Thông tư 01/2021/TT-BKHĐT)",
                template="Phụ lục I-4, Thông tư 01/2021/TT-BKHĐT"),
            doc("Điều lệ công ty"),
            doc("Danh sách cổ đông sáng lập (Phụ lục I-7, Thông tư 01/2021/TT-BKHĐT)",
                template="Phụ lục I-7, Thông tư 01/2021/TT-BKHĐT"),
            doc("Bản sao giấy tờ pháp lý của cổ đông sáng lập là cá nhân, tổ chức", "copy"),
            doc("Văn bản ủy quyền cho người nộp hồ sơ", mandatory=False),
        ],
        "steps": _business_steps(),
        "description": (
            "Các cổ đông sáng lập ủy quyền cho người đại diện theo pháp luật nộp hồ sơ trực "
            "tuyến hoặc tại quầy Sở Kế hoạch và Đầu tư. Phòng Đăng ký kinh doanh cấp Giấy "
            "chứng nhận đăng ký doanh nghiệp trong 03 ngày làm việc kể từ khi hồ sơ hợp lệ."
        ),
    },
    {
        "code": "2.001199", "agency": "SKHDT", "field": "TLDN",
        "name": "Đăng ký thay đổi người đại diện theo pháp luật của công ty trách nhiệm hữu "
                "hạn, công ty cổ phần",
        "online_level": "full", "time": days(3), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký doanh nghiệp (cập nhật người đại diện)",
        "legal_basis": _BUSINESS_LAW,
        "fees": _business_fees(),
        "documents": [
            doc("Giấy đề nghị thay đổi nội dung đăng ký doanh nghiệp (theo mẫu tại Thông tư "
                "01/2021/TT-BKHĐT)", template="Giấy đề nghị thay đổi nội dung đăng ký doanh "
                                              "nghiệp"),
            doc("Nghị quyết, quyết định về việc thay đổi người đại diện theo pháp luật của chủ "
                "sở hữu, Hội đồng thành viên hoặc Đại hội đồng cổ đông"),
            doc("Bản sao biên bản họp về việc thay đổi (đối với công ty TNHH hai thành viên trở "
                "lên, công ty cổ phần)", "copy", mandatory=False),
        ],
        "steps": _business_steps(),
        "description": (
            "Doanh nghiệp gửi hồ sơ trong 10 ngày kể từ ngày quyết định thay đổi, trực tuyến "
            "hoặc tại quầy Sở Kế hoạch và Đầu tư. Phòng Đăng ký kinh doanh cập nhật thông tin "
            "và cấp lại Giấy chứng nhận đăng ký doanh nghiệp trong 03 ngày làm việc."
        ),
    },
    {
        "code": "2.001922", "agency": "SKHDT", "field": "DTVN",
        "name": "Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh",
        "online_level": "partial", "time": days(35), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định chấp thuận chủ trương đầu tư của UBND tỉnh",
        "legal_basis": "Luật Đầu tư số 61/2020/QH14; Nghị định 31/2021/NĐ-CP; "
                       "Thông tư 03/2021/TT-BKHĐT",
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị thực hiện dự án đầu tư (theo mẫu tại Thông tư "
                "03/2021/TT-BKHĐT)", quantity=4,
                template="Văn bản đề nghị thực hiện dự án đầu tư"),
            doc("Đề xuất dự án đầu tư (mục tiêu, quy mô, vốn, địa điểm, tiến độ, nhu cầu lao "
                "động, đánh giá tác động và hiệu quả kinh tế - xã hội)", quantity=4),
            doc("Bản sao tài liệu về tư cách pháp lý của nhà đầu tư", "copy", quantity=4),
            doc("Tài liệu chứng minh năng lực tài chính của nhà đầu tư (báo cáo tài chính 02 "
                "năm gần nhất, cam kết hỗ trợ tài chính hoặc tài liệu tương đương)", "copy",
                quantity=4),
            doc("Đề xuất nhu cầu sử dụng đất hoặc bản sao thỏa thuận thuê địa điểm", "copy",
                quantity=4, mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Gửi hồ sơ lấy ý kiến các sở, ngành, UBND cấp huyện liên quan", "specialist",
                 96),
            step("Tổng hợp ý kiến, lập báo cáo thẩm định", "specialist", 104),
            step("Lãnh đạo Sở ký báo cáo thẩm định, trình UBND tỉnh", "leader", 16),
            step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh quyết định", "committee", 48),
            step("Nhận quyết định từ Văn phòng UBND tỉnh, trả kết quả", "counter", 12),
        ],
        "description": (
            "Nhà đầu tư có dự án thuộc thẩm quyền chấp thuận chủ trương của UBND tỉnh nộp hồ sơ "
            "tại quầy Sở Kế hoạch và Đầu tư hoặc trực tuyến. Sở lấy ý kiến các cơ quan liên "
            "quan, lập báo cáo thẩm định và chuyển Văn phòng UBND tỉnh trình UBND tỉnh quyết "
            "định (hồ sơ liên thông, tối thiểu 03 ngày làm việc trước hạn)."
        ),
    },
]
