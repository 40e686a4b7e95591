"""`flask stats rebuild-days` and `flask stats check-days`: the daily rollup of the statistics
(portal/stats/days.py, issue 19) recomputed from the dossiers, or compared with them (exit
status 1 on any difference; the differing days are listed)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.stats import days

stats_cli = AppGroup("stats", help="Statistics: the daily rollup (rebuild, check).")


@stats_cli.command("rebuild-days")
def rebuild_days() -> None:
    """Recompute the whole rollup from the dossiers, in one transaction."""
    started = time.perf_counter()
    rows = days.rebuild()
    db.session.commit()
    click.echo(f"stats_day: {rows:,} rows rebuilt in {time.perf_counter() - started:.1f} s.")


@stats_cli.command("check-days")
@click.option("--limit", default=20, show_default=True, help="Differences to show.")
def check_days(limit: int) -> None:
    """Compare the rollup with the dossiers; exit status 1 when they differ."""
    found = days.differences()
    if not found:
        click.echo("stats_day: khớp với hồ sơ (matches the dossiers).")
        return
    click.echo(f"stats_day: {len(found)} ngày lệch (days differ):")
    for row in found[:limit]:
        click.echo(f"  {days.describe(row)}")
    raise SystemExit(1)
