"""Where the browser may be sent back to: a page of this site, never a target it chose.

Every redirect to a user-supplied address (`?next=` after login and after the second
factor, the language switch's `next`) goes through `safe_redirect_target` (issue 10, item 3).
The rule follows how a browser reads a Location header (WHATWG URL standard), not how
Python's urllib does: browsers drop tab, CR and LF anywhere and trim control characters and
spaces at the ends, so `/<TAB>/evil.example` is `//evil.example` to them (werkzeug drops the
tab from the header too); for http(s) they read a backslash as a slash, so `/\\evil.example`
is also another host."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_TARGET_LENGTH = 2000

# Control and format characters (tab, CR, LF, NUL, zero-width space, bidi marks …) and line
# or paragraph separators: invisible, and some of them vanish on the way to the browser.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _visible(target: str) -> str:
    return "".join(ch for ch in target if unicodedata.category(ch) not in _INVISIBLE)


def safe_redirect_target(target: str | None, default: str) -> str:
    """`target` if it is a path of this site (`/…`, no scheme, no host), else `default`.

    Invisible characters are removed before judging, and the cleaned path is what is
    returned, so the header says exactly what was judged. Refused: anything not starting with
    one `/` (a scheme, `//host`, a relative path), a backslash anywhere, any whitespace (a
    browser trims or re-encodes it; no page of ours needs it raw), overlong values."""
    if not target or len(target) > MAX_TARGET_LENGTH:
        return default
    path = _visible(target)
    if (not path.startswith("/") or path.startswith("//") or "\\" in path
            or any(ch.isspace() for ch in path)):
        return default
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return default
    return path
