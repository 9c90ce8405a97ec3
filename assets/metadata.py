"""MaterializeResult and definition metadata that makes the Dagster UI useful: counts, previews, schemas, charts.

`column_schema` gives the UI each table's columns with type, nullability and description (from the
pandera model, as the DDL and the data dictionary do); OWNERS and DOMAIN_TAGS say who answers for an
asset and what it is about; `chart` shows a figure where a person would rather look than read.
"""

import base64
from collections.abc import Sequence

import dagster as dg
import pandas as pd

from schemas.types import Schema, to_schema
from warehouse.dictionary import COMMON
from warehouse.tables import columns_of

# Who answers for the assets (Dagster owners: an e-mail or team:<name>), and the domain they belong to.
OWNERS = ["team:jobindblik"]
DOMAIN_TAGS = {"domain": "beskaeftigelse"}


def markdown_table(frame: pd.DataFrame, rows: int = 10) -> str:
    """The first `rows` rows as a Markdown table (no extra dependency for pandas' to_markdown)."""
    head = frame.head(rows)
    lines = ["| " + " | ".join(map(str, head.columns)) + " |", "|" + "---|" * len(head.columns)]
    for record in head.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in record]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def period_span(periods: Sequence[str], counted: bool = False) -> dg.MetadataValue:
    """Sorted periods as `first..last` (and how many, when `counted`; gaps are not shown), or `none`."""
    if not periods:
        return dg.MetadataValue.text("none")
    return dg.MetadataValue.text(f"{periods[0]}..{periods[-1]}" + (f" ({len(periods)})" if counted else ""))


def table_metadata(frame: pd.DataFrame, table: str) -> dict:
    """Row count, the DuckDB table it was written to and a preview."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "table": dg.MetadataValue.text(table),
        "preview": dg.MetadataValue.md(markdown_table(frame)),
    }


def column_schema(model: Schema) -> dg.TableSchema:
    """The table's columns as the UI shows them (`dagster/column_schema`): DuckDB type, nullability, description."""
    schema = to_schema(model)
    columns = [
        dg.TableColumn(
            name=name,
            type=sql_type,
            description=schema.columns[name].description or COMMON.get(name),
            constraints=dg.TableColumnConstraints(nullable=bool(nullable), unique=bool(schema.columns[name].unique)),
        )
        for name, sql_type, nullable in columns_of(model)
    ]
    key = list(schema.unique or [])
    constraints = dg.TableConstraints(other=[f"unique ({', '.join(key)})"]) if key else None
    return dg.TableSchema(columns=columns, constraints=constraints)


def definition_metadata(table: str, model: Schema) -> dict:
    """The metadata an asset that writes `table` declares: its column schema and its DuckDB table name."""
    return {"dagster/column_schema": column_schema(model), "dagster/table_name": table}


def chart(png: bytes, alt: str) -> dg.MetadataValue:
    """A PNG as Markdown with the image inline (Dagster has no image metadata type; its Markdown shows data URIs)."""
    return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})")
