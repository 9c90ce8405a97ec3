"""jobindsats v3 metadata: the table catalogue, one table's periods and hierarchies, and the
data query built from them.

Every data query is built from `/v3/table/{id}`: each dimension gets one hierarchy set
explicitly (the table spec's choice, else the dimension's first hierarchy at its total `/`),
because an unknown hierarchy is a 422 and an omitted one aggregates silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines.errors import InputError


@dataclass(frozen=True)
class CatalogueEntry:
    """One table of `GET /v3/tables`: when it was last updated and when the next update is due."""

    table_id: str
    table_name: str
    update_latest: str | None
    update_next: str | None
    update_freq: str | None
    period_last: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TableMetadata:
    """`GET /v3/table/{id}`: periods by period type, and each dimension's hierarchy ids."""

    table_id: str
    periods: dict[str, list[str]]
    dimensions: dict[str, list[str]]
    mgroups: list[str] = field(default_factory=list)


def _require(payload: Any, key: str, source: str) -> Any:
    if not isinstance(payload, dict) or key not in payload:
        raise InputError.single(source, f"unexpected metadata shape: no {key!r}")
    return payload[key]


def parse_catalogue(payload: Any, source: str) -> list[CatalogueEntry]:
    """Subjects → table groups → tables, flattened."""
    if not isinstance(payload, list):
        raise InputError.single(source, "unexpected catalogue shape: expected a list of subjects")
    entries = []
    for subject in payload:
        for group in _require(subject, "table_groups", source):
            for table in _require(group, "tables", source):
                periodtypes = (table.get("periods") or {}).get("periodtypes") or []
                entries.append(
                    CatalogueEntry(
                        table_id=str(_require(table, "table_id", source)).lower(),
                        table_name=table.get("table_name", ""),
                        update_latest=table.get("update_latest"),
                        update_next=table.get("update_next"),
                        update_freq=table.get("update_freq"),
                        period_last={p["periodtype_id"]: p.get("period_last") for p in periodtypes},
                    )
                )
    return entries


def parse_table_metadata(table_id: str, payload: Any, source: str) -> TableMetadata:
    try:
        periods = {
            p["periodtype_id"]: sorted(v["period_id"] for v in p.get("values", []))
            for p in _require(payload, "periods", source)
        }
        dimensions = {
            d["dimension_id"]: [h["hierarchy_id"] for h in d.get("hierarchies", [])]
            for d in _require(payload, "dimensions", source)
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError.single(source, f"unexpected metadata shape: {type(exc).__name__} {exc}") from None
    mgroups = [m.get("mgroup_id", "") for m in payload.get("mgroups", []) if isinstance(m, dict)]
    return TableMetadata(table_id.lower(), periods, dimensions, mgroups)


class QueryError(ValueError):
    """A table spec that does not fit the table's metadata: fixing the spec avoids a 422."""


def build_query(
    table_id: str, periodtype: str, hierarchies: Mapping[str, str], meta: TableMetadata, periods: Iterable[str]
) -> dict[str, str]:
    """The data query for `periods`, with every dimension's hierarchy set explicitly."""
    known = {h: d for d, hs in meta.dimensions.items() for h in hs}
    unknown = sorted(set(hierarchies) - set(known))
    if unknown:
        raise QueryError(
            f"{table_id}: hierarchies {unknown} are not in /v3/table/{table_id} (it has {sorted(known)}); "
            "fix the table spec"
        )
    if periodtype not in meta.periods:
        raise QueryError(f"{table_id}: period type {periodtype} is not offered (it has {sorted(meta.periods)})")
    query = {f"period.{periodtype}": ",".join(periods), "mgroup.*": "*"}
    for dimension_hierarchies in meta.dimensions.values():
        chosen = [h for h in dimension_hierarchies if h in hierarchies]
        hierarchy = chosen[0] if chosen else dimension_hierarchies[0]
        query[f"hierarchy.{hierarchy}"] = hierarchies.get(hierarchy, "/")
    return query


def select_periods(
    available: Iterable[str], held_latest: str | None, revisit: int, wanted: Iterable[str] | None = None
) -> list[str]:
    """Which periods to ask for.

    `wanted` (a run's month range) takes what the source has of it. Otherwise the
    load is incremental: everything newer than the warehouse holds, plus the last `revisit`
    periods it holds again, because jobindsats revises recent months.
    """
    offered = sorted(set(available))
    if wanted is not None:
        wanted = set(wanted)
        return [p for p in offered if p in wanted]
    if held_latest is None:
        return offered
    if revisit <= 0:
        return [p for p in offered if p > held_latest]
    held = [p for p in offered if p <= held_latest]
    since = held[-revisit] if len(held) >= revisit else (held[0] if held else held_latest)
    return [p for p in offered if p >= since]
