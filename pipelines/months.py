"""The months a run covers: one month range per run, carried as a run tag, not a Dagster partition per month.

The monthly tables (their landing and staging, mart.fuldtidspersoner, mart.ledighed) replace exactly the
months of the run's range. A run without the tag covers every month from 2007M01 to the current month;
`jobindblik run --months`, the nightly run and an ingest narrow it. With a partition per month Dagster wrote
one event per month and asset (1,748 in a full sample run, a fifth of its time); with the range as a tag it
writes one per asset and run. In the UI, add the tag `jobindblik/months` (e.g. `2024M01..2024M06`) in the
launchpad to backfill a range.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

TIMEZONE = "Europe/Copenhagen"
FIRST_YEAR = 2007  # jobindsats' monthly series and DST's AUF tables start in 2007M01
FIRST_MONTH = f"{FIRST_YEAR}M01"
MONTHS_TAG = "jobindblik/months"
MONTH = re.compile(r"^\d{4}M(0[1-9]|1[0-2])$")


def current_month() -> str:
    now = datetime.now(ZoneInfo(TIMEZONE))
    return f"{now.year}M{now.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """`2024M11`, `2025M02` → 2024M11, 2024M12, 2025M01, 2025M02."""
    start, end = 12 * int(first[:4]) + int(first[5:]) - 1, 12 * int(last[:4]) + int(last[5:]) - 1
    return [f"{i // 12}M{i % 12 + 1:02d}" for i in range(start, end + 1)]


def every_month() -> list[str]:
    return months_between(FIRST_MONTH, current_month())


def months_tags(first: str, last: str) -> dict[str, str]:
    """The tags of a run covering `first`..`last` (months, inclusive)."""
    return {MONTHS_TAG: f"{first}..{last}"}


def run_months(tags: Mapping[str, str]) -> list[str]:
    """The months a run with these tags covers: its range, or every month without one."""
    return tagged_months(tags) or every_month()


def tagged_months(tags: Mapping[str, str]) -> list[str] | None:
    """The run's month range, None when it has none (it covers every month)."""
    text = tags.get(MONTHS_TAG)
    if not text:
        return None
    first, _, last = text.partition("..")
    if not (MONTH.match(first) and MONTH.match(last or first)):
        raise ValueError(f"run tag {MONTHS_TAG}={text!r} is not a month range like 2024M01..2024M06")
    return months_between(first, last or first)


def shift_month(month: str, by: int) -> str:
    """The month `by` months after `month` (before, when negative)."""
    i = 12 * int(month[:4]) + int(month[5:]) - 1 + by
    return f"{i // 12}M{i % 12 + 1:02d}"
