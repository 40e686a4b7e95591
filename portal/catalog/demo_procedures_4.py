"""Demo procedures, part 4: Information and Communications, Finance, Science and Technology,
Education and Training."""

from __future__ import annotations

from portal.catalog.demo_procedures_1 import days, doc, fee, same_day, step


def _ten_day_steps(check: str) -> list[dict]:
    return [
        step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
        step("Chuyển hồ sơ về Sở", "postal", 4),
        step(check, "specialist", 48),
        step("Lãnh đạo Sở ký", "leader", 12),
        step("Chuyển kết quả về Trung tâm", "postal", 4),
        step("Trả kết quả", "counter", 8),
    ]


PROCEDURES: list[dict] = [
    {
        "code": "1.003725", "agency": "STTTT", "field": "XB",
        "name": "Cấp giấy phép hoạt động in",
        "online_level": "partial", "time": days(10), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép hoạt động in",
        "legal_basis": "Luật Xuất bản số 19/2012/QH13; Nghị định 60/2014/NĐ-CP; "
                       "Nghị định 25/2018/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép hoạt động in (theo mẫu)",
                template="Đơn đề nghị cấp giấy phép hoạt động in"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập",
                "copy"),
            doc("Bản sao giấy tờ chứng minh quyền sử dụng hợp pháp mặt bằng sản xuất và thiết "
                "bị in", "copy"),
            doc("Bản sao văn bằng hoặc giấy chứng nhận bồi dưỡng kiến thức quản lý hoạt động "
                "in của người đứng đầu cơ sở in", "copy"),
            doc("Sơ yếu lý lịch của người đứng đầu cơ sở in"),
        ],
        "steps": _ten_day_steps("Thẩm định hồ sơ, kiểm tra thực tế cơ sở in"),
        "description": (
            "Cơ sở in thực hiện chế bản, in, gia công sau in các sản phẩm phải cấp phép nộp hồ "
            "sơ tại quầy Sở Thông tin và Truyền thông hoặc trực tuyến. Sở thẩm định, kiểm tra "
            "điều kiện thực tế và cấp giấy phép; trường hợp không cấp phải trả lời bằng văn bản "
            "nêu rõ lý do."
        ),
    },
    {
        "code": "1.003443", "agency": "STTTT", "field": "PTTH",
        "name": "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
        "online_level": "full", "time": days(10), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép thiết lập trang thông tin điện tử tổng hợp",
        "legal_basis": "Nghị định 72/2013/NĐ-CP; Nghị định 27/2018/NĐ-CP; "
                       "Thông tư 09/2014/TT-BTTTT",
        "fees": [],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép thiết lập trang thông tin điện tử tổng hợp (theo "
                "mẫu tại Nghị định 27/2018/NĐ-CP)",
                template="Đơn đề nghị cấp giấy phép thiết lập trang thông tin điện tử tổng hợp"),
            doc("Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập",
                "copy"),
            doc("Đề án hoạt động có chữ ký, dấu của người đứng đầu tổ chức (nhân sự, nguồn "
                "tin, phương án kỹ thuật, bảo đảm an toàn thông tin)"),
            doc("Văn bản chấp thuận của các tổ chức cung cấp nguồn tin", "copy"),
        ],
        "steps": _ten_day_steps("Thẩm định hồ sơ, đề án, kiểm tra tên miền và phương án kỹ "
                                "thuật"),
        "description": (
            "Tổ chức, doanh nghiệp thiết lập trang thông tin điện tử tổng hợp có trụ sở tại tỉnh "
            "nộp hồ sơ trực tuyến hoặc tại quầy Sở Thông tin và Truyền thông. Sở thẩm định và "
            "cấp giấy phép trong 10 ngày làm việc; giấy phép có thời hạn theo đề nghị nhưng "
            "không quá 05 năm."
        ),
    },
    {
        "code": "1.003659", "agency": "STTTT", "field": "XB",
        "name": "Cấp giấy phép xuất bản tài liệu không kinh doanh",
        "online_level": "partial", "time": days(10), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép xuất bản tài liệu không kinh doanh",
        "legal_basis": "Luật Xuất bản số 19/2012/QH13; Nghị định 195/2013/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép xuất bản tài liệu không kinh doanh (theo mẫu)",
                template="Đơn đề nghị cấp giấy phép xuất bản tài liệu không kinh doanh"),
            doc("Bản thảo tài liệu in trên giấy hoặc tệp điện tử", quantity=2),
            doc("Bản sao quyết định thành lập hoặc Giấy chứng nhận đăng ký doanh nghiệp (đối "
                "với tổ chức)", "copy", mandatory=False),
        ],
        "steps": _ten_day_steps("Đọc, thẩm định nội dung bản thảo"),
        "description": (
            "Cơ quan, tổ chức, cá nhân có tài liệu phát hành không nhằm mục đích kinh doanh "
            "(kỷ yếu, tài liệu hội thảo, tài liệu tuyên truyền...) nộp hồ sơ kèm bản thảo tại "
            "quầy Sở Thông tin và Truyền thông. Sở đọc duyệt nội dung và cấp giấy phép trong "
            "10 ngày."
        ),
    },
    {
        "code": "1.005441", "agency": "STC", "field": "THTK",
        "name": "Đăng ký mã số đơn vị có quan hệ với ngân sách",
        "online_level": "full", "time": days(2), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận mã số đơn vị có quan hệ với ngân sách",
        "legal_basis": "Thông tư 185/2015/TT-BTC",
        "fees": [],
        "documents": [
            doc("Tờ khai đăng ký mã số đơn vị có quan hệ với ngân sách (Mẫu số 01-MSNS-BTC)",
                template="Mẫu số 01-MSNS-BTC"),
            doc("Bản sao quyết định thành lập đơn vị hoặc văn bản giao nhiệm vụ", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra tờ khai", "counter", 2),
            step("Kiểm tra thông tin, cấp mã trên hệ thống đăng ký mã số", "specialist", 8),
            step("Lãnh đạo Phòng Tin học - Thống kê duyệt", "leader", 2),
            step("Trả Giấy chứng nhận", "counter", 4),
        ],
        "description": (
            "Cơ quan, đơn vị sử dụng ngân sách nhà nước trên địa bàn tỉnh kê khai tờ khai trực "
            "tuyến hoặc nộp tại quầy Sở Tài chính. Sở kiểm tra và cấp mã số trong 02 ngày làm "
            "việc để đơn vị giao dịch với Kho bạc Nhà nước."
        ),
    },
    {
        "code": "1.005426", "agency": "STC", "field": "QLG",
        "name": "Quyết định giá thuộc thẩm quyền của cấp tỉnh",
        "online_level": "offline", "time": days(15), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định giá của UBND tỉnh",
        "legal_basis": "Luật Giá số 11/2012/QH13; Nghị định 177/2013/NĐ-CP; "
                       "Thông tư 56/2014/TT-BTC",
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị định giá (theo mẫu)", template="Văn bản đề nghị định giá"),
            doc("Phương án giá hàng hóa, dịch vụ", quantity=2),
            doc("Bản sao các văn bản, tài liệu có liên quan đến phương án giá", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định phương án giá, lấy ý kiến các cơ quan liên quan", "specialist", 56),
            step("Lãnh đạo Sở ký tờ trình UBND tỉnh", "leader", 12),
            step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh quyết định", "committee", 32),
            step("Nhận quyết định, trả kết quả", "counter", 16),
        ],
        "description": (
            "Tổ chức sản xuất, kinh doanh hàng hóa, dịch vụ thuộc danh mục do UBND tỉnh định "
            "giá lập phương án giá và nộp tại quầy Sở Tài chính. Sở thẩm định phương án giá và "
            "trình UBND tỉnh quyết định qua Văn phòng UBND tỉnh (hồ sơ liên thông)."
        ),
    },
    {
        "code": "1.004507", "agency": "SKHCN", "field": "ATBX",
        "name": "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán "
                "trong y tế",
        "online_level": "partial", "time": days(15), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép tiến hành công việc bức xạ",
        "legal_basis": "Luật Năng lượng nguyên tử số 18/2008/QH12; Nghị định 142/2020/NĐ-CP; "
                       "Thông tư 287/2016/TT-BTC",
        "fees": [fee("Phí thẩm định cấp giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế",
                     2000000, "Tính cho mỗi thiết bị")],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép tiến hành công việc bức xạ (theo mẫu)",
                template="Đơn đề nghị cấp giấy phép tiến hành công việc bức xạ"),
            doc("Phiếu khai báo thiết bị X-quang chẩn đoán trong y tế"),
            doc("Bản sao chứng chỉ nhân viên bức xạ của người phụ trách an toàn", "copy"),
            doc("Báo cáo đánh giá an toàn bức xạ"),
            doc("Bản sao biên bản kiểm định thiết bị và kết quả đo kiểm tra liều bức xạ khu "
                "vực làm việc", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Sở", "postal", 4),
            step("Thẩm định hồ sơ, kiểm tra thực tế cơ sở (nếu cần)", "specialist", 84),
            step("Lãnh đạo Sở ký giấy phép", "leader", 16),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Cơ sở khám bệnh, chữa bệnh sử dụng thiết bị X-quang chẩn đoán nộp hồ sơ tại quầy "
            "Sở Khoa học và Công nghệ hoặc trực tuyến. Sở thẩm định điều kiện an toàn bức xạ "
            "và cấp giấy phép; thời gian cơ sở bổ sung hồ sơ không tính vào thời hạn."
        ),
    },
    {
        "code": "1.001764", "agency": "SKHCN", "field": "HDKHCN",
        "name": "Cấp Giấy chứng nhận đăng ký hoạt động lần đầu cho tổ chức khoa học và công nghệ",
        "online_level": "partial", "time": days(15), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "legal_basis": "Luật Khoa học và Công nghệ số 29/2013/QH13; Nghị định 08/2014/NĐ-CP; "
                       "Thông tư 03/2014/TT-BKHCN",
        "fees": [fee("Phí thẩm định điều kiện hoạt động khoa học và công nghệ", 3000000,
                     "Giá trị minh họa; mức thu theo quy định của Bộ Tài chính")],
        "documents": [
            doc("Đơn đăng ký hoạt động khoa học và công nghệ (theo mẫu)",
                template="Đơn đăng ký hoạt động khoa học và công nghệ"),
            doc("Quyết định thành lập và điều lệ tổ chức và hoạt động", "certified_copy"),
            doc("Hồ sơ nhân lực (danh sách, văn bằng, hợp đồng lao động của nhân lực khoa học "
                "và công nghệ)", "copy"),
            doc("Giấy tờ chứng minh trụ sở và cơ sở vật chất - kỹ thuật", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Sở", "postal", 4),
            step("Thẩm định hồ sơ, điều kiện thành lập và hoạt động", "specialist", 84),
            step("Lãnh đạo Sở ký Giấy chứng nhận", "leader", 16),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Tổ chức khoa học và công nghệ có trụ sở tại tỉnh nộp hồ sơ đăng ký hoạt động tại "
            "quầy Sở Khoa học và Công nghệ. Sở thẩm định điều kiện về nhân lực, trụ sở, cơ sở "
            "vật chất và cấp Giấy chứng nhận trong 15 ngày làm việc."
        ),
    },
    {
        "code": "1.005092", "agency": "SGDDT", "field": "VBCC",
        "name": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "online_level": "partial", "time": same_day(), "cutoff": "15:00",
        "applicant": "citizen", "inter_agency": False, "on_the_spot": False,
        "result": "Bản sao văn bằng, chứng chỉ từ sổ gốc",
        "legal_basis": "Nghị định 23/2015/NĐ-CP; Thông tư 21/2019/TT-BGDĐT",
        "fees": [],
        "documents": [
            doc("Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc (theo mẫu)",
                template="Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc"),
            doc("Bản chụp Căn cước công dân hoặc hộ chiếu của người được cấp văn bằng", "copy"),
            doc("Giấy tờ chứng minh quan hệ hoặc văn bản ủy quyền (trường hợp người khác yêu "
                "cầu)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận yêu cầu", "counter", 1),
            step("Tra cứu sổ gốc, lập bản sao", "specialist", 3),
            step("Lãnh đạo Sở ký bản sao", "leader", 1),
            step("Trả kết quả", "counter", 1),
        ],
        "description": (
            "Người được cấp văn bằng, chứng chỉ (hoặc cha, mẹ, vợ, chồng, con, người được ủy "
            "quyền) nộp đơn tại quầy Sở Giáo dục và Đào tạo. Bản sao được cấp ngay trong ngày; "
            "yêu cầu nhận sau 15 giờ được trả trong ngày làm việc tiếp theo."
        ),
    },
    {
        "code": "2.001914", "agency": "SGDDT", "field": "VBCC",
        "name": "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "online_level": "partial", "time": days(5), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Quyết định chỉnh sửa nội dung văn bằng, chứng chỉ",
        "legal_basis": "Nghị định 23/2015/NĐ-CP; Thông tư 21/2019/TT-BGDĐT",
        "fees": [],
        "documents": [
            doc("Đơn đề nghị chỉnh sửa nội dung văn bằng, chứng chỉ (theo mẫu)",
                template="Đơn đề nghị chỉnh sửa văn bằng, chứng chỉ"),
            doc("Văn bằng, chứng chỉ đề nghị chỉnh sửa"),
            doc("Trích lục hoặc quyết định thay đổi, cải chính hộ tịch, xác định lại dân tộc, "
                "xác định lại giới tính", "certified_copy"),
            doc("Bản chụp Căn cước công dân hoặc hộ chiếu", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Đối chiếu sổ gốc, dự thảo quyết định chỉnh sửa", "specialist", 20),
            step("Lãnh đạo Sở ký quyết định", "leader", 8),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Người được cấp văn bằng có thông tin hộ tịch đã được cải chính, thay đổi nộp hồ sơ "
            "tại quầy Sở Giáo dục và Đào tạo hoặc trực tuyến. Sở đối chiếu sổ gốc, ra quyết "
            "định chỉnh sửa và ghi nội dung chỉnh sửa vào văn bằng."
        ),
    },
]
