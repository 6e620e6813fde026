"""Large data sets (`fsi generate --scale N`, N > 1), built in DuckDB rather than row by row.

The scale-1 world (the committed seeds at seed 42) is generated once by the row-by-row
generator, then replicated inside DuckDB: replica ``r`` is a copy of that world whose keys
are moved into their own range, so every reference, every deliberate defect (the rows
staging quarantines, the out-of-order CDC events, the unknown customers) and every
distribution keeps its proportion at any scale. Claims are the exception: each claim is
cloned ``CLAIM_CLONES`` times on its policy, so that scale 100 holds about a million.

Volumes at scale N: ``N * 12 / 5`` replicas, so scale 100 is 240 replicas, about 10 million
transactions, 5 million email events, 1 million claims and 480,000 customers.

Tables are written as typed parquet, ``<out>/<source>/<table>.parquet``, with the column
types the seeds declare; `fsi load --initial <out>` puts them into the raw schemas.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import yaml

CLAIM_CLONES = 11
# Salesforce ids end in three letters ("AAA" in the base world): replica r spells r in base 26.
MAX_REPLICAS = 26**3

# Key and reference columns per table, and how a replica moves them into its own range:
#   int   - a numeric id: plus replica * offset (the offset is above every id of the base world)
#   sfid  - an 18-character Salesforce id: the last three letters spell the replica
#   code  - a text key such as a policy number: the replica number is appended
#   email - an address: the replica becomes a sub-domain, so case and spacing variants of
#           one address still match after normalising
KEYS: dict[str, dict[str, dict[str, str]]] = {
    "salesforce": {
        "account": {"id": "sfid", "owner_id": "sfid"},
        "user": {"id": "sfid", "manager_id": "sfid", "email": "email", "username": "email"},
        "contact": {"id": "sfid", "account_id": "sfid", "owner_id": "sfid", "email": "email"},
        "lead": {
            "id": "sfid",
            "owner_id": "sfid",
            "email": "email",
            "converted_account_id": "sfid",
            "converted_contact_id": "sfid",
        },
        "opportunity": {"id": "sfid", "account_id": "sfid", "owner_id": "sfid"},
    },
    "marketo": {
        "lead": {"id": "int", "email": "email"},
        "campaign": {"id": "int", "program_id": "int"},
        "program": {"id": "int"},
        "email_template_history": {"id": "int", "program_id": "int"},
        **{
            activity: {
                "id": "int",
                "lead_id": "int",
                "campaign_id": "int",
                "campaign_run_id": "int",
                "primary_attribute_value_id": "int",
            }
            | ({"email": "email"} if activity == "activity_email_bounced" else {})
            for activity in (
                "activity_send_email",
                "activity_email_delivered",
                "activity_open_email",
                "activity_click_email",
                "activity_email_bounced",
                "activity_unsubscribe_email",
            )
        },
    },
    "core_banking": {
        "customers": {"customer_id": "int", "email": "email"},
        "accounts": {"account_id": "int", "customer_id": "int"},
        "transactions": {"transaction_id": "int", "account_id": "int"},
        "customer_activity": {"activity_id": "int", "customer_id": "int"},
        "customer_patterns": {"customer_id": "int"},
    },
    "claims": {
        "policies": {"policy_no": "code", "customer_id": "int", "chassis_no": "code"},
        "premiums": {"policy_no": "code"},
        "claims": {"claim_no": "code", "policy_no": "code"},
        "telematics": {"chassis_no": "code"},
    },
}
# Reference-like tables that exist once, whatever the scale.
NOT_REPLICATED = {("core_banking", "offers")}


def replicas_for(scale: int) -> int:
    return max(1, scale * 12 // 5)


def generate_at_scale(
    scale: int,
    seed: int,
    out_dir: Path,
    reference_dir: Path,
    seed_types_dir: Path,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, list[Path]]:
    """Write every table at ``scale`` as parquet under ``out_dir``; returns the paths written."""
    replicas = replicas_for(scale)
    if replicas > MAX_REPLICAS:
        raise ValueError(f"scale {scale} is above the largest supported ({MAX_REPLICAS * 5 // 12})")
    written: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="fsi-base-") as base:
        base_dir = Path(base)
        _write_base_world(seed, base_dir, reference_dir)
        progress("base world (scale 1)")
        offset = _int_offset(base_dir)
        con = duckdb.connect()
        try:
            for source, tables in sorted(seed_column_types(seed_types_dir).items()):
                (out_dir / source).mkdir(parents=True, exist_ok=True)
                for table, types in tables.items():
                    path = out_dir / source / f"{table}.parquet"
                    query = _replicate_sql(source, table, types, base_dir, replicas, offset)
                    con.execute(f"copy ({query}) to '{path}' (format parquet)")
                    progress(f"{source}.{table}")
                    written.setdefault(source, []).append(path)
        finally:
            con.close()
    return written


def _write_base_world(seed: int, base_dir: Path, reference_dir: Path) -> None:
    from orchestration.datagen import generate  # the scale-1 world, row by row

    generate(1, seed, base_dir, reference_dir)


def seed_column_types(seed_types_dir: Path) -> dict[str, dict[str, dict[str, str]]]:
    """The column types each raw seed declares, in file order: source -> table -> column."""
    types: dict[str, dict[str, dict[str, str]]] = {}
    for spec in sorted(seed_types_dir.glob("*/_*__seeds.yml")):
        source = spec.parent.name
        for seed in yaml.safe_load(spec.read_text(encoding="utf-8"))["seeds"]:
            types.setdefault(source, {})[seed["name"]] = seed["config"]["column_types"]
    return types


def _int_offset(base_dir: Path) -> int:
    """A power of ten above every numeric id of the base world."""
    highest = 0
    for source, tables in KEYS.items():
        for table, keys in tables.items():
            columns = [c for c, kind in keys.items() if kind == "int"]
            with (base_dir / source / f"{table}.csv").open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    highest = max([highest, *(int(row[c]) for c in columns if row[c])])
    return 10 ** len(str(highest))


def _replicate_sql(
    source: str,
    table: str,
    types: dict[str, str],
    base_dir: Path,
    replicas: int,
    offset: int,
) -> str:
    keys = KEYS.get(source, {}).get(table, {})
    moves = {
        "int": lambda c: f"{c} + r.replica * {offset}",
        "sfid": lambda c: (
            f"left({c}, 15) || chr(cast(65 + r.replica // 676 % 26 as integer))"
            f" || chr(cast(65 + r.replica // 26 % 26 as integer))"
            f" || chr(cast(65 + r.replica % 26 as integer))"
        ),
        "code": lambda c: f"{c} || case when r.replica > 0 then '-' || r.replica else '' end",
        "email": lambda c: (
            f"case when r.replica > 0 then replace({c}, '@', '@r' || r.replica || '.') else {c} end"
        ),
    }
    columns = []
    for column in types:
        expression = moves[keys[column]](column) if column in keys else column
        if source == "claims" and table == "claims" and column == "claim_no":
            expression = f"{expression} || case when c.clone > 0 then '/' || c.clone else '' end"
        columns.append(f"{expression} as {column}")
    count = 1 if (source, table) in NOT_REPLICATED else replicas
    clones = CLAIM_CLONES if (source, table) == ("claims", "claims") else 1
    return (
        f"select {', '.join(columns)}"
        f" from ({typed_csv_sql(base_dir / source / f'{table}.csv', types)})"
        f" cross join (select range as replica from range({count})) as r"
        f" cross join (select range as clone from range({clones})) as c"
        " order by r.replica, c.clone"
    )


def typed_csv_sql(csv_path: Path, types: dict[str, str]) -> str:
    """A select of the CSV file's columns, each cast to the type the seed declares for it."""
    source = f"read_csv({sql_string(csv_path.as_posix())}, header = true, all_varchar = true)"
    return f"select {column_casts(types)} from {source}"


def column_casts(types: dict[str, str]) -> str:
    """Each column cast to the type the seed declares, as a select list that DuckDB and Spark
    both read (both take `string`)."""
    return ", ".join(f"cast({column} as {kind}) as {column}" for column, kind in types.items())


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
