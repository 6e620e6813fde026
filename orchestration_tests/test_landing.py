"""`fsi load` and `fsi delta`: each landing file ingested exactly once, bad files set aside
with a reason, bad records kept with a reason, batches reproducible."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import landing
from orchestration.datagen.delta import next_batch, write_batches
from orchestration.landing import LoadError, load
from orchestration.paths import PROJECT_DIR, SEEDS_RAW_DIR

CI_WAREHOUSE = PROJECT_DIR / "target" / "ci" / "analytics.duckdb"
TRANSACTION = {
    "transaction_id": "77",
    "account_id": "500001",
    "amount": "12.50",
    "direction": "debit",
    "merchant_category": "groceries",
    "channel": "mobile",
    "transaction_at": "2026-10-30 10:00:00",
    "_op": "c",
    "_seq": 1,
}


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A copy of the CI build (it has the ledger and the change logs)."""
    if not CI_WAREHOUSE.exists():
        pytest.skip("needs the CI build (make test-dbt)")
    (tmp_path / "w").mkdir()
    return Path(shutil.copy(CI_WAREHOUSE, tmp_path / "w" / "analytics.duckdb"))


def _write(landing_dir: Path, relative: str, text: str) -> Path:
    path = landing_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _changes(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select count(*) from raw_core_banking.transactions__changes"
        ).fetchone()[0]


def test_bad_files_are_set_aside_with_a_reason_and_good_files_still_load(
    warehouse: Path, tmp_path: Path
) -> None:
    lands = tmp_path / "landing"
    before = _changes(warehouse)
    good = {**TRANSACTION}
    bad_amount = {**TRANSACTION, "transaction_id": "78", "amount": "twelve"}
    no_key = {**TRANSACTION, "transaction_id": None}
    _write(lands, "core_banking/transactions/batch-00007.jsonl",
           "".join(json.dumps(r) + "\n" for r in (good, bad_amount, no_key)))  # fmt: skip
    _write(lands, "core_banking/transactions/batch-00008-a.jsonl", '{"transaction_id": 1,\n')
    _write(lands, "core_banking/transactions/batch-00008-b.jsonl",
           json.dumps({**TRANSACTION, "amt": 1}) + "\n")  # fmt: skip
    _write(lands, "core_banking/transactions/batch-00008-c.jsonl", "")
    _write(lands, "core_banking/branches/batch-00008.jsonl", json.dumps(TRANSACTION) + "\n")

    report = load(warehouse, lands, progress=lambda _: None)

    reasons = {Path(f.path).name: (f.status, f.reason) for f in report.files}
    assert reasons["batch-00007.jsonl"] == ("loaded", None)
    assert reasons["batch-00008-a.jsonl"][0] == "rejected"
    assert reasons["batch-00008-a.jsonl"][1].startswith("not valid JSON lines")
    assert reasons["batch-00008-b.jsonl"] == ("rejected", "wrong columns: unexpected columns amt")
    assert reasons["batch-00008-c.jsonl"] == ("rejected", "empty file")
    assert reasons["batch-00008.jsonl"][1].startswith("no change log for core_banking/branches")
    assert landing.pending_files(lands) == []
    rejected_file = lands / "_rejected/core_banking/transactions/batch-00008-c.jsonl"
    assert rejected_file.exists()
    assert Path(f"{rejected_file}.reason.txt").read_text() == "empty file\n"
    assert (lands / "_loaded/core_banking/transactions/batch-00007.jsonl").exists()

    assert _changes(warehouse) == before + 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute(
            "select batch_id, line_number, record_key, reason from landing.rejected_records "
            "order by line_number"
        ).fetchall()
        ledger = con.execute(
            "select status, count(*) from landing.ingested_files group by status order by 1"
        ).fetchall()
    assert rejected == [
        (7, 2, "78", "amount is not a valid decimal(18,2): twelve"),
        (7, 3, None, "missing key transaction_id"),
    ]
    assert ledger == [("loaded", 1), ("rejected", 4)]


def _load_killed_in(
    step: str, warehouse: Path, lands: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run `fsi load` and kill it when it reaches one of the loader's steps."""

    def killed(*_: object) -> None:
        raise KeyboardInterrupt("killed")

    with monkeypatch.context() as patched:
        patched.setattr(landing, step, killed)
        with pytest.raises(KeyboardInterrupt):
            load(warehouse, lands, progress=lambda _: None)


def test_a_load_killed_after_its_commit_is_not_applied_twice(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lands = tmp_path / "landing"
    _write(lands, "core_banking/transactions/batch-00001.jsonl", json.dumps(TRANSACTION) + "\n")
    before = _changes(warehouse)

    _load_killed_in("_move", warehouse, lands, monkeypatch)
    assert landing.pending_files(lands), "the file is still waiting"
    again = load(warehouse, lands, progress=lambda _: None)
    assert [f.status for f in again.files] == ["skipped"]
    assert _changes(warehouse) == before + 1
    # delivered once more under another name: still once
    _write(lands, "core_banking/transactions/batch-00002.jsonl", json.dumps(TRANSACTION) + "\n")
    assert [f.status for f in load(warehouse, lands, progress=lambda _: None).files] == ["skipped"]
    assert _changes(warehouse) == before + 1


def test_a_load_killed_before_its_commit_leaves_nothing_behind(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lands = tmp_path / "landing"
    _write(lands, "core_banking/transactions/batch-00001.jsonl", json.dumps(TRANSACTION) + "\n")
    before = _changes(warehouse)

    _load_killed_in("_record_file", warehouse, lands, monkeypatch)
    assert _changes(warehouse) == before, "the transaction was rolled back"
    again = load(warehouse, lands, progress=lambda _: None)
    assert [f.status for f in again.files] == ["loaded"]
    assert _changes(warehouse) == before + 1


def test_load_needs_a_built_warehouse(tmp_path: Path) -> None:
    lands = tmp_path / "landing"
    assert load(tmp_path / "none.duckdb", lands).files == []  # nothing waiting: nothing to do
    _write(lands, "core_banking/transactions/batch-00001.jsonl", json.dumps(TRANSACTION) + "\n")
    with pytest.raises(LoadError, match="run `fsi build` first"):
        load(tmp_path / "none.duckdb", lands)


def test_delta_batches_are_reproducible_and_numbered_after_the_last(tmp_path: Path) -> None:
    first = write_batches(2, 9, tmp_path / "a", SEEDS_RAW_DIR)
    second = write_batches(2, 9, tmp_path / "b", SEEDS_RAW_DIR)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert next_batch(tmp_path / "a") == 3
    records = [
        json.loads(line)
        for line in (tmp_path / "a/core_banking/transactions/batch-00001.jsonl").open()
    ]
    operations = {r["_op"] for r in records}
    assert {"c", "u", "d", "x"} <= operations
    keys = [(r["transaction_id"], r["_seq"]) for r in records]
    assert len(keys) > len(set(keys)), "some records are delivered twice"
    assert any(r["_seq"] < 1_000_000 for r in records), "a late event from an earlier sequence"
    assert any(r["transaction_id"] is None for r in records)
    assert (tmp_path / "a/salesforce/opportunity/batch-00001.parquet").exists()
    # a Debezium feed carries its own operation and sequence: they agree with _op and _seq
    events = [
        json.loads(line)
        for line in (tmp_path / "a/core_banking/customer_patterns/batch-00002.jsonl").open()
    ]
    assert all(e["op"] == e["_op"] and e["batch_id"] == "2" for e in events)
    by_seq = sorted(events, key=lambda e: e["_seq"])
    assert [e["datetime_updated"] for e in by_seq] == sorted(e["datetime_updated"] for e in events)
    malformed = [p for p in first if "-" in p.stem.removeprefix("batch-")]
    assert len(malformed) == 2
