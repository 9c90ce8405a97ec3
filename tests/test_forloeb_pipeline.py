"""The forløb engine in the pipeline: the sample run fills the person marts, a person file goes through
`jobindblik ingest` end to end, and serving.duckdb holds no person data."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.sources.personer import KEY_VARIABLE
from tests.conftest import copy_warehouse, read_table
from tests.test_ingest import cli_ingest
from warehouse.export import export_folder

KEY = "an-end-to-end-test-key-of-enough-length"
CPR_A, CPR_B = "0101901234", "0202851234"
HERNING = "657"
EXTRACT = f"""person_id;kommune;maalgruppe;startdato;slutdato
{CPR_A};Herning;Dagpengemodtagere;2025-01-06;2025-02-20
010190-1234;Herning;Kontanthjælpsmodtagere (jobparate);03-03-2025;
{CPR_B};657;Sygedagpengemodtagere;2025-03-10;
"""
PERSON_COLUMNS = {"person_id", "person_nr", "forloeb_nr"}


def all_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def query(database, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_the_sample_run_fills_the_person_rows(good_run):
    warehouse = good_run[0]
    into = query(warehouse, "select distinct kilde, datagrundlag from mart.vandringer_maalgruppe")
    assert into == [("fagsystem", "sample-synthetic")]
    after = query(warehouse, "select distinct kilde from mart.vandringer_efter_forloeb order by 1")
    assert after == [("dream",), ("fagsystem",)]
    for table in ("mart.fuldtidspersoner", "mart.varigheder"):
        kilder = {k for (k,) in query(warehouse, f"select distinct kilde from {table}")}
        assert "dream" in kilder, table
    assert query(warehouse, "select count(*) from mart.varigheder where kilde = 'fagsystem'")[0][0] > 0


def test_serving_holds_no_person_data(good_run):
    warehouse = good_run[0]
    serving = warehouse.with_name("serving.duckdb")
    schemas = {s for (s,) in query(serving, "select distinct table_schema from information_schema.tables")}
    assert schemas == {"mart", "bi"}  # the tables and the BI views over them: no person schema
    columns = {c for (c,) in query(serving, "select distinct column_name from information_schema.columns")}
    assert not columns & PERSON_COLUMNS
    landed = [str(p) for p in (warehouse.parent / "landing" / "personer").rglob("*.parquet")]
    ids = [p for (p,) in query(warehouse, f"select distinct person_id from read_parquet({landed})")]
    assert ids  # the sample has persons, so the checks below could fail
    relations = [f"s.{schema}.{table}" for schema, table in query(serving, TABLES)]
    relations += [f"read_parquet('{path}')" for path in export_folder(serving).rglob("*.parquet")]
    assert len(relations) > 20
    assert person_ids_in(serving, relations, ids) == []
    person_tables = {t for _, t in query(warehouse, f"{TABLES} and table_schema = 'person'")}
    exported = {path.name.split(".")[0] for path in export_folder(serving).iterdir()}
    assert person_tables and not exported & person_tables


TABLES = "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"


def person_ids_in(serving, relations: list[str], ids: list[str]) -> list[tuple[str, str]]:
    """(relation, column) of every text column in `relations` holding one of the person ids."""
    with duckdb.connect() as conn:
        conn.execute(f"attach '{serving}' as s (read_only)")
        conn.execute("create table ids as select unnest(?) as id", [ids])
        found = []
        for relation in relations:
            for column, kind, *_ in conn.execute(f"describe select * from {relation}").fetchall():
                if (
                    kind == "VARCHAR"
                    and conn.execute(
                        f'select count(*) from {relation} where "{column}" in (select id from ids)'
                    ).fetchone()[0]
                ):
                    found.append((relation, column))
        return found


@pytest.fixture(scope="module")
def ingested(good_run, tmp_path_factory):
    warehouse = copy_warehouse(good_run[0], tmp_path_factory.mktemp("forloeb") / "warehouse")
    path = warehouse.parent.parent / "maalgruppeforloeb_herning.csv"
    path.write_text(EXTRACT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_VARIABLE, KEY)
        run = cli_ingest(warehouse, path)
    return run, path


def test_a_person_file_through_jobindblik_ingest(ingested):
    run, path = ingested
    assert run.code == 0, run.err
    assert f"{path}: landed: personer maalgruppeforloeb, 3 rows, kommuner {HERNING}" in run.out
    rows = query(
        run.warehouse,
        "select periode, til_maalgruppe, fra_maalgruppe, antal, datagrundlag from mart.vandringer_maalgruppe "
        f"where omraade_kode = '{HERNING}' order by all",
    )
    # the extract replaces the sample's forløb for Herning; one person in two spellings of the same CPR
    assert rows == [
        ("2025M01", "Dagpengemodtagere", "Ingen", 1, "extract"),
        ("2025M03", "Kontanthjælpsmodtagere (jobparate)", "Dagpengemodtagere", 1, "extract"),
        ("2025M03", "Sygedagpengemodtagere", "Ingen", 1, "extract"),
    ]
    # the other kommuner keep the sample's rows
    assert query(run.warehouse, "select count(*) from mart.vandringer_maalgruppe where omraade_kode = '661'")[0][0] > 0


def test_no_cpr_number_or_key_is_kept_anywhere(ingested):
    run, _ = ingested
    folder = run.warehouse.parent
    kept = all_bytes(folder)
    for secret in (CPR_A, "010190-1234", CPR_B, KEY):
        assert secret.encode() not in kept, secret
        assert secret not in run.out + run.err, secret


def test_serving_suppresses_the_small_counts_from_the_extract(ingested):
    run, _ = ingested
    served = read_table(run.warehouse.with_name("serving.duckdb"), "mart.vandringer_maalgruppe")
    herning = served[(served["omraade_kode"] == HERNING) & (served["datagrundlag"] == "extract")]
    assert len(herning) == 3 and herning["antal"].isna().all() and herning["diskretioneret"].all()
