"""The portal's icon: an SVG linked from every page, also answered at /favicon.ico (browsers
ask for it whatever the page links) instead of a 404."""

import hashlib
import re
from pathlib import Path


def test_favicon_is_linked_and_served_at_favicon_ico(client):
    page = client.get("/tra-cuu").get_data(as_text=True)
    found = re.search(r'<link rel="icon" href="(/static/favicon.svg\?v=[0-9a-f]{12})" '
                      r'type="image/svg\+xml">', page)
    assert found, "the icon is linked with its fingerprint (static_urls)"
    linked = client.get(found.group(1))
    icon = client.get("/favicon.ico")
    try:
        assert linked.status_code == 200 and linked.mimetype == "image/svg+xml"
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.data == linked.data and icon.data.startswith(b"<svg")
        assert b"<script" not in icon.data and b"style=" not in icon.data  # strict CSP
        assert "public" in icon.headers["Cache-Control"]
    finally:
        linked.close()
        icon.close()


def test_static_urls_carry_the_files_hash(app):
    """A changed file gets a new URL: nginx may let browsers keep /static/ for a year."""
    from flask import url_for

    content = (Path(app.static_folder) / "css" / "portal.css").read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:12]
    with app.test_request_context():
        assert url_for("static", filename="css/portal.css") == f"/static/css/portal.css?v={digest}"
        # A name that is no file keeps its plain URL (answered 404 as before).
        assert url_for("static", filename="css/none.css") == "/static/css/none.css"
