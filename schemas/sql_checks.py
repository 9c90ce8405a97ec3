"""Dataframe-level rules of the pandera models, written once in SQL.

A rule about a whole row or the whole table is an SQL text, not pandas code, so the same text runs
in two places: pandera evaluates it on a frame by letting DuckDB query the frame, and
`schemas/sql_rules.py` runs it inside the warehouse, where a 100-million-row table never passes
through pandas. In a model's body:

    band_is_ordered = rows_satisfy("placering_min <= placering_max")

The attribute's name is the check's name, as with `@pa.dataframe_check`. `{rows}` in the SQL stands
for the table being checked, for a rule that looks at other rows (a subquery over `{rows}`); window
functions over the rows are allowed in a row rule too.
"""

from __future__ import annotations

from functools import partial

import duckdb
import pandas as pd
import pandera.pandas as pa
from pandera.api.dataframe.model_components import DATAFRAME_CHECK_KEY, CheckInfo

# The check statistics that carry a rule's SQL: how schemas/sql_rules.py tells the two kinds apart.
ROW_SQL = "row_sql"
TABLE_SQL = "table_sql"
ROWS = "{rows}"


def rows_satisfy(expression: str, description: str | None = None) -> SqlRule:
    """A rule every row must meet: `expression` is an SQL boolean over the row's columns.

    NULL counts as not met, as a comparison with NaN is False in pandas.
    """
    return SqlRule(ROW_SQL, expression, description)


def table_satisfies(query: str, description: str | None = None) -> SqlRule:
    """A rule about the whole table: `query` selects one boolean from `{rows}`; NULL counts as not met."""
    return SqlRule(TABLE_SQL, query, description)


class SqlRule(CheckInfo):
    """A DataFrameModel's dataframe check defined in SQL; pandera collects it like a `@pa.dataframe_check`."""

    def __init__(self, kind: str, sql: str, description: str | None) -> None:
        super().__init__(lambda model_cls, frame: _evaluate(frame, kind, sql))
        self.kind, self.sql, self.description, self.name = kind, sql, description, None
        # pandera finds a model's dataframe checks by this attribute on the class's members.
        setattr(self, DATAFRAME_CHECK_KEY, self)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> SqlRule:
        # A method-like descriptor: pandera then takes the attribute for a method, not an unannotated column.
        return self

    def to_check(self, model_cls: type) -> pa.Check:
        return pa.Check(
            partial(self.check_fn, model_cls),
            name=self.name,
            description=self.description,
            statistics={self.kind: self.sql},
        )


def _evaluate(frame: pd.DataFrame, kind: str, sql: str) -> pd.Series | bool:
    """The rule on a frame, by DuckDB: a boolean per row (in the frame's order and index), or one boolean."""
    conn = duckdb.connect()
    try:
        conn.register("checked_rows", frame)
        sql = sql.replace(ROWS, "checked_rows")
        if kind == TABLE_SQL:
            return conn.execute(f"select ({sql}) is true").fetchall()[0][0]
        # row_number() over () numbers the rows in the frame's order, whatever order a window in the rule leaves.
        failing = conn.execute(
            f"select position from (select row_number() over () - 1 as position, ({sql}) is not true as fails "
            "from checked_rows) where fails"
        ).fetchnumpy()["position"]
    finally:
        conn.close()
    passes = pd.Series(True, index=frame.index)
    passes.iloc[failing] = False
    return passes
