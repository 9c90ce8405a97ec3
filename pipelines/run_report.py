"""What a run tells the person who started it: progress while it works, and what it published.

`Progress` turns Dagster's step events into one short stderr line each and keeps the warnings for
the end; `summary` lists each published table with what changed against the serving copy the run
replaced (`serving_before` keeps that copy alive across the atomic replace).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from warehouse.publish import BEFORE_RUN, CARRIED_OVER

PUBLISH_KEY = dg.AssetKey(["publish", "serving_duckdb"])
# How Dagster says a step was skipped because a step it depends on failed: counted, not repeated per step.
NOT_RUN = "Dependencies for step"
# Errors whose text already says what failed and where: printed without their class path.
EXPLAINED_ERRORS = frozenset({"ApiError", "StatbankApiError", "InputError", "QueryError"})
# The CLI prints its own progress and summary: Dagster's console logger would add a stack trace per failure.
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}, "progress": {}}}


class Progress(logging.Handler):
    """One short stderr line as each step starts and ends (rows, seconds); the run's warnings kept for the end."""

    def __init__(self, quiet: bool, stream=None):
        super().__init__(logging.DEBUG)  # Dagster logs its step events at DEBUG
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        self.warnings: list[str] = []
        self.not_run = 0  # steps skipped because something upstream failed

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event, step = meta.get("dagster_event"), meta.get("step_key") or "run"
        if event is None:
            message = meta.get("orig_message", record.getMessage())
            if message.startswith(NOT_RUN):
                self.not_run += 1
            elif record.levelno == logging.WARNING:  # errors reach the summary as failures
                self.warnings.append(f"{step}: {message}")
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
            self._say(f"  {step} ...")
        elif kind == "ASSET_MATERIALIZATION":
            count = event.event_specific_data.materialization.metadata.get("dagster/row_count")
            if count is not None:  # one materialisation per asset and run, whatever its months
                self.rows[step] = int(count.value)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            seconds = time.perf_counter() - self.started.get(step, time.perf_counter())
            rows = f"{self.rows[step]:,} rows, " if step in self.rows else ""
            self._say(f"  {step} {'done' if kind == 'STEP_SUCCESS' else 'FAILED'}: {rows}{seconds:.1f} s")


def with_progress(job: dg.JobDefinition, progress: Progress) -> dg.JobDefinition:
    """`job` with a `progress` logger that feeds `progress` (the console logger stays, silenced by RUN_CONFIG)."""

    @dg.logger
    def progress_logger(_context) -> logging.Logger:
        log = logging.Logger("jobindblik.progress", logging.DEBUG)
        log.addHandler(progress)
        return log

    return job.with_logger_defs({**dg.default_loggers(), "progress": progress_logger})


def _key_columns(table: str, columns: list[str]) -> list[str]:
    """The columns that identify a row of a published table, from its pandera model (none when it declares none)."""
    from schemas.types import to_schema
    from warehouse.marts import model_for

    model = model_for(table)
    if model is None:
        return []
    schema = to_schema(model)
    key = list(schema.unique or []) or [name for name, column in schema.columns.items() if column.unique]
    return key if key and set(key) <= set(columns) else []


def _changes(conn, table: str, columns: list[str], before: list[str] | None, carried: str | None | bool = False) -> str:
    """Rows added / changed / removed in `table` (its `columns`) against the attached copy `before` (its columns
    there, None when it has no such table).

    Rows are compared by a 64-bit hash of their values, and matched by a hash of their key where the
    model declares one (without a key a changed row counts as one removed and one added). `carried` is
    what publish carried over from `before` (see warehouse/publish.py): None, the whole table, which then
    is not read; a condition, every row but those it selects, so only those are compared; False, nothing.
    """
    if before is None:
        return "new table"
    if before != columns:
        return "columns changed"
    old = f"before.{table}"
    key = _key_columns(table, columns)
    if carried is None:
        added = changed = removed = 0
    else:
        where = f"where {carried}" if carried else ""
        hashed = f"hash({', '.join(key or columns)}) as kh, hash({', '.join(columns)}) as rh"
        added, changed, removed = conn.execute(
            f"with n as (select {hashed} from {table} {where}), o as (select {hashed} from {old} {where}) select "
            "count(*) filter (where o.kh is null), count(*) filter (where n.rh <> o.rh), "
            "count(*) filter (where n.kh is null) from n full join o on n.kh = o.kh"  # one join: a key matches once
            if key
            else f"with n as (select {hashed} from {table} {where}), o as (select {hashed} from {old} {where}) "
            "select (select count(*) from (select rh from n except all select rh from o)), 0, "
            "(select count(*) from (select rh from o except all select rh from n))"
        ).fetchone()
    return f"+{added:,} ~{changed:,} -{removed:,}" if key else f"+{added:,} -{removed:,}"


def summary(serving: Path, before: Path | None = None, carried_over: Mapping[str, str | None] | None = None) -> str:
    """Each published table's rows, and with `before` (the serving copy the run replaced) what changed in it;
    `carried_over` says what publish took over from `before` as it was (its metadata CARRIED_OVER)."""
    carried_over = carried_over or {}
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        conn.execute("set enable_progress_bar = false")  # it would draw on stdout, between the summary lines
        if before is not None:
            conn.execute("attach ? as before (read_only)", [str(before)])
        tables = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_catalog = current_database() and table_type = 'BASE TABLE' order by 1"
        ).fetchall()  # the bi views repeat these tables' rows
        shapes = dict(  # every table's columns in both copies, asked once: asked per table, 10-40 ms a table
            conn.execute(
                "select concat_ws('.', database_name, schema_name, table_name), "
                "list(column_name order by column_index) from duckdb_columns() group by all"
            ).fetchall()
        )
        home = conn.execute("select current_database()").fetchone()[0]
        lines = []
        for (name,) in tables:
            count = conn.execute(f"select count(*) from {name}").fetchone()[0]
            change = (
                _changes(
                    conn, name, shapes[f"{home}.{name}"], shapes.get(f"before.{name}"), carried_over.get(name, False)
                )
                if before is not None
                else "new copy"
            )
            lines.append(f"  {name:<28} {count:>8,} rows  {change}")
        example = conn.execute(
            "select omraade_navn, periode, forventet_antal, faktisk_antal, forskel_antal, forventet_andel, "
            "faktisk_andel, forskel_pct_point, placering from mart.benchmark "
            "where omraade_kode = '657' and ydelsesgruppe_kode = 'i_alt' order by periode limit 1"
        ).fetchone()
    finally:
        conn.close()
    if before is not None:
        lines.insert(0, "  rows per table, then the change against the copy before this run: +added ~changed -removed")
    if example:
        name, periode, fv, fk, fa, fva, fka, pp, rank = example
        lines.append(
            f"  e.g. {name} {periode} i alt: forventet {fv:,} / faktisk {fk:,} / forskel {fa:+,}; "
            f"{fva:.2f} % vs {fka:.2f} % = {pp:+.2f} pp; placering {rank}"
        )
    return "\n".join(lines)


def carried_over(events: list[dg.DagsterEvent]) -> dict[str, str | None]:
    """What the publish step among `events` (a run's materialisations) carried over from the copy before it."""
    for event in events:
        if event.asset_key == PUBLISH_KEY:
            entry = event.step_materialization_data.materialization.metadata.get(CARRIED_OVER)
            return dict(entry.value) if entry is not None else {}
    return {}


@contextmanager
def serving_before(serving: Path) -> Iterator[Path | None]:
    """The serving copy as it is before the run (a hard link: publish replaces the file, the link keeps the old one)."""
    if not serving.exists():
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix=f"{BEFORE_RUN}{os.getpid()}-", dir=serving.parent))
    kept = folder / serving.name
    try:
        try:
            os.link(serving, kept)
        except OSError:  # a file system without hard links
            shutil.copy2(serving, kept)
        yield kept
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def failure_reason(event: dg.DagsterEvent) -> str:
    """A failed step's reason on one line; our own errors without their class path (their text names the input)."""
    data = event.step_failure_data
    if data.user_failure_data and data.user_failure_data.description:
        text = data.user_failure_data.description
    else:
        error = data.error
        while error.cause is not None:  # the framework wraps the asset's own error
            error = error.cause
        text = error.message.strip()
        if error.cls_name in EXPLAINED_ERRORS:
            text = text.split(": ", 1)[-1]
    lines = text.strip().splitlines() or ["(no message)"]
    return lines[0] + (" ..." if len(lines) > 1 else "")


def quarantined(event: dg.DagsterEvent) -> str | None:
    """Where a failed step put the input it rejected (None when it rejected none)."""
    failure = event.step_failure_data.user_failure_data
    moved = failure.metadata.get("quarantined") if failure is not None else None
    return moved.value if moved is not None else None
