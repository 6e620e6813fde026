"""Deterministic synthetic source data (`fsi generate`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orchestration.datagen import banking, claims, marketing
from orchestration.datagen.common import write_tables
from orchestration.datagen.scale import generate_at_scale


def generate(
    scale: int,
    seed: int,
    out_dir: Path,
    reference_dir: Path,
    seed_types_dir: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, list[Path]]:
    """Write every source's tables under ``out_dir/<source>/``.

    Scale 1 is the seed world, written row by row as ``<table>.csv`` (the committed seeds at
    seed 42). Larger scales replicate that world in DuckDB and write typed
    ``<table>.parquet`` files, with the column types declared by the seeds in
    ``seed_types_dir``.
    """
    if scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, got {scale}")
    if scale > 1:
        if seed_types_dir is None:
            raise ValueError("scales above 1 need the seed column types (seed_types_dir)")
        return generate_at_scale(scale, seed, out_dir, reference_dir, seed_types_dir, progress)
    sources, known_people = marketing.generate(scale, seed, reference_dir)
    sources |= banking.generate(scale, seed, known_people)
    customers = sources["core_banking"][0]
    sources |= claims.generate(scale, seed, [row[0] for row in customers.rows])
    return {source: write_tables(out_dir / source, tables) for source, tables in sources.items()}
