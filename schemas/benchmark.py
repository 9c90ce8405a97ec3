"""The benchmark (resultatmål) table, with the rank band recomputed from published numbers."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG
from schemas.sql_checks import rows_satisfy


class Benchmark(pa.DataFrameModel):
    """Forventet against faktisk fuldtidspersoner per kommune, QMAT period and ydelsesgruppe."""

    periode: Series[str] = pa.Field(str_matches=r"^\d{4}QMAT0[1-4]$")
    omraade_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$")
    omraade_navn: Series[str]
    ydelsesgruppe_kode: Series[str]
    ydelsesgruppe: Series[str]
    forventet_antal: Series[pd.Int64Dtype] = pa.Field(
        ge=0,
        description="Forventet antal fuldtidspersoner på offentlig forsørgelse (afrundet til 10)",
        metadata={"enhed": "antal"},
    )
    faktisk_antal: Series[pd.Int64Dtype] = pa.Field(
        ge=0,
        description="Faktisk antal fuldtidspersoner på offentlig forsørgelse (afrundet til 10)",
        metadata={"enhed": "antal"},
    )
    forskel_antal: Series[pd.Int64Dtype] = pa.Field(
        description="faktisk_antal - forventet_antal (negativ er bedre end forventet)", metadata={"enhed": "antal"}
    )
    forventet_andel: Series[float] = pa.Field(
        ge=0, le=100, description="Forventet andel af befolkningen 16-66 år", metadata={"enhed": "pct"}
    )
    faktisk_andel: Series[float] = pa.Field(
        ge=0, le=100, description="Faktisk andel af befolkningen 16-66 år", metadata={"enhed": "pct"}
    )
    forskel_pct_point: Series[float] = pa.Field(
        description="faktisk_andel - forventet_andel; benchmarkranglisten sorteres stigende efter den",
        metadata={"enhed": "pct. point"},
    )
    placering_min: Series[pd.Int64Dtype] = pa.Field(
        ge=1,
        description="Bedste placering de afrundede andele tillader (1 + antal kommuner med mindre forskel)",
        metadata={"enhed": "rang"},
    )
    placering_max: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Dårligste placering de afrundede andele tillader", metadata={"enhed": "rang"}
    )
    placering_publiceret: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        description="Ministeriets publicerede placering, hvor den findes",
        metadata={"enhed": "rang"},
    )
    placering: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Den publicerede placering, ellers placering_min", metadata={"enhed": "rang"}
    )
    antal_kommuner: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Antal kommuner på ranglisten", metadata={"enhed": "antal"}
    )
    resultatmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Faktisk andel < forventet andel; kun på Ydelsesgrupper i alt"
    )
    forskel_antal_publiceret: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, description="Kildens egen forskel i antal", metadata={"enhed": "antal"}
    )
    forskel_pct_point_publiceret: Series[float] = pa.Field(
        nullable=True, description="Kildens egen forskel i procentpoint", metadata={"enhed": "pct. point"}
    )
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Forventet mod faktisk antal fuldtidspersoner pr. kommune, QMAT-periode og ydelsesgruppe (y30r21), "
            "med forskellen genberegnet og placeringsbåndet placering_min..placering_max, som de publicerede, "
            "afrundede andele tillader."
        )
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode"]

    band_is_ordered = rows_satisfy("placering_min <= placering_max and placering_max <= antal_kommuner")
