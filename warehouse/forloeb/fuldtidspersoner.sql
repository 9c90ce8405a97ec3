-- Personer and fuldtidspersoner per month, kommune and ydelsesgruppe from DREAM weeks. A week belongs to
-- the month of its Thursday; fuldtidspersoner = person-weeks / the month's weeks, for months the extract
-- covers whole. `ptv_i_alt` counts each person-week on any public benefit once (DREAM has one code a week).
with uger as (
    select u.person_nr, u.kommune_kode, k.gruppe_nr, m.maaned, m.uger_i_maaned
    from person.dream_uger as u
    join forloeb_dream_koder as k using (kode)
    join forloeb_uge_maaned as m using (uge)
    where k.gruppe_nr is not null and m.hel
),
talt as (
    select maaned, kommune_kode, gruppe_nr, count(distinct person_nr) as personer,
        count(*) / any_value(uger_i_maaned) as fuldtid
    from uger
    group by grouping sets ((maaned, kommune_kode, gruppe_nr), (maaned, kommune_kode))
)
select t.maaned as periode, t.kommune_kode as omraade_kode,
    coalesce(g.ydelsesgruppe_kode, 'ptv_i_alt') as ydelsesgruppe_kode,
    coalesce(g.ydelsesgruppe, 'Ydelsesgrupper i alt') as ydelsesgruppe,
    t.personer, round(t.fuldtid)::bigint as fuldtidspersoner, 'dream' as kilde
from talt as t
left join forloeb_grupper as g using (gruppe_nr)
