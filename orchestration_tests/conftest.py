from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import datagen
from orchestration.paths import REFERENCE_DIR


@pytest.fixture(scope="session")
def scale1_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's output at scale 1, seed 42, in a temporary directory."""
    out = tmp_path_factory.mktemp("scale1")
    datagen.generate(1, 42, out, REFERENCE_DIR)
    return out
