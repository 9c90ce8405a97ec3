"""A pandera model's rules as SQL, run inside DuckDB: validation of a stored table without pandas.

The model stays the one description of a table: `warehouse/tables.py` makes its DDL from it, and this
module its checks, so the blocking check of a 100-million-row table never reads the rows into pandas.
Every rule pandera would run becomes SQL with pandera's meaning; a check this module cannot
translate raises when the rules are made, so a rule is never skipped in silence.

pandera's semantics kept: a value check ignores NULLs (and NaN, which pandas reads as null);
uniqueness counts NULLs as equal; `str_matches` is `re.match`, anchored at the start only. One
difference: DuckDB's regular expressions (RE2) read `\\d` and `\\w` as ASCII only and `$` as the very
end, where Python's also take other digits and letters and a final newline; for those values SQL is
the stricter of the two.

Speed: one scan counts every rule's failures; only a failing rule costs a second query, for its
first `limit` rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pandera.pandas as pa

from pipelines.errors import Problem
from schemas.sql_checks import ROW_SQL, ROWS, TABLE_SQL
from warehouse.tables import Schema, columns_of

# The relation as the rules see it (see _projection), the name `{rows}` in a rule stands for.
CHECKED = "checked_rows"
FLOATS = {"DOUBLE", "FLOAT", "REAL"}
NUMBERS = FLOATS | {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL"}


@dataclass(frozen=True)
class Rule:
    """One thing a model requires, as SQL; named as pandera names the check in its failure cases."""

    name: str
    column: str | None
    # "row": `sql` is true for a failing row. "unique": `key` must be unique (`sql` unused).
    # "table": `sql` is a query giving one boolean, true when the table passes.
    kind: str
    sql: str = ""
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A failing row: its 1-based number (in scan order or as its source numbers it), the failing value, and the
    values of its key columns."""

    row: int | None
    value: Any
    key: dict[str, Any]


@dataclass(frozen=True)
class RuleFailure:
    """A rule that fails: how many rows fail it (1 for a table rule) and the first of them."""

    rule: str
    column: str | None
    count: int
    examples: list[Example]


def rules(model: Schema) -> list[Rule]:
    """Every rule of the model: per column, then the model's own, then uniqueness of its key(s)."""
    schema = _schema(model)
    out = []
    for name, column in schema.columns.items():
        if column.regex:
            raise ValueError(f"{_title(schema)}: column {name!r} is a regex column; no SQL rules for it")
        if not column.nullable:
            out.append(Rule("not_nullable", name, "row", f"{name} is null"))
        if column.unique:
            out.append(Rule("field_uniqueness", name, "unique", key=(name,)))
        out += [_column_rule(schema, name, check) for check in column.checks]
    out += [_model_rule(schema, check) for check in schema.checks]
    out += [Rule("multiple_fields_uniqueness", None, "unique", key=tuple(key)) for key in _unique_keys(schema)]
    return out


def failures(
    conn: duckdb.DuckDBPyConnection, relation: str, model: Schema, limit: int = 20, row_column: str | None = None
) -> list[RuleFailure]:
    """Every rule `relation` (a table or view) fails, each with its first `limit` failing rows.

    The columns come first: a column the model requires but the relation lacks, one the model does
    not know (strict models), and values that do not convert to the column's type in the model's DDL
    where the relation stores another type. A relation missing columns is not scanned further.
    Rows are numbered in scan order, or by `row_column`: a column of the relation, not of the model,
    that numbers each row as its source does (a staged body's rows, 1-based).
    """
    if limit < 1:
        raise ValueError(f"limit is {limit}: a failing rule is shown by at least one row")
    schema = _schema(model)
    checked = rules(schema)
    described = conn.execute(f"describe select * from {relation}").fetchall()
    stored = {name: sql_type for name, sql_type, *_ in described if name != row_column}
    wanted = {name: sql_type for name, sql_type, _ in columns_of(schema)}
    missing = [_structural("column_in_dataframe", name) for name in wanted if name not in stored]
    unknown = [_structural("column_in_schema", name) for name in stored if name not in wanted]
    found = missing + (unknown if schema.strict is True else [])
    if missing:
        return found
    cast = {name for name, sql_type in wanted.items() if stored[name] != sql_type}
    checked = [*_dtype_rules(stored, wanted, cast), *checked]
    scan = f"with {CHECKED} as ({_projection(relation, wanted, cast, row_column)})"
    key = _key_columns(schema)
    for rule, count in zip(checked, _count(conn, scan, checked), strict=True):
        if count:
            found += _examples(conn, scan, rule, _shown_columns(rule, list(wanted), cast), key, limit, row_column)
    return found


def problems(found: list[RuleFailure]) -> list[Problem]:
    """Each example as a Problem, as pandera's read: "row 7, column 'antal': fails less_than(5): 9 (periode=...)".

    Rows past the examples are one Problem more, so the count is not lost.
    """
    out = []
    for failure in found:
        for example in failure.examples:
            value = example.value
            text = _pairs(value) if isinstance(value, dict) else repr(value)
            # The key says which row, unless the value already did (a duplicated key, a unique column).
            said = example.key in (value, {failure.column: value})
            key = f" ({_pairs(example.key)})" if example.key and not said else ""
            out.append(Problem(example.row, failure.column, f"fails {failure.rule}: {text}{key}"))
        if failure.count > len(failure.examples):
            more = failure.count - len(failure.examples)
            out.append(Problem(None, failure.column, f"fails {failure.rule}: {more} more rows"))
    return out


def _structural(check: str, column: str) -> RuleFailure:
    # As pandera reports a missing or unknown column: no row, the column's name as the failing value.
    return RuleFailure(check, None, 1, [Example(None, column, {})])


def _schema(model: Schema) -> pa.DataFrameSchema:
    schema = model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
    if schema.index is not None or schema.ordered:
        raise ValueError(f"{_title(schema)}: no SQL rules for an index or ordered columns")
    return schema


def _title(schema: pa.DataFrameSchema) -> str:
    return schema.name or "model"


def _label(check: pa.Check) -> str:
    # pandera's name for a check in its failure cases: "greater_than_or_equal_to(0)", "band_is_ordered".
    return str(check.error) if check.error is not None else check.name


def _column_rule(schema: pa.DataFrameSchema, column: str, check: pa.Check) -> Rule:
    if check.raise_warning or check.groupby is not None or check.element_wise:
        raise ValueError(f"{_title(schema)}: column {column!r}: check {_label(check)} is not a plain check")
    passes = _builtin(column, check.name, check.statistics or {})
    if passes is None:
        raise ValueError(f"{_title(schema)}: column {column!r}: no SQL for check {_label(check)}")
    fails = f"({passes}) is not true"
    # pandera leaves NULLs to the nullable rule unless a check says otherwise.
    return Rule(_label(check), column, "row", f"{column} is not null and {fails}" if check.ignore_na else fails)


def _builtin(column: str, name: str, stats: dict) -> str | None:
    """The SQL of one of pandera's built-in checks on `column`, or None for one it does not know."""
    comparisons = {
        "greater_than_or_equal_to": (">=", "min_value"),
        "greater_than": (">", "min_value"),
        "less_than_or_equal_to": ("<=", "max_value"),
        "less_than": ("<", "max_value"),
        "equal_to": ("=", "value"),
        "not_equal_to": ("<>", "value"),
    }
    if name in comparisons:
        operator, statistic = comparisons[name]
        return f"{column} {operator} {_literal(stats[statistic])}"
    if name == "in_range":
        low = ">=" if stats["include_min"] else ">"
        high = "<=" if stats["include_max"] else "<"
        return f"{column} {low} {_literal(stats['min_value'])} and {column} {high} {_literal(stats['max_value'])}"
    if name in ("isin", "notin"):
        values = stats["allowed_values" if name == "isin" else "forbidden_values"]
        listed = f"{column} in ({', '.join(_literal(v) for v in values)})" if values else "false"
        return listed if name == "isin" else f"not ({listed})"
    if name == "str_matches":  # re.match: anchored at the start only
        return f"regexp_matches({column}, {_literal('^(?:' + stats['pattern'] + ')')})"
    if name == "str_contains":  # re.search
        return f"regexp_matches({column}, {_literal(stats['pattern'])})"
    if name == "str_startswith":
        return f"starts_with({column}, {_literal(stats['string'])})"
    if name == "str_endswith":
        return f"ends_with({column}, {_literal(stats['string'])})"
    if name == "str_length":
        if stats.get("exact_value") is not None:
            return f"length({column}) = {_literal(stats['exact_value'])}"
        bounds = [(">=", stats.get("min_value")), ("<=", stats.get("max_value"))]
        return " and ".join(f"length({column}) {op} {_literal(v)}" for op, v in bounds if v is not None)
    return None


def _literal(value: Any) -> str:
    value = value.item() if hasattr(value, "item") else value  # a numpy scalar as its Python value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"'{value}'::DOUBLE"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ValueError(f"no SQL literal for {value!r} ({type(value).__name__})")


def _model_rule(schema: pa.DataFrameSchema, check: pa.Check) -> Rule:
    stats = check.statistics or {}
    if ROW_SQL in stats:
        return Rule(check.name, None, "row", f"({stats[ROW_SQL].replace(ROWS, CHECKED)}) is not true")
    if TABLE_SQL in stats:
        return Rule(check.name, None, "table", stats[TABLE_SQL].replace(ROWS, CHECKED))
    raise ValueError(
        f"{_title(schema)}: check {_label(check)} is pandas code; define it with schemas.sql_checks "
        "(rows_satisfy, table_satisfies) so it runs in SQL too"
    )


def _unique_keys(schema: pa.DataFrameSchema) -> list[list[str]]:
    if not schema.unique:
        return []
    return [schema.unique] if all(isinstance(c, str) for c in schema.unique) else [list(k) for k in schema.unique]


def _key_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The columns that say which row an example is: the model's unique key, else its unique columns."""
    keys = _unique_keys(schema)
    return keys[0] if keys else [name for name, column in schema.columns.items() if column.unique]


def _raw(name: str) -> str:
    return f"stored_{name}"


def _dtype_rules(stored: dict[str, str], wanted: dict[str, str], cast: set[str]) -> list[Rule]:
    """Values that do not convert, where the relation stores a column as another type than the DDL's."""
    out = []
    for name in sorted(cast):
        sql_type = wanted[name]
        fails = f"({_raw(name)} is not null and {name} is null)"
        if stored[name].split("(")[0] in NUMBERS and sql_type in NUMBERS:
            fails += f" or {_raw(name)} <> {name}"  # 1.5 into BIGINT rounds; pandas refuses it
        out.append(Rule(f"coerce_dtype('{sql_type}')", name, "row", fails))
    return out


def _projection(relation: str, wanted: dict[str, str], cast: set[str], row_column: str | None) -> str:
    """The model's columns as the rules read them: in the DDL's type, and NaN as NULL as pandas reads it.

    With `row_column`, that column too, as `rule_row`.
    """
    columns = []
    for name, sql_type in wanted.items():
        if name in cast:
            columns += [f"try_cast({name} as {sql_type}) as {name}", f"{name} as {_raw(name)}"]
        elif sql_type in FLOATS:
            columns.append(f"nullif({name}, 'nan'::{sql_type}) as {name}")
        else:
            columns.append(name)
    if row_column is not None:
        columns.append(f"{row_column} as rule_row")
    return f"select {', '.join(columns)} from {relation}"


def _count(conn: duckdb.DuckDBPyConnection, scan: str, checked: list[Rule]) -> list[int]:
    """Each rule's failures in one scan; for a uniqueness rule the surplus rows (0 when unique), by hash.

    A hash collision can only make a unique key look duplicated; _examples then finds no duplicate.
    """
    flags, counts = [], []
    for i, rule in enumerate(checked):
        if rule.kind == "row":
            flags.append(f"{rule.sql} as rule_{i}")
            counts.append(f"count_if(rule_{i})")
        elif rule.kind == "unique":
            flags.append(f"hash({', '.join(rule.key)}) as rule_{i}")
            counts.append(f"count(*) - count(distinct rule_{i})")
        else:
            counts.append(f"(({rule.sql}) is not true)::int")
    if not counts:
        return []
    inner = f"select {', '.join(flags) or 'true'} from {CHECKED}"
    # fetchall, not fetchone: DuckDB refuses further work on a connection with a result left open.
    return list(conn.execute(f"{scan} select {', '.join(counts)} from ({inner})").fetchall()[0])


def _examples(
    conn: duckdb.DuckDBPyConnection,
    scan: str,
    rule: Rule,
    shown: list[str],
    key: list[str],
    limit: int,
    row_column: str | None,
) -> list[RuleFailure]:
    """The rule's failing rows and the first `limit` of them (numbered in scan order, or by `row_column`).

    [] when a hash collision misled _count about a unique key.
    """
    if rule.kind == "table":
        return [RuleFailure(rule.name, None, 1, [Example(None, False, {})])]  # pandera's failure case: False
    numbered = (
        f"select * from {CHECKED}" if row_column else f"select row_number() over () as rule_row, * from {CHECKED}"
    )
    if rule.kind == "unique":
        key_sql = ", ".join(rule.key)
        # Only rows whose key's hash occurs twice can be copies: the exact window then runs over those alone.
        numbered = (
            f"select * from ({numbered}) where hash({key_sql}) in "
            f"(select hash({key_sql}) from {CHECKED} group by all having count(*) > 1)"
        )
        failing = f"count(*) over (partition by {key_sql}) > 1"
    else:
        failing = rule.sql
    selected = list(dict.fromkeys([*shown, *key]))
    query = (
        f"{scan} select rule_row, count(*) over () as failing_rows, {', '.join(selected)} "
        f"from (select *, {failing} as rule_fails from ({numbered})) "
        f"where rule_fails order by rule_row limit {int(limit)}"
    )
    result = conn.execute(query)
    names = [d[0] for d in result.description]
    rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    if not rows:
        return []
    examples = [
        Example(row["rule_row"], row[shown[0]] if rule.column else {c: row[c] for c in shown}, {c: row[c] for c in key})
        for row in rows
    ]
    return [RuleFailure(rule.name, rule.column, rows[0]["failing_rows"], examples)]


def _shown_columns(rule: Rule, columns: list[str], cast: set[str]) -> list[str]:
    """What an example shows: the rule's column (as stored), its key, or the columns a row rule's SQL names."""
    if rule.column is not None:
        return [_raw(rule.column) if rule.column in cast else rule.column]
    if rule.kind == "unique":
        return list(rule.key)
    return [c for c in columns if re.search(rf"\b{re.escape(c)}\b", rule.sql)]


def _pairs(values: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items())
