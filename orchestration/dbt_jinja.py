"""Compiled Jinja templates kept between dbt commands (for fsi-dbt).

dbt renders every macro, model and test with Jinja, and Jinja compiles each template's source
to Python code (parsing it, generating Python source, compiling that) before its first use in
a process. dbt keeps a macro's template for the rest of the process, but every command starts
again from nothing, and a node's SQL and a test's arguments are compiled again each time they
are rendered, even within one command. A scale-1 build compiles about 1,190 templates, 720 of
them distinct, in about 1.3 s of the Python time both dbt threads share.

`install_jinja_code_cache` keeps the code objects Jinja compiles for dbt's environments, keyed
by a hash of the template's source and of everything else the generated code depends on (the
environment's class, its extensions, filters, tests and syntax options, the template's name
and file name, Jinja's and Python's versions), and writes them at exit to one file in dbt's
target directory (`fsi-jinja-<python>-<jinja>.marshal`; FSI_DBT_CACHE_DIR overrides the
directory), which the next command reads (`orchestration/code_cache.py` says how the file is
kept and why reading code from it is safe). A template that fails to compile is not kept:
Jinja raises its error every time. The code is Jinja's own for the same source, so rendering
is unchanged; `orchestration_tests/test_dbt_jinja.py` checks that a cached template renders
as a fresh one, that a changed source or environment misses, and that a second process
compiles nothing it has seen.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from orchestration.code_cache import CodeCache, cache_saved_at_exit


def cache_file(target_dir: Path) -> Path:
    import jinja2

    version = f"{sys.implementation.cache_tag}-{jinja2.__version__}"
    return target_dir / f"fsi-jinja-{version}.marshal"


def environment_signature(env: Any) -> bytes:
    """What Jinja's generated code depends on besides the source, for one environment."""
    import jinja2

    parts = (
        sys.implementation.cache_tag,
        jinja2.__version__,
        f"{type(env).__module__}.{type(env).__qualname__}",
        type(env).code_generator_class.__qualname__,
        sorted(env.extensions),
        sorted(env.filters),
        sorted(env.tests),
        env.optimized,
        env.is_async,
        env.autoescape if isinstance(env.autoescape, bool) else "callable",
        env.finalize is None,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
    )
    return repr(parts).encode()


def template_key(env: Any, source: str, name: Any, filename: Any, defer_init: bool) -> bytes:
    digest = hashlib.sha256(environment_signature(env))
    digest.update(repr((name, filename, defer_init)).encode())
    digest.update(b"\0")
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.digest()


def install_jinja_code_cache(target_dir: Path | None) -> CodeCache | None:
    """Patch the compilation of dbt's Jinja environments to go through the cache (see above),
    saved at exit under `target_dir` (None: this process only). None, and dbt untouched, when
    dbt writes compiled templates out for debugging (DBT_MACRO_DEBUGGING) or this dbt_common
    lacks the environment patched."""
    try:
        from dbt_common.clients import jinja as dbt_jinja
    except ImportError:
        return None
    environment = getattr(dbt_jinja, "MacroFuzzEnvironment", None)
    if environment is None or getattr(dbt_jinja, "MACRO_DEBUGGING", False):
        return None
    if getattr(environment.compile, "fsi_cache", None) is not None:
        return environment.compile.fsi_cache
    jinja_compile = environment.compile
    cache = cache_saved_at_exit(target_dir, cache_file)

    def compile(
        self: Any,
        source: Any,
        name: Any = None,
        filename: Any = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or not isinstance(source, str):
            return jinja_compile(self, source, name, filename, raw, defer_init)
        key = template_key(self, source, name, filename, defer_init)
        code = cache.get(key)
        if code is None:
            code = jinja_compile(self, source, name, filename, raw, defer_init)
            cache.put(key, code)
        return code

    compile.fsi_cache = cache  # type: ignore[attr-defined]
    environment.compile = compile
    return cache
