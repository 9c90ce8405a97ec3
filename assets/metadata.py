"""MaterializeResult metadata that makes the Dagster UI useful: counts and a readable preview."""

import dagster as dg
import pandas as pd


def markdown_table(frame: pd.DataFrame, rows: int = 10) -> str:
    """The first `rows` rows as a Markdown table (no extra dependency for pandas' to_markdown)."""
    head = frame.head(rows)
    lines = ["| " + " | ".join(map(str, head.columns)) + " |", "|" + "---|" * len(head.columns)]
    for record in head.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in record]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def table_metadata(frame: pd.DataFrame, table: str) -> dict:
    """Row count, the DuckDB table it was written to and a preview."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "table": dg.MetadataValue.text(table),
        "preview": dg.MetadataValue.md(markdown_table(frame)),
    }
