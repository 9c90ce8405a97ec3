-- Varigheder of forløb from the case system and from DREAM spells, per quarter and group. Afsluttede:
-- forløb that ended in the quarter, by duration (end - start + 1 days, in whole weeks) with the mean in
-- weeks on the 'I alt' row. Forloeb: forløb in progress at the quarter's end, by duration so far, for
-- quarters ended by the extract's horizon.
with forloeb as (
    select 'fagsystem' as kilde, f.kommune_kode, f.maalgruppe as ydelsesgruppe, f.startdato as fra,
        f.slutdato as til, x.horisont
    from person.maalgruppeforloeb as f
    join person.udtraek as x on x.kilde = 'fagsystem' and x.kommune_kode = f.kommune_kode
    union all
    select 'dream', d.kommune_kode, g.ydelsesgruppe, date '1970-01-05' + 7 * d.start_uge,
        case when not d.aaben then date '1970-01-05' + 7 * d.slut_uge + 6 end,
        date '1970-01-05' + 7 * x.sidste_uge + 6
    from person.dream_forloeb as d
    join forloeb_grupper as g using (gruppe_nr)
    join person.udtraek as x on x.kilde = 'dream' and x.kommune_kode = d.kommune_kode
),
ens as (  -- forløb alike in everything counted below, counted together: the steps below see each once
    select kilde, kommune_kode, ydelsesgruppe, fra, til, horisont, count(*) as antal
    from forloeb
    group by all
),
afsluttede as (  -- quarter k = year * 4 + quarter - 1: counted by k, labelled once per group (`kvartal`)
    select kilde, kommune_kode, ydelsesgruppe, year(til) * 4 + quarter(til) - 1 as k, (til - fra + 1) / 7.0 as uger,
        antal
    from ens
    where til is not null and til <= horisont
),
aabne as (  -- every quarter end a forløb is open at, up to the horizon
    select kilde, kommune_kode, ydelsesgruppe, fra, antal, unnest(range(
        year(fra) * 4 + quarter(fra) - 1,
        least(
            coalesce(year(til) * 4 + quarter(til) - 1, year(horisont + 1) * 4 + quarter(horisont + 1) - 1),
            year(horisont + 1) * 4 + quarter(horisont + 1) - 1
        )
    )) as k
    from ens
),
kvartal as (  -- each quarter's last day and label, once
    select k, (make_date(k // 4, (k % 4) * 3 + 1, 1) + interval 3 month - interval 1 day)::date as kvartalsslut,
        (k // 4)::varchar || 'Q0' || (k % 4 + 1) as periode
    from range(
        (select min(year(fra) * 4 + quarter(fra) - 1) from ens),
        (select max(greatest(year(coalesce(til, horisont)), year(horisont + 1))) * 4 + 4 from ens)
    ) as r(k)
),
igang as (
    select a.kilde, a.kommune_kode, a.ydelsesgruppe, a.k, (q.kvartalsslut - a.fra + 1) // 7 as uger, a.antal
    from aabne as a join kvartal as q using (k)
),
intervaller as (  -- afsluttede: jobindsats' buckets of ended forløb (a y##a27 column each); forloeb: the bands of the y##a21 tables
    select varighedsinterval, uger_fra, uger_til, 'afsluttede' as maal
    from forloeb_varighedsintervaller
    where kolonne like 'afsluttede!_%' escape '!'
    union all
    select varighedsinterval, uger_fra, uger_til, 'forloeb'
    from forloeb_varighedsintervaller
    where varighedsinterval in ('0-13 uger', '14-26 uger', '27-39 uger', '40-52 uger', '53 uger og derover')
),
talt as (
    select a.k, a.kommune_kode, a.ydelsesgruppe, 'afsluttede' as maal,
        coalesce(i.varighedsinterval, 'I alt') as varighedsinterval, sum(a.antal)::bigint as antal_forloeb,
        case when i.varighedsinterval is null then sum(a.uger * a.antal) / sum(a.antal) end as gnsn_varighed_uger,
        a.kilde
    from afsluttede as a
    join intervaller as i on i.maal = 'afsluttede' and floor(a.uger) between i.uger_fra and coalesce(i.uger_til, 1e9)
    group by grouping sets ((a.k, a.kommune_kode, a.ydelsesgruppe, a.kilde, i.varighedsinterval),
        (a.k, a.kommune_kode, a.ydelsesgruppe, a.kilde))
    union all by name
    select g.k, g.kommune_kode, g.ydelsesgruppe, 'forloeb' as maal,
        coalesce(i.varighedsinterval, 'Varighed i alt') as varighedsinterval, sum(g.antal)::bigint as antal_forloeb,
        cast(null as double) as gnsn_varighed_uger, g.kilde
    from igang as g
    join intervaller as i on i.maal = 'forloeb' and g.uger between i.uger_fra and coalesce(i.uger_til, 1e9)
    group by grouping sets ((g.k, g.kommune_kode, g.ydelsesgruppe, g.kilde, i.varighedsinterval),
        (g.k, g.kommune_kode, g.ydelsesgruppe, g.kilde))
)
select q.periode, t.kommune_kode as omraade_kode, t.ydelsesgruppe, t.maal, t.varighedsinterval, t.antal_forloeb,
    t.gnsn_varighed_uger, t.kilde
from talt as t join kvartal as q using (k)
