"""Golden tests of the forløb engine (warehouse/forloeb.py) with hand-made persons: one rule each."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.bench_forloeb import dimensions
from pipelines.sources.dream_runs import runs_sql
from pipelines.sources.personer import week_number
from warehouse import forloeb

HERNING, HOLSTEBRO = "657", "661"
HORISONT = dt.date(2024, 12, 31)


@pytest.fixture
def conn():
    conn = duckdb.connect()
    dimensions(conn)
    forloeb.create_inputs(conn)
    for kommune in (HERNING, HOLSTEBRO):
        conn.execute(
            "insert into person.udtraek values ('fagsystem', ?, 'extract', ?, null, null)", [kommune, HORISONT]
        )
    yield conn
    conn.close()


def add_forloeb(conn, rows):
    """rows: (person_nr, kommune, maalgruppe, start, slut or None)."""
    start = conn.execute("select count(*) from person.maalgruppeforloeb").fetchone()[0]
    for n, row in enumerate(rows, start=start + 1):
        conn.execute("insert into person.maalgruppeforloeb values (?, ?, ?, ?, ?, ?)", [n, *row])


def add_weeks(conn, person, kommune, code, weeks):
    """Weekly DREAM rows, stored as the engine reads them: as runs, encoded by ingest's SQL."""
    conn.execute(
        "create or replace temp table uger (person_nr integer, kommune_kode varchar, uge integer, kode smallint)"
    )
    conn.executemany("insert into uger values (?, ?, ?, ?)", [[person, kommune, w, code] for w in weeks])
    conn.execute(f"insert into person.dream_perioder {runs_sql('select * from uger', keys='person_nr, kommune_kode')}")


def cover_dream(conn, kommune, first, last):
    """The DREAM extract covers `kommune` from week `first` to week `last`."""
    conn.execute("insert into person.udtraek values ('dream', ?, 'extract', null, ?, ?)", [kommune, first, last])


def build(conn, gap=4):
    """The code lists and the DREAM spells, as the engine builds them before its marts."""
    forloeb.load_code_lists(conn)
    forloeb.build_spells(conn, gap)


def mart_rows(conn, mart_sql, columns, where, params=None):
    """`columns` of a mart's rows (`mart_sql`, its engine query) that `where` selects, sorted; the code lists
    loaded first, as the engine does."""
    forloeb.load_code_lists(conn)
    return conn.execute(f"select {columns} from ({mart_sql}) where {where} order by all", params).fetchall()


def into(conn, look_back=31):
    return mart_rows(
        conn,
        forloeb.vandringer_maalgruppe_sql(look_back),
        "periode, omraade_kode, til_maalgruppe, fra_maalgruppe, antal",
        "omraade_kode in ('657', '661')",
    )


def spells(conn, gap, first, last):
    conn.execute("delete from person.udtraek where kilde = 'dream'")
    cover_dream(conn, HERNING, first, last)
    build(conn, gap)
    return conn.execute(
        "select person_nr, start_uge, slut_uge, uger_paa_ydelse, aaben from person.dream_forloeb order by all"
    ).fetchall()


KH = "Kontanthjælpsmodtagere (jobparate)"
DP = "Dagpengemodtagere"
SD = "Sygedagpengemodtagere"


def test_first_forloeb_comes_from_ingen(conn):
    add_forloeb(conn, [(1, HERNING, KH, "2024-03-10", None)])
    assert into(conn) == [("2024M03", HERNING, KH, "Ingen", 1)]


def test_31_day_look_back_counts_and_32_does_not(conn):
    add_forloeb(
        conn,
        [
            (1, HERNING, DP, "2024-01-01", "2024-02-01"),
            (1, HERNING, KH, "2024-03-03", None),  # 31 days
            (2, HERNING, DP, "2024-01-01", "2024-02-01"),
            (2, HERNING, SD, "2024-03-04", None),  # 32 days
        ],
    )
    rows = into(conn)
    assert ("2024M03", HERNING, KH, DP, 1) in rows
    assert ("2024M03", HERNING, SD, "Ingen", 1) in rows
    assert into(conn, look_back=32).count(("2024M03", HERNING, SD, DP, 1)) == 1


def test_latest_ending_wins_and_open_counts_as_latest(conn):
    add_forloeb(
        conn,
        [
            (1, HERNING, DP, "2024-01-01", "2024-03-20"),
            (1, HERNING, SD, "2024-01-05", "2024-03-25"),
            (1, HERNING, KH, "2024-04-01", None),  # SD ended later than DP
            (2, HERNING, SD, "2023-01-01", None),
            (2, HERNING, DP, "2024-01-01", "2024-03-30"),
            (2, HERNING, KH, "2024-04-01", None),  # SD still open: counts as latest
        ],
    )
    rows = [r for r in into(conn) if r[2] == KH]
    assert rows == [("2024M04", HERNING, KH, SD, 2)]


def test_overlapping_forloeb_all_stay_and_sum_to_started(conn):
    add_forloeb(
        conn,
        [
            (1, HERNING, SD, "2024-01-01", None),
            (1, HERNING, KH, "2024-02-01", "2024-05-01"),
            (1, HERNING, DP, "2024-02-01", None),
        ],
    )
    rows = into(conn)
    assert ("2024M02", HERNING, KH, SD, 1) in rows and ("2024M02", HERNING, DP, SD, 1) in rows
    assert sum(r[4] for r in rows) == 3  # every forløb that started is counted once


def test_person_moving_kommune_counts_in_the_new_kommune_and_the_region(conn):
    add_forloeb(conn, [(1, HERNING, DP, "2024-01-01", "2024-02-20"), (1, HOLSTEBRO, KH, "2024-03-01", None)])
    assert ("2024M03", HOLSTEBRO, KH, DP, 1) in into(conn)
    region = conn.execute(
        f"select antal, antal_kommuner_med_vaerdi from ({forloeb.vandringer_maalgruppe_sql(31)}) "
        "where omraade_kode = (select region_kode from mart.dim_omraade where omraade_kode = '661') "
        f"and til_maalgruppe = '{KH}'"
    ).fetchall()
    assert region == [(None, 2)]  # the region has kommuner no extract covers: its count is unknown, not 1


def test_gap_rule_joins_weeks_within_the_gap(conn):
    add_weeks(conn, 1, HERNING, 111, [100, 101, 102, 105, 106])  # two empty weeks inside
    assert spells(conn, 2, 90, 130) == [(1, 100, 106, 5, False)]
    assert spells(conn, 1, 90, 130) == [(1, 100, 102, 3, False), (1, 105, 106, 2, False)]


def test_open_spell_at_the_end_of_the_extract(conn):
    add_weeks(conn, 1, HERNING, 890, [120, 121, 122])
    assert spells(conn, 4, 100, 125) == [(1, 120, 122, 3, True)]  # 3 weeks to the end: it may go on


def test_status_after_a_dream_spell_is_the_run_holding_that_week(conn):
    """A spell of 111 ending in week 2819 (2024-01-21): 1 month after is week 2824, 3 months after week 2832."""
    cover_dream(conn, HERNING, 2800, 2860)
    for person, after in ((1, [(890, range(2822, 2829))]), (2, [(890, range(2822, 2824)), (651, range(2830, 2840))])):
        add_weeks(conn, person, HERNING, 111, range(2810, 2820))
        for code, weeks in after:
            add_weeks(conn, person, HERNING, code, weeks)
    build(conn)
    rows = conn.execute(
        f"select maaneder_efter, status_efter, antal from ({forloeb.vandringer_efter_forloeb_sql()}) "
        f"where omraade_kode = '{HERNING}' and kilde = 'dream' and maalgruppe = 'A-dagpenge' order by all"
    ).fetchall()
    assert rows == [
        (1, "I alt", 2),
        (1, "Selvforsørgelse/ingen ydelse", 1),  # person 2's sygedagpenge run ended in week 2823
        (1, "Sygedagpenge", 1),  # week 2824 inside person 1's run of 2822-2828, not its first week
        (3, "I alt", 2),
        (3, "Selvforsørgelse/ingen ydelse", 1),  # person 1's latest run before week 2832 ended in 2828
        (3, "Uddannelse (SU)", 1),  # a code outside the ydelsesgrupper: its status
    ]


def test_status_after_a_case_system_forloeb_is_the_latest_started_open_one(conn):
    """Three dagpenge forløb end 31 January 2024: 1 month after is 29 February, 3 months after 30 April."""
    add_forloeb(
        conn,
        [
            (1, HERNING, DP, "2024-01-01", "2024-01-31"),
            (1, HERNING, SD, "2024-01-15", "2024-02-29"),  # open on 29 February, its last day
            (1, HERNING, KH, "2024-02-01", None),  # also open then, started later: wins
            (2, HERNING, DP, "2024-01-01", "2024-01-31"),
            (2, HERNING, SD, "2024-02-10", "2024-03-31"),
            (2, HERNING, KH, "2024-02-10", None),  # the same start as SD: the greater label wins (S > K)
            (3, HERNING, DP, "2024-01-01", "2024-01-31"),
            (3, HERNING, SD, "2024-02-01", "2024-02-28"),  # ended the day before: Ingen
        ],
    )
    rows = mart_rows(
        conn,
        forloeb.vandringer_efter_forloeb_sql(),
        "periode, maaneder_efter, status_efter, antal",
        f"omraade_kode = '{HERNING}' and kilde = 'fagsystem' and maalgruppe = '{DP}'",
    )
    assert rows == [
        ("2024Q01", 1, "I alt", 3),
        ("2024Q01", 1, "Ingen", 1),
        ("2024Q01", 1, KH, 1),
        ("2024Q01", 1, SD, 1),
        ("2024Q01", 3, "I alt", 3),
        ("2024Q01", 3, "Ingen", 1),
        ("2024Q01", 3, KH, 2),
    ]


def test_two_codes_in_one_week_fail_the_person_weeks_check(conn):
    cover_dream(conn, HERNING, 90, 130)
    add_weeks(conn, 1, HERNING, 111, range(100, 106))
    build(conn)
    assert conn.execute(forloeb.model("check_person_weeks")).fetchone() == (6, 6, 0)
    add_weeks(conn, 1, HERNING, 890, [104, 120])  # week 104 has a second code
    forloeb.build_spells(conn, 4)
    assert conn.execute(forloeb.model("check_person_weeks")).fetchone() == (8, 8, 1)


def test_week_53_runs_into_week_1():
    assert week_number("y_2101") - week_number("y_2053") == 1
    assert week_number("y_2153") is None  # 2021 has no week 53


def test_afsluttede_and_open_forloeb_in_varigheder(conn):
    add_forloeb(conn, [(1, HERNING, KH, "2024-01-01", "2024-01-14"), (2, HERNING, KH, "2024-02-01", None)])
    build(conn)
    rows = conn.execute(
        f"select periode, maal, varighedsinterval, antal_forloeb, gnsn_varighed_uger from ({forloeb.varigheder_sql()}) "
        f"where omraade_kode = '{HERNING}' and periode = '2024Q01' order by all"
    ).fetchall()
    assert ("2024Q01", "afsluttede", "I alt", 1, 2.0) in rows
    assert ("2024Q01", "afsluttede", "2-4 uger", 1, None) in rows
    assert ("2024Q01", "forloeb", "0-13 uger", 1, None) in rows  # the open one, 9 weeks at 31 March


def test_fuldtidspersoner_count_each_person_week_once(conn):
    cover_dream(conn, HERNING, 2800, 2860)
    add_weeks(conn, 1, HERNING, 111, range(2810, 2830))
    add_weeks(conn, 2, HERNING, 890, range(2810, 2830))
    rows = mart_rows(
        conn,
        forloeb.fuldtidspersoner_sql(),
        "periode, ydelsesgruppe_kode, personer, fuldtidspersoner",
        f"omraade_kode = '{HERNING}' and periode = (select min(periode) from ({forloeb.fuldtidspersoner_sql()}) "
        "where fuldtidspersoner = 2 and ydelsesgruppe_kode = 'ptv_i_alt')",
    )
    assert [r[1:] for r in rows] == [("ptv_a_dagpenge", 1, 1), ("ptv_i_alt", 2, 2), ("ptv_sygedagpenge", 1, 1)]


def test_a_person_with_several_runs_in_a_month_counts_once(conn):
    """December 2023 is weeks 2813-2816. Person 3 changes code inside dagpenge and then has sygedagpenge,
    person 4's second dagpenge run starts in the month the first ended, person 5 moves to Holstebro."""
    for kommune in (HERNING, HOLSTEBRO):
        cover_dream(conn, kommune, 2800, 2860)
    for person, kommune, code, weeks in [
        (3, HERNING, 111, [2813, 2814]),
        (3, HERNING, 130, [2815]),
        (3, HERNING, 890, [2816]),
        (4, HERNING, 111, range(2810, 2814)),
        (4, HERNING, 111, [2815]),
        (5, HERNING, 111, [2813, 2814]),
        (5, HOLSTEBRO, 111, [2816]),
    ]:
        add_weeks(conn, person, kommune, code, weeks)
    rows = mart_rows(
        conn,
        forloeb.fuldtidspersoner_sql(),
        "omraade_kode, ydelsesgruppe_kode, personer, fuldtidspersoner",
        f"periode = '2023M12' and omraade_kode in ('{HERNING}', '{HOLSTEBRO}')",
    )
    assert rows == [
        (HERNING, "ptv_a_dagpenge", 3, 2),  # 7 weeks / 4
        (HERNING, "ptv_i_alt", 3, 2),
        (HERNING, "ptv_sygedagpenge", 1, 0),
        (HOLSTEBRO, "ptv_a_dagpenge", 1, 0),
        (HOLSTEBRO, "ptv_i_alt", 1, 0),
    ]


def test_serving_suppresses_a_status_close_to_its_i_alt():
    """The shipped diskretionering rule: each status after a forløb is a part of the row's I alt."""
    from schemas.forloeb import VandringerEfterForloeb
    from warehouse.diskretionering import copy_suppressed, load_config

    conn = duckdb.connect()
    conn.execute("create schema mart")
    conn.execute(
        """create table mart.vandringer_efter_forloeb as select * from (values
            ('2024Q01', '657', 'Dagpengemodtagere', 'I alt', 1, 20, 100.0, 'fagsystem'),
            ('2024Q01', '657', 'Dagpengemodtagere', 'Ingen', 1, 19, 95.0, 'fagsystem'),
            ('2024Q01', '657', 'Dagpengemodtagere', 'Sygedagpengemodtagere', 1, 1, 5.0, 'fagsystem'),
            ('2024Q01', '661', 'Dagpengemodtagere', 'I alt', 1, 20, 100.0, 'fagsystem'),
            ('2024Q01', '661', 'Dagpengemodtagere', 'Ingen', 1, 10, 50.0, 'fagsystem')
        ) as t(periode, omraade_kode, maalgruppe, status_efter, maaneder_efter, antal, andel_pct, kilde)"""
    )
    config = load_config()
    rule = config.rule_for("mart.vandringer_efter_forloeb", VandringerEfterForloeb)
    copy_suppressed(conn, "mart.vandringer_efter_forloeb", "copy", rule, config)
    out = {
        (k, s): (a, p)
        for k, s, a, p in conn.execute("select omraade_kode, status_efter, antal, andel_pct from copy").fetchall()
    }
    assert out[("657", "Sygedagpengemodtagere")] == (None, None)  # 1: small
    assert out[("657", "Ingen")] == (None, None) and out[("657", "I alt")] == (None, None)  # 20 - 19 = 1
    assert out[("661", "Ingen")] == (10, 50.0) and out[("661", "I alt")] == (20, 100.0)


def test_an_area_whose_kommuner_are_all_covered_is_their_sum(conn):
    region = conn.execute(f"select region_kode from mart.dim_omraade where omraade_kode = '{HERNING}'").fetchone()[0]
    conn.execute(
        "insert into person.udtraek select 'fagsystem', kommune_kode, 'extract', ?, null, null "
        "from mart.omraade_medlemskab where omraade_kode = ? and kommune_kode not in (?, ?)",
        [HORISONT, region, HERNING, HOLSTEBRO],
    )
    add_forloeb(conn, [(1, HERNING, KH, "2024-03-01", None), (2, HOLSTEBRO, KH, "2024-03-05", None)])
    rows = mart_rows(
        conn,
        forloeb.vandringer_maalgruppe_sql(31),
        "antal, antal_kommuner = antal_kommuner_med_vaerdi, datagrundlag, aggregering",
        "omraade_kode = ?",
        [region],
    )
    assert rows == [(2, True, "extract", "kommunesum")]  # the other covered kommuner had nobody: 0, not unknown


def test_publish_refuses_to_serve_the_person_schema(tmp_path):
    from warehouse.publish import publish

    with pytest.raises(ValueError, match="person-level"):
        publish(duckdb.connect(), tmp_path / "serving.duckdb", schemas=("mart", "person"))
    assert not (tmp_path / "serving.duckdb").exists()


def dream_file(lines: list[tuple[str, str, dict[int, int]]]) -> str:
    """A wide DREAM file for 2024's weeks 1-30: (person_id, kommune, {week: code}) per line."""
    header = ";".join(["person_id", "kommune", *(f"y_24{w:02d}" for w in range(1, 31))])
    body = [
        ";".join([person, kommune, *(str(codes.get(w, "")) for w in range(1, 31))]) for person, kommune, codes in lines
    ]
    return "\n".join([header, *body]) + "\n"


def dream_marts(tmp_path, text: str, forloeb_rows=()) -> dict[str, list[tuple]]:
    """The engine from a wide DREAM file read as ingest reads it and case-system rows (person_id, kommune,
    maalgruppe, start, slut): runs, persons, spells, the check, the marts."""
    from pipelines.sources.personer import read_text

    path = tmp_path / "dream.csv"
    path.write_text(text, encoding="utf-8")
    extract = read_text(path, text, "sha")
    landed = tmp_path / "landed.parquet"
    landed.write_bytes(extract.body)
    conn = duckdb.connect()
    dimensions(conn)
    forloeb.create_inputs(conn)
    conn.execute(f"create temp view dream_rows as select * from read_parquet('{landed}')")
    conn.execute(
        "create temp table fagsystem_rows (person_id varchar, kommune_kode varchar, maalgruppe varchar, "
        "startdato date, slutdato date)"
    )
    for row in forloeb_rows:
        conn.execute("insert into fagsystem_rows values (?, ?, ?, ?, ?)", row)
    for kommune in extract.kommuner:
        cover_dream(conn, kommune, *extract.horizon)
        conn.execute(
            "insert into person.udtraek values ('fagsystem', ?, 'extract', ?, null, null)", [kommune, HORISONT]
        )
    forloeb.load_persons(conn)
    build(conn)
    queries = {
        "runs": "select count(*) from person.dream_perioder",
        "personer": "select count(distinct person_nr) from (select person_nr from person.dream_perioder "
        "union all select person_nr from person.maalgruppeforloeb)",
        "into": forloeb.vandringer_maalgruppe_sql(31),
        "check": forloeb.model("check_person_weeks"),
        "spells": "select * from person.dream_forloeb",
        "efter": forloeb.vandringer_efter_forloeb_sql(),
        "varigheder": forloeb.varigheder_sql(),
        "fuldtidspersoner": forloeb.fuldtidspersoner_sql(),
    }
    return {name: conn.execute(f"select * from ({query}) order by all").fetchall() for name, query in queries.items()}


def test_a_persons_weeks_split_over_two_lines_give_the_same_marts_as_one_line(tmp_path):
    """Ingest finds runs per line: a person on two lines of one kommune gets adjacent runs that are not maximal.
    The cuts at weeks 3|4, 12|13 (P1) and 5|6 (P3) fall inside a month, P1's 22|23 at a month's edge. Spells,
    their status after, varigheder and fuldtidspersoner (once per person and month) must not see the cuts."""
    p1 = {**dict.fromkeys(range(1, 10), 111), **dict.fromkeys(range(12, 18), 890), 22: 730, 23: 730}
    p3_herning, p3_holstebro = dict.fromkeys(range(3, 12), 111), dict.fromkeys(range(12, 20), 111)
    p2 = ("P2", "657", dict.fromkeys(range(1, 31), 890))
    whole = [("P1", "657", p1), p2, ("P3", "657", p3_herning), ("P3", "661", p3_holstebro)]

    def cut(codes, weeks):
        return {w: c for w, c in codes.items() if w in weeks}, {w: c for w, c in codes.items() if w not in weeks}

    p1_a, p1_b = cut(p1, {1, 2, 3, 12, 23})
    p3_a, p3_b = cut(p3_herning, {3, 4, 5})
    split = [
        ("P1", "657", p1_a),
        p2,
        ("P3", "657", p3_b),
        ("P1", "657", p1_b),
        ("P3", "661", p3_holstebro),
        ("P3", "657", p3_a),
    ]
    one, two = dream_marts(tmp_path, dream_file(whole)), dream_marts(tmp_path, dream_file(split))
    assert two["runs"][0][0] > one["runs"][0][0]  # the cut made runs that are not maximal
    assert one["check"] == two["check"] and one["check"][0][0] == one["check"][0][1] and one["check"][0][2] == 0
    for name in ("spells", "efter", "varigheder", "fuldtidspersoner"):
        assert one[name], name
        assert two[name] == one[name], name


def test_a_second_code_for_a_person_and_week_on_another_line_is_refused(tmp_path):
    from pipelines.errors import InputError
    from pipelines.sources.personer import read_text

    text = dream_file([("P1", "657", {1: 111, 2: 111}), ("P2", "657", {2: 890}), ("P1", "661", {2: 890, 3: 890})])
    path = tmp_path / "dream.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="a second code for the same person and week") as error:
        read_text(path, text, "sha")
    assert [(p.row, p.column) for p in error.value.problems] == [(4, "y_2402")]


def test_persons_sharing_a_hash_are_numbered_one_by_one(tmp_path, monkeypatch):
    """person_nr is a 64-bit hash of the pseudonym; should two pseudonyms share one, load_persons numbers the
    persons one by one instead. Forced here with a hash of 1 bit: the same persons, the same marts."""
    lines = [("P1", "657", {**dict.fromkeys(range(1, 9), 111), **dict.fromkeys(range(11, 15), 890)})]
    lines += [("P2", "657", dict.fromkeys(range(2, 7), 890)), ("P3", "661", dict.fromkeys(range(1, 30), 111))]
    forloeb_rows = [
        ("P1", "657", DP, dt.date(2024, 1, 1), dt.date(2024, 2, 20)),
        ("P1", "657", KH, dt.date(2024, 3, 1), None),
        ("P2", "657", SD, dt.date(2024, 1, 10), dt.date(2024, 3, 1)),
        ("P4", "661", KH, dt.date(2024, 2, 1), dt.date(2024, 2, 27)),
        ("P4", "661", DP, dt.date(2024, 3, 4), None),
    ]
    hashed = dream_marts(tmp_path, dream_file(lines), forloeb_rows)
    monkeypatch.setattr(forloeb, "PERSON_HASH", "(hash({}) % 2)")
    numbered = dream_marts(tmp_path, dream_file(lines), forloeb_rows)
    assert hashed["personer"] == numbered["personer"] == [(4,)]
    assert ("2024M03", HERNING, KH, DP, 1) in [r[:5] for r in numbered["into"]]
    for name in ("runs", "check", "into", "efter", "varigheder", "fuldtidspersoner"):
        assert numbered[name], name
        assert numbered[name] == hashed[name], name
