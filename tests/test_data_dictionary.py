"""The data dictionary covers every column of every mart table, and the committed page is current."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.cli import dictionary_markdown
from tests.conftest import read_table
from warehouse.dictionary import PAGE


def _columns(database) -> pd.DataFrame:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return conn.execute(
            "select table_schema || '.' || table_name as tabel, column_name as kolonne, data_type as type "
            "from information_schema.columns where table_schema = 'mart'"
        ).df()
    finally:
        conn.close()


def test_every_column_of_every_mart_table_is_described(good_run):
    warehouse = good_run[0]
    documented = read_table(warehouse, "mart.data_dictionary")
    known = documented.set_index(["tabel", "kolonne"])
    for database in (warehouse, warehouse.with_name("serving.duckdb")):  # serving: with the suppression flags
        actual = _columns(database)
        missing = actual[~actual.set_index(["tabel", "kolonne"]).index.isin(known.index)]
        assert missing.empty, missing.to_string()
        types = known.loc[list(zip(actual["tabel"], actual["kolonne"], strict=True)), "type"].to_numpy()
        assert (types == actual["type"].to_numpy()).all()
    assert {"mart.noegletal", "mart.data_dictionary", "mart.benchmark"} <= set(documented["tabel"])
    assert documented["tabel_beskrivelse"].str.len().gt(0).all()


def test_units_descriptions_and_sources(good_run):
    documented = read_table(good_run[0], "mart.data_dictionary").set_index(["tabel", "kolonne"])
    brutto = documented.loc[("mart.ledighed", "bruttoledige")]
    assert brutto["enhed"] == "antal" and "bruttoledige" in brutto["beskrivelse"].lower()
    assert "staging.jobindsats_y25i01" in brutto["kilde"]
    assert documented.loc[("mart.ledighed", "ledighedsprocent"), "enhed"] == "pct"
    assert "diskretionering" in documented.loc[("mart.ledighed", "diskretioneret"), "kilde"]
    assert ("mart.benchmark", "diskretioneret") not in documented.index  # never suppressed


def test_the_committed_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == dictionary_markdown(), (
        "docs/data_dictionary.md is out of date: run `jobindblik dictionary` and commit it"
    )
