"""The public lookup's address for a dossier, printed on the receipt (form 01) and the notices
and shown on the applicant's confirmation page, and its QR code.

The QR code carries the dossier's lookup token (portal.dossiers.lookup), so scanning it shows
the dossier without typing anything; the printed address names the code only, and the page
then asks for the last 4 digits of the applicant's phone or ID number."""

from __future__ import annotations

import segno
from flask import current_app, url_for

from portal.dossiers.lookup import lookup_token
from portal.dossiers.models import Dossier


def lookup_url(dossier: Dossier, *, with_token: bool = False) -> str:
    base = current_app.config["PORTAL"].base_url.rstrip("/")
    args = {"ma": dossier.code}
    if with_token:
        args["t"] = lookup_token(dossier.code, current_app.config["SECRET_KEY"])
    return base + url_for("public.lookup", **args)


def lookup_qr(dossier: Dossier) -> str:
    """The QR code (an SVG data URI) of the lookup address with the token."""
    return segno.make(lookup_url(dossier, with_token=True), error="m").svg_data_uri(scale=4)
