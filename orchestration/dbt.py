"""How the project invokes dbt: one place that knows the project, profiles and warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestration.paths import PROFILES_DIR, PROJECT_DIR, SEEDS_RAW_DIR, warehouse_path

# Unit tests check the SQL, not the data: `make test` and `fsi demo` run them, production
# builds (`fsi build`, the Dagster jobs) leave them out, as dbt recommends.
UNIT_TESTS_EXCLUDED = ("--exclude-resource-type", "unit_test")


def keep_raw_args() -> list[str]:
    """dbt arguments that leave the raw tables alone (they came from `fsi load --initial`):
    exclude the packages that seed them at scale 1 (seeds/raw/<source>/)."""
    packages = sorted(path.name for path in SEEDS_RAW_DIR.iterdir() if path.is_dir())
    # one space-separated value (a union), which dagster-dbt passes through unchanged
    return ["--exclude", " ".join(f"package:raw_{name}" for name in packages)]


def dbt_env(target: str | None = None) -> dict[str, str]:
    """The environment dbt runs in: profiles dir, warehouse path and target."""
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = str(PROFILES_DIR)
    env.setdefault("FSI_DUCKDB_PATH", str(warehouse_path()))
    if target:
        env["FSI_TARGET"] = target
    # Name the target explicitly, as dagster-dbt does (--target): dbt keeps its partial parse
    # only while the target argument is the same.
    env["DBT_TARGET"] = env.get("FSI_TARGET") or "dev"
    return env


def profile_target(name: str) -> dict[str, Any]:
    """One target of profiles/profiles.yml, every string rendered with the environment
    variables and defaults dbt renders it with (``env_var``)."""
    import jinja2
    import yaml

    profile = yaml.safe_load((PROFILES_DIR / "profiles.yml").read_text(encoding="utf-8"))
    env = jinja2.Environment()
    env.globals["env_var"] = lambda var, default=None: os.environ.get(var, default)

    def render(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        return env.from_string(value).render() if isinstance(value, str) else value

    return render(profile["fsi_analytics"]["outputs"][name])


def dbt_executable() -> str:
    """The dbt that fsi and Dagster run: `fsi-dbt` (dbt with critical-path ordering,
    orchestration/dbt_main.py) next to this interpreter, else dbt there or on PATH."""
    bin_dir = Path(sys.executable).parent
    for name in ("fsi-dbt", "dbt"):
        if (bin_dir / name).exists():
            return str(bin_dir / name)
    found = shutil.which("dbt")
    if not found:
        raise FileNotFoundError(
            "dbt is not installed in this environment; run `make install` first."
        )
    return found


def put_dbt_on_path() -> None:
    """Make `dbt` resolvable for libraries that look it up on PATH (dagster-dbt's manifest
    preparation under `dagster dev`), even when the virtual environment is not activated."""
    bin_dir = str(Path(dbt_executable()).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


def run_dbt(args: list[str], target: str | None = None, env: dict[str, str] | None = None) -> int:
    """Run a dbt command in the project directory, streaming its output; returns the exit code.
    ``env`` adds to the environment of ``dbt_env``."""
    env = {**dbt_env(target), **(env or {})}
    Path(env["FSI_DUCKDB_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    if not (PROJECT_DIR / "dbt_packages").exists() and args[:1] != ["deps"]:
        code = subprocess.call([dbt_executable(), "deps", "--quiet"], cwd=PROJECT_DIR, env=env)
        if code:
            return code
    return subprocess.call([dbt_executable(), *args], cwd=PROJECT_DIR, env=env)
