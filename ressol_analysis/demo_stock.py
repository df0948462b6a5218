"""Seeded synthetic SIRENE extract for the demo report ("Données synthétiques de démonstration").

The real national stock files cannot ship with the project. This module writes two Parquet
files with the exact names and columns of INSEE's stock files, filled with real codes
(communes of Normandie, NAF rév. 2 sous-classes, catégories juridiques, headcount bands) and
calibrated on public figures:

* per commune, employer establishments by the five sectors of INSEE's comparateur (AZ, BE, FZ,
  GU, OQ; Flores 2024), their split between 0, 1–9 and 10+ employees, and salaried jobs
  (``P22_EMPLT_SAL``) follow the comparateur;
* per département, ESS establishments are about 10 % of employer establishments and their
  estimated jobs follow the ESS share of salaried jobs of INSEE's ITDD file (2014);
* ESS jobs split roughly 76 % associations, 14 % coopératives, 5 % mutuelles, the rest
  fondations (Normandie);
* closed establishments, non-employers (``NN`` or no band), partially diffusible units
  (``P``, names ``[ND]``), natural persons (CJ ``1000``) and, when a passage table is given,
  some old (pre-merger) commune codes are included so that every rule of the reader is used.

Names are visibly synthetic (``ASSOCIATION DEMO …``). Same seed, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import RessolError
from .sources.comparateur import read_comparateur
from .sources.sirene import read_itdd_ess

DEFAULT_SEED = 20260401
# Year of the headcount bands the extract imitates: the ``anneeEffectifsEtablissement`` it
# writes (a test checks they agree).
BAND_YEAR = "2023"
ESS_ESTABLISHMENT_SHARE = 0.10
SECTORS = ("AZ", "BE", "FZ", "GU", "OQ")
SECTOR_COLUMNS = {s: f"ET{s}24" for s in SECTORS}

# Propensity of an employer establishment of each sector to be ESS (relative weights).
ESS_PROPENSITY = {"AZ": 0.25, "BE": 0.35, "FZ": 0.2, "GU": 0.55, "OQ": 4.0}
# Family of an ESS establishment given its sector.
FAMILY_BY_SECTOR = {
    "AZ": {"cooperatives": 0.85, "associations": 0.15},
    "BE": {"cooperatives": 0.7, "associations": 0.3},
    "FZ": {"cooperatives": 0.4, "associations": 0.6},
    "GU": {"associations": 0.6, "cooperatives": 0.32, "mutuelles": 0.05, "autres": 0.03},
    "OQ": {"associations": 0.87, "fondations": 0.08, "mutuelles": 0.03, "autres": 0.02},
}
# Real NAF rév. 2 sous-classes typical of each family in each sector.
ESS_NAF = {
    ("associations", "AZ"): ["01.13Z", "01.30Z"],
    ("associations", "BE"): ["38.32Z", "32.99Z", "10.71C"],
    ("associations", "FZ"): ["43.39Z", "43.99C"],
    ("associations", "GU"): ["94.99Z", "93.12Z", "90.01Z", "93.29Z", "91.02Z", "78.30Z", "81.30Z"],
    ("associations", "OQ"): ["88.10A", "88.10C", "88.91A", "88.99B", "87.10A", "87.30A", "85.59A"],
    ("cooperatives", "AZ"): ["01.61Z", "01.62Z"],
    ("cooperatives", "BE"): ["10.51A", "10.13A", "10.91Z", "10.11Z"],
    ("cooperatives", "FZ"): ["41.20A", "43.99C"],
    ("cooperatives", "GU"): ["64.19Z", "46.21Z", "47.11F", "46.11Z"],
    ("mutuelles", "GU"): ["65.12Z", "65.11Z", "66.22Z"],
    ("mutuelles", "OQ"): ["86.23Z", "86.10Z"],
    ("fondations", "OQ"): ["87.10A", "86.10Z", "88.10C"],
    ("autres", "GU"): ["70.22Z", "56.10A", "47.21Z"],
    ("autres", "OQ"): ["88.99B", "86.90D"],
}
# Catégories juridiques of ESS units by family (NAF-specific first).
ESS_CJ_BY_NAF = {"01.61Z": "6316", "01.62Z": "6317", "10.51A": "6317", "46.21Z": "6317"}
ESS_CJ = {
    "associations": (["9220", "9230", "9221"], [0.93, 0.04, 0.03]),
    "cooperatives": (["6596", "5458", "5560", "6317", "5192"], [0.3, 0.3, 0.15, 0.15, 0.1]),
    "mutuelles": (["8210", "6411", "8290"], [0.7, 0.2, 0.1]),
    "fondations": (["9300"], [1.0]),
    "autres": (["5710", "5499"], [0.7, 0.3]),
}
# Non-ESS employers: real NAF sous-classes and catégories juridiques by sector.
OTHER_NAF = {
    "AZ": ["01.11Z", "01.41Z", "01.50Z", "01.21Z", "02.20Z", "03.12Z"],
    "BE": ["10.13B", "10.71C", "16.10A", "25.62B", "28.30Z", "33.12Z", "35.11Z", "38.11Z"],
    "FZ": ["41.20A", "43.21A", "43.22A", "43.32A", "43.91B", "43.99C", "42.11Z"],
    "GU": [
        "45.20A",
        "46.90Z",
        "47.11D",
        "47.73Z",
        "49.41A",
        "55.10Z",
        "56.10A",
        "62.02A",
        "68.31Z",
        "69.20Z",
        "71.12B",
        "81.21Z",
        "96.02A",
        "47.24Z",
        "47.30Z",
    ],
    "OQ": ["86.21Z", "86.90E", "85.53Z", "86.23Z", "87.10A", "85.20Z"],
}
OTHER_CJ = {
    "AZ": (["6533", "6598", "1000", "5499"], [0.35, 0.35, 0.25, 0.05]),
    "BE": (["5499", "5710", "1000", "5599"], [0.45, 0.4, 0.1, 0.05]),
    "FZ": (["5499", "5710", "1000"], [0.5, 0.3, 0.2]),
    "GU": (["5499", "5710", "1000", "6540", "5599"], [0.4, 0.35, 0.2, 0.03, 0.02]),
    "OQ": (["5710", "6571", "1000", "5499"], [0.35, 0.15, 0.35, 0.15]),
}
PUBLIC_SHARE_OQ = 0.45
PUBLIC = [
    ("7210", "84.11Z"),
    ("7364", "86.10Z"),
    ("7331", "85.31Z"),
    ("7361", "88.99B"),
    ("7346", "84.11Z"),
    ("7366", "87.10A"),
]
NON_EMPLOYER = (["1000", "6540", "5499", "5710"], [0.72, 0.15, 0.07, 0.06])
NON_EMPLOYER_NAF = ["47.91B", "68.20B", "74.90B", "96.09Z", "85.59B", "90.01Z", "43.34Z"]

SMALL_BANDS = (["01", "02", "03"], [0.55, 0.28, 0.17])
LARGE_LOWER = np.array([10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000])
LARGE_BANDS = np.array(["11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53"])
CENTRAL = {
    "00": 0, "01": 1.5, "02": 4, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5,
    "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5,
    "53": 10000,
}  # fmt: skip

ETAB_COLUMNS = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement",
    "codeCommuneEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement",
    "numeroVoie2Etablissement", "indiceRepetition2Etablissement", "typeVoie2Etablissement",
    "libelleVoie2Etablissement", "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePays2Etablissement", "libellePays2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement", "activitePrincipaleNAF25Etablissement",
]  # fmt: skip
UL_COLUMNS = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale",
    "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut",
    "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
]  # fmt: skip
NAME_PREFIX = {
    "associations": "ASSOCIATION DEMO",
    "cooperatives": "COOPERATIVE DEMO",
    "mutuelles": "MUTUELLE DEMO",
    "fondations": "FONDATION DEMO",
    "autres": "SOCIETE ESS DEMO",
    "": "ENTREPRISE DEMO",
}
ETAB_FILE = "StockEtablissement_utf8.parquet"
UL_FILE = "StockUniteLegale_utf8.parquet"


# Internal calibration column → canonical column of sources.comparateur (any edition).
CALIBRATION_COLUMNS = {
    "ETTOT24": "etablissements",
    "ETAZ24": "etablissements_agriculture",
    "ETBE24": "etablissements_industrie",
    "ETFZ24": "etablissements_construction",
    "ETGU24": "etablissements_commerce_transports_services",
    "ETOQ24": "etablissements_administration_enseignement_sante_action_sociale",
    "ETTEF124": "etablissements_1_9_salaries",
    "ETTEFP1024": "etablissements_10_salaries_ou_plus",
    "P22_EMPLT_SAL": "emplois_salaries",
}


def read_calibration(comparateur_path: Path) -> pd.DataFrame:
    """Read the commune figures used for calibration from INSEE's comparateur.

    Parameters
    ----------
    comparateur_path : Path
        INSEE comparateur de territoires, communal base (any edition: the vintage is read
        from the header by :func:`ressol_analysis.sources.comparateur.read_comparateur`).

    Returns
    -------
    DataFrame
        ``CODGEO`` and the calibration columns named as in the 2025 edition (``ETTOT24``,
        ``ET<sector>24``, ``ETTEF124``, ``ETTEFP1024``, ``P22_EMPLT_SAL``; secret cells as
        0), for current communes only.
    """
    table = read_comparateur(Path(comparateur_path)).table
    missing = [c for c in CALIBRATION_COLUMNS.values() if c not in table.columns]
    if missing:
        raise RessolError(
            f"Le comparateur {comparateur_path} n'a pas les colonnes nécessaires au calage des "
            f"données de démonstration ({', '.join(missing)}). Fournissez le fichier complet."
        )
    out = table[["CODGEO", *CALIBRATION_COLUMNS.values()]].rename(
        columns={v: k for k, v in CALIBRATION_COLUMNS.items()}
    )
    numeric = list(CALIBRATION_COLUMNS)
    out[numeric] = out[numeric].fillna(0.0)
    return out.sort_values("CODGEO").reset_index(drop=True)


def _choice(rng: np.random.Generator, options: list[str], p: list[float], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p)]


def _employers(rng: np.random.Generator, communes: pd.DataFrame) -> pd.DataFrame:
    """One row per employer establishment with commune, sector and band."""
    counts = communes[list(SECTOR_COLUMNS.values())].round().astype(int).to_numpy()
    idx = np.repeat(np.arange(len(communes)), counts.sum(axis=1))
    sector = np.concatenate([np.repeat(SECTORS, row) for row in counts])
    order = np.lexsort((rng.random(len(idx)), idx))
    idx, sector = idx[order], sector[order]
    rank = np.arange(len(idx)) - np.searchsorted(idx, idx)
    total = counts.sum(axis=1)
    small = communes["ETTEF124"].round().astype(int).to_numpy()
    large = communes["ETTEFP1024"].round().astype(int).to_numpy()
    zero = np.clip(total - small - large, 0, None)
    small = np.minimum(small, total - zero)
    band = np.empty(len(idx), dtype=object)
    is_zero = rank < zero[idx]
    is_small = ~is_zero & (rank < (zero + small)[idx])
    is_large = ~is_zero & ~is_small
    band[is_zero] = "00"
    band[is_small] = _choice(rng, *SMALL_BANDS, int(is_small.sum()))
    central = np.vectorize(CENTRAL.get, otypes=[float])(np.where(is_large, "00", band))
    small_jobs = np.bincount(idx, weights=central, minlength=len(communes))
    n_large = np.bincount(idx[is_large], minlength=len(communes))
    target = np.maximum(communes["P22_EMPLT_SAL"].to_numpy() - small_jobs, 14.5 * n_large)
    mean_above = np.where(n_large > 0, target / np.maximum(n_large, 1) - 10, 0)
    draws = 10 + rng.lognormal(0, 1.0, int(is_large.sum())) * np.exp(-0.5) * np.maximum(
        mean_above[idx[is_large]], 1
    )
    band[is_large] = LARGE_BANDS[np.searchsorted(LARGE_LOWER, draws, side="right") - 1]
    return pd.DataFrame(
        {"commune": communes["CODGEO"].to_numpy()[idx], "sector": sector, "band": band}
    )


def _poisson_probabilities(weights: np.ndarray, n_target: float) -> np.ndarray:
    low, high = 0.0, 1.0
    while np.minimum(1, high * weights).sum() < n_target and high < 1e12:
        high *= 2
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if np.minimum(1, mid * weights).sum() < n_target else (low, mid)
    return np.minimum(1, high * weights)


def _ess_probabilities(sector: np.ndarray, jobs: np.ndarray, target_share: float) -> np.ndarray:
    """Inclusion probabilities giving ~10 % of establishments and ``target_share`` of jobs."""
    base = np.vectorize(ESS_PROPENSITY.get, otypes=[float])(sector)
    n_target = ESS_ESTABLISHMENT_SHARE * len(sector)
    low, high = -1.0, 2.0
    for _ in range(30):
        alpha = (low + high) / 2
        p = _poisson_probabilities(base * (1 + jobs) ** alpha, n_target)
        share = (p * jobs).sum() / max(jobs.sum(), 1)
        low, high = (alpha, high) if share < target_share else (low, alpha)
    return _poisson_probabilities(base * (1 + jobs) ** ((low + high) / 2), n_target)


def _assign_activity(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    family = np.full(len(table), "", dtype=object)
    naf = np.empty(len(table), dtype=object)
    cj = np.empty(len(table), dtype=object)
    for sector in SECTORS:
        in_sector = table["sector"].to_numpy() == sector
        ess_rows = np.flatnonzero(in_sector & table["ess"].to_numpy())
        fams = FAMILY_BY_SECTOR[sector]
        family[ess_rows] = _choice(rng, list(fams), list(fams.values()), len(ess_rows))
        for fam in fams:
            rows = ess_rows[family[ess_rows] == fam]
            naf[rows] = _choice(rng, ESS_NAF[(fam, sector)], None, len(rows))
            cj[rows] = _choice(rng, *ESS_CJ[fam], len(rows))
        other = np.flatnonzero(in_sector & ~table["ess"].to_numpy())
        if sector == "OQ":
            public = other[rng.random(len(other)) < PUBLIC_SHARE_OQ]
            pick = rng.integers(0, len(PUBLIC), len(public))
            cj[public] = np.asarray([PUBLIC[i][0] for i in pick], dtype=object)
            naf[public] = np.asarray([PUBLIC[i][1] for i in pick], dtype=object)
            other = np.setdiff1d(other, public)
        naf[other] = _choice(rng, OTHER_NAF[sector], None, len(other))
        cj[other] = _choice(rng, *OTHER_CJ[sector], len(other))
    by_naf = pd.Series(naf).map(ESS_CJ_BY_NAF).to_numpy()
    override = table["ess"].to_numpy() & pd.notna(by_naf)
    cj[override] = by_naf[override]
    return table.assign(family=family, naf=naf, cj=cj)


def _old_codes(
    rng: np.random.Generator, communes: np.ndarray, passage: pd.DataFrame | None
) -> np.ndarray:
    if passage is None or passage.empty:
        return communes
    single = passage.groupby("code_ancien")["code_actuel"].transform("size") == 1
    merged = passage[single & (passage["code_ancien"] != passage["code_actuel"])]
    olds = merged.groupby("code_actuel")["code_ancien"].agg(lambda s: sorted(s))
    result = communes.copy()
    candidates = np.flatnonzero(pd.Series(communes).isin(olds.index).to_numpy())
    chosen = candidates[rng.random(len(candidates)) < 0.2]
    for i in chosen:
        options = olds[communes[i]]
        result[i] = options[rng.integers(0, len(options))]
    return result


def build_synthetic_stock(
    calibration: pd.DataFrame,
    ess_shares: dict[str, float],
    seed: int = DEFAULT_SEED,
    passage: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the synthetic establishment and legal-unit tables (no I/O).

    Parameters
    ----------
    calibration : DataFrame
        Output of :func:`read_calibration`.
    ess_shares : dict of str to float
        ESS share of salaried jobs (%) by département code (ITDD).
    seed : int
        Seed of the random generator.
    passage : DataFrame, optional
        ``code_ancien``, ``code_actuel``: if given, one in five establishments of a commune
        nouvelle carries one of its old codes.

    Returns
    -------
    tuple of DataFrame
        Establishments and legal units, with the official column names, all strings.
    """
    rng = np.random.default_rng(seed)
    employers = _employers(rng, calibration)
    jobs = employers["band"].map(CENTRAL).to_numpy(dtype=float)
    dep = employers["commune"].str.slice(0, 2).to_numpy()
    p = np.zeros(len(employers))
    for code in sorted(set(dep)):
        rows = dep == code
        target = ess_shares.get(code, float(np.mean(list(ess_shares.values())))) / 100
        p[rows] = _ess_probabilities(employers["sector"].to_numpy()[rows], jobs[rows], target)
    employers["ess"] = rng.random(len(employers)) < p
    employers = _assign_activity(rng, employers)

    n_non = int(round(0.8 * len(employers)))
    non = pd.DataFrame(
        {
            "commune": employers["commune"].to_numpy()[rng.integers(0, len(employers), n_non)],
            "sector": "",
            "band": np.where(rng.random(n_non) < 0.8, "NN", None),
            "ess": False,
            "family": "",
            "naf": _choice(rng, NON_EMPLOYER_NAF, None, n_non),
            "cj": _choice(rng, *NON_EMPLOYER, n_non),
        }
    )
    active = pd.concat([employers, non], ignore_index=True).assign(etat="A")
    n_closed = int(round(0.12 * len(active)))
    closed = active.iloc[rng.integers(0, len(active), n_closed)].assign(etat="F")
    table = pd.concat([active, closed], ignore_index=True)

    # Networks: one legal unit per département for coop banks and mutual insurers.
    network = table["ess"] & table["naf"].isin(["64.19Z", "65.12Z"])
    key = np.where(
        network, table["commune"].str.slice(0, 2) + table["naf"] + table["cj"], table.index
    ).astype(str)
    codes, unit = np.unique(key, return_inverse=True)
    siren = np.char.zfill((100000000 + unit).astype(str), 9).astype(object)
    position = pd.Series(np.arange(len(table))).groupby(unit).cumcount().to_numpy()
    nic = np.char.zfill((10 + position).astype(str), 5).astype(object)
    n = len(table)
    cj = table["cj"].to_numpy()
    natural = cj == "1000"
    partial = rng.random(n) < np.where(natural, 0.15, 0.02)
    partial_unit = pd.Series(partial).groupby(unit).transform("max").to_numpy()
    etab = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in ETAB_COLUMNS})
    etab["siren"] = siren
    etab["nic"] = nic
    etab["siret"] = siren + nic
    etab["statutDiffusionEtablissement"] = np.where(partial_unit, "P", "O")
    etab["dateCreationEtablissement"] = "2010-01-01"
    etab["trancheEffectifsEtablissement"] = table["band"].to_numpy()
    etab["anneeEffectifsEtablissement"] = np.where(table["band"].notna(), "2023", None)
    etab["etablissementSiege"] = np.where(position == 0, "true", "false")
    etab["nombrePeriodesEtablissement"] = "1"
    etab["libelleCommuneEtablissement"] = np.where(partial_unit, "[ND]", None)
    etab["codeCommuneEtablissement"] = _old_codes(rng, table["commune"].to_numpy(), passage)
    etab["dateDebut"] = "2024-01-01"
    etab["etatAdministratifEtablissement"] = table["etat"].to_numpy()
    etab["activitePrincipaleEtablissement"] = table["naf"].to_numpy()
    etab["nomenclatureActivitePrincipaleEtablissement"] = "NAFRev2"
    employer = table["band"].notna() & (table["band"] != "NN")
    etab["caractereEmployeurEtablissement"] = np.where(employer, "O", "N")

    first = pd.Series(np.arange(n)).groupby(unit).first().to_numpy()
    units = pd.DataFrame({c: pd.Series([None] * len(first), dtype=object) for c in UL_COLUMNS})
    row = table.iloc[first]
    u_partial = partial_unit[first]
    u_natural = natural[first]
    units["siren"] = siren[first]
    units["statutDiffusionUniteLegale"] = np.where(u_partial, "P", "O")
    units["dateCreationUniteLegale"] = "2010-01-01"
    units["etatAdministratifUniteLegale"] = np.where(row["etat"].to_numpy() == "A", "A", "C")
    names = [f"{NAME_PREFIX[f]} {s}" for f, s in zip(row["family"], siren[first], strict=True)]
    denomination = np.where(u_partial, "[ND]", np.asarray(names, dtype=object))
    units["denominationUniteLegale"] = np.where(u_natural, None, denomination)
    units["nomUniteLegale"] = np.where(u_natural, np.where(u_partial, "[ND]", "DEMO"), None)
    units["prenom1UniteLegale"] = np.where(u_natural, np.where(u_partial, "[ND]", "CAMILLE"), None)
    units["categorieJuridiqueUniteLegale"] = cj[first]
    units["activitePrincipaleUniteLegale"] = row["naf"].to_numpy()
    units["nomenclatureActivitePrincipaleUniteLegale"] = "NAFRev2"
    units["nicSiegeUniteLegale"] = nic[first]
    units["economieSocialeSolidaireUniteLegale"] = np.where(row["ess"].to_numpy(), "O", "N")
    units["caractereEmployeurUniteLegale"] = etab["caractereEmployeurEtablissement"].to_numpy()[
        first
    ]
    units["dateDebut"] = "2024-01-01"
    return etab, units


def _write(frame: pd.DataFrame, path: Path) -> None:
    arrays = [
        pa.array(frame[c].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        for c in frame.columns
    ]
    table = pa.Table.from_arrays(arrays, names=list(frame.columns))
    pq.write_table(table, path, compression="zstd")


def write_synthetic_stock(
    out_dir: str | Path,
    comparateur_path: str | Path,
    itdd_path: str | Path,
    seed: int = DEFAULT_SEED,
    passage: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write a synthetic SIRENE extract for Normandie in the official Parquet format.

    Parameters
    ----------
    out_dir : path
        Folder created if needed (``data/processed/sirene_demo`` for the demo).
    comparateur_path : path
        INSEE comparateur de territoires (communes of Normandie).
    itdd_path : path
        INSEE ITDD detailed file (ESS share of salaried jobs by département).
    seed : int
        Seed; the same seed writes byte-identical files.
    passage : DataFrame, optional
        Old → current commune codes; if given, some establishments carry old codes.

    Returns
    -------
    dict of str to Path
        ``etablissements`` and ``unites_legales`` file paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    itdd = read_itdd_ess(Path(itdd_path))
    departements = itdd[itdd["niveau"] == "departement"]
    shares = dict(zip(departements["code"], departements["part_ess_2014"], strict=True))
    etab, units = build_synthetic_stock(
        read_calibration(Path(comparateur_path)), shares, seed=seed, passage=passage
    )
    paths = {"etablissements": out / ETAB_FILE, "unites_legales": out / UL_FILE}
    _write(etab, paths["etablissements"])
    _write(units, paths["unites_legales"])
    return paths
