-- mart.benchmark_sammenligning: every kommune's benchmark figures beside those of hele landet, its
-- region, its RAR, its kommunegruppe, its configured peers and its comparable kommuner, in long format.
--
-- Parameters: $antal (how many comparable kommuner), $grundlag ('samme_ydelsesgruppe' or 'i_alt'),
-- $weakest_first (the datagrundlag labels from the least real, warehouse/aggregate.py WEAKEST_FIRST);
-- the registered frame sammenligning_peers (kommune_kode, peer_kode, nr) holds the peer lists.
--
-- Aggregate areas are built from their kommuner (the benchmark publishes no aggregate):
--   forventet_antal, faktisk_antal  = sum over the member kommuner
--   forventet_andel, faktisk_andel  = mean of the kommuner's andele weighted by their population 16-66,
--                                     the population implied by the published numbers of "i alt":
--                                     N = 100 * (forventet_antal + faktisk_antal) / (forventet_andel + faktisk_andel)
--   forskel_*                       = faktisk - forventet of those
-- each empty unless every kommune of the area has the figure (the rule of warehouse/aggregate.py): a
-- comparison with such an area has an empty sammenligningsvaerdi and forskel, never a smaller sum.
-- Comparable kommuner: the $antal other kommuner with the nearest forventet andel (distance on the
-- published two-decimal value; equal distances: lower kommune code first), 'sammenlignelig:1' the nearest.
-- forskel = vaerdi - sammenligningsvaerdi (the kommune minus what it is compared with).
with b as (
    select periode, omraade_kode, ydelsesgruppe_kode, ydelsesgruppe, forventet_antal, faktisk_antal,
        forventet_andel, faktisk_andel, kilde, datagrundlag
    from mart.benchmark
),
befolkning as (
    select periode, omraade_kode,
        100.0 * (forventet_antal + faktisk_antal) / nullif(forventet_andel + faktisk_andel, 0) as befolkning
    from b
    where ydelsesgruppe_kode = 'i_alt'
),
medlemmer as (
    select omraade_kode, count(*) as antal_kommuner from mart.omraade_medlemskab group by omraade_kode
),
aggregater as (
    select m.omraade_kode, o.omraade_navn, m.niveau, b.periode, b.ydelsesgruppe_kode,
        case when count(b.forventet_antal) = n.antal_kommuner then sum(b.forventet_antal) end as forventet_antal,
        case when count(b.faktisk_antal) = n.antal_kommuner then sum(b.faktisk_antal) end as faktisk_antal,
        case when count(p.befolkning * b.forventet_andel) = n.antal_kommuner
            then sum(p.befolkning * b.forventet_andel) / sum(p.befolkning) end as forventet_andel,
        case when count(p.befolkning * b.faktisk_andel) = n.antal_kommuner
            then sum(p.befolkning * b.faktisk_andel) / sum(p.befolkning) end as faktisk_andel,
        min(b.kilde) as kilde,
        $weakest_first[min(list_position($weakest_first, b.datagrundlag))] as datagrundlag
    from b
    left join befolkning as p using (periode, omraade_kode)
    join mart.omraade_medlemskab as m on m.kommune_kode = b.omraade_kode
    join medlemmer as n on n.omraade_kode = m.omraade_kode
    join mart.dim_omraade as o on o.omraade_kode = m.omraade_kode
    where m.niveau in ('land', 'region', 'rar', 'kommunegruppe')
    group by m.omraade_kode, o.omraade_navn, m.niveau, b.periode, b.ydelsesgruppe_kode, n.antal_kommuner
),
vaerdier as (
    select omraade_kode, omraade_navn, niveau, periode, ydelsesgruppe_kode,
        cast(forventet_antal as double) as forventet_antal,
        cast(faktisk_antal as double) as faktisk_antal,
        cast(faktisk_antal - forventet_antal as double) as forskel_antal,
        forventet_andel, faktisk_andel,
        faktisk_andel - forventet_andel as forskel_pct_point,
        kilde, datagrundlag
    from aggregater
    union all by name
    select b.omraade_kode, o.omraade_navn, 'kommune' as niveau, b.periode, b.ydelsesgruppe_kode,
        cast(b.forventet_antal as double) as forventet_antal, cast(b.faktisk_antal as double) as faktisk_antal,
        cast(b.faktisk_antal - b.forventet_antal as double) as forskel_antal,
        b.forventet_andel as forventet_andel, b.faktisk_andel as faktisk_andel,
        cast(cast(b.faktisk_andel as decimal(9, 2)) - cast(b.forventet_andel as decimal(9, 2)) as double)
            as forskel_pct_point,
        b.kilde, b.datagrundlag
    from b join mart.dim_omraade as o using (omraade_kode)
),
grundlag as (
    select b.periode, b.omraade_kode, g.ydelsesgruppe_kode, cast(b.forventet_andel as decimal(9, 2)) as andel
    from b
    join (select distinct periode, ydelsesgruppe_kode from b) as g
        on g.periode = b.periode
        and (case when $grundlag = 'i_alt' then b.ydelsesgruppe_kode = 'i_alt'
            else b.ydelsesgruppe_kode = g.ydelsesgruppe_kode end)
),
naermeste as (
    select a.periode, a.omraade_kode, a.ydelsesgruppe_kode, c.omraade_kode as sammenligning_kode,
        row_number() over (
            partition by a.periode, a.omraade_kode, a.ydelsesgruppe_kode
            order by abs(c.andel - a.andel), c.omraade_kode
        ) as nr
    from grundlag as a
    join grundlag as c
        on c.periode = a.periode and c.ydelsesgruppe_kode = a.ydelsesgruppe_kode and c.omraade_kode <> a.omraade_kode
    qualify nr <= $antal
),
par as (
    select b.periode, b.omraade_kode, b.ydelsesgruppe_kode, 'land' as type, '000' as sammenligning_kode
    from b
    union all
    select b.periode, b.omraade_kode, b.ydelsesgruppe_kode, 'region', o.region_kode
    from b join mart.dim_omraade as o using (omraade_kode)
    union all
    select b.periode, b.omraade_kode, b.ydelsesgruppe_kode, 'rar', o.rar
    from b join mart.dim_omraade as o using (omraade_kode)
    union all
    select b.periode, b.omraade_kode, b.ydelsesgruppe_kode, 'kommunegruppe', o.kommunegruppe
    from b join mart.dim_omraade as o using (omraade_kode)
    union all
    select b.periode, b.omraade_kode, b.ydelsesgruppe_kode, 'peer', p.peer_kode
    from b join sammenligning_peers as p on p.kommune_kode = b.omraade_kode
    union all
    select periode, omraade_kode, ydelsesgruppe_kode, 'sammenlignelig:' || nr, sammenligning_kode
    from naermeste
),
maal as (
    select * from (values
        ('forventet_antal', 'antal', 1), ('faktisk_antal', 'antal', 2), ('forskel_antal', 'antal', 3),
        ('forventet_andel', 'pct', 4), ('faktisk_andel', 'pct', 5), ('forskel_pct_point', 'pct_point', 6)
    ) as t(maal, enhed, sortering)
),
lang as (
    -- nulls included: an empty aggregate is compared as empty, not left out
    from vaerdier unpivot include nulls (
        vaerdi for maal in (
            forventet_antal, faktisk_antal, forskel_antal, forventet_andel, faktisk_andel, forskel_pct_point
        )
    )
)
select
    par.periode,
    par.omraade_kode,
    k.omraade_navn,
    par.ydelsesgruppe_kode,
    b.ydelsesgruppe,
    maal.maal,
    maal.enhed,
    case when par.type in ('land', 'region', 'rar', 'kommunegruppe', 'peer')
        then par.type || ':' || par.sammenligning_kode else par.type end as sammenlignet_med,
    split_part(par.type, ':', 1) as sammenligning_type,
    par.sammenligning_kode,
    s.omraade_navn as sammenligning_navn,
    round(k.vaerdi, 4) as vaerdi,
    round(s.vaerdi, 4) as sammenligningsvaerdi,
    round(k.vaerdi - s.vaerdi, 4) as forskel,
    b.kilde,
    $weakest_first[least(list_position($weakest_first, s.datagrundlag), list_position($weakest_first, b.datagrundlag))]
        as datagrundlag
from par
join b using (periode, omraade_kode, ydelsesgruppe_kode)
cross join maal
join lang as k
    on k.periode = par.periode and k.omraade_kode = par.omraade_kode
    and k.ydelsesgruppe_kode = par.ydelsesgruppe_kode and k.maal = maal.maal
join lang as s
    on s.periode = par.periode and s.omraade_kode = par.sammenligning_kode
    and s.ydelsesgruppe_kode = par.ydelsesgruppe_kode and s.maal = maal.maal
order by par.periode, par.ydelsesgruppe_kode, par.omraade_kode, sammenligning_type, sammenlignet_med, maal.sortering
