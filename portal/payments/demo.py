"""The demo postage tariff (issue 14): returning a result by post within the province, and
anywhere else (the administrator changes it in /quan-tri/cuoc-buu-chinh)."""

from __future__ import annotations

from portal.extensions import db
from portal.payments.models import PostageRate

TARIFF = [("Nội tỉnh Quảng Ngãi", "Quảng Ngãi", 25000), ("Ngoại tỉnh", "", 40000)]


def seed_postage() -> None:
    db.session.add_all([PostageRate(zone=zone, province=province, amount=amount)
                        for zone, province, amount in TARIFF])
    db.session.flush()
