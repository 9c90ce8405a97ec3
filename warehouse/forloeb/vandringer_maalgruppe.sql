-- Into a målgruppe: for every forløb, the målgruppe of the same person's forløb that started before it and
-- was still open at its start or ended at most $look_back days before it; of several, the latest-ending
-- wins (an open one counts as latest, then the latest start, then the label); else 'Ingen'. Målgrupper are
-- numbers in label order (forloeb_sager) until the counted rows are labelled.
with fra as (
    select ny.forloeb_nr,
        arg_max(tidl.mg, (tidl.slutdato is null, tidl.slutdato, tidl.startdato, tidl.mg)) as fra_mg
    from forloeb_sager as ny
    join forloeb_sager as tidl
        on tidl.person_nr = ny.person_nr and tidl.startdato < ny.startdato
        and (tidl.slutdato is null or ny.startdato - tidl.slutdato <= $look_back)
    group by ny.forloeb_nr
),
talt as (
    select date_trunc('month', ny.startdato) as maaned, ny.kommune_kode, ny.mg, fra.fra_mg, count(*) as antal
    from forloeb_sager as ny
    left join fra using (forloeb_nr)
    group by all
)
select strftime(t.maaned, '%YM%m') as periode, t.kommune_kode as omraade_kode,
    m.maalgruppe as til_maalgruppe, coalesce(f.maalgruppe, 'Ingen') as fra_maalgruppe,
    t.antal, 'fagsystem' as kilde
from talt as t
join forloeb_maalgruppe_nr as m using (mg)
left join forloeb_maalgruppe_nr as f on f.mg = t.fra_mg
