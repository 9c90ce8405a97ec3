"""`jobindblik sql "..."`: a query against serving.duckdb, read-only, printed as a table.

The serving copy is what BI tools see (small counts suppressed), so this is the quickest way to
check a figure without installing the DuckDB CLI; a statement that would write is refused.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb


def run_query(serving: Path, query: str, max_rows: int = 40) -> int:
    """Print the result of `query` on `serving` (at most `max_rows` rows, head and tail); exit status."""
    if not serving.exists():
        print(
            f"jobindblik sql: {serving} does not exist yet: run `jobindblik run` (or `make run`) first", file=sys.stderr
        )
        return 1
    try:
        with duckdb.connect(str(serving), read_only=True) as conn:
            relation = conn.sql(query)
            if relation is None:  # a statement without a result (SET, PRAGMA ...)
                return 0
            relation.show(max_width=shutil.get_terminal_size((160, 40)).columns, max_rows=max_rows)
    except duckdb.Error as error:
        print(f"jobindblik sql: {serving.name}: {error}", file=sys.stderr)
        return 1
    return 0
