"""Reading an extract file an analyst downloaded by hand into the frame the matching API call would give.

Files are recognised by their content, not their name: a v3 JSON body, a `;`-separated CSV
(jobindsats when its header is a known table's labels, DST when it has TID/INDHOLD, the fokusmål
count extract when it is `Periode;Område;Fokusmål;Berettigede;Opfyldt`), or an
.xlsx workbook holding either table. Which table it is comes from the content (the header, then the
ydelsesgruppe labels in the rows, for DST the variables, TID's frequency and the codes); the file
name only breaks a tie, and a file the content and name leave open is refused naming the candidates,
unless the caller says which (`table`: `jobindblik ingest --table`, or the decision stored at landing).
Every problem names the file (with the sheet for a
workbook), the line an editor shows (the sheet row in Excel) and the column, so the analyst
can fix the file they have in front of them. JSON bodies are one line, so their problems count
entries of `rows` instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.errors import InputError, Problem
from pipelines.sources import personer, tilsyn_extract
from pipelines.sources.jobindsats_parser import TableSpec, parse_body, table_specs, to_frame
from pipelines.sources.statbank_parser import DstTable, candidate_tables_of, parse_dst_rows
from pipelines.sources.statbank_tables import LANGUAGES, label_codes, statbank_tables

BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
# Files analysts are likely to drop by mistake, named so the error says what they dropped.
OTHER_MAGIC = {
    b"%PDF": "a PDF document, not a data extract: download the table as CSV, JSON or .xlsx",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook: save it as .xlsx or CSV",
    b"\xff\xfe": "UTF-16 text (Excel's 'Unicode text'): save it as 'CSV UTF-8'",
    b"\xfe\xff": "UTF-16 text: save it as UTF-8",
}
NOT_A_FILE = {
    stat.S_IFDIR: "a directory, not a file",
    stat.S_IFIFO: "a named pipe (FIFO), not a file",
    stat.S_IFSOCK: "a socket, not a file",
    stat.S_IFCHR: "a device, not a file",
    stat.S_IFBLK: "a device, not a file",
}
# Longest line a text extract may have (csv's own field limit is 131,072 characters); JSON bodies are one line.
MAX_LINE = 100_000
DST_MARKERS = frozenset({"TID", "INDHOLD"})
# Share of a table's labels a header must carry to be reported as that table with columns missing.
LOOKS_LIKE = 0.5
# How an extract's table was decided, as its landing metadata records it.
BY_CONTENT, BY_NAME, BY_CALLER = "content", "file name", "--table"


@dataclass(frozen=True)
class Extract:
    """One recognised extract: where it came from, what it is, and its frame in API shape."""

    path: Path
    source: str  # "jobindsats" | "statbank" | "tilsyn"
    table_id: str  # jobindsats lowercase ("y30r21"), DST upper case ("FOLK1A")
    format: str  # "jobindsats-json" | "jobindsats-csv" | "dst-csv" | "xlsx"
    frame: pd.DataFrame
    content_hash: str  # sha256 of the file bytes
    lang: str | None = None
    presentation: str | None = None  # "code" | "label"
    sheet: str | None = None
    first_line: int | None = None  # the file line (sheet row) of data row 1; None for JSON
    decided_by: str = BY_CONTENT  # BY_CONTENT, BY_NAME or BY_CALLER

    def decision(self) -> dict[str, str | None]:
        """What was decided about the file, for its landing metadata: staging reads it back with `table`."""
        return {
            "format": self.format,
            "decided_by": self.decided_by,
            "lang": self.lang,
            "presentation": self.presentation,
            "sheet": self.sheet,
        }


@dataclass(frozen=True)
class _Grid:
    """A header and its data rows, the rows on the lines straight after `header_line`.

    `problems` with its shape are kept, not raised, so a workbook's notes sheet cannot fail it.
    """

    source: str
    header: list[str]
    rows: list[list[Any]]
    header_line: int
    problems: list[Problem]
    sheet: str | None = None


def read_extract(
    path: Path,
    areas: Mapping[str, str] | None = None,
    table: str | None = None,
    groups: Mapping[str, set[str]] | None = None,
) -> Extract | personer.PersonExtract:
    """The extract in `path`, or an InputError saying what is wrong and where.

    `areas` maps the area names jobindsats uses to codes; when given, a jobindsats row naming
    any other area is an error. `table` is the table the caller says the file is (it must fit the
    content); without it the content decides. `groups` (the ydelsesgruppe labels of each grouping)
    tells apart tables whose headers are alike by the labels in their rows.
    """
    path = Path(path)
    source = str(path)
    raw = _read_regular_file(path, source)
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.removeprefix(BOM).strip():
        raise _line_error(source, 1, None, "the file is empty")
    for magic, what in OTHER_MAGIC.items():
        if raw.startswith(magic):
            raise _line_error(source, 1, None, what)
    choice = _Choice(table, groups)
    if raw.startswith(ZIP_MAGIC):
        return _from_grid(_workbook_grid(raw, source), path, digest, areas, choice)
    if b"\x00" in raw[:4096]:
        raise _line_error(source, 1, None, "a binary file, not a CSV, JSON or .xlsx extract")
    text = _decode(raw, source)
    if text.lstrip().startswith(("{", "[")):
        return _from_json(text, raw, path, digest, areas, choice)
    if personer.person_kind(text.lstrip().split("\n", 1)[0].rstrip("\r").split(";")):
        return personer.read_text(path, text, digest)  # person data: read and pseudonymised by DuckDB
    _check_line_lengths(text, source)
    return _from_grid(_text_grid(text, source), path, digest, areas, choice)


def _read_regular_file(path: Path, source: str) -> bytes:
    """The bytes of `path` if it is a regular file (after symlinks); anything else is an InputError.

    Opened without blocking and checked on the open descriptor: reading a FIFO would wait for a
    writer for ever, and a check before opening could be raced.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        what = f"a symbolic link to {os.readlink(path)!r}, which does not exist" if path.is_symlink() else None
        raise InputError.single(source, what or "no such file") from exc
    except OSError as exc:  # a socket cannot be opened at all; say what it is when it can be told
        try:
            _refuse_unless_regular(path.stat().st_mode, source)
        except OSError:
            pass
        raise InputError.single(source, f"cannot open the file: {exc.strerror}") from exc
    try:
        _refuse_unless_regular(os.fstat(fd).st_mode, source)
    except InputError:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        try:
            return file.read()
        except OSError as exc:
            raise InputError.single(source, f"cannot read the file: {exc.strerror}") from exc


def _refuse_unless_regular(mode: int, source: str) -> None:
    if not stat.S_ISREG(mode):
        kind = NOT_A_FILE.get(stat.S_IFMT(mode), "not a regular file")
        raise InputError.single(source, f"{kind}: give the path of an extract file")


def _check_line_lengths(text: str, source: str) -> None:
    """A text extract's lines are short; a very long one is not an extract (and csv refuses fields that long)."""
    line, length = max(enumerate(map(len, text.split("\n")), start=1), key=lambda item: item[1])
    if length > MAX_LINE:
        raise _line_error(source, line, None, f"{length:,} characters long; an extract's lines are under {MAX_LINE:,}")


@dataclass(frozen=True)
class _Choice:
    """What the caller knows about which table a file is: its id, and the group labels to tell tables apart."""

    table: str | None = None
    groups: Mapping[str, set[str]] | None = None

    def refuse_other_source(self, source: str, where: str, header_line: int | None, kind: str) -> None:
        """A given table of another source (or one we do not know) cannot fit this file."""
        if self.table is None:
            return
        owner = _table_source(self.table)
        if owner == source:
            return
        if owner:
            why = f"a {owner} table"
        else:
            known = ", ".join([*table_specs(), *statbank_tables(), tilsyn_extract.TABLE_ID])
            why = f"not a table this pipeline knows ({known})"
        message = f"--table {self.table} does not fit: the file is {kind}, and {self.table} is {why}"
        raise _line_error(where, header_line, None, message)


def _table_source(table_id: str) -> str | None:
    """Whose table `table_id` is ("jobindsats", "statbank", "tilsyn"; any case), or None when none of ours."""
    if table_id.lower() in table_specs():
        return "jobindsats"
    if table_id.upper() in statbank_tables():
        return "statbank"
    return tilsyn_extract.SOURCE if table_id.lower() == tilsyn_extract.TABLE_ID.lower() else None


def _from_json(
    text: str, raw: bytes, path: Path, digest: str, areas: Mapping[str, str] | None, choice: _Choice
) -> Extract:
    source = str(path)
    try:  # parse_body says a body is not JSON but not where; this says on which line and character
        json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON, possibly cut off: {exc.msg} (character {exc.colno})"
        raise _line_error(source, exc.lineno, None, message) from exc
    columns, rows = parse_body(raw, source)
    choice.refuse_other_source("jobindsats", source, None, "a jobindsats v3 body")
    spec, decided_by = _jobindsats_spec(columns, rows, path, source, None, choice)
    frame = to_frame(columns, rows, spec, source)
    _check_areas(frame, spec, areas, source, first_line=None)
    return Extract(
        path, "jobindsats", spec.table_id, "jobindsats-json", frame, digest, "da", "label", decided_by=decided_by
    )


def _from_grid(grid: _Grid, path: Path, digest: str, areas: Mapping[str, str] | None, choice: _Choice) -> Extract:
    """The grid read as the table its content says; a wrong header is reported before the rows' problems."""
    if personer.person_kind(grid.header):
        return personer.read_grid(path, grid.source, grid.header, grid.rows, grid.header_line, grid.sheet, digest)
    if tilsyn_extract.is_tilsyn_header(grid.header):
        return _from_tilsyn(grid, path, digest, choice)
    statbank = _kind(grid.header, path) == "statbank"
    kind = "a DST table (it has TID/INDHOLD)" if statbank else "a jobindsats table"
    choice.refuse_other_source("statbank" if statbank else "jobindsats", grid.source, grid.header_line, kind)
    first_line = grid.header_line + 1
    if not statbank:  # the header decides, or narrows, before the rows are read
        _jobindsats_spec(grid.header, None, path, grid.source, grid.header_line, choice)
    if grid.problems:
        raise InputError(grid.source, grid.problems)
    if not grid.rows:
        raise _line_error(grid.source, first_line, None, "no data rows below the header")
    if statbank:
        return _from_dst(grid, path, digest, choice)
    spec, decided_by = _jobindsats_spec(grid.header, grid.rows, path, grid.source, grid.header_line, choice)
    frame = to_frame(grid.header, grid.rows, spec, grid.source, first_line=first_line)
    _check_areas(frame, spec, areas, grid.source, first_line)
    fmt = "xlsx" if grid.sheet else "jobindsats-csv"
    return Extract(
        path, "jobindsats", spec.table_id, fmt, frame, digest, "da", "label", grid.sheet, first_line, decided_by
    )


def _from_tilsyn(grid: _Grid, path: Path, digest: str, choice: _Choice) -> Extract:
    """The fokusmål count extract (pipelines/sources/tilsyn_extract.py); areas are checked when staged."""
    choice.refuse_other_source(tilsyn_extract.SOURCE, grid.source, grid.header_line, "the fokusmål count extract")
    if grid.problems:
        raise InputError(grid.source, grid.problems)
    if not grid.rows:
        raise _line_error(grid.source, grid.header_line + 1, None, "no data rows below the header")
    frame = tilsyn_extract.parse_rows(grid.header, grid.rows, grid.source, grid.header_line + 1)
    fmt = "xlsx" if grid.sheet else tilsyn_extract.FORMAT
    return Extract(path, tilsyn_extract.SOURCE, tilsyn_extract.TABLE_ID, fmt, frame, digest, "da", "label", grid.sheet)


def _from_dst(grid: _Grid, path: Path, digest: str, choice: _Choice) -> Extract:
    """The DST table the variables, TID's frequency and the codes fit, the file name breaking a tie."""
    cells = [[_as_text(value) for value in row] for row in grid.rows]
    tables = [choice.table.upper()] if choice.table else candidate_tables_of(grid.header, cells)
    if not tables:
        known = ", ".join(sorted(statbank_tables()))
        message = f"cannot tell which DST table this is: its variables fit none of {known}"
        raise _line_error(grid.source, grid.header_line, None, message)
    read, errors = [], []
    for table_id in tables:
        try:
            read.append(parse_dst_rows(grid.header, cells, grid.source, table_id, grid.header_line + 1))
        except InputError as error:
            errors.append(error)
    if not read:
        raise errors[0]
    read = [table for table in read if _codes_fit(table)] or read
    ids = [table.table_id for table in read]
    table_id, decided_by = _decide(ids, path, choice, grid.source, grid.header_line, _statbank_titles())
    [table] = [table for table in read if table.table_id == table_id]
    fmt = "xlsx" if grid.sheet else "dst-csv"
    return Extract(
        path,
        "statbank",
        table_id,
        fmt,
        table.frame,
        digest,
        table.lang,
        table.presentation,
        grid.sheet,
        decided_by=decided_by,
    )


def _statbank_titles() -> dict[str, str]:
    return {table_id: table.title for table_id, table in statbank_tables().items()}


def _codes_fit(table: DstTable) -> bool:
    """Whether every code in the file is one the table's code lists know (variables without a list aside)."""
    lists = label_codes(table.table_id)
    return all(
        set(table.frame[variable]) <= {code for lang in LANGUAGES for code in lists[variable][lang].values()}
        for variable in table.frame.columns
        if variable in lists
    )


def _decide(
    ids: list[str], path: Path, choice: _Choice, source: str, header_line: int | None, titles: Mapping[str, str]
) -> tuple[str, str]:
    """The one table left (and how it was decided), the file name breaking a tie; else an error naming them."""
    if len(ids) == 1:
        return ids[0], BY_CALLER if choice.table else BY_CONTENT
    named = [table_id for table_id in ids if _names(path, table_id)]
    if len(named) == 1:
        return named[0], BY_NAME
    candidates = ", ".join(f"{table_id} ({titles[table_id]})" for table_id in ids)
    message = (
        f"the content fits several tables: {candidates}; say which with `jobindblik ingest --table ID FILE` "
        f"or put the table id in the file name, e.g. {ids[-1]}_{Path(path).name}"
    )
    raise _line_error(source, header_line, None, message)


def _decode(raw: bytes, source: str) -> str:
    """The file as text; bytes that are not UTF-8 are reported by line and column."""
    body = raw.removeprefix(BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        header = body.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r").split(";")
        field = body[line_start : exc.start].count(b";")
        if exc.reason == "unexpected end of data":
            hint = "the file ends inside a character, so it may be cut off"
        else:
            hint = "probably saved as Windows-1252 (ANSI); save it as UTF-8"
        message = f"not UTF-8: byte 0x{body[exc.start]:02X} at byte {exc.start - line_start + 1} of the line; {hint}"
        column = header[field].strip() if 1 < len(header) and field < len(header) else None
        raise _line_error(source, body.count(b"\n", 0, exc.start) + 1, column, message) from exc


def _text_grid(text: str, source: str) -> _Grid:
    """The `;`-separated header and rows of a text file; a row with the wrong number of fields is an error."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    while not lines[-1].strip():
        lines.pop()
    header_index = next(i for i, line in enumerate(lines) if line.strip())
    if ";" not in lines[header_index]:
        message = "not a jobindsats or DST extract: the first line has no ';' between column names"
        raise _line_error(source, header_index + 1, None, message)
    header = [label.strip() for label in _fields(lines[header_index])]
    problems = _header_problems(header, header_index + 1)
    rows = []
    for index in range(header_index + 1, len(lines)):
        number, fields = index + 1, _fields(lines[index])
        if not lines[index].strip():
            problems.append(Problem(number, None, "empty line inside the data", unit="line"))
        elif len(fields) != len(header):
            column = header[len(fields)] if len(fields) < len(header) else None
            cut = "; the file may be cut off" if index == len(lines) - 1 and len(fields) < len(header) else ""
            message = f"has {len(fields)} fields, the header has {len(header)}{cut}"
            problems.append(Problem(number, column, message, unit="line"))
        rows.append(fields)
    return _Grid(source, header, rows, header_index + 1, problems)


def _fields(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=";"), [])


def _workbook_grid(raw: bytes, source: str) -> _Grid:
    """The one sheet of an .xlsx workbook that holds a known table (or the first sheet with data)."""
    import openpyxl  # here, not at the top: every run imports this module, few read a workbook (0.15 s)
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _line_error(source, 1, None, f"a zip file but not a readable .xlsx workbook ({exc})") from exc
    try:
        grids = [grid for sheet in book.worksheets if (grid := _sheet_grid(sheet, source))]
    finally:
        book.close()
    if not grids:
        raise _line_error(source, 1, None, "the workbook has no sheet with data")
    tables = [grid for grid in grids if _kind(grid.header, Path(source))]
    if len(tables) > 1:
        names = ", ".join(repr(grid.sheet) for grid in tables)
        raise _line_error(source, None, None, f"several sheets hold a table ({names}); save the one to ingest alone")
    return (tables or grids)[0]


def _sheet_grid(sheet, source: str) -> _Grid | None:
    """A sheet's first non-empty row as header and the rows below it; None for an empty sheet."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    filled = [i for i, row in enumerate(rows) if any(not _blank(v) for v in row)]
    if not filled:
        return None
    where = f"{source}[{sheet.title}]"
    header_index = filled[0]
    header = [_as_text(v).strip() for v in _trim(rows[header_index])]
    problems = _header_problems(header, header_index + 1)
    data = []
    for index in range(header_index + 1, filled[-1] + 1):
        cells = _trim(rows[index])
        if not cells:
            problems.append(Problem(index + 1, None, "empty row inside the data", unit="line"))
        elif len(cells) > len(header):
            message = f"has a value in column {len(cells)}, the header has {len(header)} columns"
            problems.append(Problem(index + 1, None, message, unit="line"))
        data.append(cells + [None] * (len(header) - len(cells)))
    return _Grid(where, header, data, header_index + 1, problems, sheet.title)


def _trim(row: list[Any]) -> list[Any]:
    """A sheet row without its trailing empty cells (read-only sheets pad rows to the widest)."""
    end = len(row)
    while end and _blank(row[end - 1]):
        end -= 1
    return row[:end]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    """A cell as the text a Danish CSV export would hold: whole numbers without ".0", decimal comma."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def _header_problems(header: list[str], line: int) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for label in header:
        if label and label in seen:
            problems.append(Problem(line, label, "appears twice in the header", unit="line"))
        seen.add(label)
    return problems


def _kind(header: list[str], path: Path) -> str | None:
    """Whose header this is: "statbank" (it has TID/INDHOLD), "jobindsats" (it looks like a known table) or None."""
    if DST_MARKERS & {label.upper() for label in header}:
        return "statbank"
    if tilsyn_extract.is_tilsyn_header(header):
        return "tilsyn"
    return "jobindsats" if _closest_spec(header, path)[1] >= LOOKS_LIKE else None


def _closest_spec(header: list[str], path: Path) -> tuple[TableSpec, float]:
    """The table whose labels the header matches best, the file name breaking ties; and its match share."""
    present = set(header)

    def score(spec: TableSpec) -> tuple[bool, int, bool]:
        matched = sum(c.label in present for c in spec.columns)
        return matched == len(spec.columns), matched, _names(path, spec.table_id)

    best = max(table_specs().values(), key=score)
    return best, score(best)[1] / len(best.columns)


def _names(path: Path, table_id: str) -> bool:
    """Whether the file name carries `table_id` as a word of its own ("y30r21_herning.csv", "FOLK1A-2020.csv")."""
    return re.search(rf"(?<![a-z0-9]){re.escape(table_id.lower())}(?![a-z0-9])", path.stem.lower()) is not None


def _jobindsats_spec(
    header: list[str], rows: list[list[Any]] | None, path: Path, source: str, header_line: int | None, choice: _Choice
) -> tuple[TableSpec, str]:
    """The spec a jobindsats file is, and how that was decided.

    The given table if it fits; else every table whose labels the header holds (the ones that account for
    most of it), narrowed by the ydelsesgruppe labels in `rows` (None: not read yet, so only the header
    is checked), then by the file name. A near match is reported with its missing and unexpected columns.
    """
    specs = table_specs()
    if choice.table:
        spec = specs[choice.table.lower()]
        _require_columns(spec, header, source, header_line)
        return spec, BY_CALLER
    present = set(header)
    fitting = [spec for spec in specs.values() if all(c.label in present for c in spec.columns)]
    widest = max((len(spec.columns) for spec in fitting), default=0)
    fitting = [spec for spec in fitting if len(spec.columns) == widest]
    if not fitting:
        spec, share = _closest_spec(header, path)
        if share < LOOKS_LIKE:
            known = ", ".join(sorted(specs))
            message = (
                f"the header is neither a known jobindsats table ({known}) nor a DST table (no TID/INDHOLD column)"
            )
            raise _line_error(source, header_line, None, message)
        _require_columns(spec, header, source, header_line)
    if rows is None:
        return fitting[0], BY_CONTENT
    fitting = [spec for spec in fitting if _groups_fit(spec, header, rows, choice.groups)] or fitting
    titles = {spec.table_id: spec.title for spec in fitting}
    table_id, decided_by = _decide(list(titles), path, choice, source, header_line, titles)
    return specs[table_id], decided_by


def _groups_fit(
    spec: TableSpec, header: list[str], rows: list[list[Any]], groups: Mapping[str, set[str]] | None
) -> bool:
    """Whether the rows' ydelsesgruppe labels all belong to the table's grouping (True when not known)."""
    if groups is None:
        return True
    for column in spec.columns:
        if column.gruppering:
            at = header.index(column.label)
            labels = {str(row[at]).strip() for row in rows if at < len(row) and row[at] is not None}
            if not labels <= groups.get(column.gruppering, set()):
                return False
    return True


def _require_columns(spec: TableSpec, header: list[str], source: str, header_line: int | None) -> None:
    """Every label of `spec` in the header, or an error naming the missing and the unexpected columns."""
    labels = {c.label for c in spec.columns}
    missing = [c.label for c in spec.columns if c.label not in header]
    if missing:
        looks = f"the header looks like {spec.table_id} ({len(labels) - len(missing)} of {len(labels)} columns)"
        problems = [Problem(header_line, label, f"column missing; {looks}", unit="line") for label in missing]
        problems += [
            Problem(header_line, label, f"not a {spec.table_id} column (renamed?)", unit="line")
            for label in header
            if label not in labels
        ]
        raise InputError(source, problems)


def _check_areas(
    frame: pd.DataFrame, spec: TableSpec, areas: Mapping[str, str] | None, source: str, first_line: int | None
) -> None:
    """Every area name in a jobindsats frame must be one of `areas`, when those are given."""
    column = next((c for c in spec.columns if c.name == "omraade_navn"), None)
    if areas is None or column is None:
        return
    problems = [
        Problem(
            index + 1 if first_line is None else first_line + index,
            column.label,
            f"unknown area {name!r}: no kommune, region or hele landet has that name",
            unit="row" if first_line is None else "line",
        )
        for index, name in frame["omraade_navn"].items()
        if name not in areas
    ]
    if problems:
        raise InputError(source, problems)


def _line_error(source: str, line: int | None, column: str | None, message: str) -> InputError:
    return InputError(source, [Problem(line, column, message, unit="line")])
