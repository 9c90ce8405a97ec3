"""The serving copy BI tools open: DuckDB 1.x reads it, its views join the dimensions, every column is
described, keys are declared, and the Parquet export holds the same rows and is replaced whole."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from warehouse.bi import VIEWS, primary_key
from warehouse.diskretionering import load_config
from warehouse.export import PARTITION_ROWS, export_folder
from warehouse.marts import BY_TABLE, Scope, model_for
from warehouse.publish import publish

# `make duckdb1` installs this old client beside the project (not in git); the test says so when it is missing.
OLD_DUCKDB = Path(os.environ.get("JOBINDBLIK_CACHE", Path.home() / ".cache" / "jobindblik")) / "duckdb-1.1.3"
# Words of English that Danish text does not use ("by" and "per" are Danish too).
ENGLISH = re.compile(r"\b(the|and|with|of|from|each|every|its|where|which)\b", re.IGNORECASE)


def _objects(conn) -> dict[str, int]:
    names = conn.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database() order by 1"
    ).fetchall()
    return {name: conn.execute(f"select count(*) from {name}").fetchone()[0] for (name,) in names}


@pytest.fixture(scope="module")
def serving(good_run) -> Path:
    return good_run[0].with_name("serving.duckdb")


def test_a_duckdb_1_1_client_reads_every_table_and_view(serving):
    python = OLD_DUCKDB / "bin" / "python"
    if not (OLD_DUCKDB / ".installed").exists():
        pytest.skip(f"no DuckDB 1.1 client at {OLD_DUCKDB}: run `make duckdb1` (it pip-installs duckdb==1.1.3 there)")
    script = (
        "import duckdb, json, sys\n"
        "c = duckdb.connect(sys.argv[1], read_only=True)\n"
        "names = c.execute(\"select table_schema || '.' || table_name from information_schema.tables "
        'where table_catalog = current_database() order by 1").fetchall()\n'
        "print(json.dumps({'version': duckdb.__version__, "
        "'counts': {n: c.execute(f'select count(*) from {n}').fetchone()[0] for (n,) in names}}))\n"
    )
    command = [str(python), "-c", script, str(serving)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    old = json.loads(done.stdout)
    assert old["version"].startswith("1.1")
    with duckdb.connect(str(serving), read_only=True) as conn:
        assert old["counts"] == _objects(conn)
    assert {f"bi.{name}" for name, _ in VIEWS.values()} <= set(old["counts"])


def test_views_join_the_dimensions_without_changing_the_rows(serving):
    with duckdb.connect(str(serving), read_only=True) as conn:
        counts = _objects(conn)
        for table, (view, _) in VIEWS.items():
            assert counts[f"bi.{view}"] == counts[table], view
        herning = conn.execute(
            "select distinct omraade_navn, niveau, region_navn, rar_navn, kommunegruppe_navn, start_dato, slut_dato "
            "from bi.ledige_pr_maaned where omraade_kode = '657' and periode = '2026M07'"
        ).fetchall()
        assert [row[:5] for row in herning] == [
            ("Herning", "kommune", "Region Midtjylland", "RAR Vestjylland", "Provinsbykommuner")
        ]
        assert str(herning[0][5]) == "2026-07-01" and str(herning[0][6]) == "2026-07-31"
        unnamed = conn.execute(
            "select count(*) from bi.benchmark_resultatmaal "
            "where ydelsesgruppe_beskrivelse is null or start_dato is null"
        ).fetchone()[0]
        assert unnamed == 0


def test_every_table_view_and_column_is_commented_and_tables_have_keys(serving):
    with duckdb.connect(str(serving), read_only=True) as conn:
        bare = conn.execute(
            "select table_name, column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name in ('mart', 'bi') and (comment is null or comment = '')"
        ).fetchall()
        assert bare == []
        tables = conn.execute(
            "select schema_name || '.' || table_name, comment from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
        views = conn.execute(
            "select view_name, comment from duckdb_views() where database_name = current_database() and not internal"
        ).fetchall()
        assert all(comment for _, comment in tables + views)
        keys = dict(
            conn.execute(
                "select schema_name || '.' || table_name, constraint_column_names from duckdb_constraints() "
                "where database_name = current_database() and constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        )
    for table, _ in tables:
        assert keys.get(table, []) == primary_key(model_for(table)), table
    assert "mart.udvikling" not in keys and len(keys) == len(tables) - 1


def test_every_published_column_has_a_danish_description():
    dictionary = BY_TABLE["mart.data_dictionary"].rows(None, Scope())
    missing = dictionary[dictionary["beskrivelse"].str.strip() == ""]
    assert missing.empty, missing[["tabel", "kolonne"]].to_string()
    for column in ("beskrivelse", "tabel_beskrivelse"):
        english = [text for text in dictionary[column].unique() if ENGLISH.search(text)]
        assert english == [], english


def test_the_parquet_export_holds_every_table_and_the_dictionary(serving):
    export = export_folder(serving)
    assert export.is_symlink() and export.resolve().parent == serving.parent
    with duckdb.connect(str(serving), read_only=True) as conn:
        counts = {t: n for t, n in _objects(conn).items() if t.startswith("mart.")}
        for table, rows in counts.items():
            path = export / f"{table.split('.')[1]}.parquet"
            pattern = f"{path}/*/*.parquet" if path.is_dir() else str(path)
            assert conn.execute(f"select count(*) from read_parquet('{pattern}')").fetchone()[0] == rows, table
            assert path.is_dir() == (rows > PARTITION_ROWS), table
        partitions = sorted(p.name for p in (export / "udvikling.parquet").iterdir())
        periods = conn.execute("select distinct 'periode=' || periode from mart.udvikling order by 1").fetchall()
        assert partitions == [p for (p,) in periods]
        csv = conn.execute(f"select count(*) from read_csv('{export / 'data_dictionary.csv'}')").fetchone()[0]
        assert csv == counts["mart.data_dictionary"]


def test_publishing_again_replaces_serving_and_export_whole_even_without_every_dimension(good_run, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_run[0], warehouse)
    serving = tmp_path / "serving.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("drop table mart.udvikling")  # its 0.8 million rows are exported in the test above
        conn.execute("drop table mart.dim_periode")  # as when only part of the graph has run into a new warehouse
        for _ in range(2):
            publish(conn, serving, diskretionering=load_config(), model_for=model_for)
    with duckdb.connect(str(serving), read_only=True) as conn:
        columns = {
            c for (c,) in conn.execute("select column_name from (describe bi.benchmark_resultatmaal)").fetchall()
        }
    assert "rar_navn" in columns and "start_dato" not in columns
    folders = [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")]
    assert folders == [export_folder(serving).resolve().name]  # the first export was removed
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".export-")) == [
        "export",
        "serving.duckdb",
        "w.duckdb",
    ]


def test_the_sql_command_prints_a_query_and_refuses_to_write(serving, monkeypatch, capsys):
    monkeypatch.setenv("JOBINDBLIK_WAREHOUSE", str(serving.with_name("jobindblik.duckdb")))
    assert main(["sql", "select omraade_navn, rar_navn from bi.omraader where omraade_kode = '657'"]) == 0
    out = capsys.readouterr().out
    assert "Herning" in out and "RAR Vestjylland" in out
    assert main(["sql", "drop table mart.ledighed"]) == 1
    assert "read-only" in capsys.readouterr().err
