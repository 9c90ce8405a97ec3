"""DREAM as runs: one row per person, kommune and code for each stretch of consecutive weeks.

A run `(person, kommune_kode, kode, foerste_uge, sidste_uge)` is the lossless run-length form of the weekly
rows (every week is recoverable), and several times fewer rows: landing keeps DREAM extracts as runs, and
the forløb engine reads them, so no pass of it touches every person-week. Files landed before runs hold one
row per person-week; they are encoded on read (`landed_runs_sql`), so a warehouse from before still loads.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.errors import InputError

RUN_COLUMNS = ("person_id", "kommune_kode", "kode", "foerste_uge", "sidste_uge")
WEEK_COLUMNS = ("person_id", "kommune_kode", "uge", "kode")


def runs_sql(weeks: str, person: str = "person_id") -> str:
    """SQL: the runs of `weeks` (a query with `person`, kommune_kode, uge, kode; one code per person and week).

    Within one person, kommune and code, consecutive weeks keep `uge - row_number()` constant: each such
    value is one run.
    """
    return f"""
    select {person}, kommune_kode, kode, min(uge)::integer as foerste_uge, max(uge)::integer as sidste_uge
    from (
        select {person}, kommune_kode, kode, uge,
            uge - row_number() over (partition by {person}, kommune_kode, kode order by uge) as oe
        from ({weeks})
    )
    group by {person}, kommune_kode, kode, oe"""


def landed_runs_sql(conn: duckdb.DuckDBPyConnection, path: Path) -> str:
    """SQL reading a landed DREAM file as runs (`RUN_COLUMNS`), its path the query's one parameter.

    A file landed as weekly rows (before runs) is encoded on read; any other layout is an error naming the file.
    """
    columns = {name for name, *_ in conn.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()}
    if columns == set(RUN_COLUMNS):
        return f"select {', '.join(RUN_COLUMNS)} from read_parquet(?)"
    if columns == set(WEEK_COLUMNS):
        return runs_sql(f"select {', '.join(WEEK_COLUMNS)} from read_parquet(?)")
    raise InputError.single(
        str(path),
        f"a landed DREAM file with the columns {sorted(columns)}, neither runs ({', '.join(RUN_COLUMNS)}) nor "
        f"weeks ({', '.join(WEEK_COLUMNS)}): ingest the original DREAM extract again with `jobindblik ingest FILE`",
    )
