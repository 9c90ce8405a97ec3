"""The serving copy for BI: a whole new file, renamed into place.

BI tools open `serving.duckdb`, never the working warehouse. Writing a temporary file and
renaming it over the old one means a reader holding the old file keeps a consistent snapshot,
is never waited on, and never sees a half-written table; its next connection sees the new copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

SERVED_SCHEMAS = ("mart",)


def publish(
    conn: duckdb.DuckDBPyConnection, serving: Path, schemas: tuple[str, ...] = SERVED_SCHEMAS
) -> dict[str, int]:
    """Copy every table of `schemas` from the connected warehouse to `serving`; return row counts."""
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
            conn.execute(f"create table serving_copy.{schema}.{table} as select * from {schema}.{table}")
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
