"""mart.ledighed's rows before aggregation: jobindsats' bruttoledige beside Statistics Denmark's.

jobindsats y25i01, with y25i09's langtidsledige, is warehouse/sql/ledighed.sql. DST's AUF01
(fuldtidsledige, preliminary) and AUF02 (the final count) are rows of their own `kilde`
(`statbank:AUF01`, `statbank:AUF02`), never added to or mixed with jobindsats' rows: bruttoledige
is the table's value at the total of every variable but the area (its `totals` in
pipelines/config/statbank_tables.toml: all ydelsestyper, a-kasser, ages and both sexes), as the
ydelsesgruppe led_i_alt. Neither table carries the arbejdsstyrke, so DST rows have no
ledighedsprocent, and no langtidsledige.
"""

from __future__ import annotations

from pipelines.sources.statbank_tables import statbank_tables
from schemas.statbank import column_name
from warehouse.models import sql

DST_TABLES = ("AUF01", "AUF02")


def dst_table(table_id: str) -> str:
    return f"staging.statbank_{table_id.lower()}"


def dst_sql(table_id: str) -> str:
    """One DST table's bruttoledige per month and area; the parameter is the list of months to build."""
    table = statbank_tables()[table_id]
    at_total = " and ".join(
        f"d.{column_name(variable)} = '{table.totals[variable]}'"
        for variable in table.variables
        if variable.upper() != "TID" and variable != table.area
    )
    return f"""
select d.periode, d.omraade_kode, y.ydelsesgruppe_kode, y.ydelsesgruppe,
    cast(d.indhold as bigint) as bruttoledige, cast(null as double) as ledighedsprocent,
    cast(null as bigint) as langtidsledige, d.kilde, d.datagrundlag
from {dst_table(table_id)} as d
join mart.dim_ydelsesgruppe as y on y.ydelsesgruppe_kode = 'led_i_alt'
where d.periode in (select unnest($periods)) and {at_total}"""


def ledighed_sql(staged: set[str]) -> str:
    """jobindsats' rows and those of each DST table in `staged` (the staging tables that exist)."""
    parts = [sql("ledighed"), *(dst_sql(t) for t in DST_TABLES if dst_table(t) in staged)]
    return "\nunion all by name\n".join(parts)
