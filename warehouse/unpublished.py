"""What the serving copy is behind on, so a run that starts from it never keeps a stale table.

A run that writes marts and stops before publish (a blocking check failing further down, a run cancelled in
the UI) leaves the warehouse ahead of serving.duckdb. A later run over some tables or months starts its
serving copy from the current file and keeps what it did not write itself; without this record it would keep
those stale tables until a full run. Each mart asset marks its table before writing it (a write that then
fails leaves a mark that costs only a whole copy of that table), publish writes every table another run
marked whole, and clears the marks once the new copy is in place. Likewise a copy suppressed under another
diskretionering configuration than today's is not started from: the record of the one it was published
with says so.
"""

from __future__ import annotations

import hashlib

import duckdb

from warehouse.diskretionering import Config

SCHEMA = "drift"
TABLE = f"{SCHEMA}.upublicerede_tabeller"
PUBLISHED_WITH = f"{SCHEMA}.publiceret_med"

Mark = tuple[str, str]  # (table, run_id)


def _ensure(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"create schema if not exists {SCHEMA}")
    conn.execute(f"create table if not exists {TABLE} (tabel varchar, run_id varchar, primary key (tabel, run_id))")
    conn.execute(f"create table if not exists {PUBLISHED_WITH} (diskretionering varchar)")


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
    if published:
        conn.executemany(f"delete from {TABLE} where tabel = ? and run_id = ?", [list(m) for m in published])


def fingerprint(config: Config) -> str:
    """A digest of a diskretionering configuration: equal configurations suppress alike."""
    return hashlib.sha256(repr(config).encode("utf-8")).hexdigest()


def suppressed_alike(conn: duckdb.DuckDBPyConnection, config: Config) -> bool:
    """Whether the serving copy was last published under `config` (unknown, as before this record: no)."""
    _ensure(conn)
    return conn.execute(f"select list(diskretionering) from {PUBLISHED_WITH}").fetchone()[0] == [fingerprint(config)]


def published_with(conn: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Record the configuration the serving copy has just been published with."""
    _ensure(conn)
    conn.execute(f"delete from {PUBLISHED_WITH}")
    conn.execute(f"insert into {PUBLISHED_WITH} values (?)", [fingerprint(config)])
