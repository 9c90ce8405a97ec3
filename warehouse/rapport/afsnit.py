"""The committee report's sections, each read from serving.duckdb only (so small counts stay suppressed).

Each builder answers the questions a committee asks of one seed paper: how many ledige, compared
with the RAR, hele landet and a year earlier; where the kommune ranks in the benchmark and against
whom; whether it is at risk of skærpet tilsyn; how long forløb last and where people go after.
A section is a table, a chart, the figures' period, their sources and whether any row is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from warehouse.rapport import diagrammer
from warehouse.rapport.tal import MANGLER, periode_tekst, procent, tal

SYNTETISK = "sample-synthetic"
LEDIGHED_KILDE = "jobindsats:y25i01"
LEDIGE_I_ALT = "led_i_alt"
KILDER = {
    "jobindsats": "Kilde: STAR / jobindsats.dk",
    "statbank": "Kilde: Danmarks Statistik",
    "tilsyn": "Kilde: STAR, opgørelse af fokusmål for skærpet tilsyn",
}


class RapportFejl(ValueError):
    """A report that cannot be made as asked (unknown kommune, a period without figures)."""


@dataclass
class Tabel:
    kolonner: list[str]
    raekker: list[list[str]]
    fremhaev: list[bool] = field(default_factory=list)  # rows to set in bold (the kommune's own)
    titel: str = ""


@dataclass
class Afsnit:
    id: str
    titel: str
    periode: str
    tekst: list[str]
    tabeller: list[Tabel]
    diagrammer: list[str]  # inline SVG
    kilder: list[str]
    syntetisk: bool


@dataclass(frozen=True)
class Kommune:
    kode: str
    navn: str
    rar: str
    rar_navn: str


def _df(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return conn.execute(sql, params or []).df()


def _kilder(frame: pd.DataFrame) -> list[str]:
    prefixes = sorted({part.split(":")[0] for k in frame["kilde"].dropna() for part in str(k).split("+")})
    return [KILDER.get(p, f"Kilde: {p}") for p in prefixes]


def _syntetisk(*frames: pd.DataFrame) -> bool:
    return any((f["datagrundlag"] == SYNTETISK).any() for f in frames if not f.empty)


def kommune(conn: duckdb.DuckDBPyConnection, kode: str) -> Kommune:
    row = conn.execute(
        "select o.omraade_kode, o.omraade_navn, o.rar, r.omraade_navn from mart.dim_omraade o "
        "left join mart.dim_omraade r on r.omraade_kode = o.rar where o.omraade_kode = ? and o.niveau = 'kommune'",
        [kode],
    ).fetchone()
    if row is None:
        raise RapportFejl(f"kommune {kode!r} findes ikke i mart.dim_omraade (brug en DST-kode, fx 657 for Herning)")
    return Kommune(*row)


def seneste_maaned(conn: duckdb.DuckDBPyConnection, kode: str) -> str:
    """The newest month with the kommune's nøgletal: the report's period when none is asked for."""
    found = conn.execute(
        "select max(periode) from mart.noegletal where omraade_kode = ? and periodetype = 'M'", [kode]
    ).fetchone()[0]
    if found is None:
        raise RapportFejl(f"serving.duckdb har ingen nøgletal for kommune {kode}")
    return found


def maaned_foer(periode: str, maaneder: int) -> str:
    index = int(periode[:4]) * 12 + int(periode[-2:]) - 1 - maaneder
    return f"{index // 12}M{index % 12 + 1:02d}"


def _kvartal_af(periode: str) -> str:
    return f"{periode[:4]}Q{(int(periode[-2:]) - 1) // 3 + 1:02d}"


def noegletal(conn: duckdb.DuckDBPyConnection, k: Kommune, periode: str) -> Afsnit:
    rows = _df(
        conn,
        "select * from mart.noegletal where omraade_kode = ? and periode = ? order by noegletal",
        [k.kode, periode],
    )
    if rows.empty:
        raise RapportFejl(f"serving.duckdb har ingen nøgletal for {k.navn} ({k.kode}) i {periode}")
    columns = ["Nøgletal", k.navn, "Hele landet", "3 mdr. før", "6 mdr. før", "12 mdr. før", "Ændring 12 mdr."]
    tabel = Tabel(columns, [])
    labels, changes = [], []
    for r in rows.itertuples(index=False):
        d = 1 if r.enhed == "pct" else 0
        change = r.vaerdi - r.vaerdi_12m if pd.notna(r.vaerdi) and pd.notna(r.vaerdi_12m) else None
        change_text = MANGLER if change is None else tal(change, d, fortegn=True) + (" pct.-point" if d else "")
        tabel.raekker.append(
            [r.noegletal_navn]
            + [(procent if d else tal)(v, d) for v in (r.vaerdi, r.hele_landet, r.vaerdi_3m, r.vaerdi_6m, r.vaerdi_12m)]
            + [change_text]
        )
        if r.enhed == "antal" and change is not None and r.vaerdi_12m:
            labels.append(r.noegletal_navn.split(" (")[0])
            changes.append(100 * change / r.vaerdi_12m)
    tekst = []
    brutto = rows.set_index("noegletal")
    if "bruttoledige" in brutto.index:
        b = brutto.loc["bruttoledige"]
        pct = brutto.loc["bruttoledighedsprocent"] if "bruttoledighedsprocent" in brutto.index else None
        share = (
            f", {procent(pct.vaerdi)} af arbejdsstyrken (hele landet {procent(pct.hele_landet)})"
            if pct is not None
            else ""
        )
        tekst.append(
            f"{k.navn} havde {tal(b.vaerdi)} bruttoledige (fuldtidspersoner) i {periode_tekst(periode)}{share}. "
            f"Et år før var der {tal(b.vaerdi_12m)}."
        )
    figure = diagrammer.soejler(labels, changes, "Ændring i pct. over 12 måneder (antal)", decimaler=1)
    return Afsnit(
        "noegletal",
        "Nøgletal",
        periode_tekst(periode),
        tekst,
        [tabel],
        [diagrammer.svg_text(figure)] if labels else [],
        _kilder(rows),
        _syntetisk(rows),
    )


def _placering(lo, hi, antal) -> str:
    if pd.isna(lo):
        return MANGLER
    band = tal(lo) if lo == hi else f"{tal(lo)}-{tal(hi)}"
    return f"{band} af {tal(antal)}"


def benchmark(conn: duckdb.DuckDBPyConnection, k: Kommune, periode: str) -> Afsnit:
    qmat = conn.execute(
        "select max(b.periode) from mart.benchmark b join mart.dim_periode p using (periode) "
        "where b.omraade_kode = ? and p.slut_dato <= (select slut_dato from mart.dim_periode where periode = ?)",
        [k.kode, periode],
    ).fetchone()[0]
    if qmat is None:
        return _tomt("benchmark", "Benchmark (resultatmål)", k, "benchmark")
    rows = _df(
        conn,
        "select b.*, g.ydelsesgruppe as gruppe from mart.benchmark b join mart.dim_ydelsesgruppe g "
        "using (ydelsesgruppe_kode) where b.omraade_kode = ? and b.periode = ? order by g.overgruppe_kode nulls first",
        [k.kode, qmat],
    )
    groups = Tabel(
        [
            "Ydelsesgruppe",
            "Forventet",
            "Faktisk",
            "Forskel",
            "Forventet andel",
            "Faktisk andel",
            "Forskel",
            "Placering",
        ],
        [],
        titel="Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse (andel af de 16-66-årige)",
    )
    for r in rows.itertuples(index=False):
        groups.raekker.append(
            [
                r.gruppe,
                tal(r.forventet_antal),
                tal(r.faktisk_antal),
                tal(r.forskel_antal, fortegn=True),
                procent(r.forventet_andel, 2),
                procent(r.faktisk_andel, 2),
                f"{tal(r.forskel_pct_point, 2, fortegn=True)} pct.-point",
                _placering(r.placering_min, r.placering_max, r.antal_kommuner),
            ]
        )
    compared = _df(
        conn,
        "select s.*, p.placering_min, p.placering_max, p.antal_kommuner from mart.benchmark_sammenligning s "
        "left join mart.benchmark_placering p on p.periode = s.periode and p.omraade_kode = s.omraade_kode "
        "and p.ydelsesgruppe_kode = s.ydelsesgruppe_kode and p.inden_for = s.sammenlignet_med "
        "where s.omraade_kode = ? and s.periode = ? and s.ydelsesgruppe_kode = 'i_alt' "
        "and s.maal = 'forskel_pct_point' order by s.sammenligning_type = 'sammenlignelig', s.sammenlignet_med",
        [k.kode, qmat],
    )
    kind = {
        "land": "",
        "region": "region",
        "rar": "RAR",
        "kommunegruppe": "kommunegruppe",
        "peer": "egen sammenligning",
    }
    comparison = Tabel(
        ["Sammenlignet med", "Forskel (pct.-point)", f"{k.navn}s forskel", f"{k.navn}s placering"],
        [],
        titel="Ydelsesgrupper i alt: forskel mellem faktisk og forventet andel (negativ er bedre end forventet)",
    )
    for r in compared.itertuples(index=False):
        label = "sammenlignelig kommune" if r.sammenligning_type == "sammenlignelig" else kind[r.sammenligning_type]
        comparison.raekker.append(
            [
                f"{r.sammenligning_navn} ({label})" if label else r.sammenligning_navn,
                tal(r.sammenligningsvaerdi, 2, fortegn=True),
                tal(r.vaerdi, 2, fortegn=True),
                _placering(r.placering_min, r.placering_max, r.antal_kommuner)
                if r.sammenligning_type != "sammenlignelig"
                else "",
            ]
        )
    total = rows[rows["ydelsesgruppe_kode"] == "i_alt"]
    tekst = []
    if not total.empty:
        t = total.iloc[0]
        direction = "færre" if t.forskel_antal < 0 else "flere"
        peers = compared.loc[compared["sammenligning_type"] == "sammenlignelig", "sammenligning_navn"].tolist()
        tekst.append(
            f"I {periode_tekst(qmat)} var {tal(t.faktisk_antal)} fuldtidspersoner i {k.navn} på offentlig "
            f"forsørgelse mod forventet {tal(t.forventet_antal)}: {tal(abs(t.forskel_antal))} {direction} end "
            "forventet "
            f"({tal(t.forskel_pct_point, 2, fortegn=True)} pct.-point). {k.navn} ligger nr. "
            f"{_placering(t.placering_min, t.placering_max, t.antal_kommuner)} kommuner (1 er bedst)"
            + (f" og sammenlignes med {' og '.join(peers)} (tættest på i forventet andel)." if peers else ".")
        )
    labels = [k.navn] + [r.sammenligning_navn for r in compared.itertuples(index=False)]
    values = [total.iloc[0].forskel_pct_point if not total.empty else None] + compared["sammenligningsvaerdi"].tolist()
    figure = diagrammer.soejler(
        labels, values, "Faktisk minus forventet andel, pct.-point (i alt)", [True] + [False] * len(compared), 2
    )
    return Afsnit(
        "benchmark",
        "Benchmark (resultatmål)",
        periode_tekst(qmat),
        tekst,
        [groups, comparison],
        [diagrammer.svg_text(figure)],
        _kilder(rows),
        _syntetisk(rows, compared),
    )


def bruttoledige(conn: duckdb.DuckDBPyConnection, k: Kommune, periode: str) -> Afsnit:
    before = maaned_foer(periode, 12)
    areas = _df(
        conn,
        "select omraade_kode, omraade_navn, niveau, sortering from mart.dim_omraade where omraade_kode in "
        "(select kommune_kode from mart.omraade_medlemskab where omraade_kode = ?) or omraade_kode in (?, '000') "
        "order by sortering",
        [k.rar, k.rar],
    )
    rows = _df(
        conn,
        "select omraade_kode, periode, bruttoledige, ledighedsprocent, datagrundlag, kilde from mart.ledighed "
        "where kilde = ? and ydelsesgruppe_kode = ? and periode between ? and ? "
        "and omraade_kode in (select unnest(?))",
        [LEDIGHED_KILDE, LEDIGE_I_ALT, before, periode, areas["omraade_kode"].tolist()],
    )
    at = rows.set_index(["omraade_kode", "periode"])

    def value(code, p, column):
        return at[column].get((code, p))

    order = [k.kode] + [c for c in areas["omraade_kode"] if c not in (k.kode, k.rar, "000")] + [k.rar, "000"]
    names = areas.set_index("omraade_kode")["omraade_navn"]
    tabel = Tabel(
        ["Område", f"Bruttoledige {periode}", "Ledighedsprocent", f"Bruttoledige {before}", "Ændring", "Ændring %"],
        [],
    )
    for code in order:
        now, then = value(code, periode, "bruttoledige"), value(code, before, "bruttoledige")
        change = now - then if pd.notna(now) and pd.notna(then) else None
        tabel.raekker.append(
            [
                names[code],
                tal(now),
                procent(value(code, periode, "ledighedsprocent")),
                tal(then),
                MANGLER if change is None else tal(change, fortegn=True),
                MANGLER if change is None or not then else tal(100 * change / then, 1, fortegn=True),
            ]
        )
        tabel.fremhaev.append(code == k.kode)
    # An index (12 months earlier = 100) puts a kommune, its RAR and the country on one scale; the RAR has no
    # ledighedsprocent, since the source publishes no arbejdsstyrke for it.
    months = [maaned_foer(periode, m) for m in range(24, -1, -1)]
    series = _df(
        conn,
        "select omraade_kode, periode, bruttoledige from mart.ledighed where kilde = ? and ydelsesgruppe_kode = ? "
        "and periode between ? and ? and omraade_kode in (?, ?, '000')",
        [LEDIGHED_KILDE, LEDIGE_I_ALT, months[0], periode, k.kode, k.rar],
    ).set_index(["omraade_kode", "periode"])["bruttoledige"]
    lines = {}
    for code in (k.kode, k.rar, "000"):
        base = series.get((code, before))
        lines[names[code]] = [
            100 * series[(code, m)] / base if base and pd.notna(series.get((code, m))) else None for m in months
        ]
    figure = diagrammer.linjer(months, lines, f"Bruttoledige, indeks ({before} = 100)")
    own, rar, land = (value(c, periode, "bruttoledige") for c in (k.kode, k.rar, "000"))
    pct_own, pct_land = (procent(value(c, periode, "ledighedsprocent")) for c in (k.kode, "000"))
    then = value(k.kode, before, "bruttoledige")
    change = 100 * (own - then) / then if pd.notna(own) and pd.notna(then) and then else None
    rar_then = value(k.rar, before, "bruttoledige")
    rar_change = 100 * (rar - rar_then) / rar_then if pd.notna(rar) and pd.notna(rar_then) and rar_then else None
    tekst = [
        (
            f"I {periode_tekst(periode)} havde {k.navn} {tal(own)} bruttoledige ({pct_own} af arbejdsstyrken), "
            f"{k.rar_navn} {tal(rar)} og hele landet {tal(land)} ({pct_land}). For et år siden havde {k.navn} "
            f"{tal(then)}: en ændring på {procent(change, 1, fortegn=True)} mod "
            f"{procent(rar_change, 1, fortegn=True)} i {k.rar_navn}."
        ),
        f"{k.rar_navn} har ingen ledighedsprocent: kilden offentliggør ikke arbejdsstyrken for RAR.",
    ]
    return Afsnit(
        "bruttoledige",
        f"Bruttoledige i {k.rar_navn} og dens kommuner",
        f"{periode_tekst(periode)} og 12 måneder før",
        tekst,
        [tabel],
        [diagrammer.svg_text(figure)],
        _kilder(rows),
        _syntetisk(rows),
    )


def tilsyn(conn: duckdb.DuckDBPyConnection, k: Kommune, periode: str) -> Afsnit:
    month = conn.execute(
        "select max(periode) from mart.tilsyn_fokusmaal where omraade_kode = ? and periode <= ?", [k.kode, periode]
    ).fetchone()[0]
    if month is None:
        return _tomt("tilsyn", "Skærpet tilsyn: fokusmål og status", k, "fokusmål")
    goals = _df(
        conn,
        "select * from mart.tilsyn_fokusmaal where omraade_kode = ? and aar = ? and periode <= ? order by periode",
        [k.kode, int(month[:4]), month],
    )
    latest = goals[goals["periode"] == month]
    comparison = {"gt": "mindst", "lt": "højst"}
    tabel = Tabel(
        [
            "Fokusmål",
            "Måling",
            "Andel i måneden",
            "Gns. året til dato",
            "Krav (tærskel)",
            "Krav resten af året",
            "Status",
        ],
        [],
        titel=f"Fokusmål i {periode_tekst(month)}",
    )
    for r in latest.itertuples(index=False):
        tabel.raekker.append(
            [
                r.fokusmaal,
                r.maaling,
                procent(r.maalt_andel_pct),
                procent(r.gennemsnit_aar_til_dato_pct),
                f"{comparison[r.sammenligning]} {procent(r.taerskel_pct, 0)}",
                procent(r.krav_pct),
                {"sikret": "sikret", "mulig": "muligt", "uopnaaelig": "kan ikke nås", "aaret_afsluttet": "året slut"}[
                    r.krav_status
                ]
                + ("" if pd.isna(r.paa_vej) else (", på vej" if r.paa_vej else ", ikke på vej")),
            ]
        )
    status = _df(conn, "select * from mart.tilsyn_status where omraade_kode = ? order by aar desc", [k.kode])
    yes_no = {True: "ja", False: "nej"}
    years = Tabel(
        ["År", "Resultatmål opfyldt", "Fokusmål opfyldt", "Status", "Begrundelse"],
        [],
        titel="Status pr. udvælgelsesår",
    )
    for r in status.itertuples(index=False):
        years.raekker.append(
            [
                str(r.aar),
                yes_no.get(r.resultatmaal_opfyldt, MANGLER) if pd.notna(r.resultatmaal_opfyldt) else MANGLER,
                yes_no.get(r.fokusmaal_opfyldt, MANGLER) if pd.notna(r.fokusmaal_opfyldt) else MANGLER,
                r.status if pd.notna(r.status) else "ukendt",
                r.status_begrundelse,
            ]
        )
    months = sorted(goals["periode"].unique())
    by_goal = goals.set_index(["fokusmaal", "periode"])
    lines = {}
    for goal in latest["fokusmaal"]:
        lines[f"{goal}: gns. året til dato"] = [by_goal["gennemsnit_aar_til_dato_pct"].get((goal, m)) for m in months]
    for goal in latest["fokusmaal"]:
        lines[f"{goal}: krav"] = [by_goal["taerskel_pct"].get((goal, m)) for m in months]
    figure = diagrammer.linjer(months, lines, "Pct.", stiplet=[n for n in lines if n.endswith(": krav")])
    tekst = []
    this_year = status[status["aar"] == int(month[:4])]
    if not this_year.empty:
        s = this_year.iloc[0]
        tekst.append(
            f"{s.aar}: {s.status}."
            if pd.notna(s.status)
            else f"Status for {s.aar} kan ikke afgøres endnu: {s.status_begrundelse}."
        )
    decided = status[status["status"].notna()]
    if not decided.empty:
        tekst.append(f"Seneste afgjorte status: {decided.iloc[0].aar}: {decided.iloc[0].status}.")
    met = ", ".join(
        f"{r.fokusmaal} {'opfyldt' if r.opfyldt_aar_til_dato else 'ikke opfyldt'} året til dato"
        for r in latest.itertuples(index=False)
        if pd.notna(r.opfyldt_aar_til_dato)
    )
    if met:
        tekst.append(f"Fokusmål i {periode_tekst(month)}: {met}.")
    return Afsnit(
        "tilsyn",
        "Skærpet tilsyn: fokusmål og status",
        periode_tekst(month),
        tekst,
        [tabel, years],
        [diagrammer.svg_text(figure)],
        _kilder(goals),
        _syntetisk(goals, status),
    )


def varighed_og_vandringer(conn: duckdb.DuckDBPyConnection, k: Kommune, periode: str) -> Afsnit:
    quarter = _kvartal_af(periode)
    forloeb = _df(
        conn,
        # jobindsats' figures; the rows from person data (kilde fagsystem, dream) name their groups otherwise
        "with v as (select * from mart.varigheder where kilde like 'jobindsats:%'), "
        "newest as (select ydelsesgruppe, max(periode) as periode from v where omraade_kode = ? "
        "and maal = 'forloeb' and periode <= ? and antal_forloeb is not null group by 1) "
        "select v.* from v join newest using (ydelsesgruppe, periode) "
        "where v.omraade_kode = ? and v.maal in ('forloeb', 'afsluttede') order by v.ydelsesgruppe, v.uger_fra",
        [k.kode, quarter, k.kode],
    )
    if forloeb.empty:
        return _tomt("varighed", "Varighed og vandringer", k, "varigheder")
    counted = forloeb[(forloeb["maal"] == "forloeb") & forloeb["uger_fra"].notna()]
    intervals = counted.drop_duplicates("varighedsinterval").sort_values("uger_fra")["varighedsinterval"].tolist()
    tabel = Tabel(["Ydelsesgruppe", "Kvartal", "Forløb i alt", *intervals, "Gns. varighed, afsluttede (uger)"], [])
    shares: dict[str, list[float]] = {i: [] for i in intervals}
    groups = []
    for group, rows in forloeb.groupby("ydelsesgruppe", sort=True):
        parts = rows[rows["maal"] == "forloeb"].set_index("varighedsinterval")["antal_forloeb"]
        total = parts.drop(labels=[i for i in parts.index if i not in intervals]).sum(min_count=1)
        mean = rows.loc[(rows["maal"] == "afsluttede") & (rows["varighedsinterval"] == "I alt"), "gnsn_varighed_uger"]
        tabel.raekker.append(
            [group, rows["periode"].iloc[0], tal(total)]
            + [tal(parts.get(i)) for i in intervals]
            + [tal(mean.iloc[0] if len(mean) else None, 1)]
        )
        if pd.notna(total) and total:
            groups.append(group)
            for i in intervals:
                shares[i].append(100 * (parts.get(i) or 0) / total)
    moves = _df(
        conn,
        "with newest as (select maaneder_efter, max(periode) as periode from mart.vandringer where omraade_kode = ? "
        "and fra = 'A-dagpenge' and periode <= ? and andel_pct is not null group by 1) "
        "select v.* from mart.vandringer v join newest using (maaneder_efter, periode) "
        "where v.omraade_kode = ? and v.fra = 'A-dagpenge' and v.til <> 'I alt' order by v.til",
        [k.kode, quarter, k.kode],
    )
    after = moves.pivot_table(index="til", columns="maaneder_efter", values="andel_pct", dropna=False)
    when = moves.drop_duplicates("maaneder_efter").set_index("maaneder_efter")["periode"].to_dict()
    vandringer = Tabel(
        ["Status efter forløb på a-dagpenge"] + [f"Efter {m} md. ({when[m]})" for m in sorted(when)],
        [[til] + [procent(after.loc[til, m]) for m in sorted(when)] for til in after.index],
        titel="Hvor er borgerne efter et afsluttet forløb på a-dagpenge (andel af de afsluttede)",
    )
    charts = [diagrammer.svg_text(diagrammer.stablede(groups, shares, "Andel af forløbene i kvartalet, pct."))]
    if when:
        last = max(when)
        ordered = after[last].dropna().sort_values(ascending=False)  # a suppressed share is no bar, not a zero
        charts.append(
            diagrammer.svg_text(
                diagrammer.soejler(
                    ordered.index.tolist(), ordered.tolist(), f"Andel {last} md. efter forløb på a-dagpenge, pct."
                )
            )
        )
    periods = sorted(set(forloeb["periode"]))
    return Afsnit(
        "varighed",
        "Varighed og vandringer",
        ", ".join(periode_tekst(p) for p in periods),
        [
            (
                "Forløbenes varighed pr. ydelsesgruppe i det seneste kvartal med tal til og med "
                f"{periode_tekst(quarter)}, og hvor borgerne er 1 og 3 måneder efter et afsluttet forløb "
                "på a-dagpenge."
            )
        ],
        [tabel, vandringer],
        charts,
        _kilder(pd.concat([forloeb, moves])),
        _syntetisk(forloeb, moves),
    )


def _tomt(id_: str, titel: str, k: Kommune, hvad: str) -> Afsnit:
    """A section without figures says so instead of leaving it out: the reader should know it was looked for."""
    return Afsnit(
        id_, titel, "", [f"serving.duckdb har ingen {hvad} for {k.navn} til og med perioden."], [], [], [], False
    )


SECTIONS = (noegletal, benchmark, bruttoledige, tilsyn, varighed_og_vandringer)
