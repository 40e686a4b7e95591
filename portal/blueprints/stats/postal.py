"""The postal channel's statistics (/thong-ke/buu-chinh, issue 15): received and returned by
post per agency and period, the delivery success rate and days in transit; every count
opens the list of its dossiers. Definitions in ``portal.delivery.statistics``."""

from __future__ import annotations

from portal.blueprints.stats import bp
from portal.blueprints.stats.measure_pages import dossiers_page, table_page
from portal.delivery import statistics


@bp.get("/buu-chinh", endpoint="postal")
def postal():
    return table_page("stats/postal.html", statistics, statistics.postal_table)


@bp.get("/buu-chinh/ho-so", endpoint="postal_dossiers")
def postal_dossiers():
    return dossiers_page("stats/postal_dossiers.html", statistics)
