"""mart.aktivering: tilbud in fuldtidspersoner per målgruppe, and aktiveringsgrad computed from the counts.

aktiveringsgrad = 100 × all tilbud / bruttoledige and andel_virksomhedsrettet = 100 × (virksomhedspraktik
+ løntilskud, privat and offentlig) / bruttoledige, both in fuldtidspersoner, per month and as a year
average (the average counts of a year's 12 months, so the year's rate is the ratio of its averages).
The tilbud come from every table of the family tilbud (y01c01 a-dagpenge, y60c01 kontanthjælp); the
bruttoledige from mart.ledighed's jobindsats rows (y25i01), of the group the table's spec names. A
published rate (y60c07) stays in staging and in the nøgletal beside this one, for comparison.
"""

import dagster as dg

from assets import facts
from assets.checks import pandera_check
from assets.staging import jobindsats_stagings
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.aktivering import Aktivering
from warehouse.aggregate import weakest_datagrundlag, weakest_datagrundlag_of_members, with_aggregates
from warehouse.familier import bruttoledige_sql, family, union_sql
from warehouse.models import sql

AKTIVERING = "mart.aktivering"
TILBUD = [
    "tilbud_i_alt",
    "vejledning_opkvalificering",
    "virksomhedspraktik",
    "loentilskud_privat",
    "loentilskud_offentlig",
]
MAALT = [*TILBUD, "bruttoledige"]


def aktivering_sql() -> str:
    """Monthly rows (aggregate areas summed from kommuner), their bruttoledige, year averages and the rates."""
    monthly = sql("aktivering").format(tilbud=union_sql("tilbud"))
    aggregated = with_aggregates(monthly, ["periode", "ydelsesgruppe"], TILBUD)
    # A year has a row only when the source has all its 12 months; an area's average is empty when
    # any of its months is, never the average of fewer months.
    averages = ",\n                ".join(f"case when count(b.{c}) = 12 then avg(b.{c}) end as {c}" for c in MAALT)
    return f"""
        with m as ({aggregated}),
        naevner as ({bruttoledige_sql()}),
        maaned as (  -- a rate is as real as the less real of its two counts
            select m.* replace (
                    {weakest_datagrundlag('m.datagrundlag', 'l.datagrundlag')} as datagrundlag),
                'M' as periodetype, n.ydelsesgruppe_kode, cast(l.bruttoledige as double) as bruttoledige
            from m left join naevner as n using (ydelsesgruppe)
            left join mart.ledighed as l on l.periode = m.periode and l.omraade_kode = m.omraade_kode
                and l.ydelsesgruppe_kode = n.ydelsesgruppe_kode and l.kilde = 'jobindsats:y25i01'
        ),
        aar as (
            select left(b.periode, 4) as periode, b.omraade_kode, b.ydelsesgruppe, b.kilde, 'Y' as periodetype,
                any_value(b.ydelsesgruppe_kode) as ydelsesgruppe_kode, any_value(b.aggregering) as aggregering,
                any_value(b.antal_kommuner) as antal_kommuner,
                min(b.antal_kommuner_med_vaerdi) as antal_kommuner_med_vaerdi,
                case when count(b.kommunesum) = 12 then avg(b.kommunesum) end as kommunesum,
                case when count(b.forskel_kommunesum) = 12 then avg(b.forskel_kommunesum) end as forskel_kommunesum,
                {averages},
                {weakest_datagrundlag_of_members('b.datagrundlag')} as datagrundlag
            from maaned as b
            group by left(b.periode, 4), b.omraade_kode, b.ydelsesgruppe, b.kilde
            having count(distinct b.periode) = 12
        )
        select *,
            round(100 * tilbud_i_alt / nullif(bruttoledige, 0), 1) as aktiveringsgrad,
            round(100 * (virksomhedspraktik + loentilskud_privat + loentilskud_offentlig) / nullif(bruttoledige, 0), 1)
                as andel_virksomhedsrettet
        from (select * from maaned union all by name select * from aar)"""


@dg.asset(
    key=["mart", "aktivering"],
    deps=[jobindsats_stagings[s.table_id] for s in family("tilbud")] + [facts.ledighed, *facts.DIMENSIONS],
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="Fuldtidsaktiverede by tilbud per month, area and målgruppe (the tilbud family: y01c01, "
    "y60c01), beside the group's bruttoledige (mart.ledighed), with aktiveringsgrad and "
    "andel_virksomhedsrettet computed from the counts, per month and as a year average.",
)
def aktivering(warehouse: WarehouseResource) -> dg.MaterializeResult:
    return facts.build(warehouse, AKTIVERING, Aktivering, aktivering_sql())


aktivering_checks = [pandera_check(aktivering.key, AKTIVERING, Aktivering)]
