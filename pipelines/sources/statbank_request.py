"""Planning StatBank BULK requests from a table's tableinfo.

BULK allows no elimination, so every variable must be listed: one the caller leaves out is asked
for at its total. Value ids are checked against tableinfo first, so a wrong id fails here, naming
table and variable, instead of as an opaque API error. BULK has no cell limit today, but the other
formats stop at 1,000,000 cells and DST says limits change, so a larger request is split by time
into several calls whose bodies are joined into one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fnmatch import fnmatchcase

CELL_LIMIT = 1_000_000
TOTAL_IDS = frozenset({"TOT", "IALT"})
TOTAL_TEXTS = frozenset({"i alt", "total", "hele landet", "all denmark"})
TOTAL_SUFFIXES = (" i alt", ", total")
PATTERN_CHARS = frozenset("*()<>=")
BOM = b"\xef\xbb\xbf"

Variables = list[tuple[str, list[str]]]


def _ids(variable: dict) -> list[str]:
    return [str(value["id"]) for value in variable["values"]]


def _is_total(value: dict) -> bool:
    text = str(value.get("text", "")).strip().lower()
    return str(value["id"]) in TOTAL_IDS or text in TOTAL_TEXTS or text.endswith(TOTAL_SUFFIXES)


def total_value(table_id: str, variable: dict) -> str:
    """The id of a variable's total in tableinfo, or a ValueError saying the caller must choose."""
    if variable.get("time"):
        raise ValueError(f"{table_id}: say which {variable['id']} values to request; time has no total")
    totals = [str(value["id"]) for value in variable["values"] if _is_total(value)]
    if len(totals) != 1:
        found = f"several total values ({', '.join(totals)})" if totals else "no total value"
        raise ValueError(
            f"{table_id}: {variable['id']} was not given and tableinfo has {found}; "
            f"list its values (ids: {', '.join(_ids(variable)[:8])})"
        )
    return totals[0]


def expand(values: list[str], ids: list[str]) -> list[str] | None:
    """The ids `values` select, in tableinfo order; None when a range or newest-n rule is among them."""
    chosen: set[str] = set()
    for value in values:
        if not PATTERN_CHARS & set(value):
            chosen.add(value)
        elif PATTERN_CHARS & set(value) == {"*"}:
            chosen.update(i for i in ids if fnmatchcase(i, value))
        else:
            return None
    return [i for i in ids if i in chosen]


def resolve_variables(table_id: str, info: Mapping, wanted: Mapping[str, list[str]]) -> Variables:
    """Every tableinfo variable with the values to send: the caller's, else the variable's total.

    Caller variable names match tableinfo's case-insensitively (TID finds Tid); plain value ids
    must exist in tableinfo.
    """
    by_upper = {str(variable["id"]).upper(): variable for variable in info["variables"]}
    unknown = [name for name in wanted if name.upper() not in by_upper]
    if unknown:
        raise ValueError(f"{table_id}: no variable {', '.join(unknown)} in tableinfo (it has {', '.join(by_upper)})")
    given = {name.upper(): list(values) for name, values in wanted.items()}
    resolved: Variables = []
    for upper, variable in by_upper.items():
        values = given[upper] if upper in given else [total_value(table_id, variable)]
        if not values:
            raise ValueError(f"{table_id}: no values given for {variable['id']}")
        ids = set(_ids(variable))
        missing = [v for v in values if not PATTERN_CHARS & set(v) and v not in ids]
        if missing:
            raise ValueError(f"{table_id}: {variable['id']} has no value id {', '.join(missing[:10])} in tableinfo")
        resolved.append((str(variable["id"]), values))
    return resolved


def _counts(info: Mapping, variables: Variables) -> list[int]:
    ids = {str(variable["id"]): _ids(variable) for variable in info["variables"]}
    counts = []
    for name, values in variables:
        chosen = expand(values, ids[name])
        counts.append(len(ids[name]) if chosen is None else len(chosen))
    return counts


def estimate_cells(info: Mapping, variables: Variables) -> int:
    """DST's count: at most rows x fields, where TID and INDHOLD always count as fields."""
    return math.prod(_counts(info, variables)) * (len(variables) + 1)


def split_by_time(table_id: str, info: Mapping, variables: Variables, limit: int = CELL_LIMIT) -> list[Variables]:
    """`variables` as one request, or as several with consecutive time ids, each at most `limit` cells."""
    if estimate_cells(info, variables) <= limit:
        return [variables]
    time_var = next((variable for variable in info["variables"] if variable.get("time")), None)
    if time_var is None:
        raise ValueError(f"{table_id}: over {limit:,} cells and no time variable to split by")
    position = next(i for i, (name, _) in enumerate(variables) if name == time_var["id"])
    periods = expand(variables[position][1], _ids(time_var))
    if periods is None:
        raise ValueError(f"{table_id}: the request needs splitting by time; list {time_var['id']} ids or '*' patterns")
    others = math.prod(n for i, n in enumerate(_counts(info, variables)) if i != position)
    per_call = limit // (others * (len(variables) + 1))
    if per_call == 0:
        raise ValueError(f"{table_id}: one period alone is over {limit:,} cells; narrow the other variables")
    return [
        [
            (name, periods[start : start + per_call] if i == position else values)
            for i, (name, values) in enumerate(variables)
        ]
        for start in range(0, len(periods), per_call)
    ]


def join_bulk(bodies: list[bytes]) -> bytes:
    """One BULK body from several: the first header once, then every data line (a BOM is dropped)."""
    if len(bodies) == 1:
        return bodies[0]
    header: bytes | None = None
    parts: list[bytes] = []
    for body in bodies:
        line, _, rest = body.removeprefix(BOM).partition(b"\n")
        head = line.rstrip(b"\r")
        if header is None:
            header = head
            parts.append(line + b"\n")
        elif head != header:
            raise ValueError(f"BULK parts have different headers: {header!r} and {head!r}")
        if rest:
            parts.append(rest if rest.endswith(b"\n") else rest + b"\n")
    return b"".join(parts)
