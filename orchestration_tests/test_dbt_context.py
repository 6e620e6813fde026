"""fsi-dbt's macro namespaces (orchestration/dbt_context.py) are the ones dbt builds."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from orchestration import dbt_context
from orchestration.paths import TARGET_DIR

INTERNAL = ["dbt_duckdb", "dbt"]  # get_adapter_package_names("duckdb")


def _describe(value: Any, ctx: dict, stack: Any) -> Any:
    """A namespace member as comparable data: a package's dict name by name, a generator as
    its class, macro and node, after checking it is bound to this context and stack."""
    if isinstance(value, dict):
        return {name: _describe(member, ctx, stack) for name, member in value.items()}
    assert value.context is ctx and value.stack is stack
    return (type(value).__name__, value.macro.unique_id, value.node)


def _build(macros_by_package: dict, search_package: str, node: Any) -> tuple:
    from dbt.clients.jinja import MacroStack
    from dbt.context.macros import MacroNamespaceBuilder

    ctx: dict = {}
    stack = MacroStack()
    builder = MacroNamespaceBuilder("fsi_analytics", search_package, stack, INTERNAL, node)
    namespace = builder.build_namespace(macros_by_package, ctx)
    parts = {
        name: _describe(getattr(namespace, name), ctx, stack)
        for name in ("global_namespace", "local_namespace", "global_project_namespace", "packages")
    }
    # what ManifestContext.to_dict puts into the context: dbt's walks the search order
    flat = getattr(namespace, "fsi_flat", None)
    flat = {name: namespace[name] for name in namespace} if flat is None else flat
    return parts, _describe(flat, ctx, stack)


def _compare(macros_by_package: dict, search_packages: list[str]) -> dict:
    """Build every namespace with dbt's builder, then with fsi-dbt's; assert they are equal.
    Returns the names flattened into the context for the first search package (no node)."""
    node = SimpleNamespace(unique_id="model.fsi_analytics.m")
    cases = [(package, n) for package in search_packages for n in (None, node)]
    dbts = [_build(macros_by_package, package, n) for package, n in cases]
    assert dbt_context.install_fast_namespaces()
    for (package, n), dbt_namespace in zip(cases, dbts, strict=True):
        ours = _build(macros_by_package, package, n)
        assert ours[0] == dbt_namespace[0], f"namespace dicts differ for {package}"
        assert ours[1] == dbt_namespace[1], f"flattened names differ for {package}"
        # built twice from one plan: the second is bound to its own context
        assert _build(macros_by_package, package, n) == ours
    return dbts[0][1]


def _macro(package: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(package_name=package, name=name, unique_id=f"macro.{package}.{name}")


def _by_package(*macros: SimpleNamespace) -> dict:
    out: dict = {}
    for macro in macros:
        out.setdefault(macro.package_name, {})[macro.name] = macro
    return out


def test_names_resolve_as_dbts_search_order_resolves_them(dbts_own_jinja) -> None:
    """The overlaps the search order settles: an adapter's macro over dbt's in the internal
    namespace, the node's package over the root's, a macro named like a package, a package
    named like a macro."""
    macros = _by_package(
        _macro("dbt", "get_columns"),
        _macro("dbt", "drop_relation"),
        _macro("dbt", "dbt_duckdb"),
        _macro("dbt_duckdb", "get_columns"),
        _macro("fsi_analytics", "drop_relation"),
        _macro("fsi_analytics", "other"),
        _macro("fsi_analytics", "shared"),
        _macro("other", "shared"),
        _macro("other", "fsi_analytics"),
    )
    flat = _compare(macros, ["fsi_analytics", "other", "dbt"])
    macro = {name: value[1] for name, value in flat.items() if isinstance(value, tuple)}
    assert macro == {
        "get_columns": "macro.dbt_duckdb.get_columns",
        "drop_relation": "macro.fsi_analytics.drop_relation",
        "dbt_duckdb": "macro.dbt.dbt_duckdb",
        "other": "macro.fsi_analytics.other",
        "shared": "macro.fsi_analytics.shared",
    }
    assert flat["dbt"]["get_columns"][1] == "macro.dbt_duckdb.get_columns"
    assert set(flat["fsi_analytics"]) == {"drop_relation", "other", "shared"}


def test_dbts_builder_still_raises_for_a_duplicate_name(dbts_own_jinja) -> None:
    from dbt.clients.jinja import MacroStack
    from dbt.context.macros import MacroNamespaceBuilder
    from dbt.exceptions import DuplicateMacroNameError

    stray = SimpleNamespace(
        package_name="fsi_analytics",
        name="m",
        unique_id="macro.fsi_analytics.m",
        original_file_path="macros/b.sql",
    )
    first = SimpleNamespace(**{**vars(stray), "original_file_path": "macros/a.sql"})
    macros = {"fsi_analytics": {"m": first}, "elsewhere": {"m": stray}}
    assert dbt_context.install_fast_namespaces()
    builder = MacroNamespaceBuilder("fsi_analytics", "fsi_analytics", MacroStack(), INTERNAL)
    with pytest.raises(DuplicateMacroNameError):
        builder.build_namespace(macros, {})


@pytest.mark.skipif(
    not (TARGET_DIR / "manifest.json").exists(),
    reason="needs target/manifest.json: run `dbt parse` (make test does it first)",
)
def test_the_projects_namespaces_are_dbts(dbts_own_jinja) -> None:
    from dbt.contracts.graph.manifest import Manifest
    from dbt.contracts.graph.nodes import Macro

    manifest = json.loads((TARGET_DIR / "manifest.json").read_text())
    macros = {uid: Macro.from_dict(macro) for uid, macro in manifest["macros"].items()}
    by_package = Manifest._build_macros_by_package(macros)
    assert {"dbt", "dbt_duckdb", "fsi_analytics"} <= by_package.keys()
    flat = _compare(by_package, ["fsi_analytics", "dbt", "dbt_duckdb"])
    assert len(flat) > 500
    # the project's generate_schema_name wins in the context; `dbt.generate_schema_name` is dbt's
    assert flat["generate_schema_name"][1] == "macro.fsi_analytics.generate_schema_name"
    assert flat["dbt"]["generate_schema_name"][1] == "macro.dbt.generate_schema_name"


def test_the_context_holds_the_names_dbts_holds(
    dbts_own_jinja, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ManifestContext.to_dict: the context's own entries, then the flattened macros; a
    namespace fsi-dbt did not build (dbt's parser builds its own for generic tests) goes
    through dbt's flattening."""
    from dbt.clients.jinja import MacroStack
    from dbt.context.configured import ConfiguredContext
    from dbt.context.macros import MacroNamespaceBuilder
    from dbt.context.manifest import ManifestContext

    class Probe(ManifestContext):
        def __init__(self, namespace: Any) -> None:  # dbt's needs a project and a profile
            self.namespace = namespace

    monkeypatch.setattr(ConfiguredContext, "to_dict", lambda self: {"target": "ci"})
    macros = _by_package(
        _macro("dbt", "a"), _macro("dbt_duckdb", "a"), _macro("fsi_analytics", "b")
    )

    def context(ctx: dict) -> dict:
        builder = MacroNamespaceBuilder("fsi_analytics", "fsi_analytics", MacroStack(), INTERNAL)
        namespace = builder.build_namespace(macros, ctx)
        described = {
            name: value if name == "target" else _describe(value, ctx, builder.thread_ctx)
            for name, value in Probe(namespace).to_dict().items()
        }
        return described, namespace

    dbts, _ = context({})
    assert dbt_context.install_fast_namespaces()
    ours, namespace = context({})
    assert ours == dbts
    assert dbts["a"][1] == "macro.dbt_duckdb.a" and dbts["target"] == "ci"
    assert hasattr(namespace, "fsi_flat")
    del namespace.fsi_flat
    assert Probe(namespace).to_dict().keys() == dbts.keys()
