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


def runs_sql(weeks: str, keys: str = "person_id, kommune_kode") -> str:
    """SQL: the runs of `weeks` (a query with the `keys`, uge and kode; one code per key and week).

    Within one key and code, consecutive weeks keep `uge - row_number()` constant: each such value is one run.
    """
    return f"""
    select {keys}, kode, min(uge)::integer as foerste_uge, max(uge)::integer as sidste_uge
    from (
        select {keys}, kode, uge, uge - row_number() over (partition by {keys}, kode order by uge) as oe
        from ({weeks})
    )
    group by {keys}, kode, oe"""


def line_runs_sql(weeks: str, lines: str) -> str:
    """SQL: the runs (`RUN_COLUMNS`) of a wide DREAM file: `weeks` (linje, uge, kode) its codes by line number,
    `lines` (linje, person_id, kommune_kode) each line's person and kommune.

    A line is one person in one kommune, so the runs are found per line, partitioned by an integer, and the
    person (a 64-character pseudonym) is joined once per run, never per week. A person on several lines gets
    runs per line, not necessarily maximal (two lines' adjacent weeks of one code stay two runs): the engine's
    rules hold for such runs (tests/test_forloeb.py pins it), and lines never share a person's week (ingest's check).
    """
    return f"""
    select l.person_id, l.kommune_kode, r.kode, r.foerste_uge, r.sidste_uge
    from ({runs_sql(weeks, keys="linje")}) as r
    join ({lines}) as l using (linje)"""


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
