"""The serving copy for BI: a whole new file, renamed into place.

BI tools open `serving.duckdb`, never the working warehouse. Writing a temporary file and
renaming it over the old one means a reader holding the old file keeps a consistent snapshot,
is never waited on, and never sees a half-written table; its next connection sees the new copy.
After a run that wrote only some tables or rows (`--months`, the nightly), the temporary file
starts as a copy of the current one and only what the run wrote is replaced in it.

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
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from schemas.types import Schema
from warehouse.bi import BI_SCHEMA, comment_all, create_views, declare_keys, primary_key
from warehouse.diskretionering import FLAG, FLAG_COLUMNS, Config, TableRule, copy_suppressed, within
from warehouse.export import EXPORT, export_folder, staged_folder, switch_to, write_export

SERVED_SCHEMAS = ("mart",)
# Person-level tables (pseudonymised, still personal: warehouse/forloeb.py) are never served.
NEVER_SERVED = ("person",)
# The oldest storage format written: DuckDB 1.1 and every later client read it (DuckDB 2.0 writes 69 by default).
STORAGE_VERSION = "v1.1.0"
# How DuckDB tags a file in that format (duckdb_databases().tags): a copy to start from must have it.
STORAGE_TAG = "v1.0.0+"
DICTIONARY = "mart.data_dictionary"
# The publish step's metadata entry saying what the copy carried over from the file before it (see publish).
CARRIED_OVER = "carried_over"


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
    carried_over: dict[str, str | None] | None = None,
) -> dict[str, int]:
    """Copy every table of `schemas` from the connected warehouse to `serving`; return row counts.

    With `diskretionering`, a table it has a rule for (its model from `model_for`) is copied
    suppressed; the number of suppressed cells per such table goes into `suppressed`. The copy
    gets its keys, comments and views, and its tables are exported to Parquet beside it.
    A run that wrote only some tables or rows starts from a copy of the current serving file: a table
    in `unchanged` (the run did not write it) stays as that file and the export hold it, already
    suppressed; of a table in `rewritten`, only the rows the run wrote are replaced, where its rule
    allows suppressing them alone. Everything else is written anew. What the copy holds as the current file
    held it goes into `carried_over`: a table kept whole (None), or the condition of the rows replaced in it,
    all its other rows being as they were (the run summary compares only the rest).
    """
    if set(schemas) & set(NEVER_SERVED):
        raise ValueError(f"publish: the schemas {NEVER_SERVED} hold person-level data and are never served")
    rewritten = rewritten or {}
    tmp = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = [
        f"{schema}.{table}"
        for schema, table in conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_type = 'BASE TABLE' "
            "and table_schema in (select unnest(?)) order by 1, 2",
            [list(schemas)],
        ).fetchall()
    ]
    dictionary = _dictionary(conn)
    export = staged_folder(serving)
    held = _held(serving) if unchanged or rewritten else frozenset()
    if held:  # a copy of the file readers have open: they keep reading the original
        shutil.copyfile(serving, tmp)
    conn.execute(f"attach ? as serving_copy (storage_version '{STORAGE_VERSION}')", [str(tmp)])
    try:
        with _without_fsst(conn):
            with _transaction(conn):  # one commit: one per table would write the file's log each time
                for schema in schemas:
                    conn.execute(f"create schema if not exists serving_copy.{schema}")
                copy = _write_tables(conn, tables, held, diskretionering, model_for, unchanged, rewritten)
                _add_bi_layer(conn, list(copy.counts), copy.written, model_for, dictionary)
            kept_from = export_folder(serving)
            write_export(conn, "serving_copy", copy.counts, export, kept_from, frozenset(copy.kept), copy.fresh)
            conn.execute("detach serving_copy")  # its checkpoint writes the file
    except BaseException:
        conn.execute("detach database if exists serving_copy")
        tmp.unlink(missing_ok=True)
        shutil.rmtree(export, ignore_errors=True)
        raise
    os.replace(tmp, serving)
    switch_to(export, serving)
    if suppressed is not None:
        suppressed.update(copy.suppressed)
    if carried_over is not None:
        carried_over.update({name: None for name in copy.kept} | copy.replaced)
    return copy.counts


@dataclass
class _Copy:
    """What writing the tables into the copy did."""

    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    suppressed: dict[str, int] = field(default_factory=dict)  # suppressed cells per table with a rule
    kept: set[str] = field(default_factory=set)  # the unchanged tables the copy holds as they are
    fresh: dict[str, list[str]] = field(default_factory=dict)  # the partly rewritten tables: their new periods
    replaced: dict[str, str] = field(default_factory=dict)  # the partly rewritten tables: the rows replaced
    written: list[str] = field(default_factory=list)  # the tables written whole, which get their keys


def _write_tables(
    conn: duckdb.DuckDBPyConnection,
    tables: list[str],
    held: frozenset[str],
    diskretionering: Config | None,
    model_for: Callable[[str], Schema | None],
    unchanged: frozenset[str],
    rewritten: Mapping[str, Rewritten],
) -> _Copy:
    """Write `tables` into the attached `serving_copy`, which holds `held` from the current copy (see publish)."""
    copy = _Copy()
    for name in held - set(tables):
        conn.execute(f"drop table serving_copy.{name}")
    for name in tables:
        target = f"serving_copy.{name}"
        model = model_for(name)
        rule = diskretionering.rule_for(name, model) if diskretionering else None
        same = name in held and _shape(conn, target) == (
            _columns(conn, name) + ([FLAG, FLAG_COLUMNS] if rule else []),
            primary_key(model) if model is not None else [],
        )
        part = rewritten.get(name)
        if same and name in unchanged:
            copy.kept.add(name)
        elif same and rule is not None and part is not None and within(rule, part.columns):
            if "periode" in part.columns:
                copy.fresh[name] = _periods(conn, [target, name], part.where)
            copy.replaced[name] = part.where
            copy.suppressed[name] = _replace_rewritten(conn, name, target, part.where, rule, diskretionering)
        else:
            conn.execute(f"drop table if exists {target}")
            if rule is None:
                conn.execute(f"create table {target} as select * from {name}")
            else:
                copy.suppressed[name] = copy_suppressed(conn, name, target, rule, diskretionering)
            copy.written.append(name)
        copy.counts[name] = conn.execute(f"select count(*) from {target}").fetchone()[0]
    return copy


@contextmanager
def _without_fsst(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Writing without trying FSST string compression, which these tables use in a few segments only: the file
    is as large, and the copy a sixth faster (mart.udvikling: 1.9 -> 1.5 s CPU, 9.8 -> 8.5 s at scale 10)."""
    (before,) = conn.execute("select current_setting('disabled_compression_methods')").fetchone()
    conn.execute(f"set disabled_compression_methods = '{','.join(filter(None, [before, 'fsst']))}'")
    try:
        yield
    finally:
        conn.execute(f"set disabled_compression_methods = '{before}'")


@contextmanager
def _transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    conn.execute("begin transaction")
    try:
        yield
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")


def _replace_rewritten(
    conn: duckdb.DuckDBPyConnection, name: str, target: str, where: str, rule: TableRule, config: Config
) -> int:
    """Replace the rows `where` selects in `target` with the warehouse's, suppressed; return the suppressed
    cells of the whole table."""
    rows = f"{target}__rewritten"  # beside it: a transaction writes to one database only
    copy_suppressed(conn, f"(select * from {name} where {where})", rows, rule, config)
    conn.execute(f"delete from {target} where {where}")
    conn.execute(f"insert into {target} select * from {rows}")
    conn.execute(f"drop table {rows}")
    kept = f"select coalesce(sum(len(string_split({FLAG_COLUMNS}, ','))), 0)::bigint from {target}"
    return conn.execute(kept).fetchone()[0]


def _periods(conn: duckdb.DuckDBPyConnection, tables: list[str], where: str) -> list[str]:
    """The periods of the rows `where` selects in any of `tables`."""
    union = " union ".join(f"select distinct periode from {table} where {where}" for table in tables)
    return sorted(p for (p,) in conn.execute(union).fetchall())


def _columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for (name,) in conn.execute(f"select column_name from (describe {table})").fetchall()]


def _shape(conn: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[str]]:
    """A table of the serving copy's columns and primary key."""
    catalog, schema, bare = table.split(".")
    key = conn.execute(
        "select constraint_column_names from duckdb_constraints() where database_name = ? and schema_name = ? "
        "and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [catalog, schema, bare],
    ).fetchone()
    return _columns(conn, table), list(key[0]) if key else []


def _held(serving: Path) -> frozenset[str]:
    """The tables of the current serving copy, if a new copy can start from it (none when there is no copy yet,
    or it is in another storage format than the one written now)."""
    if not serving.exists():
        return frozenset()
    with duckdb.connect(str(serving), read_only=True) as old:
        (tag,) = old.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()
        if tag != STORAGE_TAG:
            return frozenset()
        tables = old.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    return frozenset(f"{schema}.{table}" for schema, table in tables)


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
    written: list[str],
    model_for: Callable[[str], Schema | None],
    dictionary: pd.DataFrame,
) -> None:
    """Keys of the tables `written`, views and comments, made with the copy as the default catalog so the views
    name `mart.*` only. The views are made anew: a copy started from the current one has them already."""
    home = conn.execute("select current_database()").fetchone()[0]
    conn.execute("use serving_copy")
    try:
        declare_keys(conn, written, model_for)
        conn.execute(f"drop schema if exists {BI_SCHEMA} cascade")
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
