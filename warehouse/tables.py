"""Writing validated rows into DuckDB: DDL from the pandera model, replace-in-one-transaction.

The pandera model is the single description of a table: its columns, types and nullability
give the DDL here and the checks in `schemas/`, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
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


Schema = type[pa.DataFrameModel] | pa.DataFrameSchema


def _schema(model: Schema) -> pa.DataFrameSchema:
    return model if isinstance(model, pa.DataFrameSchema) else model.to_schema()


# What a person looks for first comes first in every table, and provenance last, whatever order
# the model (or the models it extends) lists them in.
LEADING = ("periode", "omraade_kode")
TRAILING = ("aggregering", "kommunesum", "forskel_kommunesum", "kilde", "datagrundlag")


def _position(name: str) -> int:
    if name in LEADING:
        return LEADING.index(name) - len(LEADING)
    return TRAILING.index(name) + 1 if name in TRAILING else 0


def columns_of(model: Schema) -> list[tuple[str, str, bool]]:
    """(name, DuckDB type, nullable) for each column of the model: the leading ones, then model order."""
    out = []
    columns = _schema(model).columns
    for name, column in sorted(columns.items(), key=lambda item: _position(item[0])):
        sql_type = (column.metadata or {}).get("sql_type") or DUCKDB_TYPES[str(column.dtype)]
        out.append((name, sql_type, column.nullable))
    return out


def create_table_sql(table: str, model: Schema) -> str:
    body = ",\n  ".join(
        f"{name} {sql_type}{'' if nullable else ' NOT NULL'}" for name, sql_type, nullable in columns_of(model)
    )
    return f"create table {table} (\n  {body}\n)"


def ensure_table(conn: duckdb.DuckDBPyConnection, table: str, model: Schema) -> None:
    """Create the table, or rebuild it empty when the model's columns have changed since.

    A source without data calls it too, so its readers and checks find an empty table, not none.
    """
    schema, name = table.split(".")
    existing = conn.execute(  # duckdb_columns(): information_schema's view over it costs twice as much
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()
    wanted = [(n, t) for n, t, _ in columns_of(model)]
    if existing == wanted:
        return
    if existing:
        conn.execute(f"drop table {table}")
    conn.execute(create_table_sql(table, model))


def replace_with(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    query: str,
    model: Schema,
    replace_column: str | None = None,
    key: Sequence[str] | None = None,
) -> int:
    """Write the validated rows `query` selects in one transaction; return the rows written.

    With `replace_column`, only rows whose value in that column occurs in the rows written are
    replaced (a re-run of a period replaces exactly that period); without it, the whole table is.
    With `key`, a row whose values did not change keeps its old `aendret_tid`, so the column
    says when each figure was last revised, not when it was last loaded.
    """
    typed = columns_of(model)
    columns = [name for name, _, _ in typed]
    conn.execute("begin transaction")
    try:
        ensure_table(conn, table, model)
        select = ", ".join(f"cast({name} as {sql_type}) as {name}" for name, sql_type, _ in typed)
        conn.execute(f"create or replace temp table incoming as select {select} from ({query})")
        if key:
            _keep_unchanged_timestamps(conn, table, columns, list(key))
        if replace_column is None:
            conn.execute(f"delete from {table}")
        else:
            conn.execute(f"delete from {table} where {replace_column} in (select {replace_column} from incoming)")
        conn.execute(f"insert into {table} by name select * from incoming")
        [(written,)] = conn.execute("select count(*) from incoming").fetchall()
        conn.execute("drop table incoming")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return written


def _keep_unchanged_timestamps(conn: duckdb.DuckDBPyConnection, table: str, columns: list[str], key: list[str]) -> None:
    # Provenance is not a figure: a row whose numbers are the same keeps its time even from another body.
    values = [c for c in columns if c not in {*key, "aendret_tid", "content_hash", "kilde", "datagrundlag"}]
    same_key = " and ".join(f"incoming.{c} = old.{c}" for c in key)
    same_values = " and ".join(f"incoming.{c} is not distinct from old.{c}" for c in values)
    conn.execute(
        f"update incoming set aendret_tid = old.aendret_tid from {table} as old where {same_key} and {same_values}"
    )
