"""The Parquet export of the serving copy: one file per published table, for tools that do not speak DuckDB.

`warehouse/export/<table>.parquet` holds each table of the serving copy (its suppressed version), a large
table as a Hive-partitioned folder by `periode` (`udvikling.parquet/periode=2026M07/data_0.parquet`),
and `data_dictionary.csv` the dictionary beside them. Like serving, the export is replaced whole:
it is written into a new folder and `export` is a symbolic link switched to it in one rename, so a
reader sees the old export or the new one, never a mixture; the folder it replaced is removed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import duckdb

EXPORT = "export"
# A table with more rows than this is split by period, so a BI tool reads only the periods it filters on.
PARTITION_ROWS = 250_000


def export_folder(serving: Path) -> Path:
    return serving.parent / EXPORT


def _literal(text: Path | str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def write_export(
    conn: duckdb.DuckDBPyConnection,
    catalog: str,
    tables: dict[str, int],
    target: Path,
    kept_from: Path | None = None,
    kept: frozenset[str] = frozenset(),
    fresh: Mapping[str, list[str]] | None = None,
) -> None:
    """Write every table of `catalog` named in `tables` (name -> rows) and the dictionary CSV into `target`.

    A table in `kept` whose file the export `kept_from` holds is linked from there, not written again;
    of a table in `fresh` (name -> periods) split by period there, only those periods are written and
    the others linked.
    """
    target.mkdir(parents=True)
    fresh = fresh or {}
    for table, rows in tables.items():
        bare = table.split(".")[1]
        before = kept_from / f"{bare}.parquet" if kept_from is not None else None
        if table in kept and before is not None and before.exists():
            _link(before, target / f"{bare}.parquet")
            continue
        columns = [c for (c,) in conn.execute(f"select column_name from (describe {catalog}.{table})").fetchall()]
        options = "format parquet"  # snappy: every BI tool reads it, and it writes faster than zstd
        split = rows > PARTITION_ROWS and "periode" in columns
        if split:
            options += ", partition_by (periode)"
        path, partly = target / f"{bare}.parquet", split and table in fresh and before is not None and before.is_dir()
        where = f"where periode in ({', '.join(map(_literal, fresh[table])) or 'null'})" if partly else ""
        conn.execute(f"copy (select * from {catalog}.{table} {where}) to {_literal(path)} ({options})")
        if partly:
            _link_periods(conn, f"{catalog}.{table}", before, path, set(fresh[table]))
    if "mart.data_dictionary" in tables:
        conn.execute(
            f"copy (select * from {catalog}.mart.data_dictionary order by tabel, position) "
            f"to {_literal(target / 'data_dictionary.csv')} (header, delimiter ',')"
        )


def _link_periods(conn: duckdb.DuckDBPyConnection, table: str, before: Path, target: Path, fresh: set[str]) -> None:
    """Link the period folders of `before` that `table` still has and that are not `fresh` into `target`."""
    held = {f"periode={p}" for (p,) in conn.execute(f"select distinct periode from {table}").fetchall()}
    held -= {f"periode={p}" for p in fresh}
    target.mkdir(exist_ok=True)  # no fresh rows: nothing written yet
    for folder in before.iterdir():
        if folder.name in held:
            _link(folder, target / folder.name)


def _link(source: Path, target: Path) -> None:
    """A file or a partitioned folder as hard links (a copy where the file system has none)."""
    try:
        if source.is_dir():
            shutil.copytree(source, target, copy_function=os.link)
        else:
            os.link(source, target)
    except OSError:  # a file system without hard links
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        else:
            target.unlink(missing_ok=True)
            shutil.copy2(source, target)


def staged_folder(serving: Path) -> Path:
    """A new folder for the export, beside the link; its name says which process wrote it."""
    return serving.parent / f".{EXPORT}-{os.getpid()}-{time.time_ns()}"


def switch_to(folder: Path, serving: Path) -> None:
    """Point `export` at `folder` in one rename, then remove what it pointed at before."""
    link = export_folder(serving)
    before = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a real folder from a copy or an older layout
        aside = staged_folder(serving).with_suffix(".old")
        link.rename(aside)
        before = aside
    pending = link.with_name(f".{EXPORT}-{os.getpid()}.link")
    pending.unlink(missing_ok=True)
    pending.symlink_to(folder.name)
    os.replace(pending, link)
    if before is not None and before != folder.resolve():
        shutil.rmtree(before, ignore_errors=True)
