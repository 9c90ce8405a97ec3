"""`jobindblik ingest` on bad files: one line naming the file (line and column where they apply), a
non-zero exit, no traceback, nothing landed, the warehouse and serving copy unchanged.

Each case runs the real command in-process against its own copy of the shared good run's
warehouse. The files are made in tmp_path, most of them the y30r21 fixture (tests/fixtures/extracts)
changed in one place; none needs a pipeline run, since every one is refused before it lands.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLE_DIR, copy_warehouse

from pipelines.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "extracts"
Y30R21_LINES = (FIXTURES / "y30r21_udtraek.csv").read_text(encoding="utf-8").splitlines()
HEADER = Y30R21_LINES[0].split(";")
FORVENTET = HEADER[3]
FORVENTET_ANDEL = HEADER[6]
TILSYN_LINES = (SAMPLE_DIR / "tilsyn" / "fokusmaal_taelling.csv").read_text(encoding="utf-8").splitlines()[:20]
FOLK1A_LINES = (FIXTURES / "folk1a_da_label_2020K1.csv").read_text(encoding="utf-8").splitlines()
# The y25i01 sample body as its CSV export, every data row twice: the 35,641-line file of issue 10.
Y25I01 = json.loads((SAMPLE_DIR / "jobindsats" / "y25i01.json").read_text(encoding="utf-8"))


def y30r21(line: int = 2, column: str = FORVENTET, value: str | None = None) -> str:
    """The y30r21 fixture with the cell at file `line`, `column` set to `value` (unchanged when None)."""
    lines = list(Y30R21_LINES)
    if value is not None:
        fields = lines[line - 1].split(";")
        fields[HEADER.index(column)] = value
        lines[line - 1] = ";".join(fields)
    return "\n".join(lines) + "\n"


def edit_lines(lines: list[str], edit: Callable[[list[str]], None]) -> str:
    changed = list(lines)
    edit(changed)
    return "\n".join(changed) + "\n"


def replace_cell(lines: list[str], line: int, index: int, value: str) -> str:
    def edit(changed: list[str]) -> None:
        fields = changed[line - 1].split(";")
        fields[index] = value
        changed[line - 1] = ";".join(fields)

    return edit_lines(lines, edit)


def y25i01_saved_twice() -> str:
    rows = [";".join("" if cell is None else str(cell) for cell in row) for row in Y25I01["rows"]]
    return "\n".join([";".join(Y25I01["columns"]), *rows, *rows]) + "\n"


def y30r21_json(edit: Callable[[dict], None]) -> str:
    """The y30r21 fixture as a v3 JSON body (counts as JSON numbers), changed by `edit`."""
    rows = [[int(cell) if 3 <= i < 6 else cell for i, cell in enumerate(line.split(";"))] for line in Y30R21_LINES[1:]]
    body = {"columns": HEADER, "rows": rows}
    edit(body)
    return json.dumps(body, ensure_ascii=False)


@dataclass(frozen=True)
class Case:
    """A bad file: how to make it in a folder (returns the paths to give), what the one line must say."""

    name: str
    make: Callable[[Path], list[Path]]
    expected: tuple[str, ...]
    code: int = 1


def text(name: str, content: str | bytes, expected: tuple[str, ...], code: int = 1) -> Case:
    def make(folder: Path) -> list[Path]:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return [path]

    return Case(name, make, expected, code)


def count(name: str, value: str, *expected: str) -> Case:
    """y30r21 with `value` as line 2's Forventet antal."""
    return text(f"{name}.csv", y30r21(2, FORVENTET, value), ("line 2", f"column {FORVENTET!r}", *expected))


def share(name: str, value: str, *expected: str) -> Case:
    """y30r21 with `value` as line 3's Forventet andel (a decimal)."""
    return text(f"{name}.csv", y30r21(3, FORVENTET_ANDEL, value), ("line 3", f"column {FORVENTET_ANDEL!r}", *expected))


def made(name: str, make: Callable[[Path], Path], *expected: str) -> Case:
    return Case(name, lambda folder: [make(folder)], expected)


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "extract.csv")
    return folder / "extract.csv"


def unix_socket(folder: Path) -> Path:
    path = Path(tempfile.mkdtemp(prefix="jb")) / "s.csv"  # a socket path has at most 107 bytes
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
    return path


def symlink(folder: Path, target: str, name: str = "link.csv") -> Path:
    os.symlink(target, folder / name)
    return folder / name


def loop(folder: Path) -> Path:
    os.symlink(folder / "b.csv", folder / "a.csv")
    os.symlink(folder / "a.csv", folder / "b.csv")
    return folder / "a.csv"


def twice(folder: Path, second: str) -> list[Path]:
    path = folder / "y30r21.csv"
    path.write_text(y30r21(), encoding="utf-8")
    return [path, Path(str(path).replace("y30r21.csv", second))]


LONG_NAME = "y30r21" + "_udtraek" * 30 + ".csv"  # 250 bytes: its quarantine name must be shortened

CASES = [
    # Counts: over-range, odd characters, forms no source writes.
    count("over_int64", "99999999999999999999", "out of range"),
    count("two_to_the_63", "9223372036854775808", "out of range"),
    count("exponent", "1e30", "expected a number, got '1e30'"),
    count("ten_caret_30", "10^30", "expected a number, got '10^30'"),
    count("superscript_two", "4307²", "SUPERSCRIPT TWO is not allowed in a number"),
    count("superscript_only", "²", "SUPERSCRIPT TWO"),
    count("arabic_digits", "٤٣٠٧٠", "ARABIC-INDIC DIGIT FOUR"),
    count("fullwidth_digits", "４３０７０", "FULLWIDTH DIGIT FOUR"),
    count("devanagari_digits", "४३०७०", "DEVANAGARI DIGIT FOUR"),
    count("nbsp_thousands", "43\xa0070", "NO-BREAK SPACE"),
    count("nbsp_leading", "\xa043070", "NO-BREAK SPACE"),
    count("narrow_nbsp", "43\u202f070", "NARROW NO-BREAK SPACE"),
    count("zero_width_space", "43070\u200b", "ZERO WIDTH SPACE"),
    count("unicode_minus", "\u22125", "MINUS SIGN"),
    count("space_thousands", "43 070", "expected a number, got '43 070'"),
    count("comma_thousands", "43,070,000", "expected a number"),
    count("underscore", "43_070", "expected a number, got '43_070'"),
    count("hex", "0x10", "expected a number"),
    count("infinity", "Infinity", "expected a number"),
    count("nan", "NaN", "expected a number"),
    count("double_sign", "+-5", "expected a number"),
    count("fraction", "4,5", "expected a whole number"),
    count("dot_thousands", "43.070", "expected a whole number, got 43.07"),
    count("missing", "..", "value is missing"),
    count("negative", "-5", "fails greater_than_or_equal_to(0): -5"),
    count("word", "mange", "expected a number, got 'mange'"),
    count("percent", "9%", "expected a number"),
    share("share_two_commas", "1,2,3", "expected a number"),
    share("share_percent", "9,08%", "expected a number"),
    share("share_exponent", "1e400", "expected a number"),
    share("share_over_100", "150,0", "fails less_than_or_equal_to(100)"),
    share("share_superscript", "9,08²", "SUPERSCRIPT TWO"),
    # Text cells and the shape of the file.
    text("unknown_area.csv", y30r21(4, "Område", "Atlantis"), ("line 4", "column 'Område'", "unknown area 'Atlantis'")),
    text("nbsp_in_area.csv", y30r21(4, "Område", "Køben\xa0havn"), ("line 4", "column 'Område'", "unknown area")),
    text("blank_area.csv", y30r21(5, "Område", " "), ("line 5", "column 'Område'", "expected text")),
    text("unknown_group.csv", y30r21(6, "Ydelsesgrupper", "Lottogevinst"), ("line 6", "unknown ydelsesgruppe")),
    text(
        "few_fields.csv",
        edit_lines(Y30R21_LINES, lambda ls: ls.__setitem__(7, "2020QMAT02;Herning")),
        ("line 8", "has 2 fields, the header has 10"),
    ),
    text(
        "many_fields.csv",
        edit_lines(Y30R21_LINES, lambda ls: ls.__setitem__(7, ls[7] + ";1;2")),
        ("line 8", "has 12 fields, the header has 10"),
    ),
    text("empty_line.csv", edit_lines(Y30R21_LINES, lambda ls: ls.insert(9, "")), ("line 10", "empty line")),
    text("header_only.csv", Y30R21_LINES[0] + "\n", ("line 2", "no data rows below the header")),
    text(
        "header_twice.csv",
        edit_lines(Y30R21_LINES, lambda ls: ls.__setitem__(0, ls[0] + ";Område")),
        ("line 1", "column 'Område'", "appears twice in the header"),
    ),
    text(
        "missing_column.csv",
        "\n".join(";".join(line.split(";")[:9]) for line in Y30R21_LINES) + "\n",
        ("line 1", "column 'Placering på benchmarkranglisten'", "column missing"),
    ),
    text(
        "renamed_column.csv",
        edit_lines(Y30R21_LINES, lambda ls: ls.__setitem__(0, ls[0].replace("Område", "Kommune"))),
        ("line 1", "column 'Kommune'", "renamed?"),
    ),
    text(
        "repeated_row.csv",
        edit_lines(Y30R21_LINES, lambda ls: ls.append(ls[3])),
        ("line 50", "repeats line 4"),
    ),
    text("y25i01_saved_twice.csv", y25i01_saved_twice(), ("line 17822", "repeats line 2", "(and 17810 more)")),
    text(
        "cut_off.csv",
        "\n".join(Y30R21_LINES)[: len("\n".join(Y30R21_LINES[:20])) + 25],
        ("line 21", "the file may be cut off"),
    ),
    # Encodings and things that are not text extracts at all.
    text("windows_1252.csv", y30r21(4, "Område", "Køge").encode("cp1252"), ("line 1", "not UTF-8", "Windows-1252")),
    text(
        "cut_inside_a_character.csv",
        y30r21().encode("utf-8")[: y30r21().encode("utf-8").index("ø".encode()) + 1],
        ("line 1", "ends inside a character"),
    ),
    text("utf16.csv", y30r21().encode("utf-16"), ("line 1", "UTF-16")),
    text("nul_bytes.csv", b"Periode;\x00\x00\x00;x\n", ("line 1", "a binary file")),
    text("document.pdf", b"%PDF-1.7\n...", ("line 1", "a PDF document")),
    text("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ("line 1", "an old Excel .xls workbook")),
    text("not_a_workbook.xlsx", b"PK\x03\x04" + b"\x00" * 64, ("line 1", "not a readable .xlsx workbook")),
    text("empty.csv", b"", ("line 1", "the file is empty")),
    text("only_bom.csv", b"\xef\xbb\xbf", ("line 1", "the file is empty")),
    text("only_blank_lines.csv", "\n \n\t\n", ("line 1", "the file is empty")),
    text("no_semicolons.csv", "Periode,Område\n2020QMAT02,Herning\n", ("line 1", "no ';' between column names")),
    text("huge_line.csv", y30r21(3, "Område", "x" * 300_000), ("line 3", "300,", "characters long")),
    text("one_huge_line.csv", "Periode;" + "9" * 200_000, ("line 1", "characters long")),
    text("unknown_header.csv", "Foo;Bar\n1;2\n", ("line 1", "neither a known jobindsats table")),
    # JSON bodies: rows are counted among `rows`.
    text("truncated.json", y30r21_json(lambda b: None)[:500], ("not valid JSON",)),
    text(
        "json_ten_to_30.json",
        y30r21_json(lambda b: b["rows"][4].__setitem__(3, 10**30)),
        ("row 5", f"column {FORVENTET!r}", "out of range"),
    ),
    text(
        "json_huge_integer.json",
        y30r21_json(lambda b: b["rows"][4].__setitem__(6, 10**400)),
        ("row 5", f"column {FORVENTET_ANDEL!r}", "out of range"),
    ),
    text(
        "json_short_row.json",
        y30r21_json(lambda b: b["rows"][2].pop()),
        ("row 3", "has 9 cells, the header has 10"),
    ),
    text("json_list.json", "[1, 2, 3]", ("not a jobindsats v3 response",)),
    # The fokusmål and DST extracts.
    text(
        "tilsyn_superscript.csv",
        replace_cell(TILSYN_LINES, 3, 3, "13590²"),
        ("line 3", "column 'Berettigede'", "not a whole number"),
    ),
    text(
        "tilsyn_arabic.csv",
        replace_cell(TILSYN_LINES, 4, 4, "١٢"),
        ("line 4", "column 'Opfyldt'", "not a whole number"),
    ),
    text(
        "tilsyn_over_int64.csv",
        replace_cell(TILSYN_LINES, 5, 3, "1" + "0" * 30),
        ("line 5", "column 'Berettigede'", "out of range"),
    ),
    text("FOLK1A_arabic.csv", replace_cell(FOLK1A_LINES, 3, 3, "٣٤"), ("line 3", "INDHOLD", "is not a number")),
    text("FOLK1A_superscript.csv", replace_cell(FOLK1A_LINES, 4, 3, "34²"), ("line 4", "INDHOLD", "is not a number")),
    # What is not a regular file, and names.
    made("missing_path", lambda folder: folder / "nowhere.csv", "no such file", "nothing to keep"),
    made("directory", lambda folder: folder, "a directory, not a file", "nothing to keep"),
    made("fifo", fifo, "a named pipe (FIFO), not a file"),
    made("socket", unix_socket, "a socket, not a file"),
    made("device", lambda folder: Path("/dev/null"), "a device, not a file"),
    made("dangling_symlink", lambda folder: symlink(folder, "/nonexistent/y30r21.csv"), "which does not exist"),
    made("symlink_to_directory", lambda folder: symlink(folder, "/tmp"), "a directory, not a file"),
    made("symlink_loop", loop, "cannot open the file: Too many levels of symbolic links"),
    made("name_too_long", lambda folder: folder / ("y" * 300 + ".csv"), "cannot open the file: File name too long"),
    text(LONG_NAME, y30r21(2, FORVENTET, "4307²"), ("line 2", "SUPERSCRIPT TWO", "kept in")),
    Case("given_twice", lambda folder: twice(folder, "y30r21.csv"), ("is given twice",), code=2),
    Case("given_twice_by_another_path", lambda folder: twice(folder, "sub/../y30r21.csv"), ("is given twice",), code=2),
]


@dataclass(frozen=True)
class State:
    """What must not change: the warehouse and serving bytes and the landed files."""

    warehouse: str
    serving: str
    landed: tuple[str, ...]


def state(warehouse: Path) -> State:
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    landing = warehouse.parent / "landing"
    landed = tuple(sorted(str(p.relative_to(landing)) for p in landing.rglob("*")))
    return State(digest(warehouse), digest(warehouse.with_name("serving.duckdb")), landed)


@pytest.fixture(scope="module")
def good_state(good_run) -> State:
    return state(good_run[0])


@pytest.fixture
def warehouse(good_run, tmp_path):
    copy = copy_warehouse(good_run[0], tmp_path / "warehouse")
    yield copy
    shutil.rmtree(copy.parent)  # 50 MB a case: do not keep them for the whole session


def _too_slow(signum, frame):
    raise TimeoutError("the command did not return within 60 s")


def ingest(warehouse: Path, paths: list[Path]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(60)  # a FIFO opened for reading would wait for ever; fail the test instead
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("JOBINDBLIK_WAREHOUSE", str(warehouse))
            mp.setenv("JOBINDBLIK_SOURCE", "sample")
            mp.delenv("DAGSTER_HOME", raising=False)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["ingest", *map(str, paths)])
    finally:
        signal.alarm(0)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name[:40])
def test_a_bad_file_is_one_line_and_changes_nothing(case, warehouse, good_state, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    paths = case.make(folder)

    code, out, err, seconds = ingest(warehouse, paths)

    assert code == case.code
    assert out == ""
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    line = err.strip()
    assert str(paths[-1]) in line
    for expected in case.expected:
        assert expected in line
    assert seconds < 20
    assert state(warehouse) == good_state
    assert not list(warehouse.parent.glob("*.tmp")) and not list(warehouse.parent.glob(".*before-run*"))


def test_repeated_keys_in_a_35641_line_file_are_found_in_seconds(tmp_path):
    """y25i01 saved twice (35,641 lines) was still running after 90 s; read alone it takes seconds."""
    from pipelines.errors import InputError
    from pipelines.sources.extracts import read_extract

    path = tmp_path / "y25i01_twice.csv"
    path.write_text(y25i01_saved_twice(), encoding="utf-8")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 35_641

    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        read_extract(path)

    assert time.perf_counter() - started < 10
    assert len(error.value.problems) == 17_820
    assert str(error.value.problems[-1]).startswith("line 35641: repeats line 17821 ")


def test_a_long_named_bad_file_is_kept_under_a_name_that_fits(warehouse, tmp_path):
    path = tmp_path / LONG_NAME
    path.write_text(y30r21(2, FORVENTET, "4307²"), encoding="utf-8")

    code, _, err, _ = ingest(warehouse, [path])

    assert code == 1
    (kept,) = (warehouse.parent / "quarantine" / "extracts").glob("*.csv")
    assert len(kept.name.encode()) + len(".reason.txt") <= 255
    assert kept.name.endswith(".csv") and "-y30r21_udtraek_udtraek" in kept.name
    assert kept.read_bytes() == path.read_bytes()
    assert "SUPERSCRIPT TWO" in kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8")
    assert f"kept in {kept}" in err
