"""Administration: procedures (being written)."""

from portal.blueprints.admin import bp  # noqa: F401
