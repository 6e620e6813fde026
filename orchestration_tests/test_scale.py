"""Data at scale: the vectorised generator, the initial load from extracts, the proportional
change batch, skipping a delta build with nothing to do, and `fsi bench` end to end."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import datagen, dbt_classes
from orchestration.bench import (
    TreeMemory,
    _dagster_dbt_run,
    _idle_thread_seconds,
    _wall_seconds,
    compiled_templates,
    markdown,
    run_bench,
)
from orchestration.datagen.scale import CLAIM_CLONES, replicas_for
from orchestration.datagen.scale_delta import write_proportional_batch
from orchestration.delta_state import (
    changed_logs,
    changes_seen,
    excluded_from_delta,
    project_fingerprint,
    record_delta_build,
    up_to_date,
)
from orchestration.extracts import ExtractError, load_extracts
from orchestration.landing import load
from orchestration.paths import REFERENCE_DIR, SEEDS_RAW_DIR

SCALE = 2


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale2")
    datagen.generate(SCALE, 42, out, REFERENCE_DIR, SEEDS_RAW_DIR)
    return out


@pytest.fixture(scope="module")
def loaded(extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("loaded") / "analytics.duckdb"
    load_extracts(warehouse, extract)
    return warehouse


def _seed_rows(source: str, table: str) -> list[dict[str, str]]:
    with (SEEDS_RAW_DIR / source / f"{table}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_table_is_the_seed_world_replicated_and_claims_cloned(loaded: Path) -> None:
    replicas = replicas_for(SCALE)
    assert replicas == 4 and replicas_for(100) == 240
    for source, table, factor in (
        ("core_banking", "transactions", replicas),
        ("core_banking", "customer_patterns", replicas),
        ("marketo", "activity_send_email", replicas),
        ("salesforce", "opportunity", replicas),
        ("claims", "claims", replicas * CLAIM_CLONES),
        ("claims", "telematics", replicas),
        ("core_banking", "offers", 1),
    ):
        [(count,)] = _query(loaded, f"select count(*) from raw_{source}.{table}")
        assert count == factor * len(_seed_rows(source, table)), f"{source}.{table}"


def test_keys_stay_unique_and_references_resolve_inside_each_replica(loaded: Path) -> None:
    [(rows, keys)] = _query(
        loaded,
        "select count(*), count(distinct transaction_id) from raw_core_banking.transactions",
    )
    assert rows == keys
    [(claims, claim_nos)] = _query(
        loaded, "select count(*), count(distinct claim_no) from raw_claims.claims"
    )
    assert claims == claim_nos
    # the share of accounts whose customer exists is the seed world's (all of them)
    [(orphans,)] = _query(
        loaded,
        "select count(*) from raw_core_banking.accounts a left join raw_core_banking.customers c "
        "using (customer_id) where c.customer_id is null",
    )
    assert orphans == 0
    # the deliberate defects keep their proportion: activities of unknown customers
    seed_customers = {r["customer_id"] for r in _seed_rows("core_banking", "customers")}
    activities = _seed_rows("core_banking", "customer_activity")
    seed_unknown = sum(r["customer_id"] not in seed_customers for r in activities)
    [(unknown,)] = _query(
        loaded,
        "select count(*) from raw_core_banking.customer_activity a "
        "left join raw_core_banking.customers c using (customer_id) where c.customer_id is null",
    )
    assert unknown == replicas_for(SCALE) * seed_unknown > 0
    # Salesforce ids keep their 18 characters; contacts belong to accounts of their replica
    [(lengths, dangling)] = _query(
        loaded,
        "select list_distinct(list(length(c.id))), count(*) filter (where a.id is null) "
        "from raw_salesforce.contact c left join raw_salesforce.account a on a.id = c.account_id",
    )
    assert lengths == [18] and dangling == 0


def test_emails_still_match_across_sources_only_after_normalising(loaded: Path) -> None:
    def matches(warehouse_or_none: Path | None) -> tuple[int, int]:
        sql = (
            "select count(*) filter (where m.email in (select email from {sf})), "
            "count(*) filter (where lower(trim(m.email)) in "
            "(select lower(trim(email)) from {sf})) from {marketo} m"
        )
        if warehouse_or_none is None:
            with duckdb.connect() as con:
                [(exact, normalised)] = con.execute(
                    sql.format(
                        sf=f"read_csv('{SEEDS_RAW_DIR}/salesforce/contact.csv', all_varchar=true)",
                        marketo=f"read_csv('{SEEDS_RAW_DIR}/marketo/lead.csv', all_varchar=true)",
                    )
                ).fetchall()
            return exact, normalised
        [(exact, normalised)] = _query(
            warehouse_or_none, sql.format(sf="raw_salesforce.contact", marketo="raw_marketo.lead")
        )
        return exact, normalised

    seed_exact, seed_normalised = matches(None)
    exact, normalised = matches(loaded)
    assert (exact, normalised) == (4 * seed_exact, 4 * seed_normalised)
    assert normalised > exact


def test_loading_extracts_is_all_or_nothing_with_clear_errors(tmp_path: Path, extract: Path):
    warehouse = tmp_path / "analytics.duckdb"
    with pytest.raises(
        ExtractError, match=r"no extract files \(<source>/<table>\.parquet or \.csv\)"
    ):
        load_extracts(warehouse, tmp_path / "empty")
    stray = tmp_path / "stray"
    (stray / "core_banking").mkdir(parents=True)
    (stray / "core_banking" / "ledgers.parquet").write_bytes(b"")
    with pytest.raises(
        ExtractError, match=r"core_banking/ledgers\.parquet in .* match no raw table"
    ):
        load_extracts(warehouse, stray)
    broken = tmp_path / "broken"
    for path in extract.glob("*/*.parquet"):
        (broken / path.parent.name).mkdir(parents=True, exist_ok=True)
        (broken / path.parent.name / path.name).write_bytes(path.read_bytes())
    (broken / "salesforce" / "user.parquet").write_bytes(b"not parquet")
    with pytest.raises(ExtractError, match="nothing was changed"):
        load_extracts(warehouse, broken)
    assert _query(warehouse, "select count(*) from duckdb_tables()") == [(0,)]


def test_the_scale_1_csv_extract_loads_as_the_seeds_with_their_types(tmp_path: Path) -> None:
    """`fsi generate --scale 1` writes the seed world as CSV; `fsi load --initial` takes it,
    typed as the seeds declare, so the bench runs at scale 1 too."""
    out = tmp_path / "scale1"
    datagen.generate(1, 42, out, REFERENCE_DIR, SEEDS_RAW_DIR)
    assert not list(out.glob("*/*.parquet"))
    warehouse = tmp_path / "analytics.duckdb"
    rows = load_extracts(warehouse, out)
    assert len(rows) == len(list(SEEDS_RAW_DIR.glob("*/*.csv")))
    seed = _seed_rows("core_banking", "transactions")
    assert rows["raw_core_banking.transactions"] == len(seed)
    first = seed[0]
    loaded_row = _query(
        warehouse,
        "select cast(amount as varchar), typeof(amount), typeof(transaction_id), "
        "typeof(transaction_at) from raw_core_banking.transactions "
        f"where transaction_id = {int(first['transaction_id'])}",
    )
    assert loaded_row == [(first["amount"], "DECIMAL(18,2)", "BIGINT", "TIMESTAMP")]


def test_a_csv_extract_with_other_columns_or_a_table_twice_is_refused(
    tmp_path: Path, extract: Path
) -> None:
    warehouse = tmp_path / "analytics.duckdb"
    odd = tmp_path / "odd"
    (odd / "claims").mkdir(parents=True)
    (odd / "claims" / "premiums.csv").write_text("policy_no,premium\nP1,10\n")
    with pytest.raises(
        ExtractError,
        match=r"claims/premiums\.csv has the columns policy_no, premium; its raw table has "
        r"policy_no, premium_month, earned_premium",
    ):
        load_extracts(warehouse, odd)
    twice = tmp_path / "twice"
    (twice / "claims").mkdir(parents=True)
    (twice / "claims" / "premiums.parquet").write_bytes(
        (extract / "claims" / "premiums.parquet").read_bytes()
    )
    (twice / "claims" / "premiums.csv").write_text("x\n")
    with pytest.raises(ExtractError, match=r"claims/premiums in .* both as parquet and as CSV"):
        load_extracts(warehouse, twice)
    assert not warehouse.exists()


def test_a_proportional_batch_loads_cleanly_and_respects_the_feed_rules(
    loaded: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "analytics.duckdb"
    warehouse.write_bytes(loaded.read_bytes())
    with duckdb.connect(str(warehouse)) as con:  # what the first dbt run creates
        con.execute(
            "create schema landing; create table landing.ingested_files (file_path varchar, "
            "file_sha256 varchar, source_name varchar, table_name varchar, batch_id bigint, "
            "status varchar, rows_loaded bigint, rows_rejected bigint, reason varchar, "
            "ingested_at timestamp); create table landing.rejected_records (source_name varchar,"
            " table_name varchar, batch_id bigint, file_path varchar, line_number bigint, "
            "record_key varchar, reason varchar, record varchar, rejected_at timestamp)"
        )
        for table in ("transactions", "customer_patterns"):
            con.execute(
                f"create table raw_core_banking.{table}__changes as select *, null::varchar _op,"
                f" null::bigint _seq, null::bigint _batch_id, null::bigint _line, "
                f"null::timestamp _loaded_at from raw_core_banking.{table} limit 0"
            )
    landing = tmp_path / "landing"
    files = write_proportional_batch(warehouse, landing, fraction=0.01, seed=3)
    [(transactions,)] = _query(warehouse, "select count(*) from raw_core_banking.transactions")
    changed = files["core_banking/transactions/batch-00001.parquet"]
    assert 0.008 * transactions < changed < 0.012 * transactions
    ops = dict(
        _query(
            warehouse,
            "select _op, count(*) from "
            f"read_parquet('{landing}/core_banking/transactions/*.parquet') group by 1",
        )
    )
    assert set(ops) == {"c", "u", "d"} and ops["u"] > ops["c"] > ops["d"]
    [(new_keys_existing,)] = _query(
        warehouse,
        f"select count(*) from read_parquet('{landing}/core_banking/transactions/*.parquet') b "
        "join raw_core_banking.transactions t on t.transaction_id = b.transaction_id::bigint "
        "where b._op = 'c'",
    )
    assert new_keys_existing == 0
    send_ops = _query(
        warehouse,
        f"select distinct _op from read_parquet('{landing}/marketo/activity_send_email/*.parquet')",
    )
    assert ("d",) not in send_ops, "sends are never deleted"
    [(op_column_agrees,)] = _query(
        warehouse,
        "select bool_and(op = _op and batch_id = '1') from "
        f"read_parquet('{landing}/core_banking/customer_patterns/*.parquet')",
    )
    assert op_column_agrees
    for path in list(landing.rglob("*.parquet")):
        if path.parent.name not in ("transactions", "customer_patterns"):
            path.unlink()
    report = load(warehouse, landing)
    assert report.count("loaded") == 2 and report.rows_rejected == 0
    patterns = files["core_banking/customer_patterns/batch-00001.parquet"]
    assert report.rows_loaded == changed + patterns
    # a batch of some logs only (the bench's claims delta)
    claims = write_proportional_batch(warehouse, landing, 0.01, only=["claims.claims__changes"])
    assert list(claims) == ["claims/claims/batch-00002.parquet"]
    [(claim_rows,)] = _query(warehouse, "select count(*) from raw_claims.claims")
    assert 0.008 * claim_rows < claims["claims/claims/batch-00002.parquet"] < 0.012 * claim_rows
    with pytest.raises(ValueError, match=r"no change log claims\.nope"):
        write_proportional_batch(warehouse, landing, 0.01, only=["claims.nope"])


def test_a_delta_build_is_skipped_only_when_nothing_changed(tmp_path: Path) -> None:
    warehouse = tmp_path / "analytics.duckdb"
    assert changes_seen(warehouse) is None
    from orchestration.change_logs import change_logs

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create schema landing; create table landing.delta_builds (invocation_id varchar, "
            "project_fingerprint varchar, changes_loaded bigint, changes_loaded_through "
            "timestamp, finished_at timestamp)"
        )
        for log in change_logs():
            con.execute(f"create schema if not exists {log.schema}")
            con.execute(f"create table {log.qualified_name} (k int, _loaded_at timestamp)")
        con.execute(
            "insert into raw_core_banking.transactions__changes "
            "values (1, timestamp '2026-11-20 10:00:00')"
        )
    fingerprint = project_fingerprint()
    seen = changes_seen(warehouse)
    assert seen.loaded == 1
    assert up_to_date(warehouse, seen, fingerprint) is None, "no delta build recorded yet"
    record_delta_build(warehouse, "run-1", seen, fingerprint)
    assert up_to_date(warehouse, changes_seen(warehouse), fingerprint) == "run-1"
    assert up_to_date(warehouse, seen, "another project") is None, "a model changed"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_claims.claims__changes values (2, timestamp '2026-11-20 09:00:00')"
        )
    assert up_to_date(warehouse, changes_seen(warehouse), fingerprint) is None, "a late change"
    assert changed_logs(warehouse, changes_seen(warehouse), fingerprint) == [
        "claims.claims__changes"
    ]
    assert changed_logs(warehouse, changes_seen(warehouse), "another project") is None
    record_delta_build(warehouse, "run-2", changes_seen(warehouse), fingerprint)
    assert changed_logs(warehouse, changes_seen(warehouse), fingerprint) == []
    with duckdb.connect(str(warehouse)) as con:  # created by the first `fsi load`
        con.execute("create table landing.rejected_records (k int, rejected_at timestamp)")
    assert up_to_date(warehouse, changes_seen(warehouse), fingerprint) == "run-2"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into landing.rejected_records values (3, timestamp '2026-11-20 11:00:00')"
        )
    seen = changes_seen(warehouse)
    assert (seen.loaded, str(seen.loaded_through)) == (3, "2026-11-20 11:00:00")
    assert up_to_date(warehouse, seen, fingerprint) is None, "a batch rejected whole"
    assert changed_logs(warehouse, seen, fingerprint) == ["landing.rejected_records"]
    with duckdb.connect(str(warehouse)) as con:  # the last build kept no per-log figures
        con.execute(
            "insert into landing.delta_builds (invocation_id, project_fingerprint, finished_at) "
            "values ('run-old', ?, timestamp '2100-01-01')",
            [fingerprint],
        )
    assert changed_logs(warehouse, seen, fingerprint) is None


def test_the_delta_exclusions_follow_the_manifest_or_leave_out_nothing() -> None:
    """What Dagster's delta_load leaves out when only claims changed, on a two-log graph; a
    manifest that lacks a change log leaves out nothing (the whole path is built)."""
    from orchestration.change_logs import change_logs

    logs = [log.dbt_source for log in change_logs()]
    sources = {
        f"source.p.{log}": {"source_name": log.split(".")[0], "name": log.split(".")[1]}
        for log in logs
    }
    claims, transactions = (
        "source.p.claims.claims__changes",
        ("source.p.core_banking.transactions__changes"),
    )
    manifest = {
        "sources": sources,
        "child_map": {
            claims: ["model.p.fct_claims", "model.p.quarantined_records"],
            transactions: ["model.p.fct_transactions", "model.p.quarantined_records"],
            "model.p.fct_transactions": ["model.p.customer_360", "test.p.unique_fct_transactions"],
        },
        "nodes": {
            f"{kind}.p.{name}": {"name": name}
            for kind, name in [
                ("model", "fct_claims"),
                ("model", "fct_transactions"),
                ("model", "customer_360"),
                ("model", "quarantined_records"),
                ("test", "unique_fct_transactions"),
            ]
        },
    }
    assert excluded_from_delta(manifest, ["claims.claims__changes"]) == [
        "customer_360",
        "fct_transactions",
    ]
    assert excluded_from_delta(manifest, None) == []
    del manifest["sources"][claims]
    assert excluded_from_delta(manifest, ["core_banking.transactions__changes"]) == []


def test_the_dagster_phase_reads_the_latest_dbt_run_of_dagster(tmp_path: Path) -> None:
    def dbt_run(folder: str, elapsed: float, log: str, mtime: int) -> None:
        run = tmp_path / folder
        run.mkdir()
        span = {
            "name": "execute",
            "started_at": "2026-11-23T10:00:00",
            "completed_at": "2026-11-23T10:00:04",
        }
        result = {"unique_id": "model.p.m", "execution_time": 4.0, "timing": [span]}
        (run / "run_results.json").write_text(
            json.dumps({"elapsed_time": elapsed, "results": [result]})
        )
        (run / "dbt.log").write_text(log)
        os.utime(run / "run_results.json", (mtime, mtime))

    assert _dagster_dbt_run(tmp_path) == {}
    dbt_run("fsi_dbt_assets-old", 9.0, "Partial parsing enabled", 1_000)
    dbt_run(
        "fsi_dbt_assets-new",
        7.5,
        "Unable to do partial parsing because profile has changed\n"
        'alter table "analytics"."core"."dim_users__dbt_tmp" rename to "dim_users"\n'
        'alter view "analytics"."staging"."stg_a" rename to "stg_a__dbt_backup"\n'
        'alter table "analytics"."core"."dim_b" rename to "dim_b__dbt_backup"\n',
        2_000,
    )
    detail = _dagster_dbt_run(tmp_path)
    assert detail["dbt elapsed (s)"] == 7.5
    assert detail["model seconds (wall)"] == 4.0
    assert detail["dbt parsed the project again"] is True
    assert detail["relations replaced"] == 2


def test_wall_seconds_counts_overlapping_spans_once() -> None:
    spans = [
        {"started_at": "2026-11-23T10:00:00Z", "completed_at": "2026-11-23T10:00:10Z"},
        {"started_at": "2026-11-23T10:00:05Z", "completed_at": "2026-11-23T10:00:12Z"},
        {"started_at": "2026-11-23T10:00:20Z", "completed_at": "2026-11-23T10:00:21Z"},
    ]
    assert _wall_seconds(spans) == 13.0


def test_idle_thread_seconds_are_the_threads_time_without_a_node() -> None:
    def node(thread: str, start: str, compiled: str, end: str) -> dict:
        day = "2026-11-29T10:00:"
        return {
            "thread_id": thread,
            "timing": [
                {"name": "compile", "started_at": day + start, "completed_at": day + compiled},
                {"name": "execute", "started_at": day + compiled, "completed_at": day + end},
            ],
        }

    results = [
        node("main", "00Z", "00Z", "30Z"),  # a hook, on dbt's main thread
        node("Thread-1 (worker)", "00Z", "01Z", "10Z"),
        node("Thread-2 (worker)", "00Z", "00Z", "04Z"),
        node("Thread-2 (worker)", "05Z", "06Z", "10Z"),  # thread 2 idle from 4 s to 5 s
        node("Thread-1 (worker)", "10Z", "10Z", "12Z"),  # the end alone: thread 2 idle 2 s
    ]
    assert _idle_thread_seconds(results) == 3.0
    assert _idle_thread_seconds([]) == 0.0


def test_bench_end_to_end_at_scale_2(tmp_path: Path) -> None:
    result, path = run_bench(SCALE, "dev", dagster=True, keep=tmp_path, results_dir=tmp_path)
    assert path == tmp_path / f"{result['date']}-scale2.json"
    assert json.loads(path.read_text())["scale"] == SCALE
    (workdir,) = tmp_path.glob("fsi-bench-2-*")
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    data_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    phases = {p["name"]: p for p in result["phases"]}
    assert list(phases) == [
        "generate",
        "load",
        "dbt parse",
        "dbt build",
        "publish",
        "engine floor",
        "dagster",
        "delta generate",
        "delta load",
        "delta build",
        "claims delta generate",
        "claims delta load",
        "claims delta build",
        "0-change load",
        "0-change build",
    ]
    assert all(p["seconds"] > 0 for p in phases.values())
    assert all(p["peak_rss_mib"] > 50 for n, p in phases.items() if not n.endswith("generate"))
    build = phases["dbt build"]
    assert build["detail"]["nodes"]["model"] == 77
    assert "unit_test" not in build["detail"]["nodes"], "production builds leave unit tests to CI"
    assert build["detail"]["nodes"]["test"] == len(data_tests) > 300, "every data test ran"
    assert result["raw rows"] == phases["load"]["rows"] > 400_000
    assert phases["engine floor"]["detail"]["statements"] == 77
    # the Dagster run built the same nodes from the same start: the loaded warehouse, in the
    # same place (so dbt reused its parse), where there was no relation to replace
    dagster = phases["dagster"]["detail"]
    assert dagster["nodes"] == build["detail"]["nodes"]
    assert dagster["dbt parsed the project again"] is False
    assert dagster["relations replaced"] == 0
    # and fsi-dbt's compiled templates as the parse left them, not the dbt build's; the
    # build's back in place after it
    templates = build["detail"]["compiled templates at the start"]
    assert dagster["compiled templates at the start"] == templates
    assert 0 < templates < compiled_templates(workdir / "target")
    assert dbt_classes.cache_file(workdir / "target").exists(), "fsi-dbt kept dbt's class code"
    assert sorted(p.name for p in (workdir / "warehouse").iterdir()) == [
        "analytics.dev.node_seconds.json",
        "analytics.duckdb",
    ], "the dbt build's warehouse is back in its place, and only it"
    assert not (workdir / "as-loaded").exists() and not (workdir / "warehouse-built").exists()
    assert not list(workdir.glob("templates-*")), "the copies of the compiled templates are gone"
    # the delta changed about 1 % and the incremental build saw it; then nothing to do
    assert phases["delta build"]["detail"]["nodes"]["model"] < 77
    # a batch of claims alone: only what the claims change log feeds
    assert list(phases["claims delta generate"]["detail"]["files"]) == [
        "claims/claims/batch-00002.parquet"
    ]
    assert phases["claims delta build"]["detail"]["nodes"]["model"] == 11
    claims_nodes = phases["claims delta build"]["detail"]["nodes"]
    assert 0 < claims_nodes["test"] < phases["delta build"]["detail"]["nodes"]["test"]
    assert "claims delta build / full build" in result["ratios"]
    assert phases["0-change build"]["seconds"] < phases["delta build"]["seconds"] / 3
    table = markdown(result)
    assert "| dbt build |" in table and "| dbt build / engine floor |" in table
    assert result["ratios"]["dagster / dbt build"] > 0
    assert "| dagster / dbt build | n/a |" not in table


def test_the_bench_counts_the_memory_of_grandchildren() -> None:
    """A phase's peak includes processes its child starts and never waits for (Spark's JVM):
    here a shell whose child holds 300 MiB."""
    hold = "x = bytearray(300 * 2**20); import time; time.sleep(1.5)"
    child = subprocess.Popen(["bash", "-c", f"'{sys.executable}' -c '{hold}'; true"])
    tree = TreeMemory(child.pid)
    tree.start()
    child.wait()
    tree.stop()
    assert tree.peak_mib > 300
