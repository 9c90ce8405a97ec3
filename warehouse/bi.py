"""The BI layer of the serving copy: keys, comments and views that join the dimensions.

A BI user should not have to know that `657` is Herning in RAR Vestjylland, nor join
`mart.dim_periode` to get a date axis. So serving gets, beside the mart tables:

- a primary key on each table from its pandera model (`Config.unique`, or its one `unique=True`
  column), where no key column may be NULL (`mart.udvikling`'s `opdeling` may: it has none);
- `COMMENT ON` every table, view and column from the data dictionary (`mart.data_dictionary`),
  which Power BI, DBeaver and `duckdb_columns()` show as descriptions;
- the schema `bi`: one view per fact table with a Danish name saying what a row is, the table's
  columns followed by the area's name, level, region, landsdel, RAR and kommunegruppe, the
  period's type and dates and the ydelsesgruppe's label where the table has those codes.

Everything is created inside the serving file with it as the default catalog (`use`), so the
views' SQL names `mart.*` and works wherever the file is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb
import pandas as pd

from schemas.types import Schema, to_schema

BI_SCHEMA = "bi"

# The fact tables' views: a Danish name that says what one row is, and its comment.
VIEWS = {
    "mart.ledighed": (
        "ledige_pr_maaned",
        "Bruttoledige, ledighedsprocent og langtidsledige pr. måned, område og kilde",
    ),
    "mart.fuldtidspersoner": (
        "offentligt_forsoergede_pr_maaned",
        "Personer og fuldtidspersoner på offentlig forsørgelse pr. måned, område og ydelsesgruppe",
    ),
    "mart.aktivering": ("aktivering_pr_maaned", "Fuldtidsaktiverede efter tilbud og aktiveringsgrad pr. måned/år"),
    "mart.varigheder": ("forloeb_efter_varighed", "Forløb efter varighed og gennemsnitlig varighed pr. kvartal"),
    "mart.vandringer": ("status_efter_forloeb", "Hvor borgerne er 1 og 3 måneder efter et afsluttet forløb"),
    "mart.vandringer_maalgruppe": (
        "nye_forloeb_efter_forrige_maalgruppe",
        "Nye målgruppeforløb pr. måned og område efter forrige målgruppe (kommunens fagsystem)",
    ),
    "mart.vandringer_efter_forloeb": (
        "status_efter_maalgruppeforloeb",
        "Hvor borgerne er 1 og 3 måneder efter et afsluttet målgruppeforløb eller DREAM-forløb",
    ),
    "mart.benchmark": (
        "benchmark_resultatmaal",
        "Benchmark: forventet og faktisk antal fuldtidspersoner med placering",
    ),
    "mart.benchmark_placering": (
        "benchmark_placering_i_omraader",
        "Kommunens placering i benchmark inden for landet, regionen, RAR og kommunegruppen",
    ),
    "mart.benchmark_sammenligning": (
        "benchmark_sammenlignet",
        "Kommunens benchmarktal ved siden af landet, regionen, RAR, kommunegruppen og sammenlignelige kommuner",
    ),
    "mart.udvikling": ("udvikling_over_tid", "Hvert tal mod samme tal 3, 6 og 12 måneder (1 og 2 QMAT) tidligere"),
    "mart.noegletal": ("noegletal_pr_kommune", "Nøgletalsarket: kommunens tal, hele landets og tidligere værdier"),
    "mart.tilsyn_fokusmaal": ("tilsyn_fokusmaal_pr_maaned", "Skærpet tilsyn: fokusmål pr. måned med krav og status"),
    "mart.tilsyn_status": ("tilsyn_status_pr_aar", "Skærpet tilsyn: resultatmål, fokusmål og status pr. år"),
}
AREAS_VIEW = ("omraader", "Alle områder med navn, niveau og navnene på deres region, landsdel, RAR og kommunegruppe")

# The columns the views add, in this order, each with the dimension it comes from and its description.
AREA_COLUMNS = {
    "omraade_navn": "Områdets navn",
    "niveau": "Områdets niveau: land, region, landsdel, rar, kommunegruppe eller kommune",
    "region_navn": "Navnet på kommunens region (tom for andre niveauer end kommune)",
    "landsdel_navn": "Navnet på kommunens landsdel (tom for andre niveauer end kommune)",
    "rar_navn": "Navnet på kommunens RAR (regionalt arbejdsmarkedsråd; tom for andre niveauer end kommune)",
    "kommunegruppe_navn": "Navnet på kommunens kommunegruppe (tom for andre niveauer end kommune)",
}
PERIOD_COLUMNS = {
    "periodetype": "Periodens type: M (måned), Q (kvartal), QMAT (rullende år), Y (år), MYTD (år til dato)",
    "start_dato": "Periodens første dag",
    "slut_dato": "Periodens sidste dag",
}
GROUP_COLUMNS = {
    "ydelsesgruppe": "Ydelsesgruppen som kilden kalder den",
    "ydelsesgruppe_beskrivelse": "Hvad ydelsesgruppen dækker",
}


def primary_key(model: Schema) -> list[str]:
    """The model's key as a primary key: its one `unique=True` column, else `Config.unique`; [] when it has none
    or a key column may be NULL (a primary key cannot hold NULL)."""
    schema = to_schema(model)
    single = [name for name, column in schema.columns.items() if column.unique]
    key = single[:1] or list(schema.unique or [])
    return [] if any(schema.columns[name].nullable for name in key) else key


def declare_keys(conn: duckdb.DuckDBPyConnection, tables: list[str], model_for: Callable[[str], Schema | None]) -> None:
    """Add each table's primary key (tables are named in the current default catalog)."""
    for table in tables:
        model = model_for(table)
        key = primary_key(model) if model is not None else []
        if key:
            conn.execute(f"alter table {table} add primary key ({', '.join(key)})")


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _columns(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    return [
        c
        for (c,) in conn.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ? order by column_index",
            [schema, name],
        ).fetchall()
    ]


def view_sql(table: str, columns: list[str], present: set[str]) -> tuple[str, dict[str, str]]:
    """The select of a fact table's view joining those dimensions that are `present`, and the columns it adds
    with their descriptions (a run of part of the graph may publish without every dimension)."""
    added: dict[str, str] = {}
    selects, joins = ["f.*"], []
    if "omraade_kode" in columns and "mart.dim_omraade" in present:
        joins.append(f"left join {BI_SCHEMA}.{AREAS_VIEW[0]} as o on o.omraade_kode = f.omraade_kode")
        added |= {c: d for c, d in AREA_COLUMNS.items() if c not in columns}
        selects += [f"o.{c}" for c in AREA_COLUMNS if c not in columns]
    if "periode" in columns and "mart.dim_periode" in present:
        joins.append("left join mart.dim_periode as p on p.periode = f.periode")
        added |= {c: d for c, d in PERIOD_COLUMNS.items() if c not in columns}
        selects += [f"p.{c}" for c in PERIOD_COLUMNS if c not in columns]
    if "ydelsesgruppe_kode" in columns and "mart.dim_ydelsesgruppe" in present:
        joins.append("left join mart.dim_ydelsesgruppe as y on y.ydelsesgruppe_kode = f.ydelsesgruppe_kode")
        if "ydelsesgruppe" not in columns:
            selects.append("y.ydelsesgruppe")
            added["ydelsesgruppe"] = GROUP_COLUMNS["ydelsesgruppe"]
        selects.append("y.beskrivelse as ydelsesgruppe_beskrivelse")
        added["ydelsesgruppe_beskrivelse"] = GROUP_COLUMNS["ydelsesgruppe_beskrivelse"]
    sql = f"select {', '.join(selects)} from {table} as f " + " ".join(joins)
    return sql, added


AREAS_SQL = f"""
create view {BI_SCHEMA}.{AREAS_VIEW[0]} as
select o.omraade_kode, o.omraade_navn, o.niveau, o.region_kode, r.omraade_navn as region_navn,
       o.landsdel_kode, l.omraade_navn as landsdel_navn, o.rar as rar_kode, a.omraade_navn as rar_navn,
       o.kommunegruppe as kommunegruppe_kode, g.omraade_navn as kommunegruppe_navn, o.sortering
from mart.dim_omraade as o
left join mart.dim_omraade as r on r.omraade_kode = o.region_kode
left join mart.dim_omraade as l on l.omraade_kode = o.landsdel_kode
left join mart.dim_omraade as a on a.omraade_kode = o.rar
left join mart.dim_omraade as g on g.omraade_kode = o.kommunegruppe
"""
AREAS_COLUMNS = {
    "omraade_kode": "Område: DST-kode, 000 for hele landet",
    **{c: AREA_COLUMNS[c] for c in ("omraade_navn", "niveau")},
    "region_kode": "Kommunens region (DST-kode)",
    "region_navn": AREA_COLUMNS["region_navn"],
    "landsdel_kode": "Kommunens landsdel (LD01-LD11)",
    "landsdel_navn": AREA_COLUMNS["landsdel_navn"],
    "rar_kode": "Kommunens RAR (RAR1-RAR8)",
    "rar_navn": AREA_COLUMNS["rar_navn"],
    "kommunegruppe_kode": "Kommunens kommunegruppe (KG1-KG5)",
    "kommunegruppe_navn": AREA_COLUMNS["kommunegruppe_navn"],
    "sortering": "Sorteringsorden: landet, regioner, landsdele, RAR, kommunegrupper, kommuner",
}


def create_views(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, dict[str, str]]:
    """The `bi` views of those `tables` that have one; per view, its comment and added columns' descriptions."""
    conn.execute(f"create schema if not exists {BI_SCHEMA}")
    made = {}
    if "mart.dim_omraade" in tables:
        conn.execute(AREAS_SQL)
        made[f"{BI_SCHEMA}.{AREAS_VIEW[0]}"] = {"": AREAS_VIEW[1], **AREAS_COLUMNS}
    for table in tables:
        if table not in VIEWS:
            continue
        name, about = VIEWS[table]
        schema, bare = table.split(".")
        sql, added = view_sql(table, _columns(conn, schema, bare), set(tables))
        conn.execute(f"create view {BI_SCHEMA}.{name} as {sql}")
        made[f"{BI_SCHEMA}.{name}"] = {"": f"{about} (mart.{bare} med dimensionernes navne og datoer)", **added}
    return made


def comment_all(
    conn: duckdb.DuckDBPyConnection, dictionary: pd.DataFrame, views: Mapping[str, Mapping[str, str]]
) -> None:
    """COMMENT ON every table and column from the dictionary, and every view and column from `views`.

    A view's own columns that come from its table take the table's descriptions.
    """
    present = {
        f"{s}.{t}"
        for s, t in conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    dictionary = dictionary[dictionary["tabel"].isin(present)]
    described = {(row.tabel, row.kolonne): row.beskrivelse for row in dictionary.itertuples(index=False)}
    about = dictionary.drop_duplicates("tabel").set_index("tabel")["tabel_beskrivelse"].to_dict()
    statements = [f"comment on table {table} is {_literal(text)}" for table, text in about.items()]
    statements += [f"comment on column {t}.{c} is {_literal(text)}" for (t, c), text in described.items()]
    by_view = {f"{BI_SCHEMA}.{name}": table for table, (name, _) in VIEWS.items()}
    for view, texts in views.items():
        statements.append(f"comment on view {view} is {_literal(texts[''])}")
        schema, bare = view.split(".")
        for column in _columns(conn, schema, bare):
            text = texts.get(column) or described.get((by_view.get(view, ""), column))
            if text:
                statements.append(f"comment on column {view}.{column} is {_literal(text)}")
    conn.execute(";\n".join(statements))  # one call: a thousand separate ones cost seconds on a busy machine
