"""Every page's footer says how to reach the centre: address, hotline, e-mail, opening hours
(portal.config.Config centre_*, from CENTRE_* environment variables)."""

import re

import pytest

from portal.config import Config

FOOTER = re.compile(r"<footer\b.*?</footer>", re.S)


def _footer(page: str) -> str:
    found = FOOTER.findall(page)
    assert len(found) == 1, "one footer landmark per page"
    return found[0]


@pytest.mark.parametrize("path", ["/", "/thu-tuc", "/tra-cuu", "/tai-khoan/dang-nhap",
                                  "/khong-co-trang-nay"])
def test_every_page_footer_has_the_centre_contact(client, path):
    footer = _footer(client.get(path).get_data(as_text=True))
    contact = re.search(r"<address\b.*?</address>", footer, re.S)
    assert contact, "the contact details are an <address>"
    config = Config()
    assert config.centre_address in contact.group(0)
    assert '<a href="tel:+842553822888">0255 3 822 888</a>' in contact.group(0)
    assert f'<a href="mailto:{config.centre_email}">{config.centre_email}</a>' in contact.group(0)
    assert f"Giờ làm việc: {config.centre_hours}, thứ Hai đến thứ Sáu" in footer


def test_footer_shows_the_configured_centre(app, client):
    configured = Config.from_env({"CENTRE_HOTLINE": "1900 1234", "CENTRE_EMAIL": "tt@example.vn",
                                  "CENTRE_ADDRESS": "1 Đường Thử, Quảng Ngãi",
                                  "CENTRE_HOURS": "07:00–11:00"}, env="testing")
    original = app.config["PORTAL"]
    app.config["PORTAL"] = original.with_(**{k: getattr(configured, k) for k in (
        "centre_hotline", "centre_email", "centre_address", "centre_hours")})
    try:
        footer = _footer(client.get("/tra-cuu").get_data(as_text=True))
    finally:
        app.config["PORTAL"] = original
    assert '<a href="tel:19001234">1900 1234</a>' in footer
    assert '<a href="mailto:tt@example.vn">tt@example.vn</a>' in footer
    assert "1 Đường Thử, Quảng Ngãi" in footer and "Giờ làm việc: 07:00–11:00," in footer
