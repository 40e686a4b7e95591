"""`flask catalog export|import` (the format is docs/catalog-format.md)."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.catalog import io_export, io_import
from portal.catalog.operations import CatalogError
from portal.extensions import db

catalog_cli = AppGroup("catalog", help="Import and export the procedure catalog.")


@catalog_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(io_export.FORMATS),
              help="xlsx or csv; by default taken from PATH's extension, else xlsx.")
@click.option("--include-drafts", is_flag=True,
              help="Write a procedure's draft instead of its published version where one exists.")
def export_command(path: Path, fmt: str | None, include_drafts: bool) -> None:
    """Write the catalog (published versions, ordered by agency then code) to PATH."""
    fmt = fmt or io_import.format_of(path.name) or "xlsx"
    with path.open("wb") as out:
        count = io_export.write_catalog(out, fmt, include_drafts)
    click.echo(f"Đã xuất {count} thủ tục vào {path} ({fmt}).")


@catalog_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish every new or changed draft.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_command(path: Path, publish: bool, dry_run: bool) -> None:
    """Import PATH (.xlsx or .csv): all or nothing; published versions are never changed."""
    fmt = io_import.format_of(path.name)
    if fmt is None:
        raise click.ClickException("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
    try:
        with path.open("rb") as stream:
            report = io_import.import_catalog(stream, fmt, publish=publish, dry_run=dry_run)
        if report.errors:
            db.session.rollback()
            for error in report.shown_errors:
                click.echo(str(error), err=True)
            raise click.ClickException(
                f"Tệp có {len(report.errors)} lỗi (hiển thị tối đa {io_import.SHOWN_ERRORS}); "
                f"không có thay đổi nào được ghi.")
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except (CatalogError, SQLAlchemyError) as error:
        db.session.rollback()
        message = f"Nhập thất bại, không có thay đổi nào được ghi: {error}"
        raise click.ClickException(message) from error
    click.echo(report.summary())
