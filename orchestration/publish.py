"""Publishing the marts for BI tools.

BI tools open ``warehouse/bi.duckdb`` read-only. Publishing copies every mart into a new file
next to it and renames that file over the old one: the rename is atomic, so a reader sees
either the previous complete set of marts or the new one, never a half-built table, and
never blocks the warehouse writer. The marts' bookkeeping columns (names starting with an
underscore) stay in the warehouse.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.paths import bi_path, target_path, warehouse_path


class PublishError(RuntimeError):
    """Publishing cannot start; the message says what to do."""


@dataclass(frozen=True)
class MartTable:
    schema: str
    name: str


def mart_tables(manifest_path: Path) -> list[MartTable]:
    """Every model under models/marts/, from the dbt manifest (no hand-kept list)."""
    if not manifest_path.exists():
        raise PublishError(
            f"No dbt manifest at {manifest_path}; build the warehouse first (`fsi build`)."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = [
        MartTable(node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]
    ]
    return sorted(tables, key=lambda t: (t.schema, t.name))


def publish(warehouse: Path, bi_file: Path, tables: list[MartTable]) -> dict[str, int]:
    """Copy ``tables`` from the warehouse into a fresh ``bi_file``; returns rows per table."""
    if not warehouse.exists():
        raise PublishError(
            f"No warehouse at {warehouse}; build it first (`fsi build` or `make demo`)."
        )
    bi_file.parent.mkdir(parents=True, exist_ok=True)
    staging_file = bi_file.with_name(f".{bi_file.name}.{os.getpid()}.new")
    staging_file.unlink(missing_ok=True)
    rows: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging_file)) as con:
            con.execute(f"attach '{warehouse}' as warehouse (read_only)")
            for table in tables:
                name = f"{table.schema}.{table.name}"
                con.execute(f'create schema if not exists "{table.schema}"')
                con.execute(
                    f'create table "{table.schema}"."{table.name}" as '
                    f"select *{_without_bookkeeping(con, table)} "
                    f'from warehouse."{table.schema}"."{table.name}"'
                )
                rows[name] = con.execute(f"select count(*) from {name}").fetchone()[0]
            con.execute("detach warehouse")
            con.execute("checkpoint")
        os.replace(staging_file, bi_file)
    except duckdb.CatalogException as error:
        raise PublishError(
            f"A mart is missing from the warehouse ({error}); run `fsi build` before publishing."
        ) from error
    finally:
        staging_file.unlink(missing_ok=True)
    return rows


def _without_bookkeeping(con: duckdb.DuckDBPyConnection, table: MartTable) -> str:
    """An incremental mart keeps the change columns of the models it is built from
    (`_changed_at`, `_is_deleted`, `_invocation_id`, ...; every name starts with an underscore)
    for its next run. BI tools get the business columns only: the ``exclude`` clause for them."""
    bookkeeping = [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'warehouse' "
            "and schema_name = ? and table_name = ? and starts_with(column_name, '_') "
            "order by column_index",
            [table.schema, table.name],
        ).fetchall()
    ]
    if not bookkeeping:
        return ""
    return " exclude (" + ", ".join(f'"{name}"' for name in bookkeeping) + ")"


def publish_marts() -> dict[str, int]:
    """Publish every mart of the last dbt parse/build from the working warehouse to the BI file."""
    return publish(warehouse_path(), bi_path(), mart_tables(target_path() / "manifest.json"))
