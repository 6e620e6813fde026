"""`fsi load`: ingest landing files into the change logs, each file exactly once.

Files arrive as ``landing/<source>/<table>/<name>.jsonl`` (JSON lines) or ``.parquet``, one
record per change with the raw table's columns plus ``_op`` (c/u/d) and ``_seq``. For each file,
in one warehouse transaction, the loader appends the good records to
``raw_<source>.<table>__changes``, writes the records it cannot apply to
``landing.rejected_records`` with the reason, and records the file's SHA-256 in the ledger
``landing.ingested_files``. Only after the commit is the file moved to ``landing/_loaded/``, so
a load interrupted at any point is repaired by running it again, and a file delivered twice is
skipped. A file that cannot be read at all (bad JSON, wrong columns, empty) is moved to
``landing/_rejected/`` with a ``.reason.txt`` next to it; the other files still load.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.change_logs import ChangeLog, change_logs

LOADED_DIR = "_loaded"
REJECTED_DIR = "_rejected"
READERS = {".jsonl": "read_json", ".json": "read_json", ".parquet": "read_parquet"}
CHANGE_COLUMNS = ("_op", "_seq")
# what a change log adds to the raw table's columns (see macros/changes/change_logs.sql)
LOG_COLUMNS = (*CHANGE_COLUMNS, "_batch_id", "_line", "_loaded_at")


class LoadError(Exception):
    """The load cannot start (no warehouse, warehouse not built yet)."""


class FileRejected(Exception):
    """A landing file that cannot be ingested; the message says why."""


@dataclass
class FileResult:
    path: str
    status: str  # loaded, rejected or skipped
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None


@dataclass
class LoadReport:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.files if result.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(result.rows_loaded for result in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(result.rows_rejected for result in self.files)

    def for_table(self, source: str, table: str) -> LoadReport:
        """The part of the report about one change log's folder."""
        return LoadReport([f for f in self.files if f.path.startswith(f"{source}/{table}/")])

    def summary(self) -> str:
        return (
            f"{self.count('loaded')} files loaded ({self.rows_loaded} changes, "
            f"{self.rows_rejected} records rejected), {self.count('rejected')} files rejected, "
            f"{self.count('skipped')} already ingested"
        )


def pending_files(landing_dir: Path) -> list[Path]:
    """Files waiting in ``landing/<source>/<table>/`` (not in ``_loaded``/``_rejected``)."""
    if not landing_dir.is_dir():
        return []
    return sorted(
        path
        for path in landing_dir.glob("*/*/*")
        if path.is_file() and not any(part.startswith("_") for part in path.parts[-3:-1])
    )


def batch_number(path: Path) -> int:
    """The delivery batch of a file: the number in its name (``batch-00012.jsonl`` -> 12)."""
    match = re.search(r"(\d+)", path.name)
    return int(match.group(1)) if match else 0


def load(
    warehouse: Path,
    landing_dir: Path,
    progress: Callable[[str], None] = print,
) -> LoadReport:
    report = LoadReport()
    files = pending_files(landing_dir)
    if not files:
        return report
    if not warehouse.exists():
        raise LoadError(f"no warehouse at {warehouse}: run `fsi build` first")
    logs = {(log.source, log.table): log for log in change_logs()}
    with duckdb.connect(str(warehouse)) as con:
        _check_initialised(con, warehouse)
        for number, path in enumerate(files, start=1):
            result = _ingest(con, path, landing_dir, logs)
            report.files.append(result)
            progress(f"[{number}/{len(files)}] {_describe(result)}")
    return report


def _check_initialised(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    tables = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'landing'"
        ).fetchall()
    }
    if "ingested_files" not in tables:
        raise LoadError(f"the warehouse {warehouse} has no landing ledger: run `fsi build` first")


def _describe(result: FileResult) -> str:
    if result.status == "loaded":
        rejected = f", {result.rows_rejected} records rejected" if result.rows_rejected else ""
        return f"loaded {result.path}: {result.rows_loaded} changes{rejected}"
    if result.status == "skipped":
        return f"skipped {result.path}: already ingested"
    return f"rejected {result.path}: {result.reason}"


def _ingest(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    landing_dir: Path,
    logs: dict[tuple[str, str], ChangeLog],
) -> FileResult:
    relative = path.relative_to(landing_dir).as_posix()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    previous = con.execute(
        "select status from landing.ingested_files where file_sha256 = ? limit 1", [digest]
    ).fetchone()
    if previous:
        _move(path, landing_dir, LOADED_DIR if previous[0] == "loaded" else REJECTED_DIR)
        return FileResult(relative, "skipped")
    source, table = path.parts[-3], path.parts[-2]
    log = logs.get((source, table))
    try:
        if log is None:
            known = ", ".join(sorted(f"{s}/{t}" for s, t in logs))
            raise FileRejected(f"no change log for {source}/{table} (known: {known})")
        result = _apply(con, path, relative, digest, log)
    except FileRejected as rejection:
        reason = str(rejection)
        _record_file(con, relative, digest, source, table, path, "rejected", 0, 0, reason)
        target = _move(path, landing_dir, REJECTED_DIR)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n")
        return FileResult(relative, "rejected", reason=reason)
    _move(path, landing_dir, LOADED_DIR)
    return result


def _apply(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, digest: str, log: ChangeLog
) -> FileResult:
    reader = READERS.get(path.suffix)
    if reader is None:
        raise FileRejected(f"unsupported file type {path.suffix!r} (use .jsonl or .parquet)")
    if path.stat().st_size == 0:
        raise FileRejected("empty file")
    columns = _raw_columns(con, log)
    arriving = _file_columns(con, reader, path)
    missing = [name for name in [*columns, *CHANGE_COLUMNS] if name not in arriving]
    unexpected = [name for name in arriving if name not in columns and name not in CHANGE_COLUMNS]
    if missing or unexpected:
        problems = [f"missing columns {', '.join(missing)}"] if missing else []
        problems += [f"unexpected columns {', '.join(unexpected)}"] if unexpected else []
        raise FileRejected("wrong columns: " + "; ".join(problems))

    as_text = ", ".join(f"cast({_q(name)} as varchar) as {_q(name)}" for name in arriving)
    try:
        con.execute(
            "create or replace temp table incoming as select row_number() over () as _line, "
            f"{as_text} from {_reader_sql(reader, path, arriving)}"
        )
    except duckdb.Error as error:
        raise FileRejected(f"not readable: {str(error).strip().splitlines()[0]}") from error
    con.execute(
        "create or replace temp table checked as "
        f"select *, {_rejection_reason(columns, log.key)} as _reason from incoming"
    )
    total, rejected = con.execute("select count(*), count(_reason) from checked").fetchone()
    if total == 0:
        raise FileRejected("no records")

    typed = ", ".join(f"try_cast({_q(name)} as {kind})" for name, kind in columns.items())
    batch = batch_number(path)
    con.execute("begin transaction")
    try:
        con.execute(
            f"insert into {log.qualified_name} "
            f"select {typed}, _op, cast(_seq as bigint), ?, _line, current_timestamp "
            "from checked where _reason is null order by _line",
            [batch],
        )
        record = ", ".join(f"{_q(name)} := {_q(name)}" for name in arriving)
        con.execute(
            "insert into landing.rejected_records "
            f"select ?, ?, ?, ?, _line, {_q(log.key)}, _reason, "
            f"cast(to_json(struct_pack({record})) as varchar), current_timestamp "
            "from checked where _reason is not null order by _line",
            [log.source, log.table, batch, relative],
        )
        _record_file(
            con, relative, digest, log.source, log.table, path, "loaded", total - rejected, rejected
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return FileResult(relative, "loaded", rows_loaded=total - rejected, rows_rejected=rejected)


def _raw_columns(con: duckdb.DuckDBPyConnection, log: ChangeLog) -> dict[str, str]:
    """The raw table's columns and types, from the change log (which has them plus _op...)."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [log.schema, log.name],
    ).fetchall()
    if not rows:
        raise FileRejected(
            f"the warehouse has no {log.qualified_name} yet: run `fsi build` once, then load"
        )
    return {name: kind for name, kind in rows if name not in LOG_COLUMNS}


def _file_columns(con: duckdb.DuckDBPyConnection, reader: str, path: Path) -> list[str]:
    try:
        described = con.execute(f"describe select * from {_reader_sql(reader, path)}").fetchall()
    except duckdb.Error as error:
        kind = "JSON lines" if reader == "read_json" else "parquet"
        first_line = str(error).strip().splitlines()[0]
        raise FileRejected(f"not valid {kind}: {first_line}") from error
    return [row[0] for row in described]


def _reader_sql(reader: str, path: Path, text_columns: list[str] | None = None) -> str:
    location = "'" + str(path).replace("'", "''") + "'"
    if reader == "read_parquet":
        return f"read_parquet({location})"
    if text_columns is None:
        return f"read_json({location}, format = 'newline_delimited')"
    # every value as text, as it arrived: the checks below decide what parses
    struct = ", ".join(f"'{name}': 'VARCHAR'" for name in text_columns)
    return f"read_json({location}, format = 'newline_delimited', columns = {{{struct}}})"


def _rejection_reason(columns: dict[str, str], key: str) -> str:
    """SQL for why a record (all text) cannot be applied; null when it can."""
    checks = [
        (
            "_op is null or _op not in ('c', 'u', 'd')",
            "'unknown operation ' || coalesce(_op, 'null') || ' (expected c, u or d)'",
        ),
        (
            "try_cast(_seq as bigint) is null",
            "'_seq is not an integer: ' || coalesce(_seq, 'null')",
        ),
        (f"{_q(key)} is null", f"'missing key {key}'"),
    ]
    for name, kind in columns.items():
        if kind.upper() != "VARCHAR":
            checks.append(
                (
                    f"{_q(name)} is not null and try_cast({_q(name)} as {kind}) is null",
                    f"'{name} is not a valid {kind.lower()}: ' || {_q(name)}",
                )
            )
    whens = "\n".join(f"when {condition} then {reason}" for condition, reason in checks)
    return f"case {whens} end"


def _record_file(
    con: duckdb.DuckDBPyConnection,
    relative: str,
    digest: str,
    source: str,
    table: str,
    path: Path,
    status: str,
    rows_loaded: int,
    rows_rejected: int,
    reason: str | None = None,
) -> None:
    con.execute(
        "insert into landing.ingested_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [
            relative,
            digest,
            source,
            table,
            batch_number(path),
            status,
            rows_loaded,
            rows_rejected,
            reason,
        ],
    )


def _move(path: Path, landing_dir: Path, folder: str) -> Path:
    target = landing_dir / folder / path.relative_to(landing_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)
    return target


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
