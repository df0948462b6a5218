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
ESS = "u.economieSocialeSolidaireUniteLegale = 'O'"
FAMILY_SQL = ",\n".join(
    f"count(*) FILTER (WHERE {ESS} AND {FAMILY} = '{fam}') "
    f"AS ess_etablissements_employeurs_{fam},\n"
    f"coalesce(sum(b.effectif_central) FILTER (WHERE {ESS} AND {FAMILY} = '{fam}'), 0) "
    f"AS ess_effectif_salarie_estime_{fam}"
    for fam in FAMILIES
)

FLOOR_SQL = f"""
WITH latest AS (
    SELECT max(TRY_CAST(anneeEffectifsEtablissement AS INTEGER)) AS y FROM {{etab}}
),
e AS (
    SELECT siren, coalesce(m.code_actuel, codeCommuneEtablissement) AS codgeo,
           NULLIF(trancheEffectifsEtablissement, '') AS band
    FROM {{etab}}
    LEFT JOIN moves AS m ON codeCommuneEtablissement = m.code_ancien
    LEFT JOIN bands AS b0 ON NULLIF(trancheEffectifsEtablissement, '') = b0.tranche
    WHERE etatAdministratifEtablissement = 'A'
      AND CASE WHEN NULLIF(caractereEmployeurEtablissement, '') IS NOT NULL
               THEN caractereEmployeurEtablissement = 'O'
               ELSE coalesce(b0.employeur, false) END
      AND coalesce(TRY_CAST(anneeEffectifsEtablissement AS INTEGER)
                   >= (SELECT y FROM latest) - 2, true)
      AND (NULLIF(trancheEffectifsEtablissement, '') IS NULL OR b0.tranche IS NOT NULL)
)
SELECT g.territoire_code,
    count(*) AS etablissements_employeurs,
    count(*) FILTER (WHERE {ESS}) AS ess_etablissements_employeurs,
    coalesce(sum(b.effectif_central), 0) AS effectif_salarie_estime,
    coalesce(sum(b.effectif_central) FILTER (WHERE {ESS}), 0) AS ess_effectif_salarie_estime,
    coalesce(sum(b.effectif_bas) FILTER (WHERE {ESS}), 0) AS ess_effectif_salarie_estime_bas,
    coalesce(sum(b.effectif_haut) FILTER (WHERE {ESS}), 0) AS ess_effectif_salarie_estime_haut,
    {{families}}
FROM e
JOIN (SELECT siren, categorieJuridiqueUniteLegale, economieSocialeSolidaireUniteLegale
      FROM {{units}}) AS u USING (siren)
JOIN groups AS g ON g.CODGEO = e.codgeo
LEFT JOIN bands AS b ON b.tranche = e.band
LEFT JOIN families AS f3 ON f3.categorie_juridique = u.categorieJuridiqueUniteLegale
LEFT JOIN families_ii AS f2 ON f2.code = left(u.categorieJuridiqueUniteLegale, 2)
LEFT JOIN families_i AS f1 ON f1.code = left(u.categorieJuridiqueUniteLegale, 1)
GROUP BY g.territoire_code
"""


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
                 "anneeEffectifsEtablissement"],
            ),
        )  # fmt: skip
        con.register(
            "units_zip",
            _zip_reader(
                directory / "StockUniteLegale_utf8.zip",
                ["siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale"],
            ),
        )
        # Streams have no row count: materialize the (small) filtered side so that DuckDB
        # builds its hash table on it rather than on the 30 M legal units.
        con.execute(
            "CREATE TEMP TABLE etab_active AS SELECT * FROM etab_zip "
            "WHERE etatAdministratifEtablissement = 'A' AND (caractereEmployeurEtablissement = "
            "'O' OR trancheEffectifsEtablissement NOT IN ('', 'NN'))"
        )
        etab, units = "etab_active", "units_zip"
    result = con.execute(FLOOR_SQL.format(etab=etab, units=units, families=FAMILY_SQL)).fetch_df()
    con.close()
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
    return (
        values.rename_axis("territoire_code")
        .reset_index()
        .melt(id_vars="territoire_code", var_name="indicateur", value_name="valeur")
    )
