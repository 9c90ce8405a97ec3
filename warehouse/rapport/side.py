"""The report as one self-contained HTML page: styles and SVG charts inline, no script, nothing fetched."""

from __future__ import annotations

from html import escape

from warehouse.rapport.afsnit import Afsnit, Kommune, Tabel
from warehouse.rapport.tal import periode_tekst

CSS = """
@page { size: A4; margin: 12mm 12mm 14mm 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #1a1a1a; margin: 0 auto;
       max-width: 190mm; line-height: 1.35; }
header { border-bottom: 3px solid #b5121b; margin-bottom: 8px; }
h1 { font-size: 17pt; margin: 8px 0 2px; }
h2 { font-size: 13pt; margin: 0 0 2px; color: #b5121b; }
h3 { font-size: 10pt; margin: 8px 0 2px; }
section { margin: 14px 0 10px; break-inside: auto; }
.periode, .dannet { color: #555; margin: 0 0 4px; }
.syntetisk { background: #fff3cd; border: 2px solid #d08c00; color: #6b4500; font-weight: bold; padding: 4px 8px;
             margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4px 0; break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f2f2; }
tr.egen td { font-weight: bold; background: #fbeaea; }
figure { margin: 4px 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
.kilde { font-size: 8pt; color: #555; margin: 2px 0 0; }
"""


def _table(tabel: Tabel) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in tabel.kolonner)
    rows = []
    for i, row in enumerate(tabel.raekker):
        own = ' class="egen"' if i < len(tabel.fremhaev) and tabel.fremhaev[i] else ""
        rows.append(f"<tr{own}>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>")
    title = f"<h3>{escape(tabel.titel)}</h3>" if tabel.titel else ""
    return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


SYNTHETIC = "Syntetiske data: tallene i dette afsnit er helt eller delvist opdigtede (datagrundlag sample-synthetic)."


def _section(afsnit: Afsnit) -> str:
    parts = [f'<section id="{afsnit.id}" class="afsnit">', f"<h2>{escape(afsnit.titel)}</h2>"]
    if afsnit.periode:
        parts.append(f'<p class="periode">Periode: {escape(afsnit.periode)}</p>')
    if afsnit.syntetisk:
        parts.append(f'<p class="syntetisk">{SYNTHETIC}</p>')
    parts += [f"<p>{escape(t)}</p>" for t in afsnit.tekst]
    parts += [_table(t) for t in afsnit.tabeller]
    parts += [f'<figure class="diagram">{svg}</figure>' for svg in afsnit.diagrammer]
    parts += [f'<p class="kilde">{escape(k)}</p>' for k in afsnit.kilder]
    parts.append("</section>")
    return "\n".join(parts)


def html(k: Kommune, periode: str, sections: list[Afsnit], dannet: str) -> str:
    synthetic = any(s.syntetisk for s in sections)
    banner = (
        '<p class="syntetisk">Rapporten bygger på projektets eksempeldata. Afsnit markeret med gult indeholder '
        "syntetiske, opdigtede tal og må ikke læses som statistik.</p>"
        if synthetic
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Beskæftigelsesrapport {escape(k.navn)} {escape(periode)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Beskæftigelsesrapport: {escape(k.navn)} Kommune</h1>
<p class="periode">Til beskæftigelsesudvalget, {escape(periode_tekst(periode))} ({escape(periode)}).
{escape(k.navn)} hører til {escape(k.rar_navn)}.</p>
<p class="dannet">Dannet {escape(dannet)} af jobindblik fra serving.duckdb (små antal er diskretioneret: –).</p>
{banner}
</header>
{"".join(_section(s) for s in sections)}
</body>
</html>
"""
