"""The benchmark's comparisons and ranks, and the developments over time of the fact tables."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG, OMRAADE_KODE_PATTERN, PERIODE_PATTERNS
from schemas.sql_checks import rows_satisfy

BENCHMARK_MAAL = (
    "forventet_antal",
    "faktisk_antal",
    "forskel_antal",
    "forventet_andel",
    "faktisk_andel",
    "forskel_pct_point",
)
ENHEDER = ("antal", "pct", "pct_point")
SAMMENLIGNING_TYPER = ("land", "region", "rar", "kommunegruppe", "peer", "sammenlignelig")
RANGLISTER = ("land", "region", "rar", "kommunegruppe")
UDVIKLING_TABELLER = ("mart.ledighed", "mart.fuldtidspersoner", "mart.varigheder", "mart.vandringer", "mart.benchmark")
UDVIKLING_ENHEDER = (*ENHEDER, "uger")
UDVIKLING_PERIODE = "|".join(PERIODE_PATTERNS[t] for t in ("M", "Q", "QMAT"))
HORISONTER = ("3m", "6m", "12m", "forrige_qmat", "aar")
KOMMUNE_KODE = r"^\d{3}$"
# Rounding noise allowed where a stored forskel is compared with its recomputation.
TOLERANCE = 1e-6
# What a forskel rounded to 4 decimals may differ by, as SQL: the same sum of doubles the pandas check made.
ROUNDING_ALLOWED = f"1e-4 + {TOLERANCE}"


class BenchmarkSammenligning(pa.DataFrameModel):
    """One benchmark figure of a kommune beside the same figure of an area or kommune it is compared with."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["QMAT"])
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE_KODE)
    omraade_navn: Series[str]
    ydelsesgruppe_kode: Series[str]
    ydelsesgruppe: Series[str]
    maal: Series[str] = pa.Field(
        isin=BENCHMARK_MAAL,
        description="Benchmarktallet: forventet_antal, faktisk_antal, forskel_antal, forventet_andel, faktisk_andel, "
        "forskel_pct_point",
    )
    enhed: Series[str] = pa.Field(isin=ENHEDER, description="Tallets enhed: antal, pct eller pct_point")
    sammenlignet_med: Series[str] = pa.Field(
        description="Hvad kommunen sammenlignes med: type og kode, fx region:082, peer:661 eller sammenlignelig:1 "
        "(nummer i rækkefølgen efter lighed)",
        str_matches=r"^((land|region|rar|kommunegruppe|peer):[0-9A-Z]{3,5}|sammenlignelig:[1-9]\d*)$",
    )
    sammenligning_type: Series[str] = pa.Field(
        isin=SAMMENLIGNING_TYPER,
        description="Sammenligningens type: land, region, rar, kommunegruppe, peer (konfigureret) eller sammenlignelig",
    )
    sammenligning_kode: Series[str] = pa.Field(
        str_matches=OMRAADE_KODE_PATTERN,
        description="Områdekoden for det område eller den kommune, der sammenlignes med",
    )
    sammenligning_navn: Series[str] = pa.Field(
        description="Navnet på det område eller den kommune, der sammenlignes med"
    )
    vaerdi: Series[float] = pa.Field(description="Kommunens værdi af tallet")
    # Empty where the area compared with lacks a kommune's figure (warehouse/aggregate.py's rule).
    sammenligningsvaerdi: Series[float] = pa.Field(
        nullable=True,
        description="Samme tal for det, der sammenlignes med (summer af antal, befolkningsvægtede andele); "
        "tom hvis en af områdets kommuner mangler",
    )
    forskel: Series[float] = pa.Field(nullable=True, description="vaerdi minus sammenligningsvaerdi")
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Hver kommunes benchmarktal (forventet/faktisk antal og andel, forskel) ved siden af hele landet, "
            "regionen, RAR og kommunegruppen (summer af antal, befolkningsvægtede andele), de konfigurerede "
            "sammenligningskommuner og de k mest sammenlignelige kommuner efter forventet andel; langt format: "
            "maal × sammenlignet_med."
        )
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "maal", "sammenlignet_med"]

    forskel_is_vaerdi_minus_sammenligningsvaerdi = rows_satisfy(
        "(sammenligningsvaerdi is null and forskel is null) "
        f"or abs(forskel - (vaerdi - sammenligningsvaerdi)) <= {ROUNDING_ALLOWED}"
    )
    type_matches_sammenlignet_med = rows_satisfy("split_part(sammenlignet_med, ':', 1) = sammenligning_type")
    a_kommune_is_not_its_own_peer = rows_satisfy("sammenligning_kode <> omraade_kode")


class BenchmarkPlacering(pa.DataFrameModel):
    """A kommune's benchmark rank within hele landet, its region, RAR or kommunegruppe, with the tie band."""

    periode: Series[str] = pa.Field(str_matches=PERIODE_PATTERNS["QMAT"])
    omraade_kode: Series[str] = pa.Field(str_matches=KOMMUNE_KODE)
    omraade_navn: Series[str]
    ydelsesgruppe_kode: Series[str]
    inden_for: Series[str] = pa.Field(
        str_matches=r"^(land|region|rar|kommunegruppe):[0-9A-Z]{3,5}$",
        description="Ranglisten: niveau og kode, fx region:082 (landet, regionen, RAR eller kommunegruppen)",
    )
    inden_for_niveau: Series[str] = pa.Field(
        isin=RANGLISTER, description="Ranglistens niveau: land, region, rar eller kommunegruppe"
    )
    inden_for_kode: Series[str] = pa.Field(
        str_matches=OMRAADE_KODE_PATTERN, description="Områdekoden for det område, kommunen rangeres inden for"
    )
    inden_for_navn: Series[str] = pa.Field(description="Navnet på det område, kommunen rangeres inden for")
    forskel_pct_point: Series[float] = pa.Field(
        description="Faktisk minus forventet andel i procentpoint (negativ er bedre end forventet)"
    )
    placering_min: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Bedste placering kommunen kan have (de afrundede andele giver et bånd ved lighed)"
    )
    placering_max: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Dårligste placering kommunen kan have inden for båndet"
    )
    placering: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Placeringen i rækkefølgen af den publicerede landsplacering (1 er bedst)"
    )
    antal_kommuner: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Antal kommuner i ranglisten")
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Hver kommunes placering i benchmark inden for hele landet, regionen, RAR og kommunegruppen: båndet "
            "placering_min..placering_max af kommuner med samme afrundede forskel i procentpoint, og placering i "
            "rækkefølgen af den publicerede landsplacering."
        )
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "ydelsesgruppe_kode", "inden_for"]

    placering_lies_in_its_band = rows_satisfy(
        "placering_min <= placering and placering <= placering_max and placering_max <= antal_kommuner"
    )


class Udvikling(pa.DataFrameModel):
    """A figure against the same figure 3, 6 or 12 months (or one or two QMAT periods) earlier."""

    tabel: Series[str] = pa.Field(isin=UDVIKLING_TABELLER, description="Faktatabellen tallet kommer fra")
    periode: Series[str] = pa.Field(str_matches=UDVIKLING_PERIODE)
    omraade_kode: Series[str] = pa.Field(str_matches=OMRAADE_KODE_PATTERN)
    ydelsesgruppe_kode: Series[str]
    opdeling: Series[str] = pa.Field(
        nullable=True,
        description="Opdelingen under ydelsesgruppen: varighedsintervallet (varigheder), status efter forløbet "
        "(vandringer); tom for tabeller uden",
    )
    maal: Series[str] = pa.Field(
        description="Målet: kildetabellens kolonne, med en anden opdeling foran (afsluttede:antal_forloeb, "
        "1m_efter:antal)"
    )
    enhed: Series[str] = pa.Field(isin=UDVIKLING_ENHEDER, description="antal, pct, pct_point eller uger")
    horisont: Series[str] = pa.Field(
        isin=HORISONTER,
        description="3m, 6m, 12m (måneder tilbage; 12m er udviklingen år til år); for benchmark forrige_qmat og aar",
    )
    vaerdi: Series[float] = pa.Field(description="Tallet i perioden")
    tidligere_periode: Series[str] = pa.Field(
        str_matches=UDVIKLING_PERIODE, description="Perioden horisont tilbage, også når kilden ikke har den"
    )
    tidligere_vaerdi: Series[float] = pa.Field(nullable=True, description="Tallet i tidligere_periode; tom uden")
    forskel: Series[float] = pa.Field(
        nullable=True,
        description="vaerdi - tidligere_vaerdi i målets enhed (procentpoint for andele); tom, aldrig 0, uden "
        "tidligere tal",
    )
    forskel_pct: Series[float] = pa.Field(
        nullable=True, description="Ændringen i pct. af tidligere_vaerdi; kun for antal der er niveauer"
    )
    kilde: Series[str]
    datagrundlag: Series[str] = pa.Field(isin=DATAGRUNDLAG)

    class Config:
        description = (
            "Hvert tal i ledighed, fuldtidspersoner, varigheder og vandringer mod 3, 6 og 12 måneder før (1, 2 og"
            " 4 kvartaler for kvartalstabellerne), og benchmark mod forrige QMAT og samme QMAT året før: forskel "
            "i antal eller procentpoint, forskel_pct for antal; tom, aldrig 0, hvor den tidligere periode "
            "mangler."
        )
        strict = True
        coerce = True
        unique = ["tabel", "periode", "omraade_kode", "ydelsesgruppe_kode", "opdeling", "kilde", "maal", "horisont"]

    # Null, never 0: a change exists exactly when the earlier figure does.
    no_change_without_an_earlier_figure = rows_satisfy("(forskel is null) = (tidligere_vaerdi is null)")
    forskel_is_vaerdi_minus_tidligere = rows_satisfy(
        f"forskel is null or abs(forskel - (vaerdi - tidligere_vaerdi)) <= {ROUNDING_ALLOWED}"
    )
    per_cent_only_for_counts = rows_satisfy("forskel_pct is null or (enhed = 'antal' and forskel is not null)")
    # Both ids of one type sort as text in time order (2025M12 < 2026M03, 2019QMAT04 < 2020QMAT02).
    earlier_period_is_earlier = rows_satisfy(
        "tidligere_periode < periode and length(tidligere_periode) = length(periode)"
    )
