"""catalog.ranking: the order of search results (the procedure people mean first)."""

from portal.catalog.ranking import result_order
from portal.core.text import search_terms


def _ranked(names, query, positions=None):
    positions = positions or {}
    rows = [(name, positions.get(name, 1), n) for n, name in enumerate(names)]
    return [row[0] for row in sorted(rows, key=result_order(search_terms(query)))]


def test_the_phrase_earliest_then_shorter_names_then_words_apart():
    names = ["Gia hạn phiếu lý lịch tư pháp cấp tỉnh",
             "Bổ sung nội dung phiếu lý lịch tư pháp",
             "Lý lịch tư pháp: cấp bản sao",
             "Cấp lại phiếu lý lịch tư pháp",
             "Lý lịch tư pháp",
             "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
             "Xác nhận lý lịch của công chức tư pháp"]
    assert _ranked(names, "ly lich tu phap") == [
        "Lý lịch tư pháp",  # the exact name
        "Lý lịch tư pháp: cấp bản sao",  # starts with the query
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",  # two words before it
        "Cấp lại phiếu lý lịch tư pháp",  # three words before, then shorter first
        "Gia hạn phiếu lý lịch tư pháp cấp tỉnh",
        "Bổ sung nội dung phiếu lý lịch tư pháp",
        "Xác nhận lý lịch của công chức tư pháp",  # every word, not as a phrase
    ]


def test_ties_by_agency_then_vietnamese_collation_and_browsing_ignores_relevance():
    names = ["Thẩm định giá", "Đăng ký", "Duyệt", "Cấp mã số", "Ăn"]
    assert _ranked(names, "") == ["Ăn", "Cấp mã số", "Duyệt", "Đăng ký", "Thẩm định giá"]
    assert _ranked(names, "", {"Thẩm định giá": 0}) == [
        "Thẩm định giá", "Ăn", "Cấp mã số", "Duyệt", "Đăng ký"]
