"""Reading jobindsats v3 bodies: numbers, the envelope, and typed frames from the real y30r21 sample."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from pipelines import settings
from pipelines.errors import MAX_LISTED, InputError, Problem
from pipelines.sources import jobindsats_parser
from pipelines.sources.jobindsats_parser import parse_body, parse_number, table_specs, to_frame

SAMPLE_PATH = settings.SAMPLE_DIR / "jobindsats" / "y30r21.json"
SAMPLE_BYTES = SAMPLE_PATH.read_bytes()
SAMPLE = json.loads(SAMPLE_BYTES)
SOURCE = "sample:jobindsats/y30r21.json"
Y25I01_BYTES = (Path(__file__).parent / "fixtures" / "jobindsats" / "y25i01_hele_landet_total.json").read_bytes()

FORVENTET_ANTAL = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal"
FAKTISK_ANDEL = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Faktisk andel (pct.)"
PLACERING = "Placering på benchmarkranglisten"


@pytest.fixture
def spec():
    return table_specs()["y30r21"]


@pytest.fixture
def sample():
    """A fresh, mutable copy of the real sample's columns and rows."""
    return copy.deepcopy(SAMPLE["columns"]), copy.deepcopy(SAMPLE["rows"])


def col(columns: list[str], label: str) -> int:
    return columns.index(label)


def input_error(columns, rows, spec) -> InputError:
    with pytest.raises(InputError) as info:
        to_frame(columns, rows, spec, SOURCE)
    return info.value


# --- parse_number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (4980, "count", 4980),
        (-120, "count", -120),
        (0, "count", 0),
        (4980.0, "count", 4980),
        ("4980", "count", 4980),
        (" 4980 ", "count", 4980),
        ("1.234,0", "count", 1234),
        (2.8, "decimal", 2.8),
        (3, "decimal", 3.0),
        ("9,08", "decimal", 9.08),
        ("1.234,5", "decimal", 1234.5),
        ("-0,21", "decimal", -0.21),
        ("0,20", "decimal", 0.2),
        ("12.345.678,9", "decimal", 12345678.9),
        ("2.8", "decimal", 2.8),
    ],
)
def test_parse_number_reads_json_numbers_and_danish_strings(value, kind, expected):
    result = parse_number(value, kind)
    assert result == expected
    assert type(result) is (int if kind == "count" else float)


@pytest.mark.parametrize("value", [None, "", "  ", "..", "-", ".", "null", " .. "])
@pytest.mark.parametrize("kind", ["count", "decimal"])
def test_parse_number_missing_tokens_are_none(value, kind):
    assert parse_number(value, kind) is None


@pytest.mark.parametrize(
    "value",
    ["abc", "fire", "9,08%", "1,2,3", [1], {"n": 1}],
)
def test_parse_number_rejects_non_numbers(value):
    with pytest.raises(ValueError, match="expected a number"):
        parse_number(value, "decimal")


@pytest.mark.parametrize("value", [4980.5, "4980,5", 0.1])
def test_parse_number_count_rejects_fractions(value):
    with pytest.raises(ValueError, match="expected a whole number"):
        parse_number(value, "count")


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("kind", ["count", "decimal"])
def test_parse_number_rejects_booleans(value, kind):
    # bool is an int in Python; a JSON true in a number column is still an error.
    with pytest.raises(ValueError, match="expected a number"):
        parse_number(value, kind)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "nan", "NaN", "inf", "-Infinity"])
@pytest.mark.parametrize("kind", ["count", "decimal"])
def test_parse_number_rejects_nan_and_infinity(value, kind):
    with pytest.raises(ValueError, match="expected a number"):
        parse_number(value, kind)


# --- parse_body -------------------------------------------------------------------------------


def test_parse_body_reads_the_real_sample():
    columns, rows = parse_body(SAMPLE_BYTES, SOURCE)
    assert columns == SAMPLE["columns"]
    assert len(columns) == 10
    assert len(rows) == 2352
    assert rows[0] == ["2020QMAT02", "København", "Ydelsesgrupper i alt", 43070, 44010, 940, "9,08", "9,28", "0,20", 63]


def test_parse_body_accepts_a_utf8_bom():
    columns, rows = parse_body(b"\xef\xbb\xbf" + Y25I01_BYTES, "bom.json")
    assert columns[:2] == ["Periode", "Område"]  # the BOM is not glued to the first label
    assert len(rows) == 14


def test_parse_body_reports_truncated_json():
    half = SAMPLE_BYTES[: len(SAMPLE_BYTES) // 2]
    with pytest.raises(InputError) as info:
        parse_body(half, SOURCE)
    message = str(info.value)
    assert message.startswith(f"{SOURCE}: not valid JSON, possibly truncated")
    assert info.value.source == SOURCE
    assert len(info.value.problems) == 1 and info.value.problems[0].row is None


def test_parse_body_reports_a_cut_inside_a_multibyte_character_as_truncated():
    cut = SAMPLE_BYTES.index("Område".encode()) + len("Omr") + 1  # between the two bytes of "å"
    with pytest.raises(InputError) as info:
        parse_body(SAMPLE_BYTES[:cut], SOURCE)
    assert "possibly truncated" in str(info.value)
    assert str(info.value).startswith(f"{SOURCE}: not UTF-8 text")


def test_parse_body_reports_text_that_is_not_utf8():
    latin1 = SAMPLE_BYTES.decode("utf-8").encode("latin-1")
    with pytest.raises(InputError, match=r"not UTF-8 text \(invalid") as info:
        parse_body(latin1, SOURCE)
    assert "truncated" not in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"columns"',
        b'{"columns": ["Periode"]}',
        b'{"rows": []}',
        b'{"columns": "Periode", "rows": []}',
        b'{"columns": [], "rows": {}}',
        b'{"code": 422, "cause": "Unknown hierarchies", "request_id": "x"}',
    ],
)
def test_parse_body_rejects_the_wrong_envelope(body):
    with pytest.raises(InputError) as info:
        parse_body(body, "req")
    assert str(info.value) == "req: not a jobindsats v3 response: expected an object with 'columns' and 'rows'"


def test_parse_body_names_the_rows_with_the_wrong_number_of_cells():
    payload = copy.deepcopy(SAMPLE)
    payload["rows"][6].pop()  # data row 7
    payload["rows"][41].append("extra")  # data row 42
    payload["rows"][99] = "not a row"  # data row 100
    with pytest.raises(InputError) as info:
        parse_body(json.dumps(payload).encode(), SOURCE)
    assert [(p.row, p.column) for p in info.value.problems] == [(7, None), (42, None), (100, None)]
    assert str(info.value) == (
        f"{SOURCE}: row 7: has 9 cells, the header has 10; row 42: has 11 cells, the header has 10; "
        "row 100: has no cells, the header has 10"
    )


# --- to_frame on the real sample --------------------------------------------------------------


def test_table_specs_know_y30r21(spec):
    assert spec.table_id == "y30r21"
    assert spec.periodtype == "QMAT"
    assert spec.key == ("periode", "omraade_navn", "ydelsesgruppe")
    assert [c.name for c in spec.columns] == [
        "periode",
        "omraade_navn",
        "ydelsesgruppe",
        "forventet_antal",
        "faktisk_antal",
        "forskel_antal_publiceret",
        "forventet_andel",
        "faktisk_andel",
        "forskel_pct_point_publiceret",
        "placering_publiceret",
    ]
    assert [c.label for c in spec.columns] == SAMPLE["columns"]
    assert [c.name for c in spec.columns if c.nullable] == ["placering_publiceret"]


def test_table_specs_refuse_an_unknown_periodtype(tmp_path, monkeypatch):
    toml = tmp_path / "jobindsats_tables.toml"
    toml.write_text(
        '[t1]\ntitle = "t"\nperiodtype = "W"\nkey = ["periode"]\n'
        '[t1.columns]\n"Periode" = { name = "periode", type = "text" }\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(jobindsats_parser, "TABLES_TOML", toml)
    table_specs.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"jobindsats_tables.toml \[t1\]: unknown periodtype 'W'"):
            table_specs()
    finally:
        table_specs.cache_clear()


def test_to_frame_types_the_real_sample(spec):
    columns, rows = parse_body(SAMPLE_BYTES, SOURCE)
    frame = to_frame(columns, rows, spec, SOURCE)

    assert len(frame) == 2352
    assert list(frame.columns) == [c.name for c in spec.columns]
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
        "periode": "object",
        "omraade_navn": "object",
        "ydelsesgruppe": "object",
        "forventet_antal": "Int64",
        "faktisk_antal": "Int64",
        "forskel_antal_publiceret": "Int64",
        "forventet_andel": "Float64",
        "faktisk_andel": "Float64",
        "forskel_pct_point_publiceret": "Float64",
        "placering_publiceret": "Int64",
    }
    herning = frame[
        (frame.periode == "2020QMAT02")
        & (frame.omraade_navn == "Herning")
        & (frame.ydelsesgruppe == "Ydelsesgrupper i alt")
    ]
    assert len(herning) == 1
    row = herning.iloc[0]
    assert row.forventet_antal == 4980
    assert row.faktisk_antal == 4860
    assert row.forskel_antal_publiceret == -120
    assert row.forventet_andel == 8.74
    assert row.faktisk_andel == 8.53
    assert row.forskel_pct_point_publiceret == -0.21
    assert row.placering_publiceret == 23
    assert not frame.duplicated(list(spec.key)).any()
    assert frame[list(spec.key)].notna().all().all()


def test_to_frame_keeps_a_missing_nullable_rank_as_na(spec, sample):
    columns, rows = sample
    rows[0][col(columns, PLACERING)] = None
    rows[1][col(columns, PLACERING)] = ".."
    frame = to_frame(columns, rows, spec, SOURCE)
    assert frame.placering_publiceret.isna().tolist()[:3] == [True, True, False]
    assert str(frame.placering_publiceret.dtype) == "Int64"
    assert frame.placering_publiceret.iloc[2] == 25


def test_to_frame_ignores_extra_columns_and_follows_the_header_order(spec, sample):
    columns, rows = sample
    order = list(reversed(range(len(columns))))
    columns = [columns[i] for i in order] + ["Ekstra"]
    rows = [[row[i] for i in order] + ["ignored"] for row in rows]
    frame = to_frame(columns, rows, spec, SOURCE)
    assert len(frame) == 2352
    assert "Ekstra" not in frame.columns
    assert frame.iloc[0].omraade_navn == "København"
    assert frame.iloc[0].forventet_antal == 43070


def test_to_frame_strips_text(spec, sample):
    columns, rows = sample
    rows[0][1] = "  København "
    assert to_frame(columns, rows, spec, SOURCE).iloc[0].omraade_navn == "København"


# --- to_frame on bad input: every problem says where ------------------------------------------


def test_missing_column_is_named(spec, sample):
    columns, rows = sample
    i = col(columns, "Ydelsesgrupper")
    del columns[i]
    for row in rows:
        del row[i]

    error = input_error(columns, rows, spec)

    assert error.problems == [Problem(None, "Ydelsesgrupper", "column missing from the y30r21 header")]
    assert str(error) == f"{SOURCE}: column 'Ydelsesgrupper': column missing from the y30r21 header"


def test_non_numeric_count_names_source_row_and_column(spec, sample):
    columns, rows = sample
    rows[137][col(columns, FORVENTET_ANTAL)] = "fire"  # data row 138

    error = input_error(columns, rows, spec)

    assert error.problems == [Problem(138, FORVENTET_ANTAL, "expected a number, got 'fire'")]
    assert str(error) == f"{SOURCE}: row 138, column {FORVENTET_ANTAL!r}: expected a number, got 'fire'"


def test_fractional_count_is_reported(spec, sample):
    columns, rows = sample
    rows[0][col(columns, FORVENTET_ANTAL)] = 4980.5

    error = input_error(columns, rows, spec)

    assert str(error) == f"{SOURCE}: row 1, column {FORVENTET_ANTAL!r}: expected a whole number, got 4980.5"


def test_duplicated_key_names_the_earlier_row(spec, sample):
    columns, rows = sample
    rows.append(list(rows[4]))  # a copy of data row 5 (Frederiksberg) becomes row 2353
    rows[2352][col(columns, FORVENTET_ANTAL)] = 1  # a different number does not make it a new row

    error = input_error(columns, rows, spec)

    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.row, problem.column) == (2353, None)
    assert problem.message == (
        "repeats row 5 (Periode='2020QMAT02', Område='Frederiksberg', Ydelsesgrupper='Ydelsesgrupper i alt')"
    )
    assert str(error).startswith(f"{SOURCE}: row 2353: repeats row 5 ")


def test_empty_area_text_is_reported(spec, sample):
    columns, rows = sample
    rows[9][col(columns, "Område")] = "   "  # data row 10

    error = input_error(columns, rows, spec)

    assert error.problems == [Problem(10, "Område", "expected text, got '   '")]
    assert str(error) == f"{SOURCE}: row 10, column 'Område': expected text, got '   '"


@pytest.mark.parametrize("label", [FORVENTET_ANTAL, FAKTISK_ANDEL, "Periode"])
def test_missing_value_in_a_non_nullable_column_is_reported(spec, sample, label):
    columns, rows = sample
    rows[1999][col(columns, label)] = None  # data row 2000

    error = input_error(columns, rows, spec)

    assert len(error.problems) == 1
    assert (error.problems[0].row, error.problems[0].column) == (2000, label)
    expected = "expected text, got None" if label == "Periode" else "value is missing"
    assert str(error) == f"{SOURCE}: row 2000, column {label!r}: {expected}"


def test_missing_token_in_a_non_nullable_column_is_reported(spec, sample):
    columns, rows = sample
    rows[2][col(columns, FAKTISK_ANDEL)] = ".."

    error = input_error(columns, rows, spec)

    assert str(error) == f"{SOURCE}: row 3, column {FAKTISK_ANDEL!r}: value is missing"


def test_several_problems_are_all_reported_in_row_order(spec, sample):
    columns, rows = sample
    rows[299][col(columns, FORVENTET_ANTAL)] = "fire"  # row 300
    rows[9][col(columns, "Område")] = ""  # row 10
    rows[1999][col(columns, FAKTISK_ANDEL)] = None  # row 2000
    rows.append(list(rows[0]))  # row 2353 repeats row 1

    error = input_error(columns, rows, spec)

    assert [(p.row, p.column) for p in error.problems] == [
        (10, "Område"),
        (300, FORVENTET_ANTAL),
        (2000, FAKTISK_ANDEL),
        (2353, None),
    ]
    message = str(error)
    assert message.startswith(f"{SOURCE}: row 10, column 'Område': expected text, got ''; ")
    assert f"row 300, column {FORVENTET_ANTAL!r}: expected a number, got 'fire'" in message
    assert f"row 2000, column {FAKTISK_ANDEL!r}: value is missing" in message
    assert message.endswith(
        "row 2353: repeats row 1 (Periode='2020QMAT02', Område='København', Ydelsesgrupper='Ydelsesgrupper i alt')"
    )


def test_bad_key_cells_that_collide_are_reported_without_crashing(spec, sample):
    # Rows 1 and 5 differ only in Område (København, Frederiksberg); blanking both makes their
    # keys equal apart from the bad cell. Each is reported once, as bad text, not as a repeat.
    columns, rows = sample
    rows[0][col(columns, "Område")] = ""
    rows[4][col(columns, "Område")] = None

    error = input_error(columns, rows, spec)

    assert error.problems == [
        Problem(1, "Område", "expected text, got ''"),
        Problem(5, "Område", "expected text, got None"),
    ]


def test_many_problems_are_listed_up_to_the_limit_and_counted(spec, sample):
    columns, rows = sample
    for i in range(MAX_LISTED + 5):
        rows[i][col(columns, FORVENTET_ANTAL)] = "fire"

    error = input_error(columns, rows, spec)

    assert len(error.problems) == MAX_LISTED + 5
    message = str(error)
    assert message.count("expected a number, got 'fire'") == MAX_LISTED
    assert message.endswith(" (and 5 more)")
    assert f"row {MAX_LISTED}," in message and f"row {MAX_LISTED + 1}," not in message


def test_another_tables_body_lacks_the_y30r21_measures(spec):
    columns, rows = parse_body(Y25I01_BYTES, "y25i01")
    # y25i01 shares the three dimension labels with y30r21 but none of its measures: each is named.
    with pytest.raises(InputError) as info:
        to_frame(columns, rows, spec, "y25i01")
    assert {p.column for p in info.value.problems} == {c.label for c in spec.columns[3:]}
    assert len(info.value.problems) == 7
    assert all(p.row is None for p in info.value.problems)
