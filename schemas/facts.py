"""The three fact families (fuldtidspersoner with ledighed, varigheder, vandringer)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG, OMRAADE_KODE_PATTERN, PERIODE_PATTERNS

AGGREGERING = ("kilde", "kommunesum")
MAANED = "Måned, fx 2026M07"
KVARTAL = "Kvartal, fx 2026Q02"
YDELSESGRUPPE_KODE = "Ydelsesgruppens kode; se mart.dim_ydelsesgruppe"
YDELSESGRUPPE = "Ydelsesgruppen som kilden kalder den"


class _Fact(pa.DataFrameModel):
    """What every fact row carries: its area, where it came from and how it was aggregated."""

    omraade_kode: Series[str] = pa.Field(
        str_matches=OMRAADE_KODE_PATTERN,
        description="Område: DST-kommunekode, region, landsdel, RAR, kommunegruppe eller 000 (hele landet); "
        "se mart.dim_omraade",
        metadata={"enhed": "kode"},
    )
    kilde: Series[str] = pa.Field(description="Kildetabellen, fx jobindsats:y25i01")
    datagrundlag: Series[str] = pa.Field(
        isin=DATAGRUNDLAG, description="live, extract, sample-real eller sample-synthetic (opdigtede tal)"
    )
    aggregering: Series[str] = pa.Field(
        isin=AGGREGERING,
        description="kilde: kildens eget tal for området; kommunesum: summen af områdets kommuner",
    )
    kommunesum: Series[float] = pa.Field(
        nullable=True, ge=0, description="Summen af områdets kommuner ved siden af kildens eget tal"
    )
    forskel_kommunesum: Series[float] = pa.Field(
        nullable=True, description="Kildens tal minus kommunesum (uoplyst område og diskretionerede celler)"
    )
    antal_kommuner: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="Aggregerede områder: antal kommuner i området (tom på kommunerækker)"
    )
    antal_kommuner_med_vaerdi: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Aggregerede områder: antal af områdets kommuner med en værdi i den første tælling (den "
        "kommunesum er af). Et tal summeret fra kommunerne er tomt, når blot én kommune mangler sin værdi",
    )

    class Config:
        strict = True
        coerce = True


class Fuldtidspersoner(_Fact):
    """Personer and fuldtidspersoner on each benefit, per month and area."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"], description=MAANED)
    ydelsesgruppe_kode: Series[str] = pa.Field(description=YDELSESGRUPPE_KODE, metadata={"enhed": "kode"})
    ydelsesgruppe: Series[str] = pa.Field(description=YDELSESGRUPPE)
    personer: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Antal personer på ydelsen i måneden", metadata={"enhed": "antal"}
    )
    fuldtidspersoner: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Fuldtidspersoner på ydelsen i måneden", metadata={"enhed": "antal"}
    )
    andel_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="Fuldtidspersoner i pct. af andel_naevner", metadata={"enhed": "pct"}
    )
    andel_naevner: Series[str] = pa.Field(description="Hvad andel_pct er en andel af")

    # No fuldtidspersoner <= personer check: real y60a02 months have more fuldtidspersoner than
    # personer (the two are not counted over the same days), so the data says it does not hold.

    class Config:
        description = (
            "Personer og fuldtidspersoner pr. måned, område og ydelsesgruppe (ptv_a02, y60a02), med andel_pct af "
            "befolkningen 16-66 år, som kilden publicerer den; og af DREAM-uger (kilde dream, uden andel)."
        )
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "kilde"]


class Ledighed(_Fact):
    """Bruttoledige (fuldtid), ledighedsprocent and langtidsledige per month and area.

    Two sources side by side, told apart by `kilde` and never added together: jobindsats (y25i01 with
    y25i09) and Statistics Denmark's fuldtidsledige (statbank:AUF01 preliminary, statbank:AUF02 final).
    """

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["M"], description=MAANED)
    ydelsesgruppe_kode: Series[str] = pa.Field(description=YDELSESGRUPPE_KODE, metadata={"enhed": "kode"})
    ydelsesgruppe: Series[str] = pa.Field(description=YDELSESGRUPPE)
    bruttoledige: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Ledige fuldtidspersoner (bruttoledige); DST: fuldtidsledige i alt (alle ydelsestyper)",
        metadata={"enhed": "antal"},
    )
    ledighedsprocent: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="Bruttoledige i pct. af arbejdsstyrken 16-66 år; kun kildens eget tal (jobindsats y25i01). "
        "Tom på DST-rækker (AUF01, AUF02 har ikke arbejdsstyrken) og på summerede områder",
        metadata={"enhed": "pct"},
    )
    langtidsledige: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Langtidsledige fuldtidspersoner (ledige mindst 80 % af de sidste 52 uger); kun jobindsats "
        "y25i09, tom på DST-rækker",
        metadata={"enhed": "antal"},
    )

    class Config:
        description = (
            "Bruttoledige (fuldtid), ledighedsprocent af arbejdsstyrken 16-66 år og langtidsledige pr. måned, "
            "område og gruppe (y25i01, y25i09), og Danmarks Statistiks fuldtidsledige (AUF01, AUF02) som rækker "
            "med deres egen kilde."
        )
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "kilde"]


class Varigheder(_Fact):
    """Forløb by duration interval, and the mean duration of forløb that ended in the period."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["Q"], description=KVARTAL)
    ydelsesgruppe: Series[str] = pa.Field(description=YDELSESGRUPPE)
    maal: Series[str] = pa.Field(
        isin=["forloeb", "afsluttede"],
        description="forloeb: forløb i kvartalet; afsluttede: forløb der sluttede i kvartalet",
        metadata={"enhed": "kode"},
    )
    varighedsinterval: Series[str] = pa.Field(description="Varighedsintervallet; se mart.dim_varighedsinterval")
    uger_fra: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Intervallets nedre grænse", metadata={"enhed": "uger"}
    )
    uger_til: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Intervallets øvre grænse (tom: ingen)", metadata={"enhed": "uger"}
    )
    antal_forloeb: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Antal forløb i intervallet", metadata={"enhed": "antal"}
    )
    gnsn_varighed_uger: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        description="Gennemsnitlig varighed af afsluttede forløb (kun på I alt-rækken)",
        metadata={"enhed": "uger"},
    )

    class Config:
        description = (
            "Forløb efter varighedsinterval (grænser i uger) pr. kvartal, område og ydelsesgruppe, og den "
            "gennemsnitlige varighed i uger af forløb afsluttet i kvartalet (tabelfamilierne forloeb og "
            "afsluttede i jobindsats_tables.toml: y##a21, y##a27, y07a07); og det samme af persondata (kilde "
            "fagsystem: kommunens målgruppeforløb; dream: forløb af DREAM-uger)."
        )
        unique = ["periode", "omraade_kode", "ydelsesgruppe", "maal", "varighedsinterval", "kilde"]


class Vandringer(_Fact):
    """Where people were 1 and 3 months after a forløb ended, as counts and shares of the row."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["Q"], description=KVARTAL)
    fra: Series[str] = pa.Field(description="Ydelsen forløbet sluttede på")
    til: Series[str] = pa.Field(description="Status maaneder_efter forløbets afslutning (I alt: rækkens total)")
    maaneder_efter: Series[int] = pa.Field(
        isin=[1, 3, 6, 12],
        description="Hvor mange måneder efter afslutningen status er gjort op",
        metadata={"enhed": "måneder"},
    )
    antal: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Antal afsluttede forløb med denne status", metadata={"enhed": "antal"}
    )
    andel_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="antal i pct. af rækkens I alt", metadata={"enhed": "pct"}
    )

    class Config:
        description = (
            "Status 1 og 3 måneder efter et afsluttet forløb (job, uddannelse, anden ydelse, selvforsørgelse, "
            "...) som antal og andel_pct af rækken, pr. kvartal, område og den gruppe forløbet var på (fra; "
            "tabelfamilien status i jobindsats_tables.toml: y##b15)."
        )
        unique = ["periode", "omraade_kode", "fra", "til", "maaneder_efter", "kilde"]
