"""Initial load from extract files (`fsi load --initial DIR`): the large-data alternative to
`dbt seed` for the raw tables.

``DIR/<source>/<table>.parquet`` (what `fsi generate --scale N` writes above scale 1) or
``DIR/<source>/<table>.csv`` (what it writes at scale 1, the seed world; read with the column
types the raw seeds declare) replaces ``raw_<source>.<table>`` in one transaction: either every
table is replaced or none is.
Build on it with `fsi build --keep-raw`, which leaves the raw tables as loaded instead of
reseeding them from seeds/raw.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from orchestration.datagen.scale import seed_column_types, sql_string, typed_csv_sql
from orchestration.paths import SEEDS_RAW_DIR


class ExtractError(Exception):
    """The extract directory cannot be loaded; nothing was changed."""


def raw_tables(seeds_dir: Path = SEEDS_RAW_DIR) -> set[tuple[str, str]]:
    """Every (source, table) the raw seed packages define."""
    return {(path.parent.name, path.stem) for path in seeds_dir.glob("*/*.csv")}


def extract_files(directory: Path, seeds_dir: Path = SEEDS_RAW_DIR) -> dict[Path, dict[str, str]]:
    """The extract files of ``directory``, each with the column types its raw table's seed
    declares, checked against the raw tables: one file per table, parquet or CSV, and a CSV
    with exactly the columns its seed declares."""
    files = sorted([*directory.glob("*/*.parquet"), *directory.glob("*/*.csv")])
    if not files:
        raise ExtractError(
            f"no extract files (<source>/<table>.parquet or .csv) in {directory}; "
            "write some with `fsi generate --scale N --out DIR`"
        )
    known = raw_tables(seeds_dir)
    unknown = [f"{f.parent.name}/{f.name}" for f in files if (f.parent.name, f.stem) not in known]
    if unknown:
        raise ExtractError(
            f"{', '.join(unknown)} in {directory} match no raw table "
            f"(known: {', '.join(sorted(f'{s}/{t}' for s, t in known))})"
        )
    tables = [(f.parent.name, f.stem) for f in files]
    twice = sorted({f"{s}/{t}" for s, t in tables if tables.count((s, t)) > 1})
    if twice:
        raise ExtractError(f"{', '.join(twice)} in {directory} both as parquet and as CSV")
    types = seed_column_types(seeds_dir)
    typed = {path: types[path.parent.name][path.stem] for path in files}
    for path, declared in typed.items():
        if path.suffix != ".csv":
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        if sorted(header) != sorted(declared):
            raise ExtractError(
                f"{path.parent.name}/{path.name} has the columns {', '.join(header) or 'none'}; "
                f"its raw table has {', '.join(declared)}"
            )
    return typed


def load_extracts(warehouse: Path, directory: Path) -> dict[str, int]:
    """Replace the raw tables with the extract files; returns rows per ``raw_<source>.<table>``."""
    files = extract_files(directory)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("begin transaction")
        for path, types in files.items():
            relation = f"raw_{path.parent.name}.{path.stem}"
            con.execute(f"create schema if not exists raw_{path.parent.name}")
            if path.suffix == ".csv":
                select = typed_csv_sql(path, types)
            else:
                select = f"select * from read_parquet({sql_string(path.as_posix())})"
            con.execute(f"create or replace table {relation} as {select}")
            rows[relation] = con.execute(f"select count(*) from {relation}").fetchone()[0]
        con.execute("commit")
    except duckdb.Error as error:
        con.execute("rollback")
        raise ExtractError(f"loading {directory} failed, nothing was changed: {error}") from error
    finally:
        con.close()
    return rows
