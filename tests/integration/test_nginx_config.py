"""deploy/nginx/portal.conf, rendered as `make prod` and a real deployment render it, is a
configuration Debian's nginx accepts (`nginx -t`), with and without TLS."""

from __future__ import annotations

import shutil
import subprocess

from nginx_server import check, render, require_nginx

APPS = ["127.0.0.1:8001", "127.0.0.1:8002"]


def test_the_loopback_configuration_passes_nginx_t(tmp_path):
    require_nginx()
    site = render.render_site(APPS, listen="127.0.0.1:8080", internal_listen="127.0.0.1:8081")
    render.write_standalone(tmp_path, site)
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # What the brief of the edge promises, in the file nginx accepted.
    assert "server 127.0.0.1:8001 max_fails=1 fail_timeout=10s;" in site
    directives = [line for line in site.splitlines() if not line.lstrip().startswith("#")]
    assert "proxy_next_upstream error timeout;" in directives
    # A POST already sent to a node is never replayed on another (nginx's default).
    assert not any("non_idempotent" in line for line in directives)
    assert "client_max_body_size 25m;" in site
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in site
    assert not render.PLACEHOLDER.search(site)  # every placeholder filled


def test_the_tls_configuration_passes_nginx_t(tmp_path):
    require_nginx()
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make the test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=dichvucong.example.vn", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True, timeout=60)
    site = render.render_site(APPS, listen="127.0.0.1:8443", internal_listen="127.0.0.1:8444",
                              server_name="dichvucong.example.vn", tls=(str(cert), str(key)))
    prefix = tmp_path / "nginx"
    render.write_standalone(prefix, site)
    result = check(prefix)
    assert result.returncode == 0, result.stderr
    assert "listen 127.0.0.1:8443 ssl;" in site and "return 301 https://" in site
    assert f"ssl_certificate {cert};" in site


def test_an_unknown_placeholder_is_refused(tmp_path):
    template = tmp_path / "portal.conf"
    template.write_text("upstream a {\n${APP_SERVERS}\n}\nserver { listen ${PORT}; }\n")
    try:
        render.render_site(APPS, listen="1", internal_listen="2", template=template)
    except KeyError as error:
        assert "${PORT}" in str(error)
    else:
        raise AssertionError("a placeholder nobody fills must stop the rendering")
