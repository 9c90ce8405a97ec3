-- Out of a målgruppe: for every forløb that ended, where the person is 1 and 3 months after its end,
-- per quarter of the end. Case system: the målgruppe of another forløb open that day (the latest started
-- wins, ties by the label) or 'Ingen', målgrupper as numbers in label order (forloeb_sager) until the
-- counted rows are labelled. DREAM: the ydelsesgruppe of the week holding that day, another code's status,
-- or selvforsørgelse when the week has none; the week's code is that of the person's run holding it (the
-- latest-starting run at or before it, when it has not ended before it). Days after the extract's horizon
-- are not known yet: left out. 'I alt' is each row's total.
with sagsslut as (
    select f.*, h.maaneder_efter, (f.slutdato + to_months(h.maaneder_efter))::date as dag
    from forloeb_sager as f
    cross join (values (1), (3)) as h(maaneder_efter)
    join person.udtraek as x on x.kilde = 'fagsystem' and x.kommune_kode = f.kommune_kode
    where f.slutdato is not null and (f.slutdato + to_months(h.maaneder_efter))::date <= x.horisont
),
sagsstatus as (  -- counted by the number of the målgruppe open that day (null: none), labelled once per group below
    select date_trunc('quarter', slutdato) as kvartal, kommune_kode, mg, maaneder_efter, status_mg, count(*) as antal
    from (
        select s.slutdato, s.kommune_kode, s.mg, s.maaneder_efter, arg_max(o.mg, (o.startdato, o.mg)) as status_mg
        from sagsslut as s
        left join forloeb_sager as o
            on o.person_nr = s.person_nr and o.forloeb_nr <> s.forloeb_nr
            and o.startdato <= s.dag and (o.slutdato is null or o.slutdato >= s.dag)
        group by s.forloeb_nr, s.slutdato, s.kommune_kode, s.mg, s.maaneder_efter
    )
    group by all
),
dreamslut as (
    select * from (
        select d.person_nr, d.kommune_kode, d.gruppe_nr, h.maaneder_efter, x.sidste_uge,
            date '1970-01-05' + 7 * d.slut_uge + 6 as slutdato,
            (date_diff('day', date '1970-01-05', (date '1970-01-05' + 7 * d.slut_uge + 6 + to_months(h.maaneder_efter))::date)
                // 7)::integer as status_uge
        from person.dream_forloeb as d
        cross join (values (1), (3)) as h(maaneder_efter)
        join person.udtraek as x on x.kilde = 'dream' and x.kommune_kode = d.kommune_kode
        where not d.aaben
    )
    where status_uge <= sidste_uge
),
dreamkoder as (  -- counted by the code of the run holding the week (null: none), labelled once per group below
    select date_trunc('quarter', s.slutdato) as kvartal, s.kommune_kode, s.gruppe_nr, s.maaneder_efter,
        case when p.sidste_uge >= s.status_uge then p.kode end as status_kode, count(*) as antal
    from dreamslut as s
    asof left join person.dream_perioder as p on p.person_nr = s.person_nr and p.foerste_uge <= s.status_uge
    group by all
),
alle as (
    select s.kvartal, s.kommune_kode, m.maalgruppe, coalesce(o.maalgruppe, 'Ingen') as status_efter,
        s.maaneder_efter, s.antal, 'fagsystem' as kilde
    from sagsstatus as s
    join forloeb_maalgruppe_nr as m using (mg)
    left join forloeb_maalgruppe_nr as o on o.mg = s.status_mg
    union all
    select d.kvartal, d.kommune_kode, g.ydelsesgruppe, coalesce(s.ydelsesgruppe, k.status_efter, 'Selvforsørgelse/ingen ydelse'),
        d.maaneder_efter, d.antal, 'dream'
    from dreamkoder as d
    join forloeb_grupper as g using (gruppe_nr)
    left join forloeb_dream_koder as k on k.kode = d.status_kode
    left join forloeb_grupper as s on s.gruppe_nr = k.gruppe_nr
),
talt as (  -- counted per quarter's first day; the label is made once per group, not once per forløb
    select kvartal, kommune_kode, maalgruppe, status_efter, maaneder_efter, sum(antal) as antal, kilde
    from alle
    group by grouping sets (
        (kvartal, kommune_kode, maalgruppe, status_efter, maaneder_efter, kilde),
        (kvartal, kommune_kode, maalgruppe, maaneder_efter, kilde)
    )
)
select strftime(kvartal, '%Y') || 'Q0' || quarter(kvartal) as periode, kommune_kode as omraade_kode,
    maalgruppe, coalesce(status_efter, 'I alt') as status_efter, maaneder_efter, antal, kilde
from talt
