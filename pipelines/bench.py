"""`make bench` and `jobindblik bench --scale N`: wall time and peak memory of runs, each a fresh process.

Every row is a process started as a user or a schedule would start it, against a throwaway
warehouse, so the figures include Python and Dagster start-up. Peak RSS is the process's own
(with the children it waited for), read from wait4 when it ends.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.bench_history import Period, build_history

RUN = ("pipelines.cli", "run", "--quiet")


@dataclass(frozen=True)
class Measured:
    wall_s: float
    peak_rss_mb: float
    stdout: str


def measure(module_args: tuple[str, ...], env: dict[str, str]) -> Measured:
    """`python -m <module_args>` as a fresh process; raises CalledProcessError when it fails (its stderr is shown)."""
    argv = [sys.executable, "-m", *module_args]
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # wait4, not wait(): its rusage is this child's alone
    wall_s = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, argv, stdout)
    return Measured(wall_s, usage.ru_maxrss / 1024, stdout)  # ru_maxrss is in KiB on Linux


def mart_rows(warehouse: Path) -> int:
    """All rows of the warehouse's mart tables (the published tables; staging is not counted)."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'mart' and table_type = 'BASE TABLE'"
        ).fetchall()
        return sum(conn.execute(f'select count(*) from mart."{name}"').fetchone()[0] for (name,) in tables)


def bench_scale(scale: int) -> dict:
    """One full `jobindblik run` over `scale` times the sample's history, in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="jobindblik-bench-") as tmp:
        sample = build_history(settings.sample_dir(), Path(tmp) / "sample", scale)
        warehouse = Path(tmp) / "warehouse" / "jobindblik.duckdb"
        env = {**os.environ, "JOBINDBLIK_WAREHOUSE": str(warehouse), "JOBINDBLIK_SAMPLE_DIR": str(sample)}
        env.pop("DAGSTER_HOME", None)
        run = measure(RUN, env)
        total = mart_rows(warehouse)
    return {"scale": scale, "wall_s": round(run.wall_s, 1), "peak_rss_mb": round(run.peak_rss_mb), "rows": total}


@dataclass(frozen=True)
class Row:
    """One line of `make bench`: a process to time, and the row (by its `key`) to report it as a ratio of, if any."""

    label: str
    module_args: tuple[str, ...]
    key: str = ""
    share_of: str = ""
    json_line: bool = False  # the process prints `bench`'s JSON line: its figures are the run's, not the process's
    revised_sample: bool = False  # run against a copy of the sample whose newest y25i01 month is revised


def bench_rows(last_month: str) -> list[Row]:
    """What `make bench` times, in order, on one warehouse; the scale row makes its own."""
    first_month = str(Period.parse(last_month).moved(-1))
    return [
        Row("jobindblik run, sample, empty warehouse", RUN, key="full run", share_of="floor"),
        Row("jobindblik run, sample, again (everything)", RUN),
        Row("jobindblik run --only-new (nightly), nothing new", (*RUN, "--only-new")),
        Row(
            "jobindblik run --only-new (nightly), y25i01 revised",
            (*RUN, "--only-new"),
            share_of="full run",
            revised_sample=True,
        ),
        Row(
            f"jobindblik run --months {first_month} {last_month}",
            (*RUN, "--months", first_month, last_month),
            share_of="full run",
        ),
        # The marts' SQL alone over the staged inputs the runs above left: the first row is a ratio of it.
        Row(
            "plain DuckDB, the same SQL over the staged inputs", ("pipelines.bench_floor",), key="floor", json_line=True
        ),
        Row("jobindblik bench --scale 10", ("pipelines.cli", "bench", "--scale", "10"), json_line=True),
    ]


def _last_month() -> str:
    """The newest month the sample holds for any monthly table."""
    from pipelines.months import MONTH
    from pipelines.sources.jobindsats import JobindsatsSnapshotClient
    from pipelines.sources.jobindsats_parser import table_specs

    client = JobindsatsSnapshotClient(sample_dir=str(settings.sample_dir()))
    monthly = {spec.api_id for spec in table_specs().values() if spec.periodtype == "M"}
    return max(p for api_id in monthly for p in client.table_metadata(api_id).periods.get("M", []) if MONTH.match(p))


def revised_sample(target: Path) -> Path:
    """A copy of the sample in which one figure of y25i01's newest month moved: the nightly then finds one
    monthly table new, as after a jobindsats release that revises last month."""
    shutil.copytree(settings.sample_dir(), target)
    body_path = target / "jobindsats" / "y25i01.json"
    body = json.loads(body_path.read_text(encoding="utf-8"))
    rows = body["rows"]
    newest = max(row[0] for row in rows)
    row = next(row for row in rows if row[0] == newest)
    count = next(i for i, value in enumerate(row) if isinstance(value, int))  # the first count: bruttoledige
    row[count] += 1
    body_path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return target


def main() -> int:
    table = bench_rows(_last_month())
    measured: dict[str, Measured] = {}
    with tempfile.TemporaryDirectory(prefix="jobindblik-bench-") as tmp:
        env = {**os.environ, "JOBINDBLIK_WAREHOUSE": str(Path(tmp) / "jobindblik.duckdb")}
        env.pop("DAGSTER_HOME", None)
        revised = {**env, "JOBINDBLIK_SAMPLE_DIR": str(revised_sample(Path(tmp) / "revised-sample"))}
        for row in table:
            result = measure(row.module_args, revised if row.revised_sample else env)
            if row.json_line:
                figures = json.loads(result.stdout)
                result = Measured(figures["wall_s"], figures["peak_rss_mb"], result.stdout)
            measured[row.key or row.label] = result
            print(f"{row.label:<52} {result.wall_s:6.1f} s {result.peak_rss_mb:7.0f} MB", flush=True)
            if row.json_line:
                print(f"  {result.stdout.strip()}", flush=True)
    for row in table:  # after every row: a row may be a ratio of one timed after it
        if base := measured.get(row.share_of):
            print(f"{row.label}: {measured[row.key or row.label].wall_s / base.wall_s:.2f} x the {row.share_of}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
