"""`fsi bench --scale N`: how far the project goes on this machine.

On a fresh temporary warehouse it runs every phase as its own process (so the peak memory of
each is its own), through the same commands a user runs:

  generate      fsi generate --scale N          (vectorised, typed parquet)
  load          fsi load --initial DIR          (the raw tables)
  dbt parse     fsi dbt parse                   (dbt reuses it while the project is unchanged)
  dbt build     fsi build --full-refresh --keep-raw   (every model, snapshot and data test)
  publish       fsi publish
  engine floor  the compiled SQL of every model of that build, in DAG order, in one DuckDB
                connection: no dbt, no Dagster, no tests (on a copy of the warehouse)
  dagster       the same full build through Dagster in-process (`materialize`), on a copy
                of the warehouse as the dbt build found it, with the compiled templates and
                classes (orchestration/code_cache.py) the dbt build found
  delta         a batch changing 1 % of every change-log table: fsi load, then the delta
                path `fsi build --delta`
  claims delta  the same for a batch of claims alone: the delta path builds only what the
                claims change log feeds (what most production batches look like)
  0-change      fsi load and `fsi build --delta` again with nothing new

It prints a markdown table and writes ``bench/results/<date>-scale<N>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration import spark
from orchestration.code_cache import CACHE_FILES, read_codes
from orchestration.datagen.scale import replicas_for
from orchestration.datagen.scale_delta import write_proportional_batch
from orchestration.dbt import profile_target
from orchestration.incremental import row_counts
from orchestration.paths import PROFILES_DIR, PROJECT_DIR

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# the one-source batch of the bench's second delta
CLAIMS_LOG = "claims.claims__changes"

RESULTS_DIR = PROJECT_DIR / "bench" / "results"
TARGETS = {
    "dbt build (s), scale 100": 60.0,
    "dbt build / engine floor": 1.3,
    "dagster / dbt build": 1.2,
    "delta build / full build": 0.10,
    "0-change build (s)": 8.0,
    "peak memory (GiB)": 4.0,
}


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and all its descendants (from /proc, Linux) every
    half second, keeping the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mib = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.5):
            self.peak_mib = max(self.peak_mib, tree_rss_mib(self.pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and its descendants, in MiB (0 where /proc is missing)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            continue
        todo += children.get(pid, [])
    return total / 2**20


class BenchError(RuntimeError):
    """A phase failed; the message names it and where its log is."""


@dataclass
class Phase:
    name: str
    seconds: float
    peak_rss_mib: float
    command: str
    rows: int | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class Bench:
    scale: int
    target: str
    workdir: Path
    phases: list[Phase] = field(default_factory=list)
    progress: bool = True

    # -- running ------------------------------------------------------------------------
    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            FSI_TARGET=self.target,
            FSI_DUCKDB_PATH=str(self.warehouse),
            FSI_BI_DUCKDB_PATH=str(self.workdir / "bi.duckdb"),
            FSI_LANDING_DIR=str(self.workdir / "landing"),
            DBT_TARGET_PATH=str(self.workdir / "target"),
            DBT_PROFILES_DIR=str(PROFILES_DIR),
            FSI_SPARK_DIR=str(self.workdir / "spark"),
        )
        env.setdefault("FSI_DUCKDB_TEMP_DIRECTORY", str(self.workdir / "spill"))
        return env

    @property
    def warehouse(self) -> Path:
        return self.workdir / "warehouse" / "analytics.duckdb"

    def say(self, message: str) -> None:
        if self.progress:
            print(f"[bench] {message}", flush=True)

    def run(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Phase:
        """Run one phase as a child process; its wall time and peak RSS are the phase's."""
        log = self.workdir / "logs" / f"{len(self.phases):02d}-{name.replace(' ', '-')}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.say(f"{name}: {' '.join(argv)}")
        started = time.perf_counter()
        with log.open("w") as out:
            child = subprocess.Popen(
                argv, cwd=PROJECT_DIR, env=env or self.env, stdout=out, stderr=subprocess.STDOUT
            )
            tree = TreeMemory(child.pid)
            tree.start()
            _, status, usage = os.wait4(child.pid, 0)
            tree.stop()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-25:])
            raise BenchError(f"{name} failed (exit {child.returncode}); log {log}:\n{tail}")
        # ru_maxrss misses processes the child never waits for (Spark's JVM): take the larger
        peak = max(usage.ru_maxrss / 1024, tree.peak_mib)
        phase = Phase(name, round(seconds, 2), round(peak, 1), " ".join(argv))
        self.phases.append(phase)
        self.say(f"{name}: {seconds:.1f}s, peak {phase.peak_rss_mib:,.0f} MiB")
        return phase

    def fsi(self, name: str, *args: str) -> Phase:
        return self.run(name, [sys.executable, "-m", "orchestration.cli", *args])

    def helper(self, name: str, *args: str) -> Phase:
        return self.run(name, [sys.executable, "-m", "orchestration.bench", *args])

    # -- the phases ---------------------------------------------------------------------
    def execute(self, dagster: bool = True) -> dict:
        if self.target == "spark":
            return self.execute_on_spark()
        extract = self.generate()
        load = self.fsi("load", "load", "--initial", str(extract))
        raw = _table_rows(self.warehouse, schema_like="raw_%")
        load.rows = sum(raw.values())
        load.detail["tables"] = raw
        as_loaded = self.copy_warehouse(self.workdir / "as-loaded") if dagster else None
        self.full_build(lambda run_results: _model_rows(self.warehouse, run_results))
        self.fsi("publish", "publish")
        self.engine_floor("floor", duckdb_warehouse=True)

        if as_loaded:
            self.dagster_build(as_loaded)
        shutil.rmtree(self.workdir / "templates-after-parse", ignore_errors=True)

        self.delta("delta", None, seed=1)
        self.delta("claims delta", [CLAIMS_LOG], seed=2)
        self.fsi("0-change load", "load")
        self.fsi("0-change build", "build", "--delta")
        return self.report()

    def delta(self, name: str, only: list[str] | None, seed: int) -> None:
        """A batch changing 1 % of the change logs (``only`` these), loaded and built with
        `fsi build --delta`: phases "<name> generate", "<name> load" and "<name> build"."""
        self.say(f"writing a 1 % change batch ({', '.join(only) if only else 'every change log'})")
        started = time.perf_counter()
        files = write_proportional_batch(
            self.warehouse, self.workdir / "landing", 0.01, seed=seed, only=only
        )
        self.phases.append(
            Phase(
                f"{name} generate",
                round(time.perf_counter() - started, 2),
                0.0,
                f"write_proportional_batch(fraction=0.01, only={only})",
                rows=sum(files.values()),
                detail={"files": files},
            )
        )
        self.fsi(f"{name} load", "load")
        build = self.fsi(f"{name} build", "build", "--delta")
        build.detail = _run_results(self.workdir / "target" / "run_results.json")

    def execute_on_spark(self) -> dict:
        """The same phases on a local Spark session, as far as they exist there: generate,
        load (parquet extracts into Spark tables), parse, the full build and the engine floor.
        Publishing, the Dagster run and the delta path drive the DuckDB warehouse only."""
        extract = self.generate()
        load = self.helper("load", "spark-load", str(extract))
        load.detail["tables"] = json.loads((extract / "spark-load.json").read_text())
        load.rows = sum(load.detail["tables"].values())
        self.full_build(
            lambda run_results: spark.table_rows(
                self.workdir / "spark", _built_relations(run_results)
            )
        )
        shutil.rmtree(self.workdir / "templates-after-parse", ignore_errors=True)
        self.engine_floor("spark-floor")
        return self.report()

    def generate(self) -> Path:
        extract = self.workdir / "extract"
        gen = self.fsi("generate", "generate", "--scale", str(self.scale), "--out", str(extract))
        gen.detail["replicas"] = replicas_for(self.scale)
        return extract

    def full_build(self, rows_per_model: Callable[[Path], dict[str, int]]) -> None:
        # parsing is its own phase: in steady state dbt reuses its partial parse
        self.fsi("dbt parse", "dbt", "parse")
        self.save_code_caches(self.workdir / "templates-after-parse")
        templates = compiled_templates(self.workdir / "target")
        build = self.fsi("dbt build", "build", "--full-refresh", "--keep-raw")
        run_results = self.workdir / "target" / "run_results.json"
        build.detail = {**_run_results(run_results), "compiled templates at the start": templates}
        built = rows_per_model(run_results)
        build.rows = sum(built.values())
        build.detail["rows per model"] = built

    def dagster_build(self, as_loaded: Path) -> None:
        """The same full build through Dagster, from the same start as the dbt build: the
        loaded warehouse (``as_loaded``, copied before the dbt build) in the warehouse's place,
        so no table has to be replaced and fsi-dbt has no timings of earlier runs. The path
        stays the same, or dbt would parse the project again (the profile renders it). So do
        fsi-dbt's compiled templates and classes: those the parse left, not those the dbt
        build added."""
        built = self.warehouse.parent.rename(self.workdir / "warehouse-built")
        as_loaded.parent.rename(self.warehouse.parent)
        self.save_code_caches(self.workdir / "templates-built")
        self.restore_code_caches(self.workdir / "templates-after-parse")
        templates = compiled_templates(self.workdir / "target")
        try:
            orchestrated = self.helper("dagster", "dagster")
        finally:
            shutil.rmtree(self.warehouse.parent)
            built.rename(self.warehouse.parent)
            self.restore_code_caches(self.workdir / "templates-built")
            shutil.rmtree(self.workdir / "templates-built")
        orchestrated.detail = {
            "start": "the warehouse as the dbt build found it",
            **_dagster_dbt_run(self.workdir / "target"),
            "compiled templates at the start": templates,
        }

    def save_code_caches(self, into: Path) -> None:
        """Copy fsi-dbt's compiled-code files of the target directory (templates, classes:
        orchestration/code_cache.py) into a new folder."""
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir()
        for path in (self.workdir / "target").glob(CACHE_FILES):
            shutil.copy(path, into / path.name)

    def restore_code_caches(self, saved: Path) -> None:
        """Replace the target directory's compiled-code files with those ``saved``."""
        target = self.workdir / "target"
        for path in target.glob(CACHE_FILES):
            path.unlink()
        for path in saved.glob(CACHE_FILES):
            shutil.copy(path, target / path.name)

    def copy_warehouse(self, directory: Path) -> Path:
        """A copy of the DuckDB warehouse (with its write-ahead log, if any) in ``directory``."""
        directory.mkdir()
        for source in (self.warehouse, self.warehouse.with_name(self.warehouse.name + ".wal")):
            if source.exists():
                shutil.copy(source, directory / source.name)
        return directory / self.warehouse.name

    def engine_floor(self, command: str, duckdb_warehouse: bool = False) -> None:
        """The floor helper on copies of the build's artifacts (and of the DuckDB warehouse)."""
        floor_dir = self.workdir / "floor"
        copy = self.copy_warehouse(floor_dir) if duckdb_warehouse else None
        floor_dir.mkdir(exist_ok=True)
        for artifact in ("run_results.json", "manifest.json"):
            shutil.copy(self.workdir / "target" / artifact, floor_dir / artifact)
        args = [str(floor_dir / "run_results.json"), str(floor_dir / "manifest.json")]
        if copy:
            args.append(str(copy))
        floor = self.helper("engine floor", command, *args)
        floor.detail = json.loads((floor_dir / "floor.json").read_text())
        shutil.rmtree(floor_dir)

    # -- reporting ----------------------------------------------------------------------
    def phase(self, name: str) -> Phase | None:
        return next((p for p in self.phases if p.name == name), None)

    def report(self) -> dict:
        build, floor = self.phase("dbt build"), self.phase("engine floor")
        dagster, delta, quiet = (
            self.phase("dagster"),
            self.phase("delta build"),
            self.phase("0-change build"),
        )
        load = self.phase("load")
        ratios = {
            "dbt build / engine floor": _ratio(build, floor),
            "dbt models only / engine floor": (
                round(build.detail["model seconds (wall)"] / floor.seconds, 2)
                if build and floor and floor.seconds
                else None
            ),
            "dagster / dbt build": _ratio(dagster, build),
            "delta build / full build": _ratio(delta, build),
            "claims delta build / full build": _ratio(self.phase("claims delta build"), build),
        }
        return {
            "date": date.today().isoformat(),
            "scale": self.scale,
            "target": self.target,
            "machine": _machine(),
            "duckdb settings": {
                k: v
                for k, v in self.env.items()
                if k.startswith("FSI_DUCKDB_") and k != "FSI_DUCKDB_PATH"
            },
            "phases": [asdict(p) for p in self.phases],
            "raw rows": load.rows if load else None,
            "rows built": build.rows if build else None,
            "raw rows per second (dbt build)": _per_second(load.rows if load else None, build),
            "rows built per second (dbt build)": _per_second(build.rows if build else None, build),
            "ratios": ratios,
            "peak memory (MiB)": max(p.peak_rss_mib for p in self.phases),
            "0-change build (s)": quiet.seconds if quiet else None,
            "targets": TARGETS,
        }


def markdown(result: dict) -> str:
    lines = [
        f"fsi bench: scale {result['scale']} on {result['target']}, {result['date']}, "
        f"{result['machine']['cpus']} CPUs, {result['machine']['memory_gib']} GiB",
        "",
        "| phase | seconds | peak RSS (MiB) | rows | rows/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for p in result["phases"]:
        rows = f"{p['rows']:,}" if p["rows"] is not None else ""
        rate = f"{p['rows'] / p['seconds']:,.0f}" if p["rows"] and p["seconds"] else ""
        lines.append(
            f"| {p['name']} | {p['seconds']:.1f} | {p['peak_rss_mib']:,.0f} | {rows} | {rate} |"
        )
    lines += ["", "| measure | value | target |", "|---|---:|---:|"]
    build = next(p for p in result["phases"] if p["name"] == "dbt build")
    measures = {
        "dbt build (s)": build["seconds"],
        **result["ratios"],
        "0-change build (s)": result["0-change build (s)"],
        "peak memory (GiB)": round(result["peak memory (MiB)"] / 1024, 2),
        "raw rows per second (dbt build)": result["raw rows per second (dbt build)"],
    }
    targets = {k.removesuffix(", scale 100"): v for k, v in result["targets"].items()}
    for name, value in measures.items():
        target = targets.get(name)
        shown = (
            "n/a" if value is None else (f"{value:,}" if isinstance(value, int) else f"{value:g}")
        )
        lines.append(f"| {name} | {shown} | {'≤ ' + format(target, 'g') if target else ''} |")
    return "\n".join(lines)


def run_bench(
    scale: int,
    target: str = "dev",
    dagster: bool = True,
    keep: Path | None = None,
    results_dir: Path = RESULTS_DIR,
) -> tuple[dict, Path]:
    if scale < 1:
        raise BenchError(f"scale must be at least 1, got {scale}")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"fsi-bench-{scale}-", dir=keep))
    bench = Bench(scale, target, workdir)
    bench.say(f"scale {scale} on target {target}, working in {workdir}")
    try:
        result = bench.execute(dagster=dagster)
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results_dir.mkdir(parents=True, exist_ok=True)
    suffix = "" if target == "dev" else f"-{target}"
    path = results_dir / f"{result['date']}-scale{scale}{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return result, path


# -- helpers ---------------------------------------------------------------------------
def _ratio(numerator: Phase | None, denominator: Phase | None) -> float | None:
    if not numerator or not denominator or not denominator.seconds:
        return None
    return round(numerator.seconds / denominator.seconds, 2)


def _per_second(rows: int | None, phase: Phase | None) -> int | None:
    return int(rows / phase.seconds) if rows and phase and phase.seconds else None


def _machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }


def _run_results(path: Path) -> dict[str, object]:
    """dbt's own view of a build: its elapsed time and where the time went, per node kind."""
    results = json.loads(path.read_text())
    by_kind: dict[str, list[float]] = {}
    for result in results["results"]:
        by_kind.setdefault(result["unique_id"].split(".")[0], []).append(result["execution_time"])
    timing = [
        (r["unique_id"], t)
        for r in results["results"]
        for t in r.get("timing", [])
        if t["name"] == "execute"
    ]
    model_wall = _wall_seconds(
        [t for uid, t in timing if uid.startswith(("model.", "snapshot.", "seed."))]
    )
    slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:10]
    return {
        "dbt elapsed (s)": round(results["elapsed_time"], 2),
        "model seconds (wall)": round(model_wall, 2),
        "idle thread seconds": _idle_thread_seconds(results["results"]),
        "nodes": {kind: len(times) for kind, times in by_kind.items()},
        "seconds per kind (summed over threads)": {
            kind: round(sum(times), 2) for kind, times in by_kind.items()
        },
        "slowest": {r["unique_id"]: round(r["execution_time"], 2) for r in slowest},
    }


def compiled_templates(target: Path) -> int:
    """How many compiled templates fsi-dbt keeps in ``target`` (orchestration/dbt_jinja.py)."""
    from orchestration.dbt_jinja import cache_file

    return len(read_codes(cache_file(target)))


def _dagster_dbt_run(target: Path) -> dict[str, object]:
    """The dbt invocation of the Dagster run (dagster-dbt gives it its own target folder):
    dbt's timings, whether dbt had to parse the project again, and how many existing
    relations it replaced (dbt renames each to <name>__dbt_backup before dropping it)."""
    runs = sorted(target.glob("fsi_dbt_assets-*/run_results.json"), key=lambda p: p.stat().st_mtime)
    if not runs:
        return {}
    logs = "".join(p.read_text(errors="replace") for p in runs[-1].parent.glob("dbt.log*"))
    return {
        **_run_results(runs[-1]),
        "dbt parsed the project again": "Unable to do partial parsing" in logs,
        "relations replaced": len(re.findall(r'rename to "?\w+__dbt_backup', logs)),
    }


def _idle_thread_seconds(results: list[dict]) -> float:
    """Seconds dbt's threads spent without a node to run, summed over the threads, from the
    first node's start to the last one's end (a node: from its compiling to the end of its
    execution; the hooks run on the main thread and are left out)."""
    spans, threads = [], set()
    for result in results:
        times = [_span(t) for t in result.get("timing", []) if t.get("completed_at")]
        thread = result.get("thread_id") or ""
        if not times or thread in ("main", "MainThread"):
            continue
        threads.add(thread)
        spans.append((min(start for start, _ in times), max(end for _, end in times)))
    if not spans:
        return 0.0
    elapsed = (max(end for _, end in spans) - min(start for start, _ in spans)).total_seconds()
    busy = sum((end - start).total_seconds() for start, end in spans)
    return round(len(threads) * elapsed - busy, 2)


def _span(timing: dict) -> tuple[datetime, datetime]:
    """A dbt timing entry's start and end."""
    return (
        datetime.fromisoformat(timing["started_at"].rstrip("Z")),
        datetime.fromisoformat(timing["completed_at"].rstrip("Z")),
    )


def _wall_seconds(spans: list[dict]) -> float:
    """The wall time covered by the union of the timing spans."""
    intervals = sorted(_span(s) for s in spans)
    total, current = 0.0, None
    for start, end in intervals:
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            total += (current[1] - current[0]).total_seconds()
        current = (start, end)
    if current:
        total += (current[1] - current[0]).total_seconds()
    return total


def _tables(warehouse: Path, schema_like: str = "%") -> list[str]:
    """``schema.table`` of every table (not view) in schemas matching ``schema_like``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select schema_name, table_name from duckdb_tables() where schema_name like ? "
                "order by 1, 2",
                [schema_like],
            ).fetchall()
        ]


def _table_rows(warehouse: Path, schema_like: str) -> dict[str, int]:
    return row_counts(warehouse, _tables(warehouse, schema_like))


def _model_rows(warehouse: Path, run_results: Path) -> dict[str, int]:
    """Rows in every table the build materialised (views hold none of their own)."""
    tables = set(_tables(warehouse))
    built = _built_relations(run_results)
    return row_counts(warehouse, [relation for relation in built if relation in tables])


def _built_relations(run_results: Path) -> list[str]:
    """schema.table of every model and snapshot the build ran."""
    return [
        ".".join(part.strip('"`') for part in r["relation_name"].split(".")[-2:])
        for r in json.loads(run_results.read_text())["results"]
        if r["unique_id"].startswith(("model.", "snapshot.")) and r.get("relation_name")
    ]


# -- the engine floor and the Dagster run, each in its own process ------------------------
def floor(run_results: Path, manifest: Path, warehouse: Path) -> dict[str, object]:
    """Run the compiled SQL of every model the build ran, in the order dbt finished them
    (a valid DAG order), in one DuckDB connection with the profile's settings."""
    con = duckdb.connect(str(warehouse), config=duckdb_config())
    try:
        return run_floor(
            run_results,
            manifest,
            lambda kind, relation, sql: con.execute(
                f"create or replace {kind} {relation} as (\n{sql}\n)"
            ),
        )
    finally:
        con.close()


def run_floor(
    run_results: Path, manifest: Path, execute: Callable[[str, str, str], object]
) -> dict[str, object]:
    """Time ``execute(view or table, relation, compiled SQL)`` for every model the build ran,
    in DAG order: the statements, the total seconds and the ten slowest models."""
    results = json.loads(run_results.read_text())
    nodes = json.loads(manifest.read_text())["nodes"]
    timings = {}
    started = time.perf_counter()
    for unique_id, kind, relation, sql in floor_statements(results, nodes):
        one = time.perf_counter()
        execute(kind, relation, sql)
        timings[unique_id] = round(time.perf_counter() - one, 3)
    total = time.perf_counter() - started
    slowest = dict(sorted(timings.items(), key=lambda kv: -kv[1])[:10])
    return {"statements": len(timings), "seconds": round(total, 2), "slowest": slowest}


def floor_statements(results: dict, nodes: dict) -> Iterator[tuple[str, str, str, str]]:
    """(unique_id, view or table, relation, compiled SQL) of every model the build ran, in
    the order dbt finished them (a valid DAG order)."""
    ordered = sorted(
        (
            r
            for r in results["results"]
            if r["unique_id"].startswith("model.") and r.get("compiled_code")
        ),
        key=lambda r: next(
            (t["completed_at"] for t in r.get("timing", []) if t["name"] == "execute"), ""
        ),
    )
    for result in ordered:
        materialized = nodes[result["unique_id"]]["config"]["materialized"]
        kind = "view" if materialized == "view" else "table"
        yield result["unique_id"], kind, result["relation_name"], result["compiled_code"]


def duckdb_config() -> dict[str, object]:
    """The DuckDB options of the bench's target (its `config_options` in profiles/profiles.yml,
    which dbt sets when it opens the database), with as many DuckDB threads as dbt has threads:
    the floor runs one statement at a time on the whole machine."""
    target = profile_target(os.environ.get("FSI_TARGET") or "dev")
    return {**target["config_options"], "threads": target["threads"]}


def dagster_full_build() -> None:
    """Materialise every dbt asset except the raw seeds, as `fsi build --full-refresh
    --keep-raw` does, through Dagster in this process."""
    import dagster as dg

    from orchestration.definitions import defs, fsi_dbt_assets

    result = dg.materialize(
        [fsi_dbt_assets],
        resources=defs.resources,
        run_config={
            "ops": {"fsi_dbt_assets": {"config": {"full_refresh": True, "keep_raw": True}}}
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    if not result.success:
        raise SystemExit("the Dagster full build failed")


def main(argv: list[str]) -> int:
    if argv[:1] in (["floor"], ["spark-floor"]):
        run_results, manifest = Path(argv[1]), Path(argv[2])
        if argv[0] == "floor":
            outcome = floor(run_results, manifest, Path(argv[3]))
        else:
            outcome = spark.floor(run_results, manifest)
        # next to the copied artifacts, where Bench.engine_floor reads it
        (run_results.parent / "floor.json").write_text(json.dumps(outcome, indent=2))
        print(json.dumps(outcome, indent=2))
        return 0
    if argv[:1] == ["spark-load"]:
        extract = Path(argv[1])
        rows = spark.load_initial(extract)
        (extract / "spark-load.json").write_text(json.dumps(rows, indent=2))
        return 0
    if argv[:1] == ["dagster"]:
        dagster_full_build()
        return 0
    print(
        "usage: python -m orchestration.bench floor RUN_RESULTS MANIFEST WAREHOUSE | dagster"
        " | spark-load EXTRACT_DIR | spark-floor RUN_RESULTS MANIFEST",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
