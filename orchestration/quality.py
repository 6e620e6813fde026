"""Reading what the warehouse set aside (quarantine.data_quality_counts)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def data_quality_counts(warehouse: Path) -> list[tuple[str, str, int]]:
    """(source, check, rows) for every kind of quarantined or unmatched data, largest first.

    Empty when the warehouse has not been built yet.
    """
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'quarantine' and table_name = 'data_quality_counts'"
        ).fetchone()[0]
        if not built:
            return []
        return con.execute(
            "select source_name, check_name, affected_rows from quarantine.data_quality_counts "
            "order by affected_rows desc, source_name, check_name"
        ).fetchall()
