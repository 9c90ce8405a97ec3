"""The reference dimensions: areas, benefit groups and periods."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import GRUPPERINGER, HELE_LANDET, N_KOMMUNER, NIVEAUER, PERIODE_PATTERN, PERIODETYPER
from schemas.sql_checks import rows_satisfy, table_satisfies


class DimOmraade(pa.DataFrameModel):
    """Hele landet, regions, landsdele, RAR, kommunegrupper and the 98 kommuner."""

    omraade_kode: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9A-Z]{3,5}$")
    omraade_navn: Series[str] = pa.Field(str_length={"min_value": 2})
    niveau: Series[str] = pa.Field(isin=NIVEAUER)
    region_kode: Series[str] = pa.Field(
        nullable=True, description="Kommunens region (DST-kode, fx 082); tom for andre niveauer"
    )
    landsdel_kode: Series[str] = pa.Field(
        nullable=True, description="Kommunens landsdel (LD01-LD11); tom for andre niveauer"
    )
    rar: Series[str] = pa.Field(
        nullable=True, description="Kommunens RAR (regionalt arbejdsmarkedsråd, RAR1-RAR8); tom for andre niveauer"
    )
    kommunegruppe: Series[str] = pa.Field(
        nullable=True, description="Kommunens kommunegruppe (KG1-KG5); tom for andre niveauer"
    )
    nuts3: Series[str] = pa.Field(nullable=True, description="Kommunens NUTS3-kode (fx DK041); tom for andre niveauer")
    sortering: Series[int] = pa.Field(
        ge=0, description="Sorteringsorden: landet, regioner, landsdele, RAR, kommunegrupper, kommuner"
    )

    class Config:
        description = "Områderne: hele landet, 5 regioner, 11 landsdele, 8 RAR, 5 kommunegrupper og de 98 kommuner."
        strict = True
        coerce = True

    has_98_kommuner_and_hele_landet = table_satisfies(
        f"select count_if(niveau = 'kommune') = {N_KOMMUNER} and count_if(omraade_kode = '{HELE_LANDET}') = 1 "
        "from {rows}"
    )
    kommune_belongs_to_one_of_each = rows_satisfy(
        """niveau is distinct from 'kommune' or (
            region_kode in (select omraade_kode from {rows} where niveau = 'region')
            and landsdel_kode in (select omraade_kode from {rows} where niveau = 'landsdel')
            and rar in (select omraade_kode from {rows} where niveau = 'rar')
            and kommunegruppe in (select omraade_kode from {rows} where niveau = 'kommunegruppe'))""",
        description="Every kommune names exactly one region, landsdel, RAR and kommunegruppe that exist.",
    )
    names_unique_within_level = rows_satisfy("count(*) over (partition by niveau, omraade_navn) = 1")


class DimYdelsesgruppe(pa.DataFrameModel):
    """The benefit groups jobindsats reports in, with the label it uses for each.

    The same label can mean different things in different groupings ("Ydelsesgrupper i alt" is
    the benchmark's scope in y30r21 and all benefits in ptv_a02), so labels are unique per
    `gruppering`, and codes are unique overall.
    """

    ydelsesgruppe_kode: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$")
    ydelsesgruppe: Series[str]
    gruppering: Series[str] = pa.Field(
        isin=GRUPPERINGER,
        description="Grupperingen ydelsesgruppen hører til: benchmark, offentligt_forsoergede eller ledighed",
    )
    overgruppe_kode: Series[str] = pa.Field(
        nullable=True, description="Koden på den ydelsesgruppe, gruppen er en del af (tom for i alt)"
    )
    beskrivelse: Series[str] = pa.Field(description="Hvad ydelsesgruppen dækker")

    class Config:
        description = "Ydelsesgrupperne med jobindsats' betegnelse for hver og den gruppering, de hører til."
        strict = True
        coerce = True
        unique = ["gruppering", "ydelsesgruppe"]


class DimVarighedsinterval(pa.DataFrameModel):
    """The duration intervals jobindsats counts forløb in, with their bounds in weeks."""

    varighedsinterval: Series[str] = pa.Field(
        unique=True, description="Varighedsintervallet som jobindsats kalder det, fx 0-13 uger"
    )
    uger_fra: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Intervallets nedre grænse i uger (tom for i alt)"
    )
    uger_til: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Intervallets øvre grænse i uger (tom for i alt og for det åbne sidste interval)",
    )
    kolonne: Series[str] = pa.Field(
        nullable=True, description="Kolonnen i kildetabellen, når intervallet er et tal og ikke en række (ellers tom)"
    )

    class Config:
        description = "De varighedsintervaller jobindsats tæller forløb i, med grænserne i uger."
        strict = True
        coerce = True


class DimPeriode(pa.DataFrameModel):
    """Months, quarters, rolling years ending in a quarter (QMAT), calendar years and years to date (MYTD)."""

    periode: Series[str] = pa.Field(unique=True, str_matches=PERIODE_PATTERN)
    periodetype: Series[str] = pa.Field(
        isin=PERIODETYPER,
        description="Periodens type: M (måned), Q (kvartal), QMAT (rullende år), Y (år), MYTD (år til dato)",
    )
    start_dato: Series[pd.Timestamp] = pa.Field(metadata={"sql_type": "DATE"}, description="Periodens første dag")
    slut_dato: Series[pd.Timestamp] = pa.Field(metadata={"sql_type": "DATE"}, description="Periodens sidste dag")
    aar: Series[int] = pa.Field(ge=2000, le=2100, description="Året perioden slutter i")
    maaneder: Series[int] = pa.Field(ge=1, le=12, description="Antal måneder perioden dækker")

    class Config:
        description = (
            "Perioderne M (måned), Q (kvartal), QMAT (rullende år), Y (år) og MYTD (år til dato) fra 2007 til "
            "næste år, med første og sidste dag."
        )
        strict = True
        coerce = True

    ends_after_start = rows_satisfy("slut_dato >= start_dato")


class OmraadeMedlemskab(pa.DataFrameModel):
    """Which kommuner make up each aggregate area (hele landet, region, landsdel, RAR, kommunegruppe)."""

    omraade_kode: Series[str]
    kommune_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$", description="En kommune i området (DST-kode)")
    niveau: Series[str] = pa.Field(isin=[n for n in NIVEAUER if n != "kommune"])

    class Config:
        description = "Hvilke kommuner hvert samlet område består af: broen, som faktatallene summeres igennem."
        strict = True
        coerce = True
        unique = ["omraade_kode", "kommune_kode"]

    # Every level has all the kommuner (no level at all passes, as in pandas), and none twice in a level.
    every_level_covers_all_kommuner_once = table_satisfies(
        f"""select coalesce(bool_and(kommuner = {N_KOMMUNER}), true)
                and (select count(*) = count(distinct (niveau, kommune_kode)) from {{rows}})
            from (
                select count(distinct kommune_kode) as kommuner from {{rows}} where niveau is not null group by niveau
            )"""
    )
