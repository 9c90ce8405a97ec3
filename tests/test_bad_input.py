"""A bad y30r21 body after a good run: the run fails, says where, quarantines the body, changes nothing.

Each case starts from a copy of the shared good run's warehouse, runs the job on a broken copy of
the sample, checks the failure, the quarantine and that the warehouse and serving copy are as the
good run left them, then runs the good sample again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLE_DIR, Y30R21_SAMPLE, read_table, run_job
from pandas.testing import assert_frame_equal

SOURCE = "sample:jobindsats/y30r21.json"
FORVENTET_ANTAL = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal"
FAKTISK_ANTAL = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal"
STAGING_ORDER = "periode, omraade_kode, ydelsesgruppe"
BENCHMARK_ORDER = "periode, ydelsesgruppe_kode, omraade_kode"


def _original_rows() -> list[list]:
    return json.loads((SAMPLE_DIR / Y30R21_SAMPLE).read_text(encoding="utf-8"))["rows"]


def drop_column(body: dict) -> None:
    position = body["columns"].index(FAKTISK_ANTAL)
    del body["columns"][position]
    for row in body["rows"]:
        del row[position]


def unknown_area(body: dict) -> None:
    body["rows"][10][1] = "Atlantis"


def non_numeric_count(body: dict) -> None:
    body["rows"][20][3] = "mange"


def negative_count(body: dict) -> None:
    body["rows"][15][3] = -5


def duplicated_row(body: dict) -> None:
    body["rows"][30] = list(body["rows"][5])


def truncated(body: dict) -> str:
    text = (SAMPLE_DIR / Y30R21_SAMPLE).read_text(encoding="utf-8")
    return text[: len(text) // 2]


@dataclass(frozen=True)
class Case:
    mutate: object
    expected: tuple[str, ...]  # substrings the failure message must contain
    # Landing rejects a body it cannot read at all; staging rejects rows it cannot accept.
    failing_step: str = "staging__jobindsats_y30r21"


def _cases() -> dict[str, Case]:
    rows = _original_rows()
    first = rows[5]
    return {
        # A column absent from the header has no row: the message names the label and the header.
        "missing_column": Case(drop_column, (f"column {FAKTISK_ANTAL!r}", "missing from the y30r21 header")),
        "unknown_area": Case(unknown_area, ("row 11, column 'Område'", "unknown area 'Atlantis'")),
        "non_numeric_count": Case(
            non_numeric_count, (f"row 21, column {FORVENTET_ANTAL!r}", "expected a number, got 'mange'")
        ),
        # A value the table's model refuses (its rules run as SQL): the row's key says which row too.
        "negative_count": Case(
            negative_count,
            (f"row 16, column {FORVENTET_ANTAL!r}", "fails greater_than_or_equal_to(0): -5 (periode="),
        ),
        "duplicated_row": Case(
            duplicated_row,
            (f"row 31: repeats row 6 (Periode={first[0]!r}, Område={first[1]!r}, Ydelsesgrupper={first[2]!r})",),
        ),
        # Truncated JSON has no rows to point at: the message says it is not valid JSON, possibly truncated.
        "truncated_json": Case(truncated, ("not valid JSON, possibly truncated",), "landing__jobindsats_y30r21"),
    }


CASES = _cases()


def _file_state(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_ino


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_body_fails_and_changes_nothing(name, good_run, good_copy, bad_sample):
    case = CASES[name]
    warehouse = good_copy
    serving = warehouse.with_name("serving.duckdb")
    serving_before = _file_state(serving)
    staging_before = read_table(good_run[0], "staging.jobindsats_y30r21", STAGING_ORDER)
    benchmark_before = read_table(good_run[0], "mart.benchmark", BENCHMARK_ORDER)
    landing = warehouse.parent / "landing" / "jobindsats" / "y30r21"
    landed_before = sorted(p.name for p in landing.iterdir())
    sample = bad_sample(case.mutate)
    bad_body = (sample / Y30R21_SAMPLE).read_bytes()

    result = run_job(warehouse, sample, benchmark_only=True)

    # The run fails in landing or staging, with a message that says where.
    assert not result.success
    failures = result.get_step_failure_events()
    assert [e.step_key for e in failures] == [case.failing_step]
    description = failures[0].step_failure_data.user_failure_data.description
    assert description.startswith(f"{SOURCE}: ")
    for expected in case.expected:
        assert expected in description, description
    checks = {e.asset_check_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    staging_check = checks.get("staging/jobindsats_y30r21:pandera_schema")
    assert staging_check is (False if case.failing_step.startswith("staging") else None)  # the failed check
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert ("landing/jobindsats_y30r21" in materialized) == case.failing_step.startswith("staging")
    assert not materialized & {"staging/jobindsats_y30r21", "mart/benchmark", "publish/serving_duckdb"}

    # The bad body is in quarantine with its reason, and out of landing.
    quarantine = warehouse.parent / "quarantine" / "jobindsats" / "y30r21"
    bodies = [p for p in quarantine.glob("*.json") if not p.name.endswith(".meta.json")]
    assert len(bodies) == 1
    assert bodies[0].read_bytes() == bad_body
    reason = bodies[0].with_name(bodies[0].stem + ".reason.txt")
    assert reason.is_file()
    reason_text = reason.read_text(encoding="utf-8")
    assert f"request: {SOURCE}" in reason_text
    assert description in reason_text
    assert bodies[0].with_name(bodies[0].stem + ".meta.json").is_file()
    assert sorted(p.name for p in landing.iterdir()) == landed_before

    # Staging, the mart and the serving copy are exactly as the good run left them.
    assert_frame_equal(read_table(warehouse, "staging.jobindsats_y30r21", STAGING_ORDER), staging_before)
    assert_frame_equal(read_table(warehouse, "mart.benchmark", BENCHMARK_ORDER), benchmark_before)
    assert _file_state(serving) == serving_before

    # The good sample runs again and publishes the same numbers.
    again = run_job(warehouse, benchmark_only=True)
    assert again.success
    assert_frame_equal(read_table(warehouse, "mart.benchmark", BENCHMARK_ORDER), benchmark_before)
    assert_frame_equal(read_table(serving, "mart.benchmark", BENCHMARK_ORDER), benchmark_before)
    assert _file_state(serving)[1:] != serving_before[1:]  # republished: a new file
    assert bodies[0].is_file()  # the quarantined body stays for whoever has to look at it
