"""The serving copy for BI: a whole new file, renamed into place.

BI tools open `serving.duckdb`, never the working warehouse. Writing a temporary file and
renaming it over the old one means a reader holding the old file keeps a consistent snapshot,
is never waited on, and never sees a half-written table; its next connection sees the new copy.

The copy is where diskretionering happens (warehouse/diskretionering.py): with a `diskretionering`
config, every table built from counts is copied with its small counts suppressed, so BI tools
never see them while the working warehouse keeps the real numbers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from schemas.types import Schema
from warehouse.diskretionering import Config, copy_suppressed

SERVED_SCHEMAS = ("mart",)
# Person-level tables (pseudonymised, still personal: warehouse/forloeb.py) are never served.
NEVER_SERVED = ("person",)


def publish(
    conn: duckdb.DuckDBPyConnection,
    serving: Path,
    schemas: tuple[str, ...] = SERVED_SCHEMAS,
    diskretionering: Config | None = None,
    model_for: Callable[[str], Schema | None] = lambda table: None,
    suppressed: dict[str, int] | None = None,
) -> dict[str, int]:
    """Copy every table of `schemas` from the connected warehouse to `serving`; return row counts.

    With `diskretionering`, a table it has a rule for (its model from `model_for`) is copied
    suppressed; the number of suppressed cells per such table goes into `suppressed`.
    """
    if set(schemas) & set(NEVER_SERVED):
        raise ValueError(f"publish: the schemas {NEVER_SERVED} hold person-level data and are never served")
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'BASE TABLE' "
        "and table_schema in (select unnest(?)) order by 1, 2",
        [list(schemas)],
    ).fetchall()
    counts = {}
    conn.execute("attach ? as serving_copy", [str(tmp)])
    try:
        for schema in schemas:
            conn.execute(f"create schema if not exists serving_copy.{schema}")
        for schema, table in tables:
            name = f"{schema}.{table}"
            rule = diskretionering.rule_for(name, model_for(name)) if diskretionering else None
            if rule is None:
                conn.execute(f"create table serving_copy.{schema}.{table} as select * from {schema}.{table}")
            else:
                cells = copy_suppressed(
                    conn, f"{schema}.{table}", f"serving_copy.{schema}.{table}", rule, diskretionering
                )
                if suppressed is not None:
                    suppressed[f"{schema}.{table}"] = cells
            counts[f"{schema}.{table}"] = conn.execute(
                f"select count(*) from serving_copy.{schema}.{table}"
            ).fetchone()[0]
    except BaseException:
        conn.execute("detach serving_copy")
        tmp.unlink(missing_ok=True)
        raise
    conn.execute("detach serving_copy")
    os.replace(tmp, serving)
    return counts


# The folder a run keeps the serving copy it replaced in, for its change summary (pipelines/run_report.py).
BEFORE_RUN = ".before-run-"


def remove_stale_copies(serving: Path) -> list[Path]:
    """Delete the temp files beside the serving copy of processes that no longer run; return them.

    A publish killed before its rename leaves `.serving.duckdb.<pid>.tmp`, and a run killed before its
    change summary leaves the folder `.before-run-<pid>-*` holding the copy it compared with.
    """
    removed = []
    for leftover in serving.parent.glob(f".{serving.name}.*.tmp*"):
        pid = leftover.name.removeprefix(f".{serving.name}.").split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    for folder in serving.parent.glob(f"{BEFORE_RUN}*-*"):
        pid = folder.name.removeprefix(BEFORE_RUN).split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True
