"""One refusal type for every domain (``core.frame`` shows it on the page).

A domain operation that says no raises a ``Refusal`` (or a subclass: ``CatalogError``,
``DossierError``, ``WorkflowError``, ``AccountError``, ``OverrideError``) carrying the
message for the user and the form field it belongs next to. The message may be a lazy
translation (``_l``), so it is turned into text only when shown, in the request's locale.
Two kinds are answered differently from a plain refusal: ``Forbidden`` is a 403, and a
stale version (``Stale``, or SQLAlchemy's ``StaleDataError`` when the version column no
longer matches at the commit) shows the fresh page with 409."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError


class Refusal(ValueError):
    """The operation refused; ``field`` names the form field (or upload area) it is about."""

    def __init__(self, message: object, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class Forbidden(Refusal):
    """The user may not do this at all: the route answers 403."""


class Stale(Refusal):
    """Someone changed the object since the user loaded it: show the fresh state (409)."""


def is_stale(error: BaseException) -> bool:
    """A lost optimistic lock: refused before the change (``Stale``) or at the commit."""
    return isinstance(error, Stale | StaleDataError)
