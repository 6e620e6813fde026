"""Reading what a dbt invocation did from its run_results.json."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# dbt's unique_id starts with the resource type: model., seed., test., unit_test., snapshot.
_KINDS = {
    "model": "models",
    "seed": "seeds",
    "test": "data tests",
    "unit_test": "unit tests",
    "snapshot": "snapshots",
}


@dataclass
class RunSummary:
    """Counts of dbt nodes by kind and status, plus the nodes that did not succeed."""

    counts: dict[str, Counter] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_seconds: float = 0.0
    invocation_id: str = ""

    def count(self, kind: str, status: str) -> int:
        return self.counts.get(kind, Counter())[status]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = []
        for kind, statuses in self.counts.items():
            parts = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
            out.append(f"{kind}: {parts}")
        return out


def summarise(run_results_path: Path) -> RunSummary:
    """Summarise a run_results.json (statuses: success, pass, warn, error, fail, skipped)."""
    data = json.loads(run_results_path.read_text(encoding="utf-8"))
    summary = RunSummary(
        elapsed_seconds=float(data.get("elapsed_time", 0.0)),
        invocation_id=data.get("metadata", {}).get("invocation_id", ""),
    )
    for result in data["results"]:
        resource_type = result["unique_id"].split(".", 1)[0]
        kind = _KINDS.get(resource_type, resource_type)
        status = result["status"]
        summary.counts.setdefault(kind, Counter())[status] += 1
        if status in ("error", "fail", "runtime error"):
            summary.problems.append(f"{result['unique_id']}: {result.get('message') or status}")
        elif status == "warn":
            summary.warnings.append(result["unique_id"].split(".")[2])
    return summary
