"""Skipping a delta build that has nothing to do.

The delta path (`fsi build --delta`, Dagster's `delta_load`) builds what the change logs feed.
After it succeeds, ``landing.delta_builds`` records how many changes it had seen (records the
loader rejected included), up to which load time, and a fingerprint of the project's SQL and
settings. The next delta build is skipped when both are still the same: no change arrived and
no model changed, so dbt would rebuild the same tables and rerun the same tests on them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.change_logs import change_logs
from orchestration.paths import PROJECT_DIR

# dbt selector of the delta path: the change logs' staging models and everything downstream.
DELTA_SELECTION = "tag:change_log+"
# Read by macros/tests/changed_rows_scope.sql: "changed" limits tests to the changed rows.
TEST_SCOPE_VARIABLE = "FSI_TEST_SCOPE"
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "snapshots", "seeds/reference")


@dataclass(frozen=True)
class ChangesSeen:
    loaded: int
    loaded_through: object  # a timestamp, or None when no change was ever loaded


def project_fingerprint(project_dir: Path = PROJECT_DIR) -> str:
    """A hash of every file that decides what the delta path builds."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = project_dir / name
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in paths:
            digest.update(str(path.relative_to(project_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def changes_seen(warehouse: Path) -> ChangesSeen | None:
    """How many changes the change logs hold and the latest load time (None: no warehouse),
    counting the records the loader rejected: a batch whose every record was rejected
    changes nothing else, and the quarantine must still show it."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:

        def exists(schema: str, table: str) -> bool:
            return con.execute(
                "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                [schema, table],
            ).fetchone()[0]

        parts = []
        for log in change_logs():
            if not exists(log.schema, log.name):
                return None
            parts.append(
                f"select count(*) as n, max(_loaded_at) as last_loaded from {log.qualified_name}"
            )
        if exists("landing", "rejected_records"):
            parts.append("select count(*), max(rejected_at) from landing.rejected_records")
        loaded, through = con.execute(
            f"select sum(n), max(last_loaded) from ({' union all '.join(parts)})"
        ).fetchone()
    return ChangesSeen(int(loaded or 0), through)


def up_to_date(warehouse: Path, seen: ChangesSeen | None, fingerprint: str) -> str | None:
    """The invocation id of the last delta build if it saw exactly ``seen`` with this project;
    None when the delta path has work to do."""
    if seen is None:
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            row = con.execute(
                "select invocation_id, project_fingerprint, changes_loaded, changes_loaded_through "
                "from landing.delta_builds order by finished_at desc limit 1"
            ).fetchone()
        except duckdb.CatalogException:
            return None
    if row is None:
        return None
    invocation_id, last_fingerprint, loaded, through = row
    same = (
        last_fingerprint == fingerprint and loaded == seen.loaded and through == seen.loaded_through
    )
    return invocation_id if same else None


def record_delta_build(
    warehouse: Path, invocation_id: str, seen: ChangesSeen | None, fingerprint: str
) -> None:
    """Remember a successful delta build and what it had seen (taken before it started)."""
    if seen is None:
        return
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into landing.delta_builds values (?, ?, ?, ?, current_timestamp)",
            [invocation_id, fingerprint, seen.loaded, seen.loaded_through],
        )


@dataclass(frozen=True)
class DeltaBuild:
    """One delta build, as `fsi build --delta` and Dagster's `delta_load` run it: what it sees
    before dbt starts, and the earlier delta build that saw the same (then there is nothing
    to build)."""

    warehouse: Path
    seen: ChangesSeen | None
    fingerprint: str
    unchanged_since: str | None
    reprocessing: bool = False

    @classmethod
    def start(cls, warehouse: Path, reprocess_days: int = 0) -> DeltaBuild:
        """Reprocessing (the nightly reconciliation) always builds."""
        fingerprint, seen = project_fingerprint(), changes_seen(warehouse)
        last = None if reprocess_days else up_to_date(warehouse, seen, fingerprint)
        return cls(warehouse, seen, fingerprint, last, reprocessing=bool(reprocess_days))

    @property
    def dbt_env(self) -> dict[str, str]:
        """Environment for dbt: tests on incremental models and change-log staging check only
        the changed rows (macros/tests/changed_rows_scope.sql). The nightly reconciliation,
        which reprocesses, tests every row."""
        return {TEST_SCOPE_VARIABLE: "all" if self.reprocessing else "changed"}

    @property
    def nothing_to_build(self) -> str | None:
        if self.unchanged_since is None:
            return None
        return (
            "nothing to build: no change loaded and no model changed since delta build "
            f"{self.unchanged_since}"
        )

    def succeeded(self, invocation_id: str) -> None:
        record_delta_build(self.warehouse, invocation_id, self.seen, self.fingerprint)
