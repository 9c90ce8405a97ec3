"""`jobindblik bench-forloeb --persons P --weeks W`: the forløb engine at national scale, one JSON line.

Generates (inside DuckDB, into a temporary folder) a deterministic synthetic DREAM extract and a matching
case-system extract in the form landing holds them (pseudonymised rows in Parquet, 64-character pseudonyms,
DREAM as runs of weeks: about half the person-weeks have no code, spells of about 8 weeks, a plausible code
mix). DREAM is generated as weekly rows with the wide file's line number (one per person-week with a code) and
then run-length encoded with ingest's own SQL (pipelines/sources/dream_runs.py: runs per line, the line's
pseudonym joined per run); that encoding is ingest's work, timed on its own as `ingest_runs_s` so the work
does not vanish from the figures (reading the wide file and pseudonymising once per line are not timed).
Then it times the engine as the pipeline runs it: from reading the landed files (persons made integers,
person.*) to the finished mart rows (`wall_s`, generation and encoding excluded; `cpu_s` the same
span's CPU seconds over all threads). `peak_rss_mb` is the whole command's peak resident memory.
`pandas_ratio`: for the first 10 M person-weeks, the time of a straightforward pandas implementation of the
DREAM spells and the status 1 and 3 months after each, divided by the engine's time for the same two steps,
in the same run; both get the same input, the runs of those persons (as integers), so the ratio compares
the implementations, not the input forms. `pandas_ratio_weeks`: the same from the weekly rows, the engine's
time including its run encoding (`pandas_ratio`'s docstring says what each side gets).
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
from pipelines.sources.dream_runs import line_runs_sql
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
    """The case-system extract as landing holds it and the DREAM extract as weekly rows (`dream_uger`), in Parquet.

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
        # the wide file's codes by line number (one line per person, p), as ingest unpivots them
        "dream": f"""select p as linje, {first_week} + w as uge, kode::smallint as kode
            from (select p, w, {_code_sql("p", "(w + p % 8) // 8")} as kode
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
    files = {"linjer": tmp / "linjer.parquet"}  # each line's person and kommune
    conn.execute(f"copy (select p as linje, person_id, kommune_kode from bench_personer) to '{files['linjer']}'")
    for name, query in queries.items():
        for suffix, only in (("", "where true"), ("_subset", f"where p < {subset}")):
            key = ("dream_uger" if name == "dream" else name) + suffix
            files[key] = tmp / f"{key}.parquet"
            conn.execute(f"copy ({query.format(only=only)}) to '{files[key]}' (format parquet)")
    return files


def encode_runs(conn: duckdb.DuckDBPyConnection, files: dict[str, Path], suffix: str, target: Path) -> float:
    """Write the DREAM runs of the weekly rows (linje, uge, kode) to `target` as ingest does: runs per line, each
    line's pseudonym and kommune joined per run (pipelines/sources/dream_runs.py); the wall seconds it took."""
    weeks = f"select * from read_parquet('{files['dream_uger' + suffix]}')"
    lines = f"select * from read_parquet('{files['linjer']}')"
    started = time.perf_counter()
    conn.execute(f"copy ({line_runs_sql(weeks, lines)}) to '{target}' (format parquet)")
    return time.perf_counter() - started


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


def pandas_spells_and_transitions(perioder: pd.DataFrame, gap: int) -> pd.DataFrame:
    """The straightforward pandas way over the runs: sort, shift, cumsum for spells; merge_asof for the run
    holding the week 1 and 3 months after each spell's end."""
    perioder = perioder.sort_values(["person_nr", "gruppe_nr", "foerste_uge"])
    same = (perioder["person_nr"] == perioder["person_nr"].shift()) & (
        perioder["gruppe_nr"] == perioder["gruppe_nr"].shift()
    )
    gap_before = perioder["foerste_uge"] - perioder["sidste_uge"].shift()
    perioder["spell"] = (~same | (gap_before > gap + 1)).cumsum()
    perioder["uger"] = perioder["sidste_uge"] - perioder["foerste_uge"] + 1
    spells = perioder.groupby("spell").agg(
        person_nr=("person_nr", "first"),
        gruppe_nr=("gruppe_nr", "first"),
        start=("foerste_uge", "min"),
        slut=("sidste_uge", "max"),
        uger=("uger", "sum"),
        kommune=("kommune_kode", "last"),
    )
    holders = perioder[["person_nr", "foerste_uge", "sidste_uge", "gruppe_nr"]].sort_values("foerste_uge")
    holders = holders.rename(columns={"gruppe_nr": "status"})
    out = []
    for months, weeks in ((1, 4), (3, 13)):
        wanted = spells.assign(uge=spells["slut"] + weeks).sort_values("uge")
        status = pd.merge_asof(wanted, holders, left_on="uge", right_on="foerste_uge", by="person_nr")
        status["status"] = status["status"].where(status["sidste_uge"] >= status["uge"])
        out.append(status.groupby(["kommune", "gruppe_nr", "status"], dropna=False).size().rename(months))
    return pd.concat(out, axis=1)


def pandas_ratio(tmp: Path, files: dict[str, Path], weeks: int, memory_limit: str) -> tuple[float, float]:
    """pandas time / engine time for the same steps (DREAM spells, then the status 1 and 3 months after each)
    on the same persons (the subset, as integers on both sides), in two fair forms:

    - from the runs: pandas gets the runs as a DataFrame; the engine gets them as person.dream_perioder, and
      is timed from the spells to the status rows (`pandas_spells_and_transitions`);
    - from the weekly rows: pandas gets the coded weeks with their group and kommune as a DataFrame; the
      engine gets the same weekly rows in Parquet, and its time adds ingest's run encoding of them
      (`encode_runs`) to the same two steps; pandas runs the same code, each week a run of one week.
    Loading either side's input is not timed.
    """
    gap = forloeb.load_config()["gap"]
    with duckdb.connect(str(tmp / "subset.duckdb")) as conn:
        settings(conn, tmp, memory_limit)
        dimensions(conn)
        conn.execute(f"create temp table bench_kommuner as select unnest({forloeb_kommuner()}) as kode")
        encoding = encode_runs(conn, files, "_subset", tmp / "dream_subset.parquet")
        load(conn, tmp / "dream_subset.parquet", files["fagsystem_subset"], weeks)
        forloeb.load_code_lists(conn)
        conn.execute("delete from person.maalgruppeforloeb")  # DREAM only: the steps pandas does
        started = time.perf_counter()
        forloeb.build_spells(conn, gap)
        conn.execute(f"create table efter as {forloeb.vandringer_efter_forloeb_sql()}")
        engine = time.perf_counter() - started
        perioder = conn.execute(
            "select p.person_nr, k.gruppe_nr, p.kommune_kode, p.foerste_uge, p.sidste_uge "
            "from person.dream_perioder as p join forloeb_dream_koder as k using (kode) where k.gruppe_nr is not null"
        ).df()
        uger = conn.execute(
            f"select w.linje as person_nr, k.gruppe_nr, l.kommune_kode, w.uge as foerste_uge, w.uge as sidste_uge "
            f"from read_parquet('{files['dream_uger_subset']}') as w join read_parquet('{files['linjer']}') as l "
            "using (linje) join forloeb_dream_koder as k using (kode) where k.gruppe_nr is not null"
        ).df()
    started = time.perf_counter()
    pandas_spells_and_transitions(perioder, gap)
    from_runs = time.perf_counter() - started
    started = time.perf_counter()
    pandas_spells_and_transitions(uger, gap)
    from_weeks = time.perf_counter() - started
    return from_runs / engine, from_weeks / (encoding + engine)


def main(persons: int, weeks: int, memory_limit: str = "3GB") -> int:
    with tempfile.TemporaryDirectory(prefix="jobindblik-bench-forloeb-") as name:
        tmp = Path(name)
        with duckdb.connect(str(tmp / "bench.duckdb")) as conn:
            settings(conn, tmp, memory_limit)
            files = generate(conn, tmp, persons, weeks, max(1, SUBSET_ROWS // weeks))
            ingest_runs = encode_runs(conn, files, "", tmp / "dream.parquet")
            runs = conn.execute(f"select count(*) from read_parquet('{tmp / 'dream.parquet'}')").fetchone()[0]
            dimensions(conn)
            wall, cpu = run_engine(conn, tmp / "dream.parquet", files["fagsystem"], weeks)
        ratio, ratio_weeks = pandas_ratio(tmp, files, weeks, memory_limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    line = {
        "persons": persons,
        "weeks": weeks,
        "person_weeks": persons * weeks,
        "dream_runs": runs,
        # wall_s: the engine from reading the landed files (DREAM as runs) to the marts' rows; ingest_runs_s: the
        # run-length encoding of the weekly rows that ingest does before landing, not part of wall_s.
        "wall_s": round(wall, 2),
        "ingest_runs_s": round(ingest_runs, 2),
        "peak_rss_mb": round(peak),
        "pandas_ratio": round(ratio, 1),  # both from the runs; pandas_ratio_weeks: both from the weekly rows
        "pandas_ratio_weeks": round(ratio_weeks, 1),
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
