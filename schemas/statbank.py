"""Staging tables from Statistics Denmark: one pandera schema per table, from its config."""

from __future__ import annotations

from functools import cache

import pandera.pandas as pa

from pipelines.sources.statbank_tables import statbank_tables
from schemas.codelists import DATAGRUNDLAG, OMRAADE_KODE_PATTERN, PERIODE_PATTERN

ASCII = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})


def column_name(variable: str) -> str:
    """A DST variable id as an ASCII snake_case column (`OMRÅDE` → `omraade`, `KØN` → `koen`)."""
    return variable.translate(ASCII).lower()


def variable_columns(table_id: str) -> list[str]:
    """The columns a table's variables become; the area variable becomes `omraade_kode`."""
    table = statbank_tables()[table_id]
    return [
        "omraade_kode" if variable == table.area else column_name(variable)
        for variable in table.variables
        if variable.upper() != "TID"
    ]


@cache
def statbank_schema(table_id: str) -> pa.DataFrameSchema:
    """The schema of `staging.statbank_<table>`: its variables as codes, the period and the value."""
    columns = {name: pa.Column(str) for name in variable_columns(table_id)}
    columns["omraade_kode"] = pa.Column(str, pa.Check.str_matches(OMRAADE_KODE_PATTERN))
    columns["tid"] = pa.Column(str)
    columns["periode"] = pa.Column(str, pa.Check.str_matches(PERIODE_PATTERN))
    columns["indhold"] = pa.Column(float, nullable=True)
    columns["kilde"] = pa.Column(str)
    columns["datagrundlag"] = pa.Column(str, pa.Check.isin(DATAGRUNDLAG))
    columns["content_hash"] = pa.Column(str, pa.Check.str_length(64, 64))
    columns["aendret_tid"] = pa.Column("datetime64[ns]")
    key = [*variable_columns(table_id), "tid"]
    return pa.DataFrameSchema(
        columns, strict=True, coerce=True, unique=key, name=f"staging.statbank_{table_id.lower()}"
    )
