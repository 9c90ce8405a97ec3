"""Staged bodies checked and written inside DuckDB (warehouse/staging_layers.py), on tiny hand-made layers."""

from __future__ import annotations

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest

from pipelines.errors import InputError, Problem
from warehouse.staging_layers import load_checked, write_newest

TABLE = "staging.toy"
KEY = ["periode", "omraade_kode"]
MODEL = pa.DataFrameSchema(
    {
        "periode": pa.Column(str),
        "omraade_kode": pa.Column(str),
        "antal": pa.Column("Int64", pa.Check.ge(0)),
        "content_hash": pa.Column(str),
        "aendret_tid": pa.Column("datetime64[ns]"),
    },
    strict=True,
    coerce=True,
    unique=KEY,
)
T1, T2 = pd.Timestamp("2026-01-01 08:00"), pd.Timestamp("2026-02-01 08:00")


@pytest.fixture
def conn():
    with duckdb.connect() as connection:
        connection.execute("create schema staging")
        yield connection


def layer(rows: list[tuple], body: str, at: pd.Timestamp, index: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["periode", "omraade_kode", "antal"], index=index)
    return frame.astype({"antal": "Int64"}).assign(content_hash=body, aendret_tid=at)


def temp_tables(conn) -> list[str]:
    return [name for (name,) in conn.execute("select table_name from duckdb_tables() where temporary").fetchall()]


def table(conn) -> list[tuple]:
    return conn.execute(f"select periode, omraade_kode, antal, content_hash, aendret_tid from {TABLE}").fetchall()


def test_a_failing_body_names_its_own_rows_and_leaves_no_table_behind(conn):
    frame = layer([("2024M01", "101", 1), ("2024M01", "147", -3)], "b1", T1, index=[6, 9])
    with pytest.raises(InputError) as caught:
        load_checked(conn, frame, MODEL, "GET /v3/data/toy")
    assert caught.value.source == "GET /v3/data/toy"
    assert caught.value.problems == [
        Problem(10, "antal", "fails greater_than_or_equal_to(0): -3 (periode=2024M01, omraade_kode=147)")
    ]
    assert temp_tables(conn) == []


def test_a_good_body_is_loaded_once_with_its_row_numbers(conn):
    name = load_checked(conn, layer([("2024M01", "101", 1)], "b1", T1, index=[4]), MODEL, "b1")
    assert conn.execute(f"select periode, antal, body_row from {name}").fetchall() == [("2024M01", 1, 5)]


def test_the_newest_layer_wins_each_key_and_the_rows_keep_the_layers_order(conn):
    older = layer([("2024M01", "101", 1), ("2024M01", "147", 2), ("2024M02", "101", 3)], "old", T1)
    newer = layer([("2024M02", "147", 40), ("2024M01", "147", 20)], "new", T1)
    layers = [load_checked(conn, frame, MODEL, "body") for frame in (newer, older)]  # newest first
    written = write_newest(conn, TABLE, MODEL, layers, KEY, replace_column="periode")
    assert table(conn) == [
        ("2024M02", "147", 40, "new", T1),
        ("2024M01", "147", 20, "new", T1),
        ("2024M01", "101", 1, "old", T1),
        ("2024M02", "101", 3, "old", T1),
    ]
    assert (written.rows, written.replaced, len(written.preview)) == (4, ["2024M01", "2024M02"], 4)
    assert temp_tables(conn) == []


def test_a_rerun_replaces_its_periods_only_and_an_unchanged_figure_keeps_its_time(conn):
    first = layer([("2024M01", "101", 1), ("2024M02", "101", 2), ("2024M02", "147", 3)], "b1", T1)
    write_newest(conn, TABLE, MODEL, [load_checked(conn, first, MODEL, "b1")], KEY, replace_column="periode")
    revised = layer([("2024M02", "101", 2), ("2024M02", "147", 30)], "b2", T2)
    write_newest(conn, TABLE, MODEL, [load_checked(conn, revised, MODEL, "b2")], KEY, replace_column="periode")
    assert table(conn) == [
        ("2024M01", "101", 1, "b1", T1),  # another period: untouched
        ("2024M02", "101", 2, "b2", T1),  # same figure from a new body: its time is when it last changed
        ("2024M02", "147", 30, "b2", T2),
    ]
