"""The `jobindblik` command: materialise everything from the sample or the live sources."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from pathlib import Path

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
        lines = [
            f"  {name:<28} {conn.execute(f'select count(*) from {name}').fetchone()[0]:>8,} rows" for (name,) in tables
        ]
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


def _execute(defs, source: str, assets, tags, started: float) -> int:
    """Run `refresh_all` (or the `assets` part of it) and report as a person would want to read it."""
    warehouse = settings.warehouse_path()
    job = defs.resolve_job_def("refresh_all")
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=QUIET, tags=tags, asset_selection=assets, raise_on_error=False
        )
    elapsed = time.perf_counter() - started
    if not result.success:
        print(f"jobindblik ({source}) failed after {elapsed:.1f} s:", file=sys.stderr)
        for event in result.get_step_failure_events():
            data = event.step_failure_data
            error = data.error
            while error.cause is not None:  # the framework wraps the asset's own error
                error = error.cause
            reason = data.user_failure_data.description if data.user_failure_data else error.message.strip()
            print(f"  {event.step_key}: {reason}", file=sys.stderr)
        for check in result.get_asset_check_evaluations():
            if not check.passed:
                print(f"  check {check.asset_check_key.to_user_string()} failed: {check.description}", file=sys.stderr)
        print(
            "serving.duckdb was not republished: BI tools still see the last good run. Rejected input is in "
            "quarantine and left staging as it was; a failed check leaves its table as this run wrote it.",
            file=sys.stderr,
        )
        return 1
    serving = warehouse.with_name("serving.duckdb")
    print(f"jobindblik ({source}) finished in {elapsed:.1f} s")
    print(f"warehouse: {warehouse}\nserving copy for BI: {serving}")
    print(_summary(serving))
    return 0


def run(source: str, only_new: bool = False, months: tuple[str, str] | None = None) -> int:
    from pipelines.partitions import all_partitions_tags, partition_key_of, range_tags
    from pipelines.whats_new import new_jobindsats_tables, new_statbank_tables, offered_month_tags, release_plan

    started = time.perf_counter()
    defs = _definitions(source)
    # The live source offers every month since 2007 (every partition); the sample far fewer.
    assets = None
    tags = offered_month_tags(defs.resources["jobindsats"]) if source == "sample" else all_partitions_tags()
    if months:  # a backfill: every table, with the monthly ones limited to these months
        tags = range_tags(partition_key_of(months[0]), partition_key_of(months[1]))
    if only_new:
        resources = defs.resources
        landing = resources["warehouse"].landing()
        new = new_jobindsats_tables(resources["jobindsats"], landing) + new_statbank_tables(
            resources["statbank"], landing
        )
        if not new:
            print(f"jobindblik run ({source}, only new): nothing new, checked in {time.perf_counter() - started:.1f} s")
            return 0
        assets, tags = release_plan(new, defs.resolve_asset_graph())
    return _execute(defs, source, assets, tags, started)


def ingest(paths: list[Path], source: str, table: str | None = None) -> int:
    """Land, stage and publish extract files; per file its table and rows read / staged / replaced.

    Exits 1 when any file was rejected, any row read was not staged, or the run failed.
    """
    from pipelines.ingest import Validator, ingest_file, ingest_plan, replaced_rows, staged_rows, staging_keys

    started = time.perf_counter()
    defs = _definitions(source)
    resources = defs.resources
    validator = Validator(resources["reference"])
    warehouse = resources["warehouse"]
    outcomes = [ingest_file(path, warehouse.landing(), validator, warehouse.inbox_dir, table) for path in paths]
    for outcome in outcomes:
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(f"{outcome.path}: {outcome.status}: {outcome.message}", file=stream)
    keys = staging_keys(outcomes)
    status = 1 if any(o.status == "rejected" for o in outcomes) else 0
    if keys:
        replaced = replaced_rows(warehouse, outcomes)
        periods = [p for o in outcomes for p in o.periods]
        assets, tags = ingest_plan(keys, periods, defs.resolve_asset_graph(), warehouse)
        status = max(status, _execute(defs, source, assets, tags, started))
    else:
        replaced = {}
    for outcome in outcomes:
        if outcome.status == "rejected":
            continue
        read, staged = len(outcome.keys), staged_rows(warehouse, [outcome])[outcome.path]
        lost = f"; {read - staged} not staged" if staged < read else ""
        stream = sys.stderr if lost else sys.stdout
        print(
            f"{outcome.path}: {outcome.table_id}: {read} rows read, {staged} staged, "
            f"{replaced.get(outcome.path, 0)} replaced{lost}",
            file=stream,
        )
        status = max(status, 1 if lost else 0)
    return status


def dictionary_markdown() -> str:
    """The data dictionary page as the code location describes it now."""
    from assets.dictionary import build_dictionary, code_location_specs
    from warehouse.dictionary import markdown

    return markdown(build_dictionary(code_location_specs()))


def dictionary(output: Path | None) -> int:
    from warehouse.dictionary import PAGE

    target = output or PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dictionary_markdown(), encoding="utf-8")
    print(f"data dictionary: {target}")
    return 0


def _definitions(source: str):
    os.environ["JOBINDBLIK_SOURCE"] = source
    from pipelines.definitions import make_definitions

    return make_definitions(settings.warehouse_path(), source)


def _month(text: str) -> str:
    """A monthly period the partitions cover, as argparse checks its arguments."""
    from pipelines.partitions import monthly, partition_key_of

    if not re.fullmatch(r"\d{4}M(0[1-9]|1[0-2])", text) or partition_key_of(text) not in monthly.get_partition_keys():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month from {monthly.get_first_partition_key()[:7]} on, like 2024M01"
        )
    return text


def main(argv: list[str] | None = None) -> int:
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # backfill_policy: stable in use, labelled beta
    parser = argparse.ArgumentParser(prog="jobindblik", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="materialise every asset and publish the serving copy")
    run_parser.add_argument(
        "--source",
        choices=settings.SOURCES,
        default="sample",
        help="sample: the bundled data, offline (default); live: the APIs, reads JOBINDSATS_TOKEN",
    )
    which = run_parser.add_mutually_exclusive_group()
    which.add_argument(
        "--only-new",
        action="store_true",
        help="ask each source what it has published since the last load and materialise only that (the nightly run)",
    )
    which.add_argument(
        "--months",
        nargs=2,
        metavar=("FROM", "TO"),
        type=_month,
        help="backfill: reload the monthly tables for FROM..TO (e.g. 2024M01 2024M06), replacing exactly those months",
    )
    ingest_parser = commands.add_parser(
        "ingest", help="load extract files downloaded by hand (jobindsats CSV/JSON, DST CSV/BULK, .xlsx)"
    )
    ingest_parser.add_argument("files", nargs="+", type=Path, help="the files to load")
    ingest_parser.add_argument(
        "--table",
        metavar="ID",
        help="the table the files are (e.g. y07a07, AUF01) where their content fits several; it must fit the content",
    )
    ingest_parser.add_argument("--source", choices=settings.SOURCES, default="sample", help=argparse.SUPPRESS)
    dictionary_parser = commands.add_parser(
        "dictionary", help="write the data dictionary page (docs/data_dictionary.md) from the pandera models"
    )
    dictionary_parser.add_argument("--output", type=Path, default=None, help="where to write it (default: docs/)")
    args = parser.parse_args(argv)
    if args.command == "dictionary":
        return dictionary(args.output)
    if args.command == "run":
        return run(args.source, args.only_new, tuple(args.months) if args.months else None)
    if args.command == "ingest":
        return ingest(args.files, args.source, args.table)
    return 2


if __name__ == "__main__":
    sys.exit(main())
