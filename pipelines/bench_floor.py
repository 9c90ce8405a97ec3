"""The plain-DuckDB floor of a run: the marts' own SQL over the same staged inputs, and nothing else.

`make bench` reports a sample run as a ratio to this floor, measured in the same hour, because the
machine's speed varies. It copies a warehouse a run has built, keeps its staging tables and the
tables built in Python (dimensions, tilsyn, the dictionary) as inputs, and times `CREATE TABLE AS`
of every mart declared as a query, in declaration order: no Dagster, no validation, no publish.
`python -m pipelines.bench_floor [WAREHOUSE]` (default: JOBINDBLIK_WAREHOUSE) prints one JSON line, as
`jobindblik bench` does: the SQL's wall time and the process's peak memory.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines import settings
from warehouse.marts import MARTS, Scope


def floor_seconds(warehouse: Path) -> float:
    """Seconds plain DuckDB takes to build every SQL mart of `warehouse` again from its inputs."""
    with tempfile.TemporaryDirectory(prefix="jobindblik-floor-") as tmp:
        copy = Path(tmp) / "floor.duckdb"
        shutil.copy2(warehouse, copy)
        conn = duckdb.connect(str(copy))
        try:
            queries = []
            for mart in MARTS:
                if not mart.frame:
                    queries.append((mart.table, mart.rows(conn, Scope())))
                    conn.execute(f"drop table {mart.table}")
            started = time.perf_counter()
            for table, rows in queries:
                for name, frame in rows.frames.items():
                    conn.register(name, frame)
                conn.execute(f"create table {table} as {rows.text}", rows.params or None)
            return time.perf_counter() - started
        finally:
            conn.close()


if __name__ == "__main__":
    seconds = floor_seconds(Path(sys.argv[1]) if len(sys.argv) > 1 else settings.warehouse_path())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall_s": round(seconds, 2), "peak_rss_mb": round(peak)}))
