"""Which columns name stored objects, found from the mapped tables themselves.

Every mapped column called ``storage_key`` or ending in ``_key`` holds a storage key (the
catalog's ``template_key``/``sample_key``, the dossier, complaint and obligation files'
``storage_key``); where its table also has ``size`` and ``sha256`` the row records what the
object must be. A new ``*_key`` column that is *not* a storage key goes into ``NOT_STORAGE``;
tests/unit/ops checks the list found, so a new kind of stored file is never forgotten by the
backup's verification."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Select, String, Table, literal, select, union_all

from portal.extensions import db

# (table, column) pairs named like a storage key that hold something else.
NOT_STORAGE: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class KeyColumn:
    table: Table
    key: Column
    size: Column | None
    sha256: Column | None

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.key.name}"


def key_columns() -> list[KeyColumn]:
    # Imported for their mappers: the metadata must hold every table.
    import portal.models  # noqa: F401

    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not (column.name == "storage_key" or column.name.endswith("_key")):
                continue
            if (table.name, column.name) in NOT_STORAGE or not isinstance(column.type, String):
                continue
            own = column.name == "storage_key"  # the size and checksum are this file's
            size = table.columns.get("size") if own else None
            sha256 = table.columns.get("sha256") if own else None
            found.append(KeyColumn(table, column, size, sha256))
    return sorted(found, key=lambda k: k.name)


def references_query(columns: list[KeyColumn] | None = None) -> Select:
    """One query: (key, size or NULL, sha256 or NULL, "table.column", row id) of every row
    naming an object."""
    parts = []
    for item in columns if columns is not None else key_columns():
        size: ColumnElement = item.size if item.size is not None else literal(None)
        sha: ColumnElement = item.sha256 if item.sha256 is not None else literal(None)
        parts.append(select(item.key.label("key"), size.label("size"), sha.label("sha256"),
                            literal(item.name).label("source"),
                            item.table.c.id.label("row_id"))
                     .where(item.key.is_not(None), item.key != ""))
    return union_all(*parts).subquery("refs").select()
