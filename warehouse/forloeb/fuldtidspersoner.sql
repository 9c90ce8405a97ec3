-- Personer and fuldtidspersoner per month, kommune and ydelsesgruppe from the DREAM runs. A week belongs to
-- the month of its Thursday; each run counts its weeks in every month it overlaps; fuldtidspersoner =
-- person-weeks / the month's weeks, for months the extract covers whole. `ptv_i_alt` counts each person-week
-- on any public benefit once (DREAM has one code a week).
with maaneder as (
    select p.person_nr, p.kommune_kode, k.gruppe_nr, p.foerste_uge, p.sidste_uge,
        unnest(range(forloeb_maaned_nr(p.foerste_uge), forloeb_maaned_nr(p.sidste_uge) + 1)) as maaned_nr
    from person.dream_perioder as p
    join forloeb_dream_koder as k using (kode)
    where k.gruppe_nr is not null
),
uger as (
    select d.person_nr, d.kommune_kode, d.gruppe_nr, m.maaned, m.uger_i_maaned,
        least(d.sidste_uge, m.sidste_uge) - greatest(d.foerste_uge, m.foerste_uge) + 1 as uger
    from maaneder as d
    join forloeb_maaneder as m using (maaned_nr)
    where m.hel
),
talt as (
    select maaned, kommune_kode, gruppe_nr, count(distinct person_nr) as personer,
        sum(uger) / any_value(uger_i_maaned) as fuldtid
    from uger
    group by grouping sets ((maaned, kommune_kode, gruppe_nr), (maaned, kommune_kode))
)
select t.maaned as periode, t.kommune_kode as omraade_kode,
    coalesce(g.ydelsesgruppe_kode, 'ptv_i_alt') as ydelsesgruppe_kode,
    coalesce(g.ydelsesgruppe, 'Ydelsesgrupper i alt') as ydelsesgruppe,
    t.personer, round(t.fuldtid)::bigint as fuldtidspersoner, 'dream' as kilde
from talt as t
left join forloeb_grupper as g using (gruppe_nr)
