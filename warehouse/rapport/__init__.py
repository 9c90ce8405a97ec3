"""The committee report: one kommune's employment figures as the papers jobcentres write, from serving.duckdb.

`write_report` reads the serving copy read-only (never the working warehouse, so small counts stay
suppressed), builds the sections (afsnit.py), and writes `<kode>_<periode>.html` (and a PDF by
headless Chromium, pdf.py) into the reports folder beside serving, each replaced atomically.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime
from pathlib import Path

import duckdb

CONFIG = Path(__file__).resolve().parents[2] / "pipelines" / "config" / "rapport.toml"
FOLDER = "rapporter"


def configured_kommuner(path: Path = CONFIG) -> list[str]:
    """The kommuner whose report every run writes (pipelines/config/rapport.toml)."""
    kommuner = tomllib.loads(path.read_text(encoding="utf-8")).get("kommuner", [])
    bad = [k for k in kommuner if not re.fullmatch(r"\d{3}", str(k))]
    if bad:
        raise ValueError(f"{path}: kommuner must be three-digit DST codes as strings, not {bad}")
    return [str(k) for k in kommuner]


def report_folder(serving: Path) -> Path:
    return serving.parent / FOLDER


def _write_atomically(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def write_report(serving: Path, kommune: str, periode: str | None = None, pdf: bool = False) -> list[Path]:
    """The kommune's report for `periode` (default: its newest month) as HTML (and PDF); the files written."""
    from warehouse.rapport.afsnit import SECTIONS, RapportFejl, seneste_maaned
    from warehouse.rapport.afsnit import kommune as find_kommune
    from warehouse.rapport.side import html

    if not serving.exists():
        raise RapportFejl(f"{serving} findes ikke: kør `jobindblik run` (eller `make run`) først")
    if periode is not None and not re.fullmatch(r"\d{4}M(0[1-9]|1[0-2])", periode):
        raise RapportFejl(f"--periode {periode!r} er ikke en måned som 2026M07")
    with duckdb.connect(str(serving), read_only=True) as conn:
        k = find_kommune(conn, kommune)
        periode = periode or seneste_maaned(conn, k.kode)
        sections = [build(conn, k, periode) for build in SECTIONS]
    folder = report_folder(serving)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{k.kode}_{periode}.html"
    _write_atomically(page, html(k, periode, sections, f"{datetime.now():%d-%m-%Y %H:%M}").encode("utf-8"))
    written = [page]
    if pdf:
        from warehouse.rapport.pdf import print_to_pdf

        target = page.with_suffix(".pdf")
        _write_atomically(target, print_to_pdf(page))
        written.append(target)
    return written
