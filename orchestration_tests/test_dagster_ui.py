"""The Dagster UI, in a real browser: `dagster dev` on a free port, the lineage page shows the
layer groups and the automation page the three schedules and the sensor. Screenshots are kept
in artifacts/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.paths import PROJECT_DIR, TARGET_DIR

ARTIFACTS = PROJECT_DIR / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
GROUPS = ["staging_marketo", "staging_core_banking", "core", "intermediate_claims",
          "marts_marketing", "marts_claims", "landing", "bi"]  # fmt: skip
AUTOMATION = ["nightly_full_build_schedule", "delta_load_schedule",
              "nightly_reconciliation_schedule", "landing_files_sensor"]  # fmt: skip

pytestmark = [
    pytest.mark.skipif(
        not (TARGET_DIR / "manifest.json").exists(),
        reason="needs target/manifest.json: run `dbt parse` (make test does it first)",
    ),
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("FSI_REQUIRE_BROWSER"),
        reason="needs Chromium (apt-get install -y chromium); CI installs it",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMIUM, "Chromium is required (FSI_REQUIRE_BROWSER is set): apt-get install chromium"
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_DIR / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "FSI_DUCKDB_PATH": str(home / "analytics.duckdb"),
        "FSI_LANDING_DIR": str(home / "landing"),
    }
    log = (home / "dagster.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the webserver, daemon and code server
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (home / "dagster.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dagster dev did not start within 240 s"
            time.sleep(2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
    "--virtual-time-budget=20000",  # let the single-page app load its data and render
]


def _chromium(url: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, *HEADLESS, f"--user-data-dir={profile}", *args, url],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return result.stdout


def _page(url: str, screenshot: str) -> str:
    """The rendered page's DOM, with a screenshot saved under artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    _chromium(url, f"--screenshot={ARTIFACTS / screenshot}")
    assert (ARTIFACTS / screenshot).stat().st_size > 10_000
    return _chromium(url, "--dump-dom")


def test_lineage_page_shows_the_layer_groups(dagster_ui: str) -> None:
    dom = _page(f"{dagster_ui}/asset-groups", "dagster-lineage.png")
    assert "Global asset lineage" in dom
    missing = [group for group in GROUPS if f">{group}<" not in dom]
    assert missing == []


def test_automation_page_shows_the_schedules_and_the_sensor(dagster_ui: str) -> None:
    dom = _page(f"{dagster_ui}/automation", "dagster-automation.png")
    missing = [name for name in AUTOMATION if name not in dom]
    assert missing == []
