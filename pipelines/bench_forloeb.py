"""`jobindblik bench-forloeb --persons P --weeks W`: the forløb engine at national scale, one JSON line.

Generates (inside DuckDB, into a temporary folder) a deterministic synthetic DREAM extract and a matching
case-system extract in the form landing holds them (pseudonymised rows in Parquet, 64-character pseudonyms,
DREAM one row per person-week with a code: about half the person-weeks have none, spells of about 8 weeks,
a plausible code mix), then times the engine as the pipeline runs it: from reading those files (persons
made integers, person.*) to the finished mart rows (`wall_s`, generation excluded; `cpu_s` the same span's
CPU seconds over all threads). Reading and pseudonymising the original wide file is ingest's work, not timed
here. `peak_rss_mb` is the whole command's peak resident memory. `pandas_ratio`: for the first 10 M
person-weeks, the time of a straightforward pandas implementation of the DREAM spells and the status 1 and 3
months after each, divided by the engine's time for the same two steps on the same rows, in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.settings import REFERENCE_DIR
from pipelines.sources.personer import WEEK_ZERO
from warehouse import forloeb
from warehouse.dimensions import build_dim_omraade, build_medlemskab

SUBSET_ROWS = 10_000_000
FIRST_YEAR = 2016
# A plausible code mix (DREAM codes from data/reference/dream_koder.csv) for the benefit blocks, by share.
CODES = [(111, 30), (730, 20), (890, 20), (781, 10), (750, 5), (811, 5), (771, 5), (651, 5)]


def settings(conn: duckdb.DuckDBPyConnection, tmp: Path, memory_limit: str) -> None:
    conn.execute(f"set memory_limit = '{memory_limit}'")
    conn.execute(f"set temp_directory = '{tmp / 'spill'}'")
    conn.execute("set threads = 2")
    conn.execute("set preserve_insertion_order = false")


def week_columns(weeks: int) -> dict[str, int]:
    """`y_YYWW` → week number for `weeks` ISO weeks from the first week of FIRST_YEAR."""
    monday = dt.date.fromisocalendar(FIRST_YEAR, 1, 1)
    out = {}
    for i in range(weeks):
        year, week, _ = (monday + dt.timedelta(weeks=i)).isocalendar()
        out[f"y_{year % 100:02d}{week:02d}"] = (monday - WEEK_ZERO).days // 7 + i
    return out


def _code_sql(person: str, block: str) -> str:
    """A code (or null, half the time) for a person's 8-week block, from a hash: deterministic."""
    h = f"hash({person}, {block}) % 100"
    cases, edge = [], 50
    for code, share in CODES:
        edge += share // 2
        cases.append(f"when {h} < {edge} then {code}")
    return f"case when {h} < 50 then null {' '.join(cases)} else {CODES[0][0]} end"


def generate(conn: duckdb.DuckDBPyConnection, tmp: Path, persons: int, weeks: int, subset: int) -> dict[str, Path]:
    """The DREAM and case-system extracts as landing holds them (pseudonymised rows, DREAM long), in Parquet.

    Also the same files for the first `subset` persons (the pandas comparison's rows).
    """
    first_week = min(week_columns(1).values())
    kommuner = forloeb_kommuner()
    conn.execute(
        f"create or replace temp table bench_kommuner as select unnest({kommuner}) as kode, "
        f"generate_subscripts({kommuner}, 1) - 1 as i"
    )
    # A pseudonym is 64 hex characters (HMAC-SHA256), as landing holds it.
    conn.execute(
        f"create or replace temp table bench_personer as select p, sha256(p::varchar) as person_id, "
        f"k.kode as kommune_kode from range({persons}) as r(p) join bench_kommuner as k on k.i = p % {len(kommuner)}"
    )
    start = dt.date.fromisocalendar(FIRST_YEAR, 1, 1)
    days = weeks * 7
    queries = {
        "dream": f"""select b.person_id, b.kommune_kode, {first_week} + w as uge, kode::smallint as kode
            from (select b.*, w, {_code_sql("p", "(w + p % 8) // 8")} as kode
                  from bench_personer as b, range({weeks}) as r(w) {{only}}) as b
            where kode is not null""",
        "fagsystem": f"""select b.person_id, b.kommune_kode, g.maalgruppe,
                date '{start}' + (hash(p, n, 1) % {days})::integer as startdato,
                case when hash(p, n, 2) % 4 > 0 then date '{start}' + (hash(p, n, 1) % {days})::integer
                    + (hash(p, n, 3) % 200)::integer end as slutdato
            from (select * from bench_personer {{only}}) as b, range(1 + p % 3) as f(n)
            join (select maalgruppe, row_number() over () - 1 as i from read_csv('{REFERENCE_DIR}/maalgrupper.csv'))
                as g on g.i = hash(p, n, 4) % 24""",
    }
    files = {}
    for name, query in queries.items():
        for suffix, only in (("", "where true"), ("_subset", f"where p < {subset}")):
            files[name + suffix] = tmp / f"{name}{suffix}.parquet"
            conn.execute(f"copy ({query.format(only=only)}) to '{files[name + suffix]}' (format parquet)")
    return files


def forloeb_kommuner() -> list[str]:
    return list(pd.read_csv(REFERENCE_DIR / "kommuner.csv", dtype=str).query("er_kommune == 'true'")["kommunekode"])


def dimensions(conn: duckdb.DuckDBPyConnection) -> None:
    """mart.dim_omraade and mart.omraade_medlemskab in a bare database: the areas the engine sums to."""
    dim = build_dim_omraade(pd.read_csv(REFERENCE_DIR / "kommuner.csv", dtype=str))
    conn.execute("create schema if not exists mart")
    for table, frame in (("dim_omraade", dim), ("omraade_medlemskab", build_medlemskab(dim))):
        conn.register("frame", frame)
        conn.execute(f"create or replace table mart.{table} as select * from frame")
        conn.unregister("frame")


def load(conn: duckdb.DuckDBPyConnection, dream: Path, fagsystem: Path, weeks: int) -> None:
    """What the forløb_input asset does with landed files: the person tables, persons as integers."""
    forloeb.create_inputs(conn)
    conn.execute(f"create or replace temp view dream_rows as select * from read_parquet('{dream}')")
    conn.execute(f"create or replace temp view fagsystem_rows as select * from read_parquet('{fagsystem}')")
    columns = week_columns(weeks).values()
    first, last = min(columns), max(columns)
    conn.execute(
        f"""insert into person.udtraek
        select 'fagsystem', kode, 'sample-synthetic', date '1970-01-05' + 7 * {last} + 6, null, null from bench_kommuner
        union all select 'dream', kode, 'sample-synthetic', null, {first}, {last} from bench_kommuner"""
    )
    forloeb.load_persons(conn)


def run_engine(conn: duckdb.DuckDBPyConnection, dream: Path, fagsystem: Path, weeks: int) -> tuple[float, float]:
    """Read the landed extracts and build every mart's rows; the seconds it took, wall and CPU (all threads)."""
    config = forloeb.load_config()
    started, cpu = time.perf_counter(), time.process_time()
    load(conn, dream, fagsystem, weeks)
    forloeb.load_code_lists(conn)
    forloeb.build_spells(conn, config["gap"])
    queries = {
        "vandringer_maalgruppe": forloeb.vandringer_maalgruppe_sql(config["look_back"]),
        "vandringer_efter_forloeb": forloeb.vandringer_efter_forloeb_sql(),
        "varigheder": forloeb.varigheder_sql(),
        "fuldtidspersoner": forloeb.fuldtidspersoner_sql(),
    }
    for name, query in queries.items():
        conn.execute(f"create or replace table mart.{name} as {query}")
    return time.perf_counter() - started, time.process_time() - cpu


def pandas_spells_and_transitions(uger: pd.DataFrame, gap: int) -> pd.DataFrame:
    """The straightforward pandas way: sort, diff, cumsum for spells; a merge for the status 1 and 3 months after."""
    uger = uger.sort_values(["person_nr", "gruppe_nr", "uge"])
    same = (uger["person_nr"] == uger["person_nr"].shift()) & (uger["gruppe_nr"] == uger["gruppe_nr"].shift())
    uger["spell"] = (~same | (uger["uge"].diff() > gap + 1)).cumsum()
    spells = uger.groupby("spell").agg(
        person_nr=("person_nr", "first"),
        gruppe_nr=("gruppe_nr", "first"),
        start=("uge", "min"),
        slut=("uge", "max"),
        uger=("uge", "size"),
        kommune=("kommune_kode", "last"),
    )
    out = []
    for months, weeks in ((1, 4), (3, 13)):
        status = spells.assign(uge=spells["slut"] + weeks).merge(
            uger[["person_nr", "uge", "gruppe_nr"]].rename(columns={"gruppe_nr": "status"}),
            on=["person_nr", "uge"],
            how="left",
        )
        out.append(status.groupby(["kommune", "gruppe_nr", "status"], dropna=False).size().rename(months))
    return pd.concat(out, axis=1)


def pandas_ratio(tmp: Path, files: dict[str, Path], weeks: int, memory_limit: str) -> float:
    """pandas time / engine time for the same steps (DREAM spells, then the status 1 and 3 months after each)
    on the same rows (the subset's person-weeks, loaded as integers on both sides)."""
    gap = forloeb.load_config()["gap"]
    with duckdb.connect(str(tmp / "subset.duckdb")) as conn:
        settings(conn, tmp, memory_limit)
        dimensions(conn)
        conn.execute(f"create temp table bench_kommuner as select unnest({forloeb_kommuner()}) as kode")
        load(conn, files["dream_subset"], files["fagsystem_subset"], weeks)
        forloeb.load_code_lists(conn)
        conn.execute("delete from person.maalgruppeforloeb")  # DREAM only: the steps pandas does
        started = time.perf_counter()
        forloeb.build_spells(conn, gap)
        conn.execute(f"create table efter as {forloeb.vandringer_efter_forloeb_sql()}")
        engine = time.perf_counter() - started
        uger = conn.execute(
            "select u.person_nr, k.gruppe_nr, u.kommune_kode, u.uge from person.dream_uger as u "
            "join forloeb_dream_koder as k using (kode) where k.gruppe_nr is not null"
        ).df()
    started = time.perf_counter()
    pandas_spells_and_transitions(uger, gap)
    return (time.perf_counter() - started) / engine


def main(persons: int, weeks: int, memory_limit: str = "3GB") -> int:
    with tempfile.TemporaryDirectory(prefix="jobindblik-bench-forloeb-") as name:
        tmp = Path(name)
        with duckdb.connect(str(tmp / "bench.duckdb")) as conn:
            settings(conn, tmp, memory_limit)
            files = generate(conn, tmp, persons, weeks, max(1, SUBSET_ROWS // weeks))
            dimensions(conn)
            wall, cpu = run_engine(conn, files["dream"], files["fagsystem"], weeks)
        ratio = pandas_ratio(tmp, files, weeks, memory_limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    line = {
        "persons": persons,
        "weeks": weeks,
        "person_weeks": persons * weeks,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak),
        "pandas_ratio": round(ratio, 1),
        # CPU seconds of the engine over both threads: on a shared machine, wall_s is this divided by the
        # share of the two cores the run got, so the pair says how much of wall_s was waiting for a core.
        "cpu_s": round(cpu, 2),
        "load_avg": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
