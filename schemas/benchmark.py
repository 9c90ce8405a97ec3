"""The benchmark (resultatmål) table, with the rank band recomputed from published numbers."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import DataFrame, Series

from schemas.codelists import DATAGRUNDLAG


class Benchmark(pa.DataFrameModel):
    """Forventet against faktisk fuldtidspersoner per kommune, QMAT period and ydelsesgruppe."""

    periode: Series[str] = pa.Field(str_matches=r"^\d{4}QMAT0[1-4]$")
    omraade_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$")
    omraade_navn: Series[str]
    ydelsesgruppe_kode: Series[str]
    ydelsesgruppe: Series[str]
    forventet_antal: Series[pd.Int64Dtype] = pa.Field(ge=0)
    faktisk_antal: Series[pd.Int64Dtype] = pa.Field(ge=0)
    forskel_antal: Series[pd.Int64Dtype]
    forventet_andel: Series[float] = pa.Field(ge=0, le=100)
    faktisk_andel: Series[float] = pa.Field(ge=0, le=100)
    forskel_pct_point: Series[float]
    placering_min: Series[pd.Int64Dtype] = pa.Field(ge=1)
    placering_max: Series[pd.Int64Dtype] = pa.Field(ge=1)
    placering_publiceret: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    placering: Series[pd.Int64Dtype] = pa.Field(ge=1)
    antal_kommuner: Series[pd.Int64Dtype] = pa.Field(ge=1)
    resultatmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    forskel_antal_publiceret: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    forskel_pct_point_publiceret: Series[float] = pa.Field(nullable=True)
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode"]

    @pa.dataframe_check
    def band_is_ordered(cls, df: DataFrame) -> Series[bool]:
        return (df["placering_min"] <= df["placering_max"]) & (df["placering_max"] <= df["antal_kommuner"])
