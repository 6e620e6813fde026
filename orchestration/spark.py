"""The project on Apache Spark (`--target spark`, dbt-spark's session method): where a local
Spark build keeps its tables, and the check that its marts equal the DuckDB build's."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.compare import TableDiff, compare_tables
from orchestration.dbt import profile_target

# Money is decimal(18, 2) in every mart; compared to the cent.
MONEY_DIGITS = 2


def table_files(spark_root: Path, schema: str, name: str) -> Path:
    """The folder of a managed Spark table: <warehouse>/<schema>.db/<table>/."""
    return spark_root / "warehouse" / f"{schema}.db" / name


def built_marts(run_results: Path, manifest: Path) -> list[str]:
    """``schema.table`` of every mart model the dbt invocation built successfully."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    tables = []
    for result in results:
        node = nodes.get(result["unique_id"], {})
        if (
            node.get("resource_type") == "model"
            and node["fqn"][1:2] == ["marts"]
            and result["status"] == "success"
        ):
            tables.append(f"{node['schema']}.{node['alias']}")
    return sorted(tables)


def copy_to_duckdb(spark_root: Path, tables: list[str], out_file: Path) -> dict[str, int]:
    """Copy Spark tables (read from their parquet files, no Spark needed) into a new DuckDB
    file; returns rows per table."""
    out_file.unlink(missing_ok=True)
    rows = {}
    with duckdb.connect(str(out_file)) as con:
        for table in tables:
            schema, name = table.split(".")
            files = table_files(spark_root, schema, name)
            if not files.is_dir():
                raise FileNotFoundError(f"Spark table {table} has no files at {files}")
            con.execute(f"create schema if not exists {schema}")
            con.execute(
                f"create table {schema}.{name} as "
                f"select * from read_parquet('{files}/**/*.parquet', hive_partitioning = true)"
            )
            rows[table] = con.execute(f"select count(*) from {schema}.{name}").fetchone()[0]
    return rows


def compare_with_duckdb(
    duckdb_warehouse: Path,
    spark_root: Path,
    tables: list[str],
    work_file: Path,
    ignore_columns: tuple[str, ...] = (),
) -> tuple[list[TableDiff], dict[str, int]]:
    """Row-for-row differences between the DuckDB and the Spark build of ``tables`` (floats
    to 6 places, money to the cent), and the Spark row counts. Columns only the Spark table
    has (the _key_bucket of an incremental model on parquet) are not compared."""
    rows = copy_to_duckdb(spark_root, tables, work_file)
    diffs = compare_tables(
        duckdb_warehouse, work_file, tables, ignore_columns, decimal_digits=MONEY_DIGITS
    )
    return diffs, rows


# -- a Spark session with the profile's settings (the bench's load and engine floor) -------
def session_conf() -> dict[str, str]:
    """The spark target's server_side_parameters (profiles/profiles.yml), rendered with the
    same environment variables and defaults dbt uses."""
    parameters = profile_target("spark")["server_side_parameters"]
    return {key: str(value) for key, value in parameters.items()}


def spark_session():
    """A local Spark session on the spark target's warehouse and metastore. Only one process
    at a time can open the metastore: never while dbt runs on it."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_conf().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def load_initial(directory: Path) -> dict[str, int]:
    """Spark's `fsi load --initial`: each ``DIR/<source>/<table>.parquet`` or ``.csv`` (checked
    as for DuckDB, a CSV typed by its seed's column types) becomes the table
    raw_<source>.<table>; returns rows per table."""
    from orchestration.datagen.scale import column_casts
    from orchestration.extracts import extract_files

    files = extract_files(directory)
    spark = spark_session()
    rows = {}
    for file, types in files.items():
        schema, table = f"raw_{file.parent.name}", f"raw_{file.parent.name}.{file.stem}"
        spark.sql(f"create database if not exists {schema}")
        spark.sql(f"drop table if exists {table}")
        if file.suffix == ".csv":
            spark.read.csv(str(file), header=True).createOrReplaceTempView("extract_csv")
            select = f"select {column_casts(types)} from extract_csv"
        else:
            select = f"select * from parquet.`{file}`"
        spark.sql(f"create table {table} using parquet as {select}")
        rows[table] = spark.table(table).count()
    return rows


def floor(run_results: Path, manifest: Path) -> dict[str, object]:
    """The engine floor on Spark: the compiled SQL of every model the build ran, in the order
    dbt finished them, in one Spark session, as plain parquet tables and views."""
    from orchestration.bench import run_floor

    spark = spark_session()

    def execute(kind: str, relation: str, sql: str) -> None:
        spark.sql(f"drop {kind} if exists {relation}")
        spark.sql(f"create {kind} {relation} as\n{sql}")

    return run_floor(run_results, manifest, execute)


def table_rows(spark_root: Path, relations: list[str]) -> dict[str, int]:
    """Rows of the tables among ``relations`` (schema.table), read from their parquet files;
    views, which have no files, are left out."""
    rows = {}
    with duckdb.connect() as con:
        for relation in relations:
            files = table_files(spark_root, *relation.split("."))
            if any(files.glob("**/*.parquet")):
                rows[relation] = con.execute(
                    f"select count(*) from read_parquet('{files}/**/*.parquet')"
                ).fetchone()[0]
    return rows
