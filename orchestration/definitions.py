"""Dagster definitions: `dagster dev` from the repository root loads this module."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.dbt import dbt_executable, put_dbt_on_path
from orchestration.paths import PROFILES_DIR, PROJECT_DIR, bi_path, warehouse_path
from orchestration.publish import publish_marts
from orchestration.quality import data_quality_counts
from orchestration.translator import LayerDomainTranslator

os.environ.setdefault("FSI_DUCKDB_PATH", str(warehouse_path()))
put_dbt_on_path()

dbt_project = DbtProject(
    project_dir=PROJECT_DIR,
    profiles_dir=PROFILES_DIR,
    target=os.environ.get("FSI_TARGET", "dev"),
)
dbt_project.prepare_if_dev()


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=LayerDomainTranslator())
def fsi_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Every seed, model and test of the dbt project; tests run as asset checks."""
    yield from dbt.cli(["build"], context=context).stream()


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
        }
    )


nightly_full_build = dg.define_asset_job(
    "nightly_full_build",
    selection=dg.AssetSelection.all(),
    description="Full dbt build (seeds, models, tests), then publish the marts for BI.",
)

defs = dg.Definitions(
    assets=[fsi_dbt_assets, bi_marts],
    jobs=[nightly_full_build],
    schedules=[
        dg.ScheduleDefinition(
            job=nightly_full_build, cron_schedule="0 2 * * *", execution_timezone="UTC"
        )
    ],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
