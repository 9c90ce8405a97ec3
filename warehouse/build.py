"""Writing a mart table: its rows made inside the database, validated there, in one transaction.

A query's rows go straight from `INSERT … SELECT` into the table; a frame builder's rows (the
dimensions, the tilsyn engine, the dictionary) are validated by pandera as a frame first, because
they are built in Python anyway. Then the model's rules run as SQL over the written table
(schemas/sql_rules.py) with the declaration's own rules, and anything failing rolls the whole
write back: the table keeps what it had, and the failures say which rows and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.errors import Problem
from schemas import sql_rules
from schemas.validation import validate
from warehouse.marts import Mart, Query, Scope
from warehouse.tables import columns_of, ensure_table

PREVIEW_ROWS = 10


@dataclass
class Outcome:
    """What writing one mart gave: rows, or the problems that kept it from being written."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    # rule name -> failing rows (a frame), for the declaration's own rules
    broken: dict[str, pd.DataFrame] = field(default_factory=dict)
    # rule name -> label -> value
    rule_metadata: dict[str, dict] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    preview: pd.DataFrame | None = None

    @property
    def written(self) -> bool:
        return not self.problems and not self.broken


def build(conn: duckdb.DuckDBPyConnection, mart: Mart, scope: Scope | None = None) -> Outcome:
    """Write `mart` (the rows `scope` changes, where its builder can tell) and validate it, or leave it as it was.

    An InputError from the builder (bad configuration, a frame failing its model) is raised as it is.
    """
    rows = mart.rows(conn, scope or Scope())
    if isinstance(rows, pd.DataFrame):
        rows = validate(mart.model, rows, mart.table)
    columns = ", ".join(name for name, _, _ in columns_of(mart.model))
    outcome = Outcome()
    conn.execute("begin transaction")
    try:
        ensure_table(conn, mart.table, mart.model)
        where = rows.where if isinstance(rows, Query) else None
        params = rows.params if where and "$" in where else None
        conn.execute(f"delete from {mart.table} where {where or 'true'}", params)
        _insert(conn, mart.table, columns, rows)
        if isinstance(rows, Query):  # a frame was validated before it was written
            outcome.problems = sql_rules.problems(sql_rules.failures(conn, mart.table, mart.model))
        for rule in mart.rules:
            failing = conn.execute(rule.failing).df()
            if len(failing):
                outcome.broken[rule.name] = failing
            outcome.rule_metadata[rule.name] = {
                label: conn.execute(query).fetchone()[0] for label, query in rule.metadata.items()
            }
        if not outcome.written:
            conn.execute("rollback")
            return outcome
        outcome.rows = conn.execute(f"select count(*) from {mart.table}").fetchone()[0]
        outcome.metadata = {
            label: conn.execute(query).fetchone()[0] for label, query in {**_common(mart), **mart.metadata}.items()
        }
        outcome.preview = conn.execute(f"select * from {mart.table} limit {PREVIEW_ROWS}").df()
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return outcome


def _common(mart: Mart) -> dict[str, str]:
    """What every table with these columns says about itself: its period range, how its rows were aggregated."""
    columns = {name for name, _, _ in columns_of(mart.model)}
    queries = {}
    if "periode" in columns:
        queries["periods"] = f"select min(periode) || '..' || max(periode) from {mart.table}"
    if "aggregering" in columns:
        queries["rows_from_source"] = f"select count(*) from {mart.table} where aggregering = 'kilde'"
        queries["rows_summed_from_kommuner"] = f"select count(*) from {mart.table} where aggregering = 'kommunesum'"
    return queries


def _insert(conn, table: str, columns: str, rows: Query | pd.DataFrame) -> None:
    if isinstance(rows, pd.DataFrame):
        conn.register("rows_to_write", rows)
        try:
            conn.execute(f"insert into {table} by name select {columns} from rows_to_write")
        finally:
            conn.unregister("rows_to_write")
        return
    for name, frame in rows.frames.items():
        conn.register(name, frame)
    try:
        conn.execute(f"insert into {table} by name select {columns} from ({rows.text})", rows.params or None)
    finally:
        for name in rows.frames:
            conn.unregister(name)
