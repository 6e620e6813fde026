from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import sqlalchemy

from orchestration.publish import MartTable, PublishError, mart_tables, publish


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "analytics.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marketing")
        con.execute(
            "create table marketing.country_email_engagement as "
            "select * from (values ('DE', 10), ('FR', 5)) as t(country_code, sends)"
        )
        con.execute("create schema core")
        con.execute("create table core.dim_users as select 1 as user_key")
    return path


def test_publish_copies_the_marts_and_nothing_else(warehouse: Path, tmp_path: Path) -> None:
    bi = tmp_path / "bi.duckdb"
    rows = publish(warehouse, bi, [MartTable("marketing", "country_email_engagement")])
    assert rows == {"marketing.country_email_engagement": 2}
    with duckdb.connect(str(bi), read_only=True) as con:
        assert con.execute(
            "select country_code, sends from marketing.country_email_engagement order by 1"
        ).fetchall() == [("DE", 10), ("FR", 5)]
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    assert tables == [("marketing", "country_email_engagement")]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bi")] == []


def test_the_bookkeeping_columns_of_an_incremental_mart_stay_in_the_warehouse(
    warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema claims")
        con.execute(
            "create table claims.claims_investigation as select * from (values "
            "('C1', 'release_funds', timestamp '2026-01-01', false, 'abc')) "
            "as t(claim_no, decision, _changed_at, _is_deleted, _invocation_id)"
        )
    bi = tmp_path / "bi.duckdb"
    publish(warehouse, bi, [MartTable("claims", "claims_investigation")])
    with duckdb.connect(str(bi), read_only=True) as con:
        published = con.execute("select * from claims.claims_investigation")
        assert [column[0] for column in published.description] == ["claim_no", "decision"]
        assert published.fetchall() == [("C1", "release_funds")]


def test_a_reader_of_the_old_file_keeps_a_complete_view_while_publishing(
    warehouse: Path, tmp_path: Path
) -> None:
    bi = tmp_path / "bi.duckdb"
    marts = [MartTable("marketing", "country_email_engagement")]
    publish(warehouse, bi, marts)
    reader = duckdb.connect(str(bi), read_only=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marketing.country_email_engagement values ('JP', 7)")
    publish(warehouse, bi, marts)  # the open reader neither blocks nor breaks the swap
    assert reader.execute("select count(*) from marketing.country_email_engagement").fetchone() == (
        2,
    )
    reader.close()
    with duckdb.connect(str(bi), read_only=True) as con:
        assert con.execute(
            "select count(*) from marketing.country_email_engagement"
        ).fetchone() == (3,)


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"No warehouse at .*build it first"):
        publish(tmp_path / "nope.duckdb", tmp_path / "bi.duckdb", [])


def test_missing_mart_is_a_clear_error_and_keeps_the_old_file(
    warehouse: Path, tmp_path: Path
) -> None:
    bi = tmp_path / "bi.duckdb"
    publish(warehouse, bi, [MartTable("marketing", "country_email_engagement")])
    before = bi.read_bytes()
    with pytest.raises(PublishError, match="A mart is missing from the warehouse"):
        publish(warehouse, bi, [MartTable("marketing", "not_built_yet")])
    assert bi.read_bytes() == before


def test_mart_tables_come_from_the_manifest_marts_folder(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.p.a": {
                        "resource_type": "model",
                        "fqn": ["p", "marts", "marketing", "a"],
                        "schema": "marketing",
                        "alias": "a",
                    },
                    "model.p.b": {
                        "resource_type": "model",
                        "fqn": ["p", "core", "b"],
                        "schema": "core",
                        "alias": "b",
                    },
                    "test.p.c": {
                        "resource_type": "test",
                        "fqn": ["p", "marts", "c"],
                        "schema": "x",
                        "alias": "c",
                    },
                }
            }
        )
    )
    assert mart_tables(manifest) == [MartTable("marketing", "a")]
    with pytest.raises(PublishError, match="No dbt manifest"):
        mart_tables(tmp_path / "missing.json")


def test_bi_file_opens_read_only_through_sqlalchemy_as_the_readme_says(
    warehouse: Path, tmp_path: Path
) -> None:
    bi = tmp_path / "bi.duckdb"
    publish(warehouse, bi, [MartTable("marketing", "country_email_engagement")])
    engine = sqlalchemy.create_engine(f"duckdb:///{bi}?access_mode=read_only")
    with engine.connect() as con:
        total = con.execute(
            sqlalchemy.text("select sum(sends) from marketing.country_email_engagement")
        ).scalar()
        assert total == 15
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
            con.execute(sqlalchemy.text("create table marketing.scratch as select 1 as x"))
    engine.dispose()
