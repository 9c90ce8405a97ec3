"""Writing validated frames into DuckDB: DDL from the pandera model, replace-in-one-transaction.

The pandera model is the single description of a table: its columns, types and nullability
give the DDL here and the checks in `schemas/`, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd
import pandera.pandas as pa

DUCKDB_TYPES = {
    "str": "VARCHAR",
    "string": "VARCHAR",
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "Float64": "DOUBLE",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
    "datetime64[ns]": "TIMESTAMP",
}


def columns_of(model: type[pa.DataFrameModel]) -> list[tuple[str, str, bool]]:
    """(name, DuckDB type, nullable) for each column of the model, in the model's order."""
    out = []
    for name, column in model.to_schema().columns.items():
        sql_type = (column.metadata or {}).get("sql_type") or DUCKDB_TYPES[str(column.dtype)]
        out.append((name, sql_type, column.nullable))
    return out


def create_table_sql(table: str, model: type[pa.DataFrameModel]) -> str:
    body = ",\n  ".join(
        f"{name} {sql_type}{'' if nullable else ' NOT NULL'}" for name, sql_type, nullable in columns_of(model)
    )
    return f"create table {table} (\n  {body}\n)"


def _ensure_table(conn: duckdb.DuckDBPyConnection, table: str, model: type[pa.DataFrameModel]) -> None:
    """Create the table, or rebuild it empty when the model's columns have changed since."""
    schema, name = table.split(".")
    existing = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    wanted = [(n, t) for n, t, _ in columns_of(model)]
    if existing == wanted:
        return
    if existing:
        conn.execute(f"drop table {table}")
    conn.execute(create_table_sql(table, model))


def replace_rows(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    model: type[pa.DataFrameModel],
    replace_column: str | None = None,
) -> int:
    """Write a validated frame in one transaction; return the rows written.

    With `replace_column`, only rows whose value in that column occurs in the frame are
    replaced (a re-run of a period replaces exactly that period); without it, the whole table is.
    """
    ordered = frame[[name for name, _, _ in columns_of(model)]]
    conn.execute("begin transaction")
    try:
        _ensure_table(conn, table, model)
        if replace_column is None:
            conn.execute(f"delete from {table}")
        else:
            values: Sequence = sorted(ordered[replace_column].dropna().unique().tolist())
            conn.execute(f"delete from {table} where {replace_column} in (select unnest(?))", [values])
        conn.register("frame_to_write", ordered)
        conn.execute(f"insert into {table} by name select * from frame_to_write")
        conn.unregister("frame_to_write")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return len(ordered)
