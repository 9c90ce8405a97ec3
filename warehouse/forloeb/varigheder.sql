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
afsluttede as (
    select kilde, kommune_kode, ydelsesgruppe, strftime(til, '%Y') || 'Q0' || quarter(til) as periode,
        (til - fra + 1) / 7.0 as uger
    from forloeb
    where til is not null and til <= horisont
),
kvartaler as (  -- every quarter end a forløb is open at, up to the horizon: quarter k = year * 4 + quarter - 1
    select kilde, kommune_kode, ydelsesgruppe, fra,
        (make_date(k // 4, (k % 4) * 3 + 1, 1) + interval 3 month - interval 1 day)::date as kvartalsslut
    from (
        select *, unnest(range(
            year(fra) * 4 + quarter(fra) - 1,
            least(
                coalesce(year(til) * 4 + quarter(til) - 1, year(horisont + 1) * 4 + quarter(horisont + 1) - 1),
                year(horisont + 1) * 4 + quarter(horisont + 1) - 1
            )
        )) as k
        from forloeb
    )
),
igang as (
    select kilde, kommune_kode, ydelsesgruppe, strftime(kvartalsslut, '%Y') || 'Q0' || quarter(kvartalsslut) as periode,
        (kvartalsslut - fra + 1) // 7 as uger
    from kvartaler
),
intervaller as (  -- afsluttede: jobindsats' buckets of ended forløb (a y##a27 column each); forloeb: the bands of the y##a21 tables
    select varighedsinterval, uger_fra, uger_til, 'afsluttede' as maal
    from forloeb_varighedsintervaller
    where kolonne like 'afsluttede!_%' escape '!'
    union all
    select varighedsinterval, uger_fra, uger_til, 'forloeb'
    from forloeb_varighedsintervaller
    where varighedsinterval in ('0-13 uger', '14-26 uger', '27-39 uger', '40-52 uger', '53 uger og derover')
)
select a.periode, a.kommune_kode as omraade_kode, a.ydelsesgruppe, 'afsluttede' as maal,
    coalesce(i.varighedsinterval, 'I alt') as varighedsinterval, count(*) as antal_forloeb,
    case when i.varighedsinterval is null then avg(a.uger) end as gnsn_varighed_uger, a.kilde
from afsluttede as a
join intervaller as i on i.maal = 'afsluttede' and floor(a.uger) between i.uger_fra and coalesce(i.uger_til, 1e9)
group by grouping sets ((a.periode, a.kommune_kode, a.ydelsesgruppe, a.kilde, i.varighedsinterval),
    (a.periode, a.kommune_kode, a.ydelsesgruppe, a.kilde))
union all by name
select g.periode, g.kommune_kode as omraade_kode, g.ydelsesgruppe, 'forloeb' as maal,
    coalesce(i.varighedsinterval, 'Varighed i alt') as varighedsinterval, count(*) as antal_forloeb,
    cast(null as double) as gnsn_varighed_uger, g.kilde
from igang as g
join intervaller as i on i.maal = 'forloeb' and g.uger between i.uger_fra and coalesce(i.uger_til, 1e9)
group by grouping sets ((g.periode, g.kommune_kode, g.ydelsesgruppe, g.kilde, i.varighedsinterval),
    (g.periode, g.kommune_kode, g.ydelsesgruppe, g.kilde))
