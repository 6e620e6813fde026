"""dbt's macro namespaces, built from a plan made once per package (for fsi-dbt).

Every Jinja context dbt builds (two or three for each node: compiling it, running its
materialisation, and one for every adapter call that runs a macro, such as listing a
relation's columns or renaming it) holds every macro of the manifest, each as its own
`MacroGenerator` bound to that context: about 600 objects, placed into per-package, local,
global and internal dicts by `MacroNamespaceBuilder`, then flattened into the context by
`ManifestContext.to_dict`, which looks each name up through the namespace's search order. At
scale 1 a build makes about 1,200 such contexts, and a py-spy profile of the thread holding
the GIL put the namespaces at about an eighth of dbt's Python time.

Where each macro goes, and which object each flattened name resolves to, depends only on the
manifest's macros, the node's package, the root package and the adapter's internal packages.
`install_fast_namespaces` works that out once with dbt's own builder, on generators bound to
nothing, and then builds each namespace by creating the generators (the same class, the same
attributes as dbt's constructor sets) and filling the dicts from the plan; the flattened names
come from the plan too. The namespaces are the ones dbt would build:
`orchestration_tests/test_dbt_context.py` compares them, dict by dict and name by name, with
dbt's for the project's manifest.
"""

from __future__ import annotations

from typing import Any


class _Plan:
    """Where each macro of one `macros_by_package` goes, for one builder's packages."""

    def __init__(self, builder_class: Any, stack_class: Any, builder: Any, macros_by_package: Any):
        template = builder_class(
            builder.root_package,
            builder.search_package,
            stack_class(),
            list(builder.internal_package_names_order),
            None,
        )
        # dbt's own code, on generators bound to no context: it raises here what it would
        # raise for every context (a duplicate macro name)
        namespace = _DBT_BUILD(template, macros_by_package, {})
        self.source = macros_by_package
        generators = [
            generator
            for hierarchy in (template.internal_packages, template.packages)
            for package in hierarchy.values()
            for generator in package.values()
        ]
        self.macros = [generator.macro for generator in generators]
        index = {id(generator): i for i, generator in enumerate(generators)}

        def slots(namespace_dict: dict[str, Any]) -> list[tuple[str, int]]:
            return [(name, index[id(generator)]) for name, generator in namespace_dict.items()]

        self.packages = [(name, slots(d)) for name, d in template.packages.items()]
        self.globals = slots(namespace.global_namespace)
        self.locals = slots(namespace.local_namespace)
        self.global_project = slots(namespace.global_project_namespace)
        package_of = {id(d): name for name, d in namespace.packages.items()}
        flat: list[tuple[str, str, Any]] = []
        for name in namespace:
            value = namespace[name]
            if id(value) in index:
                flat.append((name, "macro", index[id(value)]))
            elif value is namespace.global_project_namespace:
                flat.append((name, "global_project", None))
            elif id(value) in package_of:
                flat.append((name, "package", package_of[id(value)]))
            else:  # not a shape this plan knows: dbt's own code for this manifest
                raise _Unplannable(name)
        self.flat = flat

    def build(self, ctx: dict[str, Any], node: Any, stack: Any) -> Any:
        new = object.__new__
        generator_class = _GENERATOR
        generators = []
        append = generators.append
        for macro in self.macros:
            generator = new(generator_class)
            # the attributes MacroGenerator.__init__ sets, in its order
            generator.context = ctx
            generator.macro = macro
            generator.node = node
            generator.stack = stack
            append(generator)
        packages = {name: {m: generators[i] for m, i in s} for name, s in self.packages}
        global_project = {m: generators[i] for m, i in self.global_project}
        namespace = _NAMESPACE(
            global_namespace={m: generators[i] for m, i in self.globals},
            local_namespace={m: generators[i] for m, i in self.locals},
            global_project_namespace=global_project,
            packages=packages,
        )
        flat = {}
        for name, kind, ref in self.flat:
            if kind == "macro":
                flat[name] = generators[ref]
            elif kind == "package":
                flat[name] = packages[ref]
            else:
                flat[name] = global_project
        namespace.fsi_flat = flat
        return namespace


class _Unplannable(Exception):
    pass


_DBT_BUILD: Any = None
_GENERATOR: Any = None
_NAMESPACE: Any = None


def install_fast_namespaces() -> bool:
    """Patch dbt's namespace building and flattening (see above). False, and dbt untouched,
    when this dbt lacks the classes and attributes replaced."""
    global _DBT_BUILD, _GENERATOR, _NAMESPACE
    try:
        from dbt.clients.jinja import MacroGenerator, MacroStack
        from dbt.context import macros
        from dbt.context.manifest import ManifestContext
    except ImportError:
        return False
    builder_class = macros.MacroNamespaceBuilder
    probe = builder_class("root", "root", MacroStack(), ["dbt"], None)
    expected = {"root_package", "search_package", "internal_package_names_order", "node"}
    if not (expected <= vars(probe).keys() and "thread_ctx" in vars(probe)):
        return False
    generator = MacroGenerator(None, {}, "node", "stack")  # type: ignore[arg-type]
    if vars(generator) != {"context": {}, "macro": None, "node": "node", "stack": "stack"}:
        return False
    if getattr(builder_class.build_namespace, "fsi_fast", False):
        return True
    _DBT_BUILD = builder_class.build_namespace
    _GENERATOR = MacroGenerator
    _NAMESPACE = macros.MacroNamespace
    dbt_to_dict = ManifestContext.to_dict
    plans: dict[tuple[Any, ...], _Plan | None] = {}

    def build_namespace(self: Any, macros_by_package: Any, ctx: dict[str, Any]) -> Any:
        key = (
            id(macros_by_package),
            self.root_package,
            self.search_package,
            tuple(self.internal_package_names_order),
        )
        plan = plans.get(key, False)
        if plan is False or (plan is not None and plan.source is not macros_by_package):
            try:
                plan = _Plan(builder_class, MacroStack, self, macros_by_package)
            except _Unplannable:
                plan = None
            plans[key] = plan
        if plan is None:
            return _DBT_BUILD(self, macros_by_package, ctx)
        return plan.build(ctx, self.node, self.thread_ctx)

    def to_dict(self: Any) -> dict[str, Any]:
        flat = getattr(self.namespace, "fsi_flat", None)
        if flat is None:
            return dbt_to_dict(self)
        dct = super(ManifestContext, self).to_dict()
        dct.update(flat)
        return dct

    build_namespace.fsi_fast = True  # type: ignore[attr-defined]
    builder_class.build_namespace = build_namespace
    ManifestContext.to_dict = to_dict
    return True
