"""The hand-written DuckDB query: the floor the project's code is measured against.

One SQL statement, no input checks, no trimming, doing the same work as the project: active
establishments that are employers by the register's flag (the band deciding when the flag is
empty), whose band is known and not more than 2 years older than the latest band year; old
commune codes and arrondissements moved by a join to the passage; joined to the legal units,
the commune → area table, the band table and the family tables (niveau III, else niveau II,
else niveau I); grouped by area. It gives the same figures as
:func:`ressol_analysis.national.national_indicators` on clean files (the test
``tests/test_national.py`` checks it).
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ressol_analysis.sources.reference import (
    FAMILIES,
    bands_table,
    families_table,
    family_levels_table,
)

FAMILY = "coalesce(f3.famille, f2.famille, f1.famille)"
FAMILY_SQL = ",\n".join(
    f"count(*) FILTER (WHERE employer AND ess_d AND {FAMILY} = '{fam}') "
    f"AS ess_etablissements_employeurs_{fam},\n"
    f"coalesce(sum(b.effectif_central) FILTER (WHERE employer AND ess_d AND {FAMILY} = '{fam}'),"
    f" 0) AS ess_effectif_salarie_estime_{fam}"
    for fam in FAMILIES
)

FLOOR_SQL = """
WITH latest AS (
    SELECT max(TRY_CAST(anneeEffectifsEtablissement AS INTEGER)) AS y FROM {etab}
),
e AS (
    SELECT siren, coalesce(m.code_actuel, codeCommuneEtablissement) AS codgeo,
           NULLIF(trancheEffectifsEtablissement, '') AS band,
           etatAdministratifEtablissement AS etat,
           etatAdministratifEtablissement = 'A'
           AND CASE WHEN NULLIF(caractereEmployeurEtablissement, '') IS NOT NULL
                    THEN caractereEmployeurEtablissement = 'O'
                    ELSE coalesce(b0.employeur, false) END
           AND coalesce(TRY_CAST(anneeEffectifsEtablissement AS INTEGER)
                        >= (SELECT y FROM latest) - 2, true)
           AND (NULLIF(trancheEffectifsEtablissement, '') IS NULL OR b0.tranche IS NOT NULL)
               AS employer,
           CASE WHEN TRY_CAST(dateCreationEtablissement AS DATE) <> DATE '1900-01-01'
                     AND TRY_CAST(dateCreationEtablissement AS DATE) <= {stock}
                THEN TRY_CAST(dateCreationEtablissement AS DATE) END AS creation,
           CASE WHEN etatAdministratifEtablissement = 'F'
                     AND TRY_CAST(dateDebut AS DATE) <> DATE '1900-01-01'
                     AND TRY_CAST(dateDebut AS DATE) <= {stock}
                THEN TRY_CAST(dateDebut AS DATE) END AS closure
    FROM {etab}
    LEFT JOIN moves AS m ON codeCommuneEtablissement = m.code_ancien
    LEFT JOIN bands AS b0 ON NULLIF(trancheEffectifsEtablissement, '') = b0.tranche
    WHERE etatAdministratifEtablissement = 'A'
       OR NOT coalesce(TRY_CAST(dateDebut AS DATE) BETWEEN DATE '1900-01-02'
                                                      AND DATE '2012-12-31', false)
),
d AS (
    SELECT e.*, u.categorieJuridiqueUniteLegale AS cj,
           coalesce(u.economieSocialeSolidaireUniteLegale = 'O', false) AS ess_d,
           creation IS NULL OR (etat = 'F' AND closure IS NULL) OR etat IS NULL
               OR etat NOT IN ('A', 'F') AS unknown,
           coalesce(year(creation) BETWEEN 2013 AND {last_cohort}, false) AS cohort
    FROM e JOIN (SELECT siren, categorieJuridiqueUniteLegale, economieSocialeSolidaireUniteLegale
                 FROM {units}) AS u USING (siren)
)
SELECT g.territoire_code,
    count(*) FILTER (WHERE employer) AS etablissements_employeurs,
    count(*) FILTER (WHERE employer AND ess_d) AS ess_etablissements_employeurs,
    coalesce(sum(b.effectif_central) FILTER (WHERE employer), 0) AS effectif_salarie_estime,
    coalesce(sum(b.effectif_central) FILTER (WHERE employer AND ess_d), 0)
        AS ess_effectif_salarie_estime,
    coalesce(sum(b.effectif_bas) FILTER (WHERE employer AND ess_d), 0)
        AS ess_effectif_salarie_estime_bas,
    coalesce(sum(b.effectif_haut) FILTER (WHERE employer AND ess_d), 0)
        AS ess_effectif_salarie_estime_haut,
    {families},
    {dynamics}
FROM d
JOIN groups AS g ON g.CODGEO = d.codgeo
LEFT JOIN bands AS b ON b.tranche = d.band
LEFT JOIN families AS f3 ON f3.categorie_juridique = d.cj
LEFT JOIN families_ii AS f2 ON f2.code = left(d.cj, 2)
LEFT JOIN families_i AS f1 ON f1.code = left(d.cj, 1)
GROUP BY g.territoire_code
"""


def dynamics_sql(first_flow: int, last_flow: int) -> str:
    """The dynamics counts, written out year by year (same names as the project's columns)."""
    items = []
    for scope, condition in (("", "true"), ("ess_", "ess_d")):
        known = f"NOT unknown AND {condition}"
        for y in range(first_flow, last_flow + 2):
            items.append(
                f"count(*) FILTER (WHERE {known} AND creation < DATE '{y}-01-01' AND "
                f"(etat = 'A' OR closure >= DATE '{y}-01-01')) "
                f"AS {scope}etablissements_actifs_01_01_{y}"
            )
        for y in range(first_flow, last_flow + 1):
            items.append(
                f"count(*) FILTER (WHERE {known} AND year(creation) = {y}) "
                f"AS {scope}etablissements_crees_{y}"
            )
        for y in range(first_flow, last_flow + 1):
            items.append(
                f"count(*) FILTER (WHERE {known} AND year(closure) = {y}) "
                f"AS {scope}etablissements_fermes_{y}"
            )
        items.append(
            f"count(*) FILTER (WHERE unknown AND {condition}) "
            f"AS {scope}etablissements_date_inconnue"
        )
        items.append(
            f"count(*) FILTER (WHERE {known} AND cohort) "
            f"AS {scope}etablissements_cohortes_survie_3_ans"
        )
        items.append(
            f"count(*) FILTER (WHERE {known} AND cohort AND (etat = 'A' OR closure > creation + "
            f"INTERVAL 3 YEAR)) AS {scope}etablissements_survivants_3_ans"
        )
    for fam in FAMILIES:
        member = f"NOT unknown AND ess_d AND {FAMILY} = '{fam}'"
        items.append(
            f"count(*) FILTER (WHERE {member} AND cohort) "
            f"AS ess_etablissements_cohortes_survie_3_ans_{fam}"
        )
        items.append(
            f"count(*) FILTER (WHERE {member} AND cohort AND (etat = 'A' OR closure > creation + "
            f"INTERVAL 3 YEAR)) AS ess_etablissements_survivants_3_ans_{fam}"
        )
    return ",\n    ".join(items)


def _zip_reader(path: Path, columns: list[str]) -> pa.RecordBatchReader:
    archive = zipfile.ZipFile(path)
    member = archive.open(archive.namelist()[0])
    return pacsv.open_csv(
        member,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types={c: pa.string() for c in columns}
        ),
    )


def floor_indicators(
    directory: str | Path,
    commune_groups: pd.DataFrame,
    passage: pd.DataFrame,
    memory_limit: str = "1GB",
) -> pd.DataFrame:
    """Run the hand-written query; one row per area with at least one employer (wide)."""
    directory = Path(directory)
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    sizes = passage.groupby("code_ancien")["code_actuel"].transform("size")
    con.register("moves", passage[sizes == 1])
    con.register("groups", commune_groups[["CODGEO", "territoire_code"]])
    con.register("bands", bands_table())
    con.register("families", families_table()[["categorie_juridique", "famille"]])
    levels = family_levels_table()
    con.register(
        "families_ii",
        levels.loc[(levels["niveau"] == "II") & (levels["famille"] != ""), ["code", "famille"]],
    )
    con.register("families_i", levels.loc[levels["niveau"] == "I", ["code", "famille"]])
    parquet = directory / "StockEtablissement_utf8.parquet"
    if parquet.exists():
        etab = f"read_parquet('{parquet}')"
        units = f"read_parquet('{directory / 'StockUniteLegale_utf8.parquet'}')"
    else:
        con.register(
            "etab_zip",
            _zip_reader(
                directory / "StockEtablissement_utf8.zip",
                ["siren", "codeCommuneEtablissement", "etatAdministratifEtablissement",
                 "trancheEffectifsEtablissement", "caractereEmployeurEtablissement",
                 "anneeEffectifsEtablissement", "dateCreationEtablissement", "dateDebut",
                 "dateDernierTraitementEtablissement"],
            ),
        )  # fmt: skip
        con.register(
            "units_zip",
            _zip_reader(
                directory / "StockUniteLegale_utf8.zip",
                ["siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale"],
            ),
        )
        # Streams have no row count and are read once: materialize the (smaller) establishments
        # kept, so that DuckDB builds its hash table on them rather than on the legal units.
        con.execute(
            "CREATE TEMP TABLE etab_kept AS SELECT * FROM etab_zip "
            "WHERE etatAdministratifEtablissement = 'A' OR NOT coalesce(TRY_CAST(dateDebut AS "
            "DATE) BETWEEN DATE '1900-01-02' AND DATE '2012-12-31', false)"
        )
        etab, units = "etab_kept", "units_zip"
    stock = con.execute(
        f"SELECT max(left(dateDernierTraitementEtablissement, 10)) FROM {etab}"
    ).fetchall()[0][0]
    stock = date.fromisoformat(stock)
    last_flow = stock.year - 1 if stock < date(stock.year, 12, 31) else stock.year
    sql = FLOOR_SQL.format(
        etab=etab,
        units=units,
        families=FAMILY_SQL,
        dynamics=dynamics_sql(2013, last_flow),
        stock=f"DATE '{stock.isoformat()}'",
        last_cohort=last_flow - 3,
    )
    result = con.execute(sql).fetch_df()
    con.close()
    result.attrs["date_stock"] = stock
    return result


def floor_tidy(wide: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Long table (territoire_code, indicateur, valeur) from :func:`floor_indicators`."""
    values = wide.set_index("territoire_code").reindex(areas["territoire_code"]).fillna(0.0)
    values = values.astype(float)
    employers = values["etablissements_employeurs"]
    jobs = values["effectif_salarie_estime"]
    values["part_ess_etablissements_employeurs"] = (
        100 * values["ess_etablissements_employeurs"] / employers.where(employers > 0)
    )
    values["part_ess_effectif_salarie_estime"] = (
        100 * values["ess_effectif_salarie_estime"] / jobs.where(jobs > 0)
    )
    actives = sorted(c for c in values.columns if c.startswith("etablissements_actifs_01_01_"))
    rates = {}
    for scope in ("", "ess_"):
        first = values[f"{scope}{actives[0]}"]
        last = values[f"{scope}{actives[-1]}"]
        rates[f"{scope}evolution_etablissements_actifs_depuis_2013"] = (
            100 * last / first.where(first > 0) - 100
        )
        cohort = values[f"{scope}etablissements_cohortes_survie_3_ans"]
        survivors = values[f"{scope}etablissements_survivants_3_ans"]
        rates[f"{scope}taux_survie_3_ans"] = 100 * survivors / cohort.where(cohort > 0)
    for fam in FAMILIES:
        cohort = values[f"ess_etablissements_cohortes_survie_3_ans_{fam}"]
        survivors = values[f"ess_etablissements_survivants_3_ans_{fam}"]
        rates[f"ess_taux_survie_3_ans_{fam}"] = 100 * survivors / cohort.where(cohort > 0)
    survivors = [c for c in values.columns if "survivants" in c]
    values = pd.concat([values.drop(columns=survivors), pd.DataFrame(rates)], axis=1)
    return (
        values.rename_axis("territoire_code")
        .reset_index()
        .melt(id_vars="territoire_code", var_name="indicateur", value_name="valeur")
    )
