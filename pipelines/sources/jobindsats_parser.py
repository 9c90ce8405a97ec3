"""Reading jobindsats v3 bodies into typed frames, driven by the table specs in config.

Every problem names the request or file, the data row (1-based) and the column label as the
source wrote it, so an analyst can find it in the file they were sent.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.errors import InputError, Problem
from pipelines.sources.periods import period_problem
from schemas.codelists import PERIODETYPER

if TYPE_CHECKING:  # pandas only where a body is read: the nightly question imports the specs, not pandas
    import pandas as pd

TABLES_TOML = Path(__file__).resolve().parents[1] / "config" / "jobindsats_tables.toml"
# Cells jobindsats and its CSV exports use for "no number here" (discretionised or unavailable).
MISSING_TOKENS = frozenset({"", "-", ".", "..", "null"})
COLUMN_TYPES = ("text", "count", "decimal")
# Numbers as the API and the CSV exports write them, ASCII digits only: "4980", "2.8", "9,08", "1.234,5".
# Python's float() would also take "٤٣", "1_000" and "1e30"; those are not numbers a source writes.
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d+)?|(\d{1,3}(\.\d{3})+|\d+),\d+)", re.ASCII)
# A count is stored as BIGINT (Int64).
COUNT_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class ColumnSpec:
    label: str
    name: str
    type: str
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    gruppering: str | None = None  # the ydelsesgruppe grouping a text column's values belong to


@dataclass(frozen=True)
class TableSpec:
    """One jobindsats table as data: what to ask for and how to read the answer."""

    table_id: str
    title: str
    periodtype: str
    query: dict[str, str]
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    release: str = ""
    # Periods already held that an incremental load asks for again: jobindsats revises them.
    revisit: int = 3
    # The API's table id, when one API table is read twice with different hierarchies.
    api_table: str = ""
    # The family the marts read this table in, its group and how a row's group is found (the toml's
    # `[<id>.familie]`; empty for a table in no family).
    familie: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def api_id(self) -> str:
        return self.api_table or self.table_id

    @property
    def hierarchies(self) -> dict[str, str]:
        """The hierarchy choices of `query` (`hierarchy._nykom = "*"` → `{"_nykom": "*"}`)."""
        return {k.removeprefix("hierarchy."): v for k, v in self.query.items() if k.startswith("hierarchy.")}


@cache
def table_specs() -> dict[str, TableSpec]:
    """The jobindsats tables this pipeline knows, from `config/jobindsats_tables.toml`."""
    with open(TABLES_TOML, "rb") as f:
        raw = tomllib.load(f)
    specs = {}
    for table_id, entry in raw.items():
        columns = tuple(
            ColumnSpec(
                label, c["name"], c["type"], c.get("nullable", False), c.get("min"), c.get("max"), c.get("gruppering")
            )
            for label, c in entry["columns"].items()
        )
        unknown = {c.type for c in columns} - set(COLUMN_TYPES)
        if unknown:
            raise ValueError(f"{TABLES_TOML.name} [{table_id}]: unknown column types {sorted(unknown)}")
        if entry["periodtype"] not in PERIODETYPER:
            raise ValueError(f"{TABLES_TOML.name} [{table_id}]: unknown periodtype {entry['periodtype']!r}")
        specs[table_id] = TableSpec(
            table_id,
            entry["title"],
            entry["periodtype"],
            dict(entry.get("query", {})),
            columns,
            tuple(entry["key"]),
            entry.get("release", ""),
            entry.get("revisit", 3),
            entry.get("api_table", ""),
            dict(entry.get("familie", {})),
        )
    return specs


def parse_json(body: bytes, source: str) -> Any:
    """A v3 answer's JSON document, or an InputError naming `source` when it is cut off or garbled."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        cut = ", possibly truncated" if exc.reason == "unexpected end of data" else ""
        raise InputError.single(source, f"not UTF-8 text{cut} ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InputError.single(source, f"not valid JSON, possibly truncated: {exc.msg} (line {exc.lineno})") from exc


def parse_body(body: bytes, source: str) -> tuple[list[str], list[list[Any]]]:
    """The `columns` and `rows` of a v3 JSON body, or an InputError saying what is wrong with it."""
    payload = parse_json(body, source)
    if not (
        isinstance(payload, dict) and isinstance(payload.get("columns"), list) and isinstance(payload.get("rows"), list)
    ):
        raise InputError.single(source, "not a jobindsats v3 response: expected an object with 'columns' and 'rows'")
    columns = [str(c) for c in payload["columns"]]
    problems = [
        Problem(number, None, f"has {len(row) if isinstance(row, list) else 'no'} cells, the header has {len(columns)}")
        for number, row in enumerate(payload["rows"], start=1)
        if not isinstance(row, list) or len(row) != len(columns)
    ]
    if problems:
        raise InputError(source, problems)
    return columns, payload["rows"]


def parse_number(value: Any, kind: str) -> float | int | None:
    """A JSON number or a Danish-formatted string ("9,08", "1.234,5") as a number; None if missing."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, str):
        text = value.strip(" \t")
        if text in MISSING_TOKENS:
            return None
        if not NUMBER_TEXT.fullmatch(text):
            raise ValueError(f"expected a number, got {value!r}{_odd_character(text)}")
        value = float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    if not isinstance(value, int | float) or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"expected a number, got {value!r}")
    if kind == "count":
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        if abs(value) > COUNT_LIMIT:
            raise ValueError(f"{value!r} is out of range: a count is at most {COUNT_LIMIT:,}")
        return int(value)
    try:
        return float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        raise ValueError(f"{value!r} is out of range for a decimal number") from None


def _odd_character(text: str) -> str:
    """A hint naming a character an editor may not show, e.g. a superscript two or a no-break space."""
    odd = next((c for c in text if not (c.isascii() and c.isprintable())), None)
    if odd is None:
        return ""
    return f" ({unicodedata.name(odd, f'U+{ord(odd):04X}')} is not allowed in a number)"


def to_frame(
    columns: list[str], rows: list[list[Any]], spec: TableSpec, source: str, first_line: int | None = None
) -> pd.DataFrame:
    """Rows of a v3 body as a typed frame with our column names; every bad cell is reported.

    Problems are numbered by data row, or by file line when `first_line` (the line of the
    first data row in a file) is given.
    """

    def problem(number: int | None, column: str | None, message: str) -> Problem:
        if first_line is None or number is None:
            return Problem(number, column, message)
        return Problem(first_line + number - 1, column, message, unit="line")

    position = {label: i for i, label in enumerate(columns)}
    missing = [c.label for c in spec.columns if c.label not in position]
    if missing:
        raise InputError(
            source, [problem(None, label, f"column missing from the {spec.table_id} header") for label in missing]
        )
    problems: list[Problem] = []

    def report(number: int, column: str, message: str) -> None:
        problems.append(problem(number, column, message))

    # Column by column: a cell of the type the column expects is taken as it is (nearly all are), and only the
    # rest goes through the checks that name its problem; the problems are sorted by row below.
    data: dict[str, list[Any]] = {}
    for col in spec.columns:
        values = list(map(itemgetter(position[col.label]), rows))
        data[col.name] = _texts(values, col, report) if col.type == "text" else _numbers(values, col, report)
    import pandas as pd

    frame = pd.DataFrame(data)
    label_of = {c.name: c.label for c in spec.columns}
    # Rows with a key cell already reported as bad are not compared: their None cells would match
    # each other in `duplicated` but not in `==`, and the repeat would only restate that problem.
    complete = frame[list(spec.key)].notna().all(axis=1)
    duplicated = frame.duplicated(list(spec.key), keep="first") & complete
    # The first row of each key, found by one grouping (comparing each repeat with every row is quadratic),
    # and only when a key repeats.
    first_of = (
        frame.index.to_series().groupby([frame[k] for k in spec.key], dropna=False).transform("first")
        if duplicated.any()
        else None
    )
    for index in frame.index[duplicated]:
        key = ", ".join(f"{label_of[k]}={frame.at[index, k]!r}" for k in spec.key)
        problems.append(
            problem(index + 1, None, f"repeats {_unit(first_line)} {_number(first_of[index] + 1, first_line)} ({key})")
        )
    if problems:
        raise InputError(source, sorted(problems, key=lambda p: p.row or 0))
    for col in spec.columns:
        if col.type == "count":
            frame[col.name] = frame[col.name].astype("Int64")
        elif col.type == "decimal":
            frame[col.name] = frame[col.name].astype("Float64")
    return frame


def _texts(values: list[Any], col: ColumnSpec, report: Callable[[int, str, str], None]) -> list[str | None]:
    """A text column's cells stripped, a cell that is no text or empty reported and None, a period checked."""
    if set(map(type, values)) <= {str}:
        texts: list[str | None] = list(map(str.strip, values))
    else:
        texts = [value.strip() if isinstance(value, str) else None for value in values]
    if not all(texts):
        for number, (value, text) in enumerate(zip(values, texts, strict=True), start=1):
            if not text:
                report(number, col.label, f"expected text, got {value!r}")
                texts[number - 1] = None
    if col.name == "periode":
        why = {text: period_problem(text) for text in set(texts) if text}
        if any(why.values()):
            for number, text in enumerate(texts, start=1):
                if text and why[text]:
                    report(number, col.label, why[text])
    return texts


def _numbers(values: list[Any], col: ColumnSpec, report: Callable[[int, str, str], None]) -> list[float | int | None]:
    """A number column's cells as numbers: a JSON number in range as it is, every other cell by `parse_number`."""
    if col.type == "count":
        numbers = [value if type(value) is int and -COUNT_LIMIT <= value <= COUNT_LIMIT else _OTHER for value in values]
    else:
        numbers = [
            value
            if type(value) is float and math.isfinite(value)
            else float(value)
            if type(value) is int and -COUNT_LIMIT <= value <= COUNT_LIMIT
            else _OTHER
            for value in values
        ]
    for number, value in enumerate(numbers, start=1):
        if value is not _OTHER:
            continue
        try:
            numbers[number - 1] = parse_number(values[number - 1], col.type)
        except ValueError as exc:
            report(number, col.label, str(exc))
            numbers[number - 1] = None
        else:
            if numbers[number - 1] is None and not col.nullable:
                report(number, col.label, "value is missing")
    return numbers


# A cell `_numbers` leaves to parse_number (a string, null, a bool, an out-of-range number).
_OTHER = object()


def _unit(first_line: int | None) -> str:
    return "row" if first_line is None else "line"


def _number(row: int, first_line: int | None) -> int:
    return row if first_line is None else first_line + row - 1
