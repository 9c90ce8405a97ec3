"""The key-figure sheet: one row per kommune, period and figure, beside hele landet and earlier values."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import DATAGRUNDLAG
from schemas.sql_checks import rows_satisfy

ENHED = {"enhed": "antal eller pct (kolonnen enhed)"}
KODE = {"enhed": "kode"}


class Noegletal(pa.DataFrameModel):
    """Nøgletal per kommune and month (quarter where the source is quarterly), per noegletal.toml."""

    periode: Series[str] = pa.Field(
        str_matches=r"^\d{4}(M(0[1-9]|1[0-2])|Q0[1-4])$", description="Måned (2026M07) eller kvartal (2026Q02)"
    )
    periodetype: Series[str] = pa.Field(isin=["M", "Q"], description="M: måned; Q: kvartal", metadata=KODE)
    omraade_kode: Series[str] = pa.Field(str_matches=r"^\d{3}$", description="Kommunens DST-kode", metadata=KODE)
    omraade_navn: Series[str] = pa.Field(description="Kommunens navn")
    noegletal: Series[str] = pa.Field(description="Nøgletallets kode (pipelines/config/noegletal.toml)", metadata=KODE)
    noegletal_navn: Series[str] = pa.Field(description="Nøgletallets navn")
    enhed: Series[str] = pa.Field(isin=["antal", "pct"], description="antal eller pct: enheden for alle værdikolonner")
    vaerdi: Series[float] = pa.Field(nullable=True, ge=0, description="Kommunens værdi i perioden", metadata=ENHED)
    hele_landet: Series[float] = pa.Field(
        nullable=True, ge=0, description="Samme nøgletal for hele landet", metadata=ENHED
    )
    vaerdi_3m: Series[float] = pa.Field(
        nullable=True, ge=0, description="Kommunens værdi 3 måneder (1 kvartal) tidligere", metadata=ENHED
    )
    vaerdi_6m: Series[float] = pa.Field(
        nullable=True, ge=0, description="Kommunens værdi 6 måneder (2 kvartaler) tidligere", metadata=ENHED
    )
    vaerdi_12m: Series[float] = pa.Field(
        nullable=True, ge=0, description="Kommunens værdi 12 måneder (4 kvartaler) tidligere", metadata=ENHED
    )
    kilde: Series[str] = pa.Field(description="Kildetabellen, fx jobindsats:y25i01")
    datagrundlag: Series[str] = pa.Field(
        isin=DATAGRUNDLAG, description="live, extract, sample-real eller sample-synthetic (opdigtede tal)"
    )

    class Config:
        description = (
            "Nøgletalsarket: pr. kommune, måned (kvartal for kvartalsvise kilder) og nøgletal værdien, hele "
            "landets værdi ved siden af og kommunens værdi 3, 6 og 12 måneder før; et nøgletal mangler, hvor "
            "kilden ikke har perioden (pipelines/config/noegletal.toml)."
        )
        strict = True
        coerce = True
        unique = ["periode", "omraade_kode", "noegletal"]

    # greatest() passes over NULLs: an empty value is no share above 100.
    shares_are_percentages = rows_satisfy(
        "enhed is distinct from 'pct' or coalesce(greatest(vaerdi, hele_landet, vaerdi_3m, vaerdi_6m, vaerdi_12m) "
        "<= 100, true)"
    )
    periodetype_matches_periode = rows_satisfy("substr(periode, 5, 1) = periodetype")
