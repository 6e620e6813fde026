"""Dagster definitions: `dagster dev` from the repository root loads this module."""

import atexit
import gc
import hashlib
import importlib.metadata
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    build_dbt_asset_selection,
    dbt_assets,
)
from packaging import version

from orchestration.change_logs import change_logs
from orchestration.code_cache import CACHE_DIR_ENV
from orchestration.dbt import (
    UNIT_TESTS_EXCLUDED,
    dbt_executable,
    keep_raw_args,
    put_dbt_on_path,
)
from orchestration.delta_state import DELTA_SELECTION, DeltaBuild
from orchestration.incremental import incremental_changes, row_counts
from orchestration.landing import load, pending_files
from orchestration.paths import (
    PROFILES_DIR,
    PROJECT_DIR,
    bi_path,
    landing_path,
    target_path,
    warehouse_path,
)
from orchestration.publish import publish_marts
from orchestration.quality import data_quality_counts
from orchestration.translator import LayerDomainTranslator

os.environ.setdefault("FSI_DUCKDB_PATH", str(warehouse_path()))
put_dbt_on_path()

# Every process that loads these definitions (a run or step worker, the code server, an
# in-process run) holds dagster-dbt's copy of the manifest and the whole asset graph until it
# ends. Python's last collection at exit would walk all of it (about 1 s after a scale-100
# build) only to free memory the process is about to give back: the heap is frozen first, as
# fsi-dbt does after its command. Open files and DuckDB connections are closed by reference
# counting and by their own exit hooks, which freezing leaves alone.
atexit.register(gc.freeze)

# The manifest is read from where dbt writes it: DBT_TARGET_PATH when set (as `fsi bench` sets
# it for its own warehouse), else target/. dagster-dbt's runs already honour the variable.
dbt_project = DbtProject(
    project_dir=PROJECT_DIR,
    profiles_dir=PROFILES_DIR,
    target=os.environ.get("FSI_TARGET", "dev"),
    target_path=target_path(),
)
dbt_project.prepare_if_dev()

# Every run that writes the warehouse carries this tag; dagster.yaml (in .dagster/, the
# DAGSTER_HOME `make ui` uses) lets one such run go at a time, because DuckDB has one writer.
WAREHOUSE_WRITE = {"fsi/warehouse": "write"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey([log.source, log.name]),
            group_name="landing",
            description=f"Changes to {log.source}.{log.table} ingested from "
            f"landing/{log.source}/{log.table}/ (append-only, one row per change).",
            kinds={"duckdb"},
        )
        for log in change_logs()
    ],
)
def landing_changes(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    """`fsi load`: ingest new landing files into the change logs, each file exactly once."""
    report = load(warehouse_path(), landing_path(), progress=context.log.info)
    context.log.info(report.summary())
    for log in change_logs():
        mine = report.for_table(log.source, log.table)
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey([log.source, log.name]),
            metadata={
                "files loaded": mine.count("loaded"),
                "files rejected": mine.count("rejected"),
                "files already ingested": mine.count("skipped"),
                "changes loaded": mine.rows_loaded,
                "records rejected": mine.rows_rejected,
                "rejections": [f"{f.path}: {f.reason}" for f in mine.files if f.reason],
            },
        )


class FsiDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs it pays in every run process and
    that this project does not need (about 6 s a run, measured by `fsi bench`): `dbt --version`
    in a subprocess (the executable is the one of the installed dbt-core) and an in-process dbt
    adapter (used only for dagster-dbt's optional column and row-count fetching; row counts
    come from `orchestration.incremental.row_counts`)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False
    """Rebuild the incremental models from scratch."""
    reprocess_days: int = 0
    """Incremental models also re-apply changes loaded in the last N days."""
    keep_raw: bool = False
    """Leave the raw tables as `fsi load --initial` loaded them instead of seeding them."""
    delta: bool = False
    """The delta path: skip the build when no change was loaded and no model changed since the
    last delta build that succeeded, and record this one when it succeeds."""


# Source metadata off: a raw source and the seed that loads it name the same table, and with
# the metadata on, dagster-dbt cannot resolve jobs that select a subset of the dbt assets.
translator = LayerDomainTranslator(
    settings=DagsterDbtTranslatorSettings(enable_source_metadata=False)
)


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def fsi_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Every seed, model and snapshot of the dbt project; dbt tests run as asset checks, and a
    failing error-severity test stops everything downstream of it."""
    # dagster-dbt reads dbt's events as JSON on stdout, and dbt then writes its log file as
    # JSON too unless told otherwise: formatting every debug event as JSON cost about 1.3 s of
    # CPU in a scale-100 build. The file keeps dbt's usual text.
    args = ["build", *UNIT_TESTS_EXCLUDED, "--log-format-file", "debug"]
    delta = DeltaBuild.start(warehouse_path(), config.reprocess_days) if config.delta else None
    if delta and delta.nothing_to_build:
        context.log.info(delta.nothing_to_build)
        return
    if delta:
        context.log.info(delta.scope)
        # the job selects the whole delta path; leave out what no changed log feeds (one
        # value: dagster-dbt takes the single argument after --exclude, and dbt splits it)
        excluded = delta.exclude(json.loads(dbt_project.manifest_path.read_text()))
        if excluded:
            args += ["--exclude", " ".join(excluded)]
    if config.full_refresh:
        args.append("--full-refresh")
    if config.reprocess_days:
        args += ["--vars", json.dumps({"reprocess_days": config.reprocess_days})]
    if config.keep_raw:
        args += keep_raw_args()
    # dagster-dbt gives every dbt invocation a target directory of its own; fsi-dbt keeps its
    # compiled templates and classes in the project's (orchestration/code_cache.py)
    env = {CACHE_DIR_ENV: str(target_path().absolute()), **(delta.dbt_env if delta else {})}
    with _environment(env):
        # dagster-dbt starts dbt here, with a copy of this process's environment
        invocation = dbt.cli(args, context=context, raise_on_error=False)
    # DuckDB admits no reader while dbt writes: the events wait for the run to end so that
    # each materialisation can carry its row count and incremental changes.
    events = list(invocation.stream())
    yield from _with_warehouse_metadata(events, invocation)
    if not invocation.is_successful():
        raise dg.Failure(
            description="dbt build failed; the failed models and tests are in the logs above.",
        )
    if delta:
        delta.succeeded(invocation.get_artifact("run_results.json")["metadata"]["invocation_id"])


@contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _with_warehouse_metadata(events: list, invocation) -> Iterator:
    manifest = invocation.manifest
    relations = {}
    for event in events:
        unique_id = _unique_id(event)
        node = manifest["nodes"].get(unique_id or "", {})
        if (
            node.get("resource_type") in ("model", "seed", "snapshot")
            and node.get("config", {}).get("materialized") != "view"
        ):
            relations[unique_id] = f'"{node["schema"]}"."{node["alias"]}"'
    counts = row_counts(warehouse_path(), list(relations.values()))
    run_results = invocation.get_artifact("run_results.json")
    changes = incremental_changes(warehouse_path(), run_results["metadata"]["invocation_id"])
    for event in events:
        unique_id = _unique_id(event)
        if unique_id in relations and isinstance(event, dg.Output | dg.AssetMaterialization):
            metadata = {}
            if relations[unique_id] in counts:
                metadata["dagster/row_count"] = counts[relations[unique_id]]
            name = manifest["nodes"][unique_id]["name"]
            if name in changes:
                metadata["rows inserted"] = changes[name].inserted
                metadata["rows updated"] = changes[name].updated
                metadata["rows deleted"] = changes[name].deleted
            event = event.with_metadata({**event.metadata, **metadata})
        yield event


def _unique_id(event) -> str | None:
    value = getattr(event, "metadata", {}).get("unique_id")
    return getattr(value, "value", value)


@dg.asset(
    deps=[fsi_dbt_assets],
    group_name="bi",
    description="warehouse/bi.duckdb: the marts, copied and swapped in atomically for BI tools.",
)
def bi_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    rows = publish_marts()
    context.log.info(f"published {len(rows)} marts to {bi_path()}")
    set_aside = {
        f"{source}: {check}": count
        for source, check, count in data_quality_counts(warehouse_path())
    }
    return dg.MaterializeResult(
        metadata={
            "path": str(bi_path()),
            "tables": len(rows),
            "rows": sum(rows.values()),
            "set aside (quarantine and unknown members)": set_aside,
            "quarantined rows": sum(set_aside.values()),
        }
    )


# What new landing files can change: the change logs' staging views, the incremental facts and
# everything downstream of them (dbt selector `tag:change_log+`).
delta_path = (
    dg.AssetSelection.assets(landing_changes)
    | build_dbt_asset_selection([fsi_dbt_assets], dbt_select=DELTA_SELECTION)
    | dg.AssetSelection.assets(bi_marts)
)


def _build_config(**values: object) -> dict:
    return {"ops": {"fsi_dbt_assets": {"config": values}}}


nightly_full_build = dg.define_asset_job(
    "nightly_full_build",
    selection=dg.AssetSelection.all(),
    config=_build_config(full_refresh=True),
    tags=WAREHOUSE_WRITE,
    description="Load pending landing files, rebuild everything with dbt (seeds, models, "
    "snapshot, tests; incremental models from scratch), then publish the marts for BI.",
)
delta_load = dg.define_asset_job(
    "delta_load",
    selection=delta_path,
    config=_build_config(delta=True),
    tags=WAREHOUSE_WRITE,
    description="Ingest new landing files, build only what they affect (incremental models "
    "and their downstream), test it, publish the marts. Nothing is rebuilt when no change "
    "arrived since the last delta build.",
)
nightly_reconciliation = dg.define_asset_job(
    "nightly_reconciliation",
    selection=delta_path,
    config=_build_config(reprocess_days=2),
    tags=WAREHOUSE_WRITE,
    description="Re-apply every change loaded in the last 2 days to the incremental models, "
    "so records a delta run missed (late, or loaded during a failed run) are repaired.",
)


@dg.sensor(job=delta_load, minimum_interval_seconds=60)
def landing_files_sensor(context: dg.SensorEvaluationContext):
    """Start delta_load when new files wait in landing/<source>/<table>/."""
    files = pending_files(landing_path())
    if not files:
        return dg.SkipReason(f"no new files in {landing_path()}")
    fingerprint = hashlib.sha256(
        "\n".join(f"{p}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in files).encode()
    ).hexdigest()
    return dg.RunRequest(run_key=fingerprint, tags={"fsi/landing_files": str(len(files))})


defs = dg.Definitions(
    assets=[landing_changes, fsi_dbt_assets, bi_marts],
    jobs=[nightly_full_build, delta_load, nightly_reconciliation],
    schedules=[
        dg.ScheduleDefinition(
            job=nightly_full_build, cron_schedule="0 2 * * *", execution_timezone="UTC"
        ),
        dg.ScheduleDefinition(
            job=delta_load, cron_schedule="*/20 * * * *", execution_timezone="UTC"
        ),
        dg.ScheduleDefinition(
            job=nightly_reconciliation, cron_schedule="0 4 * * *", execution_timezone="UTC"
        ),
    ],
    sensors=[landing_files_sensor],
    resources={"dbt": FsiDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
