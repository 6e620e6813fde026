from __future__ import annotations

import pytest

from orchestration.translator import group_for


@pytest.mark.parametrize(
    ("props", "group"),
    [
        (
            {
                "resource_type": "model",
                "package_name": "fsi_analytics",
                "fqn": ["fsi_analytics", "staging", "salesforce", "stg_salesforce__accounts"],
            },
            "staging_salesforce",
        ),
        (
            {
                "resource_type": "model",
                "package_name": "fsi_analytics",
                "fqn": ["fsi_analytics", "core", "dim_users"],
            },
            "core",
        ),
        (
            {
                "resource_type": "model",
                "package_name": "fsi_analytics",
                "fqn": ["fsi_analytics", "marts", "marketing", "country_email_engagement"],
            },
            "marts_marketing",
        ),
        (
            {
                "resource_type": "seed",
                "package_name": "raw_marketo",
                "fqn": ["raw_marketo", "lead"],
            },
            "raw_marketo",
        ),
        (
            {
                "resource_type": "seed",
                "package_name": "fsi_analytics",
                "fqn": ["fsi_analytics", "country_aliases"],
            },
            "reference",
        ),
        (
            {
                "resource_type": "snapshot",
                "package_name": "fsi_analytics",
                "fqn": ["fsi_analytics", "customers_history"],
            },
            "snapshots",
        ),
    ],
)
def test_groups_follow_layer_and_domain(props: dict, group: str) -> None:
    assert group_for(props) == group
