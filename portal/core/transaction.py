"""One request's change, all or nothing: the first piece of the shared request frame.

Operations flush; the route commits once. When anything in the block fails — a refusal, a
stale version at commit, storage or the database going away — the session is rolled back
and ``undo`` removes what the block wrote outside the database (stored objects), so neither
a half-saved dossier nor an orphaned file is left (DESIGN.md §5: object first, then the row;
a failed commit deletes the object). The error goes on to the caller, which turns it into
the page to show."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from portal.extensions import db


@contextlib.contextmanager
def all_or_nothing(undo: Callable[[], object]) -> Iterator[None]:
    """Commit at the end of the block; on any error roll back, call ``undo``, re-raise."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        undo()
        raise
