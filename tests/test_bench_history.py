"""`jobindblik bench --scale N`'s history copy: periods move back by the series' own span, stop at 2007,
never repeat, and the copied sample still reads as the pipeline reads the bundled one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipelines import settings
from pipelines.bench import mart_rows
from pipelines.bench_history import Period, build_history, copy_periods
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats_parser import parse_body, table_specs, to_frame
from pipelines.sources.periods import period_problem
from pipelines.sources.statbank_parser import parse_dst_text
from warehouse.tilsyn import load_rules

SAMPLE = settings.SAMPLE_DIR
SCALE = 3
with open(SAMPLE / "manifest.toml", "rb") as _f:
    MANIFEST = tomllib.load(_f)


def months(first: str, count: int) -> list[str]:
    start = Period.parse(first)
    return [str(start.moved(step)) for step in range(count)]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return build_history(SAMPLE, tmp_path_factory.mktemp("bench") / "sample", SCALE)


def jobindsats_frame(sample: Path, table: str):
    file = MANIFEST["jobindsats"][table]["file"]
    columns, rows = parse_body((sample / file).read_bytes(), file)
    return to_frame(columns, rows, table_specs()[table], file)


@pytest.mark.parametrize(
    ("text", "steps", "moved"),
    [
        ("2024M03", -3, "2023M12"),
        ("2024MYTD06", -6, "2023MYTD12"),
        ("2024Q01", -1, "2023Q04"),
        ("2020QMAT02", -5, "2019QMAT01"),
        ("2024", -17, "2007"),
        ("2024K1", -2, "2023K3"),
    ],
)
def test_a_period_moves_in_steps_of_its_own_kind(text, steps, moved):
    assert str(Period.parse(text).moved(steps)) == moved
    assert str(Period.parse(text)) == text


@pytest.mark.parametrize("text", ["2024M13", "2024Q05", "2024QMAT00", "24M01", "2024-03"])
def test_a_text_that_is_no_period_is_refused_by_name(text):
    with pytest.raises(ValueError, match=text):
        Period.parse(text)


def test_copy_k_is_the_series_moved_back_k_times_its_span():
    first, second = copy_periods(months("2024M01", 6), 2)
    assert sorted(first.values()) == months("2023M07", 6)
    assert sorted(second.values()) == months("2023M01", 6)
    assert first["2024M01"] == "2023M07" and second["2024M06"] == "2023M06"


def test_the_span_runs_from_the_first_to_the_last_period_gaps_included():
    (quarters,) = copy_periods(["2024Q01", "2024Q03"], 1)
    assert quarters == {"2024Q01": "2023Q02", "2024Q03": "2023Q04"}
    (years,) = copy_periods(["2020", "2023"], 1)
    assert years == {"2020": "2016", "2023": "2019"}


@pytest.mark.parametrize(
    ("series", "kept"),
    [
        (months("2008M01", 24), months("2007M01", 12)),
        ([f"2008MYTD{m:02d}" for m in range(1, 13)] + ["2009MYTD01"], [f"2007MYTD{m:02d}" for m in range(1, 13)]),
        (["2008Q01", "2008Q04", "2009Q02"], ["2007Q02", "2007Q04"]),
        (["2008QMAT01", "2008QMAT04"], ["2007QMAT01", "2007QMAT04"]),
        (["2010", "2013"], ["2009"]),
    ],
)
def test_periods_before_2007_are_cut_not_wrapped(series, kept):
    first, *rest = copy_periods(series, 3)
    assert sorted(first.values(), key=Period.parse) == kept
    assert rest == [{}, {}]


def test_no_copy_repeats_a_period():
    series = months("2021M08", 60)
    copies = copy_periods(series, 9)
    seen = [p for copy in copies for p in copy.values()] + series
    assert len(seen) == len(set(seen)) == 235  # 2007M01..2026M07: every month once
    assert all(period_problem(p) is None for p in seen)


@pytest.mark.parametrize("table", sorted(MANIFEST["jobindsats"]))
def test_every_jobindsats_body_still_parses_with_valid_periods_and_no_repeated_key(history, table):
    frame = jobindsats_frame(history, table)
    original = jobindsats_frame(SAMPLE, table)
    key = list(table_specs()[table].key)
    assert not frame.duplicated(key).any()
    assert all(period_problem(p) is None for p in frame["periode"].unique())
    maps = copy_periods(original["periode"], SCALE - 1)
    expected = len(original) + sum(original["periode"].isin(list(mapping)).sum() for mapping in maps)
    assert len(frame) == expected > len(original)  # every table of the sample is short enough for 3 copies


def test_a_short_series_gets_every_copy_contiguous_and_oldest_first(history):
    file = MANIFEST["jobindsats"]["y07a21"]["file"]
    original = json.loads((SAMPLE / file).read_text(encoding="utf-8"))
    copied = json.loads((history / file).read_text(encoding="utf-8"))
    n = len(original["rows"])
    assert len(copied["rows"]) == SCALE * n and copied["columns"] == original["columns"]
    blocks = [sorted({row[0] for row in copied["rows"][k * n : (k + 1) * n]}) for k in range(SCALE)]
    assert blocks == [["2024Q04", "2025Q01"], ["2025Q02", "2025Q03"], ["2025Q04", "2026Q01"]]
    assert copied["rows"][-n:] == original["rows"]
    assert [row[1:] for row in copied["rows"][:n]] == [row[1:] for row in original["rows"]]


def test_a_long_series_is_cut_at_2007(history):
    """FOLK1A runs 2008K1..2020K1 (49 quarters): its first copy ends in 2007K4, the rest is before 2007."""
    file = MANIFEST["statbank"]["FOLK1A"]["file"]
    frame = parse_dst_text((history / file).read_text(encoding="utf-8"), file, "FOLK1A").frame
    original = parse_dst_text((SAMPLE / file).read_text(encoding="utf-8"), file, "FOLK1A").frame
    assert sorted(set(frame["TID"]) - set(original["TID"])) == ["2007K4"]
    assert len(frame) == len(original) + (original["TID"] == "2020K1").sum()


@pytest.mark.parametrize("table", sorted(MANIFEST["statbank"]))
def test_every_statbank_body_parses_and_its_tableinfo_lists_its_periods(history, table):
    entry = MANIFEST["statbank"][table]
    frame = parse_dst_text((history / entry["file"]).read_text(encoding="utf-8"), entry["file"], table).frame
    info = json.loads((history / entry["tableinfo"]).read_text(encoding="utf-8"))
    (time,) = [variable for variable in info["variables"] if variable.get("time")]
    listed = [value["id"] for value in time["values"]]
    assert set(frame["TID"]) <= set(listed) and listed == sorted(listed, key=Period.parse)
    assert not frame.drop(columns="INDHOLD").duplicated().any()


def test_the_tilsyn_extract_parses_and_reaches_back_only_to_the_rules_first_year(history):
    """The sample's 54 months from 2020M01 are all the rules allow: no copy of them survives the cut."""
    file = MANIFEST["tilsyn"]["fokusmaal_taelling"]["file"]
    copied, original = read_extract(history / file).frame, read_extract(SAMPLE / file).frame
    assert min(rules.aar_fra for rules in load_rules().regelsaet) == 2020 == int(original["periode"].min()[:4])
    assert copied.equals(original)


def test_a_first_year_cuts_a_copy_as_2007_does():
    (first,) = copy_periods(months("2020M01", 54), 1, first_year=2016)
    assert sorted(first.values()) == months("2016M01", 48)  # of 2015M07..2019M12


def test_the_manifest_and_its_datagrundlag_are_kept(history):
    assert (history / "manifest.toml").read_bytes() == (SAMPLE / "manifest.toml").read_bytes()


def test_scale_1_holds_the_sample_rows(tmp_path):
    one = build_history(SAMPLE, tmp_path / "sample", 1)
    for entry in MANIFEST["jobindsats"].values():
        file = entry["file"]
        assert parse_body((one / file).read_bytes(), file) == parse_body((SAMPLE / file).read_bytes(), file)
    for entry in [*MANIFEST["statbank"].values(), *MANIFEST["tilsyn"].values()]:
        assert (one / entry["file"]).read_bytes() == (SAMPLE / entry["file"]).read_bytes()


def test_scale_below_1_is_refused(tmp_path):
    with pytest.raises(ValueError, match="scale must be 1 or more"):
        build_history(SAMPLE, tmp_path / "sample", 0)


@pytest.mark.integration
def test_bench_at_scale_1_counts_the_rows_of_a_plain_sample_run(good_run, tmp_path):
    """The JSON line of `jobindblik bench --scale 1` (a full run in a fresh process) against the session's run."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "bench", "--scale", "1"], capture_output=True, text=True, check=True
    )
    line = json.loads(done.stdout)
    assert set(line) == {"scale", "wall_s", "peak_rss_mb", "rows"} and line["scale"] == 1
    assert line["wall_s"] > 0 and line["peak_rss_mb"] > 100
    assert line["rows"] == mart_rows(good_run[0])
