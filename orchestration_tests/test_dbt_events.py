"""fsi-dbt's event construction (orchestration/dbt_events.py) builds the messages dbt builds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestration import dbt_events

NODE_INFO = {
    "node_path": "core/fct_claims.sql",
    "node_name": "fct_claims",
    "unique_id": "model.fsi_analytics.fct_claims",
    "resource_type": "model",
    "materialized": "incremental",
    "node_status": "started",
    "node_started_at": "2026-12-06T21:00:00.123456",
    "node_finished_at": "",
    "meta": {"owner": "claims", "tiers": [1, "two", None], "nested": {"on": True}},
    "node_relation": {
        "database": "analytics",
        "schema": "core",
        "alias": "fct_claims",
        "relation_name": '"analytics"."core"."fct_claims"',
    },
}


def _events():
    """(event class, keyword arguments) as dbt fires them, one of each shape of argument."""
    from dbt.adapters.events.types import ConnectionUsed, SQLQuery, SQLQueryStatus
    from dbt.events.types import LogTestResult, NodeFinished, NodeStart
    from dbt_common.events.types import Note

    run_result = {
        "status": "success",
        "message": "OK",
        "thread": "Thread-1",
        "execution_time": 0.25,
        "num_failures": 0,
        # timestamps as strings: the constructor refuses them, dbt's own code parses them
        "timing_info": [
            {
                "name": "execute",
                "started_at": "2026-12-06T21:00:00.100000Z",
                "completed_at": "2026-12-06T21:00:00.350000Z",
            }
        ],
        "adapter_response": {"_message": "OK", "rows_affected": 12},
    }
    return [
        (NodeStart, {"node_info": NODE_INFO}),
        (NodeFinished, {"node_info": NODE_INFO, "run_result": run_result}),
        (SQLQuery, {"conn_name": "model.x", "sql": "select 1", "node_info": NODE_INFO}),
        (SQLQueryStatus, {"status": "OK", "elapsed": 0.01, "node_info": {}}),
        (ConnectionUsed, {"conn_type": "duckdb", "conn_name": "master", "node_info": None}),
        (
            LogTestResult,
            {
                "name": "primary_key_fct_claims_claim_no",
                "status": "pass",
                "index": 3,
                "num_models": 420,
                "execution_time": 0.04,
                "num_failures": 0,
                "node_info": NODE_INFO,
            },
        ),
        (Note, {"msg": 42}),  # a message that is not a string: dbt makes it one
    ]


def test_events_are_the_messages_dbt_builds(dbts_own_events) -> None:
    dbt_init, _ = dbts_own_events
    expected = []
    for cls, kwargs in _events():
        event = cls.__new__(cls)
        dbt_init(event, **dict(kwargs))
        expected.append(event.pb_msg)
    assert dbt_events.install_fast_events()
    built = [cls(**dict(kwargs)).pb_msg for cls, kwargs in _events()]
    assert built == expected
    assert built[1].run_result.timing_info[0].started_at.ToJsonString() == (
        "2026-12-06T21:00:00.100Z"
    )
    assert built[-1].msg == "42"


def test_a_positional_message_is_dbts_own_formatting(dbts_own_events) -> None:
    from dbt_common.events.types import Formatting

    assert dbt_events.install_fast_events()
    assert Formatting("--- summary ---").pb_msg.msg == "--- summary ---"


def test_an_event_dbt_cannot_build_is_the_warning_dbt_gives(
    dbts_own_events, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dbt.events.types import NodeStart

    monkeypatch.delenv("PYTEST_CURRENT_TEST")  # dbt raises instead under pytest
    assert dbt_events.install_fast_events()
    warned = []
    from dbt_common.events import functions

    monkeypatch.setattr(functions, "fire_event", lambda event, level=None: warned.append(event))
    event = NodeStart(node_info={"no_such_field": 1})
    assert event.pb_msg == type(event.pb_msg)()
    assert "Unable to parse logging event dictionary" in warned[0].pb_msg.msg


def test_the_envelope_is_the_one_dbt_builds(dbts_own_events) -> None:
    from dbt.adapters.events.types import SQLQuery
    from dbt_common.events.base_types import EventLevel

    _, dbt_envelope = dbts_own_events
    event = SQLQuery(conn_name="model.x", sql="select 1", node_info=NODE_INFO)
    expected = [dbt_envelope(event), dbt_envelope(event, EventLevel.WARN)]
    assert dbt_events.install_fast_events()
    from dbt_common.events import event_manager

    before = datetime.now(UTC).replace(tzinfo=None)
    built = [
        event_manager.msg_from_base_event(event),
        event_manager.msg_from_base_event(event, EventLevel.WARN),
    ]
    after = datetime.now(UTC).replace(tzinfo=None)
    for envelope in built:
        assert before <= envelope.info.ts.ToDatetime() <= after
    for envelope, dbts in zip(built, expected, strict=True):
        envelope.info.ts.CopyFrom(dbts.info.ts)
    assert built == expected
    assert [envelope.info.level for envelope in built] == ["debug", "warn"]
    assert built[0].data.node_info.meta["owner"] == "claims"


def test_the_log_scrubber_hides_the_secrets_of_the_environment_as_it_is_now(
    dbts_own_events, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dbt_common.events import functions
    from dbt_common.exceptions.base import env_secrets as dbts_env_secrets

    monkeypatch.setenv("DBT_ENV_SECRET_TOKEN", "tok-123")
    assert dbt_events.install_fast_secrets()
    # set after the patch, and one of nothing but spaces, which dbt leaves alone
    monkeypatch.setenv("DBT_ENV_SECRETPASSWORD", "pa55")
    monkeypatch.setenv("DBT_ENV_SECRET_EMPTY", "  ")
    monkeypatch.setenv("NOT_A_DBT_ENV_SECRET", "visible")
    assert functions.env_secrets() == dbts_env_secrets()
    assert set(functions.env_secrets()) == {"tok-123", "pa55"}
    line = "token tok-123, password pa55, visible"
    assert functions.env_scrubber(line) == "token *****, password *****, visible"
    monkeypatch.delenv("DBT_ENV_SECRET_TOKEN")
    assert functions.env_scrubber(line) == "token tok-123, password *****, visible"
