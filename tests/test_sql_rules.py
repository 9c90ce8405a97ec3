"""The pandera models' rules run as SQL in DuckDB: each rule kind, every model, and parity with pandera."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from conftest import SAMPLE_DIR
from pandera.typing.pandas import DataFrame, Series

import schemas
from pipelines.errors import Problem
from pipelines.resources.reference import ReferenceData
from pipelines.sources.jobindsats_parser import parse_body, table_specs, to_frame
from pipelines.sources.statbank_tables import statbank_tables
from schemas.dimensions import DimOmraade, DimPeriode, OmraadeMedlemskab
from schemas.jobindsats import staging_schema
from schemas.sammenligning import Udvikling
from schemas.sql_checks import rows_satisfy, table_satisfies
from schemas.sql_rules import RuleFailure, failures, problems, rules
from schemas.statbank import statbank_schema
from warehouse.dimensions import build_dim_omraade, build_dim_periode, build_medlemskab
from warehouse.tables import create_table_sql


@pytest.fixture
def conn():
    with duckdb.connect() as connection:
        yield connection


def _sql_failures(conn, model, frame: pd.DataFrame, limit: int = 20) -> list[RuleFailure]:
    """The SQL rules over the frame as a view, as the warehouse would hold it."""
    conn.register("checked", frame)
    return failures(conn, "checked", model, limit=limit)


def _only(found: list[RuleFailure]) -> RuleFailure:
    assert len(found) == 1, found
    return found[0]


def _frame(values: list, dtype) -> pd.DataFrame:
    """Column x with the values, and a key column id (r1, r2, ...) that says which row."""
    return pd.DataFrame({"id": [f"r{i}" for i in range(1, len(values) + 1)], "x": pd.Series(values, dtype=dtype)})


# (check, a value that passes, a value that fails, the column's dtype)
BUILTINS = [
    (pa.Check.ge(0), 0, -1, "int64"),
    (pa.Check.gt(0), 1, 0, "int64"),
    (pa.Check.le(100), 100.0, 100.5, "float64"),
    (pa.Check.lt(100), 99.5, 100.0, "float64"),
    (pa.Check.eq(3), 3, 4, "int64"),
    (pa.Check.ne(3), 4, 3, "int64"),
    (pa.Check.in_range(1, 12), 12, 13, "int64"),
    (pa.Check.in_range(1, 12, include_min=False), 2, 1, "int64"),
    (pa.Check.isin(["M", "Q"]), "Q", "Y", str),
    (pa.Check.isin([1, 3, 6, 12]), 6, 2, "int64"),
    (pa.Check.notin(["x"]), "y", "x", str),
    (pa.Check.str_matches(r"^\d{3}$"), "657", "65", str),
    (pa.Check.str_matches(r"\d{3}"), "657x", "x657", str),  # re.match: anchored at the start only
    (pa.Check.str_matches(r"a|b\d"), "a9", "cb1", str),  # the anchor binds the whole alternation
    (pa.Check.str_contains(r"\d"), "a1", "ab", str),
    (pa.Check.str_startswith("ukendt"), "ukendt: x", "kendt", str),
    (pa.Check.str_endswith("'s"), "Peter's", "Peters", str),  # a quote inside an SQL literal
    (pa.Check.str_length(64, 64), "a" * 64, "a" * 63, str),
    (pa.Check.str_length(min_value=2), "æø", "æ", str),  # characters, not bytes
]


@pytest.mark.parametrize(("check", "good", "bad", "dtype"), BUILTINS, ids=lambda v: getattr(v, "error", None))
def test_each_builtin_check_fails_the_bad_row_and_passes_the_good(conn, check, good, bad, dtype):
    schema = pa.DataFrameSchema({"id": pa.Column(str, unique=True), "x": pa.Column(dtype, check)})
    assert _sql_failures(conn, schema, _frame([good, good], dtype)) == []

    failure = _only(_sql_failures(conn, schema, _frame([good, bad, good], dtype)))
    assert (failure.rule, failure.column, failure.count) == (str(check.error), "x", 1)
    example = _only_example(failure)
    assert (example.row, example.value, example.key) == (2, bad, {"id": "r2"})
    # pandera finds the same row with the same check name.
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        schema.validate(_frame([good, bad, good], dtype), lazy=True)
    cases = caught.value.failure_cases
    assert cases[["column", "check", "index"]].values.tolist() == [["x", str(check.error), 1]]


def _only_example(failure: RuleFailure):
    assert len(failure.examples) == 1, failure.examples
    return failure.examples[0]


def test_nulls_pass_value_checks_and_fail_only_where_not_nullable(conn):
    schema = pa.DataFrameSchema(
        {
            "id": pa.Column(str),
            "x": pa.Column(float, pa.Check.ge(0), nullable=True),
            "y": pa.Column(float, pa.Check.ge(0)),
        }
    )
    frame = pd.DataFrame({"id": ["a", "b"], "x": [np.nan, 1.0], "y": [1.0, np.nan]})
    failure = _only(_sql_failures(conn, schema, frame))
    assert (failure.rule, failure.column, failure.count, failure.examples[0].row) == ("not_nullable", "y", 1, 2)


def test_nan_stored_in_the_database_counts_as_null_as_pandas_reads_it(conn):
    schema = pa.DataFrameSchema({"x": pa.Column(float, pa.Check.ge(0), nullable=True), "y": pa.Column(float)})
    conn.execute(create_table_sql("stored", schema))
    conn.execute("insert into stored values ('nan'::double, 1), (2, 'nan'::double)")
    failure = _only(failures(conn, "stored", schema))
    assert (failure.rule, failure.column, failure.examples[0].row) == ("not_nullable", "y", 2)


def test_a_check_with_ignore_na_false_fails_nulls(conn):
    schema = pa.DataFrameSchema({"x": pa.Column(str, pa.Check.isin(["a"], ignore_na=False), nullable=True)})
    failure = _only(_sql_failures(conn, schema, pd.DataFrame({"x": ["a", None]})))
    assert (failure.column, failure.examples[0].row, failure.examples[0].value) == ("x", 2, None)


def test_a_unique_column_lists_every_copy(conn):
    schema = pa.DataFrameSchema({"x": pa.Column(str, unique=True)})
    failure = _only(_sql_failures(conn, schema, pd.DataFrame({"x": ["a", "b", "a", "c"]})))
    assert (failure.rule, failure.column, failure.count) == ("field_uniqueness", "x", 2)
    assert [(e.row, e.value) for e in failure.examples] == [(1, "a"), (3, "a")]


def test_a_multi_column_key_counts_nulls_as_equal_as_pandera_does(conn):
    schema = pa.DataFrameSchema({"a": pa.Column(str), "b": pa.Column(str, nullable=True)}, unique=["a", "b"])
    assert _sql_failures(conn, schema, pd.DataFrame({"a": ["x", "x"], "b": [None, "y"]})) == []
    duplicated = pd.DataFrame({"a": ["x", "y", "x"], "b": [None, None, None]})
    failure = _only(_sql_failures(conn, schema, duplicated))
    assert (failure.rule, failure.column, failure.count) == ("multiple_fields_uniqueness", None, 2)
    assert [(e.row, e.value) for e in failure.examples] == [(1, {"a": "x", "b": None}), (3, {"a": "x", "b": None})]
    with pytest.raises(pa.errors.SchemaErrors):
        schema.validate(duplicated, lazy=True)


def test_strict_models_fail_on_an_unknown_column_and_every_model_on_a_missing_one(conn):
    strict = pa.DataFrameSchema({"x": pa.Column(str)}, strict=True)
    extra = _only(_sql_failures(conn, strict, pd.DataFrame({"x": ["a"], "y": [1]})))
    assert (extra.rule, extra.examples[0].value) == ("column_in_schema", "y")
    assert _sql_failures(conn, pa.DataFrameSchema({"x": pa.Column(str)}), pd.DataFrame({"x": ["a"], "y": [1]})) == []

    renamed = _sql_failures(conn, strict, pd.DataFrame({"z": ["a"]}))
    assert [(f.rule, f.examples[0].value) for f in renamed] == [("column_in_dataframe", "x"), ("column_in_schema", "z")]


def test_a_column_stored_as_another_type_fails_where_a_value_does_not_convert(conn):
    schema = pa.DataFrameSchema({"id": pa.Column(str), "n": pa.Column(pd.Int64Dtype(), pa.Check.ge(0))}, unique=["id"])
    as_text = pd.DataFrame({"id": ["a", "b", "c"], "n": ["7", "x", "-1"]})
    found = {f.rule: f for f in _sql_failures(conn, schema, as_text)}
    assert set(found) == {"coerce_dtype('BIGINT')", "not_nullable", "greater_than_or_equal_to(0)"}
    coerce = found["coerce_dtype('BIGINT')"]
    assert (coerce.column, coerce.examples[0].row, coerce.examples[0].value) == ("n", 2, "x")
    negative = found["greater_than_or_equal_to(0)"].examples[0]
    assert (negative.row, negative.value) == (3, "-1")

    fractions = pd.DataFrame({"id": ["a", "b"], "n": [2.0, 1.5]})
    coerce = _only(_sql_failures(conn, schema, fractions))
    assert (coerce.rule, coerce.examples[0].row, coerce.examples[0].value) == ("coerce_dtype('BIGINT')", 2, 1.5)


class _Banded(pa.DataFrameModel):
    omraade_kode: Series[str]
    lav: Series[int]
    hoej: Series[int]

    class Config:
        unique = ["omraade_kode"]

    ordered = rows_satisfy("lav <= hoej")
    alone_in_its_band = rows_satisfy("count(*) over (partition by lav, hoej) = 1")
    three_rows = table_satisfies("select count(*) = 3 from {rows}")


def test_row_and_table_rules_in_sql_name_the_row_its_key_and_values(conn):
    good = pd.DataFrame({"omraade_kode": ["101", "147", "657"], "lav": [1, 2, 3], "hoej": [1, 2, 4]})
    assert _sql_failures(conn, _Banded, good) == []

    bad = pd.DataFrame({"omraade_kode": ["101", "147", "657", "661"], "lav": [1, 1, 5, 2], "hoej": [2, 2, 4, 3]})
    found = {f.rule: f for f in _sql_failures(conn, _Banded, bad)}
    assert set(found) == {"ordered", "alone_in_its_band", "three_rows"}
    ordered = found["ordered"]
    assert (ordered.column, ordered.count) == (None, 1)
    assert (ordered.examples[0].row, ordered.examples[0].value, ordered.examples[0].key) == (
        3,
        {"lav": 5, "hoej": 4},
        {"omraade_kode": "657"},
    )
    assert [e.row for e in found["alone_in_its_band"].examples] == [1, 2]
    assert (found["three_rows"].count, found["three_rows"].examples[0].row) == (1, None)

    assert str(problems([ordered])[0]) == "row 3: fails ordered: lav=5, hoej=4 (omraade_kode=657)"
    # The same rules run on the frame by pandera, through DuckDB.
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        _Banded.validate(bad, lazy=True)
    cases = caught.value.failure_cases
    assert set(cases["check"]) == set(found)
    assert set(cases.loc[cases["check"] == "ordered", "index"]) == {2}
    assert set(cases.loc[cases["check"] == "alone_in_its_band", "index"]) == {0, 1}


def test_problems_read_like_pandera_and_say_which_row(conn):
    schema = pa.DataFrameSchema(
        {"periode": pa.Column(str), "omraade_kode": pa.Column(str), "antal": pa.Column(int, pa.Check.ge(0))},
        unique=["periode", "omraade_kode"],
    )
    frame = pd.DataFrame({"periode": ["2024M02", "2024M03"], "omraade_kode": ["657", "657"], "antal": [1, -5]})
    assert problems(_sql_failures(conn, schema, frame)) == [
        Problem(2, "antal", "fails greater_than_or_equal_to(0): -5 (periode=2024M03, omraade_kode=657)")
    ]


def test_limit_bounds_the_examples_not_the_count(conn):
    schema = pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0))})
    failure = _only(_sql_failures(conn, schema, pd.DataFrame({"x": [-1] * 50}), limit=3))
    assert (failure.count, [e.row for e in failure.examples]) == (50, [1, 2, 3])
    assert [str(p) for p in problems([failure])][2:] == [
        "row 3, column 'x': fails greater_than_or_equal_to(0): -1",
        "column 'x': fails greater_than_or_equal_to(0): 47 more rows",
    ]


def test_the_row_numbers_follow_the_relation_through_a_window_rule(conn):
    """row_number() over () numbers rows in scan order even when a rule's window sorts them."""
    n = 200_000
    frame = pd.DataFrame({"omraade_kode": [f"{i:06d}" for i in range(n)], "lav": np.arange(n) % 7, "hoej": 10})
    frame.loc[[5, 123_456], "lav"] = 99
    found = {f.rule: f for f in _sql_failures(conn, _Banded, frame, limit=5)}
    assert [(e.row, e.key["omraade_kode"]) for e in found["ordered"].examples] == [(6, "000005"), (123_457, "123456")]


def test_a_row_column_numbers_the_examples_and_is_not_checked_as_a_column(conn):
    """A staged body's rows keep the body's numbers (a filtered frame's index + 1), even in a strict model."""
    schema = pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0))}, strict=True)
    conn.register("checked", pd.DataFrame({"x": [1, -1, -2], "body_row": [5, 9, 12]}))
    failure = _only(failures(conn, "checked", schema, row_column="body_row"))
    assert (failure.rule, failure.count, [e.row for e in failure.examples]) == (
        "greater_than_or_equal_to(0)",
        2,
        [9, 12],
    )
    assert failures(conn, "checked", schema, row_column="body_row", limit=1)[0].examples[0].row == 9
    assert {f.rule for f in failures(conn, "checked", schema)} == {"column_in_schema", "greater_than_or_equal_to(0)"}


class _PandasCode(pa.DataFrameModel):
    x: Series[int]

    @pa.dataframe_check
    def positive(cls, df: DataFrame) -> Series[bool]:
        return df["x"] > 0


@pytest.mark.parametrize(
    "model",
    [
        _PandasCode,
        pa.DataFrameSchema({"x": pa.Column(int, pa.Check(lambda s: s > 0, name="positive"))}),
        pa.DataFrameSchema({"x": pa.Column(int, pa.Check.unique_values_eq([1, 2]))}),
        pa.DataFrameSchema({"x": pa.Column(str, pa.Check.isin([pd.Timestamp("2024-01-01")]))}),
        pa.DataFrameSchema({"x_.*": pa.Column(int, regex=True)}),
    ],
    ids=["dataframe_check", "custom_check", "unique_values_eq", "timestamp_literal", "regex_column"],
)
def test_a_rule_without_sql_raises_when_the_rules_are_made(model):
    with pytest.raises(ValueError, match="SQL"):
        rules(model)


def _project_models() -> dict[str, pa.DataFrameModel | pa.DataFrameSchema]:
    """Every model in schemas/, the staging schemas made from the table configs included."""
    models = {}
    for module in pkgutil.iter_modules(schemas.__path__):
        for name, value in vars(importlib.import_module(f"schemas.{module.name}")).items():
            defined_here = getattr(value, "__module__", "").startswith("schemas.")
            if inspect.isclass(value) and issubclass(value, pa.DataFrameModel) and defined_here:
                models[f"{value.__module__}.{name}"] = value
    models |= {f"jobindsats:{t}": staging_schema(t) for t in table_specs()}
    models |= {f"statbank:{t}": statbank_schema(t) for t in statbank_tables()}
    return models


PROJECT_MODELS = _project_models()


@pytest.mark.parametrize("name", sorted(PROJECT_MODELS))
def test_every_model_makes_rules_that_run_on_its_empty_table(conn, name):
    model = PROJECT_MODELS[name]
    assert rules(model)
    conn.execute(create_table_sql("empty_table", model))
    found = failures(conn, "empty_table", model)
    # On no rows only a rule about the whole table can fail (98 kommuner, say).
    assert {f.rule for f in found} <= {rule.name for rule in rules(model) if rule.kind == "table"}


def test_the_project_has_models_with_sql_rules_of_both_kinds():
    kinds = {rule.kind for model in PROJECT_MODELS.values() for rule in rules(model)}
    assert kinds == {"row", "unique", "table"}
    assert len(PROJECT_MODELS) > 40


# Parity: pandera on the frame finds a failure in column X (or of check C) exactly where the SQL does.


def _pandera_found(model, frame: pd.DataFrame) -> set[tuple[str, str | None, int | None]]:
    schema = model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return set()
    whole_rows = {c.name for c in schema.checks} | {"multiple_fields_uniqueness"}
    return {
        (
            case.check,
            None if case.check in whole_rows or pd.isna(case.column) else case.column,
            None if pd.isna(case.index) else int(case.index) + 1,
        )
        for case in cases.itertuples()
    }


def _sql_found(conn, model, frame: pd.DataFrame) -> set[tuple[str, str | None, int | None]]:
    return {(f.rule, f.column, e.row) for f in _sql_failures(conn, model, frame, limit=1000) for e in f.examples}


@pytest.fixture(scope="module")
def dim_omraade() -> pd.DataFrame:
    return build_dim_omraade(ReferenceData().table("kommuner"))


def _herning(dim: pd.DataFrame) -> pd.Series:
    return dim["omraade_navn"] == "Herning"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d,
        lambda d: d[~_herning(d)].reset_index(drop=True),
        lambda d: d.assign(rar=d["rar"].where(~_herning(d), "RAR9")),
        lambda d: d.assign(omraade_kode=d["omraade_kode"].where(d["omraade_navn"] != "Viborg", "657")),
        lambda d: d.assign(omraade_navn=d["omraade_navn"].where(d["omraade_navn"] != "Viborg", "Herning")),
        lambda d: d.assign(niveau=d["niveau"].where(~_herning(d), "by"), sortering=d["sortering"] - 5),
    ],
    ids=["intact", "no_herning", "unknown_rar", "duplicated_code", "duplicated_name", "bad_level_and_sort"],
)
def test_parity_with_pandera_on_dim_omraade(conn, dim_omraade, breakage):
    frame = breakage(dim_omraade.copy())
    pandera_found = _pandera_found(DimOmraade, frame)
    # pandera lists a row rule's failure once per column of the row; the SQL once per row.
    assert _sql_found(conn, DimOmraade, frame) == pandera_found


def test_parity_with_pandera_on_dim_periode_and_medlemskab(conn, dim_omraade):
    periode = build_dim_periode(2019, 2025)
    periode.loc[3, "slut_dato"] = periode.loc[3, "start_dato"] - pd.Timedelta(days=1)
    periode.loc[7, "maaneder"] = 13
    periode.loc[9, "periode"] = "2024X01"
    assert _sql_found(conn, DimPeriode, periode) == _pandera_found(DimPeriode, periode) != set()

    medlemskab = build_medlemskab(dim_omraade)
    assert _sql_found(conn, OmraadeMedlemskab, medlemskab) == set()
    short = medlemskab[medlemskab["kommune_kode"] != "657"].reset_index(drop=True)
    assert _sql_found(conn, OmraadeMedlemskab, short) == _pandera_found(OmraadeMedlemskab, short) != set()


def test_parity_with_pandera_on_udvikling(conn):
    row = {
        "tabel": "mart.ledighed",
        "periode": "2024M03",
        "omraade_kode": "657",
        "ydelsesgruppe_kode": "a_dagpenge",
        "opdeling": None,
        "maal": "bruttoledige",
        "enhed": "antal",
        "horisont": "3m",
        "vaerdi": 110.0,
        "tidligere_periode": "2023M12",
        "tidligere_vaerdi": 100.0,
        "forskel": 10.0,
        "forskel_pct": 10.0,
        "kilde": "jobindsats:y25i01",
        "datagrundlag": "sample-synthetic",
    }
    frame = pd.DataFrame(
        [
            row,
            {**row, "horisont": "6m", "forskel": 9.0},  # not vaerdi - tidligere_vaerdi
            {**row, "horisont": "12m", "tidligere_vaerdi": None, "forskel_pct": None},  # a change without the earlier
            {**row, "horisont": "aar", "enhed": "pct", "tidligere_periode": "2024M06"},  # pct with forskel_pct, later
            {**row, "opdeling": None},  # the first row again: a NULL opdeling equals a NULL
            {**row, "horisont": "9m", "omraade_kode": "6x", "vaerdi": np.nan},
        ]
    )
    sql_found = _sql_found(conn, Udvikling, frame)
    assert sql_found == _pandera_found(Udvikling, frame)
    assert {rule for rule, _, _ in sql_found} == {
        "forskel_is_vaerdi_minus_tidligere",
        "no_change_without_an_earlier_figure",
        "per_cent_only_for_counts",
        "earlier_period_is_earlier",
        "multiple_fields_uniqueness",
        "isin(('3m', '6m', '12m', 'forrige_qmat', 'aar'))",
        "str_matches('^[0-9A-Z]{3,5}$')",
        "not_nullable",
    }


def _sample_y30r21() -> pd.DataFrame:
    """The sample's y30r21 body as staging rows, before validation (as pipelines/staging.py `stage` has them)."""
    spec = table_specs()["y30r21"]
    columns, rows = parse_body((SAMPLE_DIR / "jobindsats" / "y30r21.json").read_bytes(), "y30r21.json")
    return to_frame(columns, rows, spec, "y30r21.json").assign(
        omraade_kode="657",
        kilde="jobindsats:y30r21",
        datagrundlag="sample-synthetic",
        content_hash="0" * 64,
        aendret_tid=pd.Timestamp("2026-01-01"),
    )


def test_parity_with_pandera_on_a_staged_body_numbered_as_the_body(conn):
    """A staging model's rules over one period of a body: the same failures at the same body rows as pandera."""
    body = _sample_y30r21()
    frame = body[body["periode"] == sorted(body["periode"].unique())[1]].copy()  # its index does not start at 0
    frame = frame.drop_duplicates(["periode", "omraade_navn", "ydelsesgruppe"]).iloc[:40]  # one area's code for all
    first, second, third = frame.index[[2, 11, 30]]
    frame.loc[first, "forventet_antal"] = -5
    frame.loc[second, ["faktisk_andel", "datagrundlag"]] = [150.0, "rygte"]
    frame.loc[third, ["periode", "content_hash", "faktisk_antal"]] = ["2020X01", "abc", pd.NA]
    frame.loc[frame.index[35], ["omraade_navn", "ydelsesgruppe"]] = frame.loc[
        frame.index[34], ["omraade_navn", "ydelsesgruppe"]
    ].to_numpy()
    model = staging_schema("y30r21")
    conn.register("checked", frame.assign(body_row=frame.index + 1))
    sql_found = {
        (f.rule, f.column, e.row) for f in failures(conn, "checked", model, 1000, "body_row") for e in f.examples
    }
    assert sql_found == _pandera_found(model, frame)
    assert {row for _, _, row in sql_found} == {
        first + 1,
        second + 1,
        third + 1,
        frame.index[34] + 1,
        frame.index[35] + 1,
    }
