"""Staging: which landed bodies to read, and their rows typed, coded and validated.

For each period, rows come from the newest answer the source gave for it, with any analyst's
extract file landed after that answer laid over it row by row (an extract may hold only some
kommuner). Each body's rows are validated in DuckDB as they are loaded there
(warehouse/staging_layers.py); the assets (assets/staging.py) write them from there, and
`jobindblik ingest` uses the same functions to check a file before it lands.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import duckdb
import pandas as pd

from pipelines.errors import InputError, Problem
from pipelines.resources.landing import Landed, Origin
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats_parser import TableSpec, parse_body, to_frame
from pipelines.sources.statbank_parser import DstTable, parse_dst_text
from pipelines.sources.statbank_tables import StatbankTable
from schemas.jobindsats import staging_schema
from schemas.statbank import column_name, statbank_schema
from warehouse.staging_layers import load_checked


def layers_for(landed: list[Landed], periods: list[str] | None) -> list[tuple[Landed, list[str]]]:
    """The bodies to read, newest first, each with the periods to take from it.

    A period is taken from the newest source answer that holds it and from every extract landed
    after that answer. Without `periods`, every period any body holds.
    """
    newest_first = sorted(landed, key=lambda item: item.meta["last_seen_at"], reverse=True)
    wanted = periods if periods is not None else sorted({p for item in landed for p in item.meta.get("periods", [])})
    taken: dict[str, list[str]] = {}
    for periode in wanted:
        for item in newest_first:
            if periode in item.meta.get("periods", []):
                taken.setdefault(item.content_hash, []).append(periode)
                if not item.is_extract:
                    break
    return [(item, taken[item.content_hash]) for item in newest_first if item.content_hash in taken]


def read_landed(landed: Landed, spec: TableSpec) -> pd.DataFrame:
    """A landed body (an API response or an analyst's extract file) as typed rows with our column names."""
    if landed.meta.get("format", "jobindsats-json") == "jobindsats-json":
        columns, rows = parse_body(landed.read_bytes(), landed.request)
        return to_frame(columns, rows, spec, landed.request)
    return read_landed_extract(landed)


def read_landed_extract(landed: Landed) -> pd.DataFrame:
    """An analyst's landed file as the table decided when it landed: its content-hash name cannot tell again."""
    return read_extract(landed.path, table=landed.meta["table"]).frame


def provenance(kilde: str, origin: Origin, changed_at: datetime) -> dict:
    """The columns every staged row carries about where it came from and when it changed."""
    return {
        "kilde": kilde,
        "datagrundlag": origin.datagrundlag,
        "content_hash": origin.content_hash,
        "aendret_tid": pd.Timestamp(changed_at.replace(tzinfo=None)),
    }


def stage(
    frame: pd.DataFrame,
    origin: Origin,
    spec: TableSpec,
    areas: dict[str, str],
    groups: dict[str, set[str]],
    changed_at: datetime,
    conn: duckdb.DuckDBPyConnection,
) -> str:
    """Typed jobindsats rows with DST area codes and their origin, validated and loaded into `conn`.

    Returns the temporary table that holds them (warehouse/staging_layers.py). `areas` maps area
    names to codes; `groups` holds the ydelsesgruppe labels of each grouping. An InputError names
    every bad row and column as the source labels it.
    """
    label = {c.name: c.label for c in spec.columns}
    unknown = [
        Problem(
            i + 1, label["omraade_navn"], f"unknown area {name!r}: no kommune, region, RAR or hele landet has that name"
        )
        for i, name in _outside(frame["omraade_navn"], areas).items()
    ] + [
        Problem(i + 1, c.label, f"unknown ydelsesgruppe {value!r} (not in the {c.gruppering} grouping)")
        for c in spec.columns
        if c.gruppering
        for i, value in _outside(frame[c.name], groups.get(c.gruppering, set())).items()
    ]
    if unknown:
        raise InputError(origin.request, unknown)
    frame = frame.assign(
        omraade_kode=frame["omraade_navn"].map(areas), **provenance(f"jobindsats:{spec.table_id}", origin, changed_at)
    )
    try:
        return load_checked(conn, frame, staging_schema(spec.table_id), origin.request)
    except InputError as error:  # name columns as the source labels them
        raise InputError(
            error.source, [p._replace(column=label.get(p.column, p.column)) for p in error.problems]
        ) from None


def _outside(values: pd.Series, known: Collection[str]) -> pd.Series:
    """The cells of `values` that are not in `known`, in order; each distinct value looked up once."""
    unknown = {value for value in values.unique() if value not in known}
    return values[values.isin(unknown)] if unknown else values.iloc[:0]


def periode_of_tid(tid: str) -> str:
    """A DST time id in jobindsats' period form: `2024K1` → `2024Q01`; months and years are alike."""
    if len(tid) == 6 and tid[4] == "K":
        return f"{tid[:4]}Q0{tid[5]}"
    return tid


def stage_dst(
    frame: pd.DataFrame,
    table: StatbankTable,
    origin: Origin,
    codes: set[str],
    changed_at: datetime,
    conn: duckdb.DuckDBPyConnection,
) -> str:
    """DST rows (codes) as staging rows: ASCII column names, the area as `omraade_kode`, the origin;
    validated and loaded into `conn` as `stage` does, and the temporary table that holds them returned.

    A variable a file leaves out was eliminated, i.e. it is at its total (`totals` in the table's
    config); a left-out variable without a known total is an error naming it.
    """
    missing = [
        v for v in table.variables if v.upper() != "TID" and v.upper() not in frame.columns and v not in table.totals
    ]
    if missing:
        raise InputError(
            origin.request,
            [Problem(None, v, f"column missing: {table.table_id} rows must say their {v}") for v in missing],
        )
    frame = frame.assign(
        **{v.upper(): table.totals[v] for v in table.variables if v.upper() != "TID" and v.upper() not in frame.columns}
    )
    frame = frame.rename(columns={c: column_name(c) for c in frame.columns}).rename(
        columns={column_name(table.area): "omraade_kode"}
    )
    unknown = [
        Problem(i + 1, table.area, f"unknown area code {code!r}: not in dim_omraade")
        for i, code in _outside(frame["omraade_kode"], codes).items()
    ]
    if unknown:
        raise InputError(origin.request, unknown)
    frame = frame.assign(
        periode=frame["tid"].map(periode_of_tid), **provenance(f"statbank:{table.table_id}", origin, changed_at)
    )
    return load_checked(conn, frame, statbank_schema(table.table_id), origin.request)


def read_dst_body(body: bytes, source: str, table_id: str) -> DstTable:
    """A BULK body as a DST table with codes; an InputError when it is not UTF-8 or not well formed."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_dst_text(text, source, table_id)


def read_dst_landed(landed: Landed, table: StatbankTable) -> pd.DataFrame:
    """A landed StatBank body or DST extract file as a frame of codes."""
    if landed.meta.get("format") == "dst-bulk":
        return read_dst_body(landed.read_bytes(), landed.request, table.table_id).frame
    return read_landed_extract(landed)
