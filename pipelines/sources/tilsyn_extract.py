"""The fokusmål count extract: the documented file format for skærpet tilsyn, read and staged.

No public API table with the monthly fokusmål counts was found, so the counts arrive as a file
(`jobindblik ingest`, the inbox, or the bundled sample). The format, `;`-separated UTF-8 (BOM
allowed) or an .xlsx sheet with the same header:

    Periode;Område;Fokusmål;Berettigede;Opfyldt
    2020M10;Herning;samtaler_4;1719;1589

- `Periode`: the month, `YYYYMmm` as jobindsats writes it.
- `Område`: the kommune's name as jobindsats writes it (or its 3-digit DST code).
- `Fokusmål`: the measurement code from pipelines/config/tilsyn_regler.toml (`samtaler_4`,
  `tilbud_225t`, `tilbud_100t`).
- `Berettigede`: citizens in the goal's population that month (≥ 12 months' anciennitet, not
  fritaget at least half the forløb); `Opfyldt`: how many of them meet the measurement. Whole
  numbers, `Opfyldt` ≤ `Berettigede`. One row per month, kommune and measurement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pipelines.errors import InputError, Problem
from pipelines.resources.landing import Origin
from pipelines.sources.jobindsats_parser import COUNT_LIMIT
from schemas.tilsyn import MAALINGER, TilsynTaelling
from warehouse.staging_layers import load_checked
from warehouse.tilsyn import RULES_FILE, load_rules

SOURCE = "tilsyn"
TABLE_ID = "fokusmaal_taelling"
FORMAT = "tilsyn-csv"
# ASCII digits only: str.isdigit() also takes '²' and '٤', which int() then refuses or misreads.
WHOLE_NUMBER = re.compile(r"\d+", re.ASCII)
HEADER = ("Periode", "Område", "Fokusmål", "Berettigede", "Opfyldt")
COLUMNS = dict(zip(HEADER, ("periode", "omraade_navn", "maaling", "berettigede", "opfyldt"), strict=True))
LABEL = {name: label for label, name in COLUMNS.items()}
MONTH = re.compile(r"^\d{4}M(0[1-9]|1[0-2])$")
KEY = ["periode", "omraade_kode", "maaling"]


def is_tilsyn_header(header: list[str]) -> bool:
    return {label.strip().lower() for label in header} >= {label.lower() for label in HEADER}


def parse_rows(header: list[str], rows: list[list[Any]], source: str, first_line: int) -> pd.DataFrame:
    """The rows as a frame (counts as Int64), indexed by line number - 1; problems name line and column."""
    index = {label.strip().lower(): i for i, label in enumerate(header)}
    problems: list[Problem] = []
    records = []
    for offset, row in enumerate(rows):
        line = first_line + offset
        record: dict[str, Any] = {}
        for label, name in COLUMNS.items():
            value = row[index[label.lower()]]
            text = "" if value is None else str(value).strip()
            if name in ("berettigede", "opfyldt"):
                if isinstance(value, float) and value.is_integer():
                    text = str(int(value))
                digits = text.replace(".", "")  # thousands separator as Danish exports write it
                wrong = None if WHOLE_NUMBER.fullmatch(digits) else f"not a whole number: {text!r}"
                if wrong is None and int(digits) > COUNT_LIMIT:
                    wrong = f"{text} is out of range: a count is at most {COUNT_LIMIT:,}"
                if wrong:
                    problems.append(Problem(line, label, wrong, unit="line"))
                    record[name] = None
                    continue
                record[name] = int(digits)
            elif name == "periode" and not MONTH.match(text):
                problems.append(Problem(line, label, f"not a month like 2020M10: {text!r}", unit="line"))
            elif name == "maaling" and text not in MAALINGER:
                problems.append(
                    Problem(line, label, f"unknown fokusmål {text!r}; known: {', '.join(MAALINGER)}", "line")
                )
            record.setdefault(name, text)
        records.append(record)
    if problems:
        raise InputError(source, problems)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS.values()))
    frame.index = pd.RangeIndex(first_line - 1, first_line - 1 + len(frame))
    return frame.astype({"berettigede": "Int64", "opfyldt": "Int64"})


def stage_tilsyn(
    frame: pd.DataFrame,
    origin: Origin,
    kommuner: Mapping[str, str],
    changed_at: datetime,
    conn: duckdb.DuckDBPyConnection,
    unit: str = "line",
) -> str:
    """Parsed rows as staging rows: kommune code, origin; validated and loaded into `conn` (as
    pipelines/staging.py `stage`), and the temporary table that holds them returned. `kommuner` maps
    names and codes to codes.

    Problems count lines of the file (the frame's index + 1). A month no rule set covers is refused here,
    not when the fokusmål are computed.
    """
    years = {periode[:4] for periode in frame["periode"]}
    rule_sets = load_rules().regelsaet
    ruled = {year for year in years if any(rule_set.covers(int(year)) for rule_set in rule_sets)}
    problems = (
        [
            Problem(i + 1, LABEL["omraade_navn"], f"unknown kommune {name!r}: not one of the 98 kommuner", unit)
            for i, name in frame["omraade_navn"].items()
            if name not in kommuner
        ]
        + [
            Problem(i + 1, LABEL["opfyldt"], f"{met} opfyldt is more than the {eligible} berettigede", unit)
            for i, met, eligible in zip(frame.index, frame["opfyldt"], frame["berettigede"], strict=True)
            if pd.notna(met) and pd.notna(eligible) and met > eligible
        ]
        + [
            Problem(
                i + 1, LABEL["periode"], f"no skærpet tilsyn rule set covers {periode[:4]} ({RULES_FILE.name})", unit
            )
            for i, periode in frame["periode"].items()
            if periode[:4] not in ruled
        ]
    )
    if problems:
        raise InputError(origin.request, sorted(problems, key=lambda p: p.row or 0))
    codes = frame["omraade_navn"].map(kommuner)
    names = {code: name for name, code in kommuner.items() if not name.isdigit()}
    frame = frame.assign(
        omraade_kode=codes,
        omraade_navn=codes.map(names),
        kilde=f"{SOURCE}:{TABLE_ID}",
        datagrundlag=origin.datagrundlag,
        content_hash=origin.content_hash,
        aendret_tid=pd.Timestamp(changed_at.replace(tzinfo=None)),
    )
    duplicated = frame.duplicated(KEY, keep="first")
    if duplicated.any():
        raise InputError(
            origin.request,
            [
                Problem(i + 1, None, "a second row for this month, kommune and fokusmål", unit)
                for i in frame.index[duplicated]
            ],
        )
    try:
        return load_checked(conn, frame, TilsynTaelling, origin.request)
    except InputError as error:
        raise InputError(
            error.source, [p._replace(column=LABEL.get(p.column, p.column), unit=unit) for p in error.problems]
        ) from None


def kommune_names(dim_omraade: pd.DataFrame) -> dict[str, str]:
    """Kommune names and codes → codes (a file may name a kommune either way)."""
    rows = dim_omraade[dim_omraade["niveau"] == "kommune"]
    return {
        **dict(zip(rows["omraade_navn"], rows["omraade_kode"], strict=True)),
        **{c: c for c in rows["omraade_kode"]},
    }
