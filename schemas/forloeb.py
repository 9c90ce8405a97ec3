"""The marts built from person-level data (warehouse/forloeb.py): vandringer into and out of a målgruppe.

Their person-level rows for varigheder and fuldtidspersoner go into mart.varigheder and
mart.fuldtidspersoner (schemas/facts.py) with kilde 'fagsystem' or 'dream'.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import PERIODE_PATTERNS
from schemas.facts import KVARTAL, MAANED, _Fact

KILDER = ("fagsystem", "dream")


class VandringerMaalgruppe(_Fact):
    """Nye målgruppeforløb per month and area by the målgruppe the person came from (forrige målgruppe)."""

    periode: Series[str] = pa.Field(
        str_matches=PERIODE_PATTERNS["M"], description=f"Måneden det nye forløb starter. {MAANED}"
    )
    til_maalgruppe: Series[str] = pa.Field(description="Målgruppen for det nye forløb (fagsystemets betegnelse)")
    fra_maalgruppe: Series[str] = pa.Field(
        description="Forrige målgruppe: personens forløb der var åbent ved starten eller sluttede højst 31 dage "
        "før (det senest sluttende; et åbent tæller som senest); Ingen når der ikke er et"
    )
    til_ydelsesgruppe_kode: Series[str] = pa.Field(
        nullable=True,
        description="Ydelsesgruppens kode for til_maalgruppe; se mart.dim_ydelsesgruppe",
        metadata={"enhed": "kode"},
    )
    fra_ydelsesgruppe_kode: Series[str] = pa.Field(
        nullable=True, description="Ydelsesgruppens kode for fra_maalgruppe (tom for Ingen)", metadata={"enhed": "kode"}
    )
    antal: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Antal nye forløb", metadata={"enhed": "antal"}
    )
    kilde: Series[str] = pa.Field(isin=["fagsystem"], description="fagsystem: målgruppeforløb fra kommunens fagsystem")

    class Config:
        description = (
            "Nye målgruppeforløb pr. måned og område efter forrige målgruppe (Ingen når der ikke er en), af "
            "kommunens målgruppeforløb fra fagsystemet (pipelines/config/forloeb.toml: look_back_dage)."
        )
        unique = ["periode", "omraade_kode", "til_maalgruppe", "fra_maalgruppe", "kilde"]


class VandringerEfterForloeb(_Fact):
    """Where people were 1 and 3 months after a forløb ended, per quarter of the end and area."""

    periode: Series[str] = pa.Field(
        str_matches=PERIODE_PATTERNS["Q"], description=f"Kvartalet forløbet sluttede. {KVARTAL}"
    )
    maalgruppe: Series[str] = pa.Field(description="Målgruppen (fagsystem) eller ydelsesgruppen (dream) der sluttede")
    status_efter: Series[str] = pa.Field(
        description="Målgruppen (fagsystem) eller ydelsesgruppen/status (dream) maaneder_efter slutningen; Ingen eller "
        "Selvforsørgelse/ingen ydelse når der ikke er nogen; I alt: rækkens total"
    )
    maaneder_efter: Series[int] = pa.Field(
        isin=[1, 3], description="Måneder efter forløbets slutdato", metadata={"enhed": "måneder"}
    )
    antal: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Antal afsluttede forløb med denne status", metadata={"enhed": "antal"}
    )
    andel_pct: Series[float] = pa.Field(
        nullable=True, ge=0, le=100, description="antal i pct. af rækkens I alt", metadata={"enhed": "pct"}
    )
    kilde: Series[str] = pa.Field(
        isin=KILDER, description="fagsystem: målgruppeforløb fra kommunens fagsystem; dream: forløb af DREAM-uger"
    )

    class Config:
        description = (
            "Status 1 og 3 måneder efter et afsluttet forløb pr. kvartal for afslutningen og område, med andel_pct "
            "af rækkens I alt (fagsystemets målgruppeforløb og forløb af DREAM-uger)."
        )
        unique = ["periode", "omraade_kode", "maalgruppe", "status_efter", "maaneder_efter", "kilde"]
