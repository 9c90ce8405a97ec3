"""Loading the analyst's own extract files: recognise, validate as staging would, land or quarantine.

Used by `jobindblik ingest FILE...` and by the inbox sensor. A good file lands beside the API
responses (same landing zone, `datagrundlag = 'extract'`), so staging lays it over the source's
answer row by row; a bad file goes to quarantine with the reason beside it and nothing else
changes. The same file twice lands once.
"""

from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from assets.core import area_codes, build_dim_omraade, group_labels
from assets.staging import stage, stage_dst
from pipelines.errors import InputError
from pipelines.resources.landing import LandingStore, Origin, content_hash, utc_now
from pipelines.resources.reference import ReferenceData
from pipelines.sources.extracts import Extract, read_extract
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.statbank_tables import statbank_tables
from pipelines.sources.tilsyn_extract import kommune_names, stage_tilsyn

LOADED = "loaded"
REASON_SUFFIX = ".reason.txt"
NAME_MAX = 255  # bytes in a file name on Linux, macOS and Windows file systems


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: Path
    status: str  # "landed" | "unchanged" | "rejected"
    message: str
    source: str | None = None
    table_id: str | None = None
    periods: tuple[str, ...] = ()
    content_hash: str | None = None


class Validator:
    """Checks an extract against the same code lists and models staging uses, before it lands."""

    def __init__(self, reference: ReferenceData):
        dim = build_dim_omraade(reference.table("kommuner"))
        self.areas = area_codes(dim)
        self.codes = set(dim["omraade_kode"])
        self.groups = group_labels(reference.table("ydelsesgrupper"))
        self.kommuner = kommune_names(dim)

    def check(self, extract: Extract, origin: Origin) -> None:
        """Stage the extract as a run would; an InputError names the file and the lines an editor shows."""
        now = datetime.now(timezone.utc)
        try:
            if extract.source == "jobindsats":
                stage(extract.frame, origin, table_specs()[extract.table_id], self.areas, self.groups, now)
            elif extract.source == "tilsyn":
                stage_tilsyn(extract.frame, origin, self.kommuner, now)
            else:
                stage_dst(extract.frame, statbank_tables()[extract.table_id], origin, self.codes, now)
        except InputError as error:
            raise error.in_file(str(extract.path), extract.first_line) from None


def quarantine_file(path: Path, quarantine: Path, reason: str, move: bool) -> Path | None:
    """Keep a rejected file in quarantine with its reason; `move` it only when it is ours (the inbox).

    None when there is nothing to keep: the path is not a regular file (missing, a directory, a FIFO).
    """
    try:
        body = path.read_bytes() if stat.S_ISREG(path.stat().st_mode) else None
    except OSError:  # missing, a symlink loop, a name too long
        body = None
    if body is None:
        return None
    folder = quarantine / "extracts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _quarantine_name(content_hash(body)[:12], path.name)
    if move:
        shutil.move(str(path), target)
    else:
        shutil.copy2(path, target)
    target.with_name(target.name + REASON_SUFFIX).write_text(
        f"quarantined_at: {utc_now()}\nfile: {path}\nreason: {reason}\n", encoding="utf-8"
    )
    return target


def _quarantine_name(digest: str, name: str) -> str:
    """`<digest>-<name>`, the name's stem shortened so that it and its reason file fit a file name (255 bytes)."""
    room = NAME_MAX - len(digest) - 1 - len(REASON_SUFFIX)
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) < room else ""
    stem = name.removesuffix(suffix).encode()[: room - len(suffix.encode())].decode(errors="ignore")
    return f"{digest}-{stem}{suffix}"


def ingest_file(path: Path, landing: LandingStore, validator: Validator, inbox: Path | None = None) -> Outcome:
    """Recognise, validate and land one file; a bad file goes to quarantine.

    A file in `inbox` is moved to quarantine when bad; any other file is the user's and is copied.
    """
    request = f"file:{path.name}"
    try:
        extract = read_extract(path, validator.areas)
        validator.check(extract, Origin(request, "extract", extract.content_hash))
    except InputError as error:
        ours = inbox is not None and path.parent.resolve() == inbox.resolve()  # not the file: it may be a loop
        kept = quarantine_file(path, landing.quarantine_root, str(error), move=ours)
        return Outcome(path, "rejected", f"{error} ({f'kept in {kept}' if kept else 'nothing to keep'})")
    periode = "TID" if extract.source == "statbank" else "periode"
    periods = tuple(sorted(extract.frame[periode].astype(str).unique()))
    summary = f"{extract.source} {extract.table_id}, {len(extract.frame)} rows, {periods[0]}..{periods[-1]}"
    found = (extract.source, extract.table_id, periods, extract.content_hash)
    if extract.content_hash in {item.content_hash for item in landing.all(extract.source, extract.table_id)}:
        return Outcome(path, "unchanged", f"{summary}: already loaded", *found)
    landing.land(
        extract.source,
        extract.table_id,
        path.read_bytes(),
        path.suffix.lower(),
        request=request,
        file_name=path.name,
        format=extract.format,
        datagrundlag="extract",
        periods=list(periods),
    )
    return Outcome(path, "landed", summary, *found)


def staging_keys(outcomes: list[Outcome]) -> list[dg.AssetKey]:
    """The staging assets that must read the newly landed files."""
    return sorted(
        {dg.AssetKey(["staging", f"{o.source}_{o.table_id.lower()}"]) for o in outcomes if o.status == "landed"}
    )
