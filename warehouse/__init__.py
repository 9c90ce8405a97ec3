"""DuckDB side of the pipeline: table DDL derived from the pandera models, SQL models, publishing."""
