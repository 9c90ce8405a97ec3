"""Staged bodies checked and written inside DuckDB: each body's rows read once, never back into pandas.

A body's staged rows are loaded into a temporary table of the step's connection, numbered as the
body numbers them; the pandera model's rules run over that table as SQL (schemas/sql_rules.py, the
same rules the marts are checked by), and the staging table is written from those tables: for each
key the row of the newest body, in one transaction (warehouse/tables.py). `jobindblik ingest` checks
a file the same way, in a connection of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.errors import InputError
from schemas import sql_rules
from warehouse.tables import Schema, replace_with

# The column a loaded body numbers its rows in (1-based, as the body numbers them); not written.
BODY_ROW = "body_row"
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Written:
    """What writing a table's layers gave: its rows, the values of the replace column, the first rows."""

    rows: int
    replaced: list[str]
    preview: pd.DataFrame


def load_checked(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame, model: Schema, source: str) -> str:
    """`frame` as a temporary table once every rule of `model` holds for it; the table's name.

    An InputError from `source` names every failing row (the frame's index + 1: a frame filtered
    from a body keeps the body's numbers) and column, as pandera did, with the row's key.
    """
    name = f"staged_{uuid.uuid4().hex}"
    conn.register(f"{name}_frame", frame.assign(**{BODY_ROW: frame.index + 1}))
    try:
        conn.execute(f"create temp table {name} as select * from {name}_frame")
    finally:
        conn.unregister(f"{name}_frame")
    found = sql_rules.failures(conn, name, model, limit=max(len(frame), 1), row_column=BODY_ROW)
    if found:
        conn.execute(f"drop table {name}")
        raise InputError(source, sql_rules.problems(found))
    return name


def write_newest(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    model: Schema,
    layers: list[str],
    key: Sequence[str],
    replace_column: str,
) -> Written:
    """The loaded layers (newest first) into `table`, each key's row from the newest layer that has it.

    The rows keep the layers' order (newest first, then the body's), and replace the table's rows
    with the same `replace_column` value (see warehouse/tables.py `replace_with`). The layers are dropped.
    """
    try:
        union = " union all by name ".join(f"select *, {i} as layer from {name}" for i, name in enumerate(layers))
        newest = (
            f"select * from ({union}) qualify row_number() over (partition by {', '.join(key)} order by layer) = 1 "
            f"order by layer, {BODY_ROW}"
            if len(layers) > 1
            else f"select * from {layers[0]}"  # one body: its keys are unique (its model says so), its order kept
        )
        replaced = [
            v for (v,) in conn.execute(f"select distinct {replace_column} from ({union}) order by 1").fetchall()
        ]
        rows = replace_with(conn, table, newest, model, replace_column, key)
    finally:
        for name in layers:
            conn.execute(f"drop table if exists {name}")
    preview = conn.execute(
        f"select * from {table} where {replace_column} in (select unnest(?)) limit {PREVIEW_ROWS}", [replaced]
    ).df()
    return Written(rows, replaced, preview)
