"""Demo procedures, part 2: land — the city land registry branch, the city Natural Resources
office and the provincial Department of Natural Resources and Environment.

Fees fixed by the Provincial People's Council (HĐND tỉnh) carry a note saying the amount is an
illustration: the real amounts are in Quảng Ngãi's resolutions, which this demo does not cite.
"""

from __future__ import annotations

from portal.catalog.demo_procedures_1 import days, doc, fee, same_day, step

_SECURITY_LAW = ("Bộ luật Dân sự số 91/2015/QH13; Luật Đất đai số 31/2024/QH15; "
                 "Nghị định 99/2022/NĐ-CP")
_LAND_REGISTRATION_LAW = ("Luật Đất đai số 31/2024/QH15; Nghị định 101/2024/NĐ-CP; "
                          "Thông tư 10/2024/TT-BTNMT")
_LAND_ALLOCATION_LAW = "Luật Đất đai số 31/2024/QH15; Nghị định 102/2024/NĐ-CP"
_ILLUSTRATIVE = "Mức thu theo Nghị quyết của HĐND tỉnh (giá trị minh họa)"


def _security_steps() -> list[dict]:
    # Report 62/BC-HCC: mortgage registrations are returned the same working day;
    # a dossier received after 15:00 is returned the next morning.
    return [
        step("Tiếp nhận, kiểm tra hồ sơ, thu lệ phí", "counter", 1),
        step("Kiểm tra, ghi nội dung đăng ký vào Sổ địa chính và Giấy chứng nhận", "specialist",
             3),
        step("Lãnh đạo Chi nhánh ký chứng nhận nội dung đăng ký", "leader", 1),
        step("Trả kết quả", "counter", 1),
    ]


def _request_form() -> dict:
    return doc("Phiếu yêu cầu đăng ký (theo mẫu ban hành kèm theo Nghị định 99/2022/NĐ-CP)",
               template="Phiếu yêu cầu đăng ký biện pháp bảo đảm")


def _certificate() -> dict:
    return doc("Bản gốc Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
               "gắn liền với đất đã cấp")


PROCEDURES: list[dict] = [
    {
        "code": "1.004583", "agency": "VPDKDDTP", "field": "DKBPBD",
        "name": "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "online_level": "partial", "time": same_day(), "cutoff": "15:00", "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Chứng nhận nội dung đăng ký thế chấp trên Giấy chứng nhận và Phiếu yêu cầu "
                  "đăng ký",
        "legal_basis": _SECURITY_LAW,
        "fees": [fee("Lệ phí đăng ký thế chấp", 80000,
                     _ILLUSTRATIVE + "; hộ gia đình, cá nhân vay vốn phát triển nông nghiệp, "
                     "nông thôn được miễn")],
        "documents": [
            _request_form(),
            doc("Hợp đồng thế chấp hoặc hợp đồng thế chấp có công chứng, chứng thực"),
            _certificate(),
            doc("Văn bản ủy quyền (trường hợp người yêu cầu đăng ký là người được ủy quyền)",
                "certified_copy", mandatory=False),
        ],
        "steps": _security_steps(),
        "description": (
            "Bên thế chấp hoặc bên nhận thế chấp (thường là ngân hàng) nộp hồ sơ tại quầy Chi "
            "nhánh Văn phòng Đăng ký đất đai ở Trung tâm hoặc trực tuyến. Kết quả trả ngay "
            "trong ngày làm việc; hồ sơ nhận sau 15 giờ được trả vào buổi sáng ngày làm việc "
            "tiếp theo; trường hợp phải xác minh thêm không quá 03 ngày làm việc."
        ),
    },
    {
        "code": "1.004576", "agency": "VPDKDDTP", "field": "DKBPBD",
        "name": "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất",
        "online_level": "partial", "time": same_day(), "cutoff": "15:00", "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Chứng nhận xóa đăng ký thế chấp trên Giấy chứng nhận",
        "legal_basis": _SECURITY_LAW,
        "fees": [fee("Lệ phí xóa đăng ký biện pháp bảo đảm", 20000, _ILLUSTRATIVE)],
        "documents": [
            doc("Phiếu yêu cầu xóa đăng ký (theo mẫu ban hành kèm theo Nghị định "
                "99/2022/NĐ-CP)", template="Phiếu yêu cầu xóa đăng ký biện pháp bảo đảm"),
            _certificate(),
            doc("Văn bản đồng ý xóa đăng ký của bên nhận bảo đảm (trường hợp bên bảo đảm yêu "
                "cầu xóa)", mandatory=False),
        ],
        "steps": _security_steps(),
        "description": (
            "Sau khi tất toán khoản vay, bên nhận thế chấp hoặc bên thế chấp nộp phiếu yêu cầu "
            "xóa đăng ký tại quầy Chi nhánh. Kết quả trả trong ngày; hồ sơ nhận sau 15 giờ "
            "được trả trong ngày làm việc tiếp theo."
        ),
    },
    {
        "code": "1.004579", "agency": "VPDKDDTP", "field": "DKBPBD",
        "name": "Đăng ký thay đổi nội dung biện pháp bảo đảm bằng quyền sử dụng đất, tài sản "
                "gắn liền với đất đã đăng ký",
        "online_level": "partial", "time": same_day(), "cutoff": "15:00", "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Chứng nhận nội dung đăng ký thay đổi trên Giấy chứng nhận",
        "legal_basis": _SECURITY_LAW,
        "fees": [fee("Lệ phí đăng ký thay đổi nội dung biện pháp bảo đảm", 60000,
                     _ILLUSTRATIVE)],
        "documents": [
            _request_form(),
            doc("Hợp đồng sửa đổi, bổ sung hợp đồng thế chấp hoặc văn bản về việc thay đổi"),
            _certificate(),
        ],
        "steps": _security_steps(),
        "description": (
            "Khi các bên thay đổi bên nhận bảo đảm, bổ sung tài sản hoặc nội dung khác của "
            "biện pháp bảo đảm đã đăng ký, người yêu cầu nộp hồ sơ tại quầy Chi nhánh. Kết quả "
            "trả trong ngày; hồ sơ nhận sau 15 giờ được trả trong ngày làm việc tiếp theo."
        ),
    },
    {
        "code": "1.003010", "agency": "VPDKDDTP", "field": "DD",
        "name": "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
                "trong các trường hợp chuyển đổi, chuyển nhượng, cho thuê, cho thuê lại, thừa "
                "kế, tặng cho, góp vốn bằng quyền sử dụng đất, quyền sở hữu tài sản gắn liền "
                "với đất",
        "online_level": "partial", "time": days(10), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
                  "(cấp mới hoặc xác nhận nội dung biến động)",
        "legal_basis": _LAND_REGISTRATION_LAW,
        "fees": [fee("Lệ phí cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
                     "liền với đất", 50000,
                     _ILLUSTRATIVE + "; thuế thu nhập cá nhân và lệ phí trước bạ nộp theo "
                     "thông báo của cơ quan thuế")],
        "documents": [
            doc("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (theo mẫu)",
                template="Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"),
            doc("Hợp đồng, văn bản về chuyển nhượng, tặng cho, thừa kế, góp vốn có công chứng "
                "hoặc chứng thực"),
            _certificate(),
            doc("Tờ khai thuế thu nhập cá nhân, tờ khai lệ phí trước bạ"),
            doc("Giấy tờ chứng minh thuộc đối tượng được miễn, giảm nghĩa vụ tài chính (nếu "
                "có)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Chi nhánh Văn phòng Đăng ký đất đai", "postal", 4),
            step("Kiểm tra hồ sơ, trích lục hoặc trích đo (nếu cần), chuyển thông tin sang cơ "
                 "quan thuế", "specialist", 24),
            step("Chỉnh lý hồ sơ địa chính, in hoặc xác nhận Giấy chứng nhận", "specialist", 16),
            step("Lãnh đạo Chi nhánh ký Giấy chứng nhận", "leader", 8),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Nhắn tin mời nhận thông báo thuế, thu chứng từ nộp thuế, trả Giấy chứng nhận",
                 "counter", 20),
        ],
        "description": (
            "Người sử dụng đất nộp hồ sơ tại quầy Chi nhánh ở Trung tâm sau khi hợp đồng được "
            "công chứng, chứng thực. Chi nhánh chuyển thông tin sang Chi cục Thuế; Trung tâm "
            "nhắn tin mời chủ hồ sơ nhận thông báo thuế, nộp tiền tại quầy ngân hàng thu hộ và "
            "nhận Giấy chứng nhận trong cùng một lần đến."
        ),
    },
    {
        "code": "1.002993", "agency": "VPDKDDTP", "field": "DD",
        "name": "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
                "gắn liền với đất",
        "online_level": "partial", "time": days(7), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "legal_basis": _LAND_REGISTRATION_LAW,
        "fees": [fee("Lệ phí cấp đổi Giấy chứng nhận", 20000, _ILLUSTRATIVE)],
        "documents": [
            doc("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (ghi nội dung đề nghị "
                "cấp đổi)", template="Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"),
            _certificate(),
            doc("Bản sao hợp đồng thế chấp (trường hợp đất đang thế chấp)", "copy",
                mandatory=False),
            doc("Bản trích đo địa chính thửa đất (trường hợp cấp đổi do đo đạc lại)",
                mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Chi nhánh Văn phòng Đăng ký đất đai", "postal", 4),
            step("Kiểm tra hồ sơ, chỉnh lý hồ sơ địa chính, in Giấy chứng nhận", "specialist",
                 28),
            step("Lãnh đạo Chi nhánh ký Giấy chứng nhận", "leader", 8),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả, thu hồi Giấy chứng nhận cũ", "counter", 8),
        ],
        "description": (
            "Người sử dụng đất có Giấy chứng nhận bị ố, nhòe, rách, hư hỏng hoặc cần đổi do đo "
            "đạc lại nộp hồ sơ tại quầy Chi nhánh ở Trung tâm. Chi nhánh kiểm tra, chỉnh lý hồ "
            "sơ địa chính và cấp Giấy chứng nhận mới; Giấy chứng nhận cũ được thu hồi khi trả "
            "kết quả."
        ),
    },
    {
        "code": "1.004203", "agency": "PTNMTTP", "field": "DD",
        "name": "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền "
                "đối với hộ gia đình, cá nhân",
        "online_level": "partial", "time": days(15), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Quyết định cho phép chuyển mục đích sử dụng đất của UBND thành phố",
        "legal_basis": _LAND_ALLOCATION_LAW,
        "fees": [],
        "documents": [
            doc("Đơn xin chuyển mục đích sử dụng đất (theo mẫu)",
                template="Đơn xin chuyển mục đích sử dụng đất"),
            _certificate(),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Phòng Tài nguyên và Môi trường", "postal", 4),
            step("Thẩm tra hồ sơ, xác minh thực địa, thẩm định nhu cầu chuyển mục đích",
                 "specialist", 56),
            step("Lãnh đạo Phòng ký tờ trình UBND thành phố", "leader", 8),
            step("UBND thành phố ký quyết định cho phép chuyển mục đích", "leader", 16),
            step("Chuyển thông tin xác định tiền sử dụng đất, chỉnh lý hồ sơ địa chính",
                 "specialist", 24),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Hộ gia đình, cá nhân tại thành phố Quảng Ngãi nộp đơn và Giấy chứng nhận tại "
            "Trung tâm. Phòng Tài nguyên và Môi trường thẩm tra, trình UBND thành phố quyết "
            "định; người sử dụng đất nộp tiền sử dụng đất theo thông báo của cơ quan thuế (thời "
            "gian thực hiện nghĩa vụ tài chính không tính vào thời hạn giải quyết)."
        ),
    },
    {
        "code": "1.004206", "agency": "PTNMTTP", "field": "DD",
        "name": "Giao đất, cho thuê đất cho hộ gia đình, cá nhân không thông qua hình thức đấu "
                "giá quyền sử dụng đất",
        "online_level": "offline", "time": days(20), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Quyết định giao đất hoặc cho thuê đất của UBND thành phố",
        "legal_basis": _LAND_ALLOCATION_LAW,
        "fees": [],
        "documents": [
            doc("Đơn xin giao đất, cho thuê đất (theo mẫu)",
                template="Đơn xin giao đất, cho thuê đất"),
            doc("Trích lục bản đồ địa chính hoặc trích đo địa chính thửa đất"),
            doc("Bản chụp giấy tờ tùy thân của người xin giao đất, thuê đất", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Phòng Tài nguyên và Môi trường", "postal", 4),
            step("Thẩm tra hồ sơ, xác minh thực địa", "specialist", 88),
            step("Lãnh đạo Phòng ký tờ trình UBND thành phố", "leader", 12),
            step("UBND thành phố ký quyết định giao đất, cho thuê đất", "leader", 24),
            step("Ký hợp đồng thuê đất, chuyển thông tin sang cơ quan thuế", "specialist", 20),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Hộ gia đình, cá nhân đủ điều kiện được giao đất, thuê đất không qua đấu giá nộp hồ "
            "sơ trực tiếp tại Trung tâm. Phòng Tài nguyên và Môi trường thẩm tra, xác minh "
            "thực địa và trình UBND thành phố quyết định; trường hợp thuê đất thì ký hợp đồng "
            "thuê đất."
        ),
    },
    {
        "code": "1.002040", "agency": "STNMT", "field": "DD",
        "name": "Giao đất, cho thuê đất không đấu giá quyền sử dụng đất, không đấu thầu lựa chọn "
                "nhà đầu tư thực hiện dự án có sử dụng đất",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định giao đất, cho thuê đất của UBND tỉnh; hợp đồng thuê đất",
        "legal_basis": _LAND_ALLOCATION_LAW,
        "fees": [],
        "documents": [
            doc("Đơn xin giao đất, cho thuê đất (theo mẫu)",
                template="Đơn xin giao đất, cho thuê đất"),
            doc("Bản sao văn bản chấp thuận chủ trương đầu tư hoặc quyết định đầu tư", "copy"),
            doc("Trích lục bản đồ địa chính hoặc trích đo địa chính khu đất"),
            doc("Văn bản thẩm định nhu cầu sử dụng đất, điều kiện giao đất, cho thuê đất",
                "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định hồ sơ, kiểm tra thực địa, lấy ý kiến cơ quan liên quan",
                 "specialist", 88),
            step("Lãnh đạo Sở ký tờ trình UBND tỉnh", "leader", 12),
            step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh quyết định", "committee", 32),
            step("Ký hợp đồng thuê đất, chuyển cơ quan thuế xác định nghĩa vụ tài chính",
                 "specialist", 16),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Tổ chức được chấp thuận chủ trương đầu tư nộp hồ sơ tại quầy Sở Tài nguyên và Môi "
            "trường. Sở thẩm định, trình UBND tỉnh qua Văn phòng UBND tỉnh (hồ sơ liên thông); "
            "sau khi có quyết định, Sở ký hợp đồng thuê đất và chuyển cơ quan thuế xác định "
            "tiền thuê đất, tiền sử dụng đất (không tính vào thời hạn giải quyết)."
        ),
    },
    {
        "code": "1.004249", "agency": "STNMT", "field": "MT",
        "name": "Thẩm định báo cáo đánh giá tác động môi trường",
        "online_level": "partial", "time": days(45), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường "
                  "của UBND tỉnh",
        "legal_basis": "Luật Bảo vệ môi trường số 72/2020/QH14; Nghị định 08/2022/NĐ-CP; "
                       "Thông tư 02/2022/TT-BTNMT",
        "fees": [fee("Phí thẩm định báo cáo đánh giá tác động môi trường", 6500000,
                     "Mức thu theo Nghị quyết của HĐND tỉnh, phụ thuộc tổng vốn đầu tư của "
                     "dự án (giá trị minh họa)")],
        "documents": [
            doc("Văn bản đề nghị thẩm định báo cáo đánh giá tác động môi trường (theo mẫu)",
                template="Văn bản đề nghị thẩm định báo cáo đánh giá tác động môi trường"),
            doc("Báo cáo đánh giá tác động môi trường"),
            doc("Báo cáo nghiên cứu khả thi hoặc tài liệu tương đương của dự án", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Kiểm tra hồ sơ, thành lập hội đồng thẩm định", "specialist", 40),
            step("Hội đồng thẩm định họp, khảo sát thực địa, lấy ý kiến", "specialist", 160),
            step("Tổng hợp kết quả thẩm định, dự thảo quyết định phê duyệt", "specialist", 80),
            step("Lãnh đạo Sở ký tờ trình UBND tỉnh", "leader", 16),
            step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh phê duyệt", "committee", 48),
            step("Trả kết quả", "counter", 12),
        ],
        "description": (
            "Chủ dự án thuộc đối tượng phải đánh giá tác động môi trường nộp hồ sơ tại quầy Sở "
            "Tài nguyên và Môi trường hoặc trực tuyến. Sở tổ chức hội đồng thẩm định; thời gian "
            "chủ dự án chỉnh sửa báo cáo không tính vào thời hạn; UBND tỉnh phê duyệt kết quả "
            "thẩm định qua Văn phòng UBND tỉnh (hồ sơ liên thông)."
        ),
    },
]
