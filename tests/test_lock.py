"""The writer lock: one `run` or `ingest` at a time; a second waits a bounded time or stops with one line.

The holders are real processes (a small Python child taking the lock), so the tests see what a
second terminal would: a live holder named by pid and command, a killed holder's lock taken over.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.cli import LOCK_HELD, main
from pipelines.lock import LockHeld, lock_path, writer_lock

PROJECT = Path(__file__).resolve().parents[1]
HOLD = """
import sys, time
from pathlib import Path
from pipelines.lock import writer_lock
with writer_lock(Path(sys.argv[1]), "jobindblik run --source live"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextlib.contextmanager
def holder(warehouse: Path, seconds: float):
    """A child process holding the lock for `seconds` (it has it when this yields)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout.readline().strip() == "held"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def cli(warehouse: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", [["run"], ["ingest", "missing.csv"]])
def test_a_second_writer_stops_at_once_with_one_line_naming_the_holder(tmp_path, command):
    warehouse = tmp_path / "warehouse" / "jobindblik.duckdb"
    with holder(warehouse, 30) as child:
        started = time.perf_counter()
        code, out, err = cli(warehouse, *command, "--wait", "0")
        seconds = time.perf_counter() - started

    assert code == LOCK_HELD
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "IO Error" not in err
    assert f"{warehouse} is being written by pid {child.pid} on " in err
    assert "(jobindblik run --source live, since 20" in err
    assert err.rstrip().endswith("try again later or pass --wait SECONDS")
    assert seconds < 5
    assert not warehouse.exists()  # nothing was done


def test_the_wait_is_bounded(tmp_path):
    """The waiting loop gives up after `wait` seconds of its clock (a fake clock: no real waiting)."""
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    warehouse = tmp_path / "jobindblik.duckdb"
    with holder(warehouse, 30):
        with pytest.raises(LockHeld, match=r"after waiting 3 s; try again later"):
            with writer_lock(warehouse, "second", wait=3, clock=lambda: now[0], sleep=sleep):
                pass
    assert 3 <= sum(slept) <= 3.5


def test_a_waiting_writer_gets_the_lock_when_the_holder_finishes(tmp_path):
    warehouse = tmp_path / "jobindblik.duckdb"
    with holder(warehouse, 1) as child:
        started = time.perf_counter()
        with writer_lock(warehouse, "second", wait=30):
            waited = time.perf_counter() - started
            assert str(os.getpid()) in lock_path(warehouse).read_text(encoding="utf-8")
        child.wait()
    assert 0.3 < waited < 10
    assert not lock_path(warehouse).exists()  # released: no lock file left behind


def test_the_lock_of_a_killed_holder_is_taken_over(tmp_path, capsys):
    warehouse = tmp_path / "jobindblik.duckdb"
    with holder(warehouse, 30) as child:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert str(child.pid) in lock_path(warehouse).read_text(encoding="utf-8")  # its text stays behind

        with writer_lock(warehouse, "second", wait=0):
            assert f'"pid": {os.getpid()}' in lock_path(warehouse).read_text(encoding="utf-8")

    assert f"taking over the lock of pid {child.pid} (jobindblik run --source live" in capsys.readouterr().err
