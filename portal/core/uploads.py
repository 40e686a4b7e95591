"""Request bodies that may carry files are guarded before a byte of them is read (issue 10,
item 8).

Reading a multipart body writes its file parts somewhere — into the store on the dossier
routes (``Storage.stage()``), into werkzeug's temporary files elsewhere — so it must not
happen for a request that is going to be refused. It did: CSRFProtect read the whole form to
look for its token, so an anonymous 21 MB POST was staged into the store, and held there for
as long as the sender took, before the refusal.

A view that reads files says so, with the rule that decides who may send them:
``@accepts_files(authorise, stage=...)``. The guard runs before every other
``before_request`` function (CSRFProtect's included) and checks, in this order:

1. logged in — else 401, body unread;
2. ``authorise(**view_args)``: the route's own load-and-authorise rule (second factor, role,
   the dossier or procedure being this user's to change), which aborts 403/404 — body unread;
3. the CSRF token — from the ``X-CSRFToken`` header (htmx, upload.js): checked at once, else
   400 with the body unread; or, from a form sent without JavaScript, from the field that
   comes *before* the first file part (every upload form has its hidden ``csrf_token`` first,
   and browsers send fields in page order): the body is read up to that part and the token
   checked there, before the file's first byte is written anywhere. A token that comes after
   a file does not count.

A multipart body sent to a view that does not declare ``@accepts_files`` is refused with 415,
unread: a new upload route cannot skip the guard by forgetting the decorator.

On views declared with ``stage=True`` each file part goes straight into ``Storage.stage()`` as
it arrives (docs/benchmarks.md "Large upload"): LocalStorage writes it once, into a temporary
file its ``put`` renames into place. Every staged upload a view did not store is removed when
the request ends, whatever happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from flask import Flask, Request, abort, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.formparser import FormDataParser
from wtforms import ValidationError

from portal.core.multipart import read_multipart
from portal.storage import StagedUpload, StorageError

log = logging.getLogger(__name__)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class UploadPolicy:
    authorise: Callable[..., object]
    stage: bool = False
    anonymous: bool = False


def accepts_files(authorise: Callable[..., object], *, stage: bool = False,
                  anonymous: bool = False):
    """Declare a view that reads files. ``authorise`` takes the view's URL arguments and
    aborts (403/404) unless the logged-in user may send files there; it runs before the body
    is read (the view checks again as usual). ``stage``: file parts go into the store as they
    arrive (the dossier routes), instead of werkzeug's temporary files. ``anonymous``: a
    public form (feedback, issue 16) that visitors who are not signed in may send files
    with; ``authorise`` then applies its own limits (a rate limit) and the CSRF token is
    checked as everywhere."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.upload_policy = UploadPolicy(authorise, stage,  # type: ignore[attr-defined]
                                          anonymous)
        return view

    return mark


def policy_of(endpoint: str | None) -> UploadPolicy | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "upload_policy", None)


def install(app: Flask) -> None:
    """Put the guard first among the app's ``before_request`` functions and mix the upload
    request class into the app's own (htmx-flask brings one, which must stay)."""
    if not issubclass(app.request_class, UploadRequest):
        app.request_class = type(f"Upload{app.request_class.__name__}",
                                 (UploadRequest, app.request_class), {})
    # First: CSRFProtect's own before_request reads the whole form to find its token.
    app.before_request_funcs.setdefault(None, []).insert(0, _guard)


def _guard() -> None:
    if request.routing_exception is not None:
        return  # 404/405: nothing reads the body
    policy = policy_of(request.endpoint)
    multipart = request.mimetype == "multipart/form-data"
    if policy is None:
        if multipart:
            abort(415)
        return
    if request.method in _SAFE_METHODS and not multipart:
        return
    if not current_user.is_authenticated and not policy.anonymous:
        abort(401)
    policy.authorise(**(request.view_args or {}))
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = _header_token()
    if token is not None:
        _check_token(token)
        return
    # Read up to the first file part: _token_before_file checks the token there.
    fields = list(request.form.items(multi=True))
    if not g.get("upload_token_checked"):  # a body without any file part
        _check_token(_form_token(fields))


def _header_token() -> str | None:
    for name in current_app.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"]):
        if value := request.headers.get(name):
            return value
    return None


def _form_token(fields: list[tuple[str, str]]) -> str | None:
    # As CSRFProtect looks for it: "csrf_token", or "<form prefix>-csrf_token".
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return next((value for key, value in fields if key == name or key.endswith(name)), None)


def _check_token(token: str | None) -> None:
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None
    g.upload_token_checked = True


def _token_before_file(fields: list[tuple[str, str]]) -> None:
    """The first file part begins: the token must have come with the fields before it."""
    if g.get("upload_token_checked") or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    _check_token(_form_token(fields))


class UploadRequest(Request):
    """Flask's request; on views declared ``@accepts_files``, multipart bodies are read by
    ``read_multipart`` (token check before the first file part), and with ``stage=True`` the
    file parts go into ``Storage.stage()``. The CSRF check, the forms and the views see the
    usual ``request.form`` and ``request.files``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._staged: list[StagedUpload] = []

    @property
    def upload_policy(self) -> UploadPolicy | None:
        return policy_of(self.endpoint)

    def make_form_data_parser(self) -> FormDataParser:
        if self.upload_policy is None:
            return super().make_form_data_parser()
        return _GuardedFormDataParser(
            stream_factory=self._get_file_stream,
            max_form_memory_size=self.max_form_memory_size,
            max_content_length=self.max_content_length,
            max_form_parts=self.max_form_parts,
            cls=self.parameter_storage_class,
        )

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        policy = self.upload_policy
        if policy is None or not policy.stage:
            return super()._get_file_stream(total_content_length, content_type, filename,
                                            content_length)
        # The dossier's total is add_file's to check: it needs the dossier, loaded later.
        limit = current_app.config["PORTAL"].max_file_bytes
        staged = current_app.extensions["storage"].stage(max_size=limit)
        self._staged.append(staged)
        return staged  # type: ignore[return-value]  # file-like: write, seek, read

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except BaseException as exc:
            # A refused or broken body (no token, too large, store down): no half-parsed
            # form for whoever asks next (an error page), and nothing of it kept.
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()
            self._close_staged()
            if isinstance(exc, StorageError):  # the store cannot take the bytes
                log.warning("staging an upload failed: %s", exc)
                raise ServiceUnavailable() from exc
            raise

    def _close_staged(self) -> None:
        staged, self._staged = self._staged, []
        for item in staged:
            item.close()  # removes it unless the store adopted it

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._close_staged()


class _GuardedFormDataParser(FormDataParser):
    """werkzeug's form parser with ``read_multipart`` for multipart bodies. Its error
    handling is werkzeug's: a malformed body gives an empty form (``silent``), a body over
    the limits raises RequestEntityTooLarge; a missing or wrong token before the first file
    part raises CSRFError."""

    def parse(self, stream, mimetype, content_length, options=None):  # type: ignore[override]
        if mimetype != "multipart/form-data":
            return super().parse(stream, mimetype, content_length, options)
        try:
            boundary = (options or {}).get("boundary", "").encode("ascii")
            form, files = read_multipart(
                stream, boundary, self.stream_factory, content_length=content_length,
                max_form_memory_size=self.max_form_memory_size,
                max_form_parts=self.max_form_parts, before_file=_token_before_file)
        except ValueError:
            if not self.silent:
                raise
            return stream, self.cls(), self.cls()
        return stream, self.cls(form), self.cls(files)
