-- Forløb by duration: all forløb in the quarter by interval (family forloeb, the y##a21 tables,
-- maal 'forloeb'), and forløb that ended in the quarter by interval with their mean duration on
-- the 'I alt' row (family afsluttede, the y##a27 tables and y07a07, maal 'afsluttede'). Each
-- family is the union of its tables with the row's group in `ydelsesgruppe` (warehouse/familier.py).
-- Each interval carries its bounds in weeks (mart.dim_varighedsinterval).
with forloeb as (
    {forloeb}
),
afsluttede as (
    {afsluttede}
),
afsluttede_long as (  -- include nulls: a discretionised interval is a row with no count, not no row
    select * from afsluttede unpivot include nulls (antal_forloeb for kolonne in (
        antal_afsluttede_forloeb, afsluttede_under_2_uger, afsluttede_2_4_uger, afsluttede_5_13_uger,
        afsluttede_14_26_uger, afsluttede_27_39_uger, afsluttede_40_52_uger, afsluttede_over_52_uger))
)
select f.periode, f.omraade_kode, f.ydelsesgruppe, 'forloeb' as maal, f.varighed as varighedsinterval,
    i.uger_fra, i.uger_til, f.antal_forloeb, cast(null as double) as gnsn_varighed_uger, f.kilde, f.datagrundlag
from forloeb as f
left join mart.dim_varighedsinterval as i on i.varighedsinterval = f.varighed
union all by name
select a.periode, a.omraade_kode, a.ydelsesgruppe, 'afsluttede' as maal, i.varighedsinterval, i.uger_fra, i.uger_til,
    a.antal_forloeb,
    case when a.kolonne = 'antal_afsluttede_forloeb' then a.gnsn_varighed_uger end as gnsn_varighed_uger,
    a.kilde, a.datagrundlag
from afsluttede_long as a
join mart.dim_varighedsinterval as i on i.kolonne = a.kolonne
