"""The reference dimensions: areas, benefit groups and periods."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import DataFrame, Series

from schemas.codelists import GRUPPERINGER, HELE_LANDET, N_KOMMUNER, NIVEAUER, PERIODE_PATTERN, PERIODETYPER


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

    @pa.dataframe_check
    def has_98_kommuner_and_hele_landet(cls, df: DataFrame) -> bool:
        return (df["niveau"] == "kommune").sum() == N_KOMMUNER and (df["omraade_kode"] == HELE_LANDET).sum() == 1

    @pa.dataframe_check
    def kommune_belongs_to_one_of_each(cls, df: DataFrame) -> Series[bool]:
        """Every kommune names exactly one region, landsdel, RAR and kommunegruppe that exist."""
        ok = pd.Series(True, index=df.index)
        kommune = df["niveau"] == "kommune"
        for column, niveau in [
            ("region_kode", "region"),
            ("landsdel_kode", "landsdel"),
            ("rar", "rar"),
            ("kommunegruppe", "kommunegruppe"),
        ]:
            known = set(df.loc[df["niveau"] == niveau, "omraade_kode"])
            ok &= ~kommune | df[column].isin(known)
        return ok

    @pa.dataframe_check
    def names_unique_within_level(cls, df: DataFrame) -> Series[bool]:
        return ~df.duplicated(["niveau", "omraade_navn"], keep=False)


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

    @pa.dataframe_check
    def ends_after_start(cls, df: DataFrame) -> Series[bool]:
        return df["slut_dato"] >= df["start_dato"]


class OmraadeMedlemskab(pa.DataFrameModel):
    """Which kommuner make up each aggregate area (hele landet, region, landsdel, RAR, kommunegruppe)."""

    omraade_kode: Series[str]
    kommune_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$")
    niveau: Series[str] = pa.Field(isin=[n for n in NIVEAUER if n != "kommune"])

    class Config:
        strict = True
        coerce = True
        unique = ["omraade_kode", "kommune_kode"]

    @pa.dataframe_check
    def every_level_covers_all_kommuner_once(cls, df: DataFrame) -> bool:
        return (
            bool((df.groupby("niveau")["kommune_kode"].nunique() == N_KOMMUNER).all())
            and not df.duplicated(["niveau", "kommune_kode"]).any()
        )
