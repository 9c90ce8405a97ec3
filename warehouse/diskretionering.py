"""Diskretionering: suppress small counts in the serving copy, never in the working warehouse.

The rule is configuration (pipelines/config/diskretionering.toml, described there): a count n
with 0 < n < taerskel is suppressed, and both counts of a complementary pair (N, n) are when
0 < N - n < taerskel. 0 is not suppressed unless `nul_undertrykkes`. Every decision is taken on
the unsuppressed numbers, then the suppressed cells become NULL and each row carries
`diskretioneret` and `diskretionerede_kolonner`. The count columns come from the pandera model
(Field metadata {"enhed": "antal"}), so any new mart table built from counts is covered.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from schemas.types import Schema, to_schema

CONFIG = Path(__file__).resolve().parents[1] / "pipelines" / "config" / "diskretionering.toml"
FLAG = "diskretioneret"
FLAG_COLUMNS = "diskretionerede_kolonner"


@dataclass(frozen=True)
class Total:
    """`kolonne` on each part row is complementary to the same column on its total row."""

    kolonne: str
    dimension: str
    vaerdi: str
    noegle: tuple[str, ...]
    dele: tuple[str, ...] | None = None  # only these values of `dimension` are parts (default: all others)


@dataclass(frozen=True)
class Foelger:
    """A row whose `dimension` is `vaerdi` (a share, a mean) loses whatever its row `efter` loses:
    the row with the same `noegle` whose `dimension` is `efter` (the count it was computed from)."""

    dimension: str
    vaerdi: str
    efter: str
    noegle: tuple[str, ...]


@dataclass(frozen=True)
class TableRule:
    antal: tuple[str, ...]
    hvor: str | None = None
    afledte: dict[str, tuple[str, ...]] = field(default_factory=dict)  # derived column -> the counts it reveals
    kolonnepar: tuple[tuple[str, str], ...] = ()
    total: tuple[Total, ...] = ()
    foelger: tuple[Foelger, ...] = ()


@dataclass(frozen=True)
class Config:
    taerskel: int = 3
    nul_undertrykkes: bool = False
    undtaget: tuple[str, ...] = ()
    tabeller: dict = field(default_factory=dict)

    def exempt(self, table: str) -> bool:
        return any(fnmatch.fnmatchcase(table, pattern) for pattern in self.undtaget)

    def rule_for(self, table: str, model: Schema | None) -> TableRule | None:
        """How `table` is suppressed, or None when it is exempt or has no count columns."""
        if self.exempt(table):
            return None
        section = self.tabeller.get(table, {})
        schema = to_schema(model) if model is not None else None
        if "antal" in section:
            antal = tuple(section["antal"])
        elif schema is not None:
            antal = tuple(n for n, c in schema.columns.items() if (c.metadata or {}).get("enhed") == "antal")
        else:
            antal = ()
        if not antal:
            return None
        unique = tuple(schema.unique or ()) if schema is not None else ()

        def noegle(spec: dict) -> tuple[str, ...]:
            """The columns a row and its partner agree on: given, or the unique key without `dimension`."""
            key = tuple(spec.get("noegle") or [c for c in unique if c != spec["dimension"]])
            if not key:
                raise ValueError(f"diskretionering: {table}: a rule over {spec['dimension']} needs `noegle`")
            return key

        totals = []
        for spec in section.get("total", []):
            kolonner = spec["kolonne"] if isinstance(spec["kolonne"], list) else [spec["kolonne"]]
            dele = tuple(spec["dele"]) if "dele" in spec else None
            totals += [Total(k, spec["dimension"], spec["vaerdi"], noegle(spec), dele) for k in kolonner]
        foelger = [
            Foelger(spec["dimension"], spec["vaerdi"], spec["efter"], noegle(spec))
            for spec in section.get("foelger", [])
        ]
        return TableRule(
            antal=antal,
            hvor=section.get("hvor"),
            afledte={d: tuple(b) if isinstance(b, list) else (b,) for d, b in section.get("afledte", {}).items()},
            kolonnepar=tuple(tuple(p) for p in section.get("kolonnepar", [])),
            total=tuple(totals),
            foelger=tuple(foelger),
        )


def load_config(path: Path = CONFIG) -> Config:
    with path.open("rb") as f:
        raw = tomllib.load(f)
    taerskel = int(raw.get("taerskel", 3))
    if taerskel < 1:
        raise ValueError(f"diskretionering: taerskel must be at least 1, not {taerskel}")
    return Config(
        taerskel=taerskel,
        nul_undertrykkes=bool(raw.get("nul_undertrykkes", False)),
        undtaget=tuple(raw.get("undtaget", [])),
        tabeller=dict(raw.get("tabel", {})),
    )


def within(rule: TableRule, columns: tuple[str, ...]) -> bool:
    """Whether every row's suppression depends only on rows equal to it in `columns`: every rule pairing two
    rows joins on them. Then a part of the table chosen by those columns can be suppressed on its own."""
    return all(set(columns) <= set(pairing.noegle) for pairing in (*rule.total, *rule.foelger))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _small(expr: str, config: Config) -> str:
    low = 0 if config.nul_undertrykkes else 1
    return f"({expr} between {low} and {config.taerskel - 1})"


def _close(total: str, part: str, config: Config) -> str:
    return f"(({total}) - ({part}) between 1 and {config.taerskel - 1})"


def copy_suppressed(conn: duckdb.DuckDBPyConnection, source: str, target: str, rule: TableRule, config: Config) -> int:
    """Create `target` as `source` with the rule applied; return the number of suppressed cells.

    `source` is read, never changed. Rows keep their order and every column its type; two
    columns are added at the end: `diskretioneret` and `diskretionerede_kolonner`. The copy is
    written as it is and only its suppressed rows (a few in a thousand) are updated: copying the
    table through the join with its hits would need a sort to keep the rows in order.
    """
    conn.execute(f"create table {target} as select *, false as {FLAG}, null::varchar as {FLAG_COLUMNS} from {source}")
    scope = f"coalesce(({rule.hvor}), false)" if rule.hvor else "true"
    conn.execute(f"create or replace temp view _disk_rows as select rowid as _r, *, {scope} as _in from {target}")
    hvor = "_in"
    hits: list[str] = []
    for column in rule.antal:
        hits.append(f"select _r, '{column}' as kolonne from _disk_rows where {hvor} and {_small(_q(column), config)}")
    for a, b in rule.kolonnepar:
        close = f"{hvor} and (({_close(_q(a), _q(b), config)}) or ({_close(_q(b), _q(a), config)}))"
        hits += [f"select _r, '{c}' as kolonne from _disk_rows where {close}" for c in (a, b)]
    pairs = []
    for number, (pairing, totals) in enumerate(_pairings(rule.total).items()):
        found, selects = _total_hits(pairing, totals, f"_disk_pairs_{number}", config)
        pairs.append(found)
        hits += selects
    union = " union ".join(hits) if hits else "select null::bigint as _r, null::varchar as kolonne where false"
    conn.execute(f"create or replace temp table _disk_hits as {'with ' + ', '.join(pairs) if pairs else ''} {union}")
    for f in rule.foelger:
        dim = _q(f.dimension)
        same = " and ".join(f"p.{_q(k)} is not distinct from s.{_q(k)}" for k in f.noegle)
        conn.execute(
            f"insert into _disk_hits select p._r, h.kolonne from _disk_rows as p "
            f"join _disk_rows as s on {same} and s.{dim} = {_literal(f.efter)} "
            f"join _disk_hits as h on h._r = s._r where p.{dim} = {_literal(f.vaerdi)} "
            f"except select _r, kolonne from _disk_hits"
        )
    for derived, bases in rule.afledte.items():
        conn.execute(
            f"insert into _disk_hits select _r, '{derived}' from _disk_hits "
            f"where kolonne in ({', '.join(_literal(b) for b in bases)}) "
            f"except select _r, kolonne from _disk_hits"
        )
    suppressed = [*rule.antal, *(c for pair in rule.kolonnepar for c in pair), *rule.afledte]
    replace = ", ".join(
        f"{_q(c)} = case when list_contains(h.kolonner, '{c}') then null else {_q(c)} end"
        for c in dict.fromkeys(suppressed)
    )
    conn.execute(
        f"""update {target} set {replace}, {FLAG} = true, {FLAG_COLUMNS} = array_to_string(h.kolonner, ',')
        from (select _r, list(distinct kolonne order by kolonne) as kolonner from _disk_hits group by _r) as h
        where {target}.rowid = h._r"""
    )
    cells = conn.execute("select count(*) from _disk_hits").fetchone()[0]
    conn.execute("drop view _disk_rows")
    conn.execute("drop table _disk_hits")
    return cells


def _pairings(totals: tuple[Total, ...]) -> dict[tuple, dict[str, list[str]]]:
    """The total rules grouped by how a part row finds its total row (dimension, noegle, dele), each group as
    its total values and their columns: one join serves them all."""
    grouped: dict[tuple, dict[str, list[str]]] = {}
    for t in totals:
        grouped.setdefault((t.dimension, t.noegle, t.dele), {}).setdefault(t.vaerdi, []).append(t.kolonne)
    return grouped


def _total_hits(pairing: tuple, totals: dict[str, list[str]], name: str, config: Config) -> tuple[str, list[str]]:
    """The hits of the part and total rows of one pairing whose columns are within the threshold of each other:
    the common table `name` that finds the pairs once, with one flag per column, and the selects of the hits.

    `totals` maps each total value to its columns. Without `dele`, every other value is a part of each total.
    """
    dimension, noegle, dele = pairing
    dim = _q(dimension)
    same = " and ".join(f"p.{_q(k)} is not distinct from s.{_q(k)}" for k in noegle)
    parts = f"p.{dim} in ({', '.join(_literal(v) for v in dele)})" if dele else f"p.{dim} <> s.{dim}"
    kolonner = list(dict.fromkeys(k for columns in totals.values() for k in columns))
    flags = []
    for kolonne in kolonner:
        close = _close(f"s.{_q(kolonne)}", f"p.{_q(kolonne)}", config)
        of = [vaerdi for vaerdi, columns in totals.items() if kolonne in columns]
        flags.append(close if len(of) == len(totals) else f"(s.{dim} in ({', '.join(map(_literal, of))}) and {close})")
    found = (
        f"{name} as materialized (select p._r as p_r, s._r as s_r, "
        + ", ".join(f"{flag} as c{i}" for i, flag in enumerate(flags))
        + f" from _disk_rows as p join _disk_rows as s on {same} and s.{dim} in ({', '.join(map(_literal, totals))}) "
        f"where {parts} and p._in and s._in and ({' or '.join(flags)}))"
    )
    return found, [
        f"select {side}, '{kolonne}' as kolonne from {name} where c{i}"
        for i, kolonne in enumerate(kolonner)
        for side in ("p_r", "s_r")
    ]


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
