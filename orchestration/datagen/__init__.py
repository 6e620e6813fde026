"""Deterministic synthetic source data (`fsi generate`)."""

from __future__ import annotations

from pathlib import Path

from orchestration.datagen import banking, claims, marketing
from orchestration.datagen.common import write_tables


def generate(scale: int, seed: int, out_dir: Path, reference_dir: Path) -> dict[str, list[Path]]:
    """Write every source's tables under ``out_dir/<source>/<table>.csv``."""
    if scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, got {scale}")
    sources, known_people = marketing.generate(scale, seed, reference_dir)
    sources |= banking.generate(scale, seed, known_people)
    customers = sources["core_banking"][0]
    sources |= claims.generate(scale, seed, [row[0] for row in customers.rows])
    return {source: write_tables(out_dir / source, tables) for source, tables in sources.items()}
