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
    aar: Series[pd.Int64Dtype] = pa.Field(ge=2000, description="Kalenderåret")
    maaned: Series[pd.Int64Dtype] = pa.Field(ge=1, le=12, description="Måneden i året (1-12)")
    regelsaet: Series[str] = pa.Field(description="Regelsættet for året (pipelines/config/tilsyn_regler.toml)")
    fokusmaal: Series[str] = pa.Field(isin=FOKUSMAAL, description="Fokusmålet: samtaler eller tilbud")
    maaling: Series[str] = pa.Field(isin=MAALINGER, description="Den måling fokusmålet bruger i året, fx samtaler_4")
    taeller_med: Series[bool] = pa.Field(description="Om fokusmålet tæller med i årets udvælgelse")
    berettigede: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Antal borgere, der indgår i målingen")
    opfyldt: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Antal af dem, for hvem målet er opfyldt")
    andel_opfyldt_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="opfyldt i procent af berettigede"
    )
    andel_sammenlignet: Series[str] = pa.Field(
        isin=ANDEL, description="Hvilken andel der holdes op mod tærsklen: med (opfyldt) eller uden (ikke opfyldt)"
    )
    maalt_andel_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="Den andel der holdes op mod tærsklen, i procent"
    )
    sammenligning: Series[str] = pa.Field(
        isin=SAMMENLIGNING, description="gt: andelen skal over tærsklen; lt: andelen skal under tærsklen"
    )
    taerskel_pct: Series[float] = pa.Field(ge=0, le=100, description="Tærsklen for årets gennemsnit, i procent")
    indgaar_i_gennemsnit: Series[bool] = pa.Field(description="Om måneden indgår i årets gennemsnit")
    maaneder_i_aaret: Series[pd.Int64Dtype] = pa.Field(
        ge=1, le=12, description="Antal måneder, årets gennemsnit tages over"
    )
    maaneder_observeret: Series[pd.Int64Dtype] = pa.Field(
        ge=0, le=12, description="Antal måneder med tal indtil denne måned"
    )
    gennemsnit_aar_til_dato_pct: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="Gennemsnittet af den målte andel fra årets start til denne måned, i procent",
    )
    krav_pct: Series[float] = pa.Field(
        nullable=True,
        description="Den gennemsnitlige andel resten af året skal have, for at årets gennemsnit holder tærsklen "
        "(under 0: sikret, over 100: uden for rækkevidde)",
    )  # may be < 0 (secured) or > 100 (out of reach)
    krav_status: Series[str] = pa.Field(
        isin=KRAV_STATUS, description="Kravets status: sikret, mulig, uopnaaelig eller aaret_afsluttet (december)"
    )
    opfyldt_aar_til_dato: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om gennemsnittet indtil nu holder tærsklen"
    )
    paa_vej: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om denne måneds andel holder kravet for resten af året"
    )
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Hvert fokusmål pr. kommune og måned efter årets regelsæt: den månedlige andel, gennemsnittet for "
            "året indtil nu og kravet til resten af året (pipelines/config/tilsyn_regler.toml)."
        )
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "fokusmaal"]

    krav_only_before_december = rows_satisfy("krav_pct is null or maaned < 12")
    met_at_most_eligible = rows_satisfy(MET_AT_MOST_ELIGIBLE)


class TilsynStatus(pa.DataFrameModel):
    """mart.tilsyn_status: per kommune and selection year, resultatmål, fokusmål and the status."""

    aar: Series[pd.Int64Dtype] = pa.Field(ge=2000, description="Udvælgelsesåret")
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE)
    omraade_navn: Series[str]
    regelsaet: Series[str] = pa.Field(description="Regelsættet for året (pipelines/config/tilsyn_regler.toml)")
    seneste_periode: Series[str] = pa.Field(
        str_matches=PERIODE_PATTERNS["M"], description="Den seneste måned med fokusmålstal i året"
    )
    aaret_afsluttet: Series[bool] = pa.Field(description="Om året har tal for alle 12 måneder")
    resultatmaal_periode: Series[str] = pa.Field(
        nullable=True,
        str_matches=PERIODE_PATTERNS["QMAT"],
        description="Benchmarkperioden resultatmålet læses fra (årets QMAT04, ellers QMAT02)",
    )
    resultatmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om kommunen var bedre end eller lig med forventet i benchmark (i alt)"
    )
    fokusmaal_samtaler_opfyldt: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om fokusmålet for samtaler er opfyldt for året indtil nu"
    )
    fokusmaal_tilbud_opfyldt: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om fokusmålet for tilbud er opfyldt for året indtil nu"
    )
    fokusmaal_der_taeller: Series[str] = pa.Field(description="De fokusmål, der tæller med i året, kommasepareret")
    fokusmaal_opfyldt: Series[pd.BooleanDtype] = pa.Field(
        nullable=True, description="Om de fokusmål, der tæller, samlet er opfyldt efter regelsættet"
    )
    status: Series[str] = pa.Field(
        nullable=True,
        isin=STATUSSER,
        description="Status efter regelsættets beslutningstabel, fx Risiko for skærpet tilsyn; "
        "tom når et input mangler",
    )
    status_begrundelse: Series[str] = pa.Field(
        description="Hvorfor status er som den er (ved tom status: hvad der mangler)"
    )
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Pr. kommune og udvælgelsesår: resultatmålet (mart.benchmark, i alt, årets QMAT04, ellers QMAT02), de"
            " fokusmål der tæller, og status efter den konfigurerede beslutningstabel; tom med en begrundelse, "
            "når et input er ukendt."
        )
        strict = True
        coerce = True
        unique = ["aar", "omraade_kode"]

    # a null status must say why
    no_status_without_its_inputs_unless_they_agree = rows_satisfy(
        "status is not null or starts_with(status_begrundelse, 'ukendt')"
    )
