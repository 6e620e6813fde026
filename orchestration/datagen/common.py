"""Shared helpers for the deterministic data generators.

Every table gets its own random stream seeded from ``(seed, table)``, so adding a
column to one table never changes the rows of another, and a given scale and seed
always reproduce the same bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

# The generated world is a snapshot synced by the loader at this instant.
SYNCED_AT = datetime(2026, 11, 1, 2, 0, 0)
HISTORY_START = date(2025, 1, 1)
HISTORY_END = date(2026, 10, 31)
HISTORY_DAYS = (HISTORY_END - HISTORY_START).days

Row = Sequence[object]


def rng_for(seed: int, table: str) -> random.Random:
    """An independent, reproducible random stream for one table."""
    return random.Random(f"{seed}:{table}")


def fmt(value: object) -> str:
    """Render a value the way the CSV seeds store it (empty string = null)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def random_day(rng: random.Random, start: date = HISTORY_START, days: int = HISTORY_DAYS) -> date:
    return start + timedelta(days=rng.randrange(days + 1))


def random_instant(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(seconds=rng.randrange(86_400))


def synced(rng: random.Random) -> datetime:
    """A Fivetran sync timestamp within the last sync window."""
    return SYNCED_AT - timedelta(seconds=rng.randrange(6 * 3600))


@dataclass
class Table:
    """One generated source table: its columns and rows, in load order."""

    name: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def add(self, *values: object) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.name}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(values)


def write_tables(out_dir: Path, tables: Iterable[Table]) -> list[Path]:
    """Write tables as CSV files named ``<table>.csv``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = out_dir / f"{table.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.columns)
            writer.writerows([fmt(v) for v in row] for row in table.rows)
        written.append(path)
    return written
