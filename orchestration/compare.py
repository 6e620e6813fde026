"""Compare tables of two DuckDB warehouses row for row (the incremental = full-refresh check,
and any other "same data, same result" comparison)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

# Floating-point aggregates may differ in the last bits when rows are summed in another order.
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
FLOAT_DIGITS = 6


@dataclass(frozen=True)
class TableDiff:
    table: str
    only_left: int
    only_right: int

    @property
    def equal(self) -> bool:
        return self.only_left == 0 and self.only_right == 0


def compare_tables(
    left: Path,
    right: Path,
    tables: list[str],
    ignore_columns: tuple[str, ...] = (),
    decimal_digits: int | None = None,
) -> list[TableDiff]:
    """For each ``schema.table``: rows (with multiplicity) only in left, only in right.
    Floats are rounded to FLOAT_DIGITS places, decimals to ``decimal_digits`` if given."""
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        diffs = []
        for table in tables:
            schema, name = table.split(".")
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'l' and schema_name = ? and table_name = ? "
                "order by column_index",
                [schema, name],
            ).fetchall()
            if not columns:
                raise ValueError(f"{table} does not exist in {left}")
            select = ", ".join(
                _comparable(column, kind, decimal_digits)
                for column, kind in columns
                if column not in ignore_columns
            )
            only_left, only_right = (
                con.execute(
                    f"select count(*) from (select {select} from {a}.{table} "
                    f"except all select {select} from {b}.{table})"
                ).fetchone()[0]
                for a, b in (("l", "r"), ("r", "l"))
            )
            diffs.append(TableDiff(table, only_left, only_right))
        return diffs


def _comparable(column: str, kind: str, decimal_digits: int | None) -> str:
    if kind in FLOAT_TYPES:
        return f'round("{column}", {FLOAT_DIGITS})'
    if decimal_digits is not None and kind.startswith("DECIMAL"):
        return f'cast(round("{column}", {decimal_digits}) as decimal(38, {decimal_digits}))'
    return f'"{column}"'
