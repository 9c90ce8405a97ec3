"""The mart assets, one per declaration in warehouse/marts.py, each with its blocking checks.

The asset is wiring only: it runs `warehouse.build.build` over the run's months and reports what
the write gave, so the UI shows each table's rows, periods, a preview, its checks and the one
file that says how it is made.
"""

import warnings

import dagster as dg

from assets.checks import failed, passed, schema_check
from assets.metadata import DOMAIN_TAGS, OWNERS, definition_metadata, markdown_table, period_span
from pipelines.errors import InputError
from pipelines.months import tagged_months
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from warehouse import unpublished
from warehouse.build import Outcome, build
from warehouse.marts import MARTS, ROOT, Mart, Scope


def key_of(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def code_reference(path: str) -> dict:
    """The one file that says how the table is made, linked from the asset in the UI."""
    with warnings.catch_warnings():  # code references are labelled beta since 1.7, and stable in use
        warnings.simplefilter("ignore", dg.BetaWarning)
        reference = dg.LocalFileCodeReference(file_path=str(ROOT / path), line_number=1)
        return {"dagster/code_references": dg.CodeReferencesMetadataValue(code_references=[reference])}


def run_scope(context: dg.AssetExecutionContext) -> Scope:
    """The run's month range and the tables it writes (None for each: a full run)."""
    selection = context.run.asset_selection  # empty (not None) when the run is the whole job
    tables = frozenset(".".join(key.path) for key in selection) if selection else None
    return Scope(tagged_months(context.run.tags), tables)


def _rule_results(key: dg.AssetKey, mart: Mart, outcome: Outcome) -> list[dg.AssetCheckResult]:
    results = []
    for rule in mart.rules:
        failing = outcome.broken.get(rule.name)
        metadata = {**outcome.rule_metadata.get(rule.name, {})}
        if failing is None:
            results.append(passed(key, outcome.rows, rule.name, metadata))
            continue
        results.append(
            dg.AssetCheckResult(
                asset_key=key,
                check_name=rule.name,
                passed=False,
                description=f"{len(failing)} {rule.broken}",
                metadata={
                    **metadata,
                    "failures": len(failing),
                    "failing_rows": dg.MetadataValue.md(markdown_table(failing, rows=20)),
                },
            )
        )
    return results


def mart_asset(mart: Mart) -> dg.AssetsDefinition:
    key = key_of(mart.table)

    @dg.asset(
        key=key,
        deps=[key_of(table) for table in mart.inputs],
        group_name=mart.group,
        kinds={"duckdb", mart.kind},
        pool=WRITER_POOL,
        description=mart.description,
        check_specs=[
            schema_check(key, mart.model),
            *(
                dg.AssetCheckSpec(rule.name, asset=key, blocking=True, description=rule.description)
                for rule in mart.rules
            ),
        ],
        metadata={**definition_metadata(mart.table, mart.model), **code_reference(mart.code)},
        owners=OWNERS,
        tags=DOMAIN_TAGS,
    )
    def _mart(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        scope = run_scope(context)
        try:
            with warehouse.connect() as conn:
                unpublished.mark(conn, mart.table, context.run.run_id)
                outcome = build(conn, mart, scope)
        except InputError as error:
            yield failed(key, error.problems)
            raise dg.Failure(description=str(error), allow_retries=False) from None
        if not outcome.written:
            yield failed(key, outcome.problems) if outcome.problems else passed(key, 0)
            yield from _rule_results(key, mart, outcome)
            broken = ", ".join(
                f"{len(outcome.broken[r.name])} {r.broken}" for r in mart.rules if r.name in outcome.broken
            )
            reasons = "; ".join(filter(None, ["; ".join(str(p) for p in outcome.problems[:5]), broken]))
            raise dg.Failure(
                description=f"{mart.table} was not written (it keeps what it had): {reasons}", allow_retries=False
            )
        yield dg.MaterializeResult(
            metadata={
                "dagster/row_count": outcome.rows,
                "table": mart.table,
                **({"months": period_span(scope.months)} if scope.months and mart.monthly else {}),
                **outcome.metadata,
                "preview": dg.MetadataValue.md(markdown_table(outcome.preview)),
            },
            check_results=[passed(key, outcome.rows), *_rule_results(key, mart, outcome)],
        )

    return _mart


mart_assets = [mart_asset(mart) for mart in MARTS]
