"""One writer at a time: a lock file beside the warehouse that says who holds it.

DuckDB lets one process write a database file; a second `run` or `ingest` would otherwise fail
midway with DuckDB's own lock message, or land a file it then cannot stage. The lock is an
`flock` on `<warehouse>.lock`, so the kernel releases it when its holder dies however it dies
(kill -9 included) and a dead holder's lock is simply taken; the file's text (pid, host, command,
start time) is only there to say who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.2


class LockHeld(RuntimeError):
    """Another live process is writing the warehouse; the message is one line saying which."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def writer_lock(
    warehouse: Path,
    command: str,
    wait: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block, waiting up to `wait` seconds for another holder.

    Raises LockHeld naming the holder when it is still held after `wait`.
    """
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = clock() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if clock() >= deadline:
                raise LockHeld(_held_message(path, warehouse, wait)) from None
            sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder we waited for removed the file; lock the one there now
    try:
        _report_takeover(fd)
        os.ftruncate(fd, 0)
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "command": command, "started_at": _utc_now()}
        os.pwrite(fd, json.dumps(holder).encode("utf-8"), 0)
        yield
    finally:
        path.unlink(missing_ok=True)  # before unlocking, so a waiter never locks a file that is then removed
        os.close(fd)


def _utc_now() -> str:
    # Not pipelines.resources.landing's: importing that package imports Dagster, a second's start for a lock holder.
    return datetime.now(UTC).isoformat(timespec="seconds")


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False


def _holder(text: str) -> dict | None:
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return None
    return holder if isinstance(holder, dict) else None


def _report_takeover(fd: int) -> None:
    """A lock file with text in it was left by a writer that died (the kernel released its lock): say so."""
    holder = _holder(os.pread(fd, 4096, 0).decode("utf-8", errors="replace"))
    if holder:
        print(
            f"jobindblik: taking over the lock of pid {holder.get('pid')} ({holder.get('command')}, "
            f"since {holder.get('started_at')}), which ended without releasing it",
            file=sys.stderr,
        )


def _held_message(path: Path, warehouse: Path, wait: float) -> str:
    try:
        holder = _holder(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        holder = {}
    who = (
        f"pid {holder.get('pid')} on {holder.get('host')} ({holder.get('command')}, since {holder.get('started_at')})"
        if holder
        else "another process"
    )
    waited = f" after waiting {wait:g} s" if wait else ""
    return f"{warehouse} is being written by {who}{waited}; try again later or pass --wait SECONDS"
