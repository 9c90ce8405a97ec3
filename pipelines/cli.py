"""The `jobindblik` command: materialise everything from the sample or the live sources."""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from pipelines import settings

# A second writer waits this long for the first by default; the exit code when it is still busy (EX_TEMPFAIL).
DEFAULT_WAIT = 5.0
LOCK_HELD = 75


def _instance():
    """The persistent instance in DAGSTER_HOME when set (so `make dev` shows the run), else a throwaway one."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _execute(defs, source: str, assets, tags, started: float, quiet: bool = False) -> int:
    """Run `refresh_all` (or the `assets` part of it) and report as a person would want to read it."""
    from pipelines.resources.warehouse import kept_open
    from pipelines.run_report import (
        PUBLISH_KEY,
        RUN_CONFIG,
        Progress,
        carried_over,
        failure_reason,
        quarantined,
        serving_before,
        summary,
        with_progress,
    )

    warehouse = settings.warehouse_path()
    serving = warehouse.with_name("serving.duckdb")
    progress = Progress(quiet)
    job = with_progress(defs.resolve_job_def("refresh_all"), progress)
    with serving_before(serving) as before, _instance() as instance:
        with kept_open(warehouse):
            result = job.execute_in_process(
                instance=instance, run_config=RUN_CONFIG, tags=tags, asset_selection=assets, raise_on_error=False
            )
        materialised = result.get_asset_materialization_events()
        published = any(e.asset_key == PUBLISH_KEY for e in materialised)
        changes = summary(serving, before, carried_over(materialised)) if published else ""
    elapsed = time.perf_counter() - started
    for warning in progress.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.success:
        print(f"jobindblik ({source}) failed after {elapsed:.1f} s:", file=sys.stderr)
        failures = result.get_step_failure_events()
        for event in failures:
            print(f"  {event.step_key}: {failure_reason(event)}", file=sys.stderr)
        # A check fails in the step that writes its table, which then fails too and keeps what it had: its
        # reason is the step's. Only a check whose step succeeded says something of its own.
        failed_steps = {event.step_key for event in failures}
        failed_checks = [
            check
            for check in result.get_asset_check_evaluations()
            if not check.passed and "__".join(check.asset_key.path) not in failed_steps
        ]
        for check in failed_checks:
            print(f"  check {check.asset_check_key.to_user_string()} failed: {check.description}", file=sys.stderr)
        if progress.not_run:
            print(f"  ({progress.not_run} steps that depend on these did not run)", file=sys.stderr)
        if published:
            print(
                f"serving.duckdb was republished ({serving}): BI tools see the new copy; the tables the failed steps "
                "feed hold what the last good run gave them.",
                file=sys.stderr,
            )
            print(changes, file=sys.stderr)
        else:
            print("serving.duckdb was not republished: BI tools still see the last good copy.", file=sys.stderr)
        for moved in filter(None, map(quarantined, failures)):
            print(f"Rejected input is in quarantine: {moved}; staging keeps what it had.", file=sys.stderr)
        return 1
    reports = _write_reports(serving) if published else ""
    print(f"jobindblik ({source}) finished in {time.perf_counter() - started:.1f} s")
    print(f"warehouse: {warehouse}\nserving copy for BI: {serving}")
    print(changes if published else "serving.duckdb: nothing to republish in this run")
    if reports:
        print(reports)
    return 0


def _write_reports(serving: Path) -> str:
    """The configured kommuner' reports from the serving copy just published (pipelines/config/rapport.toml)."""
    from warehouse.rapport import configured_kommuner, report_folder, write_report
    from warehouse.rapport.afsnit import RapportFejl

    started = time.perf_counter()
    written = []
    for kommune in configured_kommuner():
        try:
            written.append(write_report(serving, kommune)[0])
        except RapportFejl as error:  # serving is published all the same; say which report is missing and why
            print(f"warning: no report for kommune {kommune}: {error}", file=sys.stderr)
    names = ", ".join(path.name for path in written)
    return f"reports in {report_folder(serving)} ({time.perf_counter() - started:.1f} s): {names}"


def _missing_token(source: str) -> str | None:
    """The one line to print when the live source has no token to send (checked before any request)."""
    if source == "live" and not os.environ.get("JOBINDSATS_TOKEN", "").strip():
        return "JOBINDSATS_TOKEN is not set or empty: the live source needs your jobindsats.dk API token in it"
    return None


def _new_releases(source: str) -> list:
    """What the sources have published since the last load, asked through the resources a run would use.

    The catalogue is the question itself, so it is asked fresh, not from the metadata cache (which
    this also refreshes for the run that follows). The resources are used directly, not through
    `dg.build_resources`, whose throwaway Dagster instance would cost half a second of a no-op night.
    """
    from pipelines.resources import make_resources
    from pipelines.whats_new import new_jobindsats_tables, new_statbank_tables

    resources = make_resources(settings.warehouse_path(), source, fresh_metadata=True, direct=True)
    landing = resources["warehouse"].landing()
    return new_jobindsats_tables(resources["jobindsats"], landing) + new_statbank_tables(resources["statbank"], landing)


def run(source: str, releases: list | None = None, months: tuple[str, str] | None = None, quiet: bool = False) -> int:
    from pipelines.whats_new import months_plan, release_plan

    started = time.perf_counter()
    defs = _definitions(source)
    # A full run covers every month since 2007 (a run without a month range); a backfill the monthly
    # tables and what depends on them, over its months; the nightly what the sources released.
    assets, tags = months_plan(defs.resolve_asset_graph(), *months) if months else (None, {})
    if releases:
        assets, tags = release_plan(releases, defs.resolve_asset_graph())
    return _execute(defs, source, assets, tags, started, quiet)


def nothing_new(source: str, started: float) -> tuple[int | None, list]:
    """The nightly question, asked before the writer lock and before the code location is loaded, so a night
    with nothing new costs only the question: (exit code to stop with, or None; the releases to run)."""
    from pipelines.errors import InputError
    from pipelines.sources.http import ApiError

    try:
        new = _new_releases(source)
    except (ApiError, InputError) as error:
        print(f"jobindblik run ({source}, only new) failed: {error}", file=sys.stderr)
        print("Nothing ran: the warehouse and serving.duckdb are as they were.", file=sys.stderr)
        return 1, []
    if not new:
        print(f"jobindblik run ({source}, only new): nothing new, checked in {time.perf_counter() - started:.1f} s")
        return 0, []
    return None, new


def ingest(paths: list[Path], source: str, table: str | None = None, quiet: bool = False) -> int:
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
        status = max(status, _execute(defs, source, assets, tags, started, quiet))
    else:
        replaced = {}
    for outcome in outcomes:
        if outcome.status == "rejected" or outcome.keys is None:  # a person file: its rows are in the line above
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
    from warehouse.dictionary import markdown
    from warehouse.marts import BY_TABLE, Scope

    return markdown(BY_TABLE["mart.data_dictionary"].rows(None, Scope()))


def dictionary(output: Path | None) -> int:
    from warehouse.dictionary import PAGE

    target = output or PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dictionary_markdown(), encoding="utf-8")
    print(f"data dictionary: {target}")
    return 0


def sql(query: str) -> int:
    from pipelines.sql import run_query

    return run_query(settings.warehouse_path().with_name("serving.duckdb"), query)


def rapport(kommune: str, periode: str | None, pdf: bool) -> int:
    """The committee report of one kommune, from serving.duckdb only; the files written, one line each."""
    from warehouse.rapport import write_report
    from warehouse.rapport.afsnit import RapportFejl

    try:
        written = write_report(settings.warehouse_path().with_name("serving.duckdb"), kommune, periode, pdf)
    except (RapportFejl, RuntimeError) as error:
        print(f"jobindblik rapport: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"rapport: {path}")
    return 0


def _definitions(source: str):
    os.environ["JOBINDBLIK_SOURCE"] = source
    from pipelines.definitions import make_definitions

    return make_definitions(settings.warehouse_path(), source)


def _month(text: str) -> str:
    """A month the pipeline keeps (2007M01 to the current month), as argparse checks its arguments."""
    from pipelines.months import MONTH, every_month

    if not MONTH.match(text) or text not in every_month():
        raise argparse.ArgumentTypeError(f"{text!r} is not a month from {every_month()[0]} on, like 2024M01")
    return text


def _scale(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 on")
    return int(text)


def bench(scale: int) -> int:
    """One full run over `scale` times the sample's history, as one JSON line (pipelines/bench.py)."""
    import json
    import subprocess

    from pipelines.bench import bench_scale

    try:
        print(json.dumps(bench_scale(scale)))
    except subprocess.CalledProcessError as failed:
        print(
            f"jobindblik bench: the run at scale {scale} failed (exit {failed.returncode}); see above", file=sys.stderr
        )
        return 1
    return 0


def _one_writer(command: str, wait: float, work: Callable[[], int]) -> int:
    """`work` under the warehouse's writer lock, all or nothing (pipelines/lock.py, pipelines/rollback.py)."""
    from pipelines.lock import LockHeld, writer_lock
    from pipelines.resources.warehouse import WarehouseResource
    from pipelines.rollback import all_or_nothing

    warehouse = settings.warehouse_path()
    landing = WarehouseResource(path=str(warehouse)).landing()
    try:
        with writer_lock(warehouse, command, wait), all_or_nothing(warehouse, landing, command) as outcome:
            outcome.append(work())
            return outcome[-1]
    except LockHeld as held:
        print(f"jobindblik: {held}", file=sys.stderr)
        return LOCK_HELD


def _given_twice(paths: list[Path]) -> Path | None:
    """The first file named a second time (`a.csv ./a.csv` too): landing it twice would only confuse the summary."""
    seen: set[str] = set()
    for path in paths:
        if os.path.abspath(path) in seen:
            return path
        seen.add(os.path.abspath(path))
    return None


def main(argv: list[str] | None = None) -> int:
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # code references: stable in use, labelled beta
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
        help="backfill: reload the monthly tables for FROM..TO (e.g. 2024M01 2024M06) and what depends on them, "
        "replacing exactly those months",
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
    for writer in (run_parser, ingest_parser):
        writer.add_argument(
            "--quiet", action="store_true", help="no progress lines on stderr while the run works (the summary stays)"
        )
        writer.add_argument(
            "--wait",
            type=float,
            default=DEFAULT_WAIT,
            metavar="SECONDS",
            help=f"if another run or ingest is writing the warehouse, wait this long for it (default {DEFAULT_WAIT:g})",
        )
    dictionary_parser = commands.add_parser(
        "dictionary", help="write the data dictionary page (docs/data_dictionary.md) from the pandera models"
    )
    dictionary_parser.add_argument("--output", type=Path, default=None, help="where to write it (default: docs/)")
    bench_help = (
        "time a full run over N times the sample's history (its series shifted back, none before 2007) in a "
        'throwaway warehouse; prints {"scale", "wall_s", "peak_rss_mb", "rows": rows in the mart tables}'
    )
    bench_parser = commands.add_parser("bench", help=bench_help, description=bench_help)
    bench_parser.add_argument("--scale", type=_scale, default=1, metavar="N", help="copies of the history (default 1)")
    sql_parser = commands.add_parser("sql", help="run a query read-only against serving.duckdb and print the result")
    sql_parser.add_argument("query", help='e.g. "select * from bi.ledige_pr_maaned limit 5"')
    rapport_parser = commands.add_parser(
        "rapport", help="write a kommune's committee report (HTML, optionally PDF) from serving.duckdb"
    )
    rapport_parser.add_argument("--kommune", required=True, metavar="KODE", help="the kommune's DST code, e.g. 657")
    rapport_parser.add_argument("--periode", metavar="MAANED", help="the month, e.g. 2026M07 (default: the newest)")
    rapport_parser.add_argument("--pdf", action="store_true", help="also print it to PDF with headless Chromium")
    forloeb_parser = commands.add_parser(
        "bench-forloeb", help="time the forløb engine on generated data; one JSON line"
    )
    forloeb_parser.add_argument("--persons", type=int, default=2_000_000)
    forloeb_parser.add_argument("--weeks", type=int, default=52)
    forloeb_parser.add_argument(
        "--memory-limit", default="3GB", help="DuckDB's memory_limit; beyond it, it spills to the temporary folder"
    )
    args = parser.parse_args(argv)
    if args.command == "bench":
        return bench(args.scale)
    if args.command == "dictionary":
        return dictionary(args.output)
    if args.command == "sql":
        return sql(args.query)
    if args.command == "rapport":
        return rapport(args.kommune, args.periode, args.pdf)
    if args.command == "bench-forloeb":
        from pipelines import bench_forloeb

        return bench_forloeb.main(args.persons, args.weeks, args.memory_limit)
    command = " ".join(["jobindblik", *(argv if argv is not None else sys.argv[1:])])
    if args.command == "run":
        if problem := _missing_token(args.source):
            print(f"jobindblik run ({args.source}): {problem}", file=sys.stderr)
            return 2
        months = tuple(args.months) if args.months else None
        new = []
        if args.only_new:
            code, new = nothing_new(args.source, time.perf_counter())
            if code is not None:
                return code
        return _one_writer(command, args.wait, lambda: run(args.source, new, months, args.quiet))
    if args.command == "ingest":
        twice = _given_twice(args.files)
        if twice:
            print(f"jobindblik ingest: {twice} is given twice; give each file once", file=sys.stderr)
            return 2
        return _one_writer(command, args.wait, lambda: ingest(args.files, args.source, args.table, args.quiet))
    return 2


if __name__ == "__main__":
    sys.exit(main())
