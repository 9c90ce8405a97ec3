"""Publishing after a run that wrote only some tables or rows: the copy starts from the current serving file,
and must hold exactly what publishing everything anew would (rows, suppressed cells, keys, views, export)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing.pandas import Series

from warehouse import export
from warehouse.diskretionering import Config
from warehouse.publish import STORAGE_TAG, STORAGE_VERSION, Rewritten, publish

ANTAL = {"enhed": "antal"}
AUGUST = Rewritten("periode = '2026M08'", ("periode",))


class Celler(pa.DataFrameModel):
    periode: Series[str]
    omraade_kode: Series[str]
    gruppe: Series[str]
    antal: Series[pd.Int64Dtype] = pa.Field(nullable=True, metadata=ANTAL)

    class Config:
        unique = ["periode", "omraade_kode", "gruppe"]


class Navne(pa.DataFrameModel):
    omraade_kode: Series[str] = pa.Field(unique=True)
    navn: Series[str]


MODELS = {"mart.celler": Celler, "mart.navne": Navne}
# A part and its total are complementary: 50 - 49 = 1 suppresses both.
CONFIG = Config(tabeller={"mart.celler": {"total": [{"kolonne": "antal", "dimension": "gruppe", "vaerdi": "I alt"}]}})


def warehouse(path) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(path))
    conn.execute("create schema mart")
    conn.execute("create table mart.celler (periode varchar, omraade_kode varchar, gruppe varchar, antal bigint)")
    rows = [
        (p, a, g, n) for p in ("2026M07", "2026M08") for a in ("657", "101") for g, n in (("I alt", 50), ("job", 40))
    ]
    conn.executemany("insert into mart.celler values (?, ?, ?, ?)", rows)
    conn.execute("create table mart.navne as select * from (values ('657', 'Herning'), ('101', 'København')) t(a, b)")
    conn.execute("alter table mart.navne rename a to omraade_kode")
    conn.execute("alter table mart.navne rename b to navn")
    return conn


def served(folder) -> dict:
    """What a reader of the serving copy and its export sees, rows in a fixed order."""
    parquet = folder / "export" / "celler.parquet"
    queries = {
        "keys": "select table_name, constraint_type, constraint_column_names from duckdb_constraints() order by all",
        "views": "select view_name from duckdb_views() where not internal order by 1",
        "tag": "select tags['storage_version'] from duckdb_databases() where database_name = 'serving'",
        "export": f"select * from read_parquet('{parquet}/*/*.parquet', hive_partitioning = true) order by all",
    }
    with duckdb.connect(str(folder / "serving.duckdb"), read_only=True) as conn:
        result = {name: conn.execute(query).fetchall() for name, query in queries.items()}
        result["tables"] = {
            t: conn.execute(f"select * from mart.{t} order by all").fetchall()
            for (t,) in conn.execute("select table_name from duckdb_tables() order by 1").fetchall()
        }
    return result


@pytest.fixture
def split_export(monkeypatch):
    monkeypatch.setattr(export, "PARTITION_ROWS", 0)  # the tiny table is exported by period, as udvikling is


def publish_into(conn, folder, **scope) -> dict[str, int]:
    folder.mkdir(exist_ok=True)
    suppressed: dict[str, int] = {}
    publish(
        conn, folder / "serving.duckdb", diskretionering=CONFIG, model_for=MODELS.get, suppressed=suppressed, **scope
    )
    return suppressed


@pytest.mark.parametrize(
    "rewritten",
    [AUGUST, Rewritten("gruppe = 'job'", ("gruppe",))],  # the second pairs rows across its part: written whole
    ids=["by_period", "not_separable"],
)
def test_a_run_over_some_rows_publishes_what_publishing_everything_would(tmp_path, split_export, rewritten):
    conn = warehouse(tmp_path / "w.duckdb")
    publish_into(conn, tmp_path / "scoped")
    conn.execute(
        "update mart.celler set antal = 49 where periode = '2026M08' and omraade_kode = '657' and gruppe = 'job'"
    )
    scoped = publish_into(
        conn, tmp_path / "scoped", unchanged=frozenset({"mart.navne"}), rewritten={"mart.celler": rewritten}
    )
    whole = publish_into(conn, tmp_path / "whole")

    assert scoped == whole == {"mart.celler": 2}
    # publish writes without FSST compression, and gives the connection its setting back
    assert conn.execute("select current_setting('disabled_compression_methods')").fetchone() == ("",)
    assert served(tmp_path / "scoped") == served(tmp_path / "whole")
    august = served(tmp_path / "whole")["tables"]["celler"]
    assert ("2026M08", "657", "job", None, True, "antal") in august


def test_an_unchanged_table_and_period_stay_as_published_and_are_exported_by_link(tmp_path, split_export):
    conn = warehouse(tmp_path / "w.duckdb")
    publish_into(conn, tmp_path / "s")
    files = [
        "navne.parquet",
        "celler.parquet/periode=2026M07/data_0.parquet",
        "celler.parquet/periode=2026M08/data_0.parquet",
    ]
    before = [(tmp_path / "s" / "export" / f).stat().st_ino for f in files]
    publish_into(conn, tmp_path / "s", unchanged=frozenset({"mart.navne"}), rewritten={"mart.celler": AUGUST})
    after = [(tmp_path / "s" / "export" / f).stat().st_ino for f in files]
    assert after[:2] == before[:2] and after[2] != before[2]  # only August is written again
    keys = [(t, columns) for t, kind, columns in served(tmp_path / "s")["keys"] if kind == "PRIMARY KEY"]
    assert keys == [("celler", ["periode", "omraade_kode", "gruppe"]), ("navne", ["omraade_kode"])]


def test_publish_says_what_it_carried_over_from_the_file_before(tmp_path, split_export):
    """The run summary compares only what publish did not carry over: it must be told exactly what that is."""
    conn = warehouse(tmp_path / "w.duckdb")
    serving = tmp_path / "serving.duckdb"
    carried: list[dict] = []
    for rewritten in (AUGUST, AUGUST, Rewritten("gruppe = 'job'", ("gruppe",))):
        carried.append({})
        scope = {"unchanged": frozenset({"mart.navne"}), "rewritten": {"mart.celler": rewritten}}
        publish(conn, serving, diskretionering=CONFIG, model_for=MODELS.get, carried_over=carried[-1], **scope)

    assert carried[0] == {}  # no file before: everything written anew
    assert carried[1] == {"mart.navne": None, "mart.celler": AUGUST.where}
    assert carried[2] == {"mart.navne": None}  # a part its rule cannot suppress alone: written whole


def test_a_table_the_warehouse_no_longer_has_leaves_the_copy(tmp_path, split_export):
    conn = warehouse(tmp_path / "w.duckdb")
    conn.execute("create table mart.gammel as select 1 as x")
    publish_into(conn, tmp_path / "s")
    conn.execute("drop table mart.gammel")
    publish_into(conn, tmp_path / "s", unchanged=frozenset({"mart.navne"}), rewritten={"mart.celler": AUGUST})
    assert sorted(served(tmp_path / "s")["tables"]) == ["celler", "navne"]


def test_a_copy_in_another_storage_format_is_not_started_from(tmp_path, split_export):
    conn = warehouse(tmp_path / "w.duckdb")
    (tmp_path / "s").mkdir()
    with duckdb.connect(str(tmp_path / "s" / "serving.duckdb")) as newer:  # DuckDB 2.0's own format
        newer.execute("create schema mart")
        newer.execute("create table mart.navne as select 'x' as omraade_kode, 'y' as navn")
    publish_into(conn, tmp_path / "s", unchanged=frozenset({"mart.navne"}))
    got = served(tmp_path / "s")
    assert got["tag"] == [(STORAGE_TAG,)]
    assert got["tables"]["navne"] == [("101", "København"), ("657", "Herning")]


def test_the_storage_tag_is_the_one_duckdb_gives_the_format_written(tmp_path):
    with duckdb.connect() as conn:
        conn.execute(f"attach '{tmp_path / 'x.duckdb'}' as x (storage_version '{STORAGE_VERSION}')")
        tag = conn.execute("select tags['storage_version'] from duckdb_databases() where database_name = 'x'")
        assert tag.fetchone()[0] == STORAGE_TAG


def test_the_publish_step_charts_the_trend_and_the_benchmark_spread(tmp_path):
    """Drawn for the Dagster UI's metadata (a persistent instance only): two PNGs from the serving copy."""
    from assets.publish import trend_charts

    serving = tmp_path / "serving.duckdb"
    with duckdb.connect(str(serving)) as conn:
        conn.execute("create schema mart")
        conn.execute(
            "create table mart.ledighed as select '2026M0' || m as periode, '000' as omraade_kode, "
            "'jobindsats:y25i01' as kilde, 'led_i_alt' as ydelsesgruppe_kode, 1000 + m as bruttoledige "
            "from range(1, 8) t(m)"
        )
        conn.execute(
            "create table mart.benchmark as select '2026QMAT02' as periode, 'i_alt' as ydelsesgruppe_kode, "
            "'kommune ' || k as omraade_navn, k - 3.5 as forskel_pct_point from range(20) t(k)"
        )
    charts = trend_charts(serving)
    assert sorted(charts) == ["benchmark_forskel_yderpunkter", "bruttoledige_hele_landet"]
    assert all("data:image/png;base64," in chart.value for chart in charts.values())
