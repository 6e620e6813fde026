"""What a dbt run did to the warehouse: rows per table, and the rows each incremental model
inserted, updated and deleted (from landing.incremental_runs, written by their post-hook)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class IncrementalChanges:
    inserted: int
    updated: int
    deleted: int

    def __str__(self) -> str:
        return f"+{self.inserted} inserted, ~{self.updated} updated, -{self.deleted} deleted"


def incremental_changes(warehouse: Path, invocation_id: str) -> dict[str, IncrementalChanges]:
    """Per incremental model, what the dbt invocation did (empty for a full refresh)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select model_name, sum(rows_inserted), sum(rows_updated), sum(rows_deleted) "
            "from landing.incremental_runs where invocation_id = ? group by model_name "
            "order by model_name",
            [invocation_id],
        ).fetchall()
    return {name: IncrementalChanges(int(i), int(u), int(d)) for name, i, u, d in rows}


def row_counts(warehouse: Path, relations: list[str]) -> dict[str, int]:
    """Rows in each existing relation (``schema.table``, quoted or not); missing ones left out."""
    counts = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for relation in relations:
            try:
                counts[relation] = con.execute(f"select count(*) from {relation}").fetchone()[0]
            except duckdb.CatalogException:
                continue
    return counts
