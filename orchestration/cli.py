"""The `fsi` command: the same operations Dagster runs, for people and scripts."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from orchestration import datagen
from orchestration.bench import BenchError, markdown, run_bench
from orchestration.datagen.delta import write_batches
from orchestration.dbt import UNIT_TESTS_EXCLUDED, keep_raw_args, run_dbt
from orchestration.delta_state import DELTA_SELECTION, DeltaBuild
from orchestration.extracts import ExtractError, load_extracts
from orchestration.incremental import incremental_changes
from orchestration.landing import LoadError, load
from orchestration.paths import (
    PROJECT_DIR,
    REFERENCE_DIR,
    SEEDS_RAW_DIR,
    bi_path,
    landing_path,
    target_path,
    warehouse_path,
)
from orchestration.publish import PublishError, publish_marts
from orchestration.quality import data_quality_counts
from orchestration.run_results import summarise


class CliError(Exception):
    """An error the user can act on: printed as one sentence, exit code 1."""


def _generate(args: argparse.Namespace) -> int:
    out = args.out or (
        SEEDS_RAW_DIR if args.scale == 1 else PROJECT_DIR / "generated" / f"scale-{args.scale}"
    )
    started = time.perf_counter()
    try:
        written = datagen.generate(
            args.scale,
            args.seed,
            Path(out),
            REFERENCE_DIR,
            SEEDS_RAW_DIR,
            progress=lambda table: print(f"  {time.perf_counter() - started:6.1f}s {table}"),
        )
    except ValueError as error:
        raise CliError(str(error)) from error
    files = sum(len(paths) for paths in written.values())
    print(
        f"generated {files} tables for {', '.join(written)} at scale {args.scale} "
        f"(seed {args.seed}) into {out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


def _delta(args: argparse.Namespace) -> int:
    try:
        written = write_batches(args.batches, args.seed, landing_path(), SEEDS_RAW_DIR)
    except ValueError as error:
        raise CliError(str(error)) from error
    print(
        f"wrote {len(written)} files ({args.batches} batches, seed {args.seed}) to {landing_path()}"
    )
    print("load them with `fsi load`, then `fsi build`")
    return 0


def _load(args: argparse.Namespace) -> int:
    if args.initial:
        return _load_initial(Path(args.initial))
    try:
        report = load(warehouse_path(), landing_path())
    except LoadError as error:
        raise CliError(str(error)) from error
    print(report.summary() if report.files else f"no new files in {landing_path()}")
    if report.count("rejected"):
        print(f"rejected files are in {landing_path() / '_rejected'}, each with a .reason.txt")
    return 0


def _load_initial(directory: Path) -> int:
    started = time.perf_counter()
    try:
        rows = load_extracts(warehouse_path(), directory)
    except ExtractError as error:
        raise CliError(str(error)) from error
    for relation, count in rows.items():
        print(f"  {relation:<45} {count:>12,} rows")
    print(
        f"loaded {len(rows)} raw tables from {directory} into {warehouse_path()} "
        f"in {time.perf_counter() - started:.1f}s; build with `fsi build --keep-raw`"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    command = ["build"]
    if args.full_refresh:
        command.append("--full-refresh")
    if args.reprocess_days:
        command += ["--vars", f"{{reprocess_days: {args.reprocess_days}}}"]
    if args.select:
        command += ["--select", *args.select]
    if args.keep_raw:
        command += keep_raw_args()
    if not args.unit_tests:
        command += UNIT_TESTS_EXCLUDED
    delta = None
    on_spark = (args.target or os.environ.get("FSI_TARGET")) == "spark"
    if args.delta:
        if on_spark:
            raise CliError(
                "--delta reads the DuckDB landing ledger; on Spark run `fsi build` "
                "(the change logs are read all the same)"
            )
        if args.select or args.full_refresh:
            raise CliError("--delta builds the delta path; leave out --select and --full-refresh")
        delta = DeltaBuild.start(warehouse_path(), args.reprocess_days)
        if delta.nothing_to_build:
            print(f"{delta.nothing_to_build} (a full build is `fsi build`)")
            return 0
        print(delta.scope, flush=True)
        command += ["--select", *delta.select]
    code = run_dbt(command, target=args.target, env=delta.dbt_env if delta else None)
    if code:
        raise CliError(f"dbt build failed (exit code {code}); the failing nodes are listed above.")
    summary = summarise(target_path() / "run_results.json")
    if delta:
        delta.succeeded(summary.invocation_id)
    if on_spark:  # the run's changes are in landing.incremental_runs on Spark
        return 0
    changes = incremental_changes(warehouse_path(), summary.invocation_id)
    for model, change in changes.items():
        print(f"  {model:<30} {change}")
    return 0


def _publish(_: argparse.Namespace) -> int:
    try:
        rows = publish_marts()
    except PublishError as error:
        raise CliError(str(error)) from error
    for table, count in rows.items():
        print(f"  {table:<45} {count:>10,} rows")
    print(f"published {len(rows)} marts to {bi_path()}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    print(f"building the warehouse at {warehouse_path()} ...", flush=True)
    code = run_dbt(["build"], target=args.target)
    summary = summarise(target_path() / "run_results.json")
    if code:
        details = "\n  ".join(summary.problems) or "see the dbt output above"
        raise CliError(f"the demo build failed:\n  {details}")
    rows = publish_marts()
    print("\n== fsi-analytics demo ==")
    print(f"models built:     {summary.count('models', 'success')}")
    print(f"seeds loaded:     {summary.count('seeds', 'success')}")
    print(f"snapshots:        {summary.count('snapshots', 'success')}")
    print(
        f"data tests:       {summary.count('data tests', 'pass')} passed, "
        f"{summary.count('data tests', 'warn')} warned {' '.join(summary.warnings)}"
    )
    print(f"unit tests:       {summary.count('unit tests', 'pass')} passed")
    print(f"build time:       {summary.elapsed_seconds:.1f}s")
    print(f"warehouse:        {warehouse_path()}")
    print(f"BI file:          {bi_path()} (open read-only)")
    for table, count in rows.items():
        print(f"  {table:<43} {count:>8,} rows")
    print("set aside (quarantine.quarantined_records, quarantine.data_quality_counts):")
    set_aside = data_quality_counts(warehouse_path())
    width = max((len(check) for _, check, _ in set_aside), default=0)
    for source, check, count in set_aside:
        print(f"  {source:<13} {check:<{width}} {count:>6,} rows")
    print("Dagster UI:       make ui   (then open http://127.0.0.1:3000)")
    return 0


def _bench(args: argparse.Namespace) -> int:
    target = args.target or os.environ.get("FSI_TARGET", "dev")
    try:
        result, path = run_bench(
            args.scale,
            target,
            dagster=not args.no_dagster,
            keep=Path(args.keep) if args.keep else None,
        )
    except (BenchError, ValueError) as error:
        raise CliError(str(error)) from error
    print()
    print(markdown(result))
    print(f"\nresults: {path}")
    return 0


def _dbt(args: argparse.Namespace) -> int:
    return run_dbt(args.dbt_args, target=args.target)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fsi", description=__doc__)
    top.add_argument("--target", help="dbt target (default: $FSI_TARGET or dev)")
    commands = top.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write deterministic source data (seeds)")
    gen.add_argument("--scale", type=int, default=1, help="1 = the committed seeds")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument(
        "--out",
        help="output directory (default: seeds/raw at scale 1, generated/scale-N otherwise)",
    )
    gen.set_defaults(func=_generate)

    delta = commands.add_parser("delta", help="write change batches into landing/")
    delta.add_argument("--batches", type=int, default=1, help="how many batches")
    delta.add_argument("--seed", type=int, default=1)
    delta.set_defaults(func=_delta)

    load_parser = commands.add_parser(
        "load", help="ingest new landing files into the change logs (each file once)"
    )
    load_parser.add_argument(
        "--initial",
        metavar="DIR",
        help="instead: replace the raw tables with DIR/<source>/<table>.parquet "
        "(from `fsi generate --scale N`)",
    )
    load_parser.set_defaults(func=_load)

    build = commands.add_parser(
        "build", help="run dbt build (seeds, models, tests); incremental models incrementally"
    )
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    build.add_argument(
        "--reprocess-days",
        type=int,
        default=0,
        help="re-apply changes loaded in the last N days (the nightly reconciliation uses 2)",
    )
    build.add_argument("--select", nargs="+", help="dbt node selection")
    build.add_argument(
        "--delta",
        action="store_true",
        help=f"build only what the change logs feed ({DELTA_SELECTION}), and with the project "
        "unchanged since the last delta build only what the change logs with new rows feed; "
        "skipped when nothing was loaded and no model changed since the last delta build; "
        "tests of the incremental models and change-log staging read only the changed rows",
    )
    build.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the dbt unit tests (`make test` and `fsi demo` always do)",
    )
    build.add_argument(
        "--keep-raw",
        action="store_true",
        help="do not reseed the raw tables (they came from `fsi load --initial`)",
    )
    build.set_defaults(func=_build)

    commands.add_parser("publish", help="publish the marts to the BI file atomically").set_defaults(
        func=_publish
    )
    commands.add_parser("demo", help="build everything, publish, print a summary").set_defaults(
        func=_demo
    )
    bench = commands.add_parser(
        "bench",
        help="time generate, load, full build, publish, delta and 0-change runs at a scale",
    )
    bench.add_argument("--scale", type=int, default=10, help="data scale (100 = 10M transactions)")
    bench.add_argument(
        "--target",
        default=argparse.SUPPRESS,
        help="dbt target to measure (as fsi --target; spark: a local Spark session)",
    )
    bench.add_argument("--no-dagster", action="store_true", help="skip the Dagster full build")
    bench.add_argument(
        "--keep", metavar="DIR", help="keep the bench's warehouse and logs under DIR"
    )
    bench.set_defaults(func=_bench)
    dbt = commands.add_parser("dbt", help="run any dbt command with the project's settings")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(func=_dbt)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (CliError, PublishError, FileNotFoundError) as error:
        print(f"fsi {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
