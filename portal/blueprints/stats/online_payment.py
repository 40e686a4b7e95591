"""Decision 766's online-payment indicator (/thong-ke/thanh-toan, issue 14): per agency and
period, the share of fee-bearing dossiers paid online among those paid; every count opens
the list of its dossiers. Definitions in ``portal.payments.statistics``."""

from __future__ import annotations

from portal.blueprints.stats import bp
from portal.blueprints.stats.measure_pages import dossiers_page, table_page
from portal.payments import statistics


@bp.get("/thanh-toan", endpoint="online_payment")
def online_payment():
    return table_page("stats/online_payment.html", statistics, statistics.table)


@bp.get("/thanh-toan/ho-so", endpoint="online_payment_dossiers")
def online_payment_dossiers():
    return dossiers_page("stats/online_payment_dossiers.html", statistics)
