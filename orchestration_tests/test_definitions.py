"""The Dagster definitions load from the dbt manifest with the expected shape."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.paths import TARGET_DIR

pytestmark = pytest.mark.skipif(
    not (TARGET_DIR / "manifest.json").exists(),
    reason="needs target/manifest.json: run `dbt parse` (make test does it first)",
)


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


def _groups(defs: dg.Definitions) -> dict[str, str]:
    graph = defs.resolve_asset_graph()
    return {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}


def test_every_layer_and_domain_is_an_asset_group(defs: dg.Definitions) -> None:
    groups = _groups(defs)
    assert groups["marketing/country_email_engagement"] == "marts_marketing"
    assert groups["core/dim_users"] == "core"
    assert groups["staging/stg_marketo__email_opens"] == "staging_marketo"
    assert groups["intermediate/int_email_sends_joined_to_engagement"] == "intermediate_marketing"
    assert groups["raw_salesforce/account"] == "raw_salesforce"
    assert groups["bi_marts"] == "bi"


def test_every_mart_is_an_asset(defs: dg.Definitions) -> None:
    keys = set(_groups(defs))
    marts = {
        "marketing": ["country_email_engagement", "account_email_engagement",
                      "campaign_performance", "opportunity_pipeline", "customer_360",
                      "customer_segments", "next_best_offer", "cashback_programme"],
        "claims": ["loss_summary", "claims_investigation", "incident_severity_summary",
                   "loss_triangle"],
    }  # fmt: skip
    for schema, names in marts.items():
        for name in names:
            assert f"{schema}/{name}" in keys
    assert _groups(defs)["claims/loss_summary"] == "marts_claims"


def test_dbt_tests_are_asset_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert ("core/dim_users", "primary_key_dim_users_user_key") in checks
    assert len(checks) > 100


def test_jobs_and_their_schedules(defs: dg.Definitions) -> None:
    crons = {
        "nightly_full_build": "0 2 * * *",
        "delta_load": "*/20 * * * *",
        "nightly_reconciliation": "0 4 * * *",
    }
    for job_name, cron in crons.items():
        schedule = defs.resolve_schedule_def(f"{job_name}_schedule")
        assert (schedule.job_name, schedule.cron_schedule) == (job_name, cron)
        assert schedule.execution_timezone == "UTC"
    full = defs.resolve_job_def("nightly_full_build").run_config
    assert full["ops"]["fsi_dbt_assets"]["config"] == {"full_refresh": True}
    reconcile = defs.resolve_job_def("nightly_reconciliation").run_config
    assert reconcile["ops"]["fsi_dbt_assets"]["config"] == {"reprocess_days": 2}


def test_delta_load_builds_only_what_landing_files_affect(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def("delta_load")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert {
        "core_banking/transactions__changes",
        "staging/stg_core_banking__transactions",
        "core/fct_transactions",
        "core/fct_email_opens",
        "core/fct_claims",
        "core/dim_customer_patterns",
        "marketing/customer_360",
        "claims/loss_summary",
        "bi_marts",
    } <= selected
    assert not {"core/dim_users", "raw_core_banking/transactions", "core/dim_campaigns"} & selected
    # the pattern feed changes only its mini-dimension, not the customer dimension and all
    # that is keyed on it
    assert not {"core/dim_customers", "core/dim_bank_accounts", "core/dim_policies"} & selected
    # landing is upstream of staging in the lineage
    staging = graph.get(dg.AssetKey(["staging", "stg_core_banking__transactions"]))
    assert dg.AssetKey(["core_banking", "transactions__changes"]) in staging.parent_keys


def test_runs_that_write_the_warehouse_never_overlap(defs: dg.Definitions) -> None:
    import yaml

    from orchestration.definitions import WAREHOUSE_WRITE
    from orchestration.paths import PROJECT_DIR

    instance = yaml.safe_load((PROJECT_DIR / ".dagster" / "dagster.yaml").read_text())
    [(key, value)] = WAREHOUSE_WRITE.items()
    assert {"key": key, "value": value, "limit": 1} in instance["concurrency"]["runs"][
        "tag_concurrency_limits"
    ]
    for name in ("nightly_full_build", "delta_load", "nightly_reconciliation"):
        assert defs.resolve_job_def(name).tags[key] == value


def test_sensor_requests_a_delta_load_when_files_arrive(
    defs: dg.Definitions, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FSI_LANDING_DIR", str(tmp_path))
    sensor = defs.resolve_sensor_def("landing_files_sensor")
    assert sensor.job_name == "delta_load"
    context = dg.build_sensor_context()
    assert isinstance(sensor.evaluate_tick(context).skip_message, str)
    folder = tmp_path / "core_banking" / "transactions"
    folder.mkdir(parents=True)
    (folder / "batch-00001.jsonl").write_text("{}\n")
    (tmp_path / "_loaded" / "core_banking" / "transactions").mkdir(parents=True)
    (tmp_path / "_loaded" / "core_banking" / "transactions" / "old.jsonl").write_text("{}\n")
    [request] = sensor.evaluate_tick(context).run_requests
    assert request.tags["fsi/landing_files"] == "1"


def test_materialising_everything_in_process_builds_and_publishes_the_marts(
    defs: dg.Definitions, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from orchestration.datagen.delta import write_batches
    from orchestration.definitions import bi_marts, fsi_dbt_assets, landing_changes
    from orchestration.paths import SEEDS_RAW_DIR

    warehouse, bi = tmp_path / "analytics.duckdb", tmp_path / "bi.duckdb"
    landing = tmp_path / "landing"
    monkeypatch.setenv("FSI_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("FSI_BI_DUCKDB_PATH", str(bi))
    monkeypatch.setenv("FSI_LANDING_DIR", str(landing))
    import orchestration.definitions as definitions

    dbt_environments = []
    environment = definitions._environment

    def recording(variables):
        dbt_environments.append(dict(variables))
        return environment(variables)

    monkeypatch.setattr(definitions, "_environment", recording)
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [landing_changes, fsi_dbt_assets, bi_marts],
        resources={"dbt": defs.resources["dbt"]},
        instance=instance,
    )
    assert result.success
    # dbt's templates and classes compiled once for all runs, not in each invocation's
    # target directory
    from orchestration import dbt_classes, dbt_jinja
    from orchestration.code_cache import CACHE_DIR_ENV
    from orchestration.paths import target_path

    assert [env[CACHE_DIR_ENV] for env in dbt_environments] == [str(target_path().absolute())]
    assert dbt_jinja.cache_file(target_path()).exists()
    assert dbt_classes.cache_file(target_path()).exists()
    fct = dg.AssetKey(["core", "fct_transactions"])
    [materialisation] = result.asset_materializations_for_node("fsi_dbt_assets")[:0] or [
        m for m in result.get_asset_materialization_events() if m.asset_key == fct
    ]
    rows_before = materialisation.materialization.metadata["dagster/row_count"].value
    assert rows_before > 40_000
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) > 100
    not_passed = {(e.check_name, e.severity) for e in evaluations if not e.passed}
    # the default offer rules shadow rule 4: a warning that must not block anything
    assert not_passed == {("assert_no_shadowed_offer_rules", dg.AssetCheckSeverity.WARN)}
    assert "assert_country_email_engagement_reconciles_with_facts" in {
        e.check_name for e in evaluations
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        account_countries = {
            row[0]
            for row in con.execute(
                "select distinct country_name from core.dim_accounts where not is_unknown_member"
            ).fetchall()
        }
    with duckdb.connect(str(bi), read_only=True) as con:
        mart = dict(
            con.execute(
                "select country_name, sends from marketing.country_email_engagement"
            ).fetchall()
        )
        accounts = con.execute("select count(*) from marketing.account_email_engagement").fetchone()
    assert len(account_countries) >= 10
    assert account_countries <= set(mart), "every country with accounts has a mart row"
    assert all(sends > 0 for sends in mart.values())
    assert accounts[0] > 100

    # then a delta load: new landing files, only the affected assets, with change counts
    write_batches(1, 5, landing, SEEDS_RAW_DIR)
    delta = defs.resolve_job_def("delta_load").execute_in_process(instance=instance)
    assert delta.success
    events = {
        m.asset_key: m.materialization.metadata for m in delta.get_asset_materialization_events()
    }
    assert dg.AssetKey(["core", "dim_users"]) not in events
    assert (
        events[dg.AssetKey(["core_banking", "transactions__changes"])]["changes loaded"].value > 0
    )
    changed = events[fct]
    assert changed["rows inserted"].value > 0 and changed["rows deleted"].value > 0
    assert changed["dagster/row_count"].value == (
        rows_before + changed["rows inserted"].value - changed["rows deleted"].value
    )
    assert dg.AssetKey("bi_marts") in events

    # and a delta load with nothing new builds nothing: no dbt asset is materialised again
    quiet = defs.resolve_job_def("delta_load").execute_in_process(instance=instance)
    assert quiet.success
    rebuilt = {m.asset_key for m in quiet.get_asset_materialization_events()}
    assert fct not in rebuilt and dg.AssetKey(["marketing", "customer_360"]) not in rebuilt
    messages = [
        record.user_message
        for record in instance.all_logs(quiet.run_id)
        if "nothing to build" in record.user_message
    ]
    assert messages and "no change loaded and no model changed" in messages[0]

    # a batch whose every record is rejected still reaches the quarantine in the next delta
    import json

    folder = landing / "core_banking" / "transactions"
    record = {
        "transaction_id": "77",
        "account_id": "500001",
        "amount": "7.00",
        "direction": "debit",
        "merchant_category": "groceries",
        "channel": "mobile",
        "transaction_at": "2026-10-30 10:00:00",
        "_op": "x",
        "_seq": 99,
    }
    (folder / "batch-00900.jsonl").write_text(json.dumps(record) + "\n")
    rejected = defs.resolve_job_def("delta_load").execute_in_process(instance=instance)
    assert rejected.success
    rebuilt = {m.asset_key for m in rejected.get_asset_materialization_events()}
    assert dg.AssetKey(["quarantine", "quarantined_records"]) in rebuilt
    assert fct not in rebuilt, "no change log has new rows: only the quarantine is rebuilt"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quarantined = con.execute(
            "select source_table, batch_id, reason from quarantine.quarantined_records "
            "where record_key = '77'"
        ).fetchall()
    assert quarantined == [("transactions", 900, "unknown operation x (expected c, u or d)")]


def test_a_process_with_the_definitions_leaves_nothing_for_the_last_collection() -> None:
    """At exit, the heap is frozen before Python's last collection would walk it. The probe's
    exit hook is registered before the import, so it runs after the definitions' own."""
    import subprocess
    import sys

    from orchestration.paths import PROJECT_DIR

    probe = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count()))\n"
        "import orchestration.definitions\n"
        "print('frozen after import:', gc.get_freeze_count())\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    after_import, at_exit = (
        int(line.rsplit(":", 1)[1]) for line in finished.stdout.splitlines()[-2:]
    )
    assert after_import == 0  # nothing frozen while the process runs
    assert at_exit > 100_000, finished.stdout


def test_the_definitions_read_the_manifest_where_dbt_target_path_points(tmp_path) -> None:
    """`fsi bench` parses into its own target directory (DBT_TARGET_PATH); its Dagster phase
    must read that manifest, not target/ of the checkout, which a fresh clone does not have."""
    import os
    import shutil
    import subprocess
    import sys

    from orchestration.paths import PROJECT_DIR

    shutil.copy(TARGET_DIR / "manifest.json", tmp_path / "manifest.json")
    probe = "from orchestration.definitions import dbt_project\nprint(dbt_project.manifest_path)\n"
    finished = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_DIR,
        env={**os.environ, "DBT_TARGET_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert finished.stdout.splitlines()[-1] == str(tmp_path / "manifest.json")
