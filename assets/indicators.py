"""Indicators built only from core tables: the benchmark (resultatmål) with its rank band."""

import dagster as dg
import pandas as pd

from assets.checks import pandera_check
from assets.core import dim_omraade, dim_ydelsesgruppe
from assets.metadata import markdown_table, table_metadata
from assets.staging import jobindsats_stagings
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.benchmark import Benchmark
from schemas.validation import validate
from warehouse.models import sql
from warehouse.tables import replace_rows

BENCHMARK = "mart.benchmark"

# A recomputed forskel in percentage points may differ from the published one by rounding only.
PP_TOLERANCE = 0.005
DISAGREEMENT_COLUMNS = [
    "periode",
    "omraade_kode",
    "omraade_navn",
    "ydelsesgruppe",
    "forskel_antal",
    "forskel_antal_publiceret",
    "forskel_pct_point",
    "forskel_pct_point_publiceret",
    "placering_min",
    "placering_max",
    "placering_publiceret",
]


def disagreements(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Rows where the recomputed figures disagree with the published y30r21, by kind."""
    antal = frame["forskel_antal_publiceret"].notna() & (frame["forskel_antal"] != frame["forskel_antal_publiceret"])
    pp = frame["forskel_pct_point_publiceret"].notna() & (
        (frame["forskel_pct_point"] - frame["forskel_pct_point_publiceret"]).abs() > PP_TOLERANCE
    )
    published = frame["placering_publiceret"].notna()
    outside = published & (
        (frame["placering_publiceret"] < frame["placering_min"])
        | (frame["placering_publiceret"] > frame["placering_max"])
    )
    return {"forskel_antal": antal, "forskel_pct_point": pp, "placering": outside}


def any_disagreement(found: dict[str, pd.Series]) -> pd.Series:
    return pd.concat(list(found.values()), axis=1).any(axis=1)


def describe_disagreements(found: dict[str, pd.Series]) -> str:
    counts = ", ".join(f"{int(mask.sum())} {kind}" for kind, mask in found.items())
    return f"rows disagree with the published y30r21 ({counts})"


@dg.asset(
    key=["mart", "benchmark"],
    deps=[jobindsats_stagings["y30r21"], dim_omraade, dim_ydelsesgruppe],
    group_name="indicators",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description=(
        "Forventet against faktisk fuldtidspersoner per kommune (y30r21), with forskel recomputed and the rank "
        "band placering_min..placering_max that the published, rounded shares allow."
    ),
)
def benchmark(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        frame = validate(Benchmark, conn.execute(sql("benchmark")).df(), BENCHMARK)
        found = disagreements(frame)
        failing = frame[any_disagreement(found)]
        if len(failing):  # keep the last good table rather than write this one
            raise dg.Failure(
                description=f"{BENCHMARK}: {describe_disagreements(found)}",
                metadata={"disagreements": dg.MetadataValue.md(markdown_table(failing[DISAGREEMENT_COLUMNS], rows=20))},
            )
        replace_rows(conn, BENCHMARK, frame, Benchmark)
    untied = frame["placering_min"] == frame["placering_max"]
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, BENCHMARK),
            "periods": dg.MetadataValue.text(", ".join(sorted(frame["periode"].unique()))),
            "untied_rows": dg.MetadataValue.int(int(untied.sum())),
            "resultatmaal_opfyldt": dg.MetadataValue.int(int(frame["resultatmaal_opfyldt"].fillna(False).sum())),
        }
    )


@dg.asset_check(
    asset=benchmark,
    blocking=True,
    pool=WRITER_POOL,
    description=(
        "Recomputed forskel (antal and pct. point) equals the published one, and every published rank lies "
        "inside the band computed from the rounded shares."
    ),
)
def benchmark_matches_published(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as conn:
        frame = conn.execute(f"select * from {BENCHMARK}").df()
    found = disagreements(frame)
    outside = found["placering"]
    published = frame["placering_publiceret"].notna()
    untied = published & (frame["placering_min"] == frame["placering_max"])
    failing = frame[any_disagreement(found)]
    return dg.AssetCheckResult(
        passed=failing.empty,
        description=None if failing.empty else describe_disagreements(found),
        metadata={
            "rows_checked": dg.MetadataValue.int(len(frame)),
            "published_ranks_in_band": dg.MetadataValue.int(int((published & ~outside).sum())),
            "untied_rows_matching_exactly": dg.MetadataValue.int(
                int((untied & (frame["placering_publiceret"] == frame["placering_min"])).sum())
            ),
            "untied_rows": dg.MetadataValue.int(int(untied.sum())),
            "disagreements": dg.MetadataValue.md(markdown_table(failing[DISAGREEMENT_COLUMNS], rows=20)),
        },
    )


indicator_checks = [pandera_check(benchmark.key, BENCHMARK, Benchmark), benchmark_matches_published]
