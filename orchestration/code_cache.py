"""Compiled Python code kept between fsi-dbt commands, in files of dbt's target directory.

Two caches use it: the code Jinja compiles for dbt's templates (`orchestration/dbt_jinja.py`)
and the code Python's dataclasses and mashumaro compile for dbt's classes
(`orchestration/dbt_classes.py`). Each is one file of code objects by key, read when the
command starts and written at exit if the command compiled something new.

The files hold Python code, read with `marshal` as Python reads its `.pyc` files from
`__pycache__`: they are written by fsi-dbt only, next to dbt's other build output, and whoever
can write there can change what dbt runs anyway. A file that cannot be read is ignored (and
replaced at exit). `dbt clean` removes them with the rest of the target directory.
"""

from __future__ import annotations

import atexit
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import CodeType

# Where fsi-dbt keeps its cache files when not in dbt's target directory: dagster-dbt gives
# each dbt invocation a target directory of its own, so the Dagster job points this at the
# project's.
CACHE_DIR_ENV = "FSI_DBT_CACHE_DIR"

# The cache files in a directory
CACHE_FILES = "fsi-*.marshal"

# A file that grows past this many entries (edited models and macros leave their old
# templates behind, upgrades the code of old classes) keeps only those the command writing it
# used.
MAX_ENTRIES = 20_000


def cache_dir(target_dir: Path) -> Path:
    """Where fsi-dbt keeps its cache files for a command whose target directory is this."""
    return Path(os.environ.get(CACHE_DIR_ENV) or target_dir)


class CodeCache:
    """Code objects by key, loaded from and saved to one file (None: this process only)."""

    def __init__(self, path: Path | None, max_entries: int | None = None) -> None:
        self.path = path
        self.max_entries = max_entries  # None: MAX_ENTRIES
        self.codes: dict[bytes, CodeType] = {}
        self.used: set[bytes] = set()
        self.added = 0
        self.hits = 0
        if path is not None:
            self.codes.update(read_codes(path))

    def get(self, key: bytes) -> CodeType | None:
        code = self.codes.get(key)
        if code is not None:
            self.used.add(key)
            self.hits += 1
        return code

    def put(self, key: bytes, code: CodeType) -> None:
        self.codes[key] = code
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        """Write the file if this process compiled something new (atomically: another
        command reading it meanwhile sees the old file or the new one)."""
        if self.path is None or not self.added:
            return
        codes = dict(self.codes)
        if len(codes) > (self.max_entries or MAX_ENTRIES):
            codes = {key: codes[key] for key in self.used if key in codes}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
            with os.fdopen(fd, "wb") as out:
                marshal.dump(codes, out)
            os.chmod(tmp, 0o644)  # as dbt's other artifacts (mkstemp makes it 0600)
            os.replace(tmp, self.path)
        except OSError:  # a read-only target directory: the next command compiles again
            return


def cache_saved_at_exit(
    target_dir: Path | None, cache_file: Callable[[Path], Path], max_entries: int | None = None
) -> CodeCache:
    """A cache read from ``cache_file(target_dir)`` and written back there when the process
    exits (``target_dir`` None: kept for this process only)."""
    path = cache_file(target_dir) if target_dir is not None else None
    cache = CodeCache(path, max_entries)
    if path is not None:
        atexit.register(cache.save)
    return cache


def read_codes(path: Path) -> dict[bytes, CodeType]:
    """The code objects kept in ``path``; none when it is missing or unreadable."""
    try:
        with open(path, "rb") as source:
            codes = marshal.load(source)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {
        key: code
        for key, code in codes.items()
        if isinstance(key, bytes) and isinstance(code, CodeType)
    }
