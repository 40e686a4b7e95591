"""The request frame, as Indico's request handler has it: one unit of work per change, and
one answer to a refusal.

Operations flush; the route runs them inside ``unit_of_work()``, which commits once at the
end. When anything in the block fails — a refusal, a stale version at the commit, storage or
the database going away — the session is rolled back and the objects put in storage inside
the block are deleted (``storage.journal``), so neither a half-saved dossier nor an orphaned
file is left (DESIGN.md §5: object first, then the row; a failed commit deletes the object).
The error goes on to the route, which answers a refusal with ``refused`` (or, where the page
shows it elsewhere, ``show_refusal``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from flask import abort, flash
from flask_wtf import FlaskForm

from portal.core.refusal import Forbidden, is_stale
from portal.extensions import db
from portal.storage import StorageError
from portal.storage.journal import journal

log = logging.getLogger(__name__)

# Hidden fields a refusal must not be shown on: the user cannot see them.
HIDDEN_FIELDS = frozenset({"csrf_token", "lock_version"})


class Work:
    """The change in progress; ``discard()`` keeps nothing of it (a dry run)."""

    def __init__(self) -> None:
        self.kept = True

    def discard(self) -> None:
        """Roll back at the end of the block instead of committing; no error is raised."""
        self.kept = False


@contextlib.contextmanager
def unit_of_work() -> Iterator[Work]:
    """Commit at the end of the block; on any error (or ``discard()``) roll back and delete
    the objects stored in the block; an error goes on to the caller."""
    work = Work()
    with journal() as written:
        try:
            yield work
            if work.kept:
                db.session.commit()
                return
        except BaseException:
            _roll_back(written)
            raise
        _roll_back(written)


def _roll_back(written) -> None:
    db.session.rollback()
    _delete(written)


def _delete(written) -> None:
    """Best effort: an object left behind is removed later by ``flask storage sweep``."""
    for storage, key in written:
        try:
            storage.delete(key)
        except (StorageError, ValueError) as exc:
            log.warning("could not delete stored object %s (the sweep will): %s", key, exc)


def show_refusal(form: FlaskForm, refusal: Exception, aliases: dict[str, str] | None = None,
                 *, flash_unplaced: bool = False) -> None:
    """Put the message next to the field it names (``aliases`` maps a domain field to the
    form's), else at the top of the form — or, on pages that show no form-level errors
    (``flash_unplaced``), as a flashed message. ``str()`` here: the message may be lazy."""
    field = getattr(refusal, "field", None)
    field = (aliases or {}).get(field or "", field)
    if field and field in form and field not in HIDDEN_FIELDS:
        form[field].errors = [*form[field].errors, str(refusal)]
    elif flash_unplaced:
        flash(str(refusal), "error")
    else:
        form.form_errors.append(str(refusal))


def refused(error: Exception, form: FlaskForm, page: Callable[[int], object],
            fresh: Callable[[], object] | None = None, aliases: dict[str, str] | None = None):
    """The answer to a change that was refused and rolled back: ``Forbidden`` → 403; a stale
    version → ``fresh()`` (the page as it now is, 409; without ``fresh`` — nothing loaded
    that could be stale — shown like any refusal); anything else → the message on ``form``
    and ``page(422)``."""
    if isinstance(error, Forbidden):
        abort(403)
    if fresh is not None and is_stale(error):
        return fresh()
    show_refusal(form, error, aliases)
    return page(422)
