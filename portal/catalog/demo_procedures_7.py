"""Vocabulary for the synthetic procedures of ``demo_data.generate_procedures``.

For every (agency, field) of ``demo_data.AGENCIES``: the main law of the field and the things its
procedures act on (licences, certificates, decisions). The generator combines them with real verbs
("Cấp lại", "Gia hạn", "Điều chỉnh"...), so a scaled-up catalog still reads like a real one.
"""

from __future__ import annotations

_LAND_LAW = "Luật Đất đai số 31/2024/QH15"
_ENV_LAW = "Luật Bảo vệ môi trường số 72/2020/QH14"
_FOOD_LAW = "Luật An toàn thực phẩm số 55/2010/QH12"
_EDU_LAW = "Luật Giáo dục số 43/2019/QH14"
_LABOUR_CODE = "Bộ luật Lao động số 45/2019/QH14"
_ROAD_LAW = "Luật Giao thông đường bộ số 23/2008/QH12"
_BUILD_LAW = "Luật Xây dựng số 50/2014/QH13"
_TRADE_LAW = "Luật Thương mại số 36/2005/QH11"

FIELD_VOCABULARY: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("STTTT", "BC"): ("Luật Báo chí số 103/2016/QH13", (
        "giấy phép xuất bản bản tin", "giấy phép xuất bản đặc san")),
    ("STTTT", "XB"): ("Luật Xuất bản số 19/2012/QH13", (
        "giấy phép hoạt động in", "giấy xác nhận đăng ký hoạt động cơ sở in",
        "giấy phép xuất bản tài liệu không kinh doanh")),
    ("STTTT", "BCH"): ("Luật Bưu chính số 49/2010/QH12", (
        "giấy phép bưu chính", "văn bản xác nhận thông báo hoạt động bưu chính")),
    ("STTTT", "PTTH"): ("Nghị định 72/2013/NĐ-CP", (
        "giấy phép thiết lập trang thông tin điện tử tổng hợp",
        "giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử")),
    ("STTTT", "VT"): ("Luật Viễn thông số 41/2009/QH12", (
        "giấy phép lắp đặt cáp viễn thông", "văn bản thỏa thuận vị trí trạm thu phát sóng")),
    ("STC", "QLCS"): ("Luật Quản lý, sử dụng tài sản công số 15/2017/QH14", (
        "quyết định thanh lý tài sản công", "quyết định điều chuyển tài sản công")),
    ("STC", "QLG"): ("Luật Giá số 16/2023/QH15", (
        "văn bản kê khai giá", "phương án giá hàng hóa, dịch vụ")),
    ("STC", "TCDN"): ("Luật số 69/2014/QH13 về quản lý, sử dụng vốn nhà nước đầu tư vào sản "
                      "xuất, kinh doanh tại doanh nghiệp", (
        "phương án sử dụng vốn nhà nước tại doanh nghiệp", "báo cáo tài chính doanh nghiệp")),
    ("STC", "THTK"): ("Thông tư 185/2015/TT-BTC", (
        "mã số đơn vị có quan hệ với ngân sách", "mã số dự án đầu tư xây dựng")),
    ("SGTVT", "DB"): (_ROAD_LAW, (
        "phù hiệu xe", "giấy phép kinh doanh vận tải bằng xe ô tô", "giấy phép lái xe",
        "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn")),
    ("SGTVT", "DTND"): ("Luật Giao thông đường thủy nội địa số 23/2004/QH11", (
        "giấy chứng nhận đăng ký phương tiện thủy nội địa",
        "giấy phép hoạt động bến thủy nội địa")),
    ("SGTVT", "DK"): (_ROAD_LAW, (
        "giấy chứng nhận thẩm định thiết kế xe cơ giới cải tạo",
        "giấy chứng nhận chất lượng xe cơ giới cải tạo")),
    ("STNMT", "DD"): (_LAND_LAW, (
        "quyết định giao đất", "quyết định cho thuê đất", "hợp đồng thuê đất")),
    ("STNMT", "MT"): (_ENV_LAW, (
        "giấy phép môi trường", "phương án cải tạo, phục hồi môi trường")),
    ("STNMT", "TNN"): ("Luật Tài nguyên nước số 28/2023/QH15", (
        "giấy phép khai thác, sử dụng nước dưới đất", "giấy phép khai thác, sử dụng nước mặt",
        "giấy phép thăm dò nước dưới đất")),
    ("STNMT", "DCKS"): ("Luật Khoáng sản số 60/2010/QH12", (
        "giấy phép thăm dò khoáng sản", "giấy phép khai thác khoáng sản",
        "giấy phép khai thác tận thu khoáng sản")),
    ("STNMT", "DDBD"): ("Luật Đo đạc và bản đồ số 27/2018/QH14", (
        "giấy phép hoạt động đo đạc và bản đồ", "chứng chỉ hành nghề đo đạc và bản đồ")),
    ("SKHCN", "HDKHCN"): ("Luật Khoa học và Công nghệ số 29/2013/QH13", (
        "giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "giấy chứng nhận doanh nghiệp khoa học và công nghệ")),
    ("SKHCN", "ATBX"): ("Luật Năng lượng nguyên tử số 18/2008/QH12", (
        "giấy phép tiến hành công việc bức xạ", "chứng chỉ nhân viên bức xạ")),
    ("SKHCN", "TDC"): ("Luật Tiêu chuẩn và Quy chuẩn kỹ thuật số 68/2006/QH11", (
        "thông báo tiếp nhận hồ sơ công bố hợp quy",
        "quyết định chỉ định tổ chức thử nghiệm, chứng nhận")),
    ("SKHCN", "SHTT"): ("Luật Sở hữu trí tuệ số 50/2005/QH11", (
        "văn bản cho phép sử dụng chỉ dẫn địa lý", "văn bản xác nhận nhãn hiệu tập thể")),
    ("SGDDT", "VBCC"): ("Thông tư 21/2019/TT-BGDĐT", (
        "văn bằng, chứng chỉ", "bằng tốt nghiệp trung học phổ thông")),
    ("SGDDT", "GDTH"): (_EDU_LAW, (
        "quyết định cho phép trường trung học phổ thông hoạt động giáo dục",
        "quyết định thành lập trường trung học phổ thông tư thục")),
    ("SGDDT", "TTS"): (_EDU_LAW, (
        "giấy chứng nhận tốt nghiệp tạm thời", "giấy chứng nhận kết quả thi")),
    ("SGDDT", "CSGDK"): (_EDU_LAW, (
        "quyết định cho phép trung tâm ngoại ngữ, tin học hoạt động",
        "giấy chứng nhận đăng ký hoạt động giáo dục kỹ năng sống")),
    ("SLDTBXH", "VL"): (_LABOUR_CODE, (
        "giấy phép lao động", "giấy phép hoạt động dịch vụ việc làm",
        "văn bản xác nhận không thuộc diện cấp giấy phép lao động")),
    ("SLDTBXH", "LDTL"): (_LABOUR_CODE, (
        "nội quy lao động", "giấy phép hoạt động cho thuê lại lao động")),
    ("SLDTBXH", "ATLD"): ("Luật An toàn, vệ sinh lao động số 84/2015/QH13", (
        "giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động",
        "văn bản khai báo sử dụng thiết bị có yêu cầu nghiêm ngặt về an toàn lao động")),
    ("SLDTBXH", "NCC"): ("Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14", (
        "giấy chứng nhận thân nhân liệt sĩ", "hồ sơ hưởng trợ cấp ưu đãi")),
    ("SLDTBXH", "BTXH"): ("Nghị định 20/2021/NĐ-CP", (
        "giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội",
        "giấy phép hoạt động cơ sở trợ giúp xã hội")),
    ("SLDTBXH", "GDNN"): ("Luật Giáo dục nghề nghiệp số 74/2014/QH13", (
        "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
        "quyết định thành lập trung tâm giáo dục nghề nghiệp tư thục")),
    ("SNV", "TCPCP"): ("Nghị định 45/2010/NĐ-CP", (
        "điều lệ hội", "giấy phép thành lập hội", "giấy phép thành lập quỹ xã hội, quỹ từ thiện")),
    ("SNV", "TDKT"): ("Luật Thi đua, khen thưởng số 06/2022/QH15", (
        "bằng khen của Chủ tịch UBND tỉnh", "danh hiệu Tập thể lao động xuất sắc")),
    ("SNV", "VTLT"): ("Luật Lưu trữ số 01/2011/QH13", (
        "chứng chỉ hành nghề lưu trữ", "bản sao tài liệu lưu trữ")),
    ("SNV", "TNTG"): ("Luật Tín ngưỡng, tôn giáo số 02/2016/QH14", (
        "văn bản chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo",
        "văn bản chấp thuận thuyên chuyển chức sắc, chức việc")),
    ("SNV", "CCVC"): ("Luật Cán bộ, công chức số 22/2008/QH12", (
        "quyết định tiếp nhận vào công chức", "quyết định nâng ngạch công chức")),
    ("STP", "LLTP"): ("Luật Lý lịch tư pháp số 28/2009/QH12", (
        "phiếu lý lịch tư pháp", "thông tin lý lịch tư pháp về cấm đảm nhiệm chức vụ")),
    ("STP", "HT"): ("Luật Hộ tịch số 60/2014/QH13", (
        "bản sao trích lục hộ tịch", "trích lục thay đổi, cải chính hộ tịch")),
    ("STP", "QT"): ("Luật Quốc tịch Việt Nam số 24/2008/QH12", (
        "giấy xác nhận có quốc tịch Việt Nam", "giấy xác nhận là người gốc Việt Nam")),
    ("STP", "CC"): ("Luật Công chứng số 53/2014/QH13", (
        "thẻ công chứng viên", "giấy đăng ký hoạt động văn phòng công chứng")),
    ("STP", "LS"): ("Luật Luật sư số 65/2006/QH11", (
        "giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
        "giấy đăng ký hoạt động của chi nhánh công ty luật nước ngoài")),
    ("STP", "TGPL"): ("Luật Trợ giúp pháp lý số 11/2017/QH14", (
        "thẻ cộng tác viên trợ giúp pháp lý", "hợp đồng thực hiện trợ giúp pháp lý")),
    ("SKHDT", "TLDN"): ("Luật Doanh nghiệp số 59/2020/QH14", (
        "giấy chứng nhận đăng ký doanh nghiệp",
        "giấy chứng nhận đăng ký hoạt động chi nhánh, văn phòng đại diện",
        "nội dung đăng ký doanh nghiệp")),
    ("SKHDT", "DTVN"): ("Luật Đầu tư số 61/2020/QH14", (
        "giấy chứng nhận đăng ký đầu tư", "quyết định chấp thuận chủ trương đầu tư")),
    ("SKHDT", "HTX"): ("Luật Hợp tác xã số 17/2023/QH15", (
        "giấy chứng nhận đăng ký liên hiệp hợp tác xã",
        "giấy chứng nhận đăng ký chi nhánh liên hiệp hợp tác xã")),
    ("SCT", "XTTM"): (_TRADE_LAW, (
        "văn bản xác nhận đăng ký thực hiện khuyến mại",
        "văn bản xác nhận đăng ký tổ chức hội chợ, triển lãm thương mại")),
    ("SCT", "LTHH"): (_TRADE_LAW, (
        "giấy phép bán buôn sản phẩm rượu", "giấy phép bán buôn sản phẩm thuốc lá",
        "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu")),
    ("SCT", "ATTP"): (_FOOD_LAW, (
        "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "giấy xác nhận kiến thức an toàn thực phẩm")),
    ("SCT", "DIEN"): ("Luật Điện lực số 28/2004/QH11", (
        "giấy phép hoạt động điện lực", "thẻ kiểm tra viên điện lực")),
    ("SCT", "HC"): ("Luật Hóa chất số 06/2007/QH12", (
        "giấy chứng nhận đủ điều kiện kinh doanh hóa chất có điều kiện",
        "kế hoạch phòng ngừa, ứng phó sự cố hóa chất")),
    ("SXD", "HDXD"): (_BUILD_LAW, (
        "giấy phép xây dựng", "chứng chỉ hành nghề hoạt động xây dựng",
        "chứng chỉ năng lực hoạt động xây dựng")),
    ("SXD", "QHKT"): ("Luật Quy hoạch đô thị số 30/2009/QH12", (
        "giấy phép quy hoạch", "chứng chỉ hành nghề kiến trúc")),
    ("SXD", "NO"): ("Luật Nhà ở số 27/2023/QH15", (
        "văn bản thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán",
        "hợp đồng thuê nhà ở công vụ")),
    ("SXD", "KDBDS"): ("Luật Kinh doanh bất động sản số 29/2023/QH15", (
        "chứng chỉ hành nghề môi giới bất động sản",
        "văn bản chấp thuận chuyển nhượng dự án bất động sản")),
    ("SXD", "VLXD"): (_BUILD_LAW, (
        "thông báo tiếp nhận công bố hợp quy sản phẩm vật liệu xây dựng",
        "văn bản xác nhận dây chuyền sản xuất vật liệu xây dựng")),
    ("SNNPTNT", "TY"): ("Luật Thú y số 79/2015/QH13", (
        "giấy chứng nhận kiểm dịch động vật", "giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
        "chứng chỉ hành nghề thú y")),
    ("SNNPTNT", "TS"): ("Luật Thủy sản số 18/2017/QH14", (
        "giấy phép khai thác thủy sản", "giấy chứng nhận đăng ký tàu cá",
        "giấy chứng nhận an toàn kỹ thuật tàu cá")),
    ("SNNPTNT", "BVTV"): ("Luật Bảo vệ và kiểm dịch thực vật số 41/2013/QH13", (
        "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
        "giấy xác nhận nội dung quảng cáo thuốc bảo vệ thực vật")),
    ("SNNPTNT", "LN"): ("Luật Lâm nghiệp số 16/2017/QH14", (
        "phương án khai thác thực vật rừng", "mã số cơ sở nuôi, trồng các loài động vật, "
        "thực vật hoang dã")),
    ("SNNPTNT", "QLCL"): (_FOOD_LAW, (
        "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản",
        "giấy xác nhận kiến thức an toàn thực phẩm nông, lâm, thủy sản")),
    ("SNNPTNT", "TL"): ("Luật Thủy lợi số 08/2017/QH14", (
        "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
        "phương án bảo vệ đập, hồ chứa nước")),
    ("SVHTTDL", "DL"): ("Luật Du lịch số 09/2017/QH14", (
        "thẻ hướng dẫn viên du lịch", "giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "quyết định công nhận hạng cơ sở lưu trú du lịch")),
    ("SVHTTDL", "VHCS"): ("Nghị định 54/2019/NĐ-CP", (
        "giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        "giấy phép đủ điều kiện kinh doanh dịch vụ vũ trường")),
    ("SVHTTDL", "NTBD"): ("Nghị định 144/2020/NĐ-CP", (
        "văn bản chấp thuận tổ chức biểu diễn nghệ thuật",
        "văn bản chấp thuận tổ chức cuộc thi người đẹp")),
    ("SVHTTDL", "DSVH"): ("Luật Di sản văn hóa số 28/2001/QH10", (
        "giấy phép khai quật khẩn cấp", "giấy chứng nhận đăng ký di vật, cổ vật")),
    ("SVHTTDL", "TDTT"): ("Luật Thể dục, thể thao số 77/2006/QH11", (
        "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
        "văn bản chấp thuận tổ chức giải thể thao quần chúng")),
    ("SVHTTDL", "GD"): ("Luật Phòng, chống bạo lực gia đình số 13/2022/QH15", (
        "giấy chứng nhận đăng ký hoạt động trợ giúp nạn nhân bạo lực gia đình",
        "giấy chứng nhận nghiệp vụ chăm sóc nạn nhân bạo lực gia đình")),
    ("SYT", "KCB"): ("Luật Khám bệnh, chữa bệnh số 15/2023/QH15", (
        "giấy phép hoạt động khám bệnh, chữa bệnh", "giấy phép hành nghề khám bệnh, chữa bệnh")),
    ("SYT", "DUOC"): ("Luật Dược số 105/2016/QH13", (
        "chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược")),
    ("SYT", "ATTP"): (_FOOD_LAW, (
        "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "giấy tiếp nhận đăng ký bản công bố sản phẩm")),
    ("SYT", "TTBYT"): ("Nghị định 98/2021/NĐ-CP", (
        "số lưu hành trang thiết bị y tế loại A",
        "bản công bố đủ điều kiện mua bán trang thiết bị y tế")),
    ("SYT", "MP"): ("Nghị định 93/2016/NĐ-CP", (
        "phiếu tiếp nhận bản công bố sản phẩm mỹ phẩm",
        "giấy chứng nhận đủ điều kiện sản xuất mỹ phẩm")),
    ("SNGV", "LS"): ("Nghị định 111/2011/NĐ-CP", (
        "chứng nhận lãnh sự giấy tờ, tài liệu", "hợp pháp hóa lãnh sự giấy tờ, tài liệu")),
    ("SNGV", "HNHT"): ("Quyết định 06/2020/QĐ-TTg", (
        "văn bản cho phép tổ chức hội nghị, hội thảo quốc tế",
        "văn bản cho phép đón đoàn khách nước ngoài")),
    ("SNGV", "VTPCP"): ("Nghị định 80/2020/NĐ-CP", (
        "văn bản phê duyệt khoản viện trợ phi chính phủ nước ngoài",
        "văn bản tiếp nhận khoản viện trợ phi chính phủ nước ngoài")),
    ("VPDKDDTP", "DKBPBD"): ("Nghị định 99/2022/NĐ-CP", (
        "đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "đăng ký thế chấp tài sản gắn liền với đất hình thành trong tương lai")),
    ("VPDKDDTP", "DD"): (_LAND_LAW, (
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "bản trích đo địa chính thửa đất", "thông tin, dữ liệu đất đai")),
    ("PTNMTTP", "DD"): (_LAND_LAW, (
        "quyết định chuyển mục đích sử dụng đất",
        "quyết định giao đất, cho thuê đất cho hộ gia đình, cá nhân")),
    ("PTNMTTP", "MT"): (_ENV_LAW, (
        "giấy phép môi trường cấp huyện", "hồ sơ đăng ký môi trường")),
    ("VPUBND", "LT"): ("Nghị định 61/2018/NĐ-CP", (
        "hồ sơ liên thông trình UBND tỉnh", "hồ sơ trình Chủ tịch UBND tỉnh quyết định")),
    ("VPUBND", "PAKN"): ("Nghị định 20/2008/NĐ-CP", (
        "phản ánh, kiến nghị về quy định hành chính",
        "phản ánh, kiến nghị về giải quyết thủ tục hành chính")),
}
