"""Streaming a stored object to the browser: the one way every blueprint sends a file."""

from __future__ import annotations

from flask import Response, abort, current_app

from portal.core.http import content_disposition
from portal.dossiers.files import name_for_type
from portal.dossiers.models import DossierFile
from portal.storage import ObjectNotFound, StorageError
from portal.workflow.obligations import ObligationFile


def stream_stored(key: str, *, filename: str, mimetype: str = "application/octet-stream",
                  inline: bool = False, size: int | None = None) -> Response:
    """The object in chunks (never whole in memory); 404 if it is gone, 503 if the store is
    down. ``inline`` only for types a browser shows safely (PDF, images); nosniff always."""
    try:
        chunks = current_app.extensions["storage"].open(key)
    except ObjectNotFound:
        abort(404)
    except StorageError:
        abort(503)
    response = current_app.response_class(chunks, mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if size is not None:
        response.headers["Content-Length"] = str(size)
    return response


def send_stored_file(item: DossierFile | ObligationFile) -> Response:
    """A dossier's file (or a financial obligation's tax notice or receipt): PDF and images
    open in the browser's viewer, anything else is downloaded, never rendered as a page of
    ours (DESIGN.md §5). The name's extension is the detected type's, also for a file stored
    before uploads were renamed (issue 10, item 14)."""
    return stream_stored(item.storage_key,
                         filename=name_for_type(item.original_name, item.content_type),
                         mimetype=item.content_type, inline=item.previewable, size=item.size)


send_dossier_file = send_stored_file  # the name every dossier route knows
