"""A writing command is all or nothing: a failed one leaves the warehouse as it was and its input in
quarantine, so the next one is not blocked; a killed one is undone by the next writer.

Every case starts from a copy of the shared good run's warehouse.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE_DIR, copy_warehouse, read_table
from pandas.testing import assert_frame_equal

from pipelines.cli import main

PROJECT = Path(__file__).resolve().parents[1]
HEADER = (Path(__file__).parent / "fixtures" / "extracts" / "y30r21_udtraek.csv").read_text(encoding="utf-8")
HEADER = HEADER.splitlines()[0]
HERNING = "2020QMAT02;Herning;Ydelsesgrupper i alt;4980;4860;"
STAGING_ORDER = "periode, omraade_kode, ydelsesgruppe"


def y30r21_csv(herning: str) -> str:
    """The sample's 2020QMAT02 y30r21 rows as a CSV export, Herning's i-alt row starting with `herning`."""
    body = json.loads((SAMPLE_DIR / "jobindsats" / "y30r21.json").read_text(encoding="utf-8"))
    rows = [";".join("" if c is None else str(c) for c in row) for row in body["rows"] if row[0] == "2020QMAT02"]
    text = "\n".join([HEADER, *rows]) + "\n"
    assert HERNING in text
    return text.replace(HERNING, herning)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(warehouse: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
        mp.setenv("JOBINDBLIK_SOURCE", "sample")
        mp.delenv("DAGSTER_HOME", raising=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def leftovers(folder: Path) -> list[str]:
    """Temp files, saved copies and the lock: nothing of the kind may outlive a command."""
    names = [".tmp", "before-run", ".lock", ".wal"]
    return sorted(str(p) for p in folder.rglob("*") if any(n in p.name for n in names))


def test_an_extract_failing_the_benchmark_check_is_taken_back_and_does_not_block_the_next_ingest(good_run, tmp_path):
    """Staging accepts forventet +10 with forskel unchanged; mart.benchmark's check does not (issue 10, item 3)."""
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    staging = read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)
    before = (digest(warehouse), digest(warehouse.with_name("serving.duckdb")))
    landing = warehouse.parent / "landing"
    landed = sorted(landing.rglob("*"))
    poisoned = tmp_path / "y30r21_poisoned.csv"
    poisoned.write_text(y30r21_csv("2020QMAT02;Herning;Ydelsesgrupper i alt;4990;4860;"), encoding="utf-8")

    code, _, err = cli(warehouse, "ingest", str(poisoned))

    assert code == 1
    assert "disagree with the published y30r21" in err
    assert_frame_equal(read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER), staging)
    assert (digest(warehouse), digest(warehouse.with_name("serving.duckdb"))) == before
    assert sorted(landing.rglob("*")) == landed
    kept = warehouse.parent / "quarantine" / "jobindsats" / "y30r21" / f"{digest(poisoned)}.csv"
    assert kept.read_bytes() == poisoned.read_bytes()
    reason = kept.with_name(f"{digest(poisoned)}.reason.txt").read_text(encoding="utf-8")
    assert f"`jobindblik ingest {poisoned}` failed" in reason and "disagree with the published y30r21" in reason
    assert leftovers(warehouse.parent) == []

    code, out, _ = cli(warehouse, "ingest", str(poisoned))  # not "unchanged: already loaded": it never was

    assert code == 1 and f"{poisoned}: landed: jobindsats y30r21" in out
    assert sorted(landing.rglob("*")) == landed

    fixed = tmp_path / "y30r21_fixed.csv"
    fixed.write_text(y30r21_csv("2020QMAT02;Herning;Ydelsesgrupper i alt;4990;4870;"), encoding="utf-8")
    code, out, err = cli(warehouse, "ingest", str(fixed))

    assert code == 0, err
    serving = read_table(warehouse.with_name("serving.duckdb"), "mart.benchmark")
    herning = serving[(serving["omraade_navn"] == "Herning") & (serving["periode"] == "2020QMAT02")]
    assert herning.loc[herning["ydelsesgruppe_kode"] == "i_alt", "forventet_antal"].tolist() == [4990]
    assert leftovers(warehouse.parent) == []


def _when(condition: Callable[[], bool], child: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert child.poll() is None, "the run ended before the point to kill it at"
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _saved(warehouse: Path) -> bool:
    return warehouse.with_name(f".{warehouse.name}.before-run.json").exists()


def _writing(warehouse: Path) -> bool:
    return warehouse.with_name(warehouse.name + ".wal").exists()


def _publishing(warehouse: Path) -> bool:
    return any(warehouse.parent.glob(".serving.duckdb.*.tmp"))


KILL_POINTS = {
    "saved_and_landing": _saved,
    "staging": _writing,
    "publish": _publishing,
}
# The runs here are one-month backfills: the same save, landing, staging, marts and publish as a full run (every
# table, the monthly ones for this month), so every kill point is reached, without the cost of all the months.
ONE_MONTH = ("--months", "2026M07", "2026M07")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_any_point_is_undone_by_the_next_writer(point, good_run, tmp_path):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    serving = warehouse.with_name("serving.duckdb")
    before = (digest(warehouse), digest(serving))
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "JOBINDBLIK_WAREHOUSE": str(warehouse)}
    env.pop("DAGSTER_HOME", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run", *ONE_MONTH],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _when(lambda: KILL_POINTS[point](warehouse), child)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert leftovers(warehouse.parent)  # it died mid-way: its copies (and maybe temp files) are there

    # The next writer, even one that fails at once, first undoes the killed run.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = cli(warehouse, "ingest", str(empty))

    assert code == 1
    assert "restored the warehouse and serving copy as they were before `" in err
    assert f"(pid {child.pid}), which did not finish" in err
    assert (digest(warehouse), digest(serving)) == before
    assert leftovers(warehouse.parent) == []
    if point == "publish":  # and the next real run succeeds and publishes a whole copy
        code, out, err = cli(warehouse, "run", *ONE_MONTH)
        assert code == 0, err
        assert "mart.benchmark" in out
        assert len(read_table(serving, "mart.benchmark")) == len(read_table(warehouse, "mart.benchmark"))
        assert leftovers(warehouse.parent) == []


def test_temp_files_of_dead_processes_beside_serving_are_removed_and_those_of_live_ones_kept(tmp_path):
    """A killed publish leaves `.serving.duckdb.<pid>.tmp`, a killed run its `.before-run-<pid>-*` folder."""
    from warehouse.publish import BEFORE_RUN, remove_stale_copies

    finished = subprocess.Popen(["true"])
    finished.wait()  # a pid that has finished once waited for (kept: a dropped Popen may reap it first)
    dead_pid = finished.pid
    serving = tmp_path / "serving.duckdb"
    stale_copy = tmp_path / f".serving.duckdb.{dead_pid}.tmp"
    stale_folder = tmp_path / f"{BEFORE_RUN}{dead_pid}-abc"
    live_folder = tmp_path / f"{BEFORE_RUN}{os.getpid()}-def"
    stale_copy.write_bytes(b"half")
    for folder in (stale_folder, live_folder):
        folder.mkdir()
        (folder / "serving.duckdb").write_bytes(b"old")

    removed = remove_stale_copies(serving)

    assert sorted(removed) == sorted([stale_copy, stale_folder])
    assert not stale_copy.exists() and not stale_folder.exists() and live_folder.exists()
