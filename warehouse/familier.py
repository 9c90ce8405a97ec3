"""The table families the forløb and tilbud marts read, from the table specs (jobindsats_tables.toml).

A family (forløb by varighed, afsluttede forløb, status after forløb, tilbud) is one table per
ydelsesgruppe; the spec says which family a table is in and its group (`[<id>.familie]`). The
marts read a family as the union of its staging tables with each row's group in `ydelsesgruppe`,
so a new group is a new spec and never a line of SQL.
"""

from __future__ import annotations

from pipelines.sources.jobindsats_parser import TableSpec, table_specs
from warehouse.noegletal import sql_text


def family(navn: str) -> list[TableSpec]:
    """The specs of every table in the family, in the order of the toml."""
    specs = [spec for spec in table_specs().values() if spec.familie.get("navn") == navn]
    if not specs:
        raise ValueError(f"no jobindsats table is in the family {navn!r} (familie.navn in jobindsats_tables.toml)")
    return specs


def gruppe_sql(spec: TableSpec) -> str:
    """SQL for a row's group: the spec's, or "<gruppe>, <row value in lower case>" where a column splits it."""
    gruppe = sql_text(spec.familie["gruppe"])
    kolonne = spec.familie.get("gruppe_kolonne")
    return f"{gruppe} || ', ' || lower(f.{kolonne})" if kolonne else gruppe


def union_sql(navn: str) -> str:
    """Every staging table of the family, each row with its group as `ydelsesgruppe`."""
    return "\n    union all by name\n    ".join(
        f"select f.*, {gruppe_sql(spec)} as ydelsesgruppe from staging.jobindsats_{spec.table_id} as f"
        for spec in family(navn)
    )


def bruttoledige_sql() -> str:
    """(ydelsesgruppe, ydelsesgruppe_kode): each tilbud group and the mart.ledighed group of its bruttoledige."""
    pairs = [pair for spec in family("tilbud") for pair in spec.familie.get("bruttoledige", {}).items()]
    if not pairs:
        return "select null::varchar as ydelsesgruppe, null::varchar as ydelsesgruppe_kode where false"
    values = ", ".join(f"({sql_text(gruppe)}, {sql_text(kode)})" for gruppe, kode in pairs)
    return f"select * from (values {values}) as t(ydelsesgruppe, ydelsesgruppe_kode)"
