"""Deterministic synthetic source data (`fsi generate`)."""

from __future__ import annotations

from pathlib import Path

from orchestration.datagen import marketing
from orchestration.datagen.common import write_tables

DOMAINS = {"marketing": marketing.generate}


def generate(scale: int, seed: int, out_dir: Path, reference_dir: Path) -> dict[str, list[Path]]:
    """Write every source's tables under ``out_dir/<source>/<table>.csv``."""
    if scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, got {scale}")
    written: dict[str, list[Path]] = {}
    for make in DOMAINS.values():
        for source, tables in make(scale, seed, reference_dir).items():
            written[source] = write_tables(out_dir / source, tables)
    return written
