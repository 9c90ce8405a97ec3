"""Aktivering: tilbud in fuldtidspersoner per målgruppe, and the aktiveringsgrad computed from them."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing.pandas import Series

from schemas.codelists import PERIODE_PATTERNS
from schemas.facts import YDELSESGRUPPE, _Fact

ANTAL = {"enhed": "antal"}
PCT = {"enhed": "pct"}
FULDTID = "Fuldtidsaktiverede (månedens tal; i et år: gennemsnittet af årets 12 måneder)"


class Aktivering(_Fact):
    """Fuldtidsaktiverede by tilbud beside the bruttoledige of the same group, per month and year."""

    periode: Series[str] = pa.Field(
        str_matches=f"{PERIODE_PATTERNS['M']}|{PERIODE_PATTERNS['Y']}", description="Måned (2026M07) eller år (2025)"
    )
    periodetype: Series[str] = pa.Field(
        isin=["M", "Y"], description="M: måned; Y: gennemsnit af årets 12 måneder", metadata={"enhed": "kode"}
    )
    ydelsesgruppe: Series[str] = pa.Field(description=YDELSESGRUPPE)
    ydelsesgruppe_kode: Series[str] = pa.Field(
        nullable=True,
        description="Gruppen i mart.ledighed hvis bruttoledige er nævneren (tom: ingen bruttoledige for gruppen)",
        metadata={"enhed": "kode"},
    )
    tilbud_i_alt: Series[float] = pa.Field(nullable=True, ge=0, description=f"{FULDTID}: alle tilbud", metadata=ANTAL)
    vejledning_opkvalificering: Series[float] = pa.Field(
        nullable=True, ge=0, description=f"{FULDTID}: vejledning og opkvalificering", metadata=ANTAL
    )
    virksomhedspraktik: Series[float] = pa.Field(
        nullable=True, ge=0, description=f"{FULDTID}: virksomhedspraktik", metadata=ANTAL
    )
    loentilskud_privat: Series[float] = pa.Field(
        nullable=True, ge=0, description=f"{FULDTID}: privat ansættelse med løntilskud", metadata=ANTAL
    )
    loentilskud_offentlig: Series[float] = pa.Field(
        nullable=True, ge=0, description=f"{FULDTID}: offentlig ansættelse med løntilskud", metadata=ANTAL
    )
    bruttoledige: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        description="Bruttoledige fuldtidspersoner i gruppen (mart.ledighed, y25i01)",
        metadata=ANTAL,
    )
    aktiveringsgrad: Series[float] = pa.Field(
        nullable=True, ge=0, description="100 × tilbud_i_alt / bruttoledige", metadata=PCT
    )
    andel_virksomhedsrettet: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        description="100 × (virksomhedspraktik + loentilskud_privat + loentilskud_offentlig) / bruttoledige",
        metadata=PCT,
    )

    class Config:
        description = (
            "Fuldtidsaktiverede efter tilbud pr. måned, område og målgruppe (tilbudsfamilien: y01c01, y60c01) ved"
            " siden af gruppens bruttoledige (mart.ledighed), med aktiveringsgrad og andel virksomhedsrettet "
            "beregnet af tallene, pr. måned og som årsgennemsnit."
        )
        unique = ["periode", "omraade_kode", "ydelsesgruppe", "kilde"]
