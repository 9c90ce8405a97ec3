"""jobindblik: the Dagster code location for Danish employment statistics."""
