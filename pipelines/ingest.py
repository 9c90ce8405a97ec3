"""Loading the analyst's own extract files: recognise, validate as staging would, land or quarantine.

Used by `jobindblik ingest FILE...` and by the inbox sensor. A good file lands beside the API
responses (same landing zone, `datagrundlag = 'extract'`), so staging lays it over the source's
answer row by row; a bad file goes to quarantine with the reason beside it and nothing else
changes. The same file twice lands once. The table a file is gets decided here, once (see
pipelines/sources/extracts.py), and is stored with the landed body, which staging reads as that table.
"""

from __future__ import annotations

import contextlib
import shutil
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.errors import InputError
from pipelines.resources.landing import LandingStore, Origin, content_hash, utc_now
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.extracts import BY_CALLER, BY_CONTENT, BY_NAME, Extract, read_extract
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.personer import DREAM, PersonExtract, looks_personal, scrub
from pipelines.sources.statbank_tables import statbank_tables
from pipelines.sources.tilsyn_extract import KEY as TILSYN_KEY
from pipelines.sources.tilsyn_extract import kommune_names, stage_tilsyn
from pipelines.staging import stage, stage_dst
from pipelines.whats_new import month_span, run_plan
from schemas.statbank import variable_columns
from warehouse.dimensions import area_codes, build_dim_omraade, group_labels
from warehouse.staging_layers import BODY_ROW

LOADED = "loaded"
REASON_SUFFIX = ".reason.txt"
NAME_MAX = 255  # bytes in a file name on Linux, macOS and Windows file systems
DECIDED = {BY_CONTENT: "its content", BY_NAME: "its file name", BY_CALLER: "--table"}


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
    # The file's rows as staging keys them: to count the rows it read and the staged rows it replaces.
    keys: pd.DataFrame | None = field(default=None, compare=False, repr=False)


class Validator:
    """Checks an extract against the same code lists and models staging uses, before it lands."""

    def __init__(self, reference: ReferenceData):
        dim = build_dim_omraade(reference.table("kommuner"))
        self.areas = area_codes(dim)
        self.codes = set(dim["omraade_kode"])
        self.groups = group_labels(reference.table("ydelsesgrupper"))
        self.kommuner = kommune_names(dim)

    def check(self, extract: Extract, origin: Origin) -> pd.DataFrame:
        """The extract's rows staged and validated as staging does it, in a database of their own: their keys.

        An InputError names the file and the lines an editor shows.
        """
        now = datetime.now(UTC)
        with duckdb.connect() as conn:
            try:
                if extract.source == "jobindsats":
                    spec = table_specs()[extract.table_id]
                    staged = stage(extract.frame, origin, spec, self.areas, self.groups, now, conn)
                elif extract.source == "tilsyn":
                    staged = stage_tilsyn(extract.frame, origin, self.kommuner, now, conn)
                else:
                    staged = stage_dst(
                        extract.frame, statbank_tables()[extract.table_id], origin, self.codes, now, conn
                    )
            except InputError as error:
                raise error.in_file(str(extract.path), extract.first_line) from None
            key = staging_table(extract.source, extract.table_id)[1]
            return conn.execute(f"select {', '.join(key)} from {staged} order by {BODY_ROW}").df()


def staging_table(source: str, table_id: str) -> tuple[str, list[str]]:
    """The staging table an extract feeds, and the columns that identify its rows there."""
    if source == "jobindsats":
        return f"staging.jobindsats_{table_id}", list(table_specs()[table_id].key)
    if source == "statbank":
        return f"staging.statbank_{table_id.lower()}", [*variable_columns(table_id), "tid"]
    return f"staging.tilsyn_{table_id}", list(TILSYN_KEY)


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
    if looks_personal(body):  # person data is never kept: only the reason and the original's hash
        if move:
            path.unlink()
        reason_file = target.with_name(target.name + REASON_SUFFIX)
        reason_file.write_text(
            f"quarantined_at: {utc_now()}\nfile: {scrub(str(path))}\nsha256: {content_hash(body)}\n"
            f"reason: {scrub(reason)}\nthe file holds person data and was not kept\n",
            encoding="utf-8",
        )
        return reason_file
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


def ingest_file(
    path: Path, landing: LandingStore, validator: Validator, inbox: Path | None = None, table: str | None = None
) -> Outcome:
    """Recognise, validate and land one file; a bad file goes to quarantine.

    A file in `inbox` is moved to quarantine when bad; any other file is the user's and is copied.
    `table` is the table the user says the file is (`--table`); it must fit the content.
    """
    request = f"file:{path.name}"
    try:
        extract = read_extract(path, validator.areas, table, validator.groups)
        if isinstance(extract, PersonExtract):
            return _ingest_person(path, extract, landing, request)
        keys = validator.check(extract, Origin(request, "extract", extract.content_hash))
    except InputError as error:
        ours = inbox is not None and path.parent.resolve() == inbox.resolve()  # not the file: it may be a loop
        kept = quarantine_file(path, landing.quarantine_root, str(error), move=ours)
        return Outcome(path, "rejected", f"{error} ({f'kept in {kept}' if kept else 'nothing to keep'})")
    periode = "TID" if extract.source == "statbank" else "periode"
    periods = tuple(sorted(extract.frame[periode].astype(str).unique()))
    summary = (
        f"{extract.source} {extract.table_id}, {len(extract.frame)} rows, {periods[0]}..{periods[-1]} "
        f"(table from {DECIDED[extract.decided_by]})"
    )
    found = (extract.source, extract.table_id, periods, extract.content_hash, keys)
    if extract.content_hash in {item.content_hash for item in landing.all(extract.source, extract.table_id)}:
        return Outcome(path, "unchanged", f"{summary}: already loaded", *found)
    landing.land(
        extract.source,
        extract.table_id,
        path.read_bytes(),
        path.suffix.lower(),
        request=request,
        file_name=path.name,
        datagrundlag="extract",
        **extract.decision(),
        periods=list(periods),
    )
    return Outcome(path, "landed", summary, *found)


def _ingest_person(path: Path, extract: PersonExtract, landing: LandingStore, request: str) -> Outcome:
    """Land a person-level extract's pseudonymised rows and the original's hash (never the file itself)."""
    unit = "runs of weeks" if extract.table_id == DREAM else "rows"  # DREAM lands as runs (dream_runs.py)
    summary = f"personer {extract.table_id}, {extract.rows} {unit}, kommuner {', '.join(extract.kommuner)}"
    found = (extract.source, extract.table_id, extract.periods, extract.content_hash)
    if extract.content_hash in {
        item.meta.get("original_sha256") for item in landing.all(extract.source, extract.table_id)
    }:
        return Outcome(path, "unchanged", f"{summary}: already loaded", *found)
    landing.land(
        extract.source,
        extract.table_id,
        extract.body,
        ".parquet",
        request=request,
        file_name=path.name,
        datagrundlag="extract",
        periods=list(extract.periods),
        **extract.decision(),
    )
    return Outcome(path, "landed", f"{summary}, {extract.pseudonymised} CPR numbers pseudonymised", *found)


def staging_keys(outcomes: list[Outcome]) -> list[dg.AssetKey]:
    """The staging assets that must read the newly landed files."""
    return sorted(
        {
            dg.AssetKey(
                ["person", "forloeb_input"]
                if o.source == "personer"
                else ["staging", f"{o.source}_{o.table_id.lower()}"]
            )
            for o in outcomes
            if o.status == "landed"
        }
    )


def ingest_plan(
    keys: list[dg.AssetKey], periods: list[str], asset_graph, warehouse: WarehouseResource
) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """The run that stages newly landed files: their staging assets and all downstream over their months, plus
    every table these read that the warehouse lacks yet (the dimensions, other staging tables: empty when
    nothing has landed for them), so a first ingest into a fresh warehouse works. Nothing is fetched."""
    assets, tags = run_plan(keys, asset_graph, *month_span(periods))
    inputs = dg.AssetSelection.assets(*assets).upstream().resolve(asset_graph)
    existing = existing_tables(warehouse)
    missing = {key for key in inputs if key.path[0] != "landing" and ".".join(key.path) not in existing}
    return sorted({*assets, *missing}), tags


def existing_tables(warehouse: WarehouseResource) -> set[str]:
    """`schema.table` of every table the warehouse holds (none before its first run)."""
    if not warehouse.database.exists():
        return set()
    with warehouse.connect(read_only=True) as conn:
        rows = conn.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {name for (name,) in rows}


def replaced_rows(warehouse: WarehouseResource, outcomes: list[Outcome]) -> dict[Path, int]:
    """Per landed file, the rows staging holds now for keys the file has: the rows its staging will replace."""
    existing = existing_tables(warehouse)
    landed = [
        o
        for o in outcomes
        if o.status == "landed" and o.keys is not None and staging_table(o.source, o.table_id)[0] in existing
    ]
    if not landed:
        return {}
    counts = {}
    with warehouse.connect(read_only=True) as conn:
        for outcome in landed:
            table, key = staging_table(outcome.source, outcome.table_id)
            conn.register("file_keys", outcome.keys)
            on = " and ".join(f"s.{column} = f.{column}" for column in key)
            query = f"select count(*) from {table} s join file_keys f on {on}"
            [(counts[outcome.path],)] = conn.execute(query).fetchall()
            conn.unregister("file_keys")
    return counts


def staged_rows(warehouse: WarehouseResource, outcomes: list[Outcome]) -> dict[Path, int]:
    """Per file that was read, the rows staging holds from it (by its content hash)."""
    existing = existing_tables(warehouse)
    counts = {}
    with warehouse.connect(read_only=True) if existing else contextlib.nullcontext() as conn:
        for outcome in outcomes:
            if outcome.status == "rejected" or outcome.source == "personer":  # person rows have no content_hash
                continue
            table = staging_table(outcome.source, outcome.table_id)[0]
            query = f"select count(*) from {table} where content_hash = ?"
            counts[outcome.path] = conn.execute(query, [outcome.content_hash]).fetchone()[0] if table in existing else 0
    return counts
