"""How dbt nodes become Dagster assets: grouped by layer and domain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator


def group_for(props: Mapping[str, Any]) -> str:
    """`<layer>_<domain>` from a node's folder, e.g. staging_salesforce, marts_marketing.

    Seeds of the raw source packages group as raw_<source>; reference seeds as reference;
    snapshots as snapshots; core (one conformed star schema shared by every domain) is its own
    group.
    """
    package = props.get("package_name", "")
    if props.get("resource_type") == "seed":
        return package if package.startswith("raw_") else "reference"
    if props.get("resource_type") == "snapshot":
        return "snapshots"
    folders = list(props.get("fqn", []))[1:-1]  # drop the project name and the node name
    if not folders:
        return "default"
    return "_".join(folders[:2])


class LayerDomainTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return group_for(dbt_resource_props)
