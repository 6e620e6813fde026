from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import datagen
from orchestration.paths import REFERENCE_DIR


@pytest.fixture(scope="session")
def scale1_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's output at scale 1, seed 42, in a temporary directory."""
    out = tmp_path_factory.mktemp("scale1")
    datagen.generate(1, 42, out, REFERENCE_DIR)
    return out


@pytest.fixture
def dbts_own_events(monkeypatch: pytest.MonkeyPatch):
    """dbt_common's own event construction and secret look-up, whatever fsi-dbt's
    (orchestration/dbt_events.py) patches during the test put back after it; returns dbt's
    event ``__init__`` and envelope builder."""
    from dbt_common.events import base_types, event_manager, functions

    own = (base_types.BaseEvent.__init__, base_types.msg_from_base_event)
    monkeypatch.setattr(base_types.BaseEvent, "__init__", own[0])
    monkeypatch.setattr(base_types, "msg_from_base_event", own[1])
    monkeypatch.setattr(event_manager, "msg_from_base_event", own[1])
    monkeypatch.setattr(functions, "env_secrets", functions.env_secrets)
    return own


@pytest.fixture
def dbts_own_jinja(monkeypatch: pytest.MonkeyPatch):
    """dbt's own template compilation and macro namespaces, whatever fsi-dbt's patches
    (orchestration/dbt_jinja.py, orchestration/dbt_context.py) during the test put back
    after it."""
    from dbt.context.macros import MacroNamespaceBuilder
    from dbt.context.manifest import ManifestContext
    from dbt_common.clients.jinja import MacroFuzzEnvironment

    monkeypatch.setattr(MacroFuzzEnvironment, "compile", MacroFuzzEnvironment.compile)
    monkeypatch.setattr(
        MacroNamespaceBuilder, "build_namespace", MacroNamespaceBuilder.build_namespace
    )
    monkeypatch.setattr(ManifestContext, "to_dict", ManifestContext.to_dict)
