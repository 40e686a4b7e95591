"""Which objects were put during the current unit of work, so a rollback can delete them.

DESIGN.md §5: the object is stored first, then its row; if the transaction fails, the
object must go too. ``Storage.put`` notes every key here (before writing, so a put
that fails half-way is covered as well) while a journal is open; ``core.frame.unit_of_work``
opens one per change and deletes what it lists when the change is rolled back. A context
variable, not a global: each request (thread or task) has its own. Flask-free."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.storage.base import Storage

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("storage_written",
                                                                     default=None)


@contextlib.contextmanager
def journal() -> Iterator[list[tuple[Storage, str]]]:
    """(storage, key) of every object put inside the block."""
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)


def note_put(storage: Storage, key: str) -> None:
    """Called by ``Storage.put``; does nothing outside a journal (CLI, seeding)."""
    written = _written.get()
    if written is not None:
        written.append((storage, key))
