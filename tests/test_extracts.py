"""Hand-downloaded extract files: each good kind is recognised and read; each bad one says file, line, column.

The good files are in tests/fixtures/extracts (see PROVENANCE.md). Workbooks and every bad file
are made in tmp_path; most bad files are a good one changed in exactly one way.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from pandas.testing import assert_frame_equal

from pipelines import settings
from pipelines.errors import InputError
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats_parser import table_specs, to_frame

FIXTURES = Path(__file__).parent / "fixtures" / "extracts"
Y30R21_JSON = FIXTURES / "y30r21_udtraek.json"
Y30R21_CSV = FIXTURES / "y30r21_udtraek.csv"
Y30R21_BOM = FIXTURES / "y30r21_udtraek_bom.csv"
FOLK1A_DA = FIXTURES / "folk1a_da_label_2020K1.csv"
FOLK1A_DA_BOM = FIXTURES / "folk1a_da_label_bom_hele_landet.csv"
FOLK1A_EN = FIXTURES / "folk1a_en_label_bom_2021Q2.csv"
FOLK1A_BULK = FIXTURES / "folk1a_bulk_codes.csv"

FORVENTET = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal"
FAKTISK = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal"
FORSKEL_PCT_POINT = (
    "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: "
    "Forskel mellem forventet og faktisk andel (pct. point)"
)
HERNING_I_ALT = "2020QMAT02;Herning;Ydelsesgrupper i alt;"
# A notes sheet as analysts add them: no table, and rows wider than its first.
NOTES = [["Kilde: jobindsats.dk"], ["Udtrukket", "2026-11-22", "af Mette"]]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def _line_of(path: Path, start: str) -> int:
    """The editor line (header = 1) of the first line of `path` starting with `start`."""
    return next(number for number, line in enumerate(_lines(path), start=1) if line.startswith(start))


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cell(text: str):
    """A CSV field as Excel (Danish locale) stores it when the file is opened: numbers become numbers."""
    for parse in (int, lambda t: float(t.replace(",", "."))):
        try:
            return parse(text)
        except ValueError:
            pass
    return text


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _csv_rows(path: Path, typed: bool = True) -> list[list]:
    rows = list(csv.reader(_lines(path), delimiter=";"))
    return [rows[0]] + [[_cell(v) if typed else v for v in row] for row in rows[1:]]


def _described(extract, *fields: str) -> tuple:
    return tuple(getattr(extract, name) for name in fields)


def _rejected(path: Path, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        read_extract(path, **kwargs)
    return str(info.value)


@pytest.fixture(scope="module")
def y30r21_frame():
    body = json.loads(Y30R21_JSON.read_text(encoding="utf-8"))
    return to_frame(body["columns"], body["rows"], table_specs()["y30r21"], "expected")


@pytest.fixture(scope="module")
def areas() -> dict[str, str]:
    """Area names -> codes as the lead passes them from mart.dim_omraade (here: the reference kommuner)."""
    with open(settings.REFERENCE_DIR / "kommuner.csv", encoding="utf-8", newline="") as f:
        return {"Hele landet": "000", **{row["kommunenavn"]: row["kommunekode"] for row in csv.DictReader(f)}}


# --- good files -------------------------------------------------------------------------------


def test_jobindsats_json_is_read_like_an_api_response(y30r21_frame, areas):
    extract = read_extract(Y30R21_JSON, areas=areas)
    assert _described(extract, "source", "table_id", "format") == ("jobindsats", "y30r21", "jobindsats-json")
    assert _described(extract, "lang", "presentation", "sheet") == ("da", "label", None)
    assert extract.content_hash == hashlib.sha256(Y30R21_JSON.read_bytes()).hexdigest()
    assert_frame_equal(extract.frame, y30r21_frame)


@pytest.mark.parametrize("path", [Y30R21_CSV, Y30R21_BOM], ids=["plain", "bom-crlf"])
def test_jobindsats_csv_gives_the_same_frame_as_the_json(path, y30r21_frame, areas):
    extract = read_extract(path, areas=areas)
    assert _described(extract, "source", "table_id", "format") == ("jobindsats", "y30r21", "jobindsats-csv")
    assert_frame_equal(extract.frame, y30r21_frame)
    frame = extract.frame.set_index(["periode", "omraade_navn", "ydelsesgruppe"])
    herning = frame.loc[[("2020QMAT02", "Herning", "Ydelsesgrupper i alt")]]
    assert herning[["forventet_antal", "faktisk_antal", "forventet_andel"]].values.tolist() == [[4980, 4860, 8.74]]


def test_detection_is_by_content_not_by_name(tmp_path, y30r21_frame):
    renamed = tmp_path / "download (3).txt"
    renamed.write_bytes(Y30R21_BOM.read_bytes())
    extract = read_extract(renamed)
    assert _described(extract, "table_id", "format") == ("y30r21", "jobindsats-csv")
    assert_frame_equal(extract.frame, y30r21_frame)


def test_dst_danish_labels_become_codes():
    extract = read_extract(FOLK1A_DA)
    assert _described(extract, "source", "table_id", "format") == ("statbank", "FOLK1A", "dst-csv")
    assert _described(extract, "lang", "presentation") == ("da", "label")
    values = extract.frame.set_index("OMRÅDE")["INDHOLD"]
    assert values["101"] == 632340  # København
    assert values["657"] == 89127  # Herning
    assert values["000"] == 5822763  # Hele landet


def test_dst_danish_labels_with_bom():
    extract = read_extract(FOLK1A_DA_BOM)
    assert _described(extract, "source", "table_id", "lang", "presentation") == ("statbank", "FOLK1A", "da", "label")
    assert list(extract.frame.columns) == ["OMRÅDE", "CIVILSTAND", "TID", "INDHOLD"]
    assert len(extract.frame) == len(_lines(FOLK1A_DA_BOM)) - 1
    assert extract.frame.iloc[0][["OMRÅDE", "TID", "INDHOLD"]].tolist() == ["000", "2008K1", 5475791]


def test_dst_english_labels_with_bom():
    extract = read_extract(FOLK1A_EN)
    assert _described(extract, "source", "table_id", "lang", "presentation") == ("statbank", "FOLK1A", "en", "label")
    assert extract.frame.iloc[0][["TID", "ALDER", "KØN", "INDHOLD"]].tolist() == ["2021K2", "0", "1", 31649]


def test_dst_bulk_codes():
    extract = read_extract(FOLK1A_BULK)
    assert _described(extract, "source", "table_id", "format") == ("statbank", "FOLK1A", "dst-csv")
    assert extract.presentation == "code"
    assert sorted(extract.frame["OMRÅDE"].unique()) == ["000", "147", "851"]
    first = extract.frame.iloc[0]
    assert first[["OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"]].tolist() == ["000", "1", "0", "2019K1", 31754]


def test_xlsx_with_y30r21_after_a_notes_sheet(tmp_path, y30r21_frame, areas):
    """Numbers typed as Excel stores them; the notes sheet is skipped because it holds no table."""
    path = _workbook(tmp_path / "benchmark.xlsx", {"Noter": NOTES, "Ark1": _csv_rows(Y30R21_CSV)})
    extract = read_extract(path, areas=areas)
    assert _described(extract, "source", "table_id", "format", "sheet") == ("jobindsats", "y30r21", "xlsx", "Ark1")
    assert_frame_equal(extract.frame, y30r21_frame)


def test_xlsx_with_a_dst_table(tmp_path):
    path = _workbook(tmp_path / "befolkning.xlsx", {"FOLK1A": _csv_rows(FOLK1A_BULK, typed=False)})
    extract = read_extract(path)
    assert _described(extract, "source", "table_id", "format", "sheet") == ("statbank", "FOLK1A", "xlsx", "FOLK1A")
    assert_frame_equal(extract.frame, read_extract(FOLK1A_BULK).frame)


# --- bad files --------------------------------------------------------------------------------
# Each builder writes one bad file into tmp_path and returns it with the substrings its error
# must contain; every error starts with the file (and sheet) it is about.


def _pdf(tmp: Path):
    path = tmp / "y30r21.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return path, ["line 1: a PDF document, not a data extract"]


def _binary(tmp: Path):
    path = tmp / "graf.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return path, ["line 1: a binary file, not a CSV, JSON or .xlsx extract"]


def _utf16(tmp: Path):
    """Excel's "Unicode text" save: UTF-16 with its byte order mark."""
    path = tmp / "y30r21_unicode.txt"
    path.write_bytes(Y30R21_CSV.read_text(encoding="utf-8").encode("utf-16"))
    return path, ["line 1: UTF-16 text"]


def _random_text(tmp: Path):
    path = _write_lines(tmp / "tal.csv", ["Hej Mette, her er tallene fra i går.", "Mvh Jens"])
    return path, ["line 1: not a jobindsats or DST extract: the first line has no ';'"]


def _unknown_header(tmp: Path):
    path = _write_lines(tmp / "ukendt.csv", ["Kommune;År;Antal", "Herning;2020;4980"])
    return path, ["line 1: the header is neither a known jobindsats table", "nor a DST table"]


def _missing_column(tmp: Path):
    rows = [line.split(";") for line in _lines(Y30R21_CSV)]
    drop = rows[0].index(FAKTISK)
    path = _write_lines(tmp / "y30r21_uden_faktisk.csv", [";".join(r[:drop] + r[drop + 1 :]) for r in rows])
    return path, [f"line 1, column {FAKTISK!r}: column missing; the header looks like y30r21 (9 of 10 columns)"]


def _renamed_column(tmp: Path):
    lines = _lines(Y30R21_CSV)
    lines[0] = lines[0].replace(";Område;", ";Kommune;")
    path = _write_lines(tmp / "y30r21_omdoebt.csv", lines)
    return path, [
        "line 1, column 'Område': column missing; the header looks like y30r21",
        "line 1, column 'Kommune': not a y30r21 column (renamed?)",
    ]


def _cp1252_file(tmp: Path):
    path = tmp / "y30r21_ansi.csv"
    path.write_bytes(Y30R21_CSV.read_text(encoding="utf-8").encode("cp1252"))
    # "Område" is the first non-ASCII text: byte 0xE5 (å) is byte 12 of line 1, in the header's 2nd field.
    return path, ["line 1, column 'Omr\ufffdde': not UTF-8: byte 0xE5 at byte 12 of the line", "Windows-1252"]


def _cp1252_cell(tmp: Path):
    """One value retyped in an ANSI editor: the error points at its line and column."""
    line = _line_of(Y30R21_CSV, "2020QMAT02;Læsø;")
    raw = Y30R21_CSV.read_bytes().split(b"\n")
    raw[line - 1] = raw[line - 1].replace("Læsø".encode(), "Læsø".encode("cp1252"))
    path = tmp / "y30r21_laesoe.csv"
    path.write_bytes(b"\n".join(raw))
    return path, [f"line {line}, column 'Område': not UTF-8: byte 0xE6 at byte 13 of the line"]


def _unknown_area(tmp: Path):
    lines = _lines(Y30R21_CSV)
    line = _line_of(Y30R21_CSV, HERNING_I_ALT)
    lines[line - 1] = lines[line - 1].replace(";Herning;", ";Atlantis;")
    path = _write_lines(tmp / "y30r21_atlantis.csv", lines)
    return path, [f"line {line}, column 'Område': unknown area 'Atlantis'"]


def _text_in_number(tmp: Path):
    lines = _lines(Y30R21_CSV)
    line = _line_of(Y30R21_CSV, HERNING_I_ALT)
    lines[line - 1] = lines[line - 1].replace(HERNING_I_ALT + "4980;", HERNING_I_ALT + "mange;")
    path = _write_lines(tmp / "y30r21_mange.csv", lines)
    return path, [f"line {line}, column {FORVENTET!r}: expected a number, got 'mange'"]


def _duplicated_key(tmp: Path):
    lines = _lines(Y30R21_CSV)
    first = _line_of(Y30R21_CSV, HERNING_I_ALT)
    lines[first] = lines[first - 1]  # the next line becomes a copy
    path = _write_lines(tmp / "y30r21_dublet.csv", lines)
    key = "Periode='2020QMAT02', Område='Herning', Ydelsesgrupper='Ydelsesgrupper i alt'"
    return path, [f"line {first + 1}: repeats line {first} ({key})"]


def _truncated_json(tmp: Path):
    path = tmp / "y30r21_afbrudt.json"
    text = Y30R21_JSON.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path, ["line 1: not valid JSON, possibly cut off", "(character "]


def _truncated_csv(tmp: Path):
    path = tmp / "y30r21_afbrudt.csv"
    text = Y30R21_CSV.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rfind(";", 0, text.rfind(";") - 1)], encoding="utf-8")
    last = len(_lines(Y30R21_CSV))
    return path, [f"line {last}, column {FORSKEL_PCT_POINT!r}: has 8 fields, the header has 10", "may be cut off"]


def _truncated_bulk(tmp: Path):
    path = tmp / "FOLK1A_afbrudt.csv"
    text = FOLK1A_BULK.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rfind(";")], encoding="utf-8")
    last = len(_lines(FOLK1A_BULK))
    return path, [f"line {last}, column 'INDHOLD': has 4 fields, the header has 5; the file may be cut off"]


def _dst_cp1252(tmp: Path):
    path = tmp / "folk1a_ansi.csv"
    path.write_bytes(FOLK1A_DA.read_text(encoding="utf-8").encode("cp1252"))
    return path, ["line 1, column 'OMR\ufffdDE': not UTF-8: byte 0xC5"]


def _dst_xlsx_unknown_label(tmp: Path):
    """A DST table below two empty rows: the DST reader's problems carry the sheet and its row numbers."""
    rows = _csv_rows(FOLK1A_DA, typed=False)
    rows[4][rows[0].index("OMRÅDE")] = "Frederiksbjerg"
    path = _workbook(tmp / "befolkning.xlsx", {"Data": [[], [], *rows]})
    return path, ["befolkning.xlsx[Data]: line 7, column 'OMRÅDE'", "'Frederiksbjerg'"]


def _dst_unknown_table(tmp: Path):
    path = _write_lines(tmp / "udtraek.csv", ["KOMMUNE;TID;INDHOLD", "101;2020K1;632340"])
    return path, ["line 1: cannot tell which DST table this is", "its variables fit none of AUF01, AUF02, FOLK1A"]


def _empty(tmp: Path):
    path = tmp / "tom.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    return path, ["line 1: the file is empty"]


def _header_only(tmp: Path):
    path = _write_lines(tmp / "y30r21_kun_overskrift.csv", _lines(Y30R21_CSV)[:1])
    return path, ["line 2: no data rows below the header"]


def _empty_line_inside(tmp: Path):
    lines = _lines(Y30R21_CSV)
    lines.insert(5, "")
    path = _write_lines(tmp / "y30r21_hul.csv", lines)
    return path, ["line 6: empty line inside the data"]


def _xlsx_bad_cell(tmp: Path):
    rows = _csv_rows(Y30R21_CSV)
    rows[6][rows[0].index(FAKTISK)] = "ca. 500"
    path = _workbook(tmp / "ledige.xlsx", {"Ark1": rows})
    return path, [f"ledige.xlsx[Ark1]: line 7, column {FAKTISK!r}: expected a number, got 'ca. 500'"]


def _xlsx_two_tables(tmp: Path):
    path = _workbook(tmp / "to.xlsx", {"A": _csv_rows(Y30R21_CSV), "B": _csv_rows(FOLK1A_BULK, typed=False)})
    return path, ["several sheets hold a table ('A', 'B')"]


def _old_xls(tmp: Path):
    path = tmp / "ledige.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path, ["line 1: an old Excel .xls workbook"]


BAD_FILES = [
    _pdf,
    _binary,
    _utf16,
    _random_text,
    _unknown_header,
    _missing_column,
    _renamed_column,
    _cp1252_file,
    _cp1252_cell,
    _unknown_area,
    _text_in_number,
    _duplicated_key,
    _truncated_json,
    _truncated_csv,
    _truncated_bulk,
    _dst_cp1252,
    _dst_xlsx_unknown_label,
    _dst_unknown_table,
    _empty,
    _header_only,
    _empty_line_inside,
    _xlsx_bad_cell,
    _xlsx_two_tables,
    _old_xls,
]


@pytest.mark.parametrize("build", BAD_FILES, ids=[b.__name__.strip("_") for b in BAD_FILES])
def test_bad_file_is_rejected_with_file_line_and_column(build, tmp_path, areas):
    path, expected = build(tmp_path)
    message = _rejected(path, areas=areas)
    assert message.startswith(str(path)), message
    for part in expected:
        assert part in message, message


def test_json_problems_count_rows_of_the_body(tmp_path, areas):
    """A v3 body is one line, so its problems point at the entry of `rows` instead."""
    body = json.loads(Y30R21_JSON.read_text(encoding="utf-8"))
    body["rows"][10][1] = "Atlantis"
    path = tmp_path / "y30r21.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    assert "row 11, column 'Område': unknown area 'Atlantis'" in _rejected(path, areas=areas)
