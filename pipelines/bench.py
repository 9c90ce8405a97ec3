"""`make bench`: wall-clock time of a cold `jobindblik run`, a second full run, and a nightly run with nothing new.

Each run is a fresh process, as a user or a schedule would start it, against a throwaway
warehouse, so the figures include Python and Dagster start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed_run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jobindblik-bench-") as tmp:
        env = {**os.environ, "JOBINDBLIK_WAREHOUSE": str(Path(tmp) / "jobindblik.duckdb")}
        env.pop("DAGSTER_HOME", None)
        cold = _timed_run(env)
        warm = _timed_run(env)
        nightly = _timed_run(env, "--only-new")
    print(f"jobindblik run, sample, empty warehouse:          {cold:6.1f} s")
    print(f"jobindblik run, sample, again (everything):       {warm:6.1f} s")
    print(f"jobindblik run --only-new (nightly), nothing new: {nightly:6.1f} s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
