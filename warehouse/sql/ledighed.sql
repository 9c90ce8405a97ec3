-- Bruttoledige (fuldtid) and ledighedsprocent from y25i01, with langtidsledige (fuldtid) from
-- y25i09 for the same month, area and group. The parameter is the list of months to build.
select l.periode, l.omraade_kode, y.ydelsesgruppe_kode, l.ydelsesgruppe,
    l.antal_ledige_fuldtidspersoner as bruttoledige,
    l.ledige_fuldtidspersoner_pct_af_arbejdsstyrken_16_66 as ledighedsprocent,
    t.antal_langtidsledige_fuldtidspersoner as langtidsledige,
    l.kilde, l.datagrundlag
from staging.jobindsats_y25i01 as l
join mart.dim_ydelsesgruppe as y on y.ydelsesgruppe = l.ydelsesgruppe and y.gruppering = 'ledighed'
left join staging.jobindsats_y25i09 as t
    on t.periode = l.periode and t.omraade_kode = l.omraade_kode and t.ydelsesgruppe = l.ydelsesgruppe and t.akasse = l.akasse
where l.periode in (select unnest($periods)) and l.akasse = 'I alt'
