-- DREAM spells: the runs (person.dream_perioder) of a person in the same ydelsesgruppe, up to $gap weeks
-- without a code of it not breaking a spell. One sort: each run learns from its neighbours whether it starts
-- or ends a spell and how many of the group's weeks lie up to its end; the start and end runs alone then pair
-- up. A spell's kommune is that of its last week; it is open (`aaben`) when the extract ends before $gap + 1
-- empty weeks could close it.
create or replace table person.dream_forloeb as
with perioder as (
    select p.person_nr, k.gruppe_nr, p.kommune_kode, p.foerste_uge, p.sidste_uge,
        p.sidste_uge - p.foerste_uge + 1 as uger
    from person.dream_perioder as p
    join forloeb_dream_koder as k using (kode)
    where k.gruppe_nr is not null
),
kanter as (
    select *,
        coalesce(foerste_uge - lag(sidste_uge) over w > $gap + 1, true) as starter,
        coalesce(lead(foerste_uge) over w - sidste_uge > $gap + 1, true) as slutter,
        sum(uger) over (w rows between unbounded preceding and current row) as uger_til_slut
    from perioder
    window w as (partition by person_nr, gruppe_nr order by foerste_uge)
),
forloeb as (
    select person_nr, gruppe_nr, starter, foerste_uge as start_uge,
        case when slutter then sidste_uge else lead(sidste_uge) over s end as slut_uge,
        case when slutter then uger else lead(uger_til_slut) over s - uger_til_slut + uger end as uger_paa_ydelse,
        case when slutter then kommune_kode else lead(kommune_kode) over s end as kommune_kode
    from kanter
    where starter or slutter
    window s as (partition by person_nr, gruppe_nr order by foerste_uge)
)
select f.person_nr, f.gruppe_nr, f.kommune_kode, f.start_uge, f.slut_uge, f.uger_paa_ydelse,
    f.slut_uge + $gap + 1 > x.sidste_uge as aaben
from forloeb as f
join person.udtraek as x on x.kilde = 'dream' and x.kommune_kode = f.kommune_kode
where f.starter
