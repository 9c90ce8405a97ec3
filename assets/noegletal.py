"""The key-figure sheet (nøgletal) a jobcentre publishes monthly, from pipelines/config/noegletal.toml."""

import dagster as dg

from assets.checks import pandera_check
from assets.metadata import table_metadata
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.noegletal import Noegletal
from schemas.validation import validate
from warehouse.noegletal import load_figures, noegletal_sql, source_tables
from warehouse.tables import replace_rows

NOEGLETAL = "mart.noegletal"
FIGURES = load_figures()


@dg.asset(
    key=["mart", "noegletal"],
    # the tables the figures are read from, as the configuration names them
    deps=[dg.AssetKey(t.split(".")) for t in source_tables(FIGURES)]
    + [dg.AssetKey(["mart", "dim_omraade"]), dg.AssetKey(["mart", "dim_periode"])],
    group_name="indicators",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="The nøgletal sheet: per kommune, month (quarter for quarterly sources) and figure, the value, "
    "hele landet's value beside it and the kommune's value 3, 6 and 12 months earlier; figures absent where "
    "their source has no such period (pipelines/config/noegletal.toml).",
)
def noegletal(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        frame = validate(Noegletal, conn.execute(noegletal_sql(FIGURES)).df(), NOEGLETAL)
        replace_rows(conn, NOEGLETAL, frame, Noegletal)
    per_figure = frame.groupby("noegletal")["periode"].agg(["min", "max", "size"]).reset_index()
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, NOEGLETAL),
            "figures": dg.MetadataValue.int(frame["noegletal"].nunique()),
            "periods_per_figure": dg.MetadataValue.md(
                "\n".join(f"- {r.noegletal}: {r.min}..{r.max} ({r.size} rows)" for r in per_figure.itertuples())
            ),
        }
    )


noegletal_checks = [pandera_check(noegletal.key, NOEGLETAL, Noegletal)]
