"""The code Python writes for dbt's classes, kept between dbt commands (for fsi-dbt).

dbt describes its manifest, nodes, configs and artifacts with about 1,000 dataclasses. For
each, Python's `dataclasses` writes the source of `__init__`, `__eq__` and the like, and
mashumaro (dbt's serialisation library) writes `to_dict`, `from_dict` and their helpers, and
each compiles that source with `exec`: about 4,900 sources per command, most of them while dbt
is imported, the rest (for the JSON schemas dbt validates its project with, and the resource
classes it writes the manifest with) later. It is about 1 s of every command's start-up on
this project's 2-core machine (importing dbt: 1.6 s without the cache, 1.0 s with it).

`install_class_code_cache` gives those modules an `exec` that compiles each source once: the
code object is kept under a hash of the source and of the compiler flags and optimisation level
the built-in `exec` would use in that module, and the cache is written at exit to one file
in dbt's target directory (`fsi-classes-<python>.marshal`, beside the Jinja templates';
`orchestration/code_cache.py`). The same source and flags compile to the same code, so the
classes are the ones Python and mashumaro make without the cache.

mashumaro names some of the helpers it attaches to a class (one per union-typed field, for
example) with a random suffix (`uuid4().hex`), only so that two of them cannot clash in one
class; that would make their source new in every process. Here the suffix is a counter,
unique in the process just the same, so the same classes get the same sources each time.

It must be installed before dbt is imported: a class defined before has its code already.
`orchestration_tests/test_dbt_classes.py` checks that a second process compiles nothing, that
its classes behave the same, and the cases `exec` has to keep (the caller's scope, future
flags, source that does not compile).
"""

from __future__ import annotations
import __future__

import builtins
import hashlib
import importlib
import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from orchestration.code_cache import CodeCache, cache_saved_at_exit

# The modules that compile generated source with `exec`.
EXEC_MODULES = (
    "dataclasses",
    "mashumaro.core.meta.code.builder",
    "mashumaro.core.meta.types.common",
    "mashumaro.core.meta.types.pack",
    "mashumaro.core.meta.types.unpack",
)
# The modules that name helpers with `random_hex()`.
RANDOM_NAME_MODULES = (
    "mashumaro.core.meta.types.common",
    "mashumaro.core.meta.types.pack",
    "mashumaro.core.meta.types.unpack",
)

# A build uses about 1,800 distinct sources (other commands define some classes in another
# order, so their helpers get other numbers: about 3,000 after many commands), and a new dbt
# or mashumaro brings new ones; past this many the file keeps what the command writing it used.
MAX_ENTRIES = 8_000

# mashumaro's own random_hex of each module, for uninstall_class_code_cache
_RANDOM_HEX: dict[str, Callable[[], str]] = {}


def cache_file(target_dir: Path) -> Path:
    return target_dir / f"fsi-classes-{sys.implementation.cache_tag}.marshal"


def future_flags(module: ModuleType) -> int:
    """The compiler flags of the `from __future__ import ...` statements of a module, which the
    built-in `exec` passes on to the source it compiles when called there."""
    return sum(
        {
            feature.compiler_flag
            for feature in vars(module).values()
            if isinstance(feature, __future__._Feature)
        }
    )


def cached_exec(cache: CodeCache, flags: int) -> Callable[..., None]:
    """An `exec` for a module whose future flags are ``flags``, compiling through ``cache``."""
    prefix = f"{sys.implementation.cache_tag}|{flags}|{sys.flags.optimize}|".encode()

    def exec_(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
        if globals is None:  # the caller's scope, as the built-in takes it
            frame = sys._getframe(1)
            globals = frame.f_globals
            if locals is None:
                locals = frame.f_locals
        if not isinstance(source, str):
            return builtins.exec(source, globals, locals, **kwargs)
        digest = hashlib.sha256(prefix)
        digest.update(source.encode("utf-8", "surrogatepass"))
        key = digest.digest()
        code = cache.get(key)
        if code is None:
            code = compile(source, "<string>", "exec", flags, dont_inherit=True)
            cache.put(key, code)
        return builtins.exec(code, globals, locals, **kwargs)

    exec_.fsi_cache = cache  # type: ignore[attr-defined]
    return exec_


def counter_hex() -> Callable[[], str]:
    """A stand-in for mashumaro's `random_hex`: 32 hex digits, unique in the process."""
    counter = itertools.count(1)
    return lambda: f"{next(counter):032x}"


def install_class_code_cache(target_dir: Path | None) -> CodeCache | None:
    """Make the modules that write dbt's classes compile through one cache (see above),
    saved at exit under ``target_dir`` (None: this process only). None, and nothing
    changed, when this mashumaro lacks the modules patched."""
    try:
        modules = [importlib.import_module(name) for name in EXEC_MODULES]
        named = [importlib.import_module(name) for name in RANDOM_NAME_MODULES]
    except ImportError:
        return None
    installed = getattr(vars(modules[0]).get("exec"), "fsi_cache", None)
    if installed is not None:
        return installed
    if not all(callable(getattr(module, "random_hex", None)) for module in named):
        return None
    cache = cache_saved_at_exit(target_dir, cache_file, MAX_ENTRIES)
    for module in modules:
        module.exec = cached_exec(cache, future_flags(module))  # type: ignore[attr-defined]
    random_hex = counter_hex()
    for module in named:
        _RANDOM_HEX.setdefault(module.__name__, module.random_hex)
        module.random_hex = random_hex  # type: ignore[attr-defined]
    return cache


def uninstall_class_code_cache() -> None:
    """Give the modules their built-in `exec` and mashumaro's `random_hex` back (tests)."""
    for name in EXEC_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            vars(module).pop("exec", None)
    for name, random_hex in _RANDOM_HEX.items():
        sys.modules[name].random_hex = random_hex  # type: ignore[attr-defined]
