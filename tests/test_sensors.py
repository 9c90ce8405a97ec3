"""The inbox and StatBank release sensors and the nightly and monthly schedules, evaluated directly
with `build_sensor_context` / `build_schedule_context` against copies of the shared good run.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.automation import monthly_refresh, nightly
from pipelines.definitions import make_definitions
from pipelines.months import TIMEZONE, current_month, months_tags, shift_month
from pipelines.resources.reference import ReferenceData
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sensors import extract_inbox, statbank_release
from pipelines.sources.jobindsats import JobindsatsSnapshotClient
from pipelines.sources.statbank import StatbankSnapshotClient

FIXTURES = Path(__file__).parent / "fixtures" / "extracts"
Y30R21_CSV = (FIXTURES / "y30r21_udtraek.csv").read_text(encoding="utf-8")
GOOD = Y30R21_CSV.replace(
    "2020QMAT02;Herning;Ydelsesgrupper i alt;4980;4860;", "2020QMAT02;Herning;Ydelsesgrupper i alt;4990;4870;"
)
BAD = Y30R21_CSV.replace(";Herning;", ";Hernning;")
LANDING_Y30R21 = dg.AssetKey(["landing", "jobindsats_y30r21"])
STAGING_Y30R21 = dg.AssetKey(["staging", "jobindsats_y30r21"])
BENCHMARK = dg.AssetKey(["mart", "benchmark"])
SERVING = dg.AssetKey(["publish", "serving_duckdb"])
LANDING_FOLK1A = dg.AssetKey(["landing", "statbank_folk1a"])
STAGING_FOLK1A = dg.AssetKey(["staging", "statbank_folk1a"])
NIGHT = datetime(2026, 11, 22, 2, 30, tzinfo=ZoneInfo(TIMEZONE))


def last_months(n: int) -> dict[str, str]:
    return months_tags(shift_month(current_month(), 1 - n), current_month())


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> dg.RepositoryDefinition:
    return make_definitions(tmp_path_factory.mktemp("repo") / "jobindblik.duckdb").get_repository_def()


def inbox_context(warehouse: Path, repository) -> dg.SensorEvaluationContext:
    resources = {"warehouse": WarehouseResource(path=str(warehouse)), "reference": ReferenceData()}
    return dg.build_sensor_context(resources=resources, repository_def=repository)


def drop(warehouse: Path, name: str, text: str) -> Path:
    inbox = warehouse.parent / "inbox"
    inbox.mkdir(exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- extract_inbox ----------------------------------------------------------------------------------


def test_inbox_missing_skips(tmp_path, repository):
    warehouse = tmp_path / "warehouse" / "jobindblik.duckdb"

    result = extract_inbox(inbox_context(warehouse, repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == f"{warehouse.parent / 'inbox'} is empty"


def test_inbox_with_only_the_loaded_folder_skips(good_copy, repository):
    (good_copy.parent / "inbox" / "loaded").mkdir(parents=True)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message.endswith("inbox is empty")


def test_a_good_file_in_the_inbox_lands_and_requests_staging_and_downstream(good_copy, repository):
    path = drop(good_copy, "y30r21_herning.csv", GOOD)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.RunRequest)
    selection = set(result.asset_selection)
    assert {STAGING_Y30R21, BENCHMARK, SERVING} <= selection
    assert not [key for key in selection if key.path[0] == "landing"]  # the file has landed already
    assert not [key for key in selection if key.path[0] == "staging" and key != STAGING_Y30R21]
    assert result.run_key == f"inbox-{digest(GOOD)[:12]}"
    assert result.tags == last_months(4)  # QMAT periods: no monthly range of their own
    assert not path.exists()
    assert (good_copy.parent / "inbox" / "loaded" / "y30r21_herning.csv").read_text(encoding="utf-8") == GOOD
    assert f"{digest(GOOD)}.csv" in files_under(good_copy.parent / "landing" / "jobindsats" / "y30r21")
    # Evaluated again: the inbox is empty.
    assert isinstance(extract_inbox(inbox_context(good_copy, repository)), dg.SkipReason)


def test_the_same_file_dropped_again_is_unchanged_and_skips(good_copy, repository):
    drop(good_copy, "first.csv", GOOD)
    assert isinstance(extract_inbox(inbox_context(good_copy, repository)), dg.RunRequest)
    drop(good_copy, "again.csv", GOOD)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == "Nothing new to stage: again.csv unchanged"
    assert files_under(good_copy.parent / "inbox") == ["loaded/again.csv", "loaded/first.csv"]


def test_a_bad_file_in_the_inbox_goes_to_quarantine_and_skips(good_copy, repository):
    landing_before = files_under(good_copy.parent / "landing")
    path = drop(good_copy, "unknown_area.csv", BAD)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == "Nothing new to stage: unknown_area.csv rejected"
    assert not path.exists()
    quarantine = good_copy.parent / "quarantine" / "extracts"
    (kept,) = quarantine.glob("*-unknown_area.csv")  # named by content hash + file name
    assert kept.read_text(encoding="utf-8") == BAD
    reason = kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8")
    assert "line 6, column 'Område': unknown area 'Hernning'" in reason
    assert files_under(good_copy.parent / "inbox") == []
    assert files_under(good_copy.parent / "landing") == landing_before


def test_good_and_bad_files_together_request_only_the_good_one(good_copy, repository):
    drop(good_copy, "a_bad.csv", BAD)
    drop(good_copy, "b_good.csv", GOOD)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.RunRequest)
    assert result.run_key == f"inbox-{digest(GOOD)[:12]}"
    assert STAGING_Y30R21 in result.asset_selection
    assert files_under(good_copy.parent / "inbox") == ["loaded/b_good.csv"]
    prefix = digest(BAD)[:12]
    assert files_under(good_copy.parent / "quarantine") == [
        f"extracts/{prefix}-a_bad.csv",
        f"extracts/{prefix}-a_bad.csv.reason.txt",
    ]


def test_a_dst_file_in_the_inbox_requests_statbank_staging(good_copy, repository):
    text = (FIXTURES / "folk1a_bulk_codes.csv").read_text(encoding="utf-8")
    drop(good_copy, "folk1a_bulk_codes.csv", text)

    result = extract_inbox(inbox_context(good_copy, repository))

    assert isinstance(result, dg.RunRequest)
    assert STAGING_FOLK1A in result.asset_selection
    assert STAGING_Y30R21 not in result.asset_selection
    assert result.run_key == f"inbox-{digest(text)[:12]}"


# --- statbank_release ------------------------------------------------------------------------------


def release_context(warehouse: Path, repository, sample_dir: Path | None = None) -> dg.SensorEvaluationContext:
    statbank = StatbankSnapshotClient(sample_dir=str(sample_dir)) if sample_dir else StatbankSnapshotClient()
    resources = {"warehouse": WarehouseResource(path=str(warehouse)), "statbank": statbank}
    return dg.build_sensor_context(resources=resources, repository_def=repository)


def bump_folk1a(info: dict) -> None:
    info["updated"] = "2026-11-11T08:00:00"


def test_statbank_release_after_a_good_run_skips(good_run, repository):
    result = statbank_release(release_context(good_run[0], repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == "No StatBank table has been updated since it was loaded."


def test_statbank_release_with_a_new_updated_requests_that_table_and_downstream(good_run, repository, sample_copy):
    sample = sample_copy({"statbank/tableinfo_folk1a.json": bump_folk1a})

    result = statbank_release(release_context(good_run[0], repository, sample))

    assert isinstance(result, dg.RunRequest)
    assert {LANDING_FOLK1A, STAGING_FOLK1A} <= set(result.asset_selection)
    assert [key for key in result.asset_selection if key.path[0] in {"landing", "staging"}] == [
        LANDING_FOLK1A,
        STAGING_FOLK1A,
    ]
    assert result.run_key == "statbank-statbank_folk1a@2026-11-11T08:00:00"
    assert result.tags == last_months(4)


# --- the schedules -------------------------------------------------------------------------------------


def schedule_context(warehouse: Path, repository, sample_dir: Path | None = None) -> dg.ScheduleEvaluationContext:
    sample = {"sample_dir": str(sample_dir)} if sample_dir else {}
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "jobindsats": JobindsatsSnapshotClient(**sample),
        "statbank": StatbankSnapshotClient(**sample),
    }
    return dg.build_schedule_context(resources=resources, repository_def=repository, scheduled_execution_time=NIGHT)


def test_nightly_skips_when_nothing_is_new(good_run, repository):
    result = nightly(schedule_context(good_run[0], repository))

    assert isinstance(result, dg.SkipReason)
    assert result.skip_message == "No source has published anything new since the last load."


def test_nightly_requests_what_is_new_and_downstream(good_run, repository, sample_copy):
    def revise(body: dict) -> None:
        body["rows"][0][3] += 10
        body["rows"][0][4] += 10

    sample = sample_copy({"jobindsats/y30r21.json": revise, "statbank/tableinfo_folk1a.json": bump_folk1a})

    result = nightly(schedule_context(good_run[0], repository, sample))

    assert isinstance(result, dg.RunRequest)
    selection = list(result.asset_selection)
    assert {LANDING_Y30R21, STAGING_Y30R21, BENCHMARK, SERVING, LANDING_FOLK1A, STAGING_FOLK1A} <= set(selection)
    assert [key for key in selection if key.path[0] == "landing"] == [LANDING_Y30R21, LANDING_FOLK1A]
    assert result.run_key == "nightly-2026-11-22"
    assert result.tags == last_months(4)


def test_monthly_requests_everything_over_every_month():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 12, 2, 6, 0, tzinfo=ZoneInfo(TIMEZONE)))

    result = monthly_refresh(context)

    assert isinstance(result, dg.RunRequest)
    assert result.run_key == "monthly-2026-12"
    assert result.asset_selection is None  # the whole refresh_all job
    assert result.tags == {}  # a run without a month range covers every month since 2007M01
