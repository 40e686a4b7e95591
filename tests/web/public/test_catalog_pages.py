"""Public catalog: browse, accent-insensitive search (full page and htmx partial), pages."""

import re

import factories

from portal.catalog import operations as catalog_ops
from portal.catalog import queries
from portal.catalog.models import OnlineLevel
from portal.extensions import db


def _catalog(app):
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        land = factories.agency("VPDK", "Văn phòng Đăng ký đất đai")
        factories.published_procedure(land, name="Đăng ký thế chấp quyền sử dụng đất",
                                      code="1.004583")
        factories.published_procedure(justice, name="Cấp Phiếu lý lịch tư pháp cho công dân",
                                      code="2.000488", online_level=OnlineLevel.PARTIAL)
        factories.published_procedure(justice, name="Đổi giấy đăng ký thể thao chấp thuận",
                                      code="1.000111", online_level=OnlineLevel.OFFLINE)
        draft = catalog_ops.create_procedure(
            factories.procedure_data(justice, name="Thủ tục nháp chưa công bố", code="9.999999"),
            None)
        db.session.commit()
        return {"justice": justice.id, "land": land.id, "draft": draft.id}


def test_home_lists_agencies_with_counts(client, app):
    _catalog(app)
    page = client.get("/").get_data(as_text=True)
    assert "Sở Tư pháp" in page and "2 thủ tục" in page
    assert 'lang="vi"' in page


def test_search_is_accent_insensitive_and_ranks_phrase_first(client, app):
    _catalog(app)
    page = client.get("/thu-tuc?q=dang+ky+the+chap").get_data(as_text=True)
    assert "Tìm thấy 2 thủ tục" in page  # both contain every word
    assert page.index("Đăng ký thế chấp quyền") < page.index("Đổi giấy đăng ký thể thao")
    assert "Tìm thấy 1 thủ tục" in client.get("/thu-tuc?q=ĐĂNG KÝ THẾ CHẤP quyen").get_data(
        as_text=True)
    assert "Tìm thấy 1 thủ tục" in client.get("/thu-tuc?q=ly+lich+tu+phap").get_data(as_text=True)


def test_drafts_are_never_listed(client, app):
    ids = _catalog(app)
    assert "Thủ tục nháp" not in client.get("/thu-tuc?q=nhap").get_data(as_text=True)
    assert client.get("/thu-tuc/9.999999").status_code == 404
    assert ids["draft"]


def test_filters_by_agency_and_level(client, app):
    ids = _catalog(app)
    page = client.get(f"/thu-tuc?agency={ids['justice']}").get_data(as_text=True)
    assert "Tìm thấy 2 thủ tục" in page and "thế chấp" not in page
    page = client.get("/thu-tuc?level=partial").get_data(as_text=True)
    assert "Tìm thấy 1 thủ tục" in page and "lý lịch tư pháp" in page


def test_htmx_search_returns_only_the_results_fragment(client, app):
    _catalog(app)
    response = client.get("/thu-tuc?q=the+chap", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "Tìm thấy 2 thủ tục" in body
    assert "HX-Request" in response.headers.get("Vary", "")
    history = client.get("/thu-tuc?q=the+chap",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in history.get_data(as_text=True)


def test_empty_search_shows_guidance(client, app):
    _catalog(app)
    page = client.get("/thu-tuc?q=khong+ton+tai+xyz").get_data(as_text=True)
    assert "Không tìm thấy thủ tục phù hợp" in page


def test_procedure_page_shows_everything_published(client, app):
    _catalog(app)
    page = client.get("/thu-tuc/1.004583").get_data(as_text=True)
    for expected in ["1.004583", "Văn phòng Đăng ký đất đai", "Toàn trình", "Trong ngày làm việc",
                     "15:00", "80.000", "Phiếu yêu cầu đăng ký", "Bản chính", "Mẫu số 01/ĐK",
                     "Thẩm định", "Chuyên viên", "Luật Đất đai 2024", "Giấy chứng nhận",
                     "Công dân, tổ chức, doanh nghiệp"]:
        assert expected in page, expected


def test_pagination(client, app):
    with app.app_context():
        agency = factories.agency()
        for n in range(25):
            factories.published_procedure(agency, name=f"Thủ tục số {n:02d}")
        db.session.commit()
    first = client.get("/thu-tuc").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "Thủ tục số 00" in first and "Thủ tục số 24" not in first
    second = client.get("/thu-tuc?page=2").get_data(as_text=True)
    assert "Thủ tục số 24" in second
    assert client.get("/thu-tuc?page=99").status_code == 200


def test_security_headers_and_error_pages(client, app):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.get_data(as_text=True)


def test_no_inline_scripts_anywhere(client, app):
    _catalog(app)
    for url in ["/", "/thu-tuc", "/thu-tuc/1.004583", "/co-quan", "/tai-khoan/dang-nhap",
                "/tai-khoan/dang-ky"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page, url


def test_language_switch_to_english_and_back(csrf_client, app):
    response = csrf_client.post("/ngon-ngu", data={"locale": "en", "next": "/co-quan"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/co-quan")
    assert 'lang="en"' in csrf_client.get("/").get_data(as_text=True)
    csrf_client.post("/ngon-ngu", data={"locale": "vi", "next": "//evil.example"})
    assert 'lang="vi"' in csrf_client.get("/").get_data(as_text=True)


def test_post_without_csrf_is_refused_in_vietnamese(client, app):
    response = client.post("/ngon-ngu", data={"locale": "en"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_field_options_follow_the_agency(client, app):
    ids = _catalog(app)
    options = client.get(f"/thu-tuc/linh-vuc?agency={ids['land']}",
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert options.count("<option") == 2 and "<html" not in options
    with app.app_context():
        from portal.catalog.models import Field

        justice_field = db.session.scalar(db.select(Field.id).where(
            Field.agency_id == ids["justice"]))
    # A field of another agency is ignored rather than emptying the results.
    page = client.get(f"/thu-tuc?agency={ids['land']}&field={justice_field}").get_data(
        as_text=True)
    assert "Tìm thấy 1 thủ tục" in page


def _criminal_record_family(app):
    """The issue's example: the procedure people mean, its amendments and narrower cases."""
    with app.app_context():
        justice = factories.agency("STP", "Sở Tư pháp")
        names = [
            "Bổ sung nội dung phiếu lý lịch tư pháp đối với tổ chức",
            "Cấp lại phiếu lý lịch tư pháp do hết thời hạn",
            "Gia hạn phiếu lý lịch tư pháp cấp tỉnh",
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
            "Việt Nam",
            "Đính chính phiếu lý lịch tư pháp",
            "Thủ tục về lý lịch và tư pháp",  # every word, not as a phrase
        ]
        for n, name in enumerate(names):
            factories.published_procedure(justice, name=name, code=f"2.00049{n}")
        db.session.commit()
        return justice.id


def _result_names(page: str) -> list[str]:
    return re.findall(r'class="procedure-link"[^>]*>([^<]+)</a>', page)


def test_search_puts_the_procedure_people_mean_before_its_amendments(client, app):
    _criminal_record_family(app)
    names = _result_names(client.get("/thu-tuc?q=ly+lich+tu+phap").get_data(as_text=True))
    assert len(names) == 6
    assert names[0].startswith("Cấp Phiếu lý lịch tư pháp cho công dân")
    assert names[-1] == "Thủ tục về lý lịch và tư pháp"
    # The exact name, then a name that starts with the query, before everything else.
    names = _result_names(client.get("/thu-tuc?q=dinh+chinh+phieu+ly+lich").get_data(
        as_text=True))
    assert names == ["Đính chính phiếu lý lịch tư pháp"]
    names = _result_names(client.get("/thu-tuc?q=phieu+ly+lich").get_data(as_text=True))
    assert names[0].startswith("Cấp Phiếu lý lịch")
    assert names[1] == "Đính chính phiếu lý lịch tư pháp"  # fewer words before, then shorter


def test_names_sort_in_vietnamese_collation(client, app):
    with app.app_context():
        agency = factories.agency("STC", "Sở Tài chính")
        for n, name in enumerate(["Thẩm định giá tài sản công", "Đăng ký mã số đơn vị",
                                  "Duyệt quyết toán dự án", "Cấp mã số dự án", "Cập nhật mã số"]):
            factories.published_procedure(agency, name=name, code=f"1.00070{n}")
        db.session.commit()
        agency_id = agency.id
    names = _result_names(client.get(f"/thu-tuc?agency={agency_id}").get_data(as_text=True))
    # Đ after D and before T (a code-point sort puts it after T); tone marks break ties only.
    assert names == ["Cấp mã số dự án", "Cập nhật mã số", "Duyệt quyết toán dự án",
                     "Đăng ký mã số đơn vị", "Thẩm định giá tài sản công"]


def test_pages_of_ranked_results_neither_overlap_nor_skip(app):
    agency_id = _criminal_record_family(app)
    filters = queries.CatalogFilter(q="ly lich tu phap", agency_id=agency_id)
    with app.app_context():
        whole = [v.id for v in queries.search_catalog(filters, page=1, size=50).items]
        pages = [queries.search_catalog(filters, page=n, size=4) for n in (1, 2, 3)]
        assert [p.total for p in pages] == [6, 6, 6] and pages[2].number == 2  # clamped
        assert [v.id for p in pages[:2] for v in p.items] == whole
        assert all(v.procedure.agency.name == "Sở Tư pháp" for p in pages for v in p.items)
