"""Response headers that every page carries (strict CSP, no sniffing), and who the client is
behind the reverse proxies."""

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        # One URL serves the full page and the htmx partial: caches must keep them apart.
        response.vary.add("HX-Request")
        if app.config.get("SESSION_COOKIE_SECURE") and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint and not request.endpoint.startswith(("public.", "static")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def trust_proxies(app: Flask, count: int) -> None:
    """Behind ``count`` reverse proxies, take the client's address (and scheme) from the last
    ``count`` entries of X-Forwarded-For (-Proto): the ones our own proxies appended; anything
    before them was written by the client. The throttles count per address: with no count
    everyone behind the TLS proxy shares its address, with too high a count a client picks its
    own by sending the header (docs/OPERATIONS.md, PROXY_COUNT)."""
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def client_address() -> str:
    """The client's address as the throttles count it (after ProxyFix, if configured)."""
    return request.remote_addr or "unknown"
