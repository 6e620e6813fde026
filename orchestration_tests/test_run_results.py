from __future__ import annotations

import json
from pathlib import Path

from orchestration.run_results import summarise


def _write(tmp_path: Path, results: list[dict]) -> Path:
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps({"elapsed_time": 12.5, "results": results}), encoding="utf-8")
    return path


def test_counts_nodes_by_kind_and_status(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {"unique_id": "model.fsi.a", "status": "success"},
            {"unique_id": "model.fsi.b", "status": "success"},
            {"unique_id": "seed.raw.c", "status": "success"},
            {"unique_id": "test.fsi.unique_a", "status": "pass"},
            {"unique_id": "test.fsi.assert_rules_are_reachable", "status": "warn"},
            {"unique_id": "unit_test.fsi.a.t", "status": "pass"},
        ],
    )
    summary = summarise(path)
    assert summary.count("models", "success") == 2
    assert summary.count("seeds", "success") == 1
    assert summary.count("data tests", "pass") == 1
    assert summary.count("data tests", "warn") == 1
    assert summary.count("unit tests", "pass") == 1
    assert summary.elapsed_seconds == 12.5
    assert summary.warnings == ["assert_rules_are_reachable"]
    assert summary.ok


def test_failures_are_listed_with_their_message(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {"unique_id": "model.fsi.a", "status": "error", "message": "Binder Error: x"},
            {"unique_id": "test.fsi.t", "status": "fail", "message": "Got 3 results"},
            {"unique_id": "model.fsi.b", "status": "skipped", "message": None},
        ],
    )
    summary = summarise(path)
    assert not summary.ok
    assert summary.problems == ["model.fsi.a: Binder Error: x", "test.fsi.t: Got 3 results"]
    assert "models: 1 error, 1 skipped" in summary.lines()
