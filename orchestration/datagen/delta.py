"""`fsi delta`: change batches for the landing folder, shaped like a CDC feed.

Each batch writes one file per change-log table (``landing/<source>/<table>/batch-NNNNN.jsonl``;
Salesforce opportunities as parquet) with creates, updates and deletes of rows of the seeds,
and the trouble real feeds have: records delivered twice in a batch, a record of an earlier
batch delivered again, late events whose sequence is older than changes already sent, a record
with an unknown operation, one without a key, one with a value that does not parse, and per
batch one malformed file (bad JSON, wrong columns or empty). Batches are numbered after the
highest batch already in the landing folder (including ``_loaded`` and ``_rejected``), and a
seed reproduces the same batches.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.change_logs import ChangeLog, change_logs
from orchestration.landing import batch_number

# The column each table's updates change: (column, how). Scale keeps money realistic; shift
# moves an event's time by minutes.
MUTATIONS = {
    "transactions": ("amount", "scale"),
    "claims": ("adjustment_expenses", "scale"),
    "opportunity": ("amount", "scale"),
    "customer_patterns": ("after_avg_monthly_spend", "scale"),
}
DEFAULT_MUTATION = ("activity_date", "shift")
# A created send needs its own campaign run: (lead, campaign, run, template) identifies a send.
DISTINCT_ON_CREATE = {"activity_send_email": "campaign_run_id"}
# Change feeds that carry their own operation, sequence and batch (Debezium-shaped): a landing
# record repeats _op in the operation column, and its sequence is a time derived from _seq.
EVENT_COLUMNS = {"customer_patterns": ("op", "datetime_updated", "batch_id")}
EVENT_EPOCH = datetime(2026, 11, 1)
# Sends are never deleted: the deliveries, opens and clicks of a send refer to it (tested).
NOT_DELETED = {"activity_send_email"}
PARQUET_TABLES = {"opportunity"}
SEQ_PER_BATCH = 1_000_000
MALFORMED_KINDS = ("bad-json", "wrong-columns", "empty")


def write_batches(
    batches: int, seed: int, landing_dir: Path, seeds_dir: Path, changes_per_batch: int = 40
) -> list[Path]:
    if batches < 1:
        raise ValueError("--batches must be at least 1")
    first = next_batch(landing_dir)
    rng = random.Random(f"delta:{seed}:{first}")
    logs = change_logs()
    rows = {log: _read_seed(seeds_dir, log) for log in logs}
    deleted: dict[ChangeLog, set[str]] = {log: set() for log in logs}
    sent: dict[ChangeLog, list[dict]] = {log: [] for log in logs}
    written = []
    for batch in range(first, first + batches):
        for log in logs:
            records = _batch_records(
                rng, log, batch, rows[log], deleted[log], sent[log], changes_per_batch
            )
            written.append(_write(landing_dir, log, batch, records))
        written.append(_write_malformed(rng, landing_dir, logs, batch, rows))
    return written


def next_batch(landing_dir: Path) -> int:
    numbers = [batch_number(path) for path in landing_dir.rglob("batch-*") if path.is_file()]
    return max(numbers, default=0) + 1


def _read_seed(seeds_dir: Path, log: ChangeLog) -> list[dict]:
    with (seeds_dir / log.source / f"{log.table}.csv").open(newline="") as handle:
        return [
            {k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(handle)
        ]


def _batch_records(
    rng: random.Random,
    log: ChangeLog,
    batch: int,
    seed_rows: list[dict],
    deleted: set[str],
    sent: list[dict],
    changes_per_batch: int,
) -> list[dict]:
    seq = iter(range(batch * SEQ_PER_BATCH, (batch + 1) * SEQ_PER_BATCH))
    live = [row for row in seed_rows if row[log.key] not in deleted]
    records = []
    n = max(4, rng.randint(changes_per_batch // 2, changes_per_batch * 3 // 2))
    for index in range(n // 2):  # creates: a seed row as template with a new key
        row = _mutate(rng, log, dict(rng.choice(seed_rows)))
        row[log.key] = _new_key(seed_rows[0][log.key], batch, index)
        if log.table in DISTINCT_ON_CREATE:
            row[DISTINCT_ON_CREATE[log.table]] = str(900_000 + batch * 1_000 + index)
        records.append({**row, "_op": "c", "_seq": next(seq)})
    for row in rng.sample(live, min(len(live), n // 3)):  # updates
        records.append({**_mutate(rng, log, dict(row)), "_op": "u", "_seq": next(seq)})
    deletes = 0 if log.table in NOT_DELETED else max(1, n // 10)
    for row in rng.sample(live, min(len(live), deletes)):  # deletes
        deleted.add(row[log.key])
        records.append({**row, "_op": "d", "_seq": next(seq)})
    # late event: an update older than everything of this batch (loses to any newer change)
    late = dict(rng.choice(live))
    records.append({**_mutate(rng, log, late), "_op": "u", "_seq": batch * SEQ_PER_BATCH - 1})
    # duplicates: delivered twice in this batch, and one record of an earlier batch again
    records += rng.sample(records, 2)
    if sent:
        records.append(rng.choice(sent))
    sent.extend(records)
    # records the loader must reject (and keep, with the reason)
    bad_op = dict(rng.choice(seed_rows))
    records.append({**bad_op, "_op": "x", "_seq": next(seq)})
    no_key = dict(rng.choice(seed_rows))
    records.append({**no_key, log.key: None, "_op": "u", "_seq": next(seq)})
    column, _ = MUTATIONS.get(log.table, DEFAULT_MUTATION)
    unparsable = dict(rng.choice(live))
    records.append({**unparsable, column: "n/a", "_op": "u", "_seq": next(seq)})
    if log.table in EVENT_COLUMNS:
        records = [_as_event(log, batch, record) for record in records]
    rng.shuffle(records)
    return records


def _as_event(log: ChangeLog, batch: int, record: dict) -> dict:
    op, sequence, batch_column = EVENT_COLUMNS[log.table]
    at = EVENT_EPOCH + timedelta(milliseconds=record["_seq"])
    return {
        **record,
        op: record["_op"],
        sequence: at.strftime("%Y-%m-%d %H:%M:%S.%f"),
        batch_column: str(batch),
    }


def _mutate(rng: random.Random, log: ChangeLog, row: dict) -> dict:
    column, how = MUTATIONS.get(log.table, DEFAULT_MUTATION)
    value = row.get(column)
    if value is None:
        return row
    if how == "scale":
        row[column] = f"{float(value) * rng.uniform(0.8, 1.2):.2f}"
    else:
        shifted = datetime.fromisoformat(value) + timedelta(minutes=rng.randint(1, 180))
        row[column] = shifted.strftime("%Y-%m-%d %H:%M:%S")
    return row


def _new_key(example: str, batch: int, index: int) -> str:
    if example.isdigit():
        return str(10**10 + batch * 100_000 + index)
    return f"{example[:3]}D{batch:05d}{index:05d}"[: max(len(example), 14)]


def _path(landing_dir: Path, log: ChangeLog, name: str) -> Path:
    folder = landing_dir / log.source / log.table
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _write(landing_dir: Path, log: ChangeLog, batch: int, records: list[dict]) -> Path:
    lines = "".join(json.dumps(record) + "\n" for record in records)
    path = _path(landing_dir, log, f"batch-{batch:05d}.jsonl")
    path.write_text(lines)
    if log.table not in PARQUET_TABLES:
        return path
    parquet = path.with_suffix(".parquet")
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_json('{path}', format = 'newline_delimited', "
            "columns = {" + ", ".join(f"'{k}': 'VARCHAR'" for k in records[0]) + "})) "
            f"to '{parquet}' (format parquet)"
        )
    path.unlink()
    return parquet


def _write_malformed(
    rng: random.Random,
    landing_dir: Path,
    logs: list[ChangeLog],
    batch: int,
    rows: dict[ChangeLog, list[dict]],
) -> Path:
    log = rng.choice([log for log in logs if log.table not in PARQUET_TABLES])
    kind = MALFORMED_KINDS[batch % len(MALFORMED_KINDS)]
    path = _path(landing_dir, log, f"batch-{batch:05d}-{kind}.jsonl")
    row = {**rng.choice(rows[log]), "_op": "u", "_seq": batch * SEQ_PER_BATCH}
    if kind == "bad-json":
        path.write_text(json.dumps(row) + "\n" + json.dumps(row)[:-7] + "\n")
    elif kind == "wrong-columns":
        renamed = {("renamed_" + k if k == log.key else k): v for k, v in row.items()}
        path.write_text(json.dumps(renamed) + "\n")
    else:
        path.write_text("")
    return path
