-- Status 1 and 3 months after forløb ended (family status, the y##b15 tables), one row per status
-- and horizon; `fra` is the row's group (warehouse/familier.py). `til = 'I alt'` is the row's
-- total, so shares of aggregate areas can be computed from counts.
with status as (
    {status}
)
select periode, omraade_kode, ydelsesgruppe as fra, arbejdsmarkedsstatus as til, 1 as maaneder_efter,
    status_1_mdr_antal as antal, status_1_mdr_pct as andel_pct, kilde, datagrundlag
from status
union all by name
select periode, omraade_kode, ydelsesgruppe as fra, arbejdsmarkedsstatus as til, 3 as maaneder_efter,
    status_3_mdr_antal as antal, status_3_mdr_pct as andel_pct, kilde, datagrundlag
from status
