"""Demo procedures, part 5: Labour - Invalids and Social Affairs, Home Affairs, Construction."""

from __future__ import annotations

from portal.catalog.demo_procedures_1 import days, doc, fee, step

_LABOUR_CODE = "Bộ luật Lao động số 45/2019/QH14"
_ASSOCIATION_LAW = "Nghị định 45/2010/NĐ-CP; Nghị định 33/2012/NĐ-CP; Thông tư 03/2013/TT-BNV"
_CONSTRUCTION_LAW = ("Luật Xây dựng số 50/2014/QH13; Luật số 62/2020/QH14 sửa đổi, bổ sung một "
                     "số điều của Luật Xây dựng; Nghị định 15/2021/NĐ-CP")


PROCEDURES: list[dict] = [
    {
        "code": "1.000459", "agency": "SLDTBXH", "field": "VL",
        "name": "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "online_level": "partial", "time": days(5), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép lao động",
        "legal_basis": _LABOUR_CODE + "; Nghị định 152/2020/NĐ-CP; Nghị định 70/2023/NĐ-CP",
        "fees": [fee("Lệ phí cấp giấy phép lao động", 600000,
                     "Mức thu theo Nghị quyết của HĐND tỉnh (giá trị minh họa)")],
        "documents": [
            doc("Văn bản đề nghị cấp giấy phép lao động của người sử dụng lao động (Mẫu số "
                "11/PLI, Nghị định 152/2020/NĐ-CP)", template="Mẫu số 11/PLI"),
            doc("Giấy chứng nhận sức khỏe hoặc giấy khám sức khỏe còn giá trị"),
            doc("Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải là người phạm tội, "
                "không bị truy cứu trách nhiệm hình sự"),
            doc("Văn bản, giấy tờ chứng minh là nhà quản lý, giám đốc điều hành, chuyên gia "
                "hoặc lao động kỹ thuật", "certified_copy"),
            doc("02 ảnh màu cỡ 4 cm x 6 cm, phông nền trắng", quantity=2),
            doc("Bản sao hộ chiếu còn giá trị", "certified_copy"),
            doc("Văn bản chấp thuận nhu cầu sử dụng người lao động nước ngoài", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định hồ sơ, đối chiếu văn bản chấp thuận nhu cầu", "specialist", 20),
            step("Lãnh đạo Sở ký giấy phép", "leader", 8),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Người sử dụng lao động nộp hồ sơ trước ít nhất 15 ngày kể từ ngày người lao động "
            "nước ngoài dự kiến bắt đầu làm việc, trực tuyến hoặc tại quầy Sở Lao động - "
            "Thương binh và Xã hội. Sở thẩm định và cấp giấy phép lao động trong 05 ngày làm "
            "việc kể từ khi nhận đủ hồ sơ."
        ),
    },
    {
        "code": "1.001865", "agency": "SLDTBXH", "field": "LDTL",
        "name": "Đăng ký nội quy lao động của doanh nghiệp",
        "online_level": "partial", "time": days(7), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Thông báo về việc đăng ký nội quy lao động",
        "legal_basis": _LABOUR_CODE + "; Nghị định 145/2020/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị đăng ký nội quy lao động"),
            doc("Nội quy lao động"),
            doc("Văn bản góp ý của tổ chức đại diện người lao động tại cơ sở (nếu có)",
                mandatory=False),
            doc("Các văn bản của người sử dụng lao động quy định liên quan đến kỷ luật lao "
                "động, trách nhiệm vật chất (nếu có)", "copy", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Xem xét nội dung nội quy lao động", "specialist", 32),
            step("Lãnh đạo Phòng ký thông báo", "leader", 8),
            step("Trả kết quả", "counter", 12),
        ],
        "description": (
            "Người sử dụng lao động sử dụng từ 10 người lao động trở lên nộp hồ sơ trong 10 "
            "ngày kể từ ngày ban hành nội quy, tại quầy Sở Lao động - Thương binh và Xã hội "
            "hoặc trực tuyến. Sở thông báo nếu nội quy có nội dung trái pháp luật; nếu không, "
            "nội quy có hiệu lực sau 15 ngày kể từ ngày Sở nhận hồ sơ."
        ),
    },
    {
        "code": "1.000337", "agency": "SLDTBXH", "field": "GDNN",
        "name": "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trung tâm "
                "giáo dục nghề nghiệp, trường trung cấp, doanh nghiệp",
        "online_level": "partial", "time": days(10), "cutoff": None, "applicant": "business",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
        "legal_basis": "Luật Giáo dục nghề nghiệp số 74/2014/QH13; Nghị định 143/2016/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Văn bản đề nghị cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp "
                "(theo mẫu)", template="Văn bản đề nghị cấp giấy chứng nhận đăng ký hoạt động "
                                       "giáo dục nghề nghiệp"),
            doc("Bản sao quyết định thành lập hoặc cho phép thành lập", "copy"),
            doc("Báo cáo thực trạng về cơ sở vật chất, thiết bị, đội ngũ nhà giáo, chương "
                "trình, giáo trình đào tạo"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định hồ sơ, kiểm tra thực tế điều kiện đào tạo", "specialist", 56),
            step("Lãnh đạo Sở ký giấy chứng nhận", "leader", 12),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Trung tâm giáo dục nghề nghiệp, trường trung cấp, doanh nghiệp tổ chức đào tạo "
            "nghề trình độ sơ cấp nộp hồ sơ tại quầy Sở Lao động - Thương binh và Xã hội. Sở "
            "thẩm định, kiểm tra thực tế và cấp giấy chứng nhận trong 10 ngày làm việc."
        ),
    },
    {
        "code": "1.003918", "agency": "SNV", "field": "TCPCP",
        "name": "Công nhận ban vận động thành lập hội",
        "online_level": "offline", "time": days(30), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Quyết định công nhận ban vận động thành lập hội",
        "legal_basis": _ASSOCIATION_LAW,
        "fees": [],
        "documents": [
            doc("Đơn đề nghị công nhận ban vận động thành lập hội"),
            doc("Danh sách, sơ yếu lý lịch và phiếu lý lịch tư pháp của người đứng đầu và các "
                "thành viên ban vận động"),
            doc("Văn bản đồng ý của cơ quan có thẩm quyền (đối với thành viên là cán bộ, công "
                "chức, viên chức)", mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Sở Nội vụ", "postal", 4),
            step("Thẩm định, lấy ý kiến cơ quan quản lý nhà nước về lĩnh vực hoạt động chính "
                 "của hội", "specialist", 160),
            step("Dự thảo quyết định công nhận", "specialist", 40),
            step("Lãnh đạo Sở ký quyết định", "leader", 16),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả", "counter", 12),
        ],
        "description": (
            "Những người sáng lập hội có phạm vi hoạt động trong tỉnh nộp hồ sơ trực tiếp tại "
            "Trung tâm. Sở Nội vụ lấy ý kiến cơ quan quản lý ngành, lĩnh vực liên quan rồi quyết "
            "định công nhận ban vận động trong 30 ngày."
        ),
    },
    {
        "code": "1.003900", "agency": "SNV", "field": "TCPCP",
        "name": "Phê duyệt điều lệ hội",
        "online_level": "offline", "time": days(30), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định phê duyệt điều lệ hội của Chủ tịch UBND tỉnh",
        "legal_basis": _ASSOCIATION_LAW,
        "fees": [],
        "documents": [
            doc("Đơn đề nghị phê duyệt điều lệ hội"),
            doc("Điều lệ và biên bản thông qua điều lệ hội"),
            doc("Nghị quyết đại hội"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định điều lệ, lấy ý kiến cơ quan liên quan", "specialist", 140),
            step("Lãnh đạo Sở ký tờ trình Chủ tịch UBND tỉnh", "leader", 16),
            step("Văn phòng UBND tỉnh thẩm tra, trình Chủ tịch UBND tỉnh quyết định",
                 "committee", 56),
            step("Nhận quyết định, trả kết quả", "counter", 24),
        ],
        "description": (
            "Sau đại hội, hội có phạm vi hoạt động trong tỉnh nộp hồ sơ đề nghị phê duyệt điều "
            "lệ tại Trung tâm. Sở Nội vụ thẩm định và trình Chủ tịch UBND tỉnh phê duyệt qua "
            "Văn phòng UBND tỉnh (hồ sơ liên thông)."
        ),
    },
    {
        "code": "1.009994", "agency": "SXD", "field": "HDXD",
        "name": "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II "
                "(công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng "
                "đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo tuyến/Theo giai "
                "đoạn cho công trình theo tuyến trong đô thị/Dự án)",
        "online_level": "partial", "time": days(20), "cutoff": None, "applicant": "both",
        "inter_agency": False, "on_the_spot": False,
        "result": "Giấy phép xây dựng",
        "legal_basis": _CONSTRUCTION_LAW,
        "fees": [fee("Lệ phí cấp giấy phép xây dựng", 100000,
                     "Mức thu theo Nghị quyết của HĐND tỉnh (giá trị minh họa)")],
        "documents": [
            doc("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II, Nghị định "
                "15/2021/NĐ-CP)", template="Mẫu số 01 Phụ lục II, Nghị định 15/2021/NĐ-CP"),
            doc("Bản sao giấy tờ chứng minh quyền sử dụng đất", "copy"),
            doc("Bản sao quyết định phê duyệt dự án và văn bản thông báo kết quả thẩm định "
                "của cơ quan chuyên môn về xây dựng", "copy"),
            doc("Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, phương án kết nối hạ "
                "tầng kỹ thuật)", quantity=2),
            doc("Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế", "original",
                mandatory=False),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Chuyển hồ sơ về Sở Xây dựng", "postal", 4),
            step("Thẩm định hồ sơ, kiểm tra thực địa, lấy ý kiến cơ quan liên quan",
                 "specialist", 112),
            step("Dự thảo giấy phép xây dựng", "specialist", 16),
            step("Lãnh đạo Sở ký giấy phép", "leader", 16),
            step("Chuyển kết quả về Trung tâm", "postal", 4),
            step("Trả kết quả", "counter", 4),
        ],
        "description": (
            "Chủ đầu tư công trình cấp đặc biệt, cấp I, cấp II trên địa bàn tỉnh nộp hồ sơ tại "
            "quầy Sở Xây dựng hoặc trực tuyến. Sở thẩm định, kiểm tra thực địa, lấy ý kiến các "
            "cơ quan quản lý liên quan và cấp giấy phép trong 20 ngày."
        ),
    },
    {
        "code": "1.009940", "agency": "SXD", "field": "HDXD",
        "name": "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        "online_level": "full", "time": days(20), "cutoff": None, "applicant": "citizen",
        "inter_agency": False, "on_the_spot": False,
        "result": "Chứng chỉ hành nghề hoạt động xây dựng",
        "legal_basis": _CONSTRUCTION_LAW,
        "fees": [fee("Lệ phí cấp chứng chỉ hành nghề hoạt động xây dựng", 300000,
                     "Cấp lại, điều chỉnh, bổ sung nội dung: 150.000 đồng/chứng chỉ")],
        "documents": [
            doc("Đơn đề nghị cấp chứng chỉ hành nghề hoạt động xây dựng (theo mẫu)",
                template="Đơn đề nghị cấp chứng chỉ hành nghề hoạt động xây dựng"),
            doc("02 ảnh màu cỡ 4 cm x 6 cm", quantity=2),
            doc("Văn bằng do cơ sở đào tạo hợp pháp cấp phù hợp với lĩnh vực đề nghị cấp chứng "
                "chỉ", "copy"),
            doc("Bản khai kinh nghiệm công việc chuyên môn (theo mẫu)",
                template="Bản khai kinh nghiệm công việc chuyên môn"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Kiểm tra hồ sơ năng lực, kinh nghiệm", "specialist", 60),
            step("Tổ chức sát hạch", "specialist", 48),
            step("Hội đồng xét cấp chứng chỉ họp, đề xuất", "specialist", 24),
            step("Lãnh đạo Sở ký chứng chỉ", "leader", 16),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Cá nhân hành nghề khảo sát, thiết kế, giám sát, định giá xây dựng nộp hồ sơ trực "
            "tuyến hoặc tại quầy Sở Xây dựng. Sở kiểm tra hồ sơ, tổ chức sát hạch và cấp chứng "
            "chỉ theo đề xuất của hội đồng xét cấp; chứng chỉ có hiệu lực 05 năm."
        ),
    },
    {
        "code": "1.008432", "agency": "SXD", "field": "QHKT",
        "name": "Thẩm định nhiệm vụ, nhiệm vụ điều chỉnh quy hoạch chi tiết của dự án đầu tư xây "
                "dựng công trình theo hình thức kinh doanh thuộc thẩm quyền phê duyệt của UBND "
                "cấp tỉnh",
        "online_level": "offline", "time": days(20), "cutoff": None, "applicant": "business",
        "inter_agency": True, "on_the_spot": False,
        "result": "Quyết định phê duyệt nhiệm vụ quy hoạch chi tiết của UBND tỉnh",
        "legal_basis": "Luật Quy hoạch đô thị số 30/2009/QH12; Luật Xây dựng số 50/2014/QH13; "
                       "Nghị định 44/2015/NĐ-CP",
        "fees": [],
        "documents": [
            doc("Tờ trình đề nghị thẩm định, phê duyệt nhiệm vụ quy hoạch chi tiết"),
            doc("Thuyết minh nhiệm vụ quy hoạch chi tiết", quantity=2),
            doc("Bản vẽ sơ đồ vị trí, ranh giới khu vực lập quy hoạch", quantity=2),
            doc("Bản sao văn bản chấp thuận chủ trương đầu tư hoặc văn bản cho phép nghiên cứu "
                "lập quy hoạch", "copy"),
        ],
        "steps": [
            step("Tiếp nhận, kiểm tra hồ sơ", "counter", 4),
            step("Thẩm định nhiệm vụ quy hoạch, lấy ý kiến cơ quan liên quan", "specialist",
                 80),
            step("Lãnh đạo Sở ký báo cáo thẩm định, trình UBND tỉnh", "leader", 12),
            step("Văn phòng UBND tỉnh thẩm tra, trình UBND tỉnh phê duyệt", "committee", 40),
            step("Sao lục, đóng dấu hồ sơ đã phê duyệt", "specialist", 16),
            step("Trả kết quả", "counter", 8),
        ],
        "description": (
            "Chủ đầu tư dự án xây dựng công trình theo hình thức kinh doanh nộp hồ sơ nhiệm vụ "
            "quy hoạch chi tiết tại quầy Sở Xây dựng. Sở thẩm định, lấy ý kiến cơ quan liên "
            "quan và trình UBND tỉnh phê duyệt qua Văn phòng UBND tỉnh (hồ sơ liên thông)."
        ),
    },
]
