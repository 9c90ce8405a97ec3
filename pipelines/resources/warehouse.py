"""The DuckDB warehouse as a Dagster resource: one file, connections that always close."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.resources.landing import LandingStore

SCHEMAS = ("raw", "staging", "mart")
# Every asset that writes the warehouse runs in this pool; the instance admits one step at a time.
WRITER_POOL = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB file and the folders beside it (landing, quarantine, serving copy).

    Writers open read-write connections; readers (checks, the CLI summary) open read-only ones.
    DuckDB allows one writing process per file, so writing assets share `WRITER_POOL`.
    """

    path: str

    @property
    def database(self) -> Path:
        return Path(self.path)

    @property
    def serving_path(self) -> Path:
        return self.database.with_name("serving.duckdb")

    @property
    def landing_dir(self) -> Path:
        return self.database.parent / "landing"

    @property
    def quarantine_dir(self) -> Path:
        return self.database.parent / "quarantine"

    @property
    def inbox_dir(self) -> Path:
        """Where analysts drop extract files for the inbox sensor."""
        return self.database.parent / "inbox"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that is closed however the block ends; write connections see all schemas."""
        if not read_only:
            self.database.parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(self.database), read_only=read_only)
        try:
            if not read_only:
                for schema in SCHEMAS:
                    conn.execute(f"create schema if not exists {schema}")
            yield conn
        finally:
            conn.close()

    def landing(self) -> LandingStore:
        """The landing zone and quarantine that belong to this warehouse."""
        return LandingStore(self.landing_dir, self.quarantine_dir)


@contextmanager
def kept_open(database: Path) -> Iterator[None]:
    """Hold one read-write connection to `database` for the block, so the steps' own connections share its
    instance: without it each of a run's hundred steps opens the file again (catalog, WAL) and checkpoints
    it on close. Only for one process's run: a read-only connection to the file cannot open meanwhile.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    keeper = duckdb.connect(str(database))
    try:
        yield
    finally:
        keeper.close()
