"""Staging tables parsed from jobindsats v3 responses."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG


class StgY30r21(pa.DataFrameModel):
    """y30r21 as published: one row per QMAT period, kommune and ydelsesgruppe."""

    periode: Series[str] = pa.Field(str_matches=r"^\d{4}QMAT0[24]$")
    omraade_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$")
    omraade_navn: Series[str]
    ydelsesgruppe: Series[str]
    forventet_antal: Series[pd.Int64Dtype] = pa.Field(ge=0)
    faktisk_antal: Series[pd.Int64Dtype] = pa.Field(ge=0)
    forskel_antal_publiceret: Series[pd.Int64Dtype]
    forventet_andel: Series[float] = pa.Field(ge=0, le=100)
    faktisk_andel: Series[float] = pa.Field(ge=0, le=100)
    forskel_pct_point_publiceret: Series[float] = pa.Field(ge=-100, le=100)
    placering_publiceret: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)
    content_hash: Series[str] = pa.Field(str_length=64)

    class Config:
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "ydelsesgruppe"]
