"""Command-line tools: `flask demo seed` and `replay-2019`, `flask catalog import/export`,
`flask storage sweep`, `flask messages run-job` (the periodic jobs), `flask backup …` and
`flask ops check-invariants` (portal/ops), `flask stats rebuild-days|check-days`
(portal/stats/cli.py)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db

demo = AppGroup("demo", help="Demo data for `make run` and for trying the portal.")


@demo.command("seed")
@click.option("--procedures", default=1400, show_default=True,
              help="Fill the catalog to this many procedures (real ones first).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalog already has data.")
def seed(procedures: int, if_empty: bool) -> None:
    from portal import demo as demo_seed
    from portal.catalog import demo as demo_data

    if demo_data.is_seeded():
        if if_empty:
            click.echo("Dữ liệu mẫu đã có; bỏ qua.")
            return
        raise click.ClickException("The database already holds a catalog; seed an empty one.")
    summary = demo_seed.seed_all(procedures, current_app.extensions["storage"])
    db.session.commit()
    click.echo(f"Seeded {summary['agencies']} agencies, {summary['procedures']} procedures, "
               f"{summary['users']} demo accounts (password {demo_data.DEMO_PASSWORD}), "
               f"{summary['dossiers']} demo dossiers.")


@demo.command("replay-2019")
@click.option("--fresh", is_flag=True, help="Delete an earlier replay first.")
@click.option("--batch", default=1000, show_default=True, help="Dossiers per transaction.")
def replay_2019(fresh: bool, batch: int) -> None:
    """Replay the reporting year 2019 (15/12/2018-14/12/2019): ~88,400 dossiers through the
    workflow, so the statistics show report 62/BC-HCC's Appendix 1."""
    from portal.replay.run import ReplayError, replay
    from portal.stats import published
    from portal.stats.figures import Cell

    storage = current_app.extensions["storage"]
    total = sum(published.expected_cells(row.key)[Cell.RECEIVED] for row in published.rows()
                if not row.is_total)
    with click.progressbar(length=total, label="Diễn lại năm 2019 / replaying 2019",
                           show_pos=True, item_show_func=lambda code: code) as bar:
        try:
            summary = replay(storage, fresh=fresh, batch=batch,
                             progress=lambda n, code: bar.update(n, code))
        except ReplayError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Replayed {summary.dossiers:,} dossiers of {len(summary.by_agency)} agencies "
               f"in {summary.seconds:.0f} s.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo)
    from portal.catalog.cli import catalog_cli

    app.cli.add_command(catalog_cli)
    from portal.dossiers.cli import storage_cli

    app.cli.add_command(storage_cli)
    from portal.notifications.jobs_cli import messages_cli

    app.cli.add_command(messages_cli)
    from portal.ops.cli import backup_cli, ops_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(ops_cli)
    from portal.stats.cli import stats_cli

    app.cli.add_command(stats_cli)
