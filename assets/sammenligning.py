"""Comparisons built on the benchmark and the facts: areas, peers and comparable kommuner, ranks, developments.

- mart.benchmark_sammenligning: each kommune's benchmark figures beside hele landet, its region,
  RAR and kommunegruppe (built from their kommuner), its configured peers and its comparable
  kommuner (pipelines/config/sammenligning.toml), long format for BI pivots.
- mart.benchmark_placering: the rank band within hele landet, region, RAR and kommunegruppe.
- mart.udvikling: each figure of ledighed, fuldtidspersoner, varigheder, vandringer and the
  benchmark against 3, 6 and 12 months earlier (the previous QMAT and the same QMAT a year earlier
  for the benchmark).
"""

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from assets.checks import pandera_check
from assets.core import dim_omraade, dim_ydelsesgruppe, omraade_medlemskab
from assets.facts import fuldtidspersoner, ledighed, vandringer, varigheder
from assets.indicators import benchmark
from assets.metadata import table_metadata
from pipelines import sammenligning as config
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.sammenligning import BenchmarkPlacering, BenchmarkSammenligning, Udvikling
from schemas.validation import validate
from warehouse import udvikling as udvikling_model
from warehouse.aggregate import WEAKEST_FIRST
from warehouse.models import sql
from warehouse.tables import replace_rows, replace_with_query

BENCHMARK_SAMMENLIGNING = "mart.benchmark_sammenligning"
BENCHMARK_PLACERING = "mart.benchmark_placering"
UDVIKLING = "mart.udvikling"


def _write(
    warehouse: WarehouseResource,
    table: str,
    model: type[pa.DataFrameModel],
    query: str,
    params: dict | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Run the query, validate its result and replace the table in one transaction."""
    with warehouse.connect() as conn:
        for name, frame in (frames or {}).items():
            conn.register(name, frame)
        frame = validate(model, conn.execute(query, params).df() if params else conn.execute(query).df(), table)
        for name in frames or {}:
            conn.unregister(name)
        replace_rows(conn, table, frame, model)
    return frame


@dg.asset(
    key=["mart", "benchmark_sammenligning"],
    deps=[benchmark, dim_omraade, omraade_medlemskab],
    group_name="indicators",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description=(
        "Every kommune's benchmark figures (forventet/faktisk antal and andel, forskel) beside hele landet, its "
        "region, RAR and kommunegruppe (sums of antal, population-weighted andele), its configured peers and "
        "its k comparable kommuner by forventet andel; long format: maal × sammenlignet_med."
    ),
)
def benchmark_sammenligning(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = config.load()
    with warehouse.connect(read_only=True) as conn:
        kommuner = {
            code
            for (code,) in conn.execute("select omraade_kode from mart.dim_omraade where niveau = 'kommune'").fetchall()
        }
    unknown = settings.unknown_codes(kommuner)
    if unknown:
        raise dg.Failure(description=f"{config.CONFIG_PATH.name}: peers name codes that are no kommune: {unknown}")
    frame = _write(
        warehouse,
        BENCHMARK_SAMMENLIGNING,
        BenchmarkSammenligning,
        sql("benchmark_sammenligning"),
        {
            "antal": settings.antal_sammenlignelige,
            "grundlag": settings.grundlag,
            "weakest_first": list(WEAKEST_FIRST),
        },
        {"sammenligning_peers": settings.peer_frame()},
    )
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, BENCHMARK_SAMMENLIGNING),
            "sammenligninger": dg.MetadataValue.text(
                ", ".join(f"{k} {v}" for k, v in frame["sammenligning_type"].value_counts().sort_index().items())
            ),
            "antal_sammenlignelige": dg.MetadataValue.int(settings.antal_sammenlignelige),
            "grundlag": dg.MetadataValue.text(settings.grundlag),
            "kommuner_med_peers": dg.MetadataValue.int(len(settings.peers)),
        }
    )


@dg.asset(
    key=["mart", "benchmark_placering"],
    deps=[benchmark, dim_omraade],
    group_name="indicators",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description=(
        "Each kommune's benchmark rank within hele landet, its region, RAR and kommunegruppe: the band "
        "placering_min..placering_max of kommuner tied on the rounded forskel in pp, and placering in the "
        "order of the national (published) rank."
    ),
)
def benchmark_placering(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = _write(warehouse, BENCHMARK_PLACERING, BenchmarkPlacering, sql("benchmark_placering"))
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, BENCHMARK_PLACERING),
            "untied_rows": dg.MetadataValue.int(int((frame["placering_min"] == frame["placering_max"]).sum())),
        }
    )


@dg.asset(
    key=["mart", "udvikling"],
    deps=[ledighed, fuldtidspersoner, varigheder, vandringer, benchmark, dim_ydelsesgruppe],
    group_name="indicators",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description=(
        "Each figure of ledighed, fuldtidspersoner, varigheder and vandringer against 3, 6 and 12 months earlier "
        "(one, two and four quarters for the quarterly tables), and of the benchmark "
        "against the previous QMAT and the same QMAT a year earlier: forskel in antal or pp, forskel_pct for "
        "counts; null, never 0, where the earlier period is absent."
    ),
)
def udvikling(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        rows = replace_with_query(conn, UDVIKLING, Udvikling, udvikling_model.sql())
        compared = conn.execute(f"select count(tidligere_vaerdi) from {UDVIKLING}").fetchone()[0]
        preview = conn.execute(f"select * from {UDVIKLING} limit 10").df()
    return dg.MaterializeResult(
        metadata={
            **table_metadata(preview, UDVIKLING),
            "dagster/row_count": dg.MetadataValue.int(rows),
            "rows_with_earlier_figure": dg.MetadataValue.int(compared),
            "rows_without_earlier_figure": dg.MetadataValue.int(rows - compared),
        }
    )


sammenligning_checks = [
    pandera_check(benchmark_sammenligning.key, BENCHMARK_SAMMENLIGNING, BenchmarkSammenligning),
    pandera_check(benchmark_placering.key, BENCHMARK_PLACERING, BenchmarkPlacering),
    pandera_check(udvikling.key, UDVIKLING, Udvikling),
]
