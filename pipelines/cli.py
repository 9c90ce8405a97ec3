"""The `jobindblik` command: materialise everything from the sample or the live sources."""

from __future__ import annotations

import argparse
import os
import sys
import time

from pipelines import settings

# Step-by-step events stay in the instance (and the UI); the terminal gets warnings and the summary.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _instance():
    """The persistent instance in DAGSTER_HOME when set (so `make dev` shows the run), else a throwaway one."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _summary(serving) -> str:
    import duckdb

    conn = duckdb.connect(str(serving), read_only=True)
    try:
        tables = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables order by 1"
        ).fetchall()
        lines = [f"  {name:<28} {conn.execute(f'select count(*) from {name}').fetchone()[0]:>8,} rows" for (name,) in tables]
        example = conn.execute(
            "select omraade_navn, periode, forventet_antal, faktisk_antal, forskel_antal, forventet_andel, "
            "faktisk_andel, forskel_pct_point, placering from mart.benchmark "
            "where omraade_kode = '657' and ydelsesgruppe_kode = 'i_alt' order by periode limit 1"
        ).fetchone()
    finally:
        conn.close()
    if example:
        name, periode, fv, fk, fa, fva, fka, pp, rank = example
        lines.append(
            f"  e.g. {name} {periode} i alt: forventet {fv:,} / faktisk {fk:,} / forskel {fa:+,}; "
            f"{fva:.2f} % vs {fka:.2f} % = {pp:+.2f} pp; placering {rank}"
        )
    return "\n".join(lines)


def run(source: str) -> int:
    os.environ["JOBINDBLIK_SOURCE"] = source
    from pipelines.definitions import make_definitions

    warehouse = settings.warehouse_path()
    started = time.perf_counter()
    job = make_definitions(warehouse, source).resolve_job_def("refresh_all")
    with _instance() as instance:
        result = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=False)
    elapsed = time.perf_counter() - started
    if not result.success:
        failures = [event for event in result.all_events if event.is_failure]
        print(f"jobindblik run ({source}) failed after {elapsed:.1f} s:", file=sys.stderr)
        for event in failures:
            print(f"  {event.step_key}: {event.message}", file=sys.stderr)
        checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
        for check in checks:
            print(f"  check {check.asset_check_key.to_user_string()} failed: {check.description}", file=sys.stderr)
        print("The warehouse and the serving copy were left as they were before this run.", file=sys.stderr)
        return 1
    serving = warehouse.with_name("serving.duckdb")
    print(f"jobindblik run ({source}) finished in {elapsed:.1f} s")
    print(f"warehouse: {warehouse}\nserving copy for BI: {serving}")
    print(_summary(serving))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jobindblik", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="materialise every asset and publish the serving copy")
    run_parser.add_argument(
        "--source",
        choices=settings.SOURCES,
        default="sample",
        help="sample: the bundled data, offline (default); live: the APIs, reads JOBINDSATS_TOKEN",
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.source)
    return 2


if __name__ == "__main__":
    sys.exit(main())
