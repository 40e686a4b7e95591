"""The one place the delivery reads a dossier's postal return address: it asks the addresses
floor (``portal.addresses.dossier_delivery_address``: the official list's names for an address
chosen from it, the stored text for an older one); nothing else in the delivery reads the
dossier's address columns."""

from __future__ import annotations

from typing import Any

from portal.addresses import dossier_delivery_address


def delivery_address(dossier: Any) -> str:
    """The postal return address as one line: street and number, ward, district (old
    addresses), province — the parts the applicant gave, in that order."""
    address = dossier_delivery_address(dossier)
    if address:
        return address
    # Not (or no longer) a postal return, e.g. an inbound shipment's dossier: what is stored.
    parts = (dossier.postal_street, dossier.postal_ward, dossier.postal_district,
             dossier.postal_province)
    return ", ".join(p.strip() for p in parts if p and p.strip())


def delivery_recipient(dossier: Any) -> tuple[str, str]:
    """Who the label names and the phone the postman calls: the postal return's, else the
    applicant's."""
    return (dossier.postal_recipient or dossier.applicant_name or "",
            dossier.postal_phone or dossier.applicant_phone or "")
