"""An N-times history of the bundled sample, for `jobindblik bench --scale N`: the real series shifted back in time.

Copy k of a series is the series moved back k times its own span (first to last period, inclusive),
so the copies follow each other without overlap. A period that would fall before 2007, where the
history the pipeline keeps starts, is cut, not wrapped: a long series gets fewer copies. The tilsyn
fokusmål counts stop at the first year the skærpet tilsyn rules cover (2020): the scheme has no
earlier years, and the mart refuses them. Values,
areas and each file's datagrundlag stay as the sample has them; the copy only times the pipeline
at a jobcentre's volume of history.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.months import FIRST_YEAR
from warehouse.tilsyn import load_rules

# Period forms and how many of each fall in a year: jobindsats (2024M03, 2024MYTD06, 2024Q01,
# 2020QMAT02, 2024) and DST's quarters (2024K1); months and years are written alike by both.
_FORMS = (
    (re.compile(r"(\d{4})(M|MYTD)(0[1-9]|1[0-2])"), 12),
    (re.compile(r"(\d{4})(Q0|QMAT0|K)([1-4])"), 4),
    (re.compile(r"(\d{4})()()"), 1),
)
# The period column of the CSV bodies: DST's BULK files and the tilsyn extract.
CSV_PERIOD_COLUMNS = ("TID", "Periode")


@dataclass(frozen=True, order=True)
class Period:
    """A period as a count of its own steps since year 0, so moving it is arithmetic."""

    per_year: int
    tag: str
    index: int

    @classmethod
    def parse(cls, text: str) -> Period:
        for pattern, per_year in _FORMS:
            if match := pattern.fullmatch(text):
                year, tag, step = match.groups()
                return cls(per_year, tag, int(year) * per_year + (int(step) - 1 if step else 0))
        raise ValueError(f"{text!r} is not a period (periods look like 2024M03, 2024Q01, 2020QMAT02, 2024, 2024K1)")

    @property
    def year(self) -> int:
        return self.index // self.per_year

    def moved(self, steps: int) -> Period:
        """`steps` periods later (earlier when negative)."""
        return Period(self.per_year, self.tag, self.index + steps)

    def __str__(self) -> str:
        step = self.index % self.per_year + 1
        if self.per_year == 1:
            return str(self.year)
        return f"{self.year}{self.tag}{step:02d}" if self.per_year == 12 else f"{self.year}{self.tag}{step}"


def copy_periods(periods: Iterable[str], copies: int, first_year: int = FIRST_YEAR) -> list[dict[str, str]]:
    """For copies 1..`copies`, each period of the series -> its period in that copy, before `first_year` left out.

    A series holding several kinds of period (months and quarters) shifts each kind by its own span.
    """
    parsed = {text: Period.parse(text) for text in set(periods)}
    span = {}
    for tag in {period.tag for period in parsed.values()}:
        indexes = [period.index for period in parsed.values() if period.tag == tag]
        span[tag] = max(indexes) - min(indexes) + 1
    result = []
    for k in range(1, copies + 1):
        moved = {text: period.moved(-k * span[period.tag]) for text, period in parsed.items()}
        result.append({text: str(period) for text, period in moved.items() if period.year >= first_year})
    return result


def history_rows(rows: list[list], column: int, copies: int, first_year: int = FIRST_YEAR) -> list[list]:
    """`rows` after their `copies` earlier copies, oldest first, with the period in `column` shifted."""
    maps = copy_periods((str(row[column]) for row in rows), copies, first_year)
    shifted = [
        [*row[:column], mapping[str(row[column])], *row[column + 1 :]]
        for mapping in reversed(maps)
        for row in rows
        if str(row[column]) in mapping
    ]
    return shifted + rows


def jobindsats_history(body: bytes, copies: int) -> bytes:
    """A v3 JSON body (`columns`, `rows`) with its rows' history copies before them."""
    payload = json.loads(body.decode("utf-8-sig"))
    payload["rows"] = history_rows(payload["rows"], payload["columns"].index("Periode"), copies)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def csv_history(body: bytes, copies: int, first_year: int = FIRST_YEAR) -> bytes:
    """A `;` CSV body (DST BULK, tilsyn extract) with its rows' history copies before them."""
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    column = next(header.index(name) for name in CSV_PERIOD_COLUMNS if name in header)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([header, *history_rows(rows, column, copies, first_year)])
    return out.getvalue().encode("utf-8")


def tableinfo_history(info: dict, periods: Iterable[str]) -> dict:
    """A DST tableinfo whose time variable also lists `periods`, in time order, as the live API lists what it has."""
    time = next(variable for variable in info["variables"] if variable.get("time"))
    ids = {str(value["id"]) for value in time["values"]} | set(periods)
    time["values"] = [{"id": text, "text": text} for text in sorted(ids, key=Period.parse)]
    return info


def _csv_periods(body: bytes) -> set[str]:
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    column = next(header.index(name) for name in CSV_PERIOD_COLUMNS if name in header)
    return {row[column] for row in rows}


def build_history(sample: Path, target: Path, scale: int) -> Path:
    """`target`: a copy of the sample folder `sample` holding `scale` times its history (scale 1: the same rows).

    Every file the manifest names is rewritten with its copies; the manifest, and with it each
    file's datagrundlag, is copied as it is.
    """
    if scale < 1:
        raise ValueError(f"scale must be 1 or more, not {scale}")
    shutil.copytree(sample, target)
    with open(target / "manifest.toml", "rb") as f:
        manifest = tomllib.load(f)
    copies = scale - 1
    for file in sorted({entry["file"] for entry in manifest.get("jobindsats", {}).values()}):
        path = target / file
        path.write_bytes(jobindsats_history(path.read_bytes(), copies))
    first_years = {"statbank": FIRST_YEAR, "tilsyn": min(rules.aar_fra for rules in load_rules().regelsaet)}
    for source, first_year in first_years.items():
        for file in sorted({entry["file"] for entry in manifest.get(source, {}).values()}):
            path = target / file
            path.write_bytes(csv_history(path.read_bytes(), copies, first_year))
    for entry in manifest.get("statbank", {}).values():
        info = target / entry["tableinfo"]
        periods = _csv_periods((target / entry["file"]).read_bytes())
        updated = tableinfo_history(json.loads(info.read_text(encoding="utf-8")), periods)
        info.write_text(json.dumps(updated, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
