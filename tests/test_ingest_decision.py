"""`jobindblik ingest`: which table a file is (content first, the name as tie-break, `--table`), history
from 2007, periods that cannot be kept, and the per-file report and exit status.

Every extract here is built in tmp from the bundled sample: its rows (real or synthetic as the sample
says) with areas, periods or table chosen for the test. The 2011-2012 y25i01 rows are the sample's
2024-2025 rows moved back thirteen years: SYNTHETIC, made for this test, not published figures.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from conftest import SAMPLE_DIR, copy_warehouse, read_table
from test_ingest import cli_ingest, files_under, write

from pipelines.errors import InputError
from pipelines.ingest import Validator, ingest_file
from pipelines.resources.landing import LandingStore
from pipelines.resources.reference import ReferenceData
from pipelines.sources import extracts
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats_parser import table_specs
from pipelines.sources.statbank_tables import statbank_tables

AUF01_HEADER = "OMRÅDE;YDELSESTYPE;AKASSE;ALDER;KØN;TID;INDHOLD"
KOMMUNER = ["657", "661", "665", "671"]  # Herning, Holstebro, Lemvig, Struer (codes as in kommuner.csv)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(ReferenceData())


@pytest.fixture
def landing(tmp_path) -> LandingStore:
    return LandingStore(tmp_path / "warehouse" / "landing", tmp_path / "warehouse" / "quarantine")


def sample_csv(table_id: str, keep=lambda row: True, period=lambda periode: periode) -> str:
    """The bundled sample's rows of a jobindsats table as a CSV export (`;`, labels as header)."""
    body = json.loads((SAMPLE_DIR / "jobindsats" / f"{table_id}.json").read_text(encoding="utf-8"))
    lines = [";".join(body["columns"])]
    for row in body["rows"]:
        if keep(row):
            cells = [period(row[0]), *row[1:]]
            lines.append(";".join("" if cell is None else str(cell) for cell in cells))
    return "\n".join(lines) + "\n"


def auf01_text(months: list[str], kommuner: list[str]) -> str:
    """An AUF01 BULK extract in codes, values derived from the kommune code and month (synthetic)."""
    rows = [
        f"{kode};TOT;TOT;TOT;TOT;{month};{int(kode) * 3 + 7 * i}" for i, month in enumerate(months) for kode in kommuner
    ]
    return "\n".join([AUF01_HEADER, *rows]) + "\n"


def y07a07_text(period=lambda periode: periode) -> str:
    """The sample's y07a07 rows of two kommuner, as a sygedagpenge export whose name will not say y07a07."""
    return sample_csv("y07a07", lambda row: row[1] in ("Herning", "Holstebro"), period)


# --- the decision, through ingest_file (no run needed) ---------------------------------------------


def test_a_y07a07_export_without_the_id_in_its_name_is_rejected_naming_both_tables(tmp_path, landing, validator):
    path = write(tmp_path / "sygedagpenge_afsluttede.csv", y07a07_text())

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "rejected"
    for part in ("line 1", "the content fits several tables", "y01a27 (", "y07a07 (", "--table ID", "file name"):
        assert part in outcome.message
    assert files_under(landing.root) == []


def test_the_id_in_the_file_name_breaks_the_tie_and_is_recorded(tmp_path, landing, validator):
    path = write(tmp_path / "y07a07_herning.csv", y07a07_text())

    outcome = ingest_file(path, landing, validator)

    assert (outcome.status, outcome.table_id) == ("landed", "y07a07")
    assert outcome.message.endswith("(table from its file name)")
    [landed] = landing.all("jobindsats", "y07a07")
    assert landed.meta["decided_by"] == "file name"
    assert landing.all("jobindsats", "y01a27") == []


def test_table_given_must_fit_the_content(tmp_path, landing, validator):
    path = write(tmp_path / "sygedagpenge.csv", y07a07_text())

    unknown = ingest_file(path, landing, validator, table="y99a99")
    other_table = ingest_file(path, landing, validator, table="y30r21")
    dst_table = ingest_file(path, landing, validator, table="AUF01")

    assert unknown.status == other_table.status == dst_table.status == "rejected"
    assert "--table y99a99 does not fit" in unknown.message and "not a table this pipeline knows" in unknown.message
    assert "column 'Område'" not in other_table.message and "column missing" in other_table.message
    assert "--table AUF01 does not fit: the file is a jobindsats table, and AUF01 is a statbank table" in (
        dst_table.message
    )
    assert files_under(landing.root) == []


def test_a_content_decided_dst_file_needs_no_id_in_its_name(tmp_path, landing, validator):
    # FOLK1A's variables fit no other table: the content decides, whatever the file is called.
    source = (SAMPLE_DIR / "statbank" / "folk1a_bulk.csv").read_text(encoding="utf-8").splitlines()
    path = write(tmp_path / "befolkning.csv", "\n".join(source[:50]) + "\n")

    outcome = ingest_file(path, landing, validator)

    assert (outcome.status, outcome.table_id) == ("landed", "FOLK1A"), outcome.message
    [landed] = landing.all("statbank", "FOLK1A")
    assert (landed.meta["decided_by"], landed.meta["presentation"], landed.meta["format"]) == (
        "content",
        "code",
        "dst-csv",
    )


def test_an_auf_extract_whose_name_says_neither_is_rejected_naming_auf01_auf02(tmp_path, landing, validator):
    path = write(tmp_path / "bruttoledige.csv", auf01_text(["2023M01", "2024M01"], KOMMUNER))

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "rejected"
    assert "AUF01 (" in outcome.message and "AUF02 (" in outcome.message and "--table ID" in outcome.message


def test_a_status_export_is_not_read_as_y01b15_when_another_table_fits(tmp_path, monkeypatch):
    """Two b15 tables with one header (as the family has): the content cannot choose, so neither is picked."""
    y01b15 = table_specs()["y01b15"]
    twin = dataclasses.replace(y01b15, table_id="y05b15", title="Kontanthjælp: status efter afsluttede forløb")
    monkeypatch.setattr(extracts, "table_specs", lambda: {**table_specs(), "y05b15": twin})
    path = write(tmp_path / "status_efter_forloeb.csv", sample_csv("y01b15", lambda row: row[1] == "Herning"))

    with pytest.raises(InputError, match=r"fits several tables: y01b15 \(.*\), y05b15 \(") as error:
        read_extract(path)
    named = read_extract(write(tmp_path / "y05b15_status.csv", path.read_text(encoding="utf-8")))
    given = read_extract(path, table="y05b15")

    assert "--table ID" in str(error.value)
    assert (named.table_id, named.decided_by) == ("y05b15", "file name")
    assert (given.table_id, given.decided_by) == ("y05b15", "--table")


def test_the_rows_group_labels_decide_between_tables_with_one_header(tmp_path, monkeypatch, validator):
    """A twin of y25i01 for another grouping: a y25i01 export's ydelsesgrupper fit only y25i01's."""
    y25i01 = table_specs()["y25i01"]
    columns = tuple(dataclasses.replace(c, gruppering="benchmark") if c.gruppering else c for c in y25i01.columns)
    twin = dataclasses.replace(y25i01, table_id="y99i01", columns=columns)
    monkeypatch.setattr(extracts, "table_specs", lambda: {**table_specs(), "y99i01": twin})
    path = write(tmp_path / "ledighed.csv", sample_csv("y25i01", lambda row: row[1] == "Herning"))

    extract = read_extract(path, groups=validator.groups)

    assert (extract.table_id, extract.decided_by) == ("y25i01", "content")
    with pytest.raises(InputError, match="fits several tables"):
        read_extract(path)  # without the group labels the header alone cannot tell


# --- periods that cannot be kept ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periode", "why"),
    [
        ("2012M13", "period '2012M13' does not exist"),
        ("2012M00", "period '2012M00' does not exist"),
        ("2006M12", "period '2006M12' is before 2007"),
        ("2099M01", "period '2099M01' is in the future"),
    ],
)
def test_a_month_that_cannot_be_kept_is_an_error_naming_file_line_and_value(periode, why, tmp_path, landing, validator):
    text = sample_csv("y25i01", lambda row: row[1] == "Herning" and row[0] == "2025M01")
    lines = text.splitlines()
    lines[2] = lines[2].replace("2025M01", periode, 1)
    path = write(tmp_path / "y25i01_herning.csv", "\n".join(lines) + "\n")

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "rejected"
    assert f"{path}: line 3, column 'Periode': {why}" in outcome.message
    assert files_under(landing.root) == []


@pytest.mark.parametrize(
    ("tid", "why"), [("2012K5", "does not exist"), ("2006M12", "is before 2007"), ("2099M01", "is in the future")]
)
def test_a_dst_period_that_cannot_be_kept_is_an_error_naming_the_line(tid, why, tmp_path, landing, validator):
    text = auf01_text(["2025M01", tid], ["657"])
    path = write(tmp_path / "AUF01_herning.csv", text)

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "rejected"
    assert f"line 3, column 'TID': period '{tid}' {why}" in outcome.message


def test_an_api_body_with_a_future_period_names_the_request_and_row():
    from pipelines.sources.jobindsats_parser import to_frame

    spec = table_specs()["y25i01"]
    columns = [c.label for c in spec.columns]
    rows = [
        ["2025M01", "Herning", "A-dagpenge", "I alt", 1, 1.0],
        ["2099M01", "Herning", "A-dagpenge", "I alt", 2, 2.0],
    ]

    with pytest.raises(InputError, match=r"GET /v3/data/y25i01: row 2, column 'Periode': period '2099M01' is in the"):
        to_frame(columns, rows, spec, "GET /v3/data/y25i01")


def test_the_dimension_of_periods_and_the_months_of_a_run_start_in_2007(good_run):
    from pipelines.months import run_months

    periode = read_table(good_run[0], "mart.dim_periode")

    assert run_months({})[0] == "2007M01"
    for periodetype, first in {"M": "2007M01", "Q": "2007Q01", "QMAT": "2007QMAT01", "Y": "2007"}.items():
        assert periode[periode["periodetype"] == periodetype]["periode"].min() == first


# --- through `jobindblik ingest` and the marts ----------------------------------------------------------


@pytest.fixture(scope="module")
def history(good_run, tmp_path_factory):
    """A y25i01 export of four kommuner for 2011M01..2012M12 (synthetic: the sample's 2024-2025 rows moved back)."""
    warehouse = copy_warehouse(good_run[0], tmp_path_factory.mktemp("history") / "warehouse")
    kommuner = ("Herning", "Holstebro", "Lemvig", "Struer")
    text = sample_csv(
        "y25i01",
        lambda row: row[1] in kommuner and row[0][:4] in ("2024", "2025"),
        lambda periode: f"{int(periode[:4]) - 13}{periode[4:]}",
    )
    path = write(warehouse.parent.parent / "y25i01_2011_2012.csv", text)
    return cli_ingest(warehouse, path), text


def test_a_2011_2012_extract_is_staged_whole_and_reported(history):
    run, text = history
    rows = len(text.splitlines()) - 1

    assert run.code == 0, run.err
    assert f"y25i01_2011_2012.csv: landed: jobindsats y25i01, {rows} rows, 2011M01..2012M12" in run.out
    assert f"y25i01_2011_2012.csv: y25i01: {rows} rows read, {rows} staged, 0 replaced" in run.out
    staging = read_table(run.warehouse, "staging.jobindsats_y25i01")
    old = staging[staging["periode"] < "2013"]
    assert len(old) == rows and set(old["datagrundlag"]) == {"extract"}


def test_a_2012_extract_appears_in_ledighed_with_12_month_developments_against_2011(history):
    run, _ = history
    ledighed = read_table(run.warehouse, "mart.ledighed")
    udvikling = read_table(run.warehouse, "mart.udvikling")
    herning = ledighed[
        (ledighed["omraade_kode"] == "657")
        & (ledighed["ydelsesgruppe_kode"] == "led_i_alt")
        & (ledighed["kilde"] == "jobindsats:y25i01")
    ].set_index("periode")["bruttoledige"]

    assert {"2011M01", "2012M06", "2012M12"} <= set(herning.index)
    change = udvikling[
        (udvikling["tabel"] == "mart.ledighed")
        & (udvikling["omraade_kode"] == "657")
        & (udvikling["ydelsesgruppe_kode"] == "led_i_alt")
        & (udvikling["maal"] == "bruttoledige")
        & (udvikling["horisont"] == "12m")
        & (udvikling["periode"] == "2012M06")
    ]
    assert len(change) == 1
    row = change.iloc[0]
    assert row["tidligere_periode"] == "2011M06"
    assert (row["vaerdi"], row["tidligere_vaerdi"]) == (herning["2012M06"], herning["2011M06"])
    assert row["forskel"] == herning["2012M06"] - herning["2011M06"]


def test_cli_table_option_lands_a_y07a07_export_as_sygedagpenge(good_run, tmp_path):
    """Quarters of 2012 too: a y07a07 export, its name without the id, loaded with `--table y07a07`."""
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    path = write(tmp_path / "afsluttede_forloeb.csv", y07a07_text(lambda p: p.replace("2025", "2012")))
    before = read_table(warehouse, "staging.jobindsats_y01a27")

    refused = cli_ingest(warehouse, path)
    run = cli_ingest(warehouse, path, "--table", "y07a07", "--quiet")

    assert "  staging__" not in run.err  # --quiet: no progress lines, the summary stays
    assert refused.code == 1 and "y01a27 (" in refused.err and "y07a07 (" in refused.err and refused.out == ""
    assert run.code == 0, run.err
    assert "landed: jobindsats y07a07" in run.out and "(table from --table)" in run.out
    varigheder = read_table(warehouse, "mart.varigheder")
    extract = varigheder[(varigheder["datagrundlag"] == "extract")]
    assert set(extract["ydelsesgruppe"]) == {"Sygedagpenge"}
    assert {"2012Q01", "2012Q04"} <= set(extract["periode"])
    pd.testing.assert_frame_equal(read_table(warehouse, "staging.jobindsats_y01a27"), before)


@pytest.mark.parametrize(
    ("name", "args", "table"),
    [("AUF01_vestjylland.csv", (), "AUF01"), ("vestjylland.csv", ("--table", "AUF02"), "AUF02")],
)
def test_cli_auf_extracts_land_and_stage_by_name_or_table(name, args, table, good_run, tmp_path):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    path = write(tmp_path / name, auf01_text(["2023M01", "2024M01"], KOMMUNER))

    run = cli_ingest(warehouse, path, *args)

    assert run.code == 0, run.err
    assert f"{name}: landed: statbank {table}, 8 rows, 2023M01..2024M01" in run.out
    assert f"{name}: {table}: 8 rows read, 8 staged, 8 replaced" in run.out
    staging = read_table(warehouse, f"staging.statbank_{table.lower()}")
    extract = staging[staging["datagrundlag"] == "extract"]
    assert sorted(extract["omraade_kode"].unique()) == KOMMUNER
    assert sorted(extract["tid"].unique()) == ["2023M01", "2024M01"]
    assert files_under(warehouse.parent / "quarantine") == []
    assert table in statbank_tables()


@pytest.mark.integration
def test_cli_ingest_into_an_empty_warehouse_builds_what_staging_reads(tmp_path):
    warehouse = tmp_path / "fresh" / "jobindblik.duckdb"
    text = sample_csv("y25i01", lambda row: row[1] == "Herning" and row[0].startswith("2025"))
    path = write(tmp_path / "y25i01_herning.csv", text)

    run = cli_ingest(warehouse, path)

    assert "y25i01_herning.csv: y25i01: 36 rows read, 36 staged, 0 replaced" in run.out
    assert len(read_table(warehouse, "mart.dim_omraade")) == 128
    assert run.code == 0, run.err
    ledighed = read_table(warehouse.with_name("serving.duckdb"), "mart.ledighed")
    assert set(ledighed[ledighed["omraade_kode"] == "657"]["datagrundlag"]) == {"extract"}
