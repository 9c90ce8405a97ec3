-- DREAM spells: the weeks a person has a code of the same ydelsesgruppe, up to $gap weeks without one
-- not breaking a spell. One sort: each week learns from its neighbours whether it starts or ends a spell
-- and its position; the start and end weeks alone then pair up. A spell's kommune is that of its last
-- week; it is open (`aaben`) when the extract ends before $gap + 1 empty weeks could close it.
create or replace table person.dream_forloeb as
with uger as (
    select u.person_nr, k.gruppe_nr, u.kommune_kode, u.uge
    from person.dream_uger as u
    join forloeb_dream_koder as k using (kode)
    where k.gruppe_nr is not null
),
kanter as (
    select *,
        coalesce(uge - lag(uge) over w > $gap + 1, true) as starter,
        coalesce(lead(uge) over w - uge > $gap + 1, true) as slutter,
        row_number() over w as nr
    from uger
    window w as (partition by person_nr, gruppe_nr order by uge)
),
forloeb as (
    select person_nr, gruppe_nr, starter, uge as start_uge,
        case when slutter then uge else lead(uge) over s end as slut_uge,
        case when slutter then 1 else lead(nr) over s - nr + 1 end as uger_paa_ydelse,
        case when slutter then kommune_kode else lead(kommune_kode) over s end as kommune_kode
    from kanter
    where starter or slutter
    window s as (partition by person_nr, gruppe_nr order by uge)
)
select f.person_nr, f.gruppe_nr, f.kommune_kode, f.start_uge, f.slut_uge, f.uger_paa_ydelse,
    f.slut_uge + $gap + 1 > x.sidste_uge as aaben
from forloeb as f
join person.udtraek as x on x.kilde = 'dream' and x.kommune_kode = f.kommune_kode
where f.starter
