"""The data dictionary table: one row per column of every mart table."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing.pandas import Series


class DataDictionary(pa.DataFrameModel):
    """Every mart table and column: type, nullability, unit, description and source."""

    tabel: Series[str] = pa.Field(str_matches=r"^mart\.[a-z0-9_]+$", description="Tabellen, fx mart.ledighed")
    position: Series[int] = pa.Field(ge=1, description="Kolonnens plads i tabellen")
    kolonne: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$", description="Kolonnens navn")
    type: Series[str] = pa.Field(description="DuckDB-typen")
    nullable: Series[bool] = pa.Field(description="Om kolonnen kan være tom (NULL)")
    enhed: Series[str] = pa.Field(nullable=True, description="Enheden: antal, pct, uger, kode, ...")
    beskrivelse: Series[str] = pa.Field(description="Hvad kolonnen indeholder")
    kilde: Series[str] = pa.Field(description="Hvor tallene kommer fra: tabellerne tabellen er bygget af")
    tabel_beskrivelse: Series[str] = pa.Field(description="Hvad tabellen indeholder (assetets beskrivelse)")

    class Config:
        description = (
            "Hver mart-tabel og kolonne med type, om den kan være tom, enhed, beskrivelse og kilde, genereret fra"
            " pandera-modellerne (det samme som docs/data_dictionary.md)."
        )
        strict = True
        coerce = True
        unique = ["tabel", "kolonne"]
