-- Into a målgruppe: for every forløb, the målgruppe of the same person's forløb that started before it and
-- was still open at its start or ended at most $look_back days before it; of several, the latest-ending
-- wins (an open one counts as latest, then the latest start, then the label); else 'Ingen'.
with fra as (
    select ny.forloeb_nr,
        arg_max(tidl.maalgruppe, (tidl.slutdato is null, tidl.slutdato, tidl.startdato, tidl.maalgruppe)) as maalgruppe
    from person.maalgruppeforloeb as ny
    join person.maalgruppeforloeb as tidl
        on tidl.person_nr = ny.person_nr and tidl.startdato < ny.startdato
        and (tidl.slutdato is null or ny.startdato - tidl.slutdato <= $look_back)
    group by ny.forloeb_nr
)
select strftime(ny.startdato, '%YM%m') as periode, ny.kommune_kode as omraade_kode,
    ny.maalgruppe as til_maalgruppe, coalesce(fra.maalgruppe, 'Ingen') as fra_maalgruppe,
    count(*) as antal, 'fagsystem' as kilde
from person.maalgruppeforloeb as ny
left join fra using (forloeb_nr)
group by all
