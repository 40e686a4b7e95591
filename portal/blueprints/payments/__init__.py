"""Paying (issue 14, docs/payments.md): the applicant's payment pages and receipts, the
gateway's return and IPN, the public receipt check, and the collection counter (counter
officers and the bank's collection officer). Routes only: the ledger is portal.payments."""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from portal.blueprints.payments import (  # noqa: E402,F401
    collection,
    gateway,
    reconciliation,
    routes,
)
