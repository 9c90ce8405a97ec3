"""A writing command (`run`, `ingest`) is all or nothing at the warehouse level.

Before it writes, the warehouse is checkpointed and copied aside and the serving copy is
hard-linked aside. When the command fails without publishing, both come back as they were and
the inputs that arrived during it (landed bodies and extract files) move to quarantine with the
failure as their reason, so one bad input is one decision: it never blocks the next run, and a
body still in landing has its rows in staging. A command killed half-way (kill -9, power loss)
leaves its copies behind; the next writer, holding the lock, restores them the same way before
it starts, and removes the temp files dead processes left.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.resources.landing import LandingStore
from warehouse.publish import remove_stale_copies


@dataclass(frozen=True)
class Paths:
    """The working warehouse, its serving copy and where a command keeps them while it runs."""

    warehouse: Path

    @property
    def serving(self) -> Path:
        return self.warehouse.with_name("serving.duckdb")

    @property
    def wal(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + ".wal")

    @property
    def backup(self) -> Path:
        return self.warehouse.with_name(f".{self.warehouse.name}.before-run")

    @property
    def serving_backup(self) -> Path:
        return self.warehouse.with_name(".serving.duckdb.before-run")

    @property
    def manifest(self) -> Path:
        """What the backup is of: whether the files existed, and which bodies were landed before."""
        return self.warehouse.with_name(f".{self.warehouse.name}.before-run.json")


class _Echo(io.StringIO):
    """A stderr that still prints and also keeps what was printed."""

    def __init__(self, stream: io.TextIOBase):
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        return super().write(text)

    def flush(self) -> None:
        self.stream.flush()

    def summary(self) -> str:
        """The command's own account of the failure: from its last line that starts with "jobindblik" on."""
        lines = [line for line in self.getvalue().splitlines() if line.strip()]
        start = max((i for i, line in enumerate(lines) if line.startswith("jobindblik")), default=len(lines) - 5)
        return "\n".join(lines[max(start, 0) :])


@contextmanager
def all_or_nothing(warehouse: Path, landing: LandingStore, command: str) -> Iterator[list[int]]:
    """Run the block as one decision; the block appends its exit code to the yielded list.

    Call only while holding the writer lock (pipelines/lock.py).
    """
    paths = Paths(warehouse)
    for note in recover(paths, landing):
        print(f"jobindblik: {note}", file=sys.stderr)
    _save(paths, landing, command)
    serving_before = _identity(paths.serving)
    outcome: list[int] = []
    said = _Echo(sys.stderr)  # what the command tells the user is the reason its inputs are quarantined
    try:
        with redirect_stderr(said):
            yield outcome
    except BaseException as error:
        _restore(paths, landing, f"`{command}` stopped: {type(error).__name__}: {error}")
        raise
    failed = not outcome or outcome[-1] != 0
    if failed and _identity(paths.serving) == serving_before:  # nothing published: undo it all
        _restore(paths, landing, f"`{command}` failed, so what it landed was taken back:\n{said.summary()}")
    else:  # it succeeded, or BI tools already see its result: the warehouse stays with what was published
        _drop(paths)


def recover(paths: Paths, landing: LandingStore) -> list[str]:
    """Undo what a writer that died left: its half-done warehouse, its landed inputs and temp files."""
    notes = []
    if paths.manifest.exists():
        manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
        run = f"`{manifest['command']}` (pid {manifest['pid']})"
        _restore(paths, landing, f"arrived during {run}, which did not finish")
        notes.append(f"restored the warehouse and serving copy as they were before {run}, which did not finish")
    removed = remove_stale_copies(paths.serving) + landing.remove_temp_files()
    for partial in paths.warehouse.parent.glob(f".{paths.warehouse.name}.before-run*.tmp"):  # a killed _save's
        partial.unlink(missing_ok=True)
        removed.append(partial)
    if removed:
        notes.append(f"removed {len(removed)} temp file(s) of a process that no longer runs")
    return notes


def _save(paths: Paths, landing: LandingStore, command: str) -> None:
    """Copy the warehouse and link the serving copy aside; the manifest, written last, makes them count."""
    if paths.warehouse.exists():
        conn = duckdb.connect(str(paths.warehouse))
        try:
            conn.execute("checkpoint")  # everything in the file itself, nothing left in the WAL
        finally:
            conn.close()
        partial = paths.backup.with_name(paths.backup.name + ".tmp")
        shutil.copyfile(paths.warehouse, partial)
        os.replace(partial, paths.backup)
    if paths.serving.exists():
        paths.serving_backup.unlink(missing_ok=True)
        os.link(paths.serving, paths.serving_backup)  # publish renames a new file over it; this keeps the old one
    manifest = {
        "command": command,
        "pid": os.getpid(),
        "warehouse": paths.warehouse.exists(),
        "serving": paths.serving.exists(),
        "landed": sorted(str(p) for p in landing.meta_files()),
    }
    partial = paths.manifest.with_name(paths.manifest.name + ".tmp")
    partial.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(partial, paths.manifest)


def _restore(paths: Paths, landing: LandingStore, reason: str) -> None:
    """Put back the saved warehouse and serving copy, and quarantine what arrived since they were saved."""
    manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
    paths.wal.unlink(missing_ok=True)  # the failed command's log must not be replayed onto the old file
    # Each step can be repeated: a restore that is itself killed is finished by the next writer's recover().
    saved_files = (
        (manifest["warehouse"], paths.backup, paths.warehouse),
        (manifest["serving"], paths.serving_backup, paths.serving),
    )
    for saved, backup, current in saved_files:
        if not saved:
            current.unlink(missing_ok=True)
        elif backup.exists() and current.exists() and os.path.samefile(backup, current):
            backup.unlink()  # the serving copy was not replaced; rename() would leave both links
        elif backup.exists():
            os.replace(backup, current)
    for landed in landing.arrived_since(frozenset(Path(p) for p in manifest["landed"])):
        landing.quarantine(landed, reason)
    paths.manifest.unlink()


def _drop(paths: Paths) -> None:
    paths.manifest.unlink()  # first: without it the copies are never restored
    paths.backup.unlink(missing_ok=True)
    paths.serving_backup.unlink(missing_ok=True)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (publish replaces it with a new one), or None."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_mtime_ns
