"""`flask catalog export|import` (the format is docs/catalog-format.md)."""

import click
from flask.cli import AppGroup

catalog_cli = AppGroup("catalog", help="Import and export the procedure catalog.")
