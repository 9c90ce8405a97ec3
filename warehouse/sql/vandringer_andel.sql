-- mart.vandringer: every area's rows (`v`: vandringer.sql with every aggregate area, warehouse/aggregate.py).
-- A built aggregate has no published share: it is its count over the row total ('I alt').
with v as ({aggregated})
select v.* replace (coalesce(v.andel_pct, round(100.0 * v.antal / nullif(t.antal, 0), 1)) as andel_pct)
from v left join v as t
    on t.periode = v.periode and t.omraade_kode = v.omraade_kode and t.fra = v.fra
    and t.maaneder_efter = v.maaneder_efter and t.kilde = v.kilde and t.til = 'I alt'
