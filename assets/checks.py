"""The blocking checks every staging and mart table carries, reported from the step that writes it.

Each table is validated once, as it is written (schemas/sql_rules.py for staging tables and tables built in
the database, pandera for the marts built as frames), and the result is that asset's check `pandera_schema`
(the PUDL pattern: the UI keeps each table's validation history). A failed check writes nothing and blocks
everything downstream, the publish step included.
"""

import dagster as dg
import pandas as pd

from assets.metadata import markdown_table
from pipelines.errors import Problem

SCHEMA_CHECK = "pandera_schema"
LISTED = 5


def schema_check(key: dg.AssetKey, model) -> dg.AssetCheckSpec:
    name = getattr(model, "__name__", None) or getattr(model, "name", None) or ".".join(key.path)
    return dg.AssetCheckSpec(
        SCHEMA_CHECK,
        asset=key,
        blocking=True,
        description=f"{'.'.join(key.path)} satisfies the pandera model {name}, checked as it is written.",
    )


def passed(key: dg.AssetKey, rows: int, check: str = SCHEMA_CHECK, metadata: dict | None = None) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=key, check_name=check, passed=True, metadata={"rows_checked": rows, **(metadata or {})}
    )


def failed(key: dg.AssetKey, problems: list[Problem], check: str = SCHEMA_CHECK) -> dg.AssetCheckResult:
    """A failed check listing the failing rows and columns."""
    cases = pd.DataFrame([(p.row, p.column, p.message) for p in problems], columns=["row", "column", "problem"])
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=check,
        passed=False,
        description="; ".join(str(p) for p in problems[:LISTED]),
        metadata={"failures": len(problems), "failure_cases": dg.MetadataValue.md(markdown_table(cases, rows=20))},
    )
