"""The project's own dbt macros (surrogate key, rates, email normalisation, rule bounds,
generic tests),
evaluated by DuckDB through `dbt show`, against values computed independently here."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt import dbt_env, dbt_executable, profile_target
from orchestration.paths import PROJECT_DIR

QUERY = """
select
    {{ surrogate_key(["'a'", 'null']) }} as key_with_null,
    {{ surrogate_key(["'a'", "'b'"]) }} as key_a_b,
    {{ surrogate_key(["'a-b'"]) }} as key_joined,
    {{ safe_divide('1', '0') }} as divided_by_zero,
    {{ safe_divide('2', '3') }} as two_thirds,
    {{ normalize_email("'  Ann.Lee@Example.COM '") }} as email,
    {{ normalize_email("'   '") }} as blank_email,
    (
        select count(*) from ({{ test_expression_is_true(
            model='(select 1 as x union all select 2 union all select null) as m',
            expression='x = 1',
        ) }}) as failing
    ) as expression_failures,
    (
        select count(*) from ({{ test_unique_combination_of_columns(
            model='(select 1 as a, 2 as b union all select 1, 2 union all select 1, 3) as m',
            combination_of_columns=['a', 'b'],
        ) }}) as duplicated
    ) as duplicate_combinations,
    (
        select string_agg(coalesce(cast(primary_key as varchar), 'null') || 'x' || occurrences, ','
                          order by primary_key nulls last)
        from ({{ test_primary_key(
            model='(select * from (values (1), (2), (2), (3), (null), (null)) as v (k)) as m',
            column_name='k',
        ) }}) as failing
    ) as primary_key_failures,
    (
        select count(*) from ({{ test_primary_key(
            model='(select * from (values (1), (2), (3)) as v (k)) as m',
            column_name='k',
        ) }}) as failing
    ) as primary_key_failures_on_a_key,
    (
        select string_agg(k || ':' || problem, ',' order by k)
        from ({{ test_change_columns(
            model="(select * from (values
                (1, 'r', timestamp '1900-01-01', false),
                (2, 'u', timestamp '2026-01-02', true),
                (3, 'd', timestamp '2026-01-02', false),
                (4, null, timestamp '2026-01-02', false),
                (5, 'c', null, false),
                (6, 'c', timestamp '2026-01-02', null)
            ) as v (k, _change_op, _changed_at, _is_deleted)) as m",
        ) }}) as failing
    ) as change_column_failures,
    (
        select string_agg(k || ':' || problem, ',' order by k)
        from ({{ test_email_engagement_is_consistent(
            model="(select * from (values
                (1, 10, 8, 2, 5, 1, 0, 7, 1, 0.5),
                (2, 10, 9, 2, 5, 1, 0, 7, 1, 0.5),
                (3, 10, 8, 2, 11, 1, 0, 12, 1, 1.1),
                (4, 10, 8, 2, 5, 1, 0, 4, 1, 0.5),
                (5, 10, 8, 2, 5, 1, 0, 7, null, 0.5),
                (6, 10, 8, 2, 5, 12, 0, 7, 1, 0.5),
                (7, 0, 0, 0, 0, 0, 0, 0, 0, null)
            ) as v (k, sends, deliveries, bounces, unique_opens, unique_clicks, unsubscribes,
                    total_opens, total_clicks, open_rate)) as m",
        ) }}) as failing
    ) as engagement_failures,
    (
        select {{ bound_contains('o', 'i', 'x') }}
        from (select 50000 as x_lower, true as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as o,
             (select 100000 as x_lower, false as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as i
    ) as at_least_50000_contains_above_100000,
    (
        select {{ bound_contains('o', 'i', 'x') }}
        from (select 100000 as x_lower, false as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as o,
             (select 50000 as x_lower, true as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as i
    ) as above_100000_contains_at_least_50000,
    (
        select {{ bound_contains('o', 'i', 'x') }}
        from (select null as x_lower, null as x_lower_inclusive,
                     0.9 as x_upper, false as x_upper_inclusive) as o,
             (select null as x_lower, null as x_lower_inclusive,
                     0.9 as x_upper, true as x_upper_inclusive) as i
    ) as below_09_contains_up_to_09,
    (
        select {{ within_bounds('v.x', 'r', 'x') }}
        from (select 100000 as x) as v,
             (select 100000 as x_lower, false as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as r
    ) as exactly_100000_is_above_100000,
    (
        select {{ within_bounds('v.x', 'r', 'x') }}
        from (select 50000 as x) as v,
             (select 50000 as x_lower, true as x_lower_inclusive,
                     null as x_upper, null as x_upper_inclusive) as r
    ) as exactly_50000_is_at_least_50000,
    (
        select {{ dbt.listagg('v', "', '", 'order by k, k2 asc') }}
        from (values (3, 1, 'c'), (1, 2, 'b'), (1, 1, 'a'), (2, 1, null), (null, 1, 'z'))
            as t (k, k2, v)
    ) as ordered_list,
    (
        select {{ dbt.listagg('v', "'|'", 'order by k', 2) }}
        from (values (3, 'c'), (1, 'a'), (2, 'b')) as t (k, v)
    ) as first_two,
    (
        select string_agg(coalesce(cast(k as varchar), 'null'), ',' order by k nulls last)
        from (values (1), (2), (null)) as initial_load (k)
        where {{ has_changes(
            'initial_load', 'k', '(select * from (values (2), (null)) as v (k))'
        ) }}
    ) as with_changes,
    (
        select string_agg(coalesce(cast(k as varchar), 'null'), ',' order by k nulls last)
        from (values (1), (2), (null)) as initial_load (k)
        where {{ has_changes(
            'initial_load', 'k', '(select * from (values (2), (null)) as v (k))', negate=true
        ) }}
    ) as without_changes,
    '{{ set_engine_threads() }}' as engine_threads_hook
"""


def _dbt_show(query: str, folder: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`dbt show --inline` of one query on a warehouse of its own in ``folder``, its rows as
    JSON on stdout; ``settings`` are extra environment variables."""
    env = dbt_env(target="ci")
    env["FSI_DUCKDB_PATH"] = str(folder / "macros.duckdb")
    env.update(settings)
    return subprocess.run(
        [dbt_executable(), "show", "--quiet", "--output", "json", "--inline", query],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def row(tmp_path_factory: pytest.TempPathFactory) -> dict:
    done = _dbt_show(QUERY, tmp_path_factory.mktemp("macros"))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)["show"][0]


def _md5_key(text: str) -> int:
    """The low 60 bits of the md5 digest read little-endian."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "little") & (2**60 - 1)


def test_surrogate_key_is_a_bigint_from_the_md5_of_parts_with_a_null_marker(row: dict) -> None:
    assert row["key_with_null"] == _md5_key("a-_fsi_null_")
    assert row["key_a_b"] == _md5_key("a-b")
    assert row["key_joined"] == _md5_key("a-b")
    # positive, so never the unknown member's -1
    assert all(0 < row[k] < 2**60 for k in ("key_with_null", "key_a_b", "key_joined"))


def test_safe_divide_is_null_on_zero_and_rounded_otherwise(row: dict) -> None:
    assert row["divided_by_zero"] is None
    assert row["two_thirds"] == pytest.approx(0.6667)


def test_normalize_email_trims_lowercases_and_blanks_to_null(row: dict) -> None:
    assert row["email"] == "ann.lee@example.com"
    assert row["blank_email"] is None


def test_generic_tests_return_the_failing_rows(row: dict) -> None:
    assert row["expression_failures"] == 2  # 2 and null are not "= 1"
    assert row["duplicate_combinations"] == 1  # (1, 2) twice
    # 2 twice, and two rows without a key; 1 and 3 pass
    assert row["primary_key_failures"] == "2x2,nullx2"
    assert row["primary_key_failures_on_a_key"] == 0
    # the first rule each breaks; 1 passes
    assert row["change_column_failures"] == (
        "2:a tombstone (_is_deleted) is left in the table,3:_change_op is not r, c or u,"
        "4:_change_op is not r, c or u,5:_changed_at is null,"
        "6:a tombstone (_is_deleted) is left in the table"
    )
    # 1 and 7 (no sends, no rate) pass
    assert row["engagement_failures"] == (
        "2:deliveries + bounces above sends,3:unique_opens above sends,"
        "4:total_opens below unique_opens,5:total_clicks is null,6:unique_clicks above sends"
    )


def test_rule_bounds_respect_inclusiveness(row: dict) -> None:
    assert row["at_least_50000_contains_above_100000"] is True
    assert row["above_100000_contains_at_least_50000"] is False
    assert row["below_09_contains_up_to_09"] is False
    assert row["exactly_100000_is_above_100000"] is False
    assert row["exactly_50000_is_at_least_50000"] is True


def test_listagg_sorts_by_its_keys_and_leaves_out_nulls(row: dict) -> None:
    # by k, then k2; the null value is left out and the null key sorts last
    assert row["ordered_list"] == "a, b, c, z"
    assert row["first_two"] == "a|b"


def test_listagg_refuses_descending_keys(tmp_path: Path) -> None:
    done = _dbt_show(
        "select {{ dbt.listagg('v', \"','\", 'order by k desc') }} from (select 1 as k, 'a' as v)",
        tmp_path,
    )
    assert done.returncode != 0
    assert "listagg sorts ascending only: order by k desc" in done.stdout + done.stderr


def test_has_changes_treats_null_keys_as_exists_does(row: dict) -> None:
    # a null key matches nothing, on either side
    assert row["with_changes"] == "2"
    assert row["without_changes"] == "1,null"


def _cores_duckdb_sees() -> int:
    with duckdb.connect() as con:
        return int(con.execute("select current_setting('threads')").fetchone()[0])


def test_engine_threads_share_the_cores_among_dbt_threads(row: dict) -> None:
    dbt_threads = int(os.environ.get("FSI_DUCKDB_THREADS", "2"))
    expected = max(1, _cores_duckdb_sees() // dbt_threads)
    assert row["engine_threads_hook"] == f"set threads = {expected}"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("3", "set threads = 3"),
        ("0", "FSI_DUCKDB_ENGINE_THREADS must be a whole number of at least 1, not '0'"),
        ("two", "FSI_DUCKDB_ENGINE_THREADS must be a whole number of at least 1, not 'two'"),
    ],
)
def test_engine_threads_can_be_set(tmp_path: Path, setting: str, expected: str) -> None:
    done = _dbt_show(
        "select '{{ set_engine_threads() }}' as hook",
        tmp_path,
        FSI_DUCKDB_ENGINE_THREADS=setting,
    )
    if expected.startswith("set"):
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["show"] == [{"hook": expected}]
    else:
        assert done.returncode != 0
        assert expected in done.stdout + done.stderr


def test_profile_duckdb_options_reach_the_engine(tmp_path: Path) -> None:
    done = _dbt_show(
        "select current_setting('memory_limit') as memory_limit,"
        " current_setting('preserve_insertion_order') as preserve_insertion_order",
        tmp_path,
        FSI_DUCKDB_MEMORY_LIMIT="1500MB",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # DuckDB reports 1500 MB (10^6 bytes) in binary units
    assert json.loads(done.stdout)["show"] == [
        {"memory_limit": "1.3 GiB", "preserve_insertion_order": False}
    ]


def test_duckdb_targets_set_nothing_per_cursor() -> None:
    """dbt-duckdb runs a target's `settings` as SET statements on every cursor, once per model
    and test; the DuckDB options belong in `config_options`, applied when the database opens."""
    for name in ("dev", "ci"):
        out = profile_target(name)
        assert out["type"] == "duckdb", name
        assert "settings" not in out, name
        assert {"temp_directory", "memory_limit", "preserve_insertion_order"} <= set(
            out["config_options"]
        ), name


def test_dbt_project_dir_is_the_repository_root() -> None:
    assert (Path(PROJECT_DIR) / "dbt_project.yml").exists()
