"""fsi-dbt's cache of the code Python and mashumaro generate for dbt's classes
(orchestration/dbt_classes.py): the same classes, compiled once, kept between processes."""

from __future__ import annotations
import __future__

import dataclasses
import json
import marshal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration import dbt_classes
from orchestration.code_cache import CodeCache
from orchestration.paths import PROJECT_DIR


@pytest.fixture
def installed():
    """The cache installed in this process for the test (kept in memory), then removed."""
    cache = dbt_classes.install_class_code_cache(None)
    assert cache is not None
    yield cache
    dbt_classes.uninstall_class_code_cache()


# Imports dbt with the cache in the directory given (or without it: "-"), and prints what the
# classes do: the JSON schema dbt validates dbt_project.yml with, the project read through it,
# the mashumaro helpers named with a suffix, and what was compiled.
PROBE = textwrap.dedent(
    """
    import json, re, sys
    from pathlib import Path
    from orchestration.dbt_classes import install_class_code_cache
    cache = None if sys.argv[1] == "-" else install_class_code_cache(Path(sys.argv[1]))
    import yaml
    import dbt.cli.main
    from dbt.contracts.project import Project
    raw = yaml.safe_load(Path("dbt_project.yml").read_text())
    Project.validate(raw)
    project = Project.from_dict(raw)
    helpers = sorted(
        name for name in dir(Project) if re.search(r"__[0-9a-f]{32}$", name)
    )
    print(json.dumps({
        "schema": Project.json_schema(),
        "project": project.to_dict(),
        "helpers": helpers,
        "added": cache.added if cache else None,
        "hits": cache.hits if cache else None,
    }, sort_keys=True, default=str))
    """
)


def _probe(cache_dir: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, cache_dir],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_second_process_compiles_nothing_and_gets_the_same_classes(tmp_path: Path) -> None:
    without = _probe("-")
    cold = _probe(str(tmp_path))
    (saved,) = tmp_path.glob("fsi-classes-*.marshal")
    warm = _probe(str(tmp_path))
    assert cold["added"] > 1000, "importing dbt compiled its classes through the cache"
    assert warm["added"] == 0, "the second process compiled class code again"
    assert warm["hits"] >= cold["added"]
    for result in (cold, warm):
        assert result["schema"] == without["schema"]
        assert result["project"] == without["project"]
    assert without["project"]["name"] == "fsi_analytics"
    assert "properties" in without["schema"]
    # mashumaro's helpers have the same names in both processes (a counter, not uuid4)
    assert cold["helpers"] == warm["helpers"] != []
    assert warm["helpers"] != without["helpers"]
    assert saved.stat().st_size > 100_000


def test_classes_made_through_the_cache_behave_as_pythons(installed: CodeCache) -> None:
    def make():
        @dataclasses.dataclass(order=True, frozen=True)
        class Point:
            x: int
            y: int = 0
            tags: list = dataclasses.field(default_factory=list, compare=False)

        return Point

    added = installed.added
    point = make()
    assert installed.added > added, "the dataclass's methods were compiled through the cache"
    added, hits = installed.added, installed.hits
    again = make()
    assert installed.added == added and installed.hits > hits, "the same class: no compiling"
    assert point(1) < point(1, 2) == point(1, 2, ["a"])
    assert repr(again(3, 4)).endswith(".Point(x=3, y=4, tags=[])")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point(1).x = 2


def test_exec_keeps_the_callers_scope_and_the_builtins_semantics() -> None:
    exec_ = dbt_classes.cached_exec(CodeCache(None), 0)
    scope = {"x": 1}
    exec_("y = x + 1", scope)
    assert scope["y"] == 2 and "__builtins__" in scope
    mine: dict = {}
    exec_("z = x * 5", scope, mine)
    assert mine == {"z": 5} and "z" not in scope
    seen: list = []
    value = 7
    exec_("seen.append(value)")  # no scope given: the caller's, as the built-in's
    assert seen == [value]
    exec_(compile("seen.append(8)", "<string>", "exec"))
    assert seen == [7, 8]


def test_a_source_that_does_not_compile_raises_every_time_and_is_not_kept() -> None:
    cache = CodeCache(None)
    exec_ = dbt_classes.cached_exec(cache, 0)
    for _ in range(2):
        with pytest.raises(SyntaxError):
            exec_("def (:", {})
    assert cache.added == 0 and cache.codes == {}


def test_future_flags_are_the_modules_and_compile_the_source_as_exec_there() -> None:
    annotations = __future__.annotations.compiler_flag
    assert dbt_classes.future_flags(sys.modules[__name__]) == annotations
    assert dbt_classes.future_flags(dataclasses) == 0
    cache = CodeCache(None)
    lazy, eager = dbt_classes.cached_exec(cache, annotations), dbt_classes.cached_exec(cache, 0)
    source = "def f(a: undefined_name): pass"
    scope: dict = {}
    lazy(source, scope)
    assert scope["f"].__annotations__ == {"a": "undefined_name"}
    with pytest.raises(NameError):
        eager(source, {})
    assert cache.added == 2, "the flags are part of the key"


def test_install_is_once_and_uninstall_gives_python_and_mashumaro_theirs_back() -> None:
    from mashumaro.core.meta.types import common, pack, unpack

    first = dbt_classes.install_class_code_cache(None)
    try:
        assert dbt_classes.install_class_code_cache(None) is first
        assert dataclasses.exec.fsi_cache is first  # type: ignore[attr-defined]
        suffixes = [common.random_hex(), pack.random_hex(), unpack.random_hex()]
        first_number = int(suffixes[0], 16)
        assert suffixes == [f"{first_number + n:032x}" for n in range(3)], "one counter"
    finally:
        dbt_classes.uninstall_class_code_cache()
    assert "exec" not in vars(dataclasses)
    assert all("exec" not in vars(module) for module in (common, pack, unpack))
    names = {common.random_hex(), pack.random_hex(), unpack.random_hex()}
    assert len(names) == 3 and all(len(n) == 32 and int(n, 16) > 10**9 for n in names)


def test_a_file_grown_past_its_limit_keeps_what_the_last_command_used(tmp_path: Path) -> None:
    stale = {bytes([i]) * 32: compile("None", "<string>", "exec") for i in range(3)}
    path = dbt_classes.cache_file(tmp_path)
    path.write_bytes(marshal.dumps(stale))
    for limit, kept in ((4, 4), (3, 1)):
        cache = CodeCache(path, max_entries=limit)
        assert len(cache.codes) == 3
        dbt_classes.cached_exec(cache, 0)(f"x = {limit}", {})
        cache.save()
        saved = CodeCache(path).codes
        assert len(saved) == kept, f"limit {limit}"
        path.write_bytes(marshal.dumps(stale))
    assert set(saved) == cache.used, "past the limit: only what the command used"
