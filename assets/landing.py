"""Landing: each source response stored exactly as received, named by its content hash."""

from datetime import timedelta

import dagster as dg

from assets.metadata import period_span
from pipelines.errors import InputError
from pipelines.months import run_months
from pipelines.resources.landing import Landed, LandingStore
from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.jobindsats_metadata import build_query, select_periods
from pipelines.sources.jobindsats_parser import TableSpec, parse_body, table_specs
from pipelines.sources.statbank import StatbankClient
from pipelines.sources.statbank_tables import StatbankTable, statbank_tables
from pipelines.staging import read_dst_body

# How long a table may go without a new release before the UI flags it, by how often it is released.
FRESHNESS_DAYS = {"M": 45, "MYTD": 45, "monthly": 45, "Q": 120, "quarterly": 120, "QMAT": 200, "Y": 400, "yearly": 400}


def freshness(cadence: str) -> dg.FreshnessPolicy:
    return dg.FreshnessPolicy.time_window(fail_window=timedelta(days=FRESHNESS_DAYS[cadence]))


def periods_in(body: bytes, source: str) -> list[str]:
    """The periods a v3 body holds, recorded in its landing metadata so staging can find them."""
    columns, rows = parse_body(body, source)
    if "Periode" not in columns:
        return []
    index = columns.index("Periode")
    return sorted({str(row[index]) for row in rows})


def reject(context: dg.AssetExecutionContext, landing: LandingStore, landed: Landed, error: InputError) -> dg.Failure:
    """Move a bad body to quarantine and say why, naming the request, row and column (never retried: same body)."""
    moved = landing.quarantine(landed, str(error))
    context.log.error(f"Rejected {landed.request}; kept in quarantine at {moved}")
    return dg.Failure(
        description=str(error),
        metadata={"quarantined": dg.MetadataValue.path(str(moved)), "problems": len(error.problems)},
        allow_retries=False,
    )


def jobindsats_landing(spec: TableSpec) -> dg.AssetsDefinition:
    """The landing asset of one jobindsats table: monthly tables over the run's months, others incrementally."""
    monthly = spec.periodtype == "M"

    @dg.asset(
        name=f"jobindsats_{spec.table_id}",
        key_prefix="landing",
        group_name="landing",
        kinds={"json", "file"},
        description=f"jobindsats {spec.table_id}: {spec.title}. The v3 response, stored verbatim.",
        freshness_policy=freshness(spec.periodtype),
        metadata={"release": spec.release, "periodtype": spec.periodtype},
    )
    def _landing(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, jobindsats: JobindsatsClient
    ) -> dg.MaterializeResult:
        landing = warehouse.landing()
        catalogue = {entry.table_id: entry.update_latest for entry in jobindsats.catalogue()}
        if spec.api_id not in catalogue:
            reason = f"not offered: jobindsats lists no table {spec.api_id} in /v3/tables; staging keeps what it has"
            context.log.warning(f"jobindsats {spec.table_id}: {reason}")
            return dg.MaterializeResult(metadata={"periods": dg.MetadataValue.text(reason)})
        released = catalogue[spec.api_id]
        meta = jobindsats.table_metadata(spec.api_id)
        wanted = run_months(context.run.tags) if monthly else None
        latest = None if monthly else landing.latest_period("jobindsats", spec.table_id)
        periods = select_periods(meta.periods.get(spec.periodtype, []), latest, spec.revisit, wanted)
        if not periods:
            return dg.MaterializeResult(metadata={"periods": dg.MetadataValue.text("none offered in this range")})
        response = jobindsats.data(
            spec.api_id, build_query(spec.api_id, spec.periodtype, spec.hierarchies, meta, periods)
        )
        landed = landing.land(
            "jobindsats",
            spec.table_id,
            response.body,
            ".json",
            request=response.request,
            query=response.query,
            request_id=response.request_id,
            datagrundlag=response.datagrundlag,
            format="jobindsats-json",
            source_updated=released,
        )
        try:
            landed = landing.annotate(landed, periods=periods_in(response.body, response.request))
        except InputError as error:
            raise reject(context, landing, landed, error) from None
        if not landed.meta["periods"]:  # nothing to stage: the rows staging has for these periods stay
            context.log.warning(
                f"jobindsats {spec.table_id}: {response.request} answered with no rows; staging keeps the rows it has"
            )
        return dg.MaterializeResult(
            metadata={
                "request": dg.MetadataValue.text(response.request),
                "periods": dg.MetadataValue.text(", ".join(periods)),
                "content_hash": dg.MetadataValue.text(landed.content_hash),
                "bytes": dg.MetadataValue.int(landed.meta["bytes"]),
                "first_seen_at": dg.MetadataValue.text(landed.meta["first_seen_at"]),
                "datagrundlag": dg.MetadataValue.text(response.datagrundlag),
            }
        )

    return _landing


def statbank_landing(table: StatbankTable) -> dg.AssetsDefinition:
    """The landing asset of one StatBank table: the whole table as one BULK body."""

    @dg.asset(
        name=f"statbank_{table.table_id.lower()}",
        key_prefix="landing",
        group_name="landing",
        kinds={"csv", "file"},
        description=f"Statistics Denmark {table.table_id}: {table.title}. The BULK response, stored verbatim.",
        freshness_policy=freshness(table.frequency),
        metadata={"release": table.release, "ids_verified": table.verified},
    )
    def _landing(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, statbank: StatbankClient
    ) -> dg.MaterializeResult:
        updated = statbank.tableinfo(table.table_id).get("updated")
        response = statbank.data(table.table_id, table.request())
        landing = warehouse.landing()
        landed = landing.land(
            "statbank",
            table.table_id,
            response.body,
            ".csv",
            request=response.request,
            query=response.query,
            request_id=response.request_id,
            datagrundlag=response.datagrundlag,
            format="dst-bulk",
            source_updated=updated,
        )
        try:
            dst = read_dst_body(response.body, response.request, table.table_id)
        except InputError as error:
            raise reject(context, landing, landed, error) from None
        periods = sorted(dst.frame["TID"].unique())
        landed = landing.annotate(landed, periods=periods)
        return dg.MaterializeResult(
            metadata={
                "request": dg.MetadataValue.text(response.request),
                "updated": dg.MetadataValue.text(str(updated)),
                "periods": period_span(periods, counted=True),
                "content_hash": dg.MetadataValue.text(landed.content_hash),
                "datagrundlag": dg.MetadataValue.text(response.datagrundlag),
            }
        )

    return _landing


jobindsats_landings = {table_id: jobindsats_landing(spec) for table_id, spec in table_specs().items()}
statbank_landings = {table_id: statbank_landing(table) for table_id, table in statbank_tables().items()}
