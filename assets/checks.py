"""pandera models as blocking asset checks (the PUDL pattern): validation history in the UI.

Assets validate before they write, so bad data never lands; these checks validate what is
stored, so the UI shows each table's validation history and a failure blocks everything
downstream, the publish step included.
"""

import dagster as dg
import pandera.pandas as pa

from assets.metadata import markdown_table
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from schemas.registry import register
from schemas.validation import problems_from


def pandera_check(
    asset_key: dg.AssetKey, table: str, model: type[pa.DataFrameModel] | pa.DataFrameSchema
) -> dg.AssetChecksDefinition:
    """A blocking check that validates `table` against `model` and lists the failing rows and columns.

    It also registers `model` as the description of `table` (schemas/registry.py), which
    diskretionering and the data dictionary read.
    """
    register(table, model)

    @dg.asset_check(
        asset=asset_key,
        name="pandera_schema",
        blocking=True,
        pool=WRITER_POOL,
        description=f"{table} satisfies the pandera model {getattr(model, '__name__', table)}.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as conn:
            frame = conn.execute(f"select * from {table}").df()
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases[["column", "check", "failure_case", "index"]].rename(columns={"index": "row"})
            cases["row"] = cases["row"] + 1
            return dg.AssetCheckResult(
                passed=False,
                description="; ".join(str(p) for p in problems_from(errors)[:5]),
                metadata={
                    "failures": dg.MetadataValue.int(len(cases)),
                    "failure_cases": dg.MetadataValue.md(markdown_table(cases, rows=20)),
                },
            )
        return dg.AssetCheckResult(passed=True, metadata={"rows_checked": dg.MetadataValue.int(len(frame))})

    return _check
