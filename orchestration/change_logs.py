"""The change logs the project declares: every source table tagged ``change_log`` in
``models/staging/<source>/_<source>__sources.yml`` (named ``<table>__changes``, with its key in
``meta.key``). The loader, the delta generator and Dagster all read this one list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from orchestration.paths import STAGING_DIR


@dataclass(frozen=True)
class ChangeLog:
    source: str
    table: str
    key: str

    @property
    def schema(self) -> str:
        return f"raw_{self.source}"

    @property
    def name(self) -> str:
        return f"{self.table}__changes"

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def dbt_source(self) -> str:
        """The change log as dbt names the source: ``core_banking.transactions__changes``."""
        return f"{self.source}.{self.name}"


def change_logs(staging_dir: Path = STAGING_DIR) -> list[ChangeLog]:
    found = []
    for path in sorted(staging_dir.glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            for table in source.get("tables", []):
                config = table.get("config", {})
                if "change_log" in config.get("tags", []):
                    found.append(
                        ChangeLog(
                            source=source["name"],
                            table=table["name"].removesuffix("__changes"),
                            key=config["meta"]["key"],
                        )
                    )
    return found
