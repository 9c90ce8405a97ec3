-- Personer and fuldtidspersoner per month, area and benefit group, from ptv_a02 (all benefits) and
-- y60a02 (kontanthjælp). Both are kept; `kilde` tells them apart. The share is of the population
-- 16-66 as the source computes it (`andel_naevner` says so on every row). The parameter is the list of
-- months to build.
select p.periode, p.omraade_kode, y.ydelsesgruppe_kode, p.ydelsesgruppe,
    p.antal_personer as personer, p.antal_fuldtidspersoner as fuldtidspersoner,
    p.fuldtidspersoner_pct_af_befolkningen_16_66 as andel_pct, 'befolkningen 16-66 år (kildens andel)' as andel_naevner,
    p.kilde, p.datagrundlag
from staging.jobindsats_ptv_a02 as p
join mart.dim_ydelsesgruppe as y on y.ydelsesgruppe = p.ydelsesgruppe and y.gruppering = 'offentligt_forsoergede'
where p.periode in (select unnest($periods))
union all by name
select k.periode, k.omraade_kode, 'ptv_kontanthjaelp' as ydelsesgruppe_kode, 'Kontanthjælp' as ydelsesgruppe,
    k.antal_personer as personer, k.antal_fuldtidspersoner as fuldtidspersoner,
    k.fuldtidspersoner_pct_af_befolkningen_16_66 as andel_pct, 'befolkningen 16-66 år (kildens andel)' as andel_naevner,
    k.kilde, k.datagrundlag
from staging.jobindsats_y60a02 as k
where k.periode in (select unnest($periods))
