-- Status 1 and 3 months after a-dagpenge forløb ended (y01b15), one row per status and horizon.
-- `til = 'I alt'` is the row's total, so shares of aggregate areas can be computed from counts.
select periode, omraade_kode, 'A-dagpenge' as fra, arbejdsmarkedsstatus as til, 1 as maaneder_efter,
    status_1_mdr_antal as antal, status_1_mdr_pct as andel_pct, kilde, datagrundlag
from staging.jobindsats_y01b15
union all by name
select periode, omraade_kode, 'A-dagpenge' as fra, arbejdsmarkedsstatus as til, 3 as maaneder_efter,
    status_3_mdr_antal as antal, status_3_mdr_pct as andel_pct, kilde, datagrundlag
from staging.jobindsats_y01b15
