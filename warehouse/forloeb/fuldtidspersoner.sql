-- Personer and fuldtidspersoner per month, kommune and ydelsesgruppe from the DREAM runs. A week belongs to
-- the month of its Thursday; each run counts its weeks in every month it overlaps; fuldtidspersoner =
-- person-weeks / the month's weeks, for months the extract covers whole. `ptv_i_alt` counts each person-week
-- on any public benefit once (DREAM has one code a week). A person counts once per month, kommune and group:
-- in every month of each of their runs, except a run's first month when their previous run there (of the
-- group; of any group for ptv_i_alt) ended in that month. No count distinct over person-months.
with perioder as (
    select p.person_nr, p.kommune_kode, k.gruppe_nr, p.foerste_uge, p.sidste_uge,
        forloeb_maaned_nr(p.foerste_uge) as foerste_maaned, forloeb_maaned_nr(p.sidste_uge) as sidste_maaned
    from person.dream_perioder as p
    join forloeb_dream_koder as k using (kode)
    where k.gruppe_nr is not null
),
talt_foer as (
    select *,
        lag(sidste_maaned) over (partition by person_nr, kommune_kode, gruppe_nr order by foerste_uge)
            is not distinct from foerste_maaned as talt_i_gruppen,
        lag(sidste_maaned) over (partition by person_nr, kommune_kode order by foerste_uge)
            is not distinct from foerste_maaned as talt_i_alt
    from perioder
),
maaneder as (
    select *, unnest(range(foerste_maaned, sidste_maaned + 1)) as maaned_nr
    from talt_foer
),
uger as (
    select d.kommune_kode, d.gruppe_nr, m.maaned_nr, m.uger_i_maaned,
        not (d.maaned_nr = d.foerste_maaned and d.talt_i_gruppen) as ny_i_gruppen,
        not (d.maaned_nr = d.foerste_maaned and d.talt_i_alt) as ny_i_alt,
        least(d.sidste_uge, m.sidste_uge) - greatest(d.foerste_uge, m.foerste_uge) + 1 as uger
    from maaneder as d
    join forloeb_maaneder as m using (maaned_nr)
    where m.hel
),
talt as (
    select maaned_nr, kommune_kode, gruppe_nr,
        case when grouping(gruppe_nr) = 0 then count(*) filter (ny_i_gruppen) else count(*) filter (ny_i_alt) end
            as personer,
        sum(uger) / any_value(uger_i_maaned) as fuldtid
    from uger
    group by grouping sets ((maaned_nr, kommune_kode, gruppe_nr), (maaned_nr, kommune_kode))
)
select m.maaned as periode, t.kommune_kode as omraade_kode,
    coalesce(g.ydelsesgruppe_kode, 'ptv_i_alt') as ydelsesgruppe_kode,
    coalesce(g.ydelsesgruppe, 'Ydelsesgrupper i alt') as ydelsesgruppe,
    t.personer, round(t.fuldtid)::bigint as fuldtidspersoner, 'dream' as kilde
from talt as t
join forloeb_maaneder as m using (maaned_nr)
left join forloeb_grupper as g using (gruppe_nr)
