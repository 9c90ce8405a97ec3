"""Aggregate areas for the fact tables: every region, landsdel, RAR, kommunegruppe and hele landet.

Facts arrive per kommune, sometimes with the source's own total (jobindsats publishes "Hele
landet"). Where the source has its own row for an area, that row is kept and the sum of its
kommuner is recorded beside it (`kommunesum`), because the two differ by "uoplyst område" and
discretionised cells. Where it has none, the row is built from the kommuner
(`aggregering = 'kommunesum'`). Counts are summed, means are weighted; shares are left empty
on built rows, because the denominators are not published with them.

One rule for every built figure: it is given only when every kommune of the area has a value
for it. A kommune whose count is empty (discretionised) or whose row is missing for that key
makes the area's count (and `kommunesum`) empty, never a silently smaller sum; every aggregate
row says how many kommuner the area has (`antal_kommuner`) and how many of them had a value
(`antal_kommuner_med_vaerdi`, of the first count column).
"""

from __future__ import annotations

# The provenance labels from the least real to the most: an aggregate, or a comparison of two rows,
# is as real as its least real part.
WEAKEST_FIRST = ("sample-synthetic", "extract", "sample-real", "live")
_LABELS = "[" + ", ".join(f"'{label}'" for label in WEAKEST_FIRST) + "]"


def _rank(expression: str) -> str:
    return f"list_position({_LABELS}, {expression})"


def weakest_datagrundlag(*expressions: str) -> str:
    """SQL for the least real of row-level datagrundlag `expressions` (empty ones ignored)."""
    return f"{_LABELS}[least({', '.join(_rank(e) for e in expressions)})]"


def weakest_datagrundlag_of_members(column: str) -> str:
    """SQL aggregate for the least real datagrundlag over a group's rows."""
    return f"{_LABELS}[min({_rank(column)})]"


def with_aggregates(
    base: str, keys: list[str], sums: list[str], means: dict[str, str] | None = None, shares: list[str] | None = None
) -> str:
    """SQL returning `base`'s rows for every area, built aggregates included.

    `base` is a query with `omraade_kode`, `kilde`, `datagrundlag`, the `keys` (besides the area),
    the count columns `sums`, the mean columns `means` (each weighted by the named count column)
    and the `shares` (percentages, taken from the source only). The result adds `aggregering`
    ('kilde' or 'kommunesum'), `kommunesum` (the kommuner's sum of the first count column),
    `antal_kommuner` and `antal_kommuner_med_vaerdi` (empty on kommune rows) and, on the source's
    own aggregate rows, `forskel_kommunesum` (source minus kommunesum).
    """
    means = means or {}
    shares = shares or []
    key_list = ", ".join(keys)
    member_keys = ", ".join(f"b.{k}" for k in keys)
    complete = "count({}) = n.antal_kommuner"
    summed = [f"case when {complete.format(f'b.{c}')} then sum(b.{c}) end as {c}" for c in sums]
    weighted = [
        f"case when {complete.format(f'b.{c} * b.{w}')} then sum(b.{c} * b.{w}) / nullif(sum(b.{w}), 0) end as {c}"
        for c, w in means.items()
    ]
    values = [*sums, *means, *shares]
    first = sums[0]
    return f"""
with base as ({base}),
kommune_rows as (
    select b.* from base as b join mart.dim_omraade as o on o.omraade_kode = b.omraade_kode and o.niveau = 'kommune'
),
medlemmer as (
    select omraade_kode, count(*) as antal_kommuner from mart.omraade_medlemskab group by omraade_kode
),
summed as (
    select m.omraade_kode, {member_keys}, b.kilde,
        {", ".join([*summed, *weighted])},
        n.antal_kommuner, count(b.{first}) as antal_kommuner_med_vaerdi,
        {weakest_datagrundlag_of_members("b.datagrundlag")} as datagrundlag
    from kommune_rows as b
    join mart.omraade_medlemskab as m on m.kommune_kode = b.omraade_kode
    join medlemmer as n on n.omraade_kode = m.omraade_kode
    group by m.omraade_kode, {member_keys}, b.kilde, n.antal_kommuner
),
source_rows as (
    select b.omraade_kode, {member_keys}, b.kilde, {", ".join(f"b.{c}" for c in values)}, b.datagrundlag,
        'kilde' as aggregering, s.{first} as kommunesum, b.{first} - s.{first} as forskel_kommunesum,
        n.antal_kommuner,
        case when n.antal_kommuner is not null then coalesce(s.antal_kommuner_med_vaerdi, 0) end
            as antal_kommuner_med_vaerdi
    from base as b
    left join summed as s using (omraade_kode, {key_list}, kilde)
    left join medlemmer as n on n.omraade_kode = b.omraade_kode
)
select * from source_rows
union all by name
select s.omraade_kode, {", ".join(f"s.{k}" for k in keys)}, s.kilde, {", ".join(f"s.{c}" for c in [*sums, *means])},
    {", ".join(f"null as {c}" for c in shares) + "," if shares else ""}
    s.datagrundlag, 'kommunesum' as aggregering, s.{first} as kommunesum, null as forskel_kommunesum,
    s.antal_kommuner, s.antal_kommuner_med_vaerdi
from summed as s
where not exists (
    select 1 from base as b where b.omraade_kode = s.omraade_kode and b.kilde = s.kilde
    and {" and ".join(f"b.{k} is not distinct from s.{k}" for k in keys)}
)
"""
