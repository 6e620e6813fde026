"""The same project on Apache Spark (`make test-spark`): every seed, model, snapshot and test
builds and passes on a local Spark session (dbt-spark, method session), and every mart equals
the DuckDB build's, row for row, money to the cent.

Needs the spark extra (pyspark) and Java 17: skipped without them, unless FSI_REQUIRE_SPARK is
set. FSI_SPARK_SELECT limits both builds to a dbt selection (CI builds a representative
subset; `make test-spark` builds everything)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.bench import markdown, run_bench
from orchestration.dbt import run_dbt
from orchestration.paths import PROFILES_DIR, PROJECT_DIR
from orchestration.publish import mart_tables
from orchestration.spark import built_marts, compare_with_duckdb, copy_to_duckdb

pytestmark = pytest.mark.spark

SELECTION = os.environ.get("FSI_SPARK_SELECT", "").split()
# a selection takes only the tests whose every parent it builds
SELECT_ARGS = ["--select", *SELECTION, "--indirect-selection", "cautious"] if SELECTION else []
# a dbt status that is not a failure (exposures are no-ops; a test may be set to warn)
OK_STATUSES = {"success", "pass", "warn", "no-op"}
BUILT_KINDS = {"seed", "model", "snapshot", "test", "unit_test"}
HAVE_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


@dataclass(frozen=True)
class Builds:
    root: Path
    duckdb_file: Path
    spark_dir: Path
    spark_env: dict[str, str]
    spark_target: Path

    def spark_results(self) -> list[dict]:
        return json.loads((self.spark_target / "run_results.json").read_text())["results"]


def _require_spark() -> None:
    if not HAVE_SPARK:
        if os.environ.get("FSI_REQUIRE_SPARK"):
            pytest.fail("Spark is required (FSI_REQUIRE_SPARK): run `make test-spark` with Java 17")
        pytest.skip("needs the spark extra and Java 17 (`make test-spark`)")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    _require_spark()
    root = tmp_path_factory.mktemp("spark")
    duckdb_file = root / "duckdb" / "analytics.duckdb"
    code = run_dbt(
        ["build", *SELECT_ARGS, "--target-path", str(root / "duckdb-target")],
        target="ci",
        env={"FSI_DUCKDB_PATH": str(duckdb_file)},
    )
    assert code == 0, "the DuckDB build failed"
    spark_env = {
        "FSI_SPARK_DIR": str(root / "spark"),
        "FSI_DUCKDB_PATH": str(root / "unused" / "analytics.duckdb"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    spark_target = root / "spark-target"
    code = run_dbt(
        ["build", *SELECT_ARGS, "--target-path", str(spark_target)], target="spark", env=spark_env
    )
    assert code == 0, "the Spark build failed: see its output above"
    return Builds(root, duckdb_file, root / "spark", spark_env, spark_target)


def _warned(results: list[dict]) -> set[str]:
    return {r["unique_id"] for r in results if r["status"] == "warn"}


def test_every_node_builds_and_passes_on_spark(builds: Builds) -> None:
    results = builds.spark_results()
    failed = [r["unique_id"] for r in results if r["status"] not in OK_STATUSES]
    assert not failed
    # the same warnings as on DuckDB (assert_no_shadowed_offer_rules warns by design)
    duckdb_results = json.loads((builds.root / "duckdb-target" / "run_results.json").read_text())
    assert _warned(results) == _warned(duckdb_results["results"])
    kinds = {r["unique_id"].split(".")[0] for r in results}
    # seeds, models, the snapshot, data tests and unit tests all ran on Spark
    assert kinds >= BUILT_KINDS
    if not SELECTION:
        manifest = json.loads((builds.spark_target / "manifest.json").read_text())
        expected = {
            unique_id
            for unique_id, node in manifest["nodes"].items()
            if node["resource_type"] in ("seed", "model", "snapshot", "test")
        } | set(manifest.get("unit_tests", {}))
        ran = {r["unique_id"] for r in results if r["unique_id"].split(".")[0] in BUILT_KINDS}
        assert ran == expected


# Bookkeeping columns of an incremental mart that differ between engines by design: the
# invocation that wrote the row, and the fingerprint of its reference inputs (each engine
# hashes rows with its own function). BI tools never see them (orchestration/publish.py).
ENGINE_BOOKKEEPING = ("_invocation_id", "_reference_fingerprint")


def test_every_mart_equals_the_duckdb_build(builds: Builds) -> None:
    manifest = builds.spark_target / "manifest.json"
    tables = built_marts(builds.spark_target / "run_results.json", manifest)
    assert tables, "the selection built no mart"
    if not SELECTION:
        assert tables == [f"{t.schema}.{t.name}" for t in mart_tables(manifest)]
    diffs, rows = compare_with_duckdb(
        builds.duckdb_file,
        builds.spark_dir,
        tables,
        builds.root / "spark_marts.duckdb",
        ignore_columns=ENGINE_BOOKKEEPING,
    )
    assert [d.table for d in diffs if not d.equal] == []
    with duckdb.connect(str(builds.duckdb_file), read_only=True) as con:
        duckdb_rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    assert rows == duckdb_rows
    assert all(count > 0 for count in rows.values()), rows


def test_every_seed_equals_the_duckdb_build(builds: Builds) -> None:
    """Seeds load value for value: quotes in text, empty cells as nulls (not 'None')."""
    manifest = json.loads((builds.spark_target / "manifest.json").read_text())
    seeded = {r["unique_id"] for r in builds.spark_results() if r["unique_id"].startswith("seed.")}
    tables = sorted(
        f"{manifest['nodes'][seed]['schema']}.{manifest['nodes'][seed]['alias']}" for seed in seeded
    )
    assert "reference.claim_rules" in tables
    diffs, _ = compare_with_duckdb(
        builds.duckdb_file, builds.spark_dir, tables, builds.root / "spark_seeds.duckdb"
    )
    assert [d.table for d in diffs if not d.equal] == []
    copy = duckdb.connect(str(builds.root / "spark_seeds.duckdb"), read_only=True)
    with copy:
        descriptions = copy.execute("select rule_description from reference.claim_rules").fetchall()
        nulls = copy.execute(
            "select count(*) from reference.claim_rules where threshold_value is null"
        ).fetchone()[0]
    assert any("policy's" in d for (d,) in descriptions)
    assert nulls > 0


def test_surrogate_keys_are_the_same_bigints_on_both_engines(builds: Builds) -> None:
    """surrogate_key is md5_number on DuckDB and conv() of the md5's hex on Spark: the same
    bigint, so keys in the marts and the dimensions agree across engines (the key's value
    itself is checked against Python's md5 in test_dbt_macros)."""
    tables = ["core.dim_customers", "core.dim_policies"]
    diffs, rows = compare_with_duckdb(
        builds.duckdb_file, builds.spark_dir, tables, builds.root / "spark_dims.duckdb"
    )
    assert [d.table for d in diffs if not d.equal] == []
    with duckdb.connect(str(builds.root / "spark_dims.duckdb"), read_only=True) as con:
        keys = con.execute("select policy_key, is_unknown_member from core.dim_policies").fetchall()
    assert len({key for key, _ in keys}) == len(keys) == rows["core.dim_policies"]
    assert all((key == -1) if unknown else (0 < key < 2**60) for key, unknown in keys)


def test_the_snapshot_equals_the_duckdb_build(builds: Builds) -> None:
    # the validity bounds come from the data; dbt_scd_id is the same md5 on both engines
    diffs, rows = compare_with_duckdb(
        builds.duckdb_file,
        builds.spark_dir,
        ["snapshots.customers_history"],
        builds.root / "spark_snapshot.duckdb",
    )
    assert diffs[0].equal, diffs
    assert rows["snapshots.customers_history"] > 0


def test_a_second_spark_build_updates_incrementally_and_changes_nothing(builds: Builds) -> None:
    """The incremental models run again, incrementally (is_incremental) on their tables: on
    parquet, insert overwrite of the key buckets that changed, here none."""
    tables = ["core.fct_claims"]
    before = copy_to_duckdb(builds.spark_dir, tables, builds.root / "before.duckdb")
    target = builds.root / "spark-target-2"
    incremental = "config.materialized:incremental"
    select = [f"{item},{incremental}" for item in SELECTION] or [incremental]
    args = ["build", "--select", *select, "--indirect-selection", "cautious"]
    code = run_dbt([*args, "--target-path", str(target)], target="spark", env=builds.spark_env)
    assert code == 0
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert {r["status"] for r in results} <= OK_STATUSES
    assert "model.fsi_analytics.fct_claims" in {r["unique_id"] for r in results}
    after = copy_to_duckdb(builds.spark_dir, tables, builds.root / "after.duckdb")
    assert after == before
    # the same rows as DuckDB's fact (the invocation that wrote them aside)
    diffs, _ = compare_with_duckdb(
        builds.duckdb_file,
        builds.spark_dir,
        tables,
        builds.root / "fct.duckdb",
        ignore_columns=("_invocation_id",),
    )
    assert diffs[0].equal, diffs


# An update (CLM0000001 settles) and a delete (CLM0000002), appended to the claims change log
# as `fsi load` would: the raw columns, then _op, _seq, _batch_id, _line, _loaded_at.
CHANGED, DELETED = "CLM0000001", "CLM0000002"
SPARK_CHANGES = f"""
from orchestration.spark import spark_session
spark = spark_session()
columns = spark.table("raw_claims.claims").columns
values = {{"claim_status": "'settled'", "paid_amount": "cast(1234.56 as decimal(18, 2))"}}
for claim, op, changed in (("{CHANGED}", "u", values), ("{DELETED}", "d", {{}})):
    select = ", ".join(f"{{changed[c]}} as {{c}}" if c in changed else c for c in columns)
    spark.sql(
        f"insert into raw_claims.claims__changes select {{select}}, '{{op}}', 5, 1, 1, "
        f"current_timestamp() from raw_claims.claims where claim_no = '{{claim}}'"
    )
"""
DUCKDB_CHANGES = f"""
insert into raw_claims.claims__changes
select * replace ('settled' as claim_status, 1234.56 as paid_amount), 'u', 5, 1, 1, now()
from raw_claims.claims where claim_no = '{CHANGED}';
insert into raw_claims.claims__changes
select *, 'd', 5, 1, 1, now() from raw_claims.claims where claim_no = '{DELETED}';
"""


SPARK_AUDIT = """
import json
from orchestration.spark import spark_session
spark = spark_session()
runs = spark.sql(
    "select model_name, rows_inserted, rows_updated, rows_deleted from landing.incremental_runs "
    "where invocation_id = '{invocation}'"
).collect()
left = spark.sql("show tables in landing like 'incremental_changes__*'").collect()
print(json.dumps([{{r[0]: [r[1], r[2], r[3]] for r in runs}}, [r.tableName for r in left]]))
"""


def test_changes_apply_incrementally_on_spark_as_on_duckdb(builds: Builds) -> None:
    """A change batch on both engines, then an incremental build of what it feeds: on Spark's
    parquet the two key buckets are rewritten, on DuckDB the keys deleted and inserted; the
    fact and the marts stay equal (when the change was loaded aside)."""
    subprocess.run(
        [sys.executable, "-c", SPARK_CHANGES],
        env={**os.environ, **builds.spark_env, "DBT_PROFILES_DIR": str(PROFILES_DIR)},
        cwd=PROJECT_DIR,
        check=True,
    )
    with duckdb.connect(str(builds.duckdb_file)) as con:
        con.execute(DUCKDB_CHANGES)
    # from the change log's table of latest changes on (the staging view reads it)
    latest = "base_claims__claims_latest_changes+"
    downstream = [f"{latest},{item}" for item in SELECTION] or [latest]
    args = ["build", "--select", *downstream, "--indirect-selection", "cautious"]
    target = builds.root / "spark-target-changes"
    code = run_dbt([*args, "--target-path", str(target)], target="spark", env=builds.spark_env)
    assert code == 0
    code = run_dbt(
        [*args, "--target-path", str(builds.root / "duckdb-target-changes")],
        target="ci",
        env={"FSI_DUCKDB_PATH": str(builds.duckdb_file)},
    )
    assert code == 0
    fact = builds.root / "fct_after_changes.duckdb"
    diffs, _ = compare_with_duckdb(
        builds.duckdb_file,
        builds.spark_dir,
        ["core.fct_claims"],
        fact,
        ignore_columns=("_invocation_id", "_changed_at"),
    )
    assert diffs[0].equal, diffs
    with duckdb.connect(str(fact), read_only=True) as con:
        claims = dict(
            con.execute(
                "select claim_no, claim_status from core.fct_claims where claim_no in (?, ?)",
                [CHANGED, DELETED],
            ).fetchall()
        )
        tombstones = con.execute("select count(*) from core.fct_claims where _is_deleted")
        assert tombstones.fetchone()[0] == 0
    assert claims == {CHANGED: "settled"}
    # the run's audit: each incremental model's row, moved into landing.incremental_runs at
    # the end of the run in one insert (Spark's file tables take one writer at a time)
    invocation = json.loads((target / "run_results.json").read_text())["metadata"]["invocation_id"]
    audit = subprocess.run(
        [sys.executable, "-c", SPARK_AUDIT.format(invocation=invocation)],
        env={**os.environ, **builds.spark_env, "DBT_PROFILES_DIR": str(PROFILES_DIR)},
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    runs, left = json.loads(audit.stdout.strip().splitlines()[-1])
    assert runs["fct_claims"] == [0, 1, 1], "one update, one delete"
    assert left == [], "no per-model table is left behind"
    marts = built_marts(target / "run_results.json", target / "manifest.json")
    assert "claims.claims_investigation" in marts
    diffs, _ = compare_with_duckdb(
        builds.duckdb_file,
        builds.spark_dir,
        marts,
        builds.root / "marts_after_changes.duckdb",
        ignore_columns=(*ENGINE_BOOKKEEPING, "_changed_at"),
    )
    assert [d.table for d in diffs if not d.equal] == []


@pytest.mark.skipif(bool(SELECTION), reason="the whole project only")
def test_the_bench_runs_on_spark(tmp_path: Path) -> None:
    """`fsi bench --target spark`: the phases that exist on Spark, at scale 2."""
    _require_spark()
    result, path = run_bench(2, "spark", dagster=False, keep=tmp_path, results_dir=tmp_path)
    assert path == tmp_path / f"{result['date']}-scale2-spark.json"
    phases = {p["name"]: p for p in result["phases"]}
    assert list(phases) == ["generate", "load", "dbt parse", "dbt build", "engine floor"]
    assert result["raw rows"] == phases["load"]["rows"] > 400_000
    assert phases["load"]["detail"]["tables"]["raw_core_banking.transactions"] > 80_000
    build = phases["dbt build"]
    assert build["detail"]["nodes"]["model"] == 77
    assert build["detail"]["rows per model"]["core.fct_transactions"] > 80_000
    assert phases["engine floor"]["detail"]["statements"] == 77
    assert result["ratios"]["dbt build / engine floor"] > 1
    table = markdown(result)
    assert "scale 2 on spark" in table and "| delta build / full build | n/a |" in table


def test_a_csv_extract_loads_on_spark_typed_as_the_seeds_declare(tmp_path: Path) -> None:
    """Spark's `fsi load --initial` (the bench's spark-load) takes the CSV that
    `fsi generate --scale 1` writes, cast to the seed's column types, as DuckDB's does."""
    _require_spark()
    from orchestration import datagen
    from orchestration.paths import REFERENCE_DIR, SEEDS_RAW_DIR

    extract = tmp_path / "extract"
    datagen.generate(1, 42, extract, REFERENCE_DIR, SEEDS_RAW_DIR)
    for path in extract.glob("*/*.csv"):
        if path.relative_to(extract).as_posix() != "claims/premiums.csv":
            path.unlink()
    env = {**os.environ, "FSI_TARGET": "spark", "FSI_SPARK_DIR": str(tmp_path / "spark")}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    subprocess.run(
        [sys.executable, "-m", "orchestration.bench", "spark-load", str(extract)],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    seed_rows = (SEEDS_RAW_DIR / "claims" / "premiums.csv").read_text().strip().splitlines()[1:]
    assert json.loads((extract / "spark-load.json").read_text()) == {
        "raw_claims.premiums": len(seed_rows)
    }
    [table] = {p.parent for p in (tmp_path / "spark").rglob("premiums/*.parquet")}
    with duckdb.connect() as con:
        types = dict(
            con.execute(
                f"select column_name, column_type from (describe select * from "
                f"read_parquet('{table}/*.parquet'))"
            ).fetchall()
        )
    assert types == {
        "policy_no": "VARCHAR",
        "premium_month": "DATE",
        "earned_premium": "DECIMAL(18,2)",
    }
