"""Command-line tools: `flask demo seed`, `flask catalog import/export`."""

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
    from portal.catalog import demo as demo_data

    if demo_data.is_seeded():
        if if_empty:
            click.echo("Dữ liệu mẫu đã có; bỏ qua.")
            return
        raise click.ClickException("The database already holds a catalog; seed an empty one.")
    summary = demo_data.seed_all(procedures, current_app.extensions["storage"])
    db.session.commit()
    click.echo(f"Seeded {summary['agencies']} agencies, {summary['procedures']} procedures, "
               f"{summary['users']} demo accounts (password {demo_data.DEMO_PASSWORD}), "
               f"{summary['dossiers']} demo dossiers.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo)
    from portal.catalog.cli import catalog_cli

    app.cli.add_command(catalog_cli)
    from portal.dossiers.cli import storage_cli

    app.cli.add_command(storage_cli)
