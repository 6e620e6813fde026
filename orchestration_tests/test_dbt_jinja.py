"""fsi-dbt's compiled-template cache (orchestration/dbt_jinja.py): the same rendering, less
compiling, kept between processes."""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest

from orchestration import code_cache, dbt_jinja

TEMPLATES = [
    "select {{ 1 + 2 }} as three",
    "{% for c in ['a', 'b'] %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}",
    "{% set x = 'ab' %}{{ x ~ x }}",
    "{{ [1, 2, 3] | length }}",
]


@pytest.fixture
def jinja_compiles(monkeypatch: pytest.MonkeyPatch, dbts_own_jinja) -> list[str]:
    """The sources Jinja itself compiles during the test (through dbt's environments)."""
    seen: list[str] = []
    jinja_compile = jinja2.Environment.compile

    def compile(self, source, *args, **kwargs):
        seen.append(source)
        return jinja_compile(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    from dbt_common.clients.jinja import MacroFuzzEnvironment

    monkeypatch.setattr(MacroFuzzEnvironment, "compile", compile)
    return seen


def _render_all(native: bool = False) -> list:
    from dbt.clients.jinja import get_rendered

    return [get_rendered(source, {}, native=native) for source in TEMPLATES]


def test_a_cached_template_renders_as_jinjas_and_compiles_once(jinja_compiles) -> None:
    fresh = _render_all()
    assert len(jinja_compiles) == len(TEMPLATES)
    cache = dbt_jinja.install_jinja_code_cache(None)
    assert cache is not None
    assert _render_all() == fresh == ["select 3 as three", "a, b", "abab", "3"]
    assert _render_all() == fresh
    assert len(jinja_compiles) == 2 * len(TEMPLATES), "the second round compiled again"
    assert (cache.added, cache.hits) == (len(TEMPLATES), len(TEMPLATES))


def test_a_changed_source_or_environment_compiles_again(jinja_compiles) -> None:
    from dbt.clients.jinja import get_rendered

    sources = ["{{ [40 + 2, 'x'] }}", "{{ [40 + 3, 'x'] }}"]
    # dbt's text and native environments generate different code for the same source
    fresh = [get_rendered(s, {}, native=native) for s in sources for native in (False, True)]
    del jinja_compiles[:]
    assert dbt_jinja.install_jinja_code_cache(None) is not None
    for _ in range(2):
        assert [get_rendered(s, {}, native=n) for s in sources for n in (False, True)] == fresh
    assert jinja_compiles == [sources[0], sources[0], sources[1], sources[1]]


def test_a_template_that_fails_to_compile_fails_every_time(jinja_compiles) -> None:
    from dbt.clients.jinja import get_rendered
    from dbt_common.exceptions import CompilationError

    cache = dbt_jinja.install_jinja_code_cache(None)
    for _ in range(2):
        with pytest.raises(CompilationError, match="unexpected"):
            get_rendered("{{ select ) }}", {})
    assert len(jinja_compiles) == 2 and cache.added == 0


def _child(target: Path) -> dict:
    """Render TEMPLATES in a new Python process with the cache under `target`."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from orchestration import code_cache, dbt_jinja
        from dbt.clients.jinja import get_rendered
        cache = dbt_jinja.install_jinja_code_cache(Path({str(target)!r}))
        out = [get_rendered(s, {{}}) for s in {TEMPLATES!r}]
        print(json.dumps({{"out": out, "added": cache.added, "hits": cache.hits}}))
        """
    )
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(child.stdout)


def test_the_next_process_compiles_nothing_it_has_seen(tmp_path: Path) -> None:
    first = _child(tmp_path)
    assert (first["added"], first["hits"]) == (len(TEMPLATES), 0)
    files = list(tmp_path.glob("fsi-jinja-*.marshal"))
    assert [f.name for f in files] == [dbt_jinja.cache_file(tmp_path).name]
    second = _child(tmp_path)
    assert (second["added"], second["hits"]) == (0, len(TEMPLATES))
    assert second["out"] == first["out"] == ["select 3 as three", "a, b", "abab", "3"]


def test_an_unreadable_file_is_ignored_and_replaced(tmp_path: Path, dbts_own_jinja) -> None:
    path = dbt_jinja.cache_file(tmp_path)
    path.write_bytes(b"not marshal data")
    cache = dbt_jinja.install_jinja_code_cache(tmp_path)
    assert cache is not None and cache.codes == {}
    assert _render_all() == ["select 3 as three", "a, b", "abab", "3"]
    cache.save()
    saved = marshal.loads(path.read_bytes())
    assert len(saved) == len(TEMPLATES) and set(saved) == cache.used


def test_a_file_grown_too_large_keeps_what_its_last_command_used(
    tmp_path: Path, dbts_own_jinja, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = {bytes([i]) * 32: compile("None", "<template>", "eval") for i in range(3)}
    path = dbt_jinja.cache_file(tmp_path)
    path.write_bytes(marshal.dumps(stale))
    monkeypatch.setattr(code_cache, "MAX_ENTRIES", 4)
    cache = dbt_jinja.install_jinja_code_cache(tmp_path)
    assert cache is not None and len(cache.codes) == 3
    _render_all()
    cache.save()
    saved = marshal.loads(path.read_bytes())
    assert set(saved) == cache.used and len(saved) == len(TEMPLATES)
