"""The serving copy for BI: a whole new file, renamed into place.

BI tools open `serving.duckdb`, never the working warehouse. Writing a temporary file and
renaming it over the old one means a reader holding the old file keeps a consistent snapshot,
is never waited on, and never sees a half-written table; its next connection sees the new copy.

The copy is where diskretionering happens (warehouse/diskretionering.py): with a `diskretionering`
config, every table built from counts is copied with its small counts suppressed, so BI tools
never see them while the working warehouse keeps the real numbers.

The file is written in DuckDB's storage format v1.1.0 (STORAGE_VERSION), so every client from
DuckDB 1.1 on opens it: the CLI, and the ODBC/JDBC drivers Power BI, Metabase and DBeaver bundle.
It carries the BI layer (warehouse/bi.py: keys, comments, the `bi` views), and the same tables
go to the Parquet export (warehouse/export.py), both replaced together with the file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from schemas.types import Schema
from warehouse.bi import comment_all, create_views, declare_keys
from warehouse.diskretionering import FLAG, FLAG_COLUMNS, Config, TableRule, copy_suppressed, within
from warehouse.export import EXPORT, export_folder, staged_folder, switch_to, write_export

SERVED_SCHEMAS = ("mart",)
# Person-level tables (pseudonymised, still personal: warehouse/forloeb.py) are never served.
NEVER_SERVED = ("person",)
# The oldest storage format written: DuckDB 1.1 and every later client read it (DuckDB 2.0 writes 69 by default).
STORAGE_VERSION = "v1.1.0"
DICTIONARY = "mart.data_dictionary"


@dataclass(frozen=True)
class Rewritten:
    """The rows of a table a run rewrote: those `where` selects, a condition on `columns` only. The run left
    the other rows as they were, so the current serving copy holds them, already suppressed."""

    where: str
    columns: tuple[str, ...]


def publish(
    conn: duckdb.DuckDBPyConnection,
    serving: Path,
    schemas: tuple[str, ...] = SERVED_SCHEMAS,
    diskretionering: Config | None = None,
    model_for: Callable[[str], Schema | None] = lambda table: None,
    suppressed: dict[str, int] | None = None,
    unchanged: frozenset[str] = frozenset(),
    rewritten: Mapping[str, Rewritten] | None = None,
) -> dict[str, int]:
    """Copy every table of `schemas` from the connected warehouse to `serving`; return row counts.

    With `diskretionering`, a table it has a rule for (its model from `model_for`) is copied
    suppressed; the number of suppressed cells per such table goes into `suppressed`. The copy
    gets its keys, comments and views, and its tables are exported to Parquet beside it.
    A table in `unchanged` (the run did not write it) is copied as the current serving copy and
    export hold it, already suppressed, instead of being suppressed and exported again; of a table
    in `rewritten`, only the rows the run wrote are, where its rule allows suppressing them alone.
    """
    if set(schemas) & set(NEVER_SERVED):
        raise ValueError(f"publish: the schemas {NEVER_SERVED} hold person-level data and are never served")
    rewritten = rewritten or {}
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'BASE TABLE' "
        "and table_schema in (select unnest(?)) order by 1, 2",
        [list(schemas)],
    ).fetchall()
    counts = {}
    dictionary = _dictionary(conn)
    export = staged_folder(serving)
    held = _held(serving, unchanged | set(rewritten))
    copied: set[str] = set()  # the kept tables whose columns are still the warehouse's
    fresh: dict[str, list[str]] = {}  # the partly rewritten tables: the periods with rewritten rows
    conn.execute(f"attach ? as serving_copy (storage_version '{STORAGE_VERSION}')", [str(tmp)])
    if held:
        conn.execute("attach ? as serving_before (read_only)", [str(serving)])
    try:
        with _transaction(conn):  # committing each table would write the new file's log once per table
            for schema in schemas:
                conn.execute(f"create schema if not exists serving_copy.{schema}")
            for schema, table in tables:
                name, target = f"{schema}.{table}", f"serving_copy.{schema}.{table}"
                rule = diskretionering.rule_for(name, model_for(name)) if diskretionering else None
                same = name in held and _columns(conn, f"serving_before.{name}") == _columns(conn, name) + (
                    [FLAG, FLAG_COLUMNS] if rule else []
                )
                part, cells = rewritten.get(name), None
                if same and name in unchanged:
                    conn.execute(f"create table {target} as select * from serving_before.{name}")
                    copied.add(name)
                elif rule is None:
                    conn.execute(f"create table {target} as select * from {name}")
                elif same and part is not None and within(rule, part.columns):
                    cells = _copy_rewritten(conn, name, target, part.where, rule, diskretionering)
                    if "periode" in part.columns:
                        fresh[name] = _periods(conn, [target, f"serving_before.{name}"], part.where)
                else:
                    cells = copy_suppressed(conn, name, target, rule, diskretionering)
                if cells is not None and suppressed is not None:
                    suppressed[name] = cells
                counts[name] = conn.execute(f"select count(*) from {target}").fetchone()[0]
            _add_bi_layer(conn, list(counts), model_for, dictionary)
        write_export(
            conn, "serving_copy", counts, export, kept_from=export_folder(serving), kept=frozenset(copied), fresh=fresh
        )
    except BaseException:
        conn.execute("detach serving_copy")
        tmp.unlink(missing_ok=True)
        shutil.rmtree(export, ignore_errors=True)
        raise
    finally:
        if held:
            conn.execute("detach serving_before")
    conn.execute("detach serving_copy")
    os.replace(tmp, serving)
    switch_to(export, serving)
    return counts


@contextmanager
def _transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    conn.execute("begin transaction")
    try:
        yield
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")


def _copy_rewritten(
    conn: duckdb.DuckDBPyConnection, name: str, target: str, where: str, rule: TableRule, config: Config
) -> int:
    """`target` as the rows `where` selects, suppressed, followed by the others as the current serving copy
    holds them; return the suppressed cells of both."""
    cells = copy_suppressed(conn, f"(select * from {name} where {where})", target, rule, config)
    kept = f"from serving_before.{name} where not coalesce(({where}), false)"
    conn.execute(f"insert into {target} select * {kept}")
    kept_cells = f"select coalesce(sum(len(string_split({FLAG_COLUMNS}, ','))), 0)::bigint {kept}"
    return cells + conn.execute(kept_cells).fetchone()[0]


def _periods(conn: duckdb.DuckDBPyConnection, tables: list[str], where: str) -> list[str]:
    """The periods of the rows `where` selects in any of `tables`."""
    union = " union ".join(f"select distinct periode from {table} where {where}" for table in tables)
    return sorted(p for (p,) in conn.execute(union).fetchall())


def _columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for (name,) in conn.execute(f"select column_name from (describe {table})").fetchall()]


def _held(serving: Path, tables: frozenset[str]) -> frozenset[str]:
    """Those of `tables` the current serving copy holds (none when there is no copy yet)."""
    if not tables or not serving.exists():
        return frozenset()
    with duckdb.connect(str(serving), read_only=True) as old:
        held = {f"{s}.{t}" for s, t in old.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
    return frozenset(tables & held)


def _dictionary(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The warehouse's data dictionary (empty before its first build): the comments' text."""
    found = conn.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'mart' and table_name = 'data_dictionary'"
    ).fetchone()[0]
    if not found:
        return pd.DataFrame(columns=["tabel", "kolonne", "beskrivelse", "tabel_beskrivelse"])
    return conn.execute(f"select tabel, kolonne, beskrivelse, tabel_beskrivelse from {DICTIONARY}").df()


def _add_bi_layer(
    conn: duckdb.DuckDBPyConnection,
    tables: list[str],
    model_for: Callable[[str], Schema | None],
    dictionary: pd.DataFrame,
) -> None:
    """Keys, views and comments, made with the copy as the default catalog so the views name `mart.*` only."""
    home = conn.execute("select current_database()").fetchone()[0]
    conn.execute("use serving_copy")
    try:
        declare_keys(conn, tables, model_for)
        comment_all(conn, dictionary, create_views(conn, tables))
    finally:
        conn.execute(f'use "{home}"')


# The folder a run keeps the serving copy it replaced in, for its change summary (pipelines/run_report.py).
BEFORE_RUN = ".before-run-"


def remove_stale_copies(serving: Path) -> list[Path]:
    """Delete the temp files beside the serving copy of processes that no longer run; return them.

    A publish killed before its rename leaves `.serving.duckdb.<pid>.tmp` and an export folder
    `.export-<pid>-*` (or its pending link `.export-<pid>.link`), and a run killed before its
    change summary leaves the folder `.before-run-<pid>-*` holding the copy it compared with.
    """
    removed = []
    for leftover in serving.parent.glob(f".{serving.name}.*.tmp*"):
        pid = leftover.name.removeprefix(f".{serving.name}.").split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    live_export = (serving.parent / EXPORT).resolve()
    for folder in serving.parent.glob(f".{EXPORT}-*"):
        pid = folder.name.removeprefix(f".{EXPORT}-").split("-", 1)[0].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)) and folder.resolve() != live_export:
            if folder.is_symlink() or not folder.is_dir():
                folder.unlink(missing_ok=True)
            else:
                shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in serving.parent.glob(f"{BEFORE_RUN}*-*"):
        pid = folder.name.removeprefix(BEFORE_RUN).split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True
