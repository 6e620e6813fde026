"""Initial load from extract files (`fsi load --initial DIR`): the large-data alternative to
`dbt seed` for the raw tables.

``DIR/<source>/<table>.parquet`` (what `fsi generate --scale N` writes) replaces
``raw_<source>.<table>`` in one transaction: either every table is replaced or none is.
Build on it with `fsi build --keep-raw`, which leaves the raw tables as loaded instead of
reseeding them from seeds/raw.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.paths import SEEDS_RAW_DIR


class ExtractError(Exception):
    """The extract directory cannot be loaded; nothing was changed."""


def raw_tables(seeds_dir: Path = SEEDS_RAW_DIR) -> set[tuple[str, str]]:
    """Every (source, table) the raw seed packages define."""
    return {(path.parent.name, path.stem) for path in seeds_dir.glob("*/*.csv")}


def load_extracts(warehouse: Path, directory: Path) -> dict[str, int]:
    """Replace the raw tables with the extract files; returns rows per ``raw_<source>.<table>``."""
    files = sorted(directory.glob("*/*.parquet"))
    if not files:
        raise ExtractError(
            f"no extract files (<source>/<table>.parquet) in {directory}; "
            "write some with `fsi generate --scale N --out DIR`"
        )
    known = raw_tables()
    unknown = [f"{f.parent.name}/{f.name}" for f in files if (f.parent.name, f.stem) not in known]
    if unknown:
        raise ExtractError(
            f"{', '.join(unknown)} in {directory} match no raw table "
            f"(known: {', '.join(sorted(f'{s}/{t}' for s, t in known))})"
        )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("begin transaction")
        for path in files:
            relation = f"raw_{path.parent.name}.{path.stem}"
            con.execute(f"create schema if not exists raw_{path.parent.name}")
            source_file = path.as_posix().replace("'", "''")
            con.execute(
                f"create or replace table {relation} as select * from read_parquet('{source_file}')"
            )
            rows[relation] = con.execute(f"select count(*) from {relation}").fetchone()[0]
        con.execute("commit")
    except duckdb.Error as error:
        con.execute("rollback")
        raise ExtractError(f"loading {directory} failed, nothing was changed: {error}") from error
    finally:
        con.close()
    return rows
