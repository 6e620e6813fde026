"""A change batch proportional to the warehouse (`fsi bench`'s delta), built in DuckDB.

For every change-log table it picks a fraction of the current raw rows (by a hash of the key,
so a seed reproduces the batch) and writes one parquet file,
``landing/<source>/<table>/batch-NNNNN.parquet``, that the ordinary loader (`fsi load`) takes:
a fifth of the changes create rows (a picked row under a new key), seven tenths update rows
(the column `fsi delta` mutates) and a tenth delete rows, with the same exceptions as
`fsi delta` (sends are never deleted; a created send gets its own campaign run; the
Debezium-shaped feed repeats the operation, sequence and batch in its own columns).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.change_logs import change_logs
from orchestration.datagen.delta import (
    DEFAULT_MUTATION,
    DISTINCT_ON_CREATE,
    EVENT_COLUMNS,
    EVENT_EPOCH,
    MUTATIONS,
    NOT_DELETED,
    SEQ_PER_BATCH,
    next_batch,
)

SHARES = {"c": 0.2, "u": 0.7, "d": 0.1}


def write_proportional_batch(
    warehouse: Path,
    landing_dir: Path,
    fraction: float = 0.01,
    seed: int = 1,
    only: list[str] | None = None,
) -> dict[str, int]:
    """Write one batch changing ``fraction`` of every change-log table (or of the logs named in
    ``only``, as dbt names them: ``claims.claims__changes``); returns changes per file written
    (relative to ``landing_dir``)."""
    if not 0 < fraction <= 0.5:
        raise ValueError(f"the changed fraction must be above 0 and at most 0.5, got {fraction}")
    logs = [log for log in change_logs() if only is None or log.dbt_source in only]
    unknown = sorted(set(only or []) - {log.dbt_source for log in logs})
    if unknown:
        raise ValueError(f"no change log {', '.join(unknown)}")
    batch = next_batch(landing_dir)
    written: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for log in logs:
            raw = f"raw_{log.source}.{log.table}"
            columns = {row[0]: row[1] for row in con.execute(f"describe {raw}").fetchall()}
            folder = landing_dir / log.source / log.table
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"batch-{batch:05d}.parquet"
            query = _changes_sql(log.table, log.key, raw, columns, batch, fraction, seed)
            con.execute(f"copy ({query}) to '{path.as_posix()}' (format parquet)")
            written[str(path.relative_to(landing_dir))] = con.execute(
                f"select count(*) from read_parquet('{path.as_posix()}')"
            ).fetchone()[0]
    return written


def _changes_sql(
    table: str,
    key: str,
    raw: str,
    columns: dict[str, str],
    batch: int,
    fraction: float,
    seed: int,
) -> str:
    per_million = int(fraction * 1_000_000)
    create_below = int(per_million * SHARES["c"])
    update_below = create_below + int(per_million * SHARES["u"])
    delete_below = per_million if table not in NOT_DELETED else update_below
    picked = (
        f"select *, cast(hash({key}, {seed}, {batch}) % 1000000 as bigint) as pick from {raw} "
        f"where {key} is not null and hash({key}, {seed}, {batch}) % 1000000 < {delete_below}"
    )
    mutated, how = MUTATIONS.get(table, DEFAULT_MUTATION)
    if how == "scale":
        factor = "(0.8 + (pick % 400) / 1000.0)"
        change = f"cast(round(try_cast({mutated} as double) * {factor}, 2) as varchar)"
    else:
        change = f"cast(try_cast({mutated} as timestamp) + to_minutes(1 + pick % 180) as varchar)"
    new_key = (
        f"cast({key} + {10**12} * {batch} as varchar)"
        if columns[key] in ("BIGINT", "INTEGER")
        else f"cast({key} as varchar) || '-D{batch}'"
    )

    def select(op: str, condition: str, overrides: dict[str, str]) -> str:
        values = ", ".join(
            f"{overrides.get(column, f'cast({column} as varchar)')} as {column}"
            for column in columns
        )
        return (
            f"select {values}, '{op}' as _op, "
            f"{batch * SEQ_PER_BATCH} + row_number() over (order by {key}) as _seq "
            f"from picked where {condition}"
        )

    creates = {key: new_key, mutated: change}
    if table in DISTINCT_ON_CREATE:
        column = DISTINCT_ON_CREATE[table]
        creates[column] = f"cast({column} + {10**12} * {batch} as varchar)"
    parts = [
        select("c", f"pick < {create_below}", creates),
        select("u", f"pick >= {create_below} and pick < {update_below}", {mutated: change}),
    ]
    if delete_below > update_below:
        parts.append(select("d", f"pick >= {update_below}", {}))
    changes = " union all ".join(f"({part})" for part in parts)
    if table not in EVENT_COLUMNS:
        return f"with picked as ({picked}) select * from ({changes})"
    op, sequence, batch_column = EVENT_COLUMNS[table]
    epoch = EVENT_EPOCH.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"with picked as ({picked}) select * replace ("
        f"_op as {op}, "
        f"strftime(timestamp '{epoch}' + to_milliseconds(_seq), '%Y-%m-%d %H:%M:%S.%f')"
        f" as {sequence}, '{batch}' as {batch_column}) from ({changes})"
    )
