-- mart.benchmark_placering: each kommune's rank on the benchmark within hele landet, its region, its
-- RAR and its kommunegruppe, per period and ydelsesgruppe (one row per kommune and ranking).
--
-- The same rule as the national rank (benchmark.sql): ascending by forskel in percentage points of
-- the rounded (published, two-decimal) shares; ties on that value make a band
--   placering_min = 1 + number of kommuner in the area with a smaller forskel
--   placering_max = number of kommuner in the area with a smaller or equal forskel
-- placering is the kommune's position in the area when the kommuner are ordered by their national
-- placering (the published rank, which breaks ties on the unrounded value); it lies in the band
-- whenever the published ranks agree with the rounded values, which benchmark_matches_published checks.
-- On 'land:000' the three equal mart.benchmark's placering_min, placering_max and placering.
with b as (
    select b.periode, b.omraade_kode, b.omraade_navn, b.ydelsesgruppe_kode,
        cast(b.forskel_pct_point as decimal(9, 2)) as forskel, b.placering as national_placering,
        b.kilde, b.datagrundlag, o.region_kode, o.rar, o.kommunegruppe
    from mart.benchmark as b join mart.dim_omraade as o using (omraade_kode)
),
lang as (
    select *, 'land' as inden_for_niveau, '000' as inden_for_kode from b
    union all select *, 'region', region_kode from b
    union all select *, 'rar', rar from b
    union all select *, 'kommunegruppe', kommunegruppe from b
)
select
    l.periode,
    l.omraade_kode,
    l.omraade_navn,
    l.ydelsesgruppe_kode,
    l.inden_for_niveau || ':' || l.inden_for_kode as inden_for,
    l.inden_for_niveau,
    l.inden_for_kode,
    o.omraade_navn as inden_for_navn,
    cast(l.forskel as double) as forskel_pct_point,
    rank() over band as placering_min,
    count(*) over (band range between unbounded preceding and current row) as placering_max,
    rank() over (partition by l.periode, l.ydelsesgruppe_kode, l.inden_for_niveau, l.inden_for_kode
        order by l.national_placering) as placering,
    count(*) over (partition by l.periode, l.ydelsesgruppe_kode, l.inden_for_niveau, l.inden_for_kode)
        as antal_kommuner,
    l.kilde,
    l.datagrundlag
from lang as l
join mart.dim_omraade as o on o.omraade_kode = l.inden_for_kode
window band as (partition by l.periode, l.ydelsesgruppe_kode, l.inden_for_niveau, l.inden_for_kode order by l.forskel)
order by l.periode, l.ydelsesgruppe_kode, l.inden_for_niveau, l.inden_for_kode, placering, l.omraade_kode
