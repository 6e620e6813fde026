"""`fsi-dbt`, the dbt that fsi and Dagster run: dbt's own CLI, whose threads take the ready
node with the longest critical path first, with less of Python's garbage collection and
cheaper log events.

dbt orders its work in two ways that leave a thread idle at the end of a build. Its queue
ranks ready nodes by depth in the DAG, and its runner moves every node the moment it is ready
into the thread pool's first-come-first-served queue, so a node that decides when the build
ends waits behind everything that became ready before it. At scale 100 the claims chain
(fct_claims, then int_claims_telematics_summarised, int_claims_rules_evaluated and
claims_investigation) started late and ran its last 3 s on one thread, the other idle.

Here the runner takes a node off the queue only when one of its threads is free, and the queue
ranks ready nodes by critical path: the node's expected seconds plus the longest chain of
expected seconds after it. Expected seconds are those of earlier runs on the same warehouse
and target (`<warehouse>.<target>.node_seconds.json` beside the DuckDB file, full-refresh and
incremental runs kept apart); a node never run counts 1 s if it builds a table and 0.05 s
otherwise.

Only the order changes: the same nodes run with the same threads, results and exit code, and
the same dependencies plus one dbt cannot see: a test of a source waits for the seed that
writes the source's table (`seed_edges`). `dbt` on the command line keeps dbt's own order.
If a dbt release changes the parts of the runner this relies on, fsi-dbt says so on stderr
and runs in dbt's own order.

Garbage collection: when the nodes start, what dbt has loaded (manifest, graph, macros) is
frozen out of the collector's way (`gc.freeze`), so its full collections stop walking it
while the threads wait for the GIL; and the heap is frozen again after the command, so the
collection Python runs at exit has nothing large to walk.

Log events: dbt builds each of its ~25 events per node through protobuf's JSON parser and
looks up the secrets to scrub from every log line by decoding the whole environment;
`orchestration/dbt_events.py` builds the same messages with protobuf's C constructor and
decodes only the secrets' variables.

Templates and macros: `orchestration/dbt_jinja.py` keeps the code Jinja compiles for dbt's
templates in the target directory (or FSI_DBT_CACHE_DIR, which the Dagster job sets), so a
command compiles only what no earlier one has; `orchestration/dbt_context.py` builds the ~600
macro generators of each Jinja context from a plan made once per package.

Start-up: `orchestration/dbt_classes.py` keeps the code Python and mashumaro compile for dbt's
~1,000 classes in the same directory (1 s of each command's start), and a build, run, test,
seed, snapshot or compile writes manifest.json once, when its nodes have run, instead of also
when the project is loaded (`install_single_manifest_write`, 0.3 s).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from orchestration.code_cache import cache_dir
from orchestration.dbt_classes import install_class_code_cache
from orchestration.dbt_context import install_fast_namespaces
from orchestration.dbt_events import install_fast_events, install_fast_secrets
from orchestration.dbt_jinja import install_jinja_code_cache

UNKNOWN_TABLE_SECONDS = 1.0
UNKNOWN_OTHER_SECONDS = 0.05
# the commands whose node timings say how long a build's nodes take
TIMED_COMMANDS = ("build", "run", "test", "seed", "snapshot")
# the commands whose task writes manifest.json when its nodes have run (GraphRunnableTask.run)
MANIFEST_WRITTEN_AT_END = frozenset((*TIMED_COMMANDS, "compile"))


def critical_path_scores(graph: nx.DiGraph, seconds: Callable[[str], float]) -> dict[str, float]:
    """Queue scores, lower first: minus each node's critical path, that is its own seconds
    plus the longest chain of seconds from it to the end of the graph."""
    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        after = max((remaining[child] for child in graph.successors(node)), default=0.0)
        remaining[node] = seconds(node) + after
    return {node: -remaining[node] for node in graph}


def history_path(target_dir: Path) -> Path:
    """Where the seconds per node are kept: beside the DuckDB warehouse they were measured on
    (FSI_DUCKDB_PATH, which fsi and Dagster set), one file per dbt target, else in the
    target directory."""
    warehouse = os.environ.get("FSI_DUCKDB_PATH")
    target = os.environ.get("DBT_TARGET") or os.environ.get("FSI_TARGET") or "dev"
    if warehouse:
        path = Path(warehouse)
        return path.with_name(f"{path.stem}.{target}.node_seconds.json")
    return target_dir / "node_seconds.json"


def run_kind(full_refresh: bool) -> str:
    return "full-refresh" if full_refresh else "incremental"


def read_history(path: Path) -> dict[str, dict[str, float]]:
    """Seconds per node by kind of run; empty when there is no (readable) history."""
    try:
        history = json.loads(path.read_text("utf-8"))
        return {
            kind: {str(node): float(seconds) for node, seconds in history[kind].items()}
            for kind in (run_kind(True), run_kind(False))
            if isinstance(history.get(kind), dict)
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def expected_seconds_of(path: Path, full_refresh: bool) -> dict[str, float]:
    """The seconds to expect in this kind of run: those measured in the same kind of run, else
    in the other."""
    history = read_history(path)
    return {
        **history.get(run_kind(not full_refresh), {}),
        **history.get(run_kind(full_refresh), {}),
    }


def record_run(path: Path, run_results: Path) -> None:
    """Fold the seconds of the nodes a build, run, test, seed or snapshot completed into the
    history (compiling, listing and docs commands time nothing worth keeping)."""
    try:
        results = json.loads(run_results.read_text("utf-8"))
        args = results.get("args", {})
        if args.get("which") not in TIMED_COMMANDS:
            return
        measured = {
            result["unique_id"]: round(float(result["execution_time"]), 3)
            for result in results["results"]
            if result.get("status") in ("success", "pass", "warn", "fail")
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return
    history = read_history(path)
    history.setdefault(run_kind(bool(args.get("full_refresh"))), {}).update(measured)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(history, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        print(f"fsi-dbt: could not save node timings to {path}: {error}", file=sys.stderr)


def seconds_for(known: Mapping[str, float], manifest: Any) -> Callable[[str], float]:
    """A node's expected seconds: measured, else a default by what it builds."""

    def seconds(unique_id: str) -> float:
        if unique_id in known:
            return known[unique_id]
        node = manifest.nodes.get(unique_id) if manifest is not None else None
        materialized = getattr(getattr(node, "config", None), "materialized", None)
        return (
            UNKNOWN_TABLE_SECONDS
            if materialized in ("table", "incremental")
            else UNKNOWN_OTHER_SECONDS
        )

    return seconds


def seed_edges(graph: nx.DiGraph, manifest: Any) -> list[tuple[str, str]]:
    """(seed, node) for every node of the run that reads, through a source, the table a seed
    of the run writes. dbt cannot tell that a source is a seed's table (the raw seeds of
    seeds/raw/ are the sources' tables at scale 1): the staging models say so with a
    `depends_on` comment, a source's tests cannot, and without these edges could run before
    the table exists."""

    def key(database: Any, schema: Any, identifier: Any) -> tuple[str, ...]:
        return tuple(str(part).lower() for part in (database, schema, identifier))

    seeds = {
        key(node.database, node.schema, node.alias): unique_id
        for unique_id in graph
        if unique_id.startswith("seed.") and (node := manifest.nodes.get(unique_id)) is not None
    }
    edges = []
    for unique_id in graph:
        node = manifest.nodes.get(unique_id)
        for parent in getattr(getattr(node, "depends_on", None), "nodes", None) or []:
            source = manifest.sources.get(parent)
            seed = source and seeds.get(key(source.database, source.schema, source.identifier))
            if seed and seed != unique_id and not graph.has_edge(seed, unique_id):
                edges.append((seed, unique_id))
    return edges


def install_critical_path_order(known: Mapping[str, float]) -> bool:
    """Patch dbt's runner: rank ready nodes by critical path (with `known` seconds) and take
    one off the queue only when a thread is free. False, and dbt untouched, when this dbt's
    runner is not the one this was written for."""
    try:
        from dbt.graph.queue import GraphQueue
        from dbt.task.runnable import GraphRunnableTask
    except ImportError:
        return False
    if not all(
        callable(getattr(cls, name, None))
        for cls, name in (
            (GraphQueue, "_get_scores"),
            (GraphQueue, "get"),
            (GraphRunnableTask, "run_queue"),
        )
    ):
        return False
    dbt_scores, dbt_get, dbt_run_queue = (
        GraphQueue._get_scores,
        GraphQueue.get,
        GraphRunnableTask.run_queue,
    )

    def _get_scores(self, graph: nx.DiGraph) -> dict[str, float]:
        try:
            # the queue's own copy of the run's graph, before it looks for ready nodes
            graph.add_edges_from(seed_edges(graph, self.manifest))
            return critical_path_scores(graph, seconds_for(known, self.manifest))
        except Exception as error:
            print(f"fsi-dbt: dbt's own order ({error})", file=sys.stderr)
            return dbt_scores(self, graph)

    def get(self, block: bool = True, timeout: float | None = None):
        slots = getattr(self, "fsi_threads", None)
        lock, done = getattr(self, "lock", None), getattr(self, "some_task_done", None)
        running = getattr(self, "in_progress", None)
        if slots and block and None not in (lock, done, running):
            with lock:
                while len(running) >= slots:
                    done.wait(timeout=1.0)
        return dbt_get(self, block=block, timeout=timeout)

    def run_queue(self, pool) -> None:
        threads = getattr(getattr(self, "config", None), "threads", None)
        if self.job_queue is not None and isinstance(threads, int) and threads > 0:
            self.job_queue.fsi_threads = threads
        return dbt_run_queue(self, pool)

    GraphQueue._get_scores = _get_scores
    GraphQueue.get = get
    GraphRunnableTask.run_queue = run_queue
    return True


def install_heap_freeze() -> bool:
    """Patch dbt's runner to freeze the heap (`gc.freeze`) when it starts running nodes: the
    manifest, graph and macros loaded by then live until the process ends, and Python's
    cyclic garbage collector would otherwise walk them again on every full collection
    while the nodes run, holding the GIL both threads need. False, and dbt untouched, when
    this dbt's runner lacks the method patched."""
    try:
        from dbt.task.runnable import GraphRunnableTask
    except ImportError:
        return False
    if not callable(getattr(GraphRunnableTask, "run_queue", None)):
        return False
    dbt_run_queue = GraphRunnableTask.run_queue

    def run_queue(self, pool) -> None:
        gc.freeze()
        return dbt_run_queue(self, pool)

    GraphRunnableTask.run_queue = run_queue
    return True


def install_single_manifest_write() -> Callable[[], None] | None:
    """Write manifest.json once per build, run, test, seed, snapshot or compile command.

    dbt writes target/manifest.json when it has loaded the project (0.3 s here) and again
    when the command's nodes have run (with their compiled SQL), so the first file lasts
    only as long as the command. Here the first write of those commands is put off; the
    task's own write at the end replaces it, and when the task does not end normally
    (an error, Ctrl-C) the returned function, which `main` calls on its way out, writes the
    manifest as it is then, so a failed command still leaves one. Other commands (parse,
    docs, ls, ...) write as dbt does. None, and dbt untouched, when this dbt's task
    no longer writes the manifest at its end."""
    try:
        import click
        from dbt.parser import manifest as parser
        from dbt.task.runnable import GraphRunnableTask
    except ImportError:
        return None
    dbt_write, dbt_run = getattr(parser, "write_manifest", None), GraphRunnableTask.run
    if not callable(dbt_write) or "write_manifest" not in dbt_run.__code__.co_names:
        return None
    pending: list[tuple[Any, ...]] = []

    def write_manifest(manifest: Any, target_path: str, which: str | None = None) -> None:
        context = click.get_current_context(silent=True)
        if context is not None and context.command.name in MANIFEST_WRITTEN_AT_END:
            pending[:] = [(manifest, target_path, which)]
            return
        dbt_write(manifest, target_path, which)

    def run(self: Any) -> Any:
        result = dbt_run(self)
        pending.clear()  # written by the task
        return result

    def write_pending() -> None:
        while pending:
            try:
                dbt_write(*pending.pop())
            except Exception as error:  # the command's own error matters more
                print(f"fsi-dbt: manifest.json not written ({error})", file=sys.stderr)

    parser.write_manifest = write_manifest
    GraphRunnableTask.run = run
    return write_pending


def target_dir(argv: list[str]) -> Path:
    """Where this dbt invocation writes run_results.json: --target-path, DBT_TARGET_PATH, or
    `target` (fsi and Dagster run dbt in the project directory)."""
    for index, arg in enumerate(argv):
        if arg == "--target-path" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--target-path="):
            return Path(arg.split("=", 1)[1])
    return Path(os.environ.get("DBT_TARGET_PATH") or "target")


def main() -> None:
    argv = sys.argv[1:]
    results = target_dir(argv) / "run_results.json"
    caches = cache_dir(results.parent)
    install_class_code_cache(caches)  # before dbt is imported
    history = history_path(results.parent)
    full_refresh = bool({"--full-refresh", "-f"} & set(argv)) or os.environ.get(
        "DBT_FULL_REFRESH", ""
    ).lower() in ("1", "true")
    if not install_critical_path_order(expected_seconds_of(history, full_refresh)):
        print(
            "fsi-dbt: this dbt's runner is not the one expected; dbt's own order", file=sys.stderr
        )
    install_heap_freeze()
    install_fast_events()
    install_fast_secrets()
    install_jinja_code_cache(caches)
    install_fast_namespaces()
    write_pending_manifest = install_single_manifest_write()
    from dbt.cli.main import cli

    started = time.time()
    try:
        cli()
    finally:
        if write_pending_manifest is not None:
            write_pending_manifest()
        if results.exists() and results.stat().st_mtime >= started:
            record_run(history, results)
        # Python's last collection at exit would walk the whole heap (0.6 s of every dbt
        # command) only to free memory the process is about to give back. dbt-duckdb closes
        # the database in an atexit hook, by reference counting, which freezing leaves alone.
        gc.freeze()


if __name__ == "__main__":
    main()
