"""The committee report as an asset partitioned by kommune (pipelines/config/rapport.toml), after publish.

It reads serving.duckdb only. Its partitions are kommuner, not months, so it is outside `refresh_all`
(pipelines/reports.py, REPORTS): `jobindblik run` writes the configured kommuner' pages right after
publishing, and the UI materialises any partition of it, or all, through the job `rapporter`.
"""

import dagster as dg

from assets.metadata import DOMAIN_TAGS, OWNERS
from pipelines.reports import REPORT_GROUP, kommuner
from pipelines.resources.warehouse import WarehouseResource
from warehouse.rapport import write_report
from warehouse.rapport.pdf import find_chromium


class RapportConfig(dg.Config):
    periode: str | None = None  # the month, e.g. 2026M07; the newest with figures when left out
    pdf: bool = True  # also print the page to PDF when Chromium is installed


@dg.asset(
    key=["publish", "rapport"],
    deps=[dg.AssetKey(["publish", "serving_duckdb"])],
    partitions_def=kommuner,
    group_name=REPORT_GROUP,
    kinds={"html", "pdf"},
    owners=OWNERS,
    tags=DOMAIN_TAGS,
    description="The committee report of one kommune (HTML page, and PDF by headless Chromium) from serving.duckdb: "
    "nøgletal, benchmark, bruttoledige in its RAR, skærpet tilsyn, varighed and vandringer.",
)
def rapport(context: dg.AssetExecutionContext, config: RapportConfig, warehouse: WarehouseResource):
    pdf = config.pdf and find_chromium() is not None
    if config.pdf and not pdf:
        context.log.warning(
            "no Chromium on this machine: the report is written as HTML only (apt-get install chromium)"
        )
    written = write_report(warehouse.serving_path, context.partition_key, config.periode, pdf)
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(written[0])),
            **({"pdf": dg.MetadataValue.path(str(written[1]))} if len(written) > 1 else {}),
            "periode": dg.MetadataValue.text(written[0].stem.split("_", 1)[1]),
        }
    )
