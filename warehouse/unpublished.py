"""Which mart tables the warehouse holds newer than the serving copy, so publish never keeps a stale one.

A run that writes marts and stops before publish (a blocking check failing further down, a run cancelled in
the UI) leaves the warehouse ahead of serving.duckdb. A later run over some tables or months starts its
serving copy from the current file and keeps what it did not write itself; without this record it would keep
those stale tables until a full run. Each mart asset marks its table before writing it (a write that then
fails leaves a mark that costs only a whole copy of that table), publish writes every table another run
marked whole, and clears the marks once the new copy is in place.
"""

from __future__ import annotations

import duckdb

SCHEMA = "drift"
TABLE = f"{SCHEMA}.upublicerede_tabeller"

Mark = tuple[str, str]  # (table, run_id)


def _ensure(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"create schema if not exists {SCHEMA}")
    conn.execute(f"create table if not exists {TABLE} (tabel varchar, run_id varchar, primary key (tabel, run_id))")


def mark(conn: duckdb.DuckDBPyConnection, table: str, run_id: str) -> None:
    """Record that run `run_id` is about to write `table`."""
    _ensure(conn)
    conn.execute(f"insert or ignore into {TABLE} values (?, ?)", [table, run_id])


def marks(conn: duckdb.DuckDBPyConnection) -> frozenset[Mark]:
    """Every table written since the serving copy was last published, with the run that wrote it."""
    _ensure(conn)
    return frozenset(conn.execute(f"select tabel, run_id from {TABLE}").fetchall())


def by_other_runs(found: frozenset[Mark], run_id: str) -> frozenset[str]:
    """The tables of `found` that a run other than `run_id` wrote and did not publish."""
    return frozenset(table for table, run in found if run != run_id)


def clear(conn: duckdb.DuckDBPyConnection, published: frozenset[Mark]) -> None:
    """Forget the marks a publish has just served (a mark made meanwhile stays)."""
    _ensure(conn)
    conn.executemany(f"delete from {TABLE} where tabel = ? and run_id = ?", [list(m) for m in published])
