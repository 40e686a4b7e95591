"""Talk to a served app (`servers.serving`) like a browser would: cookies, the CSRF
token from a rendered form, no redirect following. Standard library only."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is the answer under test


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


class Browser:
    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects())
        self.csrf = ""

    def get(self, path: str) -> Answer:
        answer = self._open(urllib.request.Request(self.base + path, headers=self.headers))
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.body)
        if found:
            self.csrf = found.group(1)
        return answer

    def post(self, path: str, data: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body,
                                                 headers=self.headers, method="POST"))

    def _open(self, request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers),
                              response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, dict(error.headers), error.read().decode())
