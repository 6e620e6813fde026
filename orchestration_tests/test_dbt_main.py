"""fsi-dbt: dbt's runner taking the ready node with the longest critical path, one node per
free thread, with the seconds of earlier runs."""

from __future__ import annotations

import dataclasses
import gc
import json
import threading
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest

from orchestration import dbt_classes, dbt_main
from orchestration.dbt import dbt_executable


def _graph(*edges: tuple[str, str], nodes: tuple[str, ...] = ()) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def test_a_score_is_minus_the_longest_chain_of_seconds_from_the_node() -> None:
    seconds = {"a": 1.0, "b": 1.0, "c": 5.0, "d": 2.0, "e": 0.5}
    graph = _graph(("a", "b"), ("b", "c"), ("a", "e"), nodes=("d",))
    scores = dbt_main.critical_path_scores(graph, seconds.__getitem__)
    assert scores == {"a": -7.0, "b": -6.0, "c": -5.0, "d": -2.0, "e": -0.5}


def test_unmeasured_nodes_count_one_second_for_a_table_and_little_otherwise() -> None:
    manifest = SimpleNamespace(
        nodes={
            "model.p.t": SimpleNamespace(config=SimpleNamespace(materialized="table")),
            "model.p.i": SimpleNamespace(config=SimpleNamespace(materialized="incremental")),
            "model.p.v": SimpleNamespace(config=SimpleNamespace(materialized="view")),
        }
    )
    seconds = dbt_main.seconds_for({"model.p.v": 3.0}, manifest)
    assert [seconds(n) for n in ("model.p.t", "model.p.i", "model.p.v", "test.p.x")] == [
        1.0,
        1.0,
        3.0,
        0.05,
    ]


def _run_results(path: Path, which: str, full_refresh: bool | None, results: list[dict]) -> Path:
    path.write_text(
        json.dumps({"args": {"which": which, "full_refresh": full_refresh}, "results": results}),
        encoding="utf-8",
    )
    return path


def test_runs_are_remembered_by_kind_and_the_other_kind_fills_gaps(tmp_path: Path) -> None:
    history = tmp_path / "analytics.dev.node_seconds.json"
    full = [
        {"unique_id": "model.p.a", "status": "success", "execution_time": 4.0},
        {"unique_id": "model.p.b", "status": "success", "execution_time": 2.0},
        {"unique_id": "test.p.t", "status": "fail", "execution_time": 0.2},
        {"unique_id": "model.p.c", "status": "error", "execution_time": 0.01},
        {"unique_id": "model.p.d", "status": "skipped", "execution_time": 0.0},
    ]
    dbt_main.record_run(history, _run_results(tmp_path / "r1.json", "build", True, full))
    delta = [{"unique_id": "model.p.a", "status": "success", "execution_time": 0.5}]
    dbt_main.record_run(history, _run_results(tmp_path / "r2.json", "build", None, delta))
    # a compile times nothing worth keeping
    compiled = [{"unique_id": "model.p.b", "status": "success", "execution_time": 0.01}]
    dbt_main.record_run(history, _run_results(tmp_path / "r3.json", "compile", None, compiled))

    assert dbt_main.expected_seconds_of(history, full_refresh=True) == {
        "model.p.a": 4.0,
        "model.p.b": 2.0,
        "test.p.t": 0.2,
    }
    assert dbt_main.expected_seconds_of(history, full_refresh=False) == {
        "model.p.a": 0.5,
        "model.p.b": 2.0,
        "test.p.t": 0.2,
    }


def test_an_unreadable_history_means_no_history(tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    history.write_text("{not json", encoding="utf-8")
    assert dbt_main.expected_seconds_of(history, full_refresh=False) == {}
    assert dbt_main.expected_seconds_of(tmp_path / "missing.json", full_refresh=True) == {}


def test_the_history_sits_beside_the_warehouse_per_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FSI_DUCKDB_PATH", str(tmp_path / "analytics.duckdb"))
    monkeypatch.setenv("DBT_TARGET", "ci")
    assert dbt_main.history_path(tmp_path / "target") == tmp_path / "analytics.ci.node_seconds.json"
    monkeypatch.delenv("FSI_DUCKDB_PATH")
    assert dbt_main.history_path(tmp_path / "target") == tmp_path / "target" / "node_seconds.json"


def test_the_target_directory_follows_dbt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    assert dbt_main.target_dir(["build"]) == Path("elsewhere")
    assert dbt_main.target_dir(["build", "--target-path", "t1"]) == Path("t1")
    assert dbt_main.target_dir(["build", "--target-path=t2"]) == Path("t2")


@pytest.fixture
def patched_dbt(monkeypatch: pytest.MonkeyPatch, dbts_own_events, dbts_own_jinja):
    """dbt's queue, runner, manifest writing, event functions, template compilation, macro
    namespaces and class compilation with fsi-dbt's, put back after the test."""
    from dbt.graph.queue import GraphQueue
    from dbt.parser import manifest as parser
    from dbt.task.runnable import GraphRunnableTask

    for cls, name in (
        (GraphQueue, "_get_scores"),
        (GraphQueue, "get"),
        (GraphRunnableTask, "run_queue"),
        (GraphRunnableTask, "run"),
        (parser, "write_manifest"),
    ):
        monkeypatch.setattr(cls, name, getattr(cls, name))
    yield GraphQueue
    dbt_classes.uninstall_class_code_cache()


def _queue(graph_queue_class, graph: nx.DiGraph, threads: int, manifest=None):
    """dbt's queue over `graph` for `threads` threads (a manifest of nothing by default)."""
    manifest = manifest or SimpleNamespace(nodes={}, sources={})
    manifest.expect = lambda unique_id: SimpleNamespace(unique_id=unique_id, resource_type="x")
    queue = graph_queue_class(graph, manifest, set(graph.nodes))
    queue.fsi_threads = threads
    return queue


def test_the_queue_gives_the_longest_chain_first_and_waits_for_a_free_thread(patched_dbt) -> None:
    seconds = {"short": 3.0, "head": 1.0, "middle": 1.0, "tail": 2.5}
    assert dbt_main.install_critical_path_order(seconds)
    # ready at once: "short" (3 s alone) and "head" (1 + 1 + 2.5 s in a chain)
    graph = _graph(("head", "middle"), ("middle", "tail"), nodes=("short",))
    queue = _queue(patched_dbt, graph, threads=1)
    assert queue.get().unique_id == "head"

    taken: list[str] = []
    waiter = threading.Thread(target=lambda: taken.append(queue.get().unique_id), daemon=True)
    waiter.start()
    waiter.join(timeout=0.5)
    assert taken == [], "a second node was taken while the only thread was busy"
    queue.mark_done("head")  # "middle" becomes ready and outranks "short"
    waiter.join(timeout=10)
    assert taken == ["middle"]


def test_a_source_test_waits_for_the_seed_that_writes_its_table(patched_dbt) -> None:
    def relation(schema: str, name: str) -> dict:
        return {"database": "analytics", "schema": schema, "alias": name, "identifier": name}

    manifest = SimpleNamespace(
        nodes={
            "seed.raw_s.opportunity": SimpleNamespace(**relation("raw_s", "opportunity")),
            "seed.raw_s.account": SimpleNamespace(**relation("raw_s", "account")),
            "test.p.source_pk_opportunity": SimpleNamespace(
                depends_on=SimpleNamespace(nodes=["source.p.s.opportunity"])
            ),
        },
        sources={"source.p.s.opportunity": SimpleNamespace(**relation("RAW_S", "Opportunity"))},
    )
    graph = _graph(
        nodes=("seed.raw_s.opportunity", "seed.raw_s.account", "test.p.source_pk_opportunity")
    )
    assert dbt_main.seed_edges(graph, manifest) == [
        ("seed.raw_s.opportunity", "test.p.source_pk_opportunity")
    ]
    # the test's own remaining work (2 s) outranks each seed's, yet it waits for its seed
    seconds = {
        "seed.raw_s.opportunity": 0.1,
        "seed.raw_s.account": 0.1,
        "test.p.source_pk_opportunity": 2.0,
    }
    assert dbt_main.install_critical_path_order(seconds)
    queue = _queue(patched_dbt, graph, threads=3, manifest=manifest)
    first = {queue.get().unique_id, queue.get().unique_id}
    assert first == {"seed.raw_s.opportunity", "seed.raw_s.account"}
    assert queue.inner.empty()
    queue.mark_done("seed.raw_s.opportunity")
    assert queue.get().unique_id == "test.p.source_pk_opportunity"


@pytest.fixture
def unfrozen():
    """The test's process heap unfrozen before and after (gc.freeze is process-wide)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_heap_is_frozen_when_the_nodes_start_running(
    patched_dbt, monkeypatch: pytest.MonkeyPatch, unfrozen
) -> None:
    from dbt.task.runnable import GraphRunnableTask

    seen = []
    monkeypatch.setattr(
        GraphRunnableTask, "run_queue", lambda task, pool: seen.append(gc.get_freeze_count())
    )
    assert dbt_main.install_heap_freeze()
    GraphRunnableTask.run_queue(SimpleNamespace(), pool=None)
    assert seen and seen[0] > 1000, "dbt's runner started with the heap unfrozen"


def test_fsi_dbt_records_the_run_then_leaves_nothing_for_the_last_collection(
    patched_dbt, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unfrozen
) -> None:
    import dbt.cli.main

    target = tmp_path / "target"
    target.mkdir()
    results = {
        "args": {"which": "run"},
        "results": [
            {"unique_id": "model.p.m", "status": "success", "execution_time": 2.5, "timing": []}
        ],
    }

    def cli() -> None:
        (target / "run_results.json").write_text(json.dumps(results))
        raise SystemExit(0)

    monkeypatch.setattr(dbt.cli.main, "cli", cli)
    monkeypatch.setenv("FSI_DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.setenv("FSI_TARGET", "dev")
    monkeypatch.setattr("sys.argv", ["fsi-dbt", "run", "--target-path", str(target)])
    monkeypatch.setenv("FSI_DBT_CACHE_DIR", str(tmp_path / "caches"))
    with pytest.raises(SystemExit):
        dbt_main.main()
    history = json.loads((tmp_path / "w.dev.node_seconds.json").read_text())
    assert history["incremental"] == {"model.p.m": 2.5}
    assert gc.get_freeze_count() > 1000
    from dbt_common.events import event_manager, functions

    assert event_manager.msg_from_base_event.__module__ == "orchestration.dbt_events"
    assert functions.env_secrets.__module__ == "orchestration.dbt_events"
    from dbt.context.macros import MacroNamespaceBuilder
    from dbt_common.clients.jinja import MacroFuzzEnvironment

    assert MacroFuzzEnvironment.compile.__module__ == "orchestration.dbt_jinja"
    assert MacroFuzzEnvironment.compile.fsi_cache.path.parent == tmp_path / "caches"
    assert dataclasses.exec.fsi_cache.path.parent == tmp_path / "caches"
    from dbt.parser import manifest as parser

    assert parser.write_manifest.__module__ == "orchestration.dbt_main"
    assert MacroNamespaceBuilder.build_namespace.__module__ == "orchestration.dbt_context"


@pytest.fixture
def manifest_writes(patched_dbt, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """dbt's two manifest writes recorded (``writes``) instead of done: the one when the
    project is loaded, the task's when its nodes have run; and a task run of dbt's shape: the
    nodes (failing when the task says so), then the write. fsi-dbt's patch is installed over
    them (``write_pending``: what fsi-dbt's main calls on its way out)."""
    from dbt.parser import manifest as parser
    from dbt.task import runnable

    writes: list[tuple] = []
    monkeypatch.setattr(parser, "write_manifest", lambda m, path, which=None: writes.append((m,)))
    monkeypatch.setattr(
        runnable, "write_manifest", lambda m, path, which=None: writes.append(("at end", m))
    )

    def run(task):
        if task.fails:
            raise RuntimeError("a node's thread died")
        runnable.write_manifest(task.manifest, "target")
        return "results"

    monkeypatch.setattr(runnable.GraphRunnableTask, "run", run)
    write_pending = dbt_main.install_single_manifest_write()
    assert write_pending is not None
    return SimpleNamespace(writes=writes, write_pending=write_pending)


def _command(name: str, fails: bool = False) -> object:
    """Run a command's manifest load and task as dbt's CLI does (under its click context)."""
    import click
    from dbt.parser import manifest as parser
    from dbt.task.runnable import GraphRunnableTask

    with click.Context(click.Command(name)):
        parser.write_manifest("parsed", "target")
        return GraphRunnableTask.run(SimpleNamespace(manifest="parsed", fails=fails))


def test_a_build_writes_the_manifest_once_when_its_nodes_have_run(manifest_writes) -> None:
    assert _command("build") == "results"
    assert manifest_writes.writes == [("at end", "parsed")]
    manifest_writes.write_pending()
    assert manifest_writes.writes == [("at end", "parsed")], "nothing left to write"


def test_a_build_that_fails_still_leaves_a_manifest(manifest_writes) -> None:
    with pytest.raises(RuntimeError):
        _command("build", fails=True)
    assert manifest_writes.writes == []
    manifest_writes.write_pending()
    assert manifest_writes.writes == [("parsed",)]


def test_other_commands_write_the_manifest_when_the_project_is_loaded(manifest_writes) -> None:
    import click
    from dbt.parser import manifest as parser

    with click.Context(click.Command("parse")):
        parser.write_manifest("parsed", "target")
    assert manifest_writes.writes == [("parsed",)]
    manifest_writes.write_pending()
    assert manifest_writes.writes == [("parsed",)]


def test_the_manifest_is_written_as_dbt_does_when_its_task_does_not_write_it(
    patched_dbt, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dbt.parser import manifest as parser
    from dbt.task import runnable

    write = parser.write_manifest
    assert "write_manifest" in runnable.GraphRunnableTask.run.__code__.co_names, "dbt's own"
    monkeypatch.setattr(runnable.GraphRunnableTask, "run", lambda task: "results")
    assert dbt_main.install_single_manifest_write() is None
    assert parser.write_manifest is write


def test_dbts_own_queue_order_is_by_depth() -> None:
    """What fsi-dbt changes: without it the shallow node comes first."""
    from dbt.graph.queue import GraphQueue

    graph = _graph(("head", "middle"), ("middle", "tail"), nodes=("short",))
    queue = GraphQueue(graph, SimpleNamespace(expect=lambda u: SimpleNamespace(unique_id=u)), set())
    assert queue._scores == {"head": 0, "short": 0, "middle": 1, "tail": 2}


def test_fsi_and_dagster_run_fsi_dbt() -> None:
    assert Path(dbt_executable()).name == "fsi-dbt"
