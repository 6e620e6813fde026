"""What a delta build has to do, if anything.

The delta path (`fsi build --delta`, Dagster's `delta_load`) builds what the change logs feed.
After it succeeds, ``landing.delta_builds`` records what it had seen: per change log (and for
the records the loader rejected) how many rows and the latest load time, and a fingerprint of
the project's SQL and settings. The next delta build
- is skipped when nothing differs: no change arrived and no model changed, so dbt would rebuild
  the same tables and rerun the same tests on them;
- builds only what the change logs that did change feed, when the project is the same: a batch
  of claims alone leaves the banking and marketing models as they are. Their inputs are the
  same, so rebuilding them would give the same rows;
- builds the whole delta path otherwise (a model changed, the nightly reconciliation, or no
  earlier delta build to compare with).
A build that fails records nothing, so the next one compares with the last that succeeded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.change_logs import change_logs
from orchestration.paths import PROJECT_DIR

# dbt selector of the delta path: the change logs' staging models and everything downstream.
DELTA_SELECTION = "tag:change_log+"
# the dbt source of the records the loader rejected, watched like a change log
REJECTED_RECORDS = "landing.rejected_records"
# Read by macros/tests/changed_rows_scope.sql: "changed" limits tests to the changed rows.
TEST_SCOPE_VARIABLE = "FSI_TEST_SCOPE"
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "snapshots", "seeds/reference")


@dataclass(frozen=True)
class ChangesSeen:
    loaded: int
    loaded_through: object  # a timestamp, or None when no change was ever loaded
    # per dbt source ("core_banking.transactions__changes", "landing.rejected_records"):
    # [rows, latest load time as text]
    by_log: dict[str, list] = field(default_factory=dict)


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
    """How many changes each change log holds and its latest load time (None: no warehouse),
    and the same for the records the loader rejected: a batch whose every record was rejected
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
                f"select '{log.dbt_source}', count(*), max(_loaded_at) from {log.qualified_name}"
            )
        if exists("landing", "rejected_records"):
            parts.append(
                f"select '{REJECTED_RECORDS}', count(*), max(rejected_at) "
                "from landing.rejected_records"
            )
        rows = con.execute(" union all ".join(parts)).fetchall()
    through = max((last for _, _, last in rows if last is not None), default=None)
    return ChangesSeen(
        sum(count for _, count, _ in rows),
        through,
        {name: [count, None if last is None else str(last)] for name, count, last in rows},
    )


def _last_delta_build(warehouse: Path) -> tuple | None:
    """invocation id, project fingerprint, changes loaded, loaded through and the per-log
    figures (None before they were kept) of the last delta build that succeeded."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            columns = {
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() "
                    "where schema_name = 'landing' and table_name = 'delta_builds'"
                ).fetchall()
            }
            by_log = "changes_by_log" if "changes_by_log" in columns else "null"
            return con.execute(
                "select invocation_id, project_fingerprint, changes_loaded, "
                f"changes_loaded_through, {by_log} "
                "from landing.delta_builds order by finished_at desc limit 1"
            ).fetchone()
        except duckdb.CatalogException:
            return None


def up_to_date(warehouse: Path, seen: ChangesSeen | None, fingerprint: str) -> str | None:
    """The invocation id of the last delta build if it saw exactly ``seen`` with this project;
    None when the delta path has work to do."""
    last = None if seen is None else _last_delta_build(warehouse)
    if last is None:
        return None
    invocation_id, last_fingerprint, loaded, through, _ = last
    same = (
        last_fingerprint == fingerprint and loaded == seen.loaded and through == seen.loaded_through
    )
    return invocation_id if same else None


def changed_logs(warehouse: Path, seen: ChangesSeen | None, fingerprint: str) -> list[str] | None:
    """The change logs (dbt sources) whose rows differ from what the last delta build saw,
    with this project; None when the whole delta path must be built (another project, no
    earlier figures, or every change log changed)."""
    last = None if seen is None else _last_delta_build(warehouse)
    if last is None or last[1] != fingerprint or last[4] is None:
        return None
    before = json.loads(last[4])
    if set(before) - {REJECTED_RECORDS} != set(seen.by_log) - {REJECTED_RECORDS}:
        return None  # a change log was added or removed
    changed = sorted(name for name, figures in seen.by_log.items() if before.get(name) != figures)
    if {log.dbt_source for log in change_logs()} <= set(changed):
        return None  # every change log changed: the whole path
    return changed


def record_delta_build(
    warehouse: Path, invocation_id: str, seen: ChangesSeen | None, fingerprint: str
) -> None:
    """Remember a successful delta build and what it had seen (taken before it started)."""
    if seen is None:
        return
    with duckdb.connect(str(warehouse)) as con:
        # warehouses from before the per-log figures have the table without the column
        con.execute(
            "alter table landing.delta_builds add column if not exists changes_by_log varchar"
        )
        con.execute(
            "insert into landing.delta_builds (invocation_id, project_fingerprint, "
            "changes_loaded, changes_loaded_through, finished_at, changes_by_log) "
            "values (?, ?, ?, ?, current_timestamp, ?)",
            [invocation_id, fingerprint, seen.loaded, seen.loaded_through, json.dumps(seen.by_log)],
        )


def delta_selection(logs: list[str] | None) -> list[str]:
    """dbt's --select for the delta path: what ``logs`` feed, or all of it (None)."""
    if logs is None:
        return [DELTA_SELECTION]
    return [f"source:{log}+" for log in logs]


def excluded_from_delta(manifest: dict, logs: list[str] | None) -> list[str]:
    """The models and snapshots of the delta path that none of ``logs`` feeds, by name: what
    ``delta_selection(logs)`` leaves out, for a runner that selects the whole path (Dagster's
    delta_load job) and can only narrow it with --exclude. Their tests follow them."""
    if logs is None:
        return []
    sources = {
        f"{node['source_name']}.{node['name']}": unique_id
        for unique_id, node in manifest["sources"].items()
    }

    def downstream(starts: list[str]) -> set[str]:
        seen, queue = set(), list(starts)
        while queue:
            for child in manifest["child_map"].get(queue.pop(), []):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return seen

    every_log = [log.dbt_source for log in change_logs()]
    if not set(every_log + logs) <= set(sources):
        return []  # a manifest from before a change log existed: build the whole path
    path = downstream([sources[log] for log in every_log])
    fed = downstream([sources[log] for log in logs])
    return sorted(
        manifest["nodes"][unique_id]["name"]
        for unique_id in path - fed
        if unique_id.split(".")[0] in ("model", "snapshot")
    )


@dataclass(frozen=True)
class DeltaBuild:
    """One delta build, as `fsi build --delta` and Dagster's `delta_load` run it: what it sees
    before dbt starts, the earlier delta build that saw the same (then there is nothing to
    build) and the change logs that changed since the last one (None: build the whole path)."""

    warehouse: Path
    seen: ChangesSeen | None
    fingerprint: str
    unchanged_since: str | None
    reprocessing: bool = False
    logs: list[str] | None = None

    @classmethod
    def start(cls, warehouse: Path, reprocess_days: int = 0) -> DeltaBuild:
        """Reprocessing (the nightly reconciliation) always builds the whole delta path."""
        fingerprint, seen = project_fingerprint(), changes_seen(warehouse)
        if reprocess_days:
            return cls(warehouse, seen, fingerprint, None, reprocessing=True)
        logs = changed_logs(warehouse, seen, fingerprint)
        last = up_to_date(warehouse, seen, fingerprint)
        return cls(warehouse, seen, fingerprint, last, logs=logs)

    @property
    def dbt_env(self) -> dict[str, str]:
        """Environment for dbt: tests on incremental models and change-log staging check only
        the changed rows (macros/tests/changed_rows_scope.sql). The nightly reconciliation,
        which reprocesses, tests every row."""
        return {TEST_SCOPE_VARIABLE: "all" if self.reprocessing else "changed"}

    @property
    def select(self) -> list[str]:
        return delta_selection(self.logs)

    def exclude(self, manifest: dict) -> list[str]:
        return excluded_from_delta(manifest, self.logs)

    @property
    def nothing_to_build(self) -> str | None:
        if self.unchanged_since is None:
            return None
        return (
            "nothing to build: no change loaded and no model changed since delta build "
            f"{self.unchanged_since}"
        )

    @property
    def scope(self) -> str:
        """One line on what this delta build builds, and why."""
        if self.logs is None:
            return f"delta: building everything the change logs feed ({DELTA_SELECTION})"
        return (
            f"delta: new rows in {', '.join(self.logs)} only since the last delta build; "
            "building what they feed"
        )

    def succeeded(self, invocation_id: str) -> None:
        record_delta_build(self.warehouse, invocation_id, self.seen, self.fingerprint)
