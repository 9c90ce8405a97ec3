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
    region_kode: Series[str] = pa.Field(nullable=True)
    landsdel_kode: Series[str] = pa.Field(nullable=True)
    rar: Series[str] = pa.Field(nullable=True)
    kommunegruppe: Series[str] = pa.Field(nullable=True)
    nuts3: Series[str] = pa.Field(nullable=True)
    sortering: Series[int] = pa.Field(ge=0)

    class Config:
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
    gruppering: Series[str] = pa.Field(isin=GRUPPERINGER)
    overgruppe_kode: Series[str] = pa.Field(nullable=True)
    beskrivelse: Series[str]

    class Config:
        strict = True
        coerce = True
        unique = ["gruppering", "ydelsesgruppe"]


class DimVarighedsinterval(pa.DataFrameModel):
    """The duration intervals jobindsats counts forløb in, with their bounds in weeks."""

    varighedsinterval: Series[str] = pa.Field(unique=True)
    uger_fra: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    uger_til: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    kolonne: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class DimPeriode(pa.DataFrameModel):
    """Months, quarters, rolling years ending in a quarter (QMAT), calendar years and years to date (MYTD)."""

    periode: Series[str] = pa.Field(unique=True, str_matches=PERIODE_PATTERN)
    periodetype: Series[str] = pa.Field(isin=PERIODETYPER)
    start_dato: Series[pd.Timestamp] = pa.Field(metadata={"sql_type": "DATE"})
    slut_dato: Series[pd.Timestamp] = pa.Field(metadata={"sql_type": "DATE"})
    aar: Series[int] = pa.Field(ge=2000, le=2100)
    maaneder: Series[int] = pa.Field(ge=1, le=12)

    class Config:
        strict = True
        coerce = True

    ends_after_start = rows_satisfy("slut_dato >= start_dato")


class OmraadeMedlemskab(pa.DataFrameModel):
    """Which kommuner make up each aggregate area (hele landet, region, landsdel, RAR, kommunegruppe)."""

    omraade_kode: Series[str]
    kommune_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$")
    niveau: Series[str] = pa.Field(isin=[n for n in NIVEAUER if n != "kommune"])

    class Config:
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
