"""Core facts: fuldtidspersoner (with ledighed), varigheder and vandringer, for every area.

Each is a SQL model over staging (warehouse/sql/) wrapped so that regions, landsdele, RAR,
kommunegrupper and hele landet appear as rows too (warehouse/aggregate.py says how), validated
by its pandera model before it is written and again, as a blocking check, after.
"""

import dagster as dg
import pandera.pandas as pa

from assets.checks import pandera_check
from assets.core import dim_omraade, dim_varighedsinterval, dim_ydelsesgruppe, omraade_medlemskab
from assets.metadata import table_metadata
from assets.staging import jobindsats_stagings, statbank_stagings
from pipelines.partitions import monthly, periode_of, single_run
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.facts import Fuldtidspersoner, Ledighed, Vandringer, Varigheder
from schemas.validation import validate
from warehouse.aggregate import with_aggregates
from warehouse.familier import family, union_sql
from warehouse.ledighed import DST_TABLES, ledighed_sql
from warehouse.models import sql
from warehouse.tables import replace_rows

DIMENSIONS = [dim_omraade, omraade_medlemskab, dim_ydelsesgruppe]


def build(
    warehouse: WarehouseResource,
    table: str,
    model: type[pa.DataFrameModel],
    query: str,
    params: dict | None = None,
    replace_column: str | None = None,
) -> dg.MaterializeResult:
    """Run a fact's SQL, validate the result and write it in one transaction."""
    with warehouse.connect() as conn:
        frame = validate(model, conn.execute(query, params or {}).df(), table)
        replace_rows(conn, table, frame, model, replace_column=replace_column)
    counts = frame["aggregering"].value_counts()
    return dg.MaterializeResult(
        metadata={
            **table_metadata(frame, table),
            "periods": dg.MetadataValue.text(
                f"{frame['periode'].min()}..{frame['periode'].max()}" if len(frame) else "none"
            ),
            "rows_from_source": dg.MetadataValue.int(int(counts.get("kilde", 0))),
            "rows_summed_from_kommuner": dg.MetadataValue.int(int(counts.get("kommunesum", 0))),
        }
    )


@dg.asset(
    key=["mart", "fuldtidspersoner"],
    deps=[jobindsats_stagings["ptv_a02"], jobindsats_stagings["y60a02"], *DIMENSIONS],
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    partitions_def=monthly,
    backfill_policy=single_run,
    description="Personer and fuldtidspersoner per month, area and ydelsesgruppe (ptv_a02, y60a02), with "
    "andel_pct of the population 16-66 as the source publishes it.",
)
def fuldtidspersoner(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    query = f"""
        select f.*, 'befolkningen 16-66 år (kildens andel)' as andel_naevner
        from ({
        with_aggregates(
            sql("fuldtidspersoner"),
            ["periode", "ydelsesgruppe_kode", "ydelsesgruppe"],
            ["fuldtidspersoner", "personer"],
            shares=["andel_pct"],
        )
    }) as f"""
    periods = [periode_of(key) for key in context.partition_keys]
    return build(warehouse, "mart.fuldtidspersoner", Fuldtidspersoner, query, {"periods": periods}, "periode")


@dg.asset(
    key=["mart", "ledighed"],
    deps=[
        jobindsats_stagings["y25i01"],
        jobindsats_stagings["y25i09"],
        *(statbank_stagings[t] for t in DST_TABLES),
        *DIMENSIONS,
    ],
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    partitions_def=monthly,
    backfill_policy=single_run,
    description="Bruttoledige (fuldtid), ledighedsprocent of the arbejdsstyrke 16-66 and langtidsledige per "
    "month, area and group (y25i01, y25i09), and DST's fuldtidsledige (AUF01, AUF02) as rows of their own kilde.",
)
def ledighed(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        staged = {
            f"{schema}.{name}"
            for schema, name in conn.execute(
                "select table_schema, table_name from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
        }
    query = with_aggregates(
        ledighed_sql(staged),
        ["periode", "ydelsesgruppe_kode", "ydelsesgruppe"],
        ["bruttoledige", "langtidsledige"],
        shares=["ledighedsprocent"],
    )
    periods = [periode_of(key) for key in context.partition_keys]
    return build(warehouse, "mart.ledighed", Ledighed, query, {"periods": periods}, "periode")


@dg.asset(
    key=["mart", "varigheder"],
    deps=[jobindsats_stagings[s.table_id] for navn in ("forloeb", "afsluttede") for s in family(navn)]
    + [*DIMENSIONS, dim_varighedsinterval],
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="Forløb by duration interval (bounds in weeks) per quarter, area and ydelsesgruppe, and the "
    "mean duration in weeks of forløb that ended in the quarter (every table of the families forloeb and "
    "afsluttede in jobindsats_tables.toml: y##a21, y##a27, y07a07).",
)
def varigheder(warehouse: WarehouseResource) -> dg.MaterializeResult:
    aggregated = with_aggregates(
        sql("varigheder").format(forloeb=union_sql("forloeb"), afsluttede=union_sql("afsluttede")),
        ["periode", "ydelsesgruppe", "maal", "varighedsinterval"],
        ["antal_forloeb"],
        means={"gnsn_varighed_uger": "antal_forloeb"},
    )
    query = f"""
        select f.*, i.uger_fra, i.uger_til
        from ({aggregated}) as f left join mart.dim_varighedsinterval as i using (varighedsinterval)"""
    return build(warehouse, "mart.varigheder", Varigheder, query)


@dg.asset(
    key=["mart", "vandringer"],
    deps=[jobindsats_stagings[s.table_id] for s in family("status")] + DIMENSIONS,
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="Status 1 and 3 months after a forløb ended (job, uddannelse, another ydelse, "
    "selvforsørgelse, ...), as antal and andel_pct of the row, per quarter, area and the group the forløb "
    "was on (`fra`; every table of the family status in jobindsats_tables.toml: y##b15).",
)
def vandringer(warehouse: WarehouseResource) -> dg.MaterializeResult:
    aggregated = with_aggregates(
        sql("vandringer").format(status=union_sql("status")),
        ["periode", "fra", "til", "maaneder_efter"],
        ["antal"],
        shares=["andel_pct"],
    )
    # A built aggregate has no published share: it is its count over the row total ('I alt').
    query = f"""
        with v as ({aggregated})
        select v.* replace (coalesce(v.andel_pct, round(100.0 * v.antal / nullif(t.antal, 0), 1)) as andel_pct)
        from v left join v as t
            on t.periode = v.periode and t.omraade_kode = v.omraade_kode and t.fra = v.fra
            and t.maaneder_efter = v.maaneder_efter and t.kilde = v.kilde and t.til = 'I alt'"""
    return build(warehouse, "mart.vandringer", Vandringer, query)


fact_checks = [
    pandera_check(fuldtidspersoner.key, "mart.fuldtidspersoner", Fuldtidspersoner),
    pandera_check(ledighed.key, "mart.ledighed", Ledighed),
    pandera_check(varigheder.key, "mart.varigheder", Varigheder),
    pandera_check(vandringer.key, "mart.vandringer", Vandringer),
]
