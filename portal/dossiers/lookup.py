"""The public lookup (/tra-cuu): a dossier's procedure and state, for whoever proves they hold
its receipt.

Codes are sequential (``<unit>-YYMMDD-NNNN``), so a code alone proves nothing: 85 requests in
half a second once listed a department's dossiers and what each was for. The lookup also needs
a second factor — the last 4 digits of the applicant's phone or ID number (CCCD, or the tax
code of a business), or the token the receipt's QR code carries — and counts failures per
client address and per code (core.throttle). A wrong or missing factor is answered exactly like
an unknown code, and both counters are keyed by what the client sent, so nothing tells whether
a code exists.

The QR token is an HMAC of the code under SECRET_KEY: unguessable, nothing stored, valid for
every dossier ever printed — until SECRET_KEY changes (then the printed QR codes ask for the
4 digits like a typed code does)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from portal.config import Config
from portal.core import throttle
from portal.core.throttle import Policy, address_key, make_key
from portal.dossiers.models import Dossier
from portal.dossiers.queries import by_code

FACTOR_DIGITS = 4
ASCII_DIGITS = frozenset("0123456789")


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()[:40]


def lookup_token(code: str, secret: str) -> str:
    """The QR code's token for ``code``: 96 bits of HMAC-SHA256, URL-safe."""
    mac = hmac.new(secret.encode(), b"dossier-lookup:" + normalise_code(code).encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


def _last_digits(value: str) -> str | None:
    digits = "".join(ch for ch in value or "" if ch in ASCII_DIGITS)
    return digits[-FACTOR_DIGITS:] if len(digits) >= FACTOR_DIGITS else None


def factor_matches(dossier: Dossier, digits: str) -> bool:
    """``digits`` are the last 4 of the applicant's phone or of their ID number/tax code."""
    candidates = [_last_digits(dossier.applicant_phone),
                  _last_digits(dossier.applicant_id_number)]
    typed = digits.encode()
    return any(c is not None and hmac.compare_digest(c.encode(), typed) for c in candidates)


def _counters(code: str, address: str, config: Config) -> list[tuple[str, Policy]]:
    return [(address_key("lookup:address", address),
             Policy(limit=config.lookup_max_failures_per_address, window=timedelta(minutes=15))),
            (make_key("lookup:code", code),
             Policy(limit=config.lookup_max_failures_per_code, window=timedelta(hours=1)))]


def look_up(code: str, *, digits: str = "", token: str = "", address: str, config: Config,
            secret: str) -> Dossier | None:
    """The dossier when ``code`` and the second factor (``digits`` or ``token``) match, else
    None. Raises ``throttle.Throttled`` when the address or the code has failed too often
    (a valid QR token is never refused: it cannot be guessed). Give back the counted attempt
    on success: the caller commits."""
    code = normalise_code(code)
    if token and hmac.compare_digest(token.strip().encode(), lookup_token(code, secret).encode()):
        found = by_code(code)
        if found is not None:
            return found
    counters = _counters(code, address, config)
    for key, policy in counters:
        decision = throttle.attempt(key, policy)
        if not decision.allowed:
            raise throttle.Throttled(decision)
    found = by_code(code) if digits else None
    if found is None or not factor_matches(found, digits):
        return None
    for key, _policy in counters:  # a success does not count against the address or code
        throttle.forgive(key)
    return found
