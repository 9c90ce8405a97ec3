"""Which periods a row may carry: ones that exist, from 2007, and not after the current month.

Checked when a body or file is read, for jobindsats ids (2024M03, 2024Q01, 2020QMAT02, 2024,
2024MYTD06) and DST time ids (2024M03, 2024K1, 2024) alike, so a row that could never be kept
is an error naming its line or row and value instead of a row dropped later without a word.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from pipelines.months import FIRST_YEAR, TIMEZONE
from schemas.codelists import PERIODE_PATTERNS

DST_QUARTER = re.compile(r"^(\d{4})K(\d)$")
EXAMPLES = "2024M03, 2024Q01, 2020QMAT02, 2024, 2024MYTD06 (DST: 2024K1)"


def period_problem(periode: str) -> str | None:
    """Why a row with this period cannot be kept, or None when it can."""
    now = datetime.now(ZoneInfo(TIMEZONE))
    return _problem(periode, (now.year, now.month))


@cache
def _problem(periode: str, this_month: tuple[int, int]) -> str | None:
    text = DST_QUARTER.sub(r"\1Q0\2", periode)
    kind = next((kind for kind, pattern in PERIODE_PATTERNS.items() if re.fullmatch(pattern, text)), None)
    if kind is None:
        return f"period {periode!r} does not exist (periods look like {EXAMPLES})"
    year = int(text[:4])
    if year < FIRST_YEAR:
        return f"period {periode!r} is before {FIRST_YEAR}, where the history this pipeline keeps starts"
    if (year, _last_month_started(kind, text)) > this_month:
        return f"period {periode!r} is in the future (the current month is {this_month[0]}M{this_month[1]:02d})"
    return None


def _last_month_started(kind: str, text: str) -> int:
    """The first month of the period's last month or quarter: a period starting after now is in the future."""
    if kind in ("M", "MYTD"):
        return int(text[-2:])
    if kind in ("Q", "QMAT"):
        return 3 * int(text[-1]) - 2
    return 1
