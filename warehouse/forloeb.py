"""The forløb engine: spells, vandringer, varigheder and fuldtidspersoner from person-level data, in DuckDB.

Input, in the `person` schema (never published: warehouse/publish.py refuses it):
- `person.maalgruppeforloeb(forloeb_nr, person_nr, kommune_kode, maalgruppe, startdato, slutdato)`;
- `person.dream_perioder(person_nr, kommune_kode, kode, foerste_uge, sidste_uge)`: the DREAM runs (a person's
  consecutive weeks with one code in one kommune, pipelines/sources/dream_runs.py), weeks counted from Monday
  1970-01-05; no pass of the engine touches every person-week;
- `person.udtraek(kilde, kommune_kode, datagrundlag, horisont, foerste_uge, sidste_uge)`: per source
  ('fagsystem', 'dream') the kommuner the extracts cover and how far they reach.
Persons are integers (`person_nr`, a 64-bit hash of the pseudonym), groups small integers: the sorts and joins
over the runs of a billion person-weeks stay narrow. One SQL model per file in warehouse/forloeb/; every area
is summed from the kommuner through mart.omraade_medlemskab, only where the extracts cover all its kommuner
(`_areas`).
The marts' declarations (warehouse/marts.py) call the `*_sql` functions below.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import duckdb

from pipelines.settings import PROJECT_ROOT, REFERENCE_DIR
from warehouse.aggregate import weakest_datagrundlag_of_members

MODELS = Path(__file__).resolve().parent / "forloeb"
CONFIG = PROJECT_ROOT / "pipelines" / "config" / "forloeb.toml"
PERSON_SCHEMA = "person"
ANDEL_NAEVNER = "ingen: beregnet fra DREAM-uger (ingen befolkning at dele med)"
PERSON_HASH = "hash({})"  # a pseudonym's person_nr (`load_persons`)


@cache
def model(name: str) -> str:
    return (MODELS / f"{name}.sql").read_text(encoding="utf-8")


def load_config(path: Path = CONFIG) -> dict[str, int]:
    """The rules' parameters: `gap_uger` (empty weeks inside a DREAM spell), `look_back_dage` (vandringer)."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    config = {"gap": int(raw["gap_uger"]), "look_back": int(raw["look_back_dage"])}
    if config["gap"] < 0 or config["look_back"] < 0:
        raise ValueError(f"{path}: gap_uger and look_back_dage must be 0 or more, not {config}")
    return config


def create_inputs(conn: duckdb.DuckDBPyConnection) -> None:
    """The empty input tables, so the engine runs (to empty marts) before any person data has arrived."""
    conn.execute(f"create schema if not exists {PERSON_SCHEMA}")
    conn.execute(
        "create table if not exists person.maalgruppeforloeb (forloeb_nr bigint, person_nr ubigint, "
        "kommune_kode varchar, maalgruppe varchar, startdato date, slutdato date)"
    )
    conn.execute(
        "create table if not exists person.dream_perioder (person_nr ubigint, kommune_kode varchar, kode smallint, "
        "foerste_uge integer, sidste_uge integer)"
    )
    conn.execute(
        "create table if not exists person.udtraek (kilde varchar, kommune_kode varchar, datagrundlag varchar, "
        "horisont date, foerste_uge integer, sidste_uge integer)"
    )
    conn.execute(
        "create table if not exists person.dream_forloeb (person_nr ubigint, gruppe_nr utinyint, kommune_kode varchar, "
        "start_uge integer, slut_uge integer, uger_paa_ydelse bigint, aaben boolean)"
    )


def load_persons(conn: duckdb.DuckDBPyConnection) -> None:
    """person.maalgruppeforloeb and person.dream_perioder from the landed pseudonymised rows, persons as integers.

    Reads the relations `fagsystem_rows` and `dream_rows` (landing's columns, DREAM as runs). A person's number
    is a 64-bit hash of the pseudonym, so no run or forløb is joined on a 64-character string; it is checked
    that no two distinct pseudonyms share one (at 2 M persons about a 1 in 10 million chance), and if any do,
    the persons are numbered one by one and joined instead. The numbers are identities only (no rule depends
    on their order).
    """
    persons = "select person_id from fagsystem_rows union all select person_id from dream_rows"
    shared = conn.execute(  # distinct (hash, pseudonym) pairs beyond one per hash: exact, no string aggregate
        f"select count(*) - count(distinct h) from (select distinct {PERSON_HASH.format('person_id')} as h, person_id "
        f"from ({persons}))"
    ).fetchone()[0]
    number, join = PERSON_HASH.format("r.person_id"), ""
    if shared:
        conn.execute(
            "create or replace temp table personer as select person_id, (row_number() over ())::ubigint as person_nr "
            f"from (select distinct person_id from ({persons}))"
        )
        number, join = "p.person_nr", "join personer as p using (person_id)"
    conn.execute(
        f"insert into person.maalgruppeforloeb select row_number() over (), {number}, r.kommune_kode, r.maalgruppe, "
        f"r.startdato, r.slutdato from fagsystem_rows as r {join}"
    )
    conn.execute(
        f"insert into person.dream_perioder select {number}, r.kommune_kode, r.kode, r.foerste_uge, r.sidste_uge "
        f"from dream_rows as r {join}"
    )


def prepare(conn: duckdb.DuckDBPyConnection) -> None:
    """What a mart builder needs before it queries: the person tables (empty before any person data) and code lists."""
    create_inputs(conn)
    load_code_lists(conn)


def load_code_lists(conn: duckdb.DuckDBPyConnection) -> None:
    """Temp tables of the code lists (data/reference) and the week → month calendar the models join."""
    ref = str(REFERENCE_DIR)
    conn.execute(
        f"""create or replace temp table forloeb_grupper as
        select row_number() over (order by ydelsesgruppe_kode)::utinyint as gruppe_nr, ydelsesgruppe_kode,
            ydelsesgruppe
        from read_csv('{ref}/ydelsesgrupper.csv')
        where ydelsesgruppe_kode in (select ydelsesgruppe_kode from read_csv('{ref}/dream_koder.csv'))"""
    )
    conn.execute(
        f"""create or replace temp table forloeb_dream_koder as
        select unnest(range(d.kode_fra::integer, d.kode_til::integer + 1))::smallint as kode, g.gruppe_nr,
            d.status_efter
        from read_csv('{ref}/dream_koder.csv', all_varchar = true, nullstr = '') as d
        left join forloeb_grupper as g using (ydelsesgruppe_kode)"""
    )
    conn.execute(
        f"""create or replace temp table forloeb_maalgrupper as
        select maalgruppe, ydelsesgruppe_kode
        from read_csv('{ref}/maalgrupper.csv', all_varchar = true, nullstr = '')"""
    )
    # The case system's forløb with their målgruppe as a number in label order (the code list's labels and any
    # other label the data holds): the joins and counts over millions of forløb carry numbers, ties by label stay
    # ties by number, and the label is put back once per counted row.
    conn.execute(
        """create or replace temp table forloeb_maalgruppe_nr as
        select maalgruppe, (row_number() over (order by maalgruppe))::integer as mg
        from (select maalgruppe from forloeb_maalgrupper union select maalgruppe from person.maalgruppeforloeb)"""
    )
    conn.execute(
        """create or replace temp view forloeb_sager as
        select f.forloeb_nr, f.person_nr, f.kommune_kode, m.mg, f.startdato, f.slutdato
        from person.maalgruppeforloeb as f join forloeb_maalgruppe_nr as m using (maalgruppe)"""
    )
    conn.execute(
        f"""create or replace temp table forloeb_varighedsintervaller as
        select * from read_csv('{ref}/varighedsintervaller.csv', nullstr = '')"""
    )
    # The month of a week is the month of its Thursday, numbered year * 12 + month - 1; a month's weeks are
    # consecutive, so a month is its first and last week. A month counts only when the extract has all its weeks.
    conn.execute(
        "create or replace temp macro forloeb_maaned_nr(uge) as "
        "year(date '1970-01-08' + 7 * uge::integer) * 12 + month(date '1970-01-08' + 7 * uge::integer) - 1"
    )
    conn.execute(
        """create or replace temp table forloeb_maaneder as
        with span as (select min(foerste_uge) as fra, max(sidste_uge) as til from person.udtraek where kilde = 'dream')
        select forloeb_maaned_nr(r.uge) as maaned_nr,
            strftime(date '1970-01-08' + 7 * min(r.uge)::integer, '%YM%m') as maaned,
            min(r.uge)::integer as foerste_uge, max(r.uge)::integer as sidste_uge, count(*) as uger_i_maaned,
            bool_and(r.uge between s.fra and s.til) as hel
        from span as s, range(s.fra - 5, s.til + 6) as r(uge)
        group by maaned_nr"""
    )


def build_spells(conn: duckdb.DuckDBPyConnection, gap: int) -> None:
    """person.dream_forloeb: the DREAM spells (the case system's forløb are used as given)."""
    conn.execute(model("dream_forloeb"), {"gap": gap})


def _areas(base: str, keys: list[str], counts: list[str], means: dict[str, str] | None = None) -> str:
    """SQL: `base`'s kommune rows and every area's rows, summed from the kommuner through the coverage join.

    `base` has `omraade_kode` (a kommune), `kilde` ('fagsystem' or 'dream'), the `keys`, the `counts` and the
    `means` (each weighted by the named count). A covered kommune without a row for a key has none of those
    persons, so an area is summed when the extracts of its kilde cover every kommune of it (person.udtraek),
    else its counts are empty: aggregate.py's rule (a kommune without a value empties the area), with "has a
    value" meaning "is covered". The columns are those of `with_aggregates`.
    """
    means = means or {}
    b_keys = ", ".join(f"b.{k}" for k in keys)
    full = "d.daekkede = d.antal_kommuner"
    summed = [f"case when {full} then sum(b.{c}) end as {c}" for c in counts]
    weighted = [
        f"case when {full} then sum(b.{c} * b.{w}) / nullif(sum(b.{w}), 0) end as {c}" for c, w in means.items()
    ]
    return f"""
    with b as ({base}),
    daekning as (  -- per area and kilde: its kommuner, how many of them the extracts cover, the weakest grundlag
        select m.omraade_kode, x.kilde, any_value(n.antal_kommuner) as antal_kommuner, count(*) as daekkede,
            {weakest_datagrundlag_of_members("x.datagrundlag")} as datagrundlag
        from mart.omraade_medlemskab as m
        join person.udtraek as x on x.kommune_kode = m.kommune_kode
        join (select omraade_kode, count(*) as antal_kommuner from mart.omraade_medlemskab group by all) as n
            using (omraade_kode)
        group by m.omraade_kode, x.kilde
    )
    select b.*, x.datagrundlag, 'kilde' as aggregering, cast(null as double) as kommunesum,
        cast(null as double) as forskel_kommunesum, cast(null as bigint) as antal_kommuner,
        cast(null as bigint) as antal_kommuner_med_vaerdi
    from b join person.udtraek as x on x.kilde = b.kilde and x.kommune_kode = b.omraade_kode
    union all by name
    select m.omraade_kode, {b_keys}, b.kilde, {", ".join([*summed, *weighted])}, d.datagrundlag,
        'kommunesum' as aggregering, case when {full} then sum(b.{counts[0]}) end as kommunesum,
        cast(null as double) as forskel_kommunesum, d.antal_kommuner, d.daekkede as antal_kommuner_med_vaerdi
    from b
    join mart.omraade_medlemskab as m on m.kommune_kode = b.omraade_kode
    join daekning as d on d.omraade_kode = m.omraade_kode and d.kilde = b.kilde
    group by m.omraade_kode, {b_keys}, b.kilde, d.antal_kommuner, d.daekkede, d.datagrundlag"""


def vandringer_maalgruppe_sql(look_back: int) -> str:
    """mart.vandringer_maalgruppe's rows, every area, with the ydelsesgruppe codes of both målgrupper."""
    base = model("vandringer_maalgruppe").replace("$look_back", str(int(look_back)))
    areas = _areas(base, ["periode", "til_maalgruppe", "fra_maalgruppe"], ["antal"])
    return f"""
    select v.*, t.ydelsesgruppe_kode as til_ydelsesgruppe_kode, f.ydelsesgruppe_kode as fra_ydelsesgruppe_kode
    from ({areas}) as v
    left join forloeb_maalgrupper as t on t.maalgruppe = v.til_maalgruppe
    left join forloeb_maalgrupper as f on f.maalgruppe = v.fra_maalgruppe"""


def vandringer_efter_forloeb_sql() -> str:
    """mart.vandringer_efter_forloeb's rows: counts for every area, andel_pct of the row's 'I alt'."""
    areas = _areas(
        model("vandringer_efter_forloeb"), ["periode", "maalgruppe", "status_efter", "maaneder_efter"], ["antal"]
    )
    return f"""
    with v as ({areas})
    select v.*, round(100.0 * v.antal / nullif(t.antal, 0), 1) as andel_pct
    from v left join v as t
        on t.periode = v.periode and t.omraade_kode = v.omraade_kode and t.maalgruppe = v.maalgruppe
        and t.maaneder_efter = v.maaneder_efter and t.kilde = v.kilde and t.status_efter = 'I alt'"""


def varigheder_sql() -> str:
    """The person-level rows of mart.varigheder (kilde 'fagsystem' and 'dream'), every area."""
    areas = _areas(
        model("varigheder"),
        ["periode", "ydelsesgruppe", "maal", "varighedsinterval"],
        ["antal_forloeb"],
        means={"gnsn_varighed_uger": "antal_forloeb"},
    )
    return f"""
    select f.*, i.uger_fra, i.uger_til
    from ({areas}) as f left join forloeb_varighedsintervaller as i using (varighedsinterval)"""


def fuldtidspersoner_sql() -> str:
    """The person-level rows of mart.fuldtidspersoner (kilde 'dream'), every area; no share (no population)."""
    areas = _areas(
        model("fuldtidspersoner"),
        ["periode", "ydelsesgruppe_kode", "ydelsesgruppe"],
        ["fuldtidspersoner", "personer"],
    )
    return f"select f.*, cast(null as double) as andel_pct, '{ANDEL_NAEVNER}' as andel_naevner from ({areas}) as f"
