"""The landing zone: every response or file exactly as received, named by its content hash.

A body lands once (same bytes, same file); its sidecar records what was asked and when it was
last seen. Bad input is moved to quarantine with the reason beside it, so it never feeds staging
again but is kept for whoever has to look at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

META_SUFFIX = ".meta.json"


def utc_now() -> str:
    # Microseconds: `newest` orders bodies by last_seen_at, and two bodies can land within one second.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_meta(path: Path, record: dict[str, Any]) -> None:
    _write_atomically(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))


@dataclass(frozen=True)
class Origin:
    """Where rows came from, as every staging row records it."""

    request: str
    datagrundlag: str
    content_hash: str


@dataclass(frozen=True)
class Landed:
    """One landed body and what is known about how it arrived."""

    path: Path
    meta: dict[str, Any]

    @property
    def content_hash(self) -> str:
        return self.meta["content_hash"]

    @property
    def request(self) -> str:
        """How to name this input in an error message: the request or file it came from."""
        return self.meta["request"]

    @property
    def is_extract(self) -> bool:
        """An analyst's file rather than the source's own answer."""
        return self.meta.get("datagrundlag") == "extract"

    @property
    def origin(self) -> Origin:
        return Origin(self.request, self.meta["datagrundlag"], self.content_hash)

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


class LandingStore:
    """Content-addressed files under `root/<source>/<table>/`, with a quarantine beside them."""

    def __init__(self, root: Path, quarantine: Path):
        self.root = root
        self.quarantine_root = quarantine

    def land(self, source: str, table: str, body: bytes, suffix: str, **meta: Any) -> Landed:
        """Store `body` once; a repeat moves `last_seen_at` forward and updates the request facts."""
        digest = content_hash(body)
        folder = self.root / source / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{digest}{suffix}"
        meta_path = folder / f"{digest}{META_SUFFIX}"
        now = utc_now()
        if meta_path.exists():
            # Same bytes again: keep the body and when it was first seen, take the newest facts.
            record = {**json.loads(meta_path.read_text(encoding="utf-8")), **meta, "last_seen_at": now}
        else:
            _write_atomically(path, body)
            record = {
                "source": source,
                "table": table,
                "content_hash": digest,
                "file": path.name,
                "bytes": len(body),
                "first_seen_at": now,
                "last_seen_at": now,
                **meta,
            }
        _write_meta(meta_path, record)
        return Landed(path, record)

    def annotate(self, landed: Landed, **facts: Any) -> Landed:
        """Add what was learned from reading a body (e.g. the periods it holds) to its sidecar."""
        record = {**landed.meta, **facts}
        _write_meta(landed.path.with_name(f"{landed.content_hash}{META_SUFFIX}"), record)
        return Landed(landed.path, record)

    def newest(self, source: str, table: str, from_source_only: bool = False) -> Landed | None:
        """The most recently seen body for a table, or None when nothing has landed.

        `from_source_only` skips the analysts' extract files: the question is then what the
        source itself last answered.
        """
        landed = [item for item in self.all(source, table) if not (from_source_only and item.is_extract)]
        return max(landed, key=lambda item: item.meta["last_seen_at"]) if landed else None

    def latest_period(self, source: str, table: str) -> str | None:
        """The newest period any accepted body of a table holds (bad bodies are in quarantine)."""
        return max((p for item in self.all(source, table) for p in item.meta.get("periods", [])), default=None)

    def all(self, source: str, table: str) -> list[Landed]:
        folder = self.root / source / table
        out = []
        for meta_path in sorted(folder.glob(f"*{META_SUFFIX}")):
            record = json.loads(meta_path.read_text(encoding="utf-8"))
            out.append(Landed(folder / record["file"], record))
        return out

    def meta_files(self) -> frozenset[Path]:
        """The sidecar of every landed body: what a writing command compares to find what it landed."""
        return frozenset(self.root.glob(f"*/*/*{META_SUFFIX}"))

    def arrived_since(self, before: frozenset[Path]) -> list[Landed]:
        """The bodies landed after `before` (a `meta_files()` result) was taken."""
        arrived = []
        for meta_path in sorted(self.meta_files() - before):
            record = json.loads(meta_path.read_text(encoding="utf-8"))
            arrived.append(Landed(meta_path.with_name(record["file"]), record))
        return arrived

    def remove_temp_files(self) -> list[Path]:
        """Delete bodies and sidecars a killed writer left half-written (`_write_atomically`'s `.tmp`)."""
        leftovers = sorted(self.root.glob("*/*/*.tmp"))
        for path in leftovers:
            path.unlink(missing_ok=True)
        return leftovers

    def quarantine(self, landed: Landed, reason: str) -> Path:
        """Move a bad body out of landing, with its sidecar and a plain-text reason."""
        folder = self.quarantine_root / landed.meta["source"] / landed.meta["table"]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / landed.path.name
        shutil.move(str(landed.path), target)
        meta_path = landed.path.with_name(f"{landed.content_hash}{META_SUFFIX}")
        shutil.move(str(meta_path), folder / meta_path.name)
        (folder / f"{landed.content_hash}.reason.txt").write_text(
            f"quarantined_at: {utc_now()}\nrequest: {landed.request}\nreason: {reason}\n", encoding="utf-8"
        )
        return target
