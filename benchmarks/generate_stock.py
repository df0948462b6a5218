"""Seeded generator of national-scale synthetic SIRENE stocks in the official formats.

Writes ``StockEtablissement_utf8.parquet`` and ``StockUniteLegale_utf8.parquet`` (and, on
request, the official CSV-in-zip variant ``StockEtablissement_utf8.zip`` /
``StockUniteLegale_utf8.zip`` in a sibling folder) with the official column names, every value a
string. Rows are generated legal unit by legal unit in chunks, so memory stays bounded whatever
the size (about 1 GB at 1 M legal units per chunk).

Distributions (indicative, chosen to resemble the national register; not calibrated):

* communes: every current COG commune, weighted by its municipal population (``PMUN``), Paris,
  Lyon and Marseille by municipal arrondissement (``75101``…, as SIRENE codes them);
  2 % of establishments carry a former (pre-merger) code of their commune, 0.3 % have no
  commune (establishments abroad, with a foreign country code);
* legal units: 55 % ceased (``C``); catégories juridiques from a weighted list of frequent codes
  plus a 1 % tail spread over every code of ``familles_ess.csv``; ESS flag ``O`` for most units
  of the four historic families and a few SAS/SARL, otherwise ``N`` or empty;
  partially diffusible (``P``) for 20 % of natural persons and 1 % of other units;
* establishments: 1 + a geometric number per legal unit (about 1.47 on average), sorted by
  ``siren``; closed (``F``) when the unit ceased, otherwise active for 95 % of head offices and
  55 % of the others; headcount band by catégorie juridique (employer probability), empty or
  ``NN`` for non-employers; the employer flag ``caractereEmployeurEtablissement`` agrees with
  the band for most establishments but not all (``N`` for 1 % of employers, empty for 3 %,
  ``O`` for 2 % of non-employers); band years are mostly 2023, 10 % 2022 and 5 % 2019 (stale);
  1 active establishment in 10 000 carries an unknown band code and 0.35 % of legal units a
  catégorie juridique the 2022 nomenclature no longer lists (5720, 5498, 1100).

Usage::

    python benchmarks/generate_stock.py /work/scratch/sirene --etablissements 44000000 --zip
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ressol_analysis.geography import build_passage
from ressol_analysis.sources import cog
from ressol_analysis.sources.reference import families_table, legal_category_families
from ressol_analysis.sources.sirene_files import ETAB_COLUMNS, UL_COLUMNS

STOCK_UPDATE = "2026-03-31T06:00:00.000"  # last update of every row: a stock of March 2026

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
DEFAULT_SEED = 20260401
ETAB_PER_UNIT = 1.4667  # 44 M establishments / 30 M legal units
ETAB_FILE = "StockEtablissement_utf8"
UL_FILE = "StockUniteLegale_utf8"
UNITS_PER_CHUNK = 1_000_000

# Frequent catégories juridiques (weights among all legal units, closed ones included).
FREQUENT_CJ = {
    "1000": 0.50, "5710": 0.10, "5499": 0.08, "6540": 0.08, "9220": 0.07, "5599": 0.015,
    "6599": 0.02, "5202": 0.01, "5458": 0.002, "6316": 0.002, "7210": 0.002, "7364": 0.0005,
    "7490": 0.002, "8210": 0.0005, "9230": 0.001, "9300": 0.0005, "2110": 0.01, "6220": 0.003,
    "5308": 0.0005, "6558": 0.0005,
}  # fmt: skip
TAIL_WEIGHT = 0.01
# Former catégories juridiques absent from the 2022 nomenclature (share of legal units).
FORMER_CJ = {"5720": 0.002, "5498": 0.001, "1100": 0.0005}
UNKNOWN_BAND = "1"
ESS_PROBABILITY = {
    "associations": 0.85,
    "cooperatives": 0.8,
    "mutuelles": 0.9,
    "fondations": 0.9,
}
ESS_COMMERCIAL = ("5710", "5499", "5499", "5599")
ESS_COMMERCIAL_PROBABILITY = 0.004
# Probability that an active establishment is an employer (band present and not NN).
EMPLOYER_BY_FAMILY = {
    "associations": 0.12,
    "cooperatives": 0.5,
    "mutuelles": 0.5,
    "fondations": 0.5,
}
EMPLOYER_BY_CJ = {"1000": 0.04, "6540": 0.005, "2110": 0.005, "6599": 0.02}
EMPLOYER_PUBLIC = 0.6
EMPLOYER_OTHER = 0.25
EMPLOYER_BANDS = {
    "00": 0.2, "01": 0.35, "02": 0.17, "03": 0.1, "11": 0.09, "12": 0.055, "21": 0.017,
    "22": 0.01, "31": 0.002, "32": 0.003, "41": 0.0015, "42": 0.0007, "51": 0.0003,
    "52": 0.00006, "53": 0.00002,
}  # fmt: skip
NAF = ["47.11D", "56.10A", "68.20B", "43.21A", "86.21Z", "88.10A", "94.99Z", "62.02A", "01.11Z",
       "85.59A", "70.22Z", "49.41A", "84.11Z", "93.12Z", "10.71C", "45.20A"]  # fmt: skip
STREETS = ["RUE DE LA GARE", "PLACE DE L EGLISE", "ROUTE DE PARIS", "AVENUE DU GENERAL LECLERC",
           "RUE DU MOULIN", "RUE PASTEUR", "LE BOURG", "RUE VICTOR HUGO", "CHEMIN DES PRES",
           "BOULEVARD DE LA REPUBLIQUE", "ZONE ARTISANALE", "RUE JEAN JAURES"]  # fmt: skip
STREET_TYPES = ["RUE", "PL", "RTE", "AV", "CHE", "BD", None]


def national_communes(raw: Path = RAW) -> pd.DataFrame:
    """Current COG communes of France weighted by municipal population, PLM by arrondissement.

    Parameters
    ----------
    raw : Path
        The project's ``data/raw`` folder.

    Returns
    -------
    DataFrame
        Columns ``CODGEO`` (the commune, or the arrondissement for Paris, Lyon and Marseille,
        whose legal populations are given by arrondissement) and ``poids`` (``PMUN``; 50 when
        the code has no legal population in the file, e.g. some overseas communes).
    """
    path = raw / "cog_dgcl_communes.csv"
    communes = cog.read_cog_communes(path)
    arrondissements = cog.read_arrondissements(path)
    codes = pd.concat(
        [
            communes.loc[~communes["CODGEO"].isin(arrondissements["COMPARENT"]), ["CODGEO"]],
            arrondissements[["ARM"]].rename(columns={"ARM": "CODGEO"}),
        ],
        ignore_index=True,
    )
    pop = pd.read_csv(
        raw / "cog_dgcl_donnees_communes.csv", sep=";", dtype={"COM": str}, usecols=["COM", "PMUN"]
    )
    weights = codes.merge(
        pop.rename(columns={"COM": "CODGEO"}).drop_duplicates("CODGEO"), on="CODGEO", how="left"
    )
    weights["poids"] = weights["PMUN"].fillna(50).astype(float).clip(lower=1)
    return weights[["CODGEO", "poids"]]


def national_passage(raw: Path = RAW) -> pd.DataFrame:
    """Old → current commune codes over the whole COG history (as the report uses)."""
    return build_passage(cog.read_movements(raw / "cog_dgcl_mouvements-communes.csv"),
                         date(1943, 1, 1))  # fmt: skip


def _legal_categories() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = families_table()
    codes = table["categorie_juridique"].to_numpy(dtype=object)
    missing = set(FREQUENT_CJ) - set(codes)
    if missing:
        raise ValueError(f"catégories juridiques absentes de familles_ess.csv : {missing}")
    weights = np.array([FREQUENT_CJ.get(c, 0.0) for c in codes])
    weights = weights / weights.sum() * (1 - TAIL_WEIGHT) + TAIL_WEIGHT / len(codes)
    former = pd.Series(list(FORMER_CJ), dtype="string")
    codes = np.concatenate([codes, former.to_numpy(dtype=object)])
    weights = np.concatenate([weights * (1 - sum(FORMER_CJ.values())), list(FORMER_CJ.values())])
    families = np.concatenate(
        [
            table["famille"].to_numpy(dtype=object),
            legal_category_families(former)["famille"].to_numpy(dtype=object),
        ]
    )
    return codes, weights / weights.sum(), families


def _old_code_table(codes: np.ndarray, passage: pd.DataFrame | None) -> np.ndarray:
    """For each commune, one former code that moves to it alone (or the code itself)."""
    result = codes.copy()
    if passage is None or passage.empty:
        return result
    targets = passage.groupby("code_ancien")["code_actuel"].agg(list)
    single = targets[targets.map(len) == 1].map(lambda t: t[0])
    single = single[single.index != single.to_numpy()]
    first_old = pd.Series(single.index, index=single.to_numpy()).groupby(level=0).first()
    position = pd.Series(np.arange(len(codes)), index=codes)
    found = first_old[first_old.index.isin(position.index)]
    result[position[found.index].to_numpy()] = found.to_numpy()
    return result


def _pick(rng: np.random.Generator, values: np.ndarray, cumulative: np.ndarray, n: int):
    return values[np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")]


def _strings(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def _padded(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")


def _table(columns: list[str], values: dict[str, pa.Array], n: int) -> pa.Table:
    nulls = pa.nulls(n, pa.string())
    return pa.table({c: values.get(c, nulls) for c in columns})


class _Generator:
    """Holds the reference arrays and draws one chunk of legal units with their establishments."""

    def __init__(self, communes: pd.DataFrame, passage: pd.DataFrame | None) -> None:
        self.codes = communes["CODGEO"].to_numpy(dtype=object)
        self.cum_weights = np.cumsum(communes["poids"].to_numpy(dtype=float))
        self.old_codes = _old_code_table(self.codes, passage)
        self.cj, cj_weights, self.family_of_cj = _legal_categories()
        self.cum_cj = np.cumsum(cj_weights)
        bands = np.array(list(EMPLOYER_BANDS), dtype=object)
        self.bands, self.cum_bands = bands, np.cumsum(list(EMPLOYER_BANDS.values()))
        family = self.family_of_cj
        p_ess = np.array([ESS_PROBABILITY.get(f, 0.0) for f in family])
        p_ess[np.isin(self.cj, ESS_COMMERCIAL)] = ESS_COMMERCIAL_PROBABILITY
        self.p_ess = p_ess
        p_emp = np.array([EMPLOYER_BY_FAMILY.get(f, EMPLOYER_OTHER) for f in family])
        p_emp[np.char.startswith(self.cj.astype(str), "7")] = EMPLOYER_PUBLIC
        for code, p in EMPLOYER_BY_CJ.items():
            p_emp[self.cj == code] = p
        self.p_emp = p_emp

    def chunk(
        self, rng: np.random.Generator, first_unit: int, n_units: int, extra_mean: float
    ) -> tuple[pa.Table, pa.Table]:
        idx = np.arange(first_unit, first_unit + n_units, dtype=np.int64)
        siren_num = 100_000_000 + idx * 29
        siren = _padded(siren_num, 9)
        cj_pos = np.searchsorted(self.cum_cj, rng.random(n_units) * self.cum_cj[-1], side="right")
        cj = self.cj[cj_pos]
        unit_active = rng.random(n_units) < 0.45
        flag_draw = rng.random(n_units)
        ess = np.where(
            flag_draw < self.p_ess[cj_pos], "O", np.where(rng.random(n_units) < 0.3, None, "N")
        ).astype(object)
        natural = cj == "1000"
        partial = rng.random(n_units) < np.where(natural, 0.2, 0.01)

        per_unit = 1 + (rng.geometric(1 / (1 + extra_mean), n_units) - 1)
        n = int(per_unit.sum())
        owner = np.repeat(np.arange(n_units), per_unit)
        position = np.arange(n) - np.repeat(np.cumsum(per_unit) - per_unit, per_unit)
        head = position == 0
        active = unit_active[owner] & (rng.random(n) < np.where(head, 0.95, 0.55))
        commune_pos = np.searchsorted(
            self.cum_weights, rng.random(n) * self.cum_weights[-1], side="right"
        )
        commune = self.codes[commune_pos]
        draw = rng.random(n)
        commune = np.where(draw < 0.02, self.old_codes[commune_pos], commune)
        commune = np.where(draw > 0.997, None, commune)
        employer = active & (rng.random(n) < self.p_emp[cj_pos[owner]])
        band = _pick(rng, self.bands, self.cum_bands, n)
        closed_band = np.where(rng.random(n) < 0.85, None, band)
        closed_band = np.where(rng.random(n) < 0.1, "NN", closed_band)
        non_employer = np.where(rng.random(n) < 0.55, "NN", None)
        band = np.where(employer, band, np.where(active, non_employer, closed_band))
        band = np.where(employer & (rng.random(n) < 0.0001), UNKNOWN_BAND, band)
        flag_draw = rng.random(n)
        flag = np.where(
            employer,
            np.where(flag_draw < 0.01, "N", np.where(flag_draw < 0.04, None, "O")),
            np.where(flag_draw < 0.02, "O", np.where(flag_draw < 0.10, None, "N")),
        ).astype(object)
        year_draw = rng.random(n)
        year = np.where(year_draw < 0.05, "2019", np.where(year_draw < 0.15, "2022", "2023"))
        year = np.where(pd.isna(band), None, year).astype(object)
        nic = 10 + position
        naf = np.array(NAF, dtype=object)[rng.integers(0, len(NAF), n)]
        partial_e = partial[owner]

        # Creation dates from 1985 to the stock's month (a few « non déterminée »), closures
        # between creation and the stock: the dynamics since 2013 have something to count.
        first, last = np.datetime64("1985-01-01"), np.datetime64("2026-03-31")
        born = first + (rng.random(n) * (last - first).astype(int)).astype(int)
        gone = born + (rng.random(n) * (last - born).astype(int)).astype(int)
        created = np.datetime_as_string(born, unit="D").astype(object)
        created[rng.random(n) < 0.002] = "1900-01-01"
        closed = np.datetime_as_string(gone, unit="D").astype(object)
        etab_siren = pc.take(siren, pa.array(owner))
        etab = {
            "siren": etab_siren,
            "nic": _padded(nic, 5),
            "siret": pc.binary_join_element_wise(etab_siren, _padded(nic, 5), ""),
            "statutDiffusionEtablissement": _strings(np.where(partial_e, "P", "O")),
            "dateCreationEtablissement": _strings(created),
            "trancheEffectifsEtablissement": _strings(band),
            "anneeEffectifsEtablissement": _strings(year),
            "etablissementSiege": _strings(np.where(head, "true", "false")),
            "nombrePeriodesEtablissement": _strings(np.where(active, "1", "2")),
            "numeroVoieEtablissement": _strings(
                np.where(partial_e, None, (1 + rng.integers(0, 120, n)).astype(str))
            ),
            "typeVoieEtablissement": _strings(
                np.array(STREET_TYPES, dtype=object)[rng.integers(0, len(STREET_TYPES), n)]
            ),
            "libelleVoieEtablissement": _strings(
                np.where(
                    partial_e,
                    "[ND]",
                    np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)],
                )
            ),  # fmt: skip
            "codePostalEtablissement": _strings(commune),
            "codeCommuneEtablissement": _strings(commune),
            "dateDebut": _strings(np.where(active, created, closed)),
            "dateDernierTraitementEtablissement": _strings(np.full(n, STOCK_UPDATE, dtype=object)),
            "etatAdministratifEtablissement": _strings(np.where(active, "A", "F")),
            "activitePrincipaleEtablissement": _strings(naf),
            "nomenclatureActivitePrincipaleEtablissement": _strings(
                np.where(rng.random(n) < 0.97, "NAFRev2", "NAFRev1")
            ),
            "caractereEmployeurEtablissement": _strings(flag),
            "codePaysEtrangerEtablissement": _strings(np.where(pd.isna(commune), "99134", None)),
            "enseigne1Etablissement": _strings(
                np.where(rng.random(n) < 0.1, "ENSEIGNE DEMO", None)
            ),
        }
        names = pc.binary_join_element_wise(pa.scalar("ENTREPRISE DEMO "), siren, "")
        names = pc.if_else(pa.array(partial), pa.scalar("[ND]"), names)
        names = pc.if_else(pa.array(natural), pa.scalar(None, pa.string()), names)
        units = {
            "siren": siren,
            "statutDiffusionUniteLegale": _strings(np.where(partial, "P", "O")),
            "dateDernierTraitementUniteLegale": _strings(
                np.full(n_units, STOCK_UPDATE, dtype=object)
            ),
            "dateCreationUniteLegale": _strings(np.where(natural, "2015-02-01", "2001-10-20")),
            "nomUniteLegale": _strings(np.where(natural, np.where(partial, "[ND]", "DEMO"), None)),
            "denominationUniteLegale": names,
            "etatAdministratifUniteLegale": _strings(np.where(unit_active, "A", "C")),
            "categorieJuridiqueUniteLegale": _strings(cj),
            "activitePrincipaleUniteLegale": _strings(naf[head]),
            "nomenclatureActivitePrincipaleUniteLegale": _strings(np.full(n_units, "NAFRev2")),
            "nicSiegeUniteLegale": _strings(np.full(n_units, "00010")),
            "economieSocialeSolidaireUniteLegale": _strings(ess),
            "caractereEmployeurUniteLegale": _strings(
                np.where(np.bincount(owner, weights=employer, minlength=n_units) > 0, "O", "N")
            ),
            "dateDebut": _strings(np.full(n_units, "2020-01-01")),
        }
        return _table(ETAB_COLUMNS, etab, n), _table(UL_COLUMNS, units, n_units)


class _Sink:
    """Writes chunks to Parquet and, optionally, to CSV inside the official zip."""

    def __init__(self, out_dir: Path, name: str, schema: pa.Schema, formats: tuple[str, ...]):
        self.parquet = self.csv = self.archive = self.member = None
        if "parquet" in formats:
            folder = out_dir / "parquet"
            folder.mkdir(parents=True, exist_ok=True)
            self.parquet = pq.ParquetWriter(
                folder / f"{name}.parquet", schema, compression="snappy"
            )
        if "zip" in formats:
            folder = out_dir / "zip"
            folder.mkdir(parents=True, exist_ok=True)
            self.archive = zipfile.ZipFile(
                folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1
            )
            self.member = self.archive.open(f"{name}.csv", "w", force_zip64=True)
            self.csv = pacsv.CSVWriter(
                self.member, schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )

    def write(self, table: pa.Table) -> None:
        if self.parquet is not None:
            self.parquet.write_table(table)
        if self.csv is not None:
            self.csv.write_table(table)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if self.csv is not None:
            self.csv.close()
            self.member.close()
            self.archive.close()


def write_stock(
    out_dir: str | Path,
    n_etablissements: int,
    *,
    communes: pd.DataFrame,
    passage: pd.DataFrame | None = None,
    n_unites_legales: int | None = None,
    seed: int = DEFAULT_SEED,
    formats: tuple[str, ...] = ("parquet",),
    units_per_chunk: int = UNITS_PER_CHUNK,
    verbose: bool = False,
) -> dict[str, Path]:
    """Write a synthetic national stock (same seed and sizes, same content).

    Parameters
    ----------
    out_dir : path
        Folder; files go to ``out_dir/parquet`` and ``out_dir/zip``.
    n_etablissements : int
        Target number of establishments (the exact number depends on the draws, within 0.1 %
        at national size).
    communes : DataFrame
        ``CODGEO`` and ``poids`` (e.g. :func:`national_communes`).
    passage : DataFrame, optional
        ``code_ancien``, ``code_actuel``: 2 % of establishments take a former code of their
        commune (one that moves to it alone).
    n_unites_legales : int, optional
        Number of legal units (default ``n_etablissements / 1.4667``).
    seed : int
        Seed of the generator.
    formats : tuple of {"parquet", "zip"}
        Formats written.
    units_per_chunk : int
        Legal units generated per chunk (bounds memory).
    verbose : bool
        Print progress.

    Returns
    -------
    dict of str to Path
        Folder of each format written.
    """
    out = Path(out_dir)
    n_units = n_unites_legales or max(1, round(n_etablissements / ETAB_PER_UNIT))
    extra_mean = n_etablissements / n_units - 1
    generator = _Generator(communes, passage)
    rng = np.random.default_rng(seed)
    sinks: dict[str, _Sink] = {}
    start = time.perf_counter()
    written = 0
    for first in range(0, n_units, units_per_chunk):
        size = min(units_per_chunk, n_units - first)
        etab, units = generator.chunk(rng, first, size, extra_mean)
        if not sinks:
            sinks = {
                ETAB_FILE: _Sink(out, ETAB_FILE, etab.schema, formats),
                UL_FILE: _Sink(out, UL_FILE, units.schema, formats),
            }
        sinks[ETAB_FILE].write(etab)
        sinks[UL_FILE].write(units)
        written += etab.num_rows
        if verbose:
            print(
                f"{first + size:>12,} unités légales, {written:>12,} établissements "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    for sink in sinks.values():
        sink.close()
    return {fmt: out / fmt for fmt in formats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="dossier de sortie (hors du dépôt, ex. /work/scratch)")
    parser.add_argument("--etablissements", type=int, default=44_000_000)
    parser.add_argument("--unites-legales", type=int, default=None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--zip", action="store_true", help="écrire aussi les CSV zippés")
    args = parser.parse_args(argv)
    formats = ("parquet", "zip") if args.zip else ("parquet",)
    write_stock(
        args.out_dir,
        args.etablissements,
        communes=national_communes(),
        passage=national_passage(),
        n_unites_legales=args.unites_legales,
        seed=args.seed,
        formats=formats,
        verbose=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
