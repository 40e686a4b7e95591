"""Catalog form templates stored in S3Storage (a real moto_server) and downloaded through the
public route; a storage outage gives the Vietnamese 503 page, not a 500."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

from s3_server import free_port, storage_url

from portal import create_app
from portal.catalog import demo, operations
from portal.catalog.demo_data import PROCEDURES
from portal.config import Config
from portal.extensions import db


def _app(tmp_path, url: str):
    app = create_app(Config.from_env({}, env="testing", storage_url=url,
                                     database_url=f"sqlite:///{tmp_path / 's3.db'}"))
    with app.app_context():
        db.create_all()
    return app


def _publish_mortgage_procedure(app) -> tuple[str, int]:
    """The real mortgage-registration procedure with its form templates stored in S3."""
    with app.app_context():
        demo.seed_agencies()
        raw = next(p for p in PROCEDURES if "thế chấp" in p["name"])
        version = operations.create_procedure(demo.procedure_data(raw), None)
        demo.attach_files(version, app.extensions["storage"])
        operations.publish(version, None)
        db.session.commit()
        document_id = next(d.id for d in version.documents if d.template_key)
        return version.procedure.code, document_id


def test_templates_round_trip_through_s3(tmp_path, s3_endpoint):
    app = _app(tmp_path, storage_url(s3_endpoint, f"catalog-{uuid.uuid4().hex[:8]}"))
    code, _ = _publish_mortgage_procedure(app)
    client = app.test_client()
    page = client.get(f"/thu-tuc/{code}").get_data(as_text=True)
    links = re.findall(r'href="(/thu-tuc/[^"]+/giay-to/\d+/(?:mau|ho-so-mau))"', page)
    assert len(links) >= 2
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            assert "Kính gửi" in archive.read("word/document.xml").decode()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_storage_down_gives_a_vietnamese_503(tmp_path, s3_endpoint):
    bucket = f"catalog-{uuid.uuid4().hex[:8]}"
    app = _app(tmp_path, storage_url(s3_endpoint, bucket))
    code, document_id = _publish_mortgage_procedure(app)
    # Point the app at a port where nothing listens: the storage server is "down".
    from portal.storage import storage_from_url

    app.extensions["storage"] = storage_from_url(
        storage_url(f"http://127.0.0.1:{free_port()}", bucket))
    response = app.test_client().get(f"/thu-tuc/{code}/giay-to/{document_id}/mau")
    assert response.status_code == 503
    assert "tạm thời không phản hồi" in response.get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
