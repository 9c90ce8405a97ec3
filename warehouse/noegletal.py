"""The key-figure sheet (mart.noegletal) from its configuration (pipelines/config/noegletal.toml).

Each figure is a row filter and a value column on one mart or staging table; this module turns
the list into one SQL query: the figure per kommune and period, hele landet's figure beside it,
and the kommune's figure 3, 6 and 12 months earlier (for a quarterly source 1, 2 and 4 quarters).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from schemas.codelists import HELE_LANDET

CONFIG = Path(__file__).resolve().parents[1] / "pipelines" / "config" / "noegletal.toml"
ENHEDER = ("antal", "pct")
LOOKBACK_MONTHS = {"vaerdi_3m": 3, "vaerdi_6m": 6, "vaerdi_12m": 12}


@dataclass(frozen=True)
class Figur:
    kode: str
    navn: str
    enhed: str
    tabel: str
    kolonne: str
    filter: str | None = None
    naevner: str | None = None
    decimaler: int = 1
    kilde: str | None = None  # instead of the source row's own kilde (a mart table built from several)

    def __post_init__(self):
        if self.enhed not in ENHEDER:
            raise ValueError(f"noegletal {self.kode}: enhed must be one of {ENHEDER}, not {self.enhed!r}")
        if not re.fullmatch(r"(mart|staging)\.[a-z0-9_]+", self.tabel):
            raise ValueError(f"noegletal {self.kode}: tabel must be a mart or staging table, not {self.tabel!r}")
        if not re.fullmatch(r"[a-z0-9_]+", self.kode) or not re.fullmatch(r"[a-z0-9_]+", self.kolonne):
            raise ValueError(f"noegletal {self.kode}: kode and kolonne are lower-case names")


def load_figures(path: Path = CONFIG) -> list[Figur]:
    with path.open("rb") as f:
        raw = tomllib.load(f)
    return [Figur(kode=kode, **spec) for kode, spec in raw.get("figur", {}).items()]


def source_tables(figures: list[Figur]) -> list[str]:
    return sorted({f.tabel for f in figures})


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _strict_sum(column: str, condition: str) -> str:
    """The sum over the rows where `condition` holds, empty when any of them is empty."""
    f = f"filter (where {condition})"
    return f"case when count({column}) {f} = count(*) {f} then sum({column}) {f} end"


def _figure_sql(figure: Figur) -> str:
    picked = f"({figure.filter})" if figure.filter else "true"
    if figure.naevner:
        value = (
            f"round(100.0 * ({_strict_sum(figure.kolonne, picked)}) / "
            f"nullif({_strict_sum(figure.kolonne, f'({figure.naevner})')}, 0), {figure.decimaler})"
        )
        where = f"{picked} or ({figure.naevner})"
    else:
        value = _strict_sum(figure.kolonne, "true")
        where = picked
    return f"""
        select periode, omraade_kode, {sql_text(figure.kode)} as noegletal, {sql_text(figure.navn)} as noegletal_navn,
            {sql_text(figure.enhed)} as enhed, cast({value} as double) as vaerdi,
            {sql_text(figure.kilde) if figure.kilde else "kilde"} as kilde, datagrundlag
        from {figure.tabel}
        where ({where}) and omraade_kode in (select omraade_kode from omraader)
        group by periode, omraade_kode, kilde, datagrundlag"""


def noegletal_sql(figures: list[Figur]) -> str:
    """One query for the whole sheet: kommuner only, hele landet as a column beside them."""
    union = "\n        union all".join(_figure_sql(f) for f in figures)
    lookbacks = ",\n            ".join(f"{column}.vaerdi as {column}" for column in LOOKBACK_MONTHS)
    joins = "\n        ".join(
        f"""left join periodiseret as {column} on {column}.noegletal = k.noegletal
            and {column}.omraade_kode = k.omraade_kode and {column}.periodetype = k.periodetype
            and {column}.start_dato = k.start_dato - interval {months} month"""
        for column, months in LOOKBACK_MONTHS.items()
    )
    return f"""
        with omraader as (
            select omraade_kode, omraade_navn, niveau from mart.dim_omraade
            where niveau = 'kommune' or omraade_kode = '{HELE_LANDET}'
        ),
        alle as ({union}
        ),
        -- a period the source does not provide for any area is absent, not a row of empty values
        til_stede as (select * from alle qualify count(vaerdi) over (partition by noegletal, periode) > 0),
        periodiseret as (
            select t.*, p.periodetype, p.start_dato
            from til_stede as t join mart.dim_periode as p using (periode)
        )
        select k.periode, k.periodetype, k.omraade_kode, o.omraade_navn, k.noegletal, k.noegletal_navn, k.enhed,
            k.vaerdi, land.vaerdi as hele_landet,
            {lookbacks},
            k.kilde, k.datagrundlag
        from periodiseret as k
        join omraader as o on o.omraade_kode = k.omraade_kode and o.niveau = 'kommune'
        left join periodiseret as land on land.noegletal = k.noegletal and land.periode = k.periode
            and land.omraade_kode = '{HELE_LANDET}'
        {joins}
        order by k.noegletal, k.periode, k.omraade_kode"""
