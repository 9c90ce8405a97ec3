-- mart.aktivering: monthly tilbud per area (`m`: aktivering.sql with every aggregate area,
-- warehouse/aggregate.py), their bruttoledige, year averages and the rates computed from the counts.
--   aktiveringsgrad         = 100 x tilbud i alt / bruttoledige
--   andel_virksomhedsrettet = 100 x (virksomhedspraktik + løntilskud privat and offentlig) / bruttoledige
-- A year has a row only when the source has all its 12 months; an area's average is empty when any of
-- its months is, never the average of fewer months. A rate is as real as the less real of its counts.
with m as ({aggregated}),
naevner as ({naevner}),
maaned as (
    select m.* replace ({weakest_of_two} as datagrundlag),
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
        {weakest_of_members} as datagrundlag
    from maaned as b
    group by left(b.periode, 4), b.omraade_kode, b.ydelsesgruppe, b.kilde
    having count(distinct b.periode) = 12
)
select *,
    round(100 * tilbud_i_alt / nullif(bruttoledige, 0), 1) as aktiveringsgrad,
    round(100 * (virksomhedspraktik + loentilskud_privat + loentilskud_offentlig) / nullif(bruttoledige, 0), 1)
        as andel_virksomhedsrettet
from (select * from maaned union all by name select * from aar)
