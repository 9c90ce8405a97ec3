"""Every mart table, declared once: its model, how its rows are made, what it reads and what it says.

One `Mart` per table. `assets/marts.py` turns each into a Dagster asset with its blocking checks;
`warehouse/build.py` writes it (one transaction, validated in the database); the data dictionary,
diskretionering and the run summary read the same list. A new table is one declaration here, its
pandera model in `schemas/` and its SQL in `warehouse/sql/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import sammenligning as sammenligning_config
from pipelines.errors import InputError, Problem
from pipelines.months import FIRST_YEAR, every_month
from pipelines.resources.reference import ReferenceData
from pipelines.sources import tilsyn_extract
from schemas.aktivering import Aktivering
from schemas.benchmark import Benchmark
from schemas.dictionary import DataDictionary
from schemas.dimensions import DimOmraade, DimPeriode, DimVarighedsinterval, DimYdelsesgruppe, OmraadeMedlemskab
from schemas.facts import Fuldtidspersoner, Ledighed, Vandringer, Varigheder
from schemas.forloeb import VandringerEfterForloeb, VandringerMaalgruppe
from schemas.noegletal import Noegletal
from schemas.sammenligning import BenchmarkPlacering, BenchmarkSammenligning, Udvikling
from schemas.tilsyn import TilsynFokusmaal, TilsynStatus
from schemas.types import Schema, to_schema
from warehouse import forloeb, udvikling
from warehouse.aggregate import WEAKEST_FIRST, weakest_datagrundlag, weakest_datagrundlag_of_members, with_aggregates
from warehouse.dimensions import build_dim_omraade, build_dim_periode, build_medlemskab
from warehouse.familier import bruttoledige_sql, family, union_sql
from warehouse.ledighed import DST_TABLES, dst_table, ledighed_sql
from warehouse.models import SQL_DIR, sql
from warehouse.noegletal import load_figures, noegletal_sql, source_tables
from warehouse.tilsyn import fokusmaal_table, load_rules, status_table

ROOT = Path(__file__).resolve().parent.parent
TILSYN = f"{tilsyn_extract.SOURCE}:{tilsyn_extract.TABLE_ID}"
TILSYN_COUNTS = f"staging.{tilsyn_extract.SOURCE}_{tilsyn_extract.TABLE_ID}"


@dataclass(frozen=True)
class Scope:
    """What a run rebuilds: its months (None: every month) and the tables it writes (None: every table).

    A builder that can, makes only the rows the scope changes (a monthly table its months, mart.udvikling
    the comparisons with them); the others rebuild whole.
    """

    months: list[str] | None = None
    tables: frozenset[str] | None = None

    @property
    def periods(self) -> list[str]:
        return self.months if self.months is not None else every_month()


@dataclass(frozen=True)
class Query:
    """Rows as a query run inside the database, with its parameters and any frames it reads by name.

    `where` selects the table's rows the query replaces (None: all of them).
    """

    text: str
    params: dict = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    where: str | None = None


Rows = Query | pd.DataFrame


@dataclass(frozen=True)
class Rule:
    """A check beyond the model: `failing` selects the table's rows that break it (none: it holds)."""

    name: str
    description: str
    failing: str
    # what the failing rows do, after their count: "rows disagree with the published y30r21"
    broken: str = "rows break it"
    # label -> scalar SQL over the table, shown with the check's result
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mart:
    table: str
    model: Schema
    # How the rows are made, from a connection to the warehouse and the run's scope (a query, or a frame
    # where Python must).
    rows: Callable[[duckdb.DuckDBPyConnection, Scope], Rows]
    # The file that says how: its SQL, or the Python module of a frame builder.
    code: str
    # The tables it reads: its asset's dependencies and the data dictionary's `kilde`.
    inputs: tuple[str, ...]
    group: str = "core"
    # A monthly table replaces only the run's months (its `periode`).
    monthly: bool = False
    rules: tuple[Rule, ...] = ()
    # label -> scalar SQL over the written table, shown on the materialisation
    metadata: dict[str, str] = field(default_factory=dict)
    # Built as a frame in Python (the dimensions, the tilsyn engine, the dictionary), not as a query.
    frame: bool = False

    @property
    def description(self) -> str:
        """What the table holds, from its model (`Config.description`): one text, in Danish, for the UI, the
        data dictionary and the serving copy's comments."""
        return to_schema(self.model).description or ""

    @property
    def kind(self) -> str:
        return "pandas" if self.frame else "sql"


def _sql_file(name: str) -> str:
    return str((SQL_DIR / f"{name}.sql").relative_to(ROOT))


def _py_file(module) -> str:
    return str(Path(module.__file__).resolve().relative_to(ROOT))


DIMENSIONS = ("mart.dim_omraade", "mart.omraade_medlemskab", "mart.dim_ydelsesgruppe")


def _staging(*table_ids: str) -> tuple[str, ...]:
    return tuple(f"staging.jobindsats_{t}" for t in table_ids)


def _family(*navne: str) -> tuple[str, ...]:
    return _staging(*(spec.table_id for navn in navne for spec in family(navn)))


# --- the dimensions ---------------------------------------------------------------------------------


def _dim_omraade(conn, scope: Scope) -> pd.DataFrame:
    return build_dim_omraade(ReferenceData().table("kommuner"))


def _medlemskab(conn, scope: Scope) -> pd.DataFrame:
    return build_medlemskab(conn.execute("select * from mart.dim_omraade").df())


def _dim_ydelsesgruppe(conn, scope: Scope) -> pd.DataFrame:
    return ReferenceData().table("ydelsesgrupper").replace({"": None})


def _dim_varighedsinterval(conn, scope: Scope) -> pd.DataFrame:
    return ReferenceData().table("varighedsintervaller").replace({"": None})


def _dim_periode(conn, scope: Scope) -> pd.DataFrame:
    return build_dim_periode(FIRST_YEAR, date.today().year + 1)


# --- the facts --------------------------------------------------------------------------------------


IN_PERIODS = "periode in (select unnest($periods))"


def _fuldtidspersoner(conn, scope: Scope) -> Query:
    forloeb.prepare(conn)
    published = with_aggregates(
        sql("fuldtidspersoner"),
        ["periode", "ydelsesgruppe_kode", "ydelsesgruppe", "andel_naevner"],
        ["fuldtidspersoner", "personer"],
        shares=["andel_pct"],
    )
    from_persons = f"select * from ({forloeb.fuldtidspersoner_sql()}) where {IN_PERIODS}"
    return Query(f"{published}\nunion all by name\n{from_persons}", {"periods": scope.periods}, where=IN_PERIODS)


def _ledighed(conn, scope: Scope) -> Query:
    staged = {
        name
        for (name,) in conn.execute(
            "select 'staging.' || table_name from duckdb_tables() where schema_name = 'staging'"
        ).fetchall()
    }
    return Query(
        with_aggregates(
            ledighed_sql(staged),
            ["periode", "ydelsesgruppe_kode", "ydelsesgruppe"],
            ["bruttoledige", "langtidsledige"],
            shares=["ledighedsprocent"],
        ),
        {"periods": scope.periods},
        where=IN_PERIODS,
    )


def _varigheder(conn, scope: Scope) -> Query:
    forloeb.prepare(conn)
    published = with_aggregates(
        sql("varigheder").format(forloeb=union_sql("forloeb"), afsluttede=union_sql("afsluttede")),
        ["periode", "ydelsesgruppe", "maal", "varighedsinterval", "uger_fra", "uger_til"],
        ["antal_forloeb"],
        means={"gnsn_varighed_uger": "antal_forloeb"},
    )
    return Query(f"{published}\nunion all by name\n{forloeb.varigheder_sql()}")


# --- from person data (warehouse/forloeb.py; the person tables themselves are never a mart) ---------

PERSON_INPUTS = ("person.forloeb_input", "person.dream_forloeb")


def _vandringer_maalgruppe(conn, scope: Scope) -> Query:
    forloeb.prepare(conn)
    return Query(forloeb.vandringer_maalgruppe_sql(forloeb.load_config()["look_back"]))


def _vandringer_efter_forloeb(conn, scope: Scope) -> Query:
    forloeb.prepare(conn)
    return Query(forloeb.vandringer_efter_forloeb_sql())


SUMS_TO_STARTED = Rule(
    "sums_to_forloeb_started",
    "Per kommune, month and målgruppe, the vandringer into it sum to the forløb started in it (case system).",
    failing=forloeb.model("check_vandringer_sum"),
    broken="kommune-months whose vandringer do not sum to the forløb started",
)


def _vandringer(conn, scope: Scope) -> Query:
    aggregated = with_aggregates(
        sql("vandringer").format(status=union_sql("status")),
        ["periode", "fra", "til", "maaneder_efter"],
        ["antal"],
        shares=["andel_pct"],
    )
    return Query(sql("vandringer_andel").format(aggregated=aggregated))


AKTIVERING_TILBUD = [
    "tilbud_i_alt",
    "vejledning_opkvalificering",
    "virksomhedspraktik",
    "loentilskud_privat",
    "loentilskud_offentlig",
]


def _aktivering(conn, scope: Scope) -> Query:
    maalt = [*AKTIVERING_TILBUD, "bruttoledige"]
    monthly = sql("aktivering").format(tilbud=union_sql("tilbud"))
    return Query(
        sql("aktivering_rater").format(
            aggregated=with_aggregates(monthly, ["periode", "ydelsesgruppe"], AKTIVERING_TILBUD),
            naevner=bruttoledige_sql(),
            weakest_of_two=weakest_datagrundlag("m.datagrundlag", "l.datagrundlag"),
            weakest_of_members=weakest_datagrundlag_of_members("b.datagrundlag"),
            averages=",\n        ".join(f"case when count(b.{c}) = 12 then avg(b.{c}) end as {c}" for c in maalt),
        )
    )


# --- the indicators ---------------------------------------------------------------------------------


def _benchmark(conn, scope: Scope) -> Query:
    return Query(sql("benchmark"))


def _benchmark_sammenligning(conn, scope: Scope) -> Query:
    settings = sammenligning_config.load()
    kommuner = {
        code
        for (code,) in conn.execute("select omraade_kode from mart.dim_omraade where niveau = 'kommune'").fetchall()
    }
    unknown = settings.unknown_codes(kommuner)
    if unknown:
        raise InputError(
            str(sammenligning_config.CONFIG_PATH.name),
            [Problem(None, "peers", f"codes that are no kommune: {unknown}")],
        )
    return Query(
        sql("benchmark_sammenligning"),
        {"antal": settings.antal_sammenlignelige, "grundlag": settings.grundlag, "weakest_first": list(WEAKEST_FIRST)},
        {"sammenligning_peers": settings.peer_frame()},
    )


def _benchmark_placering(conn, scope: Scope) -> Query:
    return Query(sql("benchmark_placering"))


def _udvikling(conn, scope: Scope) -> Query:
    if scope.months is None and scope.tables is None:
        return Query(udvikling.sql())
    query, where = udvikling.scoped(scope.tables, scope.months)
    return Query(query, where=where)


NOEGLETAL_FIGURES = load_figures()


def _noegletal(conn, scope: Scope) -> Query:
    return Query(noegletal_sql(NOEGLETAL_FIGURES))


def _tilsyn_fokusmaal(conn, scope: Scope) -> pd.DataFrame:
    counts = conn.execute(f"select * from {TILSYN_COUNTS}").df()
    return fokusmaal_table(counts, load_rules()).assign(kilde=TILSYN)


def _tilsyn_status(conn, scope: Scope) -> pd.DataFrame:
    fokus = conn.execute("select * from mart.tilsyn_fokusmaal").df()
    if fokus.empty:  # no counts staged (no source yet): an empty table
        return pd.DataFrame(columns=list(TilsynStatus.to_schema().columns))
    bench = conn.execute(
        "select periode, omraade_kode, resultatmaal_opfyldt, datagrundlag from mart.benchmark "
        "where ydelsesgruppe_kode = 'i_alt'"
    ).df()
    return status_table(fokus, bench, load_rules()).assign(kilde=f"{TILSYN}+jobindsats:y30r21")


def _data_dictionary(conn, scope: Scope) -> pd.DataFrame:
    from warehouse.dictionary import dictionary_frame
    from warehouse.diskretionering import load_config

    sources = {
        m.table: ", ".join(sorted(t for t in m.inputs if t.split(".")[0] in ("staging", "mart", "person")))
        for m in MARTS
    }
    return dictionary_frame(
        {m.table: m.model for m in MARTS},
        {m.table: m.description for m in MARTS},
        {
            table: source or ("schemas/" if table == "mart.data_dictionary" else "data/reference")
            for table, source in sources.items()
        },
        load_config(),
    )


# A recomputed forskel in percentage points may differ from the published one by rounding only.
PP_TOLERANCE = 0.005
BENCHMARK_MATCHES_PUBLISHED = Rule(
    "benchmark_matches_published",
    "Recomputed forskel (antal and pct. point) equals the published one, and every published rank lies inside "
    "the band computed from the rounded shares.",
    failing=f"""
        select periode, omraade_kode, omraade_navn, ydelsesgruppe, forskel_antal, forskel_antal_publiceret,
            forskel_pct_point, forskel_pct_point_publiceret, placering_min, placering_max, placering_publiceret
        from mart.benchmark
        where (forskel_antal_publiceret is not null and forskel_antal <> forskel_antal_publiceret)
            or (forskel_pct_point_publiceret is not null
                and abs(forskel_pct_point - forskel_pct_point_publiceret) > {PP_TOLERANCE})
            or (placering_publiceret is not null
                and (placering_publiceret < placering_min or placering_publiceret > placering_max))""",
    broken="rows disagree with the published y30r21",
    metadata={
        "published_ranks_in_band": "select count(*) from mart.benchmark where placering_publiceret "
        "between placering_min and placering_max",
        "untied_rows": "select count(*) from mart.benchmark where placering_publiceret is not null "
        "and placering_min = placering_max",
        "untied_rows_matching_exactly": "select count(*) from mart.benchmark where placering_min = placering_max "
        "and placering_publiceret = placering_min",
    },
)


MARTS: list[Mart] = [
    Mart(
        "mart.dim_omraade",
        DimOmraade,
        _dim_omraade,
        "warehouse/dimensions.py",
        (),
        frame=True,
    ),
    Mart(
        "mart.omraade_medlemskab",
        OmraadeMedlemskab,
        _medlemskab,
        "warehouse/dimensions.py",
        ("mart.dim_omraade",),
        frame=True,
    ),
    Mart(
        "mart.dim_ydelsesgruppe",
        DimYdelsesgruppe,
        _dim_ydelsesgruppe,
        "data/reference/ydelsesgrupper.csv",
        (),
        frame=True,
    ),
    Mart(
        "mart.dim_varighedsinterval",
        DimVarighedsinterval,
        _dim_varighedsinterval,
        "data/reference/varighedsintervaller.csv",
        (),
        frame=True,
    ),
    Mart(
        "mart.dim_periode",
        DimPeriode,
        _dim_periode,
        "warehouse/dimensions.py",
        (),
        frame=True,
    ),
    Mart(
        "mart.fuldtidspersoner",
        Fuldtidspersoner,
        _fuldtidspersoner,
        _sql_file("fuldtidspersoner"),
        (*_staging("ptv_a02", "y60a02"), *DIMENSIONS, *PERSON_INPUTS),
        monthly=True,
    ),
    Mart(
        "mart.ledighed",
        Ledighed,
        _ledighed,
        _sql_file("ledighed"),
        (*_staging("y25i01", "y25i09"), *(dst_table(t) for t in DST_TABLES), *DIMENSIONS),
        monthly=True,
    ),
    Mart(
        "mart.varigheder",
        Varigheder,
        _varigheder,
        _sql_file("varigheder"),
        (*_family("forloeb", "afsluttede"), *DIMENSIONS, "mart.dim_varighedsinterval", *PERSON_INPUTS),
    ),
    Mart(
        "mart.vandringer",
        Vandringer,
        _vandringer,
        _sql_file("vandringer"),
        (*_family("status"), *DIMENSIONS),
    ),
    Mart(
        "mart.vandringer_maalgruppe",
        VandringerMaalgruppe,
        _vandringer_maalgruppe,
        "warehouse/forloeb/vandringer_maalgruppe.sql",
        (*PERSON_INPUTS, *DIMENSIONS),
        rules=(SUMS_TO_STARTED,),
    ),
    Mart(
        "mart.vandringer_efter_forloeb",
        VandringerEfterForloeb,
        _vandringer_efter_forloeb,
        "warehouse/forloeb/vandringer_efter_forloeb.sql",
        (*PERSON_INPUTS, *DIMENSIONS),
    ),
    Mart(
        "mart.aktivering",
        Aktivering,
        _aktivering,
        _sql_file("aktivering_rater"),
        (*_family("tilbud"), "mart.ledighed", *DIMENSIONS),
    ),
    Mart(
        "mart.benchmark",
        Benchmark,
        _benchmark,
        _sql_file("benchmark"),
        ("staging.jobindsats_y30r21", "mart.dim_omraade", "mart.dim_ydelsesgruppe"),
        group="indicators",
        rules=(BENCHMARK_MATCHES_PUBLISHED,),
        metadata={
            "periods": "select string_agg(distinct periode, ', ' order by periode) from mart.benchmark",
            "untied_rows": "select count(*) from mart.benchmark where placering_min = placering_max",
            "resultatmaal_opfyldt": "select count(*) from mart.benchmark where resultatmaal_opfyldt",
        },
    ),
    Mart(
        "mart.tilsyn_fokusmaal",
        TilsynFokusmaal,
        _tilsyn_fokusmaal,
        "warehouse/tilsyn.py",
        (TILSYN_COUNTS, "mart.dim_omraade"),
        group="indicators",
        metadata={
            "rule_sets": "select string_agg(distinct regelsaet, ', ' order by regelsaet) from mart.tilsyn_fokusmaal"
        },
        frame=True,
    ),
    Mart(
        "mart.tilsyn_status",
        TilsynStatus,
        _tilsyn_status,
        "warehouse/tilsyn.py",
        ("mart.tilsyn_fokusmaal", "mart.benchmark"),
        group="indicators",
        metadata={
            "status": "select string_agg(s || ': ' || n, ', ' order by s) from (select coalesce(status, '(ukendt)') "
            "as s, count(*) as n from mart.tilsyn_status group by all)"
        },
        frame=True,
    ),
    Mart(
        "mart.benchmark_sammenligning",
        BenchmarkSammenligning,
        _benchmark_sammenligning,
        _sql_file("benchmark_sammenligning"),
        ("mart.benchmark", "mart.dim_omraade", "mart.omraade_medlemskab"),
        group="indicators",
        metadata={
            "sammenligninger": "select string_agg(t || ' ' || n, ', ' order by t) from (select sammenligning_type "
            "as t, count(*) as n from mart.benchmark_sammenligning group by all)"
        },
    ),
    Mart(
        "mart.benchmark_placering",
        BenchmarkPlacering,
        _benchmark_placering,
        _sql_file("benchmark_placering"),
        ("mart.benchmark", "mart.dim_omraade"),
        group="indicators",
        metadata={"untied_rows": "select count(*) from mart.benchmark_placering where placering_min = placering_max"},
    ),
    Mart(
        "mart.udvikling",
        Udvikling,
        _udvikling,
        _py_file(udvikling),
        (
            "mart.ledighed",
            "mart.fuldtidspersoner",
            "mart.varigheder",
            "mart.vandringer",
            "mart.benchmark",
            "mart.dim_ydelsesgruppe",
        ),
        group="indicators",
        metadata={"rows_with_earlier_figure": "select count(tidligere_vaerdi) from mart.udvikling"},
    ),
    Mart(
        "mart.noegletal",
        Noegletal,
        _noegletal,
        "warehouse/noegletal.py",
        (*source_tables(NOEGLETAL_FIGURES), "mart.dim_omraade", "mart.dim_periode"),
        group="indicators",
        metadata={"figures": "select count(distinct noegletal) from mart.noegletal"},
    ),
    Mart(
        "mart.data_dictionary",
        DataDictionary,
        _data_dictionary,
        "warehouse/dictionary.py",
        (),
        group="publish",
        frame=True,
    ),
]

BY_TABLE = {mart.table: mart for mart in MARTS}


def model_for(table: str) -> Schema | None:
    """The pandera model of a mart table (None for any other)."""
    mart = BY_TABLE.get(table)
    return mart.model if mart else None
