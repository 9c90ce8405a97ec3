"""Loading the analysts' own extract files: `ingest_file` (land, unchanged, quarantine) and
`jobindblik ingest FILE...` end to end after a good run.

Extracts are built in tmp from tests/fixtures/extracts (see PROVENANCE.md there) or from the
bundled sample; every warehouse is a copy of the shared good run's.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from conftest import SAMPLE_DIR, copy_warehouse, read_table
from pandas.testing import assert_frame_equal

from pipelines.cli import main
from pipelines.ingest import Validator, ingest_file, quarantine_file, staging_keys
from pipelines.resources.landing import LandingStore
from pipelines.resources.reference import ReferenceData

FIXTURES = Path(__file__).parent / "fixtures" / "extracts"
Y30R21_CSV = FIXTURES / "y30r21_udtraek.csv"
STAGING_ORDER = "periode, omraade_kode, ydelsesgruppe"
BENCHMARK_ORDER = "periode, ydelsesgruppe_kode, omraade_kode"
FOLK1A_ORDER = "tid, omraade_kode, koen, alder, civilstand"
HERNING_I_ALT_2020QMAT02 = "2020QMAT02;Herning;Ydelsesgrupper i alt;4980;4860;"
HERNING_REVISED = "2020QMAT02;Herning;Ydelsesgrupper i alt;4990;4870;"  # forventet and faktisk +10, forskel -120 kept


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(ReferenceData())


def quarantined(landing: LandingStore, name: str) -> Path:
    """The one quarantined copy of a file called `name` (its name is prefixed with its content hash)."""
    (path,) = (landing.quarantine_root / "extracts").glob(f"*-{name}")
    return path


@pytest.fixture
def landing(tmp_path) -> LandingStore:
    return LandingStore(tmp_path / "warehouse" / "landing", tmp_path / "warehouse" / "quarantine")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def y30r21_text() -> str:
    return Y30R21_CSV.read_text(encoding="utf-8")


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- ingest_file -----------------------------------------------------------------------------------


def test_a_good_jobindsats_csv_lands_with_its_facts(tmp_path, landing, validator):
    path = write(tmp_path / "downloads" / "y30r21_udtraek.csv", y30r21_text())

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "landed"
    assert (outcome.source, outcome.table_id) == ("jobindsats", "y30r21")
    assert outcome.periods == ("2020QMAT02", "2020QMAT04")
    assert outcome.message == "jobindsats y30r21, 48 rows, 2020QMAT02..2020QMAT04 (table from its content)"
    [landed] = landing.all("jobindsats", "y30r21")
    assert landed.path == landing.root / "jobindsats" / "y30r21" / f"{outcome.content_hash}.csv"
    assert landed.read_bytes() == path.read_bytes()
    assert landed.meta["datagrundlag"] == "extract"
    assert landed.meta["format"] == "jobindsats-csv"
    assert (landed.meta["decided_by"], landed.meta["lang"], landed.meta["presentation"]) == ("content", "da", "label")
    assert landed.meta["file_name"] == "y30r21_udtraek.csv"
    assert landed.meta["request"] == "file:y30r21_udtraek.csv"
    assert landed.meta["periods"] == ["2020QMAT02", "2020QMAT04"]
    assert landed.meta["first_seen_at"] == landed.meta["last_seen_at"]
    assert path.exists()  # a file named on the command line stays where it was
    assert staging_keys([outcome]) == [dg.AssetKey(["staging", "jobindsats_y30r21"])]


def test_a_good_jobindsats_json_lands_as_json(tmp_path, landing, validator):
    path = write(tmp_path / "body.json", (FIXTURES / "y30r21_udtraek.json").read_text(encoding="utf-8"))

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "landed"
    [landed] = landing.all("jobindsats", "y30r21")
    assert landed.path.suffix == ".json"
    assert landed.meta["format"] == "jobindsats-json"
    assert landed.meta["periods"] == ["2020QMAT02", "2020QMAT04"]


def test_the_same_file_again_is_unchanged_and_lands_once(tmp_path, landing, validator):
    path = write(tmp_path / "y30r21_udtraek.csv", y30r21_text())
    first = ingest_file(path, landing, validator)
    folder = landing.root / "jobindsats" / "y30r21"
    files = files_under(folder)
    first_seen = landing.all("jobindsats", "y30r21")[0].meta["first_seen_at"]

    again = ingest_file(path, landing, validator)
    renamed = ingest_file(write(tmp_path / "other_name.csv", y30r21_text()), landing, validator)

    assert (first.status, again.status, renamed.status) == ("landed", "unchanged", "unchanged")
    assert again.content_hash == first.content_hash
    assert files_under(folder) == files
    assert len(files) == 2  # the body and its sidecar
    assert landing.all("jobindsats", "y30r21")[0].meta["first_seen_at"] == first_seen
    assert staging_keys([again, renamed]) == []


def test_a_dst_label_csv_lands_as_statbank_folk1a(tmp_path, landing, validator):
    path = write(tmp_path / "folk1a.csv", (FIXTURES / "folk1a_da_label_2020K1.csv").read_text(encoding="utf-8"))

    outcome = ingest_file(path, landing, validator)

    assert (outcome.status, outcome.source, outcome.table_id, outcome.periods) == (
        "landed",
        "statbank",
        "FOLK1A",
        ("2020K1",),
    )
    [landed] = landing.all("statbank", "FOLK1A")
    assert landed.meta["format"] == "dst-csv"
    assert landed.meta["datagrundlag"] == "extract"


@dataclass(frozen=True)
class Bad:
    name: str
    text: str
    expected: tuple[str, ...]  # substrings of the reason: line, column and what is wrong


def _bad_files() -> list[Bad]:
    text = y30r21_text()
    lines = text.splitlines(keepends=True)
    cut = "".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 3]  # the last line cut off
    return [
        Bad(
            "unknown_area.csv",
            text.replace(";Herning;", ";Hernning;"),
            ("line 6, column 'Område'", "unknown area 'Hernning'"),
        ),
        Bad("truncated.csv", cut, ("line 49", "the file may be cut off")),
        Bad(
            "not_a_number.csv",
            text.replace(HERNING_I_ALT_2020QMAT02, "2020QMAT02;Herning;Ydelsesgrupper i alt;mange;4860;"),
            ("line 6", "Forventet antal", "expected a number, got 'mange'"),
        ),
    ]


BAD_FILES = _bad_files()


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.name)
def test_a_bad_file_is_rejected_copied_to_quarantine_with_the_reason_and_left_in_place(
    bad, tmp_path, landing, validator
):
    path = write(tmp_path / "downloads" / bad.name, bad.text)

    outcome = ingest_file(path, landing, validator)

    assert outcome.status == "rejected"
    assert outcome.source is None and outcome.periods == ()
    kept = quarantined(landing, bad.name)
    assert outcome.message.endswith(f"(kept in {kept})")
    assert kept.read_text(encoding="utf-8") == bad.text
    reason = kept.with_name(f"{kept.name}.reason.txt").read_text(encoding="utf-8")
    assert f"file: {path}\n" in reason
    assert f"reason: {path}: " in reason
    for expected in bad.expected:
        assert expected in reason
        assert expected in outcome.message
    assert path.read_text(encoding="utf-8") == bad.text  # not ours to move
    assert files_under(landing.root) == []  # nothing landed


def test_a_bad_file_in_the_warehouse_inbox_is_moved_to_quarantine(tmp_path, landing, validator):
    inbox = landing.root.parent / "inbox"
    path = write(inbox / "unknown_area.csv", BAD_FILES[0].text)

    outcome = ingest_file(path, landing, validator, inbox)

    assert outcome.status == "rejected"
    assert not path.exists()
    assert quarantined(landing, "unknown_area.csv").read_text(encoding="utf-8") == BAD_FILES[0].text
    assert files_under(inbox) == []


def test_a_bad_file_in_a_users_own_inbox_folder_is_left_in_place(tmp_path, landing, validator):
    path = write(tmp_path / "home" / "inbox" / "unknown_area.csv", BAD_FILES[0].text)

    ingest_file(path, landing, validator, landing.root.parent / "inbox")

    assert path.exists()


def test_an_unchanged_extract_does_not_take_its_periods_back_from_a_newer_body(tmp_path, landing, validator):
    from pipelines.staging import layers_for

    path = write(tmp_path / "y30r21_udtraek.csv", y30r21_text())
    assert ingest_file(path, landing, validator).status == "landed"
    api = landing.land("jobindsats", "y30r21", b'{"columns": [], "rows": []}', ".json", request="GET /v3/data/y30r21")
    landing.annotate(api, periods=["2020QMAT02", "2020QMAT04"])
    assert [item.content_hash for item, _ in layers_for(landing.all("jobindsats", "y30r21"), None)] == [
        api.content_hash
    ]

    assert ingest_file(path, landing, validator).status == "unchanged"

    assert [item.content_hash for item, _ in layers_for(landing.all("jobindsats", "y30r21"), None)] == [
        api.content_hash
    ]


def test_quarantine_file_keeps_a_copy_and_writes_the_reason(tmp_path):
    path = write(tmp_path / "x.csv", "a;b\n1;2\n")

    target = quarantine_file(path, tmp_path / "quarantine", "line 2, column 'b': bad", move=False)

    assert target.parent == tmp_path / "quarantine" / "extracts" and target.name.endswith("-x.csv")
    assert target.read_text() == "a;b\n1;2\n" and path.exists()
    reason = target.with_name(target.name + ".reason.txt").read_text().splitlines()
    assert reason[0].startswith("quarantined_at: ")
    assert reason[1:] == [f"file: {path}", "reason: line 2, column 'b': bad"]


# --- `jobindblik ingest` end to end ----------------------------------------------------------------


@dataclass
class CliRun:
    warehouse: Path
    code: int
    out: str
    err: str


def cli_ingest(warehouse: Path, *paths: Path) -> CliRun:
    """`jobindblik ingest PATHS` in-process against `warehouse` (no DAGSTER_HOME: a throwaway instance)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
        mp.setenv("JOBINDBLIK_SOURCE", "sample")  # the CLI sets it; restored afterwards
        mp.delenv("DAGSTER_HOME", raising=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["ingest", *map(str, paths)])
    return CliRun(warehouse, code, out.getvalue(), err.getvalue())


def sample_rows_as_csv(periode: str, edit=None) -> str:
    """The bundled sample's y30r21 rows of one period as a jobindsats CSV export (the fixture's header)."""
    body = json.loads((SAMPLE_DIR / "jobindsats" / "y30r21.json").read_text(encoding="utf-8"))
    header = Y30R21_CSV.read_text(encoding="utf-8").splitlines()[0]
    lines = [header]
    for row in body["rows"]:
        if row[0] == periode:
            lines.append(";".join("" if cell is None else str(cell) for cell in row))
    text = "\n".join(lines) + "\n"
    return edit(text) if edit else text


def herning_i_alt(frame: pd.DataFrame, periode: str = "2020QMAT02") -> pd.Series:
    rows = frame[
        (frame["periode"] == periode)
        & (frame["omraade_navn"] == "Herning")
        & (frame["ydelsesgruppe"] == "Ydelsesgrupper i alt")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture(scope="module")
def before(good_run) -> dict[str, pd.DataFrame]:
    warehouse = good_run[0]
    return {
        "staging": read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER),
        "benchmark": read_table(warehouse, "mart.benchmark", BENCHMARK_ORDER),
        "serving": read_table(warehouse.with_name("serving.duckdb"), "mart.benchmark", BENCHMARK_ORDER),
        "folk1a": read_table(warehouse, "staging.statbank_folk1a", FOLK1A_ORDER),
    }


def _fresh(good_run, tmp_path_factory, name: str) -> Path:
    return copy_warehouse(good_run[0], tmp_path_factory.mktemp(name) / "warehouse")


@pytest.fixture(scope="module")
def whole_period(good_run, tmp_path_factory) -> CliRun:
    """A y30r21 extract of all of 2020QMAT02 (98 kommuner) with Herning's total revised."""
    warehouse = _fresh(good_run, tmp_path_factory, "whole")
    path = write(
        warehouse.parent.parent / "y30r21_2020QMAT02.csv",
        sample_rows_as_csv(
            "2020QMAT02",
            lambda text: text.replace("2020QMAT02;Herning;Ydelsesgrupper i alt;4980;4860;", HERNING_REVISED),
        ),
    )
    return cli_ingest(warehouse, path)


@pytest.fixture(scope="module")
def partial(good_run, tmp_path_factory) -> CliRun:
    """The fixture extract (6 kommuner, 2020QMAT02 and 2020QMAT04) with Herning's 2020QMAT02 total revised."""
    warehouse = _fresh(good_run, tmp_path_factory, "partial")
    path = write(
        warehouse.parent.parent / "y30r21_herning.csv", y30r21_text().replace(HERNING_I_ALT_2020QMAT02, HERNING_REVISED)
    )
    return cli_ingest(warehouse, path)


def test_cli_ingest_of_a_whole_period_lands_stages_and_republishes(whole_period, before):
    run = whole_period
    warehouse = run.warehouse

    assert run.code == 0, run.err
    assert "y30r21_2020QMAT02.csv: landed: jobindsats y30r21, 392 rows, 2020QMAT02..2020QMAT02" in run.out
    assert "y30r21_2020QMAT02.csv: y30r21: 392 rows read, 392 staged, 392 replaced" in run.out
    assert "jobindblik (sample) finished in" in run.out
    staging = read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)
    period = staging[staging["periode"] == "2020QMAT02"]
    assert len(period) == 392
    assert set(period["datagrundlag"]) == {"extract"}
    assert tuple(herning_i_alt(staging)[["forventet_antal", "faktisk_antal", "datagrundlag"]]) == (
        4990,
        4870,
        "extract",
    )
    # The other periods are exactly as the good run left them, aendret_tid included.
    others = staging[staging["periode"] != "2020QMAT02"].reset_index(drop=True)
    assert_frame_equal(others, before["staging"][before["staging"]["periode"] != "2020QMAT02"].reset_index(drop=True))
    for database in (warehouse, warehouse.with_name("serving.duckdb")):
        benchmark = read_table(database, "mart.benchmark", BENCHMARK_ORDER)
        assert len(benchmark) == 2352
        row = benchmark[
            (benchmark["periode"] == "2020QMAT02")
            & (benchmark["omraade_navn"] == "Herning")
            & (benchmark["ydelsesgruppe_kode"] == "i_alt")
        ].iloc[0]
        assert (row["forventet_antal"], row["faktisk_antal"], row["forskel_antal"], row["datagrundlag"]) == (
            4990,
            4870,
            -120,
            "extract",
        )
    assert (
        len(files_under(warehouse.parent / "landing" / "jobindsats" / "y30r21")) == 4
    )  # API body + extract, with sidecars


def test_cli_ingest_moves_aendret_tid_only_on_the_revised_figure(whole_period, before):
    staging = read_table(whole_period.warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)
    key = ["periode", "omraade_navn", "ydelsesgruppe"]
    merged = before["staging"].merge(staging, on=key, suffixes=("_before", "_after"))
    moved = merged[merged["aendret_tid_before"] != merged["aendret_tid_after"]]

    assert moved[key].values.tolist() == [["2020QMAT02", "Herning", "Ydelsesgrupper i alt"]]


def test_cli_ingest_of_a_partial_extract_lands_and_stages_its_rows(partial, before):
    warehouse = partial.warehouse

    assert "y30r21_herning.csv: landed: jobindsats y30r21, 48 rows, 2020QMAT02..2020QMAT04" in partial.out
    assert "y30r21_herning.csv: y30r21: 48 rows read, 48 staged, 48 replaced" in partial.out
    landed = [json.loads(p.read_text()) for p in (warehouse.parent / "landing/jobindsats/y30r21").glob("*.meta.json")]
    assert sorted(m["datagrundlag"] for m in landed) == ["extract", "sample-real"]
    staging = read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)
    extract_rows = staging[staging["datagrundlag"] == "extract"]
    assert sorted(extract_rows["periode"].unique()) == ["2020QMAT02", "2020QMAT04"]
    assert sorted(extract_rows["omraade_navn"].unique()) == [
        "Aarhus",
        "Hedensted",
        "Herning",
        "København",
        "Læsø",
        "Randers",
    ]
    assert tuple(herning_i_alt(staging)[["forventet_antal", "faktisk_antal", "datagrundlag"]]) == (
        4990,
        4870,
        "extract",
    )
    later = staging[staging["periode"] >= "2021"].reset_index(drop=True)
    assert_frame_equal(later, before["staging"][before["staging"]["periode"] >= "2021"].reset_index(drop=True))


def test_cli_ingest_of_a_partial_extract_keeps_the_rest_of_its_periods(partial, before):
    warehouse = partial.warehouse
    staging = read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)

    assert staging.groupby("periode").size().to_dict() == before["staging"].groupby("periode").size().to_dict()
    assert partial.code == 0, partial.err
    serving = read_table(warehouse.with_name("serving.duckdb"), "mart.benchmark", BENCHMARK_ORDER)
    assert herning_i_alt(serving)["forventet_antal"] == 4990


def test_cli_ingest_failing_the_benchmark_check_leaves_the_warehouse_as_it_was(good_run, tmp_path, before):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    # forventet +10 with forskel unchanged: staging accepts it, benchmark_matches_published does not.
    path = write(
        tmp_path / "y30r21_inconsistent.csv",
        sample_rows_as_csv(
            "2020QMAT02",
            lambda text: text.replace(HERNING_I_ALT_2020QMAT02, "2020QMAT02;Herning;Ydelsesgrupper i alt;4990;4860;"),
        ),
    )

    run = cli_ingest(warehouse, path)

    assert run.code == 1
    assert "serving.duckdb was not republished" in run.err
    assert "disagree with the published y30r21" in run.err
    assert_frame_equal(
        read_table(warehouse.with_name("serving.duckdb"), "mart.benchmark", BENCHMARK_ORDER), before["serving"]
    )
    assert_frame_equal(read_table(warehouse, "mart.benchmark", BENCHMARK_ORDER), before["benchmark"])


def test_cli_ingest_of_a_bad_file_exits_1_and_changes_nothing(good_run, tmp_path, before):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    landing_before = files_under(warehouse.parent / "landing")
    serving_bytes = warehouse.with_name("serving.duckdb").read_bytes()
    path = write(tmp_path / "unknown_area.csv", BAD_FILES[0].text)

    run = cli_ingest(warehouse, path)

    assert run.code == 1
    assert f"{path}: rejected: {path}: line 6, column 'Område': unknown area 'Hernning'" in run.err
    assert run.out == ""
    assert path.exists()
    assert list((warehouse.parent / "quarantine" / "extracts").glob("*-unknown_area.csv"))
    assert files_under(warehouse.parent / "landing") == landing_before
    assert_frame_equal(read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER), before["staging"])
    assert_frame_equal(read_table(warehouse, "mart.benchmark", BENCHMARK_ORDER), before["benchmark"])
    assert warehouse.with_name("serving.duckdb").read_bytes() == serving_bytes


def test_cli_ingest_good_and_bad_together_stages_the_good_one_and_exits_1(good_run, tmp_path):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")
    good = write(
        tmp_path / "y30r21_2020QMAT02.csv",
        sample_rows_as_csv("2020QMAT02", lambda t: t.replace(HERNING_I_ALT_2020QMAT02, HERNING_REVISED)),
    )
    bad = write(tmp_path / "unknown_area.csv", BAD_FILES[0].text)

    run = cli_ingest(warehouse, good, bad)

    assert run.code == 1
    assert f"{good}: landed:" in run.out and f"{bad}: rejected:" in run.err
    staging = read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER)
    assert herning_i_alt(staging)["forventet_antal"] == 4990
    assert (
        herning_i_alt(read_table(warehouse.with_name("serving.duckdb"), "mart.benchmark", BENCHMARK_ORDER))[
            "forventet_antal"
        ]
        == 4990
    )


@pytest.fixture(scope="module")
def folk1a_codes(good_run, tmp_path_factory) -> CliRun:
    warehouse = _fresh(good_run, tmp_path_factory, "folk1a_codes")
    return cli_ingest(warehouse, FIXTURES / "folk1a_bulk_codes.csv")


def test_cli_ingest_of_a_dst_bulk_code_file_stages_folk1a(folk1a_codes, before):
    run = folk1a_codes

    assert run.code == 0, run.err
    assert "folk1a_bulk_codes.csv: landed: statbank FOLK1A, 36 rows, 2019K1..2020K1" in run.out
    staging = read_table(run.warehouse, "staging.statbank_folk1a", FOLK1A_ORDER)
    extract = staging[staging["datagrundlag"] == "extract"]
    assert len(extract) == 36
    assert sorted(extract["omraade_kode"].unique()) == ["000", "147", "851"]
    row = extract[
        (extract["omraade_kode"] == "000")
        & (extract["koen"] == "1")
        & (extract["alder"] == "0")
        & (extract["tid"] == "2019K1")
    ]
    assert row["indhold"].tolist() == [31754.0]
    assert set(extract["civilstand"]) == {"TOT"}  # eliminated in the file, TOT in the table spec
    assert set(extract["periode"]) == {"2019Q01", "2020Q01"}
    untouched = staging[~staging["tid"].isin(["2019K1", "2020K1"])].reset_index(drop=True)
    old = before["folk1a"]
    assert_frame_equal(untouched, old[~old["tid"].isin(["2019K1", "2020K1"])].reset_index(drop=True))


def test_cli_ingest_of_a_dst_file_keeps_the_rest_of_its_periods(folk1a_codes, before):
    staging = read_table(folk1a_codes.warehouse, "staging.statbank_folk1a", FOLK1A_ORDER)
    old = before["folk1a"]

    for tid in ("2019K1", "2020K1"):
        kept = old[old["tid"] == tid].merge(staging, on=["omraade_kode", "koen", "alder", "civilstand", "tid"])
        assert len(kept) == (old["tid"] == tid).sum()


def test_cli_ingest_of_a_dst_label_csv_stages_folk1a(good_run, tmp_path):
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")

    run = cli_ingest(warehouse, FIXTURES / "folk1a_da_label_2020K1.csv")

    assert "folk1a_da_label_2020K1.csv: landed: statbank FOLK1A, 12 rows, 2020K1..2020K1" in run.out
    assert run.code == 0, run.err
    staging = read_table(warehouse, "staging.statbank_folk1a", FOLK1A_ORDER)
    copenhagen = staging[
        (staging["omraade_kode"] == "101") & (staging["tid"] == "2020K1") & (staging["datagrundlag"] == "extract")
    ]
    assert copenhagen["indhold"].tolist() == [632340.0]


def test_cli_ingest_of_a_dst_file_without_an_area_stages_it_as_hele_landet(good_run, tmp_path):
    # DST eliminates a variable a download leaves out: no OMRÅDE column means the figures are for hele
    # landet, and no CIVILSTAND column means all civilstande (the totals in statbank_tables.toml).
    warehouse = copy_warehouse(good_run[0], tmp_path / "warehouse")

    run = cli_ingest(warehouse, FIXTURES / "folk1a_en_label_bom_2021Q2.csv")

    assert run.code == 0, run.err
    staged = read_table(warehouse, "staging.statbank_folk1a")
    extract_rows = staged[staged["datagrundlag"] == "extract"]
    assert set(extract_rows["omraade_kode"]) == {"000"}
    assert set(extract_rows["civilstand"]) == {"TOT"}
    assert set(extract_rows["tid"]) == {"2021K2"}
    assert files_under(warehouse.parent / "quarantine") == []
