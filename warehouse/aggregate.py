"""Aggregate areas for the fact tables: every region, landsdel, RAR, kommunegruppe and hele landet.

Facts arrive per kommune, sometimes with the source's own total (jobindsats publishes "Hele
landet"). Where the source has its own row for an area, that row is kept and the sum of its
kommuner is recorded beside it (`kommunesum`), because the two differ by "uoplyst område" and
discretionised cells. Where it has none, the row is built from the kommuner
(`aggregering = 'kommunesum'`). Counts are summed, means are weighted; shares are left empty
on built rows, because the denominators are not published with them.
"""

from __future__ import annotations

# An aggregate built from members is as real as its least real member.
DATAGRUNDLAG_OF_MEMBERS = """case
    when bool_or(b.datagrundlag = 'sample-synthetic') then 'sample-synthetic'
    when bool_or(b.datagrundlag = 'extract') then 'extract'
    else min(b.datagrundlag) end"""


def with_aggregates(
    base: str, keys: list[str], sums: list[str], means: dict[str, str] | None = None, shares: list[str] | None = None
) -> str:
    """SQL returning `base`'s rows for every area, built aggregates included.

    `base` is a query with `omraade_kode`, `kilde`, `datagrundlag`, the `keys` (besides the area),
    the count columns `sums`, the mean columns `means` (each weighted by the named count column)
    and the `shares` (percentages, taken from the source only). The result adds `aggregering`
    ('kilde' or 'kommunesum'), `kommunesum` (the kommuner's sum of the first count column) and,
    on the source's own aggregate rows, `forskel_kommunesum` (source minus kommunesum).
    """
    means = means or {}
    shares = shares or []
    key_list = ", ".join(keys)
    member_keys = ", ".join(f"b.{k}" for k in keys)
    summed = [f"sum(b.{c}) as {c}" for c in sums]
    weighted = [
        f"sum(b.{c} * b.{w}) / nullif(sum(case when b.{c} is not null then b.{w} end), 0) as {c}"
        for c, w in means.items()
    ]
    values = [*sums, *means, *shares]
    first = sums[0]
    return f"""
with base as ({base}),
kommune_rows as (
    select b.* from base as b join mart.dim_omraade as o on o.omraade_kode = b.omraade_kode and o.niveau = 'kommune'
),
summed as (
    select m.omraade_kode, {member_keys}, b.kilde,
        {", ".join([*summed, *weighted])},
        {DATAGRUNDLAG_OF_MEMBERS} as datagrundlag
    from kommune_rows as b join mart.omraade_medlemskab as m on m.kommune_kode = b.omraade_kode
    group by m.omraade_kode, {member_keys}, b.kilde
),
source_rows as (
    select b.omraade_kode, {member_keys}, b.kilde, {", ".join(f"b.{c}" for c in values)}, b.datagrundlag,
        'kilde' as aggregering, s.{first} as kommunesum, b.{first} - s.{first} as forskel_kommunesum
    from base as b left join summed as s using (omraade_kode, {key_list}, kilde)
)
select * from source_rows
union all by name
select s.omraade_kode, {", ".join(f"s.{k}" for k in keys)}, s.kilde, {", ".join(f"s.{c}" for c in [*sums, *means])},
    {", ".join(f"null as {c}" for c in shares) + "," if shares else ""}
    s.datagrundlag, 'kommunesum' as aggregering, s.{first} as kommunesum, null as forskel_kommunesum
from summed as s
where not exists (
    select 1 from base as b where b.omraade_kode = s.omraade_kode and b.kilde = s.kilde
    and {" and ".join(f"b.{k} is not distinct from s.{k}" for k in keys)}
)
"""
