"""Developments over time (mart.udvikling): each figure against the same figure 3, 6 and 12 months earlier.

One long table for every fact whose periods allow it:

| tabel                  | periods | horisont                                                       |
|------------------------|---------|----------------------------------------------------------------|
| mart.ledighed          | M       | '3m', '6m', '12m' (12m is the year-over-year udvikling)         |
| mart.fuldtidspersoner  | M       | '3m', '6m', '12m'                                              |
| mart.varigheder        | Q       | '3m', '6m', '12m' (one, two and four quarters earlier)          |
| mart.vandringer        | Q       | '3m', '6m', '12m'                                              |
| mart.benchmark         | QMAT    | 'forrige_qmat' (the previous half-yearly QMAT, 6 months earlier) and    |
|                        |         | 'aar' (the same QMAT a year earlier)                                   |

A table split below the ydelsesgruppe keeps that split in `opdeling` (the varighedsinterval, the
status after the forløb), and a second split in front of the measure's name in `maal`
(`afsluttede:antal_forloeb`, `1m_efter:antal`); its ydelsesgruppe label becomes the code of the same
offentligt forsørgede group in mart.dim_ydelsesgruppe.

`tidligere_periode` is always the period exactly that far back, whether the table has it or not: a
change whose earlier period (or earlier figure) is absent has `tidligere_vaerdi`, `forskel` and
`forskel_pct` null, never 0. `forskel` = vaerdi - tidligere_vaerdi, in the measure's own unit: antal
for counts, percentage points for shares (`enhed` 'pct' or 'pct_point'), weeks for durations.
`forskel_pct` is the change in per cent of the earlier value, given only for counts that are levels
(not for shares, whose relative change reads like a pp change, nor for differences such as
forskel_antal), and null when the earlier value is 0. A row is compared only with the row of the
same area, ydelsesgruppe, opdeling and kilde (jobindsats and DST bruttoledige are never compared); rows
whose own figure is null are left out. A change is as real as the less real of its two rows (datagrundlag).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.months import shift_month
from warehouse.aggregate import weakest_datagrundlag

TABLE = "mart.udvikling"
MAANEDER = {"3m": 3, "6m": 6, "12m": 12}
HORISONTER = {"M": MAANEDER, "Q": MAANEDER, "QMAT": {"forrige_qmat": 6, "aar": 12}}


@dataclass(frozen=True)
class Kilde:
    tabel: str
    periodetype: str
    # maal → (enhed, whether a change in per cent is meaningful)
    maal: dict[str, tuple[str, bool]]
    # A split below the ydelsesgruppe (a column), kept in `opdeling`.
    opdeling: str | None = None
    # A second split (an SQL expression), written in front of the measure: `afsluttede:antal_forloeb`.
    variant: str | None = None
    # The ydelsesgruppe label column of a table without codes, looked up in mart.dim_ydelsesgruppe.
    gruppe_navn: str | None = None

    def rows_sql(self) -> str:
        """The table's rows with the columns every source has, and its measures."""
        columns = ", ".join(f"cast(f.{m} as double) as {m}" for m in self.maal)
        opdeling = f"f.{self.opdeling}" if self.opdeling else "null::varchar"
        variant = self.variant or "null::varchar"
        if self.gruppe_navn is None:
            gruppe, join = "f.ydelsesgruppe_kode", ""
        else:
            # A case system's målgruppe (kilde fagsystem, warehouse/forloeb.py) has no code: its label stands in.
            gruppe = f"coalesce(g.ydelsesgruppe_kode, case when f.kilde = 'fagsystem' then f.{self.gruppe_navn} end)"
            join = (
                "left join mart.dim_ydelsesgruppe as g "
                f"on g.gruppering = 'offentligt_forsoergede' and g.ydelsesgruppe = f.{self.gruppe_navn}"
            )
        return (
            f"select f.periode, f.omraade_kode, {gruppe} as ydelsesgruppe_kode, {opdeling} as opdeling, "
            f"{variant} as variant, f.kilde, f.datagrundlag, {columns} from {self.tabel} as f {join}"
        )


KILDER = [
    Kilde(
        "mart.ledighed",
        "M",
        {"bruttoledige": ("antal", True), "langtidsledige": ("antal", True), "ledighedsprocent": ("pct", False)},
    ),
    Kilde(
        "mart.fuldtidspersoner",
        "M",
        {"personer": ("antal", True), "fuldtidspersoner": ("antal", True), "andel_pct": ("pct", False)},
    ),
    Kilde(
        "mart.benchmark",
        "QMAT",
        {
            "forventet_antal": ("antal", True),
            "faktisk_antal": ("antal", True),
            "forskel_antal": ("antal", False),
            "forventet_andel": ("pct", False),
            "faktisk_andel": ("pct", False),
            "forskel_pct_point": ("pct_point", False),
        },
    ),
    Kilde(
        "mart.varigheder",
        "Q",
        {"antal_forloeb": ("antal", True), "gnsn_varighed_uger": ("uger", False)},
        opdeling="varighedsinterval",
        variant="f.maal",
        gruppe_navn="ydelsesgruppe",
    ),
    Kilde(
        "mart.vandringer",
        "Q",
        {"antal": ("antal", True), "andel_pct": ("pct", False)},
        opdeling="til",
        variant="f.maaneder_efter || 'm_efter'",
        gruppe_navn="fra",
    ),
]


def earlier_period_sql(periodetype: str, column: str, months: str) -> str:
    """SQL for the period `months` months before `column` (a jobindsats period id of that type)."""
    if periodetype == "M":
        return f"strftime(strptime({column}, '%YM%m') - to_months({months}), '%YM%m')"
    if periodetype == "Q":  # 2026Q01 starts in January 2026; three months earlier is 2025Q04.
        start = f"make_date(cast(left({column}, 4) as integer), 3 * cast(right({column}, 2) as integer) - 2, 1)"
        shifted = f"({start} - to_months({months}))"
        return f"year({shifted}) || 'Q' || lpad(cast((month({shifted}) - 1) // 3 + 1 as varchar), 2, '0')"
    if periodetype == "QMAT":  # 2020QMAT02 ends in June 2020; six months earlier ends in December 2019.
        end = f"make_date(cast(left({column}, 4) as integer), 3 * cast(right({column}, 2) as integer), 1)"
        shifted = f"({end} - to_months({months}))"
        return f"year({shifted}) || 'QMAT' || lpad(cast(month({shifted}) // 3 as varchar), 2, '0')"
    raise ValueError(f"no earlier-period rule for period type {periodetype!r}")


def udvikling_sql(kilde: Kilde, periods: list[str] | None = None) -> str:
    """The development rows of one source table (of `periods` only, when given)."""
    maal_values = ", ".join(f"('{m}', '{enhed}', {str(relativ).lower()})" for m, (enhed, relativ) in kilde.maal.items())
    horisont_values = ", ".join(f"('{h}', {n})" for h, n in HORISONTER[kilde.periodetype].items())
    return f"""
    (with v as (
        select *, coalesce(variant || ':', '') || maal as navn
        from (unpivot ({kilde.rows_sql()}) on {", ".join(kilde.maal)} into name maal value vaerdi)
    ),
    maal as (select * from (values {maal_values}) as t(maal, enhed, relativ)),
    horisont as (select * from (values {horisont_values}) as t(horisont, maaneder)),
    nu as (
        select v.*, h.horisont, h.maaneder, {earlier_period_sql(kilde.periodetype, "v.periode", "h.maaneder")}
            as tidligere_periode
        from v cross join horisont as h
    )
    select
        '{kilde.tabel}' as tabel, nu.periode, nu.omraade_kode, nu.ydelsesgruppe_kode, nu.opdeling, nu.navn as maal,
        m.enhed,
        nu.horisont, nu.vaerdi, nu.tidligere_periode, t.vaerdi as tidligere_vaerdi,
        round(nu.vaerdi - t.vaerdi, 4) as forskel,
        case when m.relativ then round(100 * (nu.vaerdi - t.vaerdi) / nullif(t.vaerdi, 0), 4) end as forskel_pct,
        nu.kilde,
        {weakest_datagrundlag("nu.datagrundlag", "t.datagrundlag")} as datagrundlag
    from nu
    join maal as m using (maal)
    left join v as t
        on t.periode = nu.tidligere_periode and t.omraade_kode = nu.omraade_kode
        and t.ydelsesgruppe_kode = nu.ydelsesgruppe_kode and t.kilde = nu.kilde and t.navn = nu.navn
        and t.opdeling is not distinct from nu.opdeling
    {"" if periods is None else f"where nu.periode in ({', '.join(repr(p) for p in periods)})"})"""


def sql() -> str:
    """mart.udvikling: every source table's development rows."""
    return "\nunion all\n".join(udvikling_sql(k) for k in KILDER)


# The columns `scoped`'s condition names: a run rewrites whole (tabel, periode) groups of mart.udvikling.
SCOPE_COLUMNS = ("tabel", "periode")


def scoped(tables: set[str] | None, months: list[str] | None) -> tuple[str, str]:
    """The rows a run that rebuilt `tables` (None: all) over `months` (None: all) changes: (query, where).

    A monthly table's change in month m moves its rows for m and the months 3, 6 and 12 after it, which
    compare with m; a quarterly table, or one rebuilt whole, moves all its rows; the others none.
    """
    parts, conditions = [], []
    for kilde in KILDER:
        if tables is not None and kilde.tabel not in tables:
            continue
        periods = None
        if months is not None and kilde.periodetype == "M":
            periods = sorted({shift_month(m, k) for m in months for k in (0, *MAANEDER.values())})
        parts.append(udvikling_sql(kilde, periods))
        within = "" if periods is None else f" and periode in ({', '.join(repr(p) for p in periods)})"
        conditions.append(f"(tabel = '{kilde.tabel}'{within})")
    if not parts:
        return f"select * from {TABLE} where false", "false"
    return "\nunion all\n".join(parts), " or ".join(conditions)
