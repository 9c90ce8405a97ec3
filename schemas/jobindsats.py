"""Staging tables parsed from jobindsats: one pandera schema per table, built from its spec.

The table spec (pipelines/config/jobindsats_tables.toml) already says each column's type,
nullability and range; the schema adds what every staging row carries: the DST area code,
where the row came from, and when its values last changed (jobindsats revises recent months).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from pipelines.sources.jobindsats_parser import TableSpec, table_specs
from schemas.codelists import DATAGRUNDLAG, OMRAADE_KODE_PATTERN, PERIODE_PATTERNS

TRACE_COLUMNS = ("omraade_kode", "kilde", "datagrundlag", "content_hash", "aendret_tid")


def _column(kind: str, nullable: bool, low: float | None, high: float | None) -> pa.Column:
    checks = []
    if low is not None:
        checks.append(pa.Check.ge(low))
    if high is not None:
        checks.append(pa.Check.le(high))
    dtype = {"text": str, "count": pd.Int64Dtype(), "decimal": float}[kind]
    return pa.Column(dtype, checks=checks, nullable=nullable)


@cache
def staging_schema(table_id: str) -> pa.DataFrameSchema:
    """The schema of `staging.jobindsats_<table_id>`."""
    spec: TableSpec = table_specs()[table_id]
    columns = {c.name: _column(c.type, c.nullable, c.min, c.max) for c in spec.columns}
    columns["periode"] = pa.Column(str, pa.Check.str_matches(PERIODE_PATTERNS[spec.periodtype]))
    columns["omraade_kode"] = pa.Column(str, pa.Check.str_matches(OMRAADE_KODE_PATTERN))
    columns["kilde"] = pa.Column(str)
    columns["datagrundlag"] = pa.Column(str, pa.Check.isin(DATAGRUNDLAG))
    columns["content_hash"] = pa.Column(str, pa.Check.str_length(64, 64))
    columns["aendret_tid"] = pa.Column("datetime64[ns]")
    return pa.DataFrameSchema(
        columns, strict=True, coerce=True, unique=list(spec.key), name=f"staging.jobindsats_{table_id}"
    )
