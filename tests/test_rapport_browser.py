"""Herning's report in a real browser: headless Chromium opens it without console errors, every section is
there with a rendered chart, a screenshot is kept, and the PDF has no more pages than the report has sections.

Chromium comes from Debian's `chromium` package (.ci/run installs it); without it the test is skipped
and says so.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.chromium import Browser, pdf_pages
from tests.test_rapport import SECTIONS
from warehouse.rapport import write_report
from warehouse.rapport.pdf import find_chromium, print_to_pdf

# Per section: its id, whether it has a heading, a table, and the number of its SVG charts with drawn marks.
INSPECT = """
JSON.stringify(Array.from(document.querySelectorAll('section')).map(s => ({
  id: s.id,
  heading: !!s.querySelector('h2') && s.querySelector('h2').textContent.length > 0,
  tables: s.querySelectorAll('table tbody tr').length,
  charts: Array.from(s.querySelectorAll('figure svg')).filter(svg => {
    const box = svg.getBoundingClientRect();
    const marks = Array.from(svg.querySelectorAll('[id^="maerke"] path, path[id^="maerke"]'))
      .filter(p => (p.getAttribute('d') || '').length > 10);
    return box.width > 100 && box.height > 50 && marks.length > 0;
  }).length,
  synthetic: !!s.querySelector('.syntetisk'),
})))
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it): no browser to test in")
    return found


def test_the_report_opens_in_chromium_with_every_section_and_chart(good_run, chromium, tmp_path):
    serving = tmp_path / "serving.duckdb"
    shutil.copy(good_run[0].with_name("serving.duckdb"), serving)
    (page,) = write_report(serving, "657")
    with Browser(chromium, tmp_path / "profile") as browser:
        browser.open(page)
        sections = json.loads(browser.evaluate(INSPECT))
        screenshot = browser.screenshot()
        printed = browser.pdf()
        errors = browser.errors()
    (tmp_path / "rapport_657.png").write_bytes(screenshot)  # the artefact: pytest keeps its tmp dirs
    print(f"screenshot: {tmp_path / 'rapport_657.png'}")
    assert errors == []
    assert [s["id"] for s in sections] == list(SECTIONS)
    for section in sections:
        assert section["heading"] and section["tables"] > 0 and section["charts"] >= 1, section
    assert any(s["synthetic"] for s in sections)
    assert screenshot.startswith(b"\x89PNG") and len(screenshot) > 50_000
    assert 1 <= pdf_pages(printed) <= len(SECTIONS)


def test_the_pdf_command_prints_one_page_per_section_or_fewer(good_run, chromium, tmp_path):
    serving = tmp_path / "serving.duckdb"
    shutil.copy(good_run[0].with_name("serving.duckdb"), serving)
    html, pdf = write_report(serving, "657", pdf=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and 1 <= pdf_pages(data) <= len(SECTIONS)
    assert print_to_pdf(html)[:4] == b"%PDF"
