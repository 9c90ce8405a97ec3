"""Reading Statistics Denmark BULK and CSV text into a frame of DST codes.

The same reader serves API answers (BULK, codes, Danish) and the files analysts download from
statistikbanken.dk (often labels, sometimes English, sometimes with a BOM). It works out which
one it got, turns labels into codes with the lists in `statbank_tables`, and reports every
problem with the file or request, its line as an editor shows it and the column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.errors import InputError, Problem
from pipelines.sources.periods import period_problem
from pipelines.sources.statbank_tables import label_codes, statbank_tables

TIME = "TID"
VALUE = "INDHOLD"
# ".." is DST's missing token; BULK leaves the cell empty; some exports write "-".
MISSING_TOKENS = frozenset({"", "..", "-"})
# ASCII digits: `\d` alone also matches '٤', which to_numeric would then quietly turn into a missing value.
NUMBER = {"da": re.compile(r"-?\d+(,\d+)?", re.ASCII), "en": re.compile(r"-?\d+(\.\d+)?", re.ASCII)}
# DST value ids are upper-case letters, digits and a few signs: a lower-case letter or a space means a label.
LABEL_SIGN = re.compile(r"[a-zæøå\s]")
ENGLISH_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
FREQUENCY_OF_TIME = {
    "quarterly": re.compile(r"\d{4}[KQ][1-4]"),
    "monthly": re.compile(r"\d{4}M\d{2}"),
    "yearly": re.compile(r"\d{4}"),
}


@dataclass(frozen=True)
class DstTable:
    """A DST table read into codes, with what was found out about the text it came from.

    `frame` has the variable columns in the file's order (ids upper-case: OMRÅDE, KØN, ...), then
    TID (ids such as 2021K2, also where the file said 2021Q2) and INDHOLD (float, NaN where DST
    marks the value missing). Labels become codes; only a table that is not one of ours
    (`table_id` None or not in the config) may keep the labels of a variable we have no code
    list for. `presentation` is "code" or "label"; `lang` is "da" or "en".
    """

    table_id: str | None
    frame: pd.DataFrame
    presentation: str
    lang: str


def _problem(line: int, column: str | None, message: str) -> Problem:
    return Problem(line, column, message, unit="line")


def parse_dst_text(text: str, source: str, table_id: str | None = None) -> DstTable:
    """A whole BULK or CSV text (`;`-separated, header first; a BOM is tolerated)."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(source, [_problem(1, None, "the file is empty")])
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    fields = [next(csv.reader([line], delimiter=";")) for _, line in numbered]
    lines_of_rows = [number for number, _ in numbered[1:]]
    return _parse(fields[0], fields[1:], lines_of_rows, numbered[0][0], source, table_id)


def parse_dst_rows(
    header: list[str], rows: list[list[str]], source: str, table_id: str | None = None, first_line: int = 2
) -> DstTable:
    """Rows already split into fields; `first_line` is the file line of rows[0] (the header is on the line before)."""
    return _parse(header, rows, list(range(first_line, first_line + len(rows))), first_line - 1, source, table_id)


def _parse(
    header: list[str], rows: list[list[str]], lines: list[int], header_line: int, source: str, table_id: str | None
) -> DstTable:
    columns = _read_header(header, header_line, source)
    if not rows:
        raise InputError(source, [_problem(header_line + 1, None, "no data rows after the header")])
    width = [
        _problem(
            line, columns[min(len(row), len(columns) - 1)], f"has {len(row)} fields, the header has {len(columns)}"
        )
        for line, row in zip(lines, rows, strict=True)
        if len(row) != len(columns)
    ]
    if width:
        raise InputError(source, width)
    frame = pd.DataFrame(rows, columns=columns, index=lines, dtype=str).apply(lambda column: column.str.strip())
    english_quarters = bool(frame[TIME].str.fullmatch(ENGLISH_QUARTER).any())
    frame[TIME] = frame[TIME].str.replace(ENGLISH_QUARTER, r"\1K\2", regex=True)
    variables = [c for c in columns if c not in (TIME, VALUE)]

    table_id = _table(table_id, variables, frame[TIME], header_line, source)
    codes = label_codes(table_id)
    presentation = "label" if any(frame[v].str.contains(LABEL_SIGN).any() for v in variables) else "code"
    lang = "en" if english_quarters else _language(frame, variables, codes, presentation)

    keys = [*variables, TIME]
    problems = [_problem(line, column, "empty value") for column in keys for line in frame.index[frame[column] == ""]]
    if table_id in statbank_tables():  # ours are monthly, quarterly or yearly; others may count weeks or days
        problems += [
            _problem(line, TIME, why) for line, tid in frame[TIME].items() if tid and (why := period_problem(tid))
        ]
    if presentation == "label":
        problems += _translate(frame, variables, codes, lang, table_id, header_line)
    values, bad_numbers = _numbers(frame[VALUE], lang)
    problems += bad_numbers
    problems += _duplicates(frame, keys)
    if problems:
        raise InputError(source, sorted(problems, key=lambda p: (p.row, p.column or "")))

    result = frame[keys].reset_index(drop=True)
    result[VALUE] = values.to_numpy()
    return DstTable(table_id, result, presentation, lang)


def _read_header(header: list[str], line: int, source: str) -> list[str]:
    columns = [name.removeprefix("\ufeff").strip().upper() for name in header]
    problems = [_problem(line, None, f"column {n} has no name") for n, name in enumerate(columns, start=1) if not name]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    problems += [_problem(line, name, "appears twice in the header") for name in repeated]
    problems += [
        _problem(line, name, f"no {name} column in the header") for name in (TIME, VALUE) if name not in columns
    ]
    if problems:
        raise InputError(source, problems)
    return columns


def _table(table_id: str | None, variables: list[str], times: pd.Series, line: int, source: str) -> str | None:
    """The given table (checked against the header), or the one known table whose variables and frequency fit."""
    tables = statbank_tables()
    if table_id is not None:
        spec = tables.get(table_id.upper())
        if spec is None:
            return table_id.upper()
        foreign = [v for v in variables if v not in spec.header_variables()]
        if foreign:
            raise InputError(source, [_problem(line, v, f"is not a variable of {spec.table_id}") for v in foreign])
        return spec.table_id
    candidates = candidate_tables(variables, times)
    return candidates[0] if len(candidates) == 1 else None


def candidate_tables_of(header: list[str], rows: list[list[str]]) -> list[str]:
    """The known tables a header and its rows may be (see `candidate_tables`), TID read as `_parse` reads it."""
    columns = [name.removeprefix("\ufeff").strip().upper() for name in header]
    if TIME not in columns:
        return []
    at = columns.index(TIME)
    times = pd.Series([row[at].strip() if at < len(row) else "" for row in rows], dtype=str)
    times = times.str.replace(ENGLISH_QUARTER, r"\1K\2", regex=True)
    return candidate_tables([c for c in columns if c not in (TIME, VALUE)], times)


def candidate_tables(variables: list[str], times: pd.Series) -> list[str]:
    """The known tables a file with these variable columns and TID values may be: the variables fit, and
    where several do, the frequency of TID too (unless no TID fits any: then reading says which are wrong)."""
    if not variables:
        return []
    candidates = [t for t in statbank_tables().values() if set(variables) <= t.header_variables()]
    if len(candidates) > 1:
        frequent = [t for t in candidates if times.str.fullmatch(FREQUENCY_OF_TIME[t.frequency]).all()]
        candidates = frequent or candidates
    return [t.table_id for t in candidates]


def _language(frame: pd.DataFrame, variables: list[str], codes: dict, presentation: str) -> str:
    """By the labels when they tell (more English than Danish ones), else by the decimal sign; Danish by default."""
    if presentation == "label":
        hits = {"da": 0, "en": 0}
        for variable in variables:
            labels = set(frame[variable].unique())
            for lang in hits:
                hits[lang] += len(labels & codes.get(variable, {}).get(lang, {}).keys())
        if hits["en"] != hits["da"]:
            return "en" if hits["en"] > hits["da"] else "da"
    values = frame[VALUE]
    return "en" if values.str.contains(r"\d\.\d").any() and not values.str.contains(",").any() else "da"


def _translate(
    frame: pd.DataFrame, variables: list[str], codes: dict, lang: str, table_id: str | None, header_line: int
) -> list[Problem]:
    """Replace labels by codes in place; a label no list knows is a problem on its line.

    A variable without a code list keeps its labels only when the table is not one of ours (then
    `table_id` is None or unknown to the config); for our own tables that is a problem instead.
    """
    problems = []
    other = "da" if lang == "en" else "en"
    for variable in variables:
        labels = frame[variable]
        if variable not in codes:
            if table_id in statbank_tables() and labels.str.contains(LABEL_SIGN).any():
                problems.append(
                    _problem(
                        header_line,
                        variable,
                        f"{table_id} has no code list for these labels; download the table with codes",
                    )
                )
            continue
        mapping = {**codes[variable][other], **codes[variable][lang]}
        translated = labels.map(mapping)
        unknown = translated.isna() & labels.ne("")
        problems += [
            _problem(line, variable, f"unknown label {label!r} (lang={lang})")
            for line, label in labels[unknown].items()
        ]
        frame[variable] = translated.fillna(labels)
    return problems


def _numbers(values: pd.Series, lang: str) -> tuple[pd.Series, list[Problem]]:
    """INDHOLD as floats (NaN where DST marks a value missing), and a problem for every cell that is text."""
    missing = values.isin(MISSING_TOKENS)
    numeric = values.str.fullmatch(NUMBER[lang])
    sign = "decimal comma" if lang == "da" else "decimal point"
    problems = [
        _problem(line, VALUE, f"{value!r} is not a number (lang={lang}: {sign}, no thousands separator)")
        for line, value in values[~missing & ~numeric].items()
    ]
    cleaned = values.where(numeric & ~missing).str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce").astype(float), problems


def _duplicates(frame: pd.DataFrame, keys: list[str]) -> list[Problem]:
    """A line whose variables and TID repeat an earlier line's: which one wins is not ours to guess."""
    repeated = frame[frame.duplicated(keys, keep=False)]
    problems = []
    for _, group in repeated.groupby(keys, sort=False):
        first, *later = group.index
        key = ", ".join(f"{k}={group.at[first, k]}" for k in keys)
        problems += [_problem(line, ",".join(keys), f"repeats the key of line {first} ({key})") for line in later]
    return problems
