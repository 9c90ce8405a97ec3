"""A BI reader holding serving.duckdb open in another process neither blocks a run nor sees a half-written copy."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time

import duckdb
from conftest import run_job

TIMEOUT_S = 30

# Opens the serving copy read-only, then answers one line per command on stdin until told to stop.
READER = r"""
import sys, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
def state():
    count = conn.execute("select count(*) from mart.benchmark").fetchone()[0]
    forventet = conn.execute(
        "select forventet_antal from mart.benchmark "
        "where periode = '2020QMAT02' and omraade_kode = '657' and ydelsesgruppe_kode = 'i_alt'"
    ).fetchone()[0]
    return f"{count} {forventet}"
print("ready", state(), flush=True)
for line in sys.stdin:
    if line.strip() == "stop":
        break
    print("read", state(), flush=True)
conn.close()
print("stopped", flush=True)
"""


def _lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.strip())
    out.put(None)


def _next_line(lines: queue.Queue, reader: subprocess.Popen) -> str:
    try:
        line = lines.get(timeout=TIMEOUT_S)
    except queue.Empty:
        raise AssertionError(f"the reader said nothing for {TIMEOUT_S} s") from None
    assert line is not None, f"the reader exited with {reader.wait(timeout=TIMEOUT_S)}: {reader.stderr.read()}"
    return line


def _herning_forventet_plus_one(body: dict) -> None:
    """A new, valid release: Herning's 2020QMAT02 i alt forventet antal 4980 -> 4981 (forskel -120 -> -121)."""
    for row in body["rows"]:
        if row[:3] == ["2020QMAT02", "Herning", "Ydelsesgrupper i alt"]:
            assert (row[3], row[4], row[5]) == (4980, 4860, -120)
            row[3], row[5] = 4981, -121
            return
    raise AssertionError("Herning 2020QMAT02 i alt is not in the sample")


def test_reader_keeps_its_snapshot_while_a_run_republishes(good_copy, bad_sample):
    serving = good_copy.with_name("serving.duckdb")
    new_release = bad_sample(_herning_forventet_plus_one)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    listener = threading.Thread(target=_lines, args=(reader.stdout, lines), daemon=True)
    listener.start()
    try:
        assert _next_line(lines, reader) == "ready 2352 4980"

        started = time.perf_counter()
        result = run_job(good_copy, new_release, benchmark_only=True)
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        assert time.perf_counter() - started < TIMEOUT_S
        assert "publish/serving_duckdb" in {
            e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
        }

        # The open connection still reads the complete old copy.
        reader.stdin.write("read\n")
        reader.stdin.flush()
        assert _next_line(lines, reader) == "read 2352 4980"

        # A new connection sees the new copy.
        conn = duckdb.connect(str(serving), read_only=True)
        try:
            assert conn.execute("select count(*) from mart.benchmark").fetchone()[0] == 2352
            assert conn.execute(
                "select forventet_antal, forskel_antal from mart.benchmark "
                "where periode = '2020QMAT02' and omraade_kode = '657' and ydelsesgruppe_kode = 'i_alt'"
            ).fetchone() == (4981, -121)
        finally:
            conn.close()

        reader.stdin.write("stop\n")
        reader.stdin.flush()
        assert _next_line(lines, reader) == "stopped"
        assert reader.wait(timeout=TIMEOUT_S) == 0
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait(timeout=TIMEOUT_S)
        listener.join(timeout=TIMEOUT_S)  # stdout is at EOF once the reader has exited
        for stream in (reader.stdin, reader.stdout, reader.stderr):
            stream.close()
