"""Where the project's files live. Every path honours the documented environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROFILES_DIR = PROJECT_DIR / "profiles"
SEEDS_RAW_DIR = PROJECT_DIR / "seeds" / "raw"
REFERENCE_DIR = PROJECT_DIR / "seeds" / "reference"
TARGET_DIR = PROJECT_DIR / "target"
STAGING_DIR = PROJECT_DIR / "models" / "staging"


def warehouse_path() -> Path:
    """The working warehouse (env ``FSI_DUCKDB_PATH``)."""
    return _from_env("FSI_DUCKDB_PATH", PROJECT_DIR / "warehouse" / "analytics.duckdb")


def bi_path() -> Path:
    """The read-only copy of the marts that BI tools open (env ``FSI_BI_DUCKDB_PATH``)."""
    return _from_env("FSI_BI_DUCKDB_PATH", PROJECT_DIR / "warehouse" / "bi.duckdb")


def target_path() -> Path:
    """Where dbt writes its artifacts (env ``DBT_TARGET_PATH``, as dbt itself honours it)."""
    return _from_env("DBT_TARGET_PATH", TARGET_DIR)


def landing_path() -> Path:
    """Where change batches arrive, one folder per source and table (env ``FSI_LANDING_DIR``)."""
    return _from_env("FSI_LANDING_DIR", PROJECT_DIR / "landing")


def spark_path() -> Path:
    """Where a local Spark build (`--target spark`) keeps its parquet tables and Derby
    metastore (env ``FSI_SPARK_DIR``, as profiles/profiles.yml reads it)."""
    return _from_env("FSI_SPARK_DIR", TARGET_DIR / "spark")


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    if not value:
        return default
    path = Path(value)
    return path if path.is_absolute() else PROJECT_DIR / path
