"""The committee report: what a reader of Herning's page can answer without the database, in Danish.

Every expected figure is read from the same serving copy with SQL here, then looked for in the page
in Danish number format, so the test checks the report against the data rather than against itself.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from warehouse.rapport import configured_kommuner, write_report
from warehouse.rapport.afsnit import RapportFejl, maaned_foer
from warehouse.rapport.side import SYNTHETIC
from warehouse.rapport.tal import procent, tal

SECTIONS = ("noegletal", "benchmark", "bruttoledige", "tilsyn", "varighed")


class _Sections(HTMLParser):
    """The text, tables and SVG charts of each <section id=...> of a page."""

    def __init__(self):
        super().__init__()
        self.current: str | None = None
        self.sections: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.current = attrs["id"]
            self.sections[self.current] = {"text": "", "tables": 0, "svgs": 0}
        elif self.current and tag in ("table", "svg"):
            self.sections[self.current][f"{tag}s"] += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.sections[self.current]["text"] += data


@pytest.fixture(scope="module")
def herning(good_run, tmp_path_factory) -> tuple[Path, str, dict]:
    """Herning's report from a private copy of the good run's serving copy: (serving, page text, sections)."""
    serving = tmp_path_factory.mktemp("rapport") / "serving.duckdb"
    shutil.copy(good_run[0].with_name("serving.duckdb"), serving)
    (page,) = write_report(serving, "657")
    parser = _Sections()
    text = page.read_text(encoding="utf-8")
    parser.feed(text)
    return serving, text, parser.sections


def _one(serving: Path, sql: str, params: list):
    with duckdb.connect(str(serving), read_only=True) as conn:
        return conn.execute(sql, params).fetchone()


def test_every_section_has_a_table_a_chart_a_period_and_its_source(herning):
    _, page, sections = herning
    assert list(sections) == list(SECTIONS)
    for name, section in sections.items():
        assert section["tables"] >= 1 and section["svgs"] >= 1, name
        assert "Periode: " in section["text"], name
        assert "Kilde: STAR / jobindsats.dk" in section["text"] or "Kilde: STAR," in section["text"], name
    assert '<html lang="da">' in page
    assert not re.search(r"<(script|link|img)\b", page)  # self-contained: nothing to fetch


def test_synthetic_figures_are_marked_where_they_are_used(herning):
    serving, _, sections = herning
    assert SYNTHETIC in sections["tilsyn"]["text"]  # the fokusmål counts are synthetic in the sample
    assert SYNTHETIC in sections["varighed"]["text"]
    real = _one(
        serving,
        "select count(*) from mart.benchmark where omraade_kode = '657' and datagrundlag = 'sample-synthetic'",
        [],
    )
    assert (SYNTHETIC in sections["benchmark"]["text"]) == (real[0] > 0)


def test_a_reader_learns_herning_s_ledige_against_rar_land_and_a_year_before(herning):
    serving, _, sections = herning
    periode = _one(
        serving, "select max(periode) from mart.noegletal where omraade_kode = '657' and periodetype = 'M'", []
    )[0]
    before = maaned_foer(periode, 12)
    query = (
        "select bruttoledige, ledighedsprocent from mart.ledighed where omraade_kode = ? and periode = ? "
        "and kilde = 'jobindsats:y25i01' and ydelsesgruppe_kode = 'led_i_alt'"
    )
    own, own_pct = _one(serving, query, ["657", periode])
    rar, _ = _one(serving, query, ["RAR7", periode])
    land, land_pct = _one(serving, query, ["000", periode])
    then, _ = _one(serving, query, ["657", before])
    text = sections["bruttoledige"]["text"]
    for expected in (tal(own), procent(own_pct), tal(rar), "RAR Vestjylland", tal(land), procent(land_pct), tal(then)):
        assert expected in text, expected
    assert f"{tal(own)} bruttoledige" in sections["noegletal"]["text"]
    assert re.search(r"\d\.\d{3}", text) and re.search(r"\d,\d", text)  # Danish separators: 91.583 and 2,1


def test_a_reader_learns_herning_s_benchmark_rank_and_comparisons(herning):
    serving, _, sections = herning
    periode, faktisk, forventet, best, worst, n = _one(
        serving,
        "select periode, faktisk_antal, forventet_antal, placering_min, placering_max, antal_kommuner "
        "from mart.benchmark where omraade_kode = '657' and ydelsesgruppe_kode = 'i_alt' order by periode desc limit 1",
        [],
    )
    text = sections["benchmark"]["text"]
    assert tal(faktisk) in text and tal(forventet) in text
    assert f"nr. {best if best == worst else f'{best}-{worst}'} af {n} kommuner" in text
    with duckdb.connect(str(serving), read_only=True) as conn:
        peers = conn.execute(
            "select sammenligning_navn from mart.benchmark_sammenligning where omraade_kode = '657' and periode = ? "
            "and ydelsesgruppe_kode = 'i_alt' and sammenligning_type = 'sammenlignelig' and maal = 'forventet_andel'",
            [periode],
        ).fetchall()
    assert peers and all(f"{name} (sammenlignelig kommune)" in text for (name,) in peers)


def test_a_reader_learns_whether_herning_risks_skaerpet_tilsyn(herning):
    serving, _, sections = herning
    text = sections["tilsyn"]["text"]
    decided = _one(
        serving,
        "select aar, status from mart.tilsyn_status where omraade_kode = '657' and status is not null "
        "order by aar desc limit 1",
        [],
    )
    assert f"Seneste afgjorte status: {decided[0]}: {decided[1]}." in text
    latest = _one(serving, "select max(aar) from mart.tilsyn_status where omraade_kode = '657'", [])[0]
    assert f"Status for {latest}" in text or f"{latest}: " in text
    threshold = _one(
        serving,
        "select taerskel_pct from mart.tilsyn_fokusmaal where omraade_kode = '657' and fokusmaal = 'samtaler' "
        "order by periode desc limit 1",
        [],
    )[0]
    assert "Krav (tærskel)" in text and f"mindst {procent(threshold, 0)}" in text


def test_the_command_writes_a_chosen_month_and_refuses_an_unknown_kommune(herning, monkeypatch, capsys):
    serving = herning[0]
    monkeypatch.setenv("JOBINDBLIK_WAREHOUSE", str(serving.with_name("jobindblik.duckdb")))
    assert main(["rapport", "--kommune", "657", "--periode", "2025M07"]) == 0
    assert (serving.parent / "rapporter" / "657_2025M07.html").exists()
    assert main(["rapport", "--kommune", "999"]) == 1
    assert "kommune '999' findes ikke" in capsys.readouterr().err
    with pytest.raises(RapportFejl, match="2026M13"):
        write_report(serving, "657", "2026M13")


def test_the_configured_kommuner_are_kommuner():
    assert configured_kommuner() and all(re.fullmatch(r"\d{3}", k) for k in configured_kommuner())
