"""The portal's icon: an SVG linked from every page, also answered at /favicon.ico (browsers
ask for it whatever the page links) instead of a 404."""


def test_favicon_is_linked_and_served_at_favicon_ico(client):
    page = client.get("/tra-cuu").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    linked = client.get("/static/favicon.svg")
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
