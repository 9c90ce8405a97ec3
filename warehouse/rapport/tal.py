"""Danish number and period text: 1.234,5 and "juli 2026", as the committee papers write them."""

from __future__ import annotations

import math

MAANEDER = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
MANGLER = "–"  # an empty cell: no figure, or a figure suppressed (diskretioneret)


def tal(value, decimaler: int = 0, fortegn: bool = False) -> str:
    """`value` with Danish separators (1.234,5); a dash for no value; `fortegn` writes + before a positive."""
    try:
        number = float(value)
    except (TypeError, ValueError):  # None, pandas' NA
        return MANGLER
    if math.isnan(number):
        return MANGLER
    text = f"{number:{'+' if fortegn else ''},.{decimaler}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def periode_tekst(periode: str) -> str:
    """`2026M07` → juli 2026, `2026Q02` → 2. kvartal 2026, `2022QMAT04` → året til og med 4. kvartal 2022."""
    year = periode[:4]
    if "QMAT" in periode:
        return f"året til og med {int(periode[-2:])}. kvartal {year}"
    if "M" in periode:
        return f"{MAANEDER[int(periode[-2:]) - 1]} {year}"
    if "Q" in periode:
        return f"{int(periode[-2:])}. kvartal {year}"
    return periode


def procent(value, decimaler: int = 1, fortegn: bool = False) -> str:
    """`tal` followed by ' %', or just the dash when there is no value."""
    text = tal(value, decimaler, fortegn)
    return text if text == MANGLER else f"{text} %"
