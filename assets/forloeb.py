"""Person-level forløb: the pseudonymised extracts (landing, `person.*`) and the marts built from them.

No API serves person data: it arrives through `jobindblik ingest` (pipelines/sources/personer.py reads
and pseudonymises it; landing keeps only the pseudonymised rows) and, in sample mode, from the bundled
synthetic sample. `person.*` never reaches serving.duckdb. The marts built from it (the two vandringer
tables, and the person rows of mart.varigheder and mart.fuldtidspersoner) are declarations in
warehouse/marts.py like every other mart table, their SQL in warehouse/forloeb/.
"""

import tomllib
from pathlib import Path

import dagster as dg

from pipelines.errors import InputError
from pipelines.resources.warehouse import WRITER_POOL, WarehouseResource
from pipelines.sources.dream_runs import landed_runs_sql
from pipelines.sources.extracts import read_extract
from pipelines.sources.jobindsats import JobindsatsClient
from pipelines.sources.personer import DREAM, FORLOEB, SOURCE
from warehouse import forloeb as engine

WEEKS_ONCE = "person_weeks_counted_once"
NO_SOURCE = "no person data: load målgruppeforløb or DREAM extracts with `jobindblik ingest`"


def _landing(table_id: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{SOURCE}_{table_id}",
        key_prefix="landing",
        group_name="landing",
        kinds={"parquet", "file"},
        description=f"Person-level {table_id} extracts, pseudonymised: landing keeps the pseudonymised rows and the "
        "original file's hash, never the file. In sample mode the bundled synthetic file is landed the same way.",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource, jobindsats: JobindsatsClient):
        sample_dir = getattr(jobindsats, "sample_dir", None)
        entry = _sample_entry(Path(sample_dir), table_id) if sample_dir else None
        if entry is None:
            return dg.MaterializeResult(metadata={"landed": dg.MetadataValue.text(NO_SOURCE)})
        path = Path(sample_dir) / entry["file"]
        try:
            extract = read_extract(path)
        except InputError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        landed = land(warehouse, extract, f"sample:{entry['file']}", entry["datagrundlag"])
        return dg.MaterializeResult(
            metadata={"rows": dg.MetadataValue.int(extract.rows), "content_hash": landed.content_hash}
        )

    return _asset


def _sample_entry(sample_dir: Path, table_id: str) -> dict | None:
    with open(sample_dir / "manifest.toml", "rb") as f:
        return tomllib.load(f).get(SOURCE, {}).get(table_id)


def land(warehouse: WarehouseResource, extract, request: str, datagrundlag: str):
    """Land a PersonExtract's pseudonymised rows (never the file), with the original's hash."""
    return warehouse.landing().land(
        SOURCE,
        extract.table_id,
        extract.body,
        ".parquet",
        request=request,
        file_name=extract.path.name,
        datagrundlag=datagrundlag,
        periods=list(extract.periods),
        **extract.decision(),
    )


landings = {table_id: _landing(table_id) for table_id in (FORLOEB, DREAM)}


@dg.asset(
    key=["person", "forloeb_input"],
    deps=[*landings.values(), dg.AssetKey(["mart", "dim_omraade"])],
    group_name="staging",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="person.maalgruppeforloeb, person.dream_perioder (DREAM runs) and person.udtraek from the landed "
    "pseudonymised extracts: per kommune the newest extract holding it wins; persons as integers (a hash of the "
    "pseudonym, checked for collisions).",
)
def forloeb_input(warehouse: WarehouseResource) -> dg.MaterializeResult:
    landing = warehouse.landing()
    winners = {table_id: _newest_per_kommune(landing.all(SOURCE, table_id)) for table_id in (FORLOEB, DREAM)}
    with warehouse.connect() as conn:
        conn.execute("begin transaction")
        # dream_uger and personer: tables of warehouses from before DREAM runs and hashed person numbers
        for table in ("maalgruppeforloeb", "dream_uger", "dream_perioder", "udtraek", "personer"):
            conn.execute(f"drop table if exists person.{table}")
        engine.create_inputs(conn)
        conn.execute(
            "create temp table fagsystem_rows (person_id varchar, kommune_kode varchar, maalgruppe varchar, "
            "startdato date, slutdato date)"
        )
        conn.execute(
            "create temp table dream_rows (person_id varchar, kommune_kode varchar, kode smallint, "
            "foerste_uge integer, sidste_uge integer)"
        )
        for landed, kommuner in winners[FORLOEB]:
            conn.execute(
                "insert into fagsystem_rows select * from read_parquet(?) where kommune_kode in (select unnest(?))",
                [str(landed.path), kommuner],
            )
            horizon = conn.execute(
                "select greatest(max(startdato), max(slutdato)) from read_parquet(?)", [str(landed.path)]
            ).fetchone()[0]
            conn.executemany(
                "insert into person.udtraek values ('fagsystem', ?, ?, ?, null, null)",
                [[k, landed.meta["datagrundlag"], horizon] for k in kommuner],
            )
        for landed, kommuner in winners[DREAM]:
            try:
                runs = landed_runs_sql(conn, landed.path)
            except InputError as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            conn.execute(
                f"insert into dream_rows select * from ({runs}) where kommune_kode in (select unnest(?))",
                [str(landed.path), kommuner],
            )
            first, last = landed.meta["horizon_weeks"]
            conn.executemany(
                "insert into person.udtraek values ('dream', ?, ?, null, ?, ?)",
                [[k, landed.meta["datagrundlag"], first, last] for k in kommuner],
            )
        engine.load_persons(conn)
        conn.execute("commit")
        counts = conn.execute(
            "select (select count(*) from person.maalgruppeforloeb), (select count(*) from person.dream_perioder)"
        ).fetchone()
    return dg.MaterializeResult(
        metadata={
            "maalgruppeforloeb": dg.MetadataValue.int(counts[0]),
            "dream_perioder": dg.MetadataValue.int(counts[1]),
        }
    )


def _newest_per_kommune(landed: list) -> list[tuple]:
    """(landed file, the kommuner it is the newest extract for): an extract replaces earlier ones for its kommuner."""
    owner = {}
    for item in sorted(landed, key=lambda item: item.meta["first_seen_at"]):
        owner.update({kommune: item for kommune in item.meta["kommuner"]})
    return [(item, sorted(k for k, o in owner.items() if o is item)) for item in landed if item in owner.values()]


@dg.asset(
    key=["person", "dream_forloeb"],
    deps=[forloeb_input],
    group_name="core",
    kinds={"duckdb", "sql"},
    pool=WRITER_POOL,
    description="DREAM spells: consecutive weeks in one ydelsesgruppe, up to gap_uger empty weeks allowed "
    "(pipelines/config/forloeb.toml; warehouse/forloeb/dream_forloeb.sql).",
    check_specs=[
        dg.AssetCheckSpec(
            WEEKS_ONCE,
            asset=["person", "dream_forloeb"],
            blocking=True,
            description="Every mapped person-week is in exactly one spell, and has one code.",
        )
    ],
)
def dream_forloeb(warehouse: WarehouseResource):
    with warehouse.connect() as conn:
        engine.load_code_lists(conn)
        conn.execute("begin transaction")
        engine.build_spells(conn, engine.load_config()["gap"])
        weeks, in_spells, overlapping = conn.execute(engine.model("check_person_weeks")).fetchone()
        ok = weeks == in_spells and overlapping == 0
        conn.execute("commit" if ok else "rollback")  # a failed check writes nothing
        rows = conn.execute("select count(*) from person.dream_forloeb").fetchone()[0] if ok else 0
    check = dg.AssetCheckResult(
        check_name=WEEKS_ONCE,
        passed=ok,
        metadata={"person_weeks": weeks, "in_spells": in_spells, "runs_overlapping_another": overlapping},
    )
    if not ok:
        yield check
        raise dg.Failure(
            description=f"person.dream_forloeb was not written: {weeks} person-weeks, {in_spells} in "
            f"spells, {overlapping} runs overlapping another of the person (two codes in one week)",
            allow_retries=False,
        )
    yield dg.MaterializeResult(metadata={"dagster/row_count": dg.MetadataValue.int(rows)}, check_results=[check])


forloeb_assets = [*landings.values(), forloeb_input, dream_forloeb]
