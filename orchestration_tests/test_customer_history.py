"""The SCD2 snapshot of customers: an update opens a new version and closes the old one at the
update's time; a deleted customer's current version is closed; others keep one open version."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt import dbt_env, dbt_executable
from orchestration.paths import PROJECT_DIR


def _dbt(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [dbt_executable(), *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("history") / "analytics.duckdb"
    env = dbt_env(target="ci")
    env["FSI_DUCKDB_PATH"] = str(warehouse)
    _dbt(env, "build", "--select", "+customers_history", "--exclude", "test_type:data")
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw_core_banking.customers "
            "set income = income + 1000, updated_at = timestamp '2026-11-05 09:00:00' "
            "where customer_id = 100001"
        )
        con.execute("delete from raw_core_banking.customers where customer_id = 100002")
    _dbt(env, "snapshot", "--select", "customers_history")
    return warehouse


def _versions(warehouse: Path, customer_id: int) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select income, dbt_valid_from, dbt_valid_to from snapshots.customers_history "
            "where customer_id = ? order by dbt_valid_from",
            [customer_id],
        ).fetchall()


def test_an_update_closes_the_old_version_and_opens_a_new_one(history: Path) -> None:
    (old_income, _, old_to), (new_income, new_from, new_to) = _versions(history, 100001)
    assert new_income == old_income + 1000
    assert str(new_from) == "2026-11-05 09:00:00"
    assert old_to == new_from
    assert new_to is None


def test_a_delete_closes_the_current_version(history: Path) -> None:
    versions = _versions(history, 100002)
    assert len(versions) == 1
    assert versions[0][2] is not None


def test_an_unchanged_customer_keeps_one_open_version(history: Path) -> None:
    versions = _versions(history, 100003)
    assert len(versions) == 1
    assert versions[0][2] is None
