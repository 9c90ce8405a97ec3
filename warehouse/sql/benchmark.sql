-- mart.benchmark: y30r21 with the differences and the rank band recomputed from published numbers.
--
-- forskel = faktisk - forventet (negative is better than expected), in antal and in percentage
-- points of the rounded shares. The ministry ranks ascending by forskel in percentage points and
-- breaks ties on the unrounded value, which is not published; so from published numbers a rank
-- is pinned only to the band of kommuner tied on the rounded value:
--   placering_min = 1 + number of kommuner with a smaller forskel
--   placering_max = number of kommuner with a smaller or equal forskel
-- placering is the published rank where there is one, otherwise the low end of the band.
-- resultatmaal_opfyldt (faktisk andel < forventet andel) is defined on "Ydelsesgrupper i alt" only.
with kommune_rows as (
    select
        s.periode,
        s.omraade_kode,
        o.omraade_navn,
        y.ydelsesgruppe_kode,
        s.ydelsesgruppe,
        s.forventet_antal,
        s.faktisk_antal,
        s.faktisk_antal - s.forventet_antal as forskel_antal,
        s.forventet_andel,
        s.faktisk_andel,
        cast(s.faktisk_andel as decimal(9, 2)) - cast(s.forventet_andel as decimal(9, 2)) as forskel_exact,
        s.placering_publiceret,
        s.forskel_antal_publiceret,
        s.forskel_pct_point_publiceret,
        s.kilde,
        s.datagrundlag
    from staging.jobindsats_y30r21 as s
    join mart.dim_omraade as o on o.omraade_kode = s.omraade_kode and o.niveau = 'kommune'
    join mart.dim_ydelsesgruppe as y on y.ydelsesgruppe = s.ydelsesgruppe and y.gruppering = 'benchmark'
),
ranked as (
    select
        *,
        rank() over band as placering_min,
        count(*) over (band range between unbounded preceding and current row) as placering_max,
        count(*) over (partition by periode, ydelsesgruppe_kode) as antal_kommuner
    from kommune_rows
    window band as (partition by periode, ydelsesgruppe_kode order by forskel_exact)
)
select
    periode,
    omraade_kode,
    omraade_navn,
    ydelsesgruppe_kode,
    ydelsesgruppe,
    forventet_antal,
    faktisk_antal,
    forskel_antal,
    forventet_andel,
    faktisk_andel,
    cast(forskel_exact as double) as forskel_pct_point,
    placering_min,
    placering_max,
    placering_publiceret,
    coalesce(placering_publiceret, placering_min) as placering,
    antal_kommuner,
    case when ydelsesgruppe_kode = 'i_alt' then forskel_exact < 0 end as resultatmaal_opfyldt,
    forskel_antal_publiceret,
    forskel_pct_point_publiceret,
    kilde,
    datagrundlag
from ranked
order by periode, ydelsesgruppe_kode, placering, omraade_kode
