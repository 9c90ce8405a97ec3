"""Person-level extracts: a case system's målgruppeforløb and a DREAM-format register extract.

Both are recognised from their header (`extracts.read_extract` hands them here):

    person_id;kommune;maalgruppe;startdato;slutdato          målgruppeforløb (`;`-CSV or .xlsx)
    person_id;kommune;y_2401;y_2402;...                      DREAM: one benefit code per week, empty = none

A `person_id` that looks like a CPR number (10 digits or `DDMMYY-XXXX` whose first six digits are a date;
no modulus-11 test) is replaced on read by HMAC-SHA256 under `JOBINDBLIK_PSEUDONYM_KEY`, computed inside
DuckDB, so the number never leaves the reading connection; without the key such a file is refused. Other
ids (a case system's own numbers) are kept as given. What the caller gets is the pseudonymised rows as a
Parquet body for landing (DREAM as runs of weeks, pipelines/sources/dream_runs.py) and the original file's
hash; error messages never quote a person_id and any CPR-like text in them is masked (`scrub`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import InputError, Problem
from pipelines.settings import REFERENCE_DIR
from pipelines.sources.dream_runs import line_runs_sql

SOURCE = "personer"
FORLOEB = "maalgruppeforloeb"
DREAM = "dream"
FORMAT = "personer-parquet"  # what landing holds: the pseudonymised rows, never the file
KEY_VARIABLE = "JOBINDBLIK_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
FORLOEB_HEADER = ("person_id", "kommune", "maalgruppe", "startdato", "slutdato")
WEEK_COLUMN = re.compile(r"^y_(\d{2})(\d{2})$")
# A token that may be a CPR number: checked for a valid date before it counts (see `_is_cpr`).
CPR_TOKEN = re.compile(rb"(?<![0-9])([0-9]{6})-?[0-9]{4}(?![0-9])")
WEEK_ZERO = dt.date(1970, 1, 5)  # a Monday: week numbers count whole weeks from it
MAX_PROBLEMS = 50
DATE_SQL = "coalesce(try_strptime({0}, '%Y-%m-%d'), try_strptime({0}, '%d-%m-%Y'))::date"


@dataclass(frozen=True)
class PersonExtract:
    """A recognised person-level file, already pseudonymised: what landing keeps of it."""

    path: Path
    table_id: str  # FORLOEB | DREAM
    format: str  # "personer-csv" | "xlsx"
    content_hash: str  # sha256 of the original file: landing records it, never the file
    body: bytes  # the pseudonymised rows as Parquet
    rows: int  # DREAM: runs of weeks, not weeks
    kommuner: tuple[str, ...]
    periods: tuple[str, ...]  # the months the rows touch, YYYYMmm
    pseudonymised: int  # how many distinct person_ids looked like CPR numbers and were replaced
    horizon: tuple[int, int] | None = None  # DREAM: first and last week number of the extract
    sheet: str | None = None
    source: str = SOURCE

    def decision(self) -> dict[str, Any]:
        """What landing records beside the body (never a person_id)."""
        return {
            "format": FORMAT,
            "file_format": self.format,
            "original_sha256": self.content_hash,
            "kommuner": list(self.kommuner),
            "rows": self.rows,
            "pseudonymised_ids": self.pseudonymised,
            "horizon_weeks": list(self.horizon) if self.horizon else None,
            "sheet": self.sheet,
        }


def person_kind(header: Sequence[str]) -> str | None:
    """FORLOEB or DREAM when the header is one of the two person-level layouts, else None."""
    names = {str(label).strip().lower() for label in header}
    if names >= set(FORLOEB_HEADER):
        return FORLOEB
    if {"person_id", "kommune"} <= names and any(WEEK_COLUMN.match(name) for name in names):
        return DREAM
    return None


def looks_personal(raw: bytes) -> bool:
    """Whether a file may hold person data: a `person_id` column or any CPR-like number.

    Decides that a refused file is never copied to quarantine, whatever made it fail.
    """
    if b"person_id" in raw[:65536].lower():
        return True
    return any(_is_cpr_date(match.group(1)) for match in CPR_TOKEN.finditer(raw))


def _is_cpr_date(digits: bytes) -> bool:
    try:
        dt.datetime.strptime(digits.decode(), "%d%m%y")
    except ValueError:
        return False
    return True


def scrub(text: str) -> str:
    """`text` with every CPR-like number masked: for error messages a reader or log may show."""
    return CPR_TOKEN.sub(lambda m: b"<cpr>" if _is_cpr_date(m.group(1)) else m.group(0), text.encode("utf-8")).decode(
        "utf-8"
    )


def pseudonym_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer padded keys (RFC 2104), so DuckDB's sha256 can compute the HMAC."""
    import hashlib

    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def pseudonym_key(source: str) -> bytes:
    """The key from the environment, or an InputError naming the variable (its value is never shown)."""
    key = os.environ.get(KEY_VARIABLE, "").encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        what = "is not set" if not key else f"is shorter than {MIN_KEY_BYTES} bytes"
        raise InputError.single(
            source,
            f"person_id holds CPR numbers and {KEY_VARIABLE} {what}: set it to a secret of at least "
            f"{MIN_KEY_BYTES} characters so they can be pseudonymised; the file was not kept",
        )
    return key


def is_cpr_sql(column: str) -> str:
    """SQL: the value looks like a CPR number (no modulus-11 test: numbers since 2007 need not pass it)."""
    return (
        f"(regexp_full_match({column}, '[0-9]{{10}}|[0-9]{{6}}-[0-9]{{4}}') "
        f"and try_strptime(left({column}, 6), '%d%m%y') is not null)"
    )


def pseudonym_sql(column: str) -> str:
    """SQL: HMAC-SHA256(key, the 10 digits) as hex for a CPR-like value, the value itself otherwise.

    $ipad and $opad are the padded keys (`pseudonym_pads`), bound as parameters, never written into SQL.
    """
    digits = f"encode(replace({column}, '-', ''))"
    return f"case when {is_cpr_sql(column)} then sha256($opad || unhex(sha256($ipad || {digits}))) else {column} end"


def week_number(column: str) -> int | None:
    """The week number of a DREAM column `y_YYWW` (ISO year 20YY, or 19YY from 90), None if no such week."""
    match = WEEK_COLUMN.match(column.strip().lower())
    if not match:
        return None
    yy, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar((1900 if yy >= 90 else 2000) + yy, week, 1)
    except ValueError:
        return None
    return (monday - WEEK_ZERO).days // 7


@cache
def kommune_codes() -> dict[str, str]:
    """Kommune name, 3-digit DST code or 4-digit DAWA code → the DST code."""
    with (REFERENCE_DIR / "kommuner.csv").open(encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["er_kommune"] == "true"]
    return {
        **{row["kommunenavn"].lower(): row["kommunekode"] for row in rows},
        **{row["kommunekode"]: row["kommunekode"] for row in rows},
        **{row["kommunekode_dawa"]: row["kommunekode"] for row in rows},
    }


def read_text(path: Path, text: str, digest: str) -> PersonExtract:
    """A `;`-separated person file, read by DuckDB straight from disk (a DREAM file can be large)."""
    source = str(path)
    lines = text.split("\n")
    header_index = next(i for i, line in enumerate(lines) if line.strip())
    header = [label.strip().strip('"') for label in lines[header_index].rstrip("\r").split(";")]
    with duckdb.connect() as conn:
        try:
            conn.execute(
                "create temp table raw_rows as select row_number() over () as linje, * from read_csv(?, "
                "delim = ';', quote = '\"', header = true, all_varchar = true, skip = ?, strict_mode = true, "
                "null_padding = false, normalize_names = false)",
                [source, header_index],
            )
        except duckdb.Error as exc:
            reason = scrub(str(exc).split("\n")[0])
            raise InputError.single(source, f"not a well-formed ';'-separated file: {reason}") from None
        conn.execute(f"update raw_rows set linje = linje + {header_index + 1}")
        return _read(conn, path, header, digest, "personer-csv", None)


def read_grid(
    path: Path, where: str, header: list[str], rows: list[list[Any]], header_line: int, sheet: str | None, digest: str
) -> PersonExtract:
    """A person file from an .xlsx sheet; Excel dates become ISO dates, numbers lose their '.0'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    with tempfile.TemporaryDirectory(prefix="jobindblik-personer-") as tmp:
        text_path = Path(tmp) / "sheet.csv"
        text_path.write_text(buffer.getvalue(), encoding="utf-8")
        extract = read_text(text_path, buffer.getvalue(), digest)
    return PersonExtract(
        path,
        extract.table_id,
        "xlsx",
        digest,
        extract.body,
        extract.rows,
        extract.kommuner,
        extract.periods,
        extract.pseudonymised,
        extract.horizon,
        sheet,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read(
    conn: duckdb.DuckDBPyConnection, path: Path, header: list[str], digest: str, fmt: str, sheet: str | None
) -> PersonExtract:
    source = str(path)
    kind = person_kind(header)
    columns = {label.lower(): label for label in header}
    kommuner = kommune_codes()
    conn.execute("create temp table kommune_map (navn varchar, kommune_kode varchar)")
    conn.executemany("insert into kommune_map values (?, ?)", list(kommuner.items()))
    ident = _q(columns["person_id"])
    cpr_ids = conn.execute(f"select count(distinct {ident}) from raw_rows where {is_cpr_sql(ident)}").fetchone()[0]
    params: dict[str, bytes] = {}
    if cpr_ids:
        params["ipad"], params["opad"] = pseudonym_pads(pseudonym_key(source))

    def person(column: str) -> str:
        return pseudonym_sql(column) if cpr_ids else column

    if kind == FORLOEB:
        _check(conn, source, _forloeb_problems(columns))
        query = f"""
            select {person("r." + ident)} as person_id, k.kommune_kode,
                trim(r.{_q(columns["maalgruppe"])}) as maalgruppe,
                {DATE_SQL.format("trim(r." + _q(columns["startdato"]) + ")")} as startdato,
                {DATE_SQL.format("nullif(trim(r." + _q(columns["slutdato"]) + "), '')")} as slutdato
            from raw_rows as r join kommune_map as k on k.navn = lower(trim(r.{_q(columns["kommune"])}))
            order by kommune_kode, person_id, startdato, maalgruppe"""
        months = (
            "select distinct strftime(d, '%YM%m') from (select startdato as d from rows union all "
            "select slutdato from rows where slutdato is not null)"
        )
        horizon = None
    else:
        weeks = _week_columns(header, source)
        conn.execute("create temp table uge_map (kolonne varchar, uge integer)")
        conn.executemany("insert into uge_map values (?, ?)", list(weeks.items()))
        conn.execute(
            f"create temp table long_rows as select r.linje, u.kolonne, u.uge, trim(r.kode) as kode "
            f"from (unpivot (select linje, {', '.join(_q(c) for c in weeks)} from raw_rows) "
            f"on {', '.join(_q(c) for c in weeks)} into name kolonne value kode) as r "
            f"join uge_map as u using (kolonne) where trim(r.kode) <> ''"
        )
        _check(conn, source, _dream_problems(columns))
        # One pseudonym per line (one person in one kommune), runs found per line: no HMAC per person-week.
        lines = f"""
            select r.linje, {person("r." + ident)} as person_id, k.kommune_kode
            from raw_rows as r join kommune_map as k on k.navn = lower(trim(r.{_q(columns["kommune"])}))"""
        weekly = "select linje, uge, kode::smallint as kode from long_rows"
        query = f"{line_runs_sql(weekly, lines)} order by kommune_kode, person_id, foerste_uge"
        months = (
            "select distinct strftime(date '1970-01-08' + 7 * uge, '%YM%m') from (select distinct uge from long_rows)"
        )
        horizon = (min(weeks.values()), max(weeks.values()))
    conn.execute(f"create temp table rows as {query}", params)
    rows = conn.execute("select count(*) from rows").fetchone()[0]
    if not rows:
        raise InputError.single(source, "no data rows below the header")
    kommune_list = tuple(r[0] for r in conn.execute("select distinct kommune_kode from rows order by 1").fetchall())
    periods = tuple(sorted(r[0] for r in conn.execute(months).fetchall()))
    with tempfile.TemporaryDirectory(prefix="jobindblik-personer-") as tmp:
        target = Path(tmp) / "rows.parquet"
        conn.execute(f"copy rows to '{target}' (format parquet)")
        body = target.read_bytes()
    return PersonExtract(path, kind, fmt, digest, body, rows, kommune_list, periods, cpr_ids, horizon, sheet)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _week_columns(header: list[str], source: str) -> dict[str, int]:
    """Each `y_YYWW` column's week number; a column for a week that does not exist is an error."""
    weeks, problems = {}, []
    for label in header:
        if WEEK_COLUMN.match(label.lower()):
            number = week_number(label)
            if number is None:
                problems.append(Problem(1, label, "no such ISO week (only some years have a week 53)", unit="line"))
            weeks[label] = number
    if problems:
        raise InputError(source, problems)
    return weeks


def _forloeb_problems(columns: dict[str, str]) -> list[str]:
    """SQL yielding (linje, kolonne, besked) for every bad cell of a målgruppeforløb file."""
    pid, kom, grp = _q(columns["person_id"]), _q(columns["kommune"]), _q(columns["maalgruppe"])
    start, slut = _q(columns["startdato"]), _q(columns["slutdato"])
    start_date = DATE_SQL.format(f"trim({start})")
    slut_date = DATE_SQL.format(f"trim({slut})")
    return [
        f"select linje, {_lit(columns['person_id'])}, 'empty person_id' from raw_rows "
        f"where coalesce(trim({pid}), '') = ''",
        _unknown_kommune(kom, columns["kommune"]),
        f"select linje, {_lit(columns['maalgruppe'])}, 'unknown målgruppe ' || coalesce('''' || {grp} || '''', "
        f"'(empty)') || ': not a label in data/reference/maalgrupper.csv' from raw_rows "
        f"where coalesce(trim({grp}), '') not in (select maalgruppe from forloeb_maalgrupper())",
        f"select linje, {_lit(columns['startdato'])}, 'not a date like 2024-03-01 or 01-03-2024: ' || "
        f"coalesce('''' || {start} || '''', '(empty)') from raw_rows where {start_date} is null",
        f"select linje, {_lit(columns['slutdato'])}, 'not a date like 2024-03-01 or 01-03-2024: ''' || {slut} || "
        f"'''' from raw_rows where coalesce(trim({slut}), '') <> '' and {slut_date} is null",
        f"select linje, {_lit(columns['slutdato'])}, 'slutdato ' || {slut} || ' is before startdato ' || {start} "
        f"from raw_rows where {slut_date} < {start_date}",
    ]


def _dream_problems(columns: dict[str, str]) -> list[str]:
    """SQL yielding (linje, kolonne, besked) for every bad cell of a DREAM file (long_rows: the codes)."""
    pid = _q(columns["person_id"])
    return [
        f"select linje, {_lit(columns['person_id'])}, 'empty person_id' from raw_rows "
        f"where coalesce(trim({pid}), '') = ''",
        _unknown_kommune(_q(columns["kommune"]), columns["kommune"]),
        "select linje, kolonne, 'unknown DREAM code ''' || kode || ''': not in data/reference/dream_koder.csv' "
        "from long_rows where try_cast(kode as smallint) is null "
        "or try_cast(kode as smallint) not in (select kode from dream_koder())",
        # only lines whose person_id is on another line too can hold a second code for a person's week
        f"select * from (with flere as (select linje, {pid} as ident from raw_rows "
        f"qualify count(*) over (partition by {pid}) > 1), "
        "uger as (select f.ident, u.linje, u.kolonne, u.uge from long_rows as u join flere as f using (linje)) "
        "select b.linje, b.kolonne, 'a second code for the same person and week (also on line ' || a.linje || ')' "
        "from uger as a join uger as b on a.ident = b.ident and a.uge = b.uge and a.linje < b.linje)",
    ]


def _unknown_kommune(column: str, label: str) -> str:
    return (
        f"select linje, {_lit(label)}, 'unknown kommune ' || coalesce('''' || {column} || '''', '(empty)') || "
        f"': not a kommune name, DST code or DAWA code' from raw_rows "
        f"where lower(trim(coalesce({column}, ''))) not in (select navn from kommune_map)"
    )


def _check(conn: duckdb.DuckDBPyConnection, source: str, queries: list[str]) -> None:
    """Run the problem queries; any hit is an InputError naming line and column (messages scrubbed)."""
    _load_code_lists(conn)
    found = conn.execute(f"select * from ({' union all '.join(queries)}) order by 1, 2 limit {MAX_PROBLEMS}").fetchall()
    if found:
        raise InputError(
            source, [Problem(line, column, scrub(message), unit="line") for line, column, message in found]
        )


def _load_code_lists(conn: duckdb.DuckDBPyConnection) -> None:
    """The målgruppe labels and DREAM codes as table macros the problem queries use."""
    conn.execute(
        "create or replace temp macro forloeb_maalgrupper() as table "
        f"select maalgruppe from read_csv({_lit(str(REFERENCE_DIR / 'maalgrupper.csv'))}, all_varchar = true)"
    )
    conn.execute(
        "create or replace temp macro dream_koder() as table "
        f"select unnest(range(kode_fra, kode_til + 1))::smallint as kode "
        f"from read_csv({_lit(str(REFERENCE_DIR / 'dream_koder.csv'))})"
    )
