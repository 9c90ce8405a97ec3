"""Landing: each source response stored exactly as received, named by its content hash."""

import dagster as dg

from pipelines.resources.warehouse import WarehouseResource
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.jobindsats_parser import table_specs


@dg.asset(
    key=["landing", "jobindsats_y30r21"],
    group_name="landing",
    kinds={"json", "file"},
    description="The y30r21 (benchmark) response from jobindsats.dk v3, stored verbatim under warehouse/landing.",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def landing_jobindsats_y30r21(warehouse: WarehouseResource, jobindsats: JobindsatsClient) -> dg.MaterializeResult:
    spec = table_specs()["y30r21"]
    response = jobindsats.data(spec.table_id, spec.query)
    landed = warehouse.landing().land(
        "jobindsats",
        spec.table_id,
        response.body,
        ".json",
        request=response.request,
        query=response.query,
        request_id=response.request_id,
        datagrundlag=response.datagrundlag,
    )
    return dg.MaterializeResult(
        metadata={
            "request": dg.MetadataValue.text(response.request),
            "content_hash": dg.MetadataValue.text(landed.content_hash),
            "bytes": dg.MetadataValue.int(landed.meta["bytes"]),
            "first_seen_at": dg.MetadataValue.text(landed.meta["first_seen_at"]),
            "datagrundlag": dg.MetadataValue.text(response.datagrundlag),
        },
        data_version=dg.DataVersion(landed.content_hash),
    )
