"""The three fact families (fuldtidspersoner with ledighed, varigheder, vandringer)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG, OMRAADE_KODE_PATTERN, PERIODE_PATTERNS

AGGREGERING = ("kilde", "kommunesum")


class _Fact(pa.DataFrameModel):
    """What every fact row carries: its area, where it came from and how it was aggregated."""

    omraade_kode: Series[str] = pa.Field(str_matches=OMRAADE_KODE_PATTERN)
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)
    aggregering: Series[str] = pa.Field(isin=AGGREGERING)
    kommunesum: Series[float] = pa.Field(nullable=True, ge=0)
    forskel_kommunesum: Series[float] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class Fuldtidspersoner(_Fact):
    """Personer and fuldtidspersoner on each benefit, per month and area."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"])
    ydelsesgruppe_kode: Series[str]
    ydelsesgruppe: Series[str]
    personer: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    fuldtidspersoner: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    andel_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    andel_naevner: Series[str]

    # No fuldtidspersoner <= personer check: real y60a02 months have more fuldtidspersoner than
    # personer (the two are not counted over the same days), so the data says it does not hold.

    class Config:
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "kilde"]


class Ledighed(_Fact):
    """Bruttoledige (fuldtid), ledighedsprocent and langtidsledige per month and area."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"])
    ydelsesgruppe_kode: Series[str]
    ydelsesgruppe: Series[str]
    bruttoledige: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    ledighedsprocent: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    langtidsledige: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)

    class Config:
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "kilde"]


class Varigheder(_Fact):
    """Forløb by duration interval, and the mean duration of forløb that ended in the period."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["Q"])
    ydelsesgruppe: Series[str]
    maal: Series[str] = pa.Field(isin=["forloeb", "afsluttede"])
    varighedsinterval: Series[str]
    uger_fra: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    uger_til: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    antal_forloeb: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    gnsn_varighed_uger: Series[float] = pa.Field(nullable=True, ge=0)

    class Config:
        unique = ["periode", "omraade_kode", "ydelsesgruppe", "maal", "varighedsinterval", "kilde"]


class Vandringer(_Fact):
    """Where people were 1 and 3 months after a forløb ended, as counts and shares of the row."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["Q"])
    fra: Series[str]
    til: Series[str]
    maaneder_efter: Series[int] = pa.Field(isin=[1, 3, 6, 12])
    antal: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    andel_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)

    class Config:
        unique = ["periode", "omraade_kode", "fra", "til", "maaneder_efter", "kilde"]
