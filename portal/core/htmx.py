"""htmx helpers: one template serves the full page and its partial (STYLE.md §5)."""

from __future__ import annotations

from flask import Response, make_response, render_template, request, url_for


def is_partial_request() -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page_or_partial(page_template: str, partial_template: str, **context) -> str:
    template = partial_template if is_partial_request() else page_template
    return render_template(template, **context)


def htmx_redirect(endpoint: str, **values) -> Response:
    """Redirect that works for plain forms (303) and htmx (HX-Redirect)."""
    target = url_for(endpoint, **values)
    if is_partial_request():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    response = make_response("", 303)
    response.headers["Location"] = target
    return response
