from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from orchestration.cli import main, parser
from orchestration.paths import SEEDS_RAW_DIR


def test_publish_without_a_warehouse_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FSI_DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv("FSI_BI_DUCKDB_PATH", str(tmp_path / "bi.duckdb"))
    monkeypatch.setattr("orchestration.publish.mart_tables", lambda _: [])
    assert main(["publish"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fsi publish: No warehouse at")
    assert "fsi build" in err
    assert not (tmp_path / "bi.duckdb").exists()


def test_generate_refuses_a_bad_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--scale", "0", "--out", str(tmp_path)]) == 1
    assert "scale must be a whole number of at least 1" in capsys.readouterr().err


def test_generate_writes_every_source_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--scale", "1", "--seed", "42", "--out", str(tmp_path)]) == 0
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    assert written == sorted(p.relative_to(SEEDS_RAW_DIR) for p in SEEDS_RAW_DIR.rglob("*.csv"))
    assert (
        "generated 25 tables for salesforce, marketo, core_banking, claims"
        in capsys.readouterr().out
    )


def test_data_quality_counts_read_from_the_warehouse_and_empty_before_a_build(
    tmp_path: Path,
) -> None:
    import duckdb

    from orchestration.quality import data_quality_counts

    warehouse = tmp_path / "analytics.duckdb"
    assert data_quality_counts(warehouse) == []
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema quarantine")
    assert data_quality_counts(warehouse) == []
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table quarantine.data_quality_counts as select * from (values "
            "('core_banking', 'quarantined customer_patterns: null key', 3), "
            "('marketo', 'email sends to unknown people', 59)) "
            "as t(source_name, check_name, affected_rows)"
        )
    assert data_quality_counts(warehouse) == [
        ("marketo", "email sends to unknown people", 59),
        ("core_banking", "quarantined customer_patterns: null key", 3),
    ]


def test_initial_load_from_an_empty_directory_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FSI_DUCKDB_PATH", str(tmp_path / "analytics.duckdb"))
    assert main(["load", "--initial", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fsi load: no extract files (<source>/<table>.parquet or .csv) in")
    assert "fsi generate --scale N --out DIR" in err


def test_delta_build_refuses_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--delta", "--select", "marts"]) == 1
    assert "--delta builds the delta path" in capsys.readouterr().err


def test_bench_refuses_a_bad_scale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--scale", "0"]) == 1
    assert "scale must be at least 1" in capsys.readouterr().err


def test_a_delta_build_on_spark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--target", "spark", "build", "--delta"]) == 1
    assert "--delta reads the DuckDB landing ledger" in capsys.readouterr().err


def test_bench_takes_its_target_after_the_command() -> None:
    args = parser().parse_args(["bench", "--target", "spark", "--scale", "10"])
    assert (args.target, args.scale) == ("spark", 10)
    assert parser().parse_args(["--target", "ci", "bench"]).target == "ci"
    assert parser().parse_args(["bench"]).target is None


def test_the_environment_is_installed_with_compiled_bytecode() -> None:
    """`make install` compiles the installed packages (UV_COMPILE_BYTECODE): where
    PYTHONDONTWRITEBYTECODE is set, every dbt and Dagster process would compile them again."""
    import dagster_dbt
    import dbt.cli.main

    for module in (dbt.cli.main, dagster_dbt):
        assert module.__file__ is not None
        cached = Path(importlib.util.cache_from_source(module.__file__))
        reinstall = "rm .venv/.synced && make install"
        assert cached.exists(), f"no bytecode for {module.__name__}; reinstall: {reinstall}"
