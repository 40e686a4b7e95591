"""Failures end in a Vietnamese page with the right status, never a stack trace."""

from portal import create_app
from portal.config import Config


def _app(tmp_path, database_url=None):
    app = create_app(Config.from_env(
        {}, env="testing", storage_url=f"file://{tmp_path / 'files'}",
        database_url=database_url or f"sqlite:///{tmp_path / 'e.db'}"))

    @app.get("/__boom")
    def boom():
        raise RuntimeError("bug")

    return app


def test_unexpected_error_is_a_vietnamese_500_page(tmp_path):
    response = _app(tmp_path).test_client().get("/__boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in body and "Traceback" not in body and "RuntimeError" not in body


def test_database_down_is_a_vietnamese_503_page(tmp_path):
    # Nothing listens on port 1: every query fails like a database outage mid-request.
    app = _app(tmp_path, "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")
    response = app.test_client().get("/thu-tuc?q=dang+ky")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Cơ sở dữ liệu hoặc kho lưu trữ tạm thời không phản hồi" in body
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


def test_method_not_allowed_and_forbidden_pages_are_vietnamese(tmp_path):
    client = _app(tmp_path).test_client()
    response = client.delete("/")
    assert response.status_code == 405
    assert "Thao tác không được hỗ trợ" in response.get_data(as_text=True)


def test_database_lost_while_logged_in_is_still_a_clean_503(tmp_path):
    import factories

    from portal.extensions import db

    app = _app(tmp_path)
    with app.app_context():
        db.create_all()
        factories.citizen(email="an@example.vn")
        db.session.commit()
    client = factories.CsrfClient(app.test_client())
    client.post("/tai-khoan/dang-nhap", data={"email": "an@example.vn",
                                              "password": factories.PASSWORD})
    with app.app_context():
        db.drop_all()  # the database loses its tables mid-session
    response = client.get("/tai-khoan/ho-so-ca-nhan")
    assert response.status_code == 503
    assert "tạm thời không phản hồi" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
