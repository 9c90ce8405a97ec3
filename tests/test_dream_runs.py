"""DREAM as runs (pipelines/sources/dream_runs.py): lossless, landed by ingest, and old weekly files still load."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from pipelines.errors import InputError
from pipelines.sources.dream_runs import RUN_COLUMNS, landed_runs_sql, runs_sql
from pipelines.sources.personer import KEY_VARIABLE, week_number
from tests.test_personer import all_bytes, ingest_text

# person, kommune, week, code: A changes code and kommune and has a gap; B has week 53 of 2020.
WEEKS = [
    ("A", "657", 100, 111),
    ("A", "657", 101, 111),
    ("A", "657", 102, 890),
    ("A", "661", 103, 890),
    ("A", "661", 105, 890),
    ("B", "657", 2660, 730),
    ("B", "657", 2661, 730),
]


def encode(conn, weeks) -> list[tuple]:
    conn.execute("create or replace table uger (person_id varchar, kommune_kode varchar, uge integer, kode smallint)")
    conn.executemany("insert into uger values (?, ?, ?, ?)", weeks)
    return conn.execute(f"{runs_sql('select * from uger')} order by all").fetchall()


def test_a_run_is_one_code_in_one_kommune_in_consecutive_weeks():
    runs = encode(duckdb.connect(), WEEKS)
    assert runs == [
        ("A", "657", 111, 100, 101),
        ("A", "657", 890, 102, 102),
        ("A", "661", 890, 103, 103),
        ("A", "661", 890, 105, 105),
        ("B", "657", 730, 2660, 2661),
    ]


def test_runs_give_back_every_week():
    conn = duckdb.connect()
    encode(conn, WEEKS)
    weeks = conn.execute(
        f"select person_id, kommune_kode, unnest(range(foerste_uge, sidste_uge + 1)) as uge, kode "
        f"from ({runs_sql('select * from uger')}) order by all"
    ).fetchall()
    assert weeks == sorted(WEEKS)


def test_week_53_and_week_1_are_one_run():
    first, last = week_number("y_2053"), week_number("y_2101")
    assert encode(duckdb.connect(), [("B", "657", first, 730), ("B", "657", last, 730)]) == [
        ("B", "657", 730, first, last)
    ]


def test_a_file_landed_as_weeks_before_runs_is_encoded_on_read(tmp_path):
    conn = duckdb.connect()
    encode(conn, WEEKS)
    weekly, landed = tmp_path / "weekly.parquet", tmp_path / "runs.parquet"
    conn.execute(f"copy (select person_id, kommune_kode, uge, kode from uger) to '{weekly}' (format parquet)")
    conn.execute(f"copy ({runs_sql('select * from uger')}) to '{landed}' (format parquet)")
    expected = conn.execute(f"select * from read_parquet('{landed}') order by all").fetchall()
    for path in (weekly, landed):
        rows = conn.execute(f"select * from ({landed_runs_sql(conn, path)}) order by all", [str(path)]).fetchall()
        assert rows == expected, path


def test_a_landed_file_of_another_layout_is_refused_naming_it(tmp_path):
    conn = duckdb.connect()
    path = tmp_path / "odd.parquet"
    conn.execute(f"copy (select 'A' as person_id, 1 as uge) to '{path}' (format parquet)")
    with pytest.raises(InputError, match="jobindblik ingest") as error:
        landed_runs_sql(conn, path)
    assert str(path) in str(error.value)


CPR = "0101901234"
KEY = "a-test-key-of-enough-length"
DREAM_FILE = f"""person_id;kommune;y_2052;y_2053;y_2101;y_2102
{CPR};Herning;111;111;111;
S1;657;890;;890;890
"""


def test_ingest_lands_dream_as_pseudonymised_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    outcome, landing = ingest_text(tmp_path, "dream.csv", DREAM_FILE)
    assert outcome.status == "landed", outcome.message
    assert "personer dream, 3 runs of weeks, kommuner 657" in outcome.message
    [landed] = landing.all("personer", "dream")
    conn = duckdb.connect()
    described = conn.execute("describe select * from read_parquet(?)", [str(landed.path)]).fetchall()
    assert tuple(name for name, *_ in described) == RUN_COLUMNS
    pseudonym = hmac.new(KEY.encode(), CPR.encode(), hashlib.sha256).hexdigest()
    w = week_number("y_2052")
    rows = conn.execute("select * from read_parquet(?) order by all", [str(landed.path)]).fetchall()
    assert rows == [(pseudonym, "657", 111, w, w + 2), ("S1", "657", 890, w, w), ("S1", "657", 890, w + 2, w + 3)]
    assert landed.meta["rows"] == 3 and landed.meta["horizon_weeks"] == [w, w + 3]
    assert CPR.encode() not in all_bytes(tmp_path / "landing")
