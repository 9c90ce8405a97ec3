"""Skærpet tilsyn: the fokusmål counts (staging), the monthly fokusmål table and the status table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG, PERIODE_PATTERNS
from schemas.sql_checks import rows_satisfy
from warehouse.tilsyn import ANDEL, KRAV_STATUS, SAMMENLIGNING, load_rules

MAALINGER = tuple(load_rules().maalinger)
FOKUSMAAL = ("samtaler", "tilbud")
STATUSSER = tuple(sorted(set(load_rules().status.values())))
KOMMUNE = r"^\d{3}$"
MET_AT_MOST_ELIGIBLE = "opfyldt <= berettigede"


class TilsynTaelling(pa.DataFrameModel):
    """staging.tilsyn_fokusmaal_taelling: eligible and met citizens per kommune, month and measurement."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"])
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE)
    omraade_navn: Series[str]
    maaling: Series[str] = pa.Field(isin=MAALINGER)
    berettigede: Series[pd.Int64Dtype] = pa.Field(ge=0)
    opfyldt: Series[pd.Int64Dtype] = pa.Field(ge=0)
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)
    content_hash: Series[str]
    aendret_tid: Series[pd.Timestamp]

    class Config:
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "maaling"]

    met_at_most_eligible = rows_satisfy(MET_AT_MOST_ELIGIBLE)


class TilsynFokusmaal(pa.DataFrameModel):
    """mart.tilsyn_fokusmaal: each goal's monthly share, its year-to-date average and krav."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"])
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE)
    omraade_navn: Series[str]
    aar: Series[pd.Int64Dtype] = pa.Field(ge=2000)
    maaned: Series[pd.Int64Dtype] = pa.Field(ge=1, le=12)
    regelsaet: Series[str]
    fokusmaal: Series[str] = pa.Field(isin=FOKUSMAAL)
    maaling: Series[str] = pa.Field(isin=MAALINGER)
    taeller_med: Series[bool]
    berettigede: Series[pd.Int64Dtype] = pa.Field(ge=0)
    opfyldt: Series[pd.Int64Dtype] = pa.Field(ge=0)
    andel_opfyldt_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    andel_sammenlignet: Series[str] = pa.Field(isin=ANDEL)
    maalt_andel_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    sammenligning: Series[str] = pa.Field(isin=SAMMENLIGNING)
    taerskel_pct: Series[float] = pa.Field(ge=0, le=100)
    indgaar_i_gennemsnit: Series[bool]
    maaneder_i_aaret: Series[pd.Int64Dtype] = pa.Field(ge=1, le=12)
    maaneder_observeret: Series[pd.Int64Dtype] = pa.Field(ge=0, le=12)
    gennemsnit_aar_til_dato_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    krav_pct: Series[float] = pa.Field(nullable=True)  # may be < 0 (secured) or > 100 (out of reach)
    krav_status: Series[str] = pa.Field(isin=KRAV_STATUS)
    opfyldt_aar_til_dato: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    paa_vej: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "fokusmaal"]

    krav_only_before_december = rows_satisfy("krav_pct is null or maaned < 12")
    met_at_most_eligible = rows_satisfy(MET_AT_MOST_ELIGIBLE)


class TilsynStatus(pa.DataFrameModel):
    """mart.tilsyn_status: per kommune and selection year, resultatmål, fokusmål and the status."""

    aar: Series[pd.Int64Dtype] = pa.Field(ge=2000)
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE)
    omraade_navn: Series[str]
    regelsaet: Series[str]
    seneste_periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"])
    aaret_afsluttet: Series[bool]
    resultatmaal_periode: Series[str] = pa.Field(nullable=True, str_matches=PERIODE_PATTERNS["QMAT"])
    resultatmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    fokusmaal_samtaler_opfyldt: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    fokusmaal_tilbud_opfyldt: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    fokusmaal_der_taeller: Series[str]
    fokusmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(nullable=True, isin=STATUSSER)
    status_begrundelse: Series[str]
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        strict = True
        coerce = True
        unique = ["aar", "omraade_kode"]

    # a null status must say why
    no_status_without_its_inputs_unless_they_agree = rows_satisfy(
        "status is not null or starts_with(status_begrundelse, 'ukendt')"
    )
