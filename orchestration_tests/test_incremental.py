"""The delta-load invariant: whatever sequence of change batches is applied incrementally
(including a file delivered twice and a build killed half way, then rerun), every mart and
every incremental model equals a full refresh over the same data, row for row."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.compare import compare_tables
from orchestration.datagen.delta import write_batches
from orchestration.dbt import dbt_env, dbt_executable
from orchestration.landing import LOADED_DIR, load
from orchestration.paths import PROJECT_DIR, SEEDS_RAW_DIR
from orchestration.publish import mart_tables

# a transaction change, without its key, amount, operation and sequence
TRANSACTION = {
    "account_id": "500001",
    "direction": "debit",
    "merchant_category": "groceries",
    "channel": "mobile",
    "transaction_at": "2026-10-30 10:00:00",
}
MODELS_ONLY = ["--exclude-resource-type", "test", "unit_test"]
# what the delta_load job builds: everything downstream of the change logs
DELTA_PATH = ["--select", "tag:change_log+"]


def _dbt(
    args: list[str], warehouse: Path, target_path: Path, capture: bool = False, **variables: str
) -> subprocess.Popen:
    """dbt (quiet: errors only) on `warehouse`; with `capture`, its output is piped as text."""
    env = {**dbt_env("ci"), **variables}
    env["FSI_DUCKDB_PATH"] = str(warehouse)
    env["DBT_TARGET_PATH"] = str(target_path)
    return subprocess.Popen(
        [dbt_executable(), "--quiet", *args],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE if capture else None,
        text=capture,
    )


def _build(warehouse: Path, target_path: Path, *extra: str) -> None:
    assert _dbt(["build", *MODELS_ONLY, *extra], warehouse, target_path).wait() == 0


def _build_killed_half_way(warehouse: Path, target_path: Path, after_seconds: float) -> None:
    process = _dbt(["build", *MODELS_ONLY, *DELTA_PATH], warehouse, target_path)
    time.sleep(after_seconds)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _copy(warehouse: Path, folder: Path) -> Path:
    folder.mkdir()
    return Path(shutil.copy(warehouse, folder / warehouse.name))


def _tables(manifest: Path) -> tuple[list[str], list[str]]:
    """The marts (as published) and the incremental models, as ``schema.table``."""
    marts = [f"{t.schema}.{t.name}" for t in mart_tables(manifest)]
    incremental = [
        f"{n['schema']}.{n['alias']}"
        for n in json.loads(manifest.read_text())["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
    ]
    return marts, sorted(incremental)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A warehouse built once from the seeds (models only), and the one path every dbt run of
    this module uses (the same profile lets dbt reuse its parse; DuckDB names the catalog after
    the file, so copies keep the name)."""
    root = tmp_path_factory.mktemp("incremental")
    warehouse = root / "work" / "analytics.duckdb"
    warehouse.parent.mkdir()
    _build(warehouse, root / "target")
    initial = _copy(warehouse, root / "initial")
    return initial, warehouse, root / "target"


def test_fsi_dbt_keeps_the_seconds_of_each_node_beside_the_warehouse(
    built: tuple[Path, Path, Path],
) -> None:
    _, warehouse, _ = built
    history = json.loads((warehouse.parent / "analytics.ci.node_seconds.json").read_text())
    measured = history["incremental"]  # the module's builds are not full refreshes
    assert measured["model.fsi_analytics.fct_transactions"] > 0
    assert "model.fsi_analytics.claims_investigation" in measured
    assert not [node for node in measured if node.startswith("test.")]  # models only


# Each sequence takes two of the three kinds of step in a random order; together the three
# sequences cover every kind (asserted below).
SEQUENCES = {
    seed: random.Random(seed).sample(["plain", "redelivered", "killed"], 2) for seed in (11, 23, 37)
}


def test_the_sequences_cover_every_kind_of_step() -> None:
    assert {step for steps in SEQUENCES.values() for step in steps} == {
        "plain",
        "redelivered",
        "killed",
    }


@pytest.mark.parametrize("sequence_seed", sorted(SEQUENCES))
def test_incremental_builds_equal_a_full_refresh(
    sequence_seed: int, built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    landing = tmp_path / "landing"
    rng = random.Random(sequence_seed)
    for number, step in enumerate(SEQUENCES[sequence_seed]):
        write_batches(rng.randint(1, 2), sequence_seed * 100 + number, landing, SEEDS_RAW_DIR)
        report = load(warehouse, landing, progress=lambda _: None)
        assert report.count("loaded") > 0
        if step == "redelivered":
            # the same files arrive again: the ledger skips every one of them
            loaded = sorted((landing / LOADED_DIR).rglob("*.*"))
            for path in loaded:
                shutil.copy(path, landing / path.relative_to(landing / LOADED_DIR))
            again = load(warehouse, landing, progress=lambda _: None)
            assert again.count("skipped") == len(loaded) and again.rows_loaded == 0
        if step == "killed":
            _build_killed_half_way(warehouse, target_path, after_seconds=rng.uniform(3, 7))
        _build(warehouse, target_path, *DELTA_PATH)

    incremental_result = _copy(warehouse, tmp_path / "incremental")
    _build(warehouse, target_path, "--full-refresh")

    marts, incremental = _tables(target_path / "manifest.json")
    assert len(marts) >= 10 and len(incremental) == 22
    diffs = compare_tables(
        incremental_result, warehouse, marts + incremental, ignore_columns=("_invocation_id",)
    )
    assert [d for d in diffs if not d.equal] == []
    with duckdb.connect(str(incremental_result), read_only=True) as con:
        changes = con.execute(
            "select count(*) from raw_core_banking.transactions__changes"
        ).fetchone()[0]
        facts = con.execute("select count(*) from core.fct_transactions").fetchone()[0]
    assert changes > 0
    assert facts != 41_593  # the changes did change the facts


def test_deletes_updates_and_late_events_apply_by_sequence(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Row-level: a delete removes the fact, an update with a higher sequence wins, a late
    event with a lower sequence loses, an unknown operation is rejected with its reason."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    landing = tmp_path / "landing" / "core_banking" / "transactions"
    landing.mkdir(parents=True)
    records = [
        {**TRANSACTION, "transaction_id": "9000001", "amount": "1.00", "_op": "d", "_seq": 10},
        {**TRANSACTION, "transaction_id": "9000002", "amount": "222.22", "_op": "u", "_seq": 20},
        {**TRANSACTION, "transaction_id": "9000002", "amount": "111.11", "_op": "u", "_seq": 5},
        {**TRANSACTION, "transaction_id": "42", "amount": "42.00", "_op": "c", "_seq": 30},
        {**TRANSACTION, "transaction_id": "43", "amount": "43.00", "_op": "x", "_seq": 31},
    ]
    (landing / "batch-00001.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    # the late event (seq 5) arrives in a later batch than the update it must lose to
    (landing / "batch-00002.jsonl").write_text(json.dumps(records[2]) + "\n")
    load(warehouse, tmp_path / "landing", progress=lambda _: None)
    _build(warehouse, target_path, *DELTA_PATH)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        amounts = dict(
            con.execute(
                "select transaction_id, amount from core.fct_transactions "
                "where transaction_id in (9000001, 9000002, 42, 43)"
            ).fetchall()
        )
        rejected = con.execute("select record_key, reason from landing.rejected_records").fetchall()
        runs = con.execute(
            "select rows_inserted, rows_updated, rows_deleted from landing.incremental_runs "
            "where model_name = 'fct_transactions' order by recorded_at desc limit 1"
        ).fetchone()
    assert {k: float(v) for k, v in amounts.items()} == {9000002: 222.22, 42: 42.0}
    assert rejected == [("43", "unknown operation x (expected c, u or d)")]
    assert runs == (1, 1, 1)


def test_the_latest_changes_table_ranks_only_what_each_run_loaded(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The table of latest changes behind a change log's staging view: a run re-ranks only the
    keys with a change loaded since its last run, against their stored latest change. A late
    event that loses keeps the stored winner; a delete stays in the table (it hides the
    key's initial-load row) and removes the fact."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    landing = tmp_path / "landing" / "core_banking" / "transactions"
    landing.mkdir(parents=True)

    def deliver(name: str, *records: dict) -> None:
        (landing / name).write_text("".join(json.dumps(r) + "\n" for r in records))
        load(warehouse, tmp_path / "landing", progress=lambda _: None)
        _build(warehouse, target_path, *DELTA_PATH)

    deliver(
        "batch-00001.jsonl",
        {**TRANSACTION, "transaction_id": "7", "amount": "70.00", "_op": "u", "_seq": 20},
        {**TRANSACTION, "transaction_id": "8", "amount": "80.00", "_op": "u", "_seq": 20},
        {**TRANSACTION, "transaction_id": "9", "amount": "90.00", "_op": "u", "_seq": 20},
    )
    deliver(
        "batch-00002.jsonl",
        # late: a lower sequence than the update already applied
        {**TRANSACTION, "transaction_id": "8", "amount": "8.00", "_op": "u", "_seq": 5},
        {**TRANSACTION, "transaction_id": "9", "amount": "9.00", "_op": "d", "_seq": 30},
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        latest = {
            key: (float(amount), op, deleted, invocation)
            for key, amount, op, deleted, invocation in con.execute(
                "select transaction_id, amount, _change_op, _is_deleted, _invocation_id "
                "from staging.base_core_banking__transactions_latest_changes"
            ).fetchall()
        }
        facts = dict(
            con.execute(
                "select transaction_id, amount from core.fct_transactions "
                "where transaction_id in (7, 8, 9)"
            ).fetchall()
        )
    assert {key: row[:3] for key, row in latest.items()} == {
        7: (70.0, "u", False),
        8: (80.0, "u", False),
        9: (9.0, "d", True),
    }
    # key 7 had nothing new in the second run: its row is the first run's
    assert latest[8][3] == latest[9][3] != latest[7][3]
    assert {k: float(v) for k, v in facts.items()} == {7: 70.0, 8: 80.0}


SPEND = (
    "select customer_key, spend_month, merchant_category, account_type, transaction_count, "
    "spend_amount from {relation} where customer_key in ({customers}) order by all"
)


def test_monthly_spend_follows_a_debit_to_its_new_customer_and_drops_emptied_groups(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A delta rebuilds the spend aggregate from the updated fact: a debit moved to another
    customer's account leaves its old customer's month, and deleting a customer's only debit
    removes their rows. The affected customers' rows equal the aggregate of the facts."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # a customer's debit, and an account of another customer to move it to
        moved, old_customer, transaction_at, category = con.execute(
            "select transaction_id, customer_key, transaction_at, "
            "merchant_category from core.fct_transactions where direction = 'debit' "
            "order by transaction_id limit 1"
        ).fetchone()
        account_to, new_customer = con.execute(
            "select bank_account_id, customer_key from core.dim_bank_accounts "
            "where not is_unknown_member and customer_key != ? order by bank_account_id limit 1",
            [old_customer],
        ).fetchone()
        # a customer with a single debit, which the batch deletes
        alone, alone_customer = con.execute(
            "select min(transaction_id), customer_key from core.fct_transactions "
            "where direction = 'debit' group by customer_key "
            "having count(*) = 1 and min(transaction_id) != ? order by 1 limit 1",
            [moved],
        ).fetchone()
    customers = ", ".join(str(c) for c in {old_customer, new_customer, alone_customer})
    landing = tmp_path / "landing" / "core_banking" / "transactions"
    landing.mkdir(parents=True)
    records = [
        {
            **TRANSACTION,
            "transaction_id": str(moved),
            "account_id": str(account_to),
            "merchant_category": category,
            "transaction_at": str(transaction_at),
            "amount": "77.00",
            "_op": "u",
            "_seq": 10,
        },
        {**TRANSACTION, "transaction_id": str(alone), "amount": "1.00", "_op": "d", "_seq": 10},
    ]
    (landing / "batch-00001.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    load(warehouse, tmp_path / "landing", progress=lambda _: None)
    _build(warehouse, target_path, *DELTA_PATH)

    facts = (
        "(select customer_key, cast(date_trunc('month', transaction_date) as date) as "
        "spend_month, merchant_category, account_type, count(*) as transaction_count, "
        "cast(sum(amount) as decimal(18, 2)) as spend_amount from core.fct_transactions "
        "where direction = 'debit' group by all)"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built_rows = con.execute(
            SPEND.format(
                relation="intermediate.int_monthly_spend_by_merchant_category", customers=customers
            )
        ).fetchall()
        expected = con.execute(SPEND.format(relation=facts, customers=customers)).fetchall()
        moved_now = con.execute(
            "select customer_key, amount from core.fct_transactions where transaction_id = ?",
            [moved],
        ).fetchone()
    assert moved_now == (new_customer, 77)
    assert built_rows == expected
    assert alone_customer not in {row[0] for row in built_rows}
    assert old_customer in {row[0] for row in expected} and new_customer in {
        row[0] for row in built_rows
    }


def test_a_table_built_before_its_model_became_incremental_gets_a_clear_error(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A warehouse from before the claims chain was incremental holds its models without the
    change columns: the run stops with the command that rebuilds one, not with an SQL error."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table intermediate.int_claims_telematics_summarised drop _changed_at")
    model = ["--select", "int_claims_telematics_summarised"]
    failed = _dbt(["run", *model], warehouse, target_path, capture=True)
    output, _ = failed.communicate()
    assert failed.returncode == 1
    assert (
        "has no _changed_at column: it was built before int_claims_telematics_summarised "
        "became incremental. Rebuild it once with `fsi build --full-refresh --select "
        "int_claims_telematics_summarised`"
    ) in " ".join(output.split())
    # and that command's dbt run repairs it
    _build(warehouse, target_path, "--full-refresh", *model)
    _build(warehouse, target_path, *model)


CLAIMS_CHAIN = [
    "intermediate.int_claims_telematics_summarised",
    "intermediate.int_claims_rules_evaluated",
    "claims.claims_investigation",
]


def _invocation_id(target_path: Path) -> str:
    return json.loads((target_path / "run_results.json").read_text())["metadata"]["invocation_id"]


def test_the_claims_models_recompute_every_claim_when_reference_data_changes(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The claims models are incremental by claim over fct_claims, and their rows also depend on
    whole tables (rules, policies, telematics). A rule edited in the seed must reach every
    claim in the next run, incremental or not: each row carries the fingerprint of those
    inputs, and a new fingerprint recomputes everything. Without a change, a run rewrites
    nothing."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    chain = ["--select", "int_claims_telematics_summarised+"]
    count_high = (
        "select count(*) filter (where speed_at_incident = 'high'), "
        "count(*) filter (where decision = 'needs_investigation') "
        "from intermediate.int_claims_rules_evaluated"
    )
    with duckdb.connect(str(warehouse)) as con:
        high_before, investigated_before = con.execute(count_high).fetchone()
        # what `dbt seed` of an edited claim_rules.csv does: a lower speed limit and a wider
        # telematics window
        con.execute(
            "update reference.claim_rules set threshold_value = 30, "
            "window_minutes = window_minutes + 45 where rule_code = 'speed'"
        )
    assert _dbt(["run", *chain], warehouse, target_path).wait() == 0
    changed_run = _invocation_id(target_path)
    incremental_result = _copy(warehouse, tmp_path / "incremental")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        high_after, investigated_after = con.execute(count_high).fetchone()
        rewritten = [
            con.execute(
                f"select count(*) filter (where _invocation_id = ?), count(*) from {table}",
                [changed_run],
            ).fetchone()
            for table in CLAIMS_CHAIN
        ]
    assert high_after > high_before and investigated_after > investigated_before
    assert all(mine == total > 0 for mine, total in rewritten), rewritten

    # the same inputs built from scratch give the same rows
    assert _dbt(["run", "--full-refresh", *chain], warehouse, target_path).wait() == 0
    diffs = compare_tables(
        incremental_result, warehouse, CLAIMS_CHAIN, ignore_columns=("_invocation_id",)
    )
    assert [d for d in diffs if not d.equal] == []

    # nothing changed since: an incremental run rewrites no claim
    assert _dbt(["run", *chain], warehouse, target_path).wait() == 0
    quiet_run = _invocation_id(target_path)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in CLAIMS_CHAIN:
            assert con.execute(
                f"select count(*) from {table} where _invocation_id = ?", [quiet_run]
            ).fetchone() == (0,)


def _test_failures(target_path: Path) -> dict[str, int]:
    """Failing rows per test of the last dbt invocation, by test name (without its hash)."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].split(".")[2]: r["failures"]
        for r in results
        if r["unique_id"].startswith("test.") and r["status"] in ("fail", "warn")
    }


def test_a_delta_build_tests_the_rows_it_changed(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """With FSI_TEST_SCOPE=changed (set by `fsi build --delta` and delta_load), tests of the
    incremental models and change-log staging read only the changed rows: a bad changed row
    still fails its tests, a bad row the delta did not touch is left to the full tests."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        # an old fact no change touches, broken behind dbt's back
        broken = con.execute(
            "update core.fct_transactions set amount = -1 "
            "where transaction_id = (select min(transaction_id) from core.fct_transactions)"
        ).fetchone()[0]
    assert broken == 1
    landing = tmp_path / "landing" / "core_banking" / "transactions"
    landing.mkdir(parents=True)
    record = {**TRANSACTION, "transaction_id": "42", "amount": "-42.00", "_op": "c", "_seq": 1}
    (landing / "batch-00001.jsonl").write_text(json.dumps(record) + "\n")
    load(warehouse, tmp_path / "landing", progress=lambda _: None)
    amount_test = "expression_is_true_fct_transactions_amount__amount_0"

    delta = _dbt(
        ["build", *DELTA_PATH, "--exclude-resource-type", "unit_test"],
        warehouse,
        target_path,
        FSI_TEST_SCOPE="changed",
    )
    assert delta.wait() != 0
    # only the new transaction fails: the old broken fact was not re-read
    assert _test_failures(target_path) == {amount_test: 1}
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    scoped = {
        r["unique_id"].split(".")[2]
        for r in results
        if "_invocation_id = '" in (r["compiled_code"] or "")
    }
    staging = {
        r["unique_id"].split(".")[2]
        for r in results
        if "_changed_at > cast('1900-01-01" in (r["compiled_code"] or "")
    }
    assert amount_test in scoped
    assert "primary_key_fct_transactions_transaction_id" in scoped
    assert "change_columns_fct_transactions" in scoped
    assert any(
        name.startswith("accepted_values_stg_core_banking__transactions") for name in staging
    )
    # a primary key on the change log's or the model's key is scoped; on any other column it
    # reads everything (a changed row may repeat the value of a row the delta did not touch)
    assert "primary_key_stg_core_banking__transactions_transaction_id" in staging
    assert "primary_key_fct_email_sends_email_send_activity_id" in scoped
    assert (
        "primary_key_fct_email_sends_email_send_id"
        in {r["unique_id"].split(".")[2] for r in results} - scoped
    )
    # the tests of a full-table model read all of it
    assert not any("int_customer_banking_aggregated" in name for name in scoped | staging)

    full = _dbt(["test", "--select", "fct_transactions"], warehouse, target_path)
    assert full.wait() != 0
    assert _test_failures(target_path) == {amount_test: 2}


def test_every_build_tests_a_change_key_of_the_initial_load_once(
    built: tuple[Path, Path, Path],
) -> None:
    """Without FSI_TEST_SCOPE too, the staging primary key on a change log's key reads the
    change log's rows only: the initial load's keys are the source's primary_key test, so a
    key duplicated in the initial load fails that one test, not a second one on staging."""
    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_core_banking.transactions select * from raw_core_banking.transactions "
            "where transaction_id = (select min(transaction_id) from raw_core_banking.transactions)"
        )
    selection = ["--select", "source:core_banking.transactions", "stg_core_banking__transactions"]
    assert _dbt(["test", *selection], warehouse, target_path).wait() != 0
    assert _test_failures(target_path) == {
        "source_primary_key_core_banking_transactions_transaction_id": 1
    }
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    compiled = {r["unique_id"].split(".")[2]: r["compiled_code"] or "" for r in results}
    scoped = {name for name, code in compiled.items() if "_changed_at > cast('1900-01-01" in code}
    assert scoped == {"primary_key_stg_core_banking__transactions_transaction_id"}
    # the view's other tests read all of it
    staging_tests = [name for name in compiled if "stg_core_banking__transactions" in name]
    assert len(staging_tests) > 1


def test_a_delta_build_builds_only_what_the_change_logs_with_new_rows_feed(
    built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """`fsi build --delta` with the project unchanged since the last delta build: a batch of
    claims alone rebuilds the claims models and what reads them, not the banking and marketing
    ones; a batch whose every record is rejected, the quarantine alone. Every mart and
    incremental model still equals a full refresh."""
    from orchestration.cli import main
    from orchestration.delta_state import excluded_from_delta

    initial, warehouse, target_path = built
    shutil.copy(initial, warehouse)
    landing = tmp_path / "landing"
    for name, value in {
        "FSI_TARGET": "ci",
        "FSI_DUCKDB_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(target_path),
        "FSI_LANDING_DIR": str(landing),
    }.items():
        monkeypatch.setenv(name, value)
    with (SEEDS_RAW_DIR / "claims" / "claims.csv").open(encoding="utf-8") as handle:
        claim = {k: v or None for k, v in next(csv.DictReader(handle)).items()}

    def delta(table: str, batch: int, *records: dict) -> tuple[str, set[str], set[str]]:
        folder = landing / table
        folder.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(r) + "\n" for r in records)
        (folder / f"batch-{batch:05d}.jsonl").write_text(lines)
        load(warehouse, landing, progress=lambda _: None)
        capsys.readouterr()
        assert main(["build", "--delta"]) == 0
        scope = next(
            line for line in capsys.readouterr().out.splitlines() if line.startswith("delta:")
        )
        results = json.loads((target_path / "run_results.json").read_text())["results"]
        ran = {r["unique_id"].split(".")[2] for r in results}
        kinds = {r["unique_id"].split(".")[0] for r in results}
        models = {r["unique_id"].split(".")[2] for r in results if r["unique_id"][:6] == "model."}
        assert "test" in kinds
        return scope, models, ran

    transaction = {**TRANSACTION, "transaction_id": "9000001", "amount": "5.00"}
    scope, everything, _ = delta(
        "core_banking/transactions", 1, {**transaction, "_op": "u", "_seq": 40}
    )
    assert scope == "delta: building everything the change logs feed (tag:change_log+)"
    assert {"fct_transactions", "fct_email_sends", "claims_investigation"} <= everything

    scope, claims_only, ran = delta(
        "claims/claims", 2, {**claim, "adjustment_expenses": "600.00", "_op": "u", "_seq": 41}
    )
    assert scope == (
        "delta: new rows in claims.claims__changes only since the last delta build; "
        "building what they feed"
    )
    assert claims_only == {
        "base_claims__claims_latest_changes",
        "stg_claims__claims",
        "fct_claims",
        "int_claims_telematics_summarised",
        "int_claims_rules_evaluated",
        "claims_investigation",
        "incident_severity_summary",
        "loss_summary",
        "loss_triangle",
        "quarantined_records",
        "data_quality_counts",
    }
    assert "primary_key_fct_claims_claim_no" in ran
    assert not [node for node in ran if "transactions" in node or "email" in node]

    scope, quarantine_only, _ = delta(
        "core_banking/transactions", 3, {**transaction, "_op": "x", "_seq": 42}
    )
    assert scope.startswith("delta: new rows in landing.rejected_records only")
    assert quarantine_only == {
        "stg_landing__rejected_records",
        "quarantined_records",
        "data_quality_counts",
    }

    with duckdb.connect(str(warehouse), read_only=True) as con:
        expenses = con.execute(
            "select adjustment_expenses from core.fct_claims where claim_no = ?",
            [claim["claim_no"]],
        ).fetchone()
        rejected = con.execute(
            "select count(*) from quarantine.quarantined_records where batch_id = 3"
        ).fetchone()
    assert (float(expenses[0]), rejected[0]) == (600.0, 1)
    # what Dagster's delta_load job, which selects the whole path, leaves out: the same
    manifest = json.loads((target_path / "manifest.json").read_text())
    assert everything - set(excluded_from_delta(manifest, ["claims.claims__changes"])) == (
        claims_only
    )
    incremental_result = _copy(warehouse, tmp_path / "incremental")
    _build(warehouse, target_path, "--full-refresh")
    marts, incremental = _tables(target_path / "manifest.json")
    diffs = compare_tables(
        incremental_result, warehouse, marts + incremental, ignore_columns=("_invocation_id",)
    )
    assert [d for d in diffs if not d.equal] == []
