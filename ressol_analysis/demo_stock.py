"""Seeded synthetic SIRENE extract for the demo report ("Données synthétiques de démonstration").

The real national stock files cannot ship with the project. This module writes two Parquet
files with the exact names, columns and column order of INSEE's stock files (dates typed as
dates, codes as text; :mod:`ressol_analysis.sources.sirene_files`), filled with real codes
(communes of Normandie, NAF rév. 2 sous-classes, catégories juridiques, headcount bands) and
calibrated on public figures:

* per commune, employer establishments by the five sectors of INSEE's comparateur (AZ, BE, FZ,
  GU, OQ; Flores 2024), their split between 0, 1–9 and 10+ employees, and salaried jobs
  (``P22_EMPLT_SAL``) follow the comparateur; the large bands go more often to
  administration, education, health and social work, and to industry (:data:`SIZE_WEIGHT`);
* every employer gets a section (NAF A21, sports and associations split out) within its
  comparateur sector (:data:`SECTION_MIX`, an assumption of the generator), and real NAF codes
  and catégories juridiques of that section: non-ESS units exist in every section; the public
  sector (communes, intercommunalités, département, State services, SDIS, public schools,
  hospitals, CCAS and public nursing homes, water and waste syndicates) follows
  :data:`PUBLIC`;
* the probability that an employer is ESS is the ESS share of the jobs of its section,
  published nationally by ESS France (« Panorama 2022 », relayed by Carenews,
  https://www.carenews.com/carenews-info/news/quel-est-le-poids-de-l-ess-dans-l-economie-francaise):
  action sociale 59,5 %, enseignement 19,4 %, activités financières et d'assurance 29,7 %,
  arts et spectacles 31,1 %, sports et loisirs 58,1 % (CNCRES « Panorama de l'ESS en France »
  2015, Clap 2013: action sociale 61 %); the other sections' shares are not published in the
  sources found and are stated as assumptions in :data:`ESS_JOB_SHARE`. One factor per
  département then brings its ESS share of estimated jobs to INSEE's ITDD figure (2014,
  Manche 13,5 %), keeping the ratios between sections;
* the family of an ESS unit depends on its section (cooperative banks and mutual insurers in
  finance, associations in social work, cooperatives in agriculture and agri-food…); 3 % of
  the units of the four historic families carry no ESS flag, and works councils (CSE, INSEE's
  « autres organismes privés à but non lucratif ») employ without it, so that the chapter's
  table « indicateur ESS et forme juridique » has something to show (the real shares are not
  published);
* closed establishments, non-employers (``NN`` or no band), partially diffusible units
  (``P``, names ``[ND]``), natural persons (CJ ``1000``) and, when a passage table is given,
  some old (pre-merger) commune codes are included so that every rule of the reader is used.

* creation and closure dates (:func:`_add_dynamics`, drawn from a separate seeded stream so
  that every other draw, unit and figure stays as it was): each group (ESS, other employers,
  non-employers) follows a survival curve and a trend of creations (:data:`DYNAMICS`);
  establishments closed since 2013 are added (their legal units ceased), copying the
  attributes of active ones. Published figures used: INSEE, 3-year survival of enterprises
  created in 2010, 71 % (Insee Première n° 1543, April 2015,
  https://www.insee.fr/fr/statistiques/1287782), of « entreprises classiques » created in
  H1 2018, 82 % (Insee Première n° 1962, July 2023, https://insee.fr/fr/statistiques/7653231),
  micro-entreprises about 50 % (Insee Analyses Grand Est n° 177, April 2024); about 70 000
  associations created a year for 1,35 to 1,5 million active (Recherches & Solidarités, « La
  France associative en mouvement », 2018-2023 editions, relayed by third parties): about 5 %
  a year. The survival of ESS establishments or associations is not published in the sources
  found: 85 % at three years is an assumption of the generator, like the later closure rates
  and the trends;
* a few establishments carry INSEE's « date non déterminée » (``1900-01-01``) as creation
  date, so that the « date inconnue » count is used.

Names are visibly synthetic (``ASSOCIATION DEMO …``). Same seed, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .errors import RessolError
from .sources.comparateur import read_comparateur
from .sources.sirene import read_itdd_ess
from .sources.sirene_files import ETAB_COLUMNS, UL_COLUMNS, typed_table

DEFAULT_SEED = 20260401
# Year of the headcount bands the extract imitates: the ``anneeEffectifsEtablissement`` it
# writes (a test checks they agree).
BAND_YEAR = "2023"
# Last update of every row: the demo is an image of the register at the end of March 2026.
STOCK_UPDATE = "2026-03-31T06:00:00.000"
SECTORS = ("AZ", "BE", "FZ", "GU", "OQ")
SECTOR_COLUMNS = {s: f"ET{s}24" for s in SECTORS}

# Within a commune, which employers get the largest bands: a weighted random order, so that
# hospitals, administrations and factories are more often the large ones than farms.
SIZE_WEIGHT = {"AZ": 0.5, "BE": 2.0, "FZ": 1.0, "GU": 1.0, "OQ": 6.0}
# Sections (NAF A21, some split) of each comparateur sector, and their share of its employer
# establishments: an assumption of the generator (orders of magnitude of Normandy), not data.
SECTION_MIX = {
    "AZ": {"A": 1.0},
    "BE": {"C": 0.88, "D": 0.04, "E": 0.08},
    "FZ": {"F": 1.0},
    "GU": {
        "G": 0.36,
        "H": 0.07,
        "I": 0.16,
        "J": 0.04,
        "K": 0.06,
        "L": 0.05,
        "M": 0.10,
        "N": 0.06,
        "R90": 0.015,
        "R93": 0.025,
        "S94": 0.03,
        "S96": 0.03,
    },
    "OQ": {"O": 0.2, "P": 0.15, "Q86": 0.3, "Q88": 0.35},
}
# ESS share of the salaried jobs of each section, before the per-département scaling.
# Published (national, ESS France « Panorama 2022 », relayed by Carenews): action sociale
# 59,5 %, enseignement 19,4 %, activités financières et d'assurance 29,7 %, arts et spectacles
# 31,1 %, sports et loisirs 58,1 % (CNCRES « Panorama 2015 », Clap 2013: action sociale 61 %).
# Not found in a published table, orders of magnitude assumed by the generator: santé humaine
# 10 % (hôpitaux privés non lucratifs, centres mutualistes), organisations associatives 80 %,
# agriculture and agri-food industry 3-4 % (agricultural cooperatives), 1-3 % elsewhere in the
# market sector; public administration 0 %.
ESS_JOB_SHARE = {
    "A": 0.03,
    "C": 0.04,
    "D": 0.0,
    "E": 0.02,
    "F": 0.01,
    "G": 0.02,
    "H": 0.01,
    "I": 0.02,
    "J": 0.02,
    "K": 0.297,
    "L": 0.02,
    "M": 0.03,
    "N": 0.08,
    "O": 0.0,
    "P": 0.194,
    "Q86": 0.10,
    "Q88": 0.595,
    "R90": 0.311,
    "R93": 0.581,
    "S94": 0.80,
    "S96": 0.01,
}
MAX_ESS_PROBABILITY = 0.95
# Share of the associations, coopératives, mutuelles and fondations without SIRENE's ESS flag:
# the real share is not published (assumption of the demonstration, to show the table).
UNFLAGGED_SHARE = 0.03
# Family of an ESS establishment given its section.
ESS_FAMILIES = {
    "A": {"cooperatives": 0.85, "associations": 0.15},
    "C": {"cooperatives": 0.75, "associations": 0.25},
    "E": {"associations": 0.7, "cooperatives": 0.3},
    "F": {"cooperatives": 0.6, "associations": 0.4},
    "G": {"cooperatives": 0.75, "associations": 0.2, "autres": 0.05},
    "H": {"cooperatives": 0.6, "associations": 0.4},
    "I": {"associations": 0.8, "cooperatives": 0.15, "autres": 0.05},
    "J": {"associations": 0.7, "cooperatives": 0.3},
    "K": {"cooperatives": 0.6, "mutuelles": 0.4},
    "L": {"associations": 0.6, "cooperatives": 0.4},
    "M": {"associations": 0.6, "cooperatives": 0.3, "autres": 0.1},
    "N": {"associations": 0.75, "organismes_non_lucratifs": 0.15, "cooperatives": 0.1},
    "P": {"associations": 0.95, "fondations": 0.05},
    "Q86": {"associations": 0.45, "mutuelles": 0.3, "fondations": 0.25},
    "Q88": {"associations": 0.88, "fondations": 0.08, "mutuelles": 0.02, "autres": 0.02},
    "R90": {"associations": 0.95, "cooperatives": 0.05},
    "R93": {"associations": 1.0},
    "S94": {"associations": 1.0},
    "S96": {"associations": 0.5, "cooperatives": 0.5},
}
# Real NAF rév. 2 sous-classes of ESS establishments by section (then by family when needed).
ESS_NAF = {
    "A": ["01.13Z", "01.30Z"],
    "C": ["10.71C", "32.99Z", "16.23Z"],
    "E": ["38.32Z", "38.11Z"],
    "F": ["43.39Z", "43.99C", "41.20A"],
    "G": ["47.11F", "46.11Z", "47.79Z"],
    "H": ["49.39A", "49.41A"],
    "I": ["55.20Z", "56.29B"],
    "J": ["60.10Z", "58.14Z"],
    "L": ["68.20B", "68.32A"],
    "M": ["72.19Z", "70.22Z", "71.12B"],
    "N": ["81.30Z", "78.30Z", "82.11Z"],
    "P": ["85.31Z", "85.59A", "85.10Z", "85.32Z"],
    "Q86": ["86.10Z", "86.90D", "86.22C"],
    "Q88": ["88.10A", "88.10C", "88.91A", "88.99B", "87.10A", "87.30A"],
    "R90": ["90.01Z", "91.02Z", "90.04Z"],
    "R93": ["93.12Z", "93.29Z", "93.19Z"],
    "S94": ["94.99Z", "94.99Z", "94.99Z", "94.91Z"],
    "S96": ["96.09Z", "95.29Z"],
}
ESS_NAF_BY_FAMILY = {
    ("cooperatives", "A"): ["01.61Z", "01.62Z"],
    ("cooperatives", "C"): ["10.51A", "10.13A", "10.91Z", "10.11Z"],
    ("cooperatives", "G"): ["46.21Z", "47.11F", "46.11Z"],
    ("cooperatives", "K"): ["64.19Z"],
    ("mutuelles", "K"): ["65.12Z", "65.11Z", "66.22Z"],
    ("mutuelles", "Q86"): ["86.23Z", "86.21Z"],
    ("organismes_non_lucratifs", "N"): ["78.30Z"],
}
# Catégories juridiques of ESS units by family (NAF- or section-specific first).
ESS_CJ_BY_NAF = {"01.61Z": "6316", "01.62Z": "6317", "10.51A": "6317", "46.21Z": "6317"}
ESS_CJ = {
    "associations": (["9220", "9230", "9221"], [0.93, 0.04, 0.03]),
    "cooperatives": (["6596", "5458", "5560", "6317", "5192"], [0.3, 0.3, 0.15, 0.15, 0.1]),
    "mutuelles": (["8210", "6411", "8290"], [0.7, 0.2, 0.1]),
    "fondations": (["9300"], [1.0]),
    "organismes_non_lucratifs": (["9223"], [1.0]),
    "autres": (["5710", "5499"], [0.7, 0.3]),
}
# Other (non-ESS) employers: real NAF sous-classes and catégories juridiques by section, or
# (catégorie juridique, NAF, weight) pairs where the two must agree.
OTHER_NAF = {
    "A": ["01.11Z", "01.41Z", "01.50Z", "01.21Z", "02.20Z", "03.12Z", "01.13Z"],
    "C": ["10.13B", "10.71C", "16.10A", "25.62B", "28.30Z", "33.12Z", "10.51C", "22.22Z"],
    "D": ["35.11Z", "35.14Z"],
    "E": ["38.11Z", "36.00Z", "37.00Z", "38.21Z"],
    "F": ["41.20A", "43.21A", "43.22A", "43.32A", "43.91B", "43.99C", "42.11Z"],
    "G": ["45.20A", "46.90Z", "47.11D", "47.73Z", "47.24Z", "47.30Z", "46.61Z", "47.71Z"],
    "H": ["49.41A", "49.39A", "52.29A", "53.20Z", "49.32Z"],
    "I": ["55.10Z", "56.10A", "56.30Z", "56.10C", "55.30Z"],
    "J": ["62.02A", "58.13Z", "61.10Z", "63.11Z", "62.01Z"],
    "K": ["64.19Z", "66.22Z", "65.12Z", "64.92Z", "66.19B"],
    "L": ["68.31Z", "68.20A", "68.32A", "68.20B"],
    "M": ["69.20Z", "71.12B", "69.10Z", "70.22Z", "73.11Z", "75.00Z"],
    "N": ["81.21Z", "78.20Z", "81.30Z", "80.10Z", "77.11A"],
    "P": ["85.53Z", "85.59A", "85.51Z", "85.52Z"],
    "Q86": ["86.21Z", "86.90E", "86.23Z", "86.22C", "86.90A", "86.10Z"],
    "Q88": ["87.10A", "88.10A", "88.91A", "87.30A"],
    "R90": ["90.01Z", "90.02Z", "91.02Z", "90.04Z"],
    "R93": ["93.13Z", "93.11Z", "93.29Z", "93.21Z", "93.19Z"],
    "S96": ["96.02A", "96.04Z", "95.11Z", "96.01B", "96.03Z"],
}
OTHER_CJ = {
    "A": (["6533", "6598", "1000", "5499"], [0.35, 0.35, 0.25, 0.05]),
    "C": (["5499", "5710", "1000", "5599"], [0.45, 0.4, 0.1, 0.05]),
    "D": (["5710", "5599"], [0.6, 0.4]),
    "E": (["5710", "5499"], [0.6, 0.4]),
    "F": (["5499", "5710", "1000"], [0.5, 0.3, 0.2]),
    "G": (["5499", "5710", "1000", "5599"], [0.4, 0.35, 0.2, 0.05]),
    "H": (["5499", "5710", "5599", "1000"], [0.4, 0.35, 0.15, 0.1]),
    "I": (["5499", "5710", "1000"], [0.5, 0.3, 0.2]),
    "J": (["5710", "5499", "5599"], [0.5, 0.4, 0.1]),
    "K": (["5599", "5710", "5499", "1000"], [0.35, 0.3, 0.2, 0.15]),
    "L": (["5499", "5710", "6540", "1000"], [0.4, 0.3, 0.2, 0.1]),
    "M": (["5499", "5710", "1000", "5485"], [0.35, 0.3, 0.2, 0.15]),
    "N": (["5710", "5499", "1000"], [0.5, 0.35, 0.15]),
    "P": (["5499", "5710", "1000"], [0.4, 0.3, 0.3]),
    "Q86": (["1000", "5710", "5485", "6571"], [0.45, 0.3, 0.15, 0.1]),
    "Q88": (["5710", "5499", "1000"], [0.6, 0.3, 0.1]),
    "R90": (["1000", "5499", "5710"], [0.5, 0.3, 0.2]),
    "R93": (["5710", "5499", "1000"], [0.4, 0.4, 0.2]),
    "S96": (["1000", "5499", "5710"], [0.5, 0.3, 0.2]),
}
OTHER_PAIRS = {
    # Works councils (CSE: other private non-profit bodies, without the ESS flag), unions and
    # employers' organisations (activities outside INSEE's statistical perimeter).
    "S94": [("8310", "94.99Z", 0.5), ("8410", "94.20Z", 0.25), ("8420", "94.11Z", 0.15)]
    + [("5499", "94.99Z", 0.1)],
}
# Public employers: share of the section's non-ESS employers under 50 employees and from 50
# (band 21: hospitals, town halls, lycées are the large ones), and (CJ, NAF, weight) pairs.
LARGE_PUBLIC_BAND = "21"
PUBLIC = {
    "O": (
        1.0,
        1.0,
        [
            ("7210", "84.11Z", 0.5),
            ("7346", "84.11Z", 0.12),
            ("7348", "84.11Z", 0.03),
            ("7220", "84.11Z", 0.05),
            ("7172", "84.11Z", 0.05),
            ("7372", "84.25Z", 0.05),
            ("7353", "84.11Z", 0.1),
            ("7379", "84.13Z", 0.1),
        ],
    ),
    "E": (0.15, 0.5, [("7354", "36.00Z", 0.5), ("7353", "38.11Z", 0.5)]),
    "P": (0.6, 0.9, [("7331", "85.31Z", 0.55), ("7331", "85.32Z", 0.2), ("7172", "85.20Z", 0.25)]),
    "Q86": (0.05, 0.8, [("7364", "86.10Z", 1.0)]),
    "Q88": (0.2, 0.6, [("7361", "88.99B", 0.4), ("7366", "87.10A", 0.4), ("7367", "88.10A", 0.2)]),
}
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

NAME_PREFIX = {
    "associations": "ASSOCIATION DEMO",
    "cooperatives": "COOPERATIVE DEMO",
    "mutuelles": "MUTUELLE DEMO",
    "fondations": "FONDATION DEMO",
    "organismes_non_lucratifs": "ORGANISME DEMO",
    "autres": "SOCIETE ESS DEMO",
    "": "ENTREPRISE DEMO",
}
# Dynamics of the demo (see the module docstring): per group, survival at three years, annual
# closure rate after three years, and annual trend of creations.
DYNAMICS = {
    # ESS: 85 % at 3 years (assumption; not published), about 5 % created a year (associations).
    "ess": {"survie_3_ans": 0.85, "fermeture_apres": 0.045, "tendance": 0.0},
    # Other employers: between INSEE's 71 % (2010 cohort) and 82 % (2018 cohort).
    "employeurs": {"survie_3_ans": 0.75, "fermeture_apres": 0.06, "tendance": 0.01},
    # Non-employers (many micro-entrepreneurs, about 50 % at 3 years): more creations each year.
    "non_employeurs": {"survie_3_ans": 0.60, "fermeture_apres": 0.10, "tendance": 0.04},
}
DYNAMICS_STREAM = 15  # second seed word of the dates' random stream (issue 15)
DYNAMICS_FROM = "1960-01"  # first month of creation drawn
CLOSED_FROM = "2013-01"  # closures drawn since the first diagnostic
UNKNOWN_DATE_SHARE = 0.003
UNKNOWN_DATE = "1900-01-01"
ADDED_SIREN_START = 800000000  # sirens of the added closed units (never those of the others)
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
    # Weighted random order (Efraimidis-Spirakis keys u^(1/w)): the last of a commune get the
    # large bands, more often in the sectors of large employers.
    weight = np.vectorize(SIZE_WEIGHT.get, otypes=[float])(sector)
    order = np.lexsort((rng.random(len(idx)) ** (1 / weight), idx))
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


def _sections(rng: np.random.Generator, sector: np.ndarray) -> np.ndarray:
    """The section of each employer, drawn within its comparateur sector (:data:`SECTION_MIX`)."""
    section = np.empty(len(sector), dtype=object)
    for name, mix in SECTION_MIX.items():
        rows = np.flatnonzero(sector == name)
        section[rows] = _choice(rng, list(mix), list(mix.values()), len(rows))
    return section


def _ess_probabilities(section: np.ndarray, jobs: np.ndarray, target_share: float) -> np.ndarray:
    """ESS probability of each employer: its section's ESS job share, scaled to the target.

    One factor for the whole département brings the expected ESS share of its estimated jobs
    to ``target_share`` (INSEE's ITDD figure), keeping the ratios between sections.
    """
    base = np.vectorize(ESS_JOB_SHARE.get, otypes=[float])(section)

    def share(factor: float) -> float:
        p = np.minimum(MAX_ESS_PROBABILITY, factor * base)
        return float((p * jobs).sum() / max(jobs.sum(), 1))

    low, high = 0.0, 4.0
    for _ in range(50):  # bisection on the factor
        middle = (low + high) / 2
        low, high = (middle, high) if share(middle) < target_share else (low, middle)
    return np.minimum(MAX_ESS_PROBABILITY, (low + high) / 2 * base)


def _pairs(rng: np.random.Generator, pairs: list[tuple[str, str, float]], n: int):
    pick = rng.choice(len(pairs), size=n, p=[w for *_, w in pairs])
    cj = np.asarray([pairs[i][0] for i in pick], dtype=object)
    naf = np.asarray([pairs[i][1] for i in pick], dtype=object)
    return cj, naf


def _assign_activity(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    """Family, NAF sous-classe and catégorie juridique of each employer, by section."""
    family = np.full(len(table), "", dtype=object)
    naf = np.empty(len(table), dtype=object)
    cj = np.empty(len(table), dtype=object)
    section = table["section"].to_numpy()
    ess = table["ess"].to_numpy()
    for name in ESS_JOB_SHARE:
        ess_rows = np.flatnonzero((section == name) & ess)
        fams = ESS_FAMILIES.get(name, {})
        if len(ess_rows):
            family[ess_rows] = _choice(rng, list(fams), list(fams.values()), len(ess_rows))
        for fam in fams:
            rows = ess_rows[family[ess_rows] == fam]
            codes = ESS_NAF_BY_FAMILY.get((fam, name), ESS_NAF.get(name))
            naf[rows] = _choice(rng, codes, None, len(rows))
            cj[rows] = _choice(rng, *ESS_CJ[fam], len(rows))
        other = np.flatnonzero((section == name) & ~ess)
        if name in PUBLIC:
            # Public employers are more often the large ones (hospitals, town halls).
            small, large, pairs = PUBLIC[name]
            chance = np.where(table["band"].to_numpy()[other] >= LARGE_PUBLIC_BAND, large, small)
            public = other[rng.random(len(other)) < chance]
            cj[public], naf[public] = _pairs(rng, pairs, len(public))
            other = np.setdiff1d(other, public)
        if name in OTHER_PAIRS:
            cj[other], naf[other] = _pairs(rng, OTHER_PAIRS[name], len(other))
        elif len(other):
            naf[other] = _choice(rng, OTHER_NAF[name], None, len(other))
            cj[other] = _choice(rng, *OTHER_CJ[name], len(other))
    by_naf = pd.Series(naf).map(ESS_CJ_BY_NAF).to_numpy()
    override = ess & pd.notna(by_naf)
    cj[override] = by_naf[override]
    # A few units of the ESS families without the ESS flag (INSEE's statistical perimeter
    # counts them, the law's perimeter as read from the flag does not).
    historic = np.isin(family, ["associations", "cooperatives", "mutuelles", "fondations"])
    unflagged = historic & (rng.random(len(table)) < UNFLAGGED_SHARE)
    return table.assign(family=family, naf=naf, cj=cj, ess=ess & ~unflagged)


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


def _survival(age_years: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """Survival at an age: constant hazard to 3 years (from the 3-year rate), then another."""
    early = -np.log(params["survie_3_ans"]) / 3
    late = params["fermeture_apres"]
    age = np.maximum(age_years, 0)
    return np.exp(-early * np.minimum(age, 3) - late * np.maximum(age - 3, 0))


def _iso(values) -> np.ndarray:
    """``AAAA-MM-JJ`` text of dates."""
    days = np.asarray(values, dtype="datetime64[D]")
    return np.datetime_as_string(days, unit="D").astype(object)


def _month_days(rng: np.random.Generator, months: pd.DatetimeIndex, after=None) -> np.ndarray:
    """A uniform day within each month (not before ``after`` when given)."""
    start = months.to_numpy().astype("datetime64[D]")
    end = (months + pd.offsets.MonthBegin(1)).to_numpy().astype("datetime64[D]")
    if after is not None:
        start = np.maximum(start, after)
    span = (end - start).astype(int)
    return start + (rng.random(len(start)) * span).astype(int)


def _draw_dates(
    rng: np.random.Generator, params: dict[str, float], n_active: int, at_least: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Creation dates of active establishments, and (creation, closure) of closed ones.

    Creations per month grow by the group's trend; an establishment alive at the stock's date
    was created at month m with a weight creations(m) × survival(age). Closed establishments
    are those whose death falls between :data:`CLOSED_FROM` and the stock's date: their
    expected number follows from the same model and ``n_active`` (at least ``at_least``).
    """
    stock = pd.Timestamp(STOCK_UPDATE[:10])
    months = pd.period_range(DYNAMICS_FROM, stock.to_period("M"), freq="M").to_timestamp()
    last = len(months) - 1
    index = np.arange(len(months))
    creations = (1 + params["tendance"]) ** ((index - last) / 12)
    alive = creations * _survival((last - index + 0.5) / 12, params)
    created = rng.choice(len(months), size=n_active, p=alive / alive.sum())
    active = _month_days(rng, months[created])
    # Joint weight of (creation month m, closure month k), k from CLOSED_FROM to the stock.
    first_closed = int(np.searchsorted(months, pd.Timestamp(CLOSED_FROM + "-01")))
    age = index[None, :] - index[:, None]  # k - m
    death = _survival(age / 12, params) - _survival((age + 1) / 12, params)
    joint = creations[:, None] * np.where(age >= 0, death, 0.0)
    joint[:, :first_closed] = 0.0
    expected = n_active * joint.sum() / alive.sum()
    count = max(int(round(expected)), at_least)
    pick = rng.choice(joint.size, size=count, p=(joint / joint.sum()).ravel())
    made, gone = np.divmod(pick, len(months))
    creation = _month_days(rng, months[made])
    closure = np.minimum(_month_days(rng, months[gone], after=creation), stock.to_datetime64())
    return active, creation, closure.astype("datetime64[D]")


def _frame(columns: dict[str, object], n: int) -> pd.DataFrame:
    """A frame of ``n`` rows from arrays or scalars; ``None`` is an empty (object) column."""
    empty = {c: np.full(n, None, dtype=object) for c, v in columns.items() if v is None}
    return pd.DataFrame({**columns, **empty}, index=pd.RangeIndex(n))


def _add_dynamics(
    etab: pd.DataFrame,
    units: pd.DataFrame,
    table: pd.DataFrame,
    seed: int,
    passage: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Creation and closure dates, and establishments closed since 2013 (new random stream).

    The rows already drawn keep every value but their dates; the added closed establishments
    copy the commune, activity, band and legal form of an active one of the same group, with a
    legal unit of their own (ceased) whose siren starts at :data:`ADDED_SIREN_START`.
    """
    rng = np.random.default_rng([seed, DYNAMICS_STREAM])
    employer = (table["band"].notna() & (table["band"] != "NN")).to_numpy()
    group = np.where(
        table["ess"].to_numpy(), "ess", np.where(employer, "employeurs", "non_employeurs")
    )
    active = (table["etat"] == "A").to_numpy()
    creation = np.empty(len(table), dtype="datetime64[D]")
    closure = np.empty(len(table), dtype="datetime64[D]")
    added = []
    for name, params in DYNAMICS.items():
        on = np.flatnonzero(active & (group == name))
        off = np.flatnonzero(~active & (group == name))
        born, made, gone = _draw_dates(rng, params, len(on), len(off))
        creation[on] = born
        creation[off], closure[off] = made[: len(off)], gone[: len(off)]
        extra = len(made) - len(off)
        if extra and len(on):
            copies = table.iloc[on[rng.integers(0, len(on), extra)]].assign(etat="F")
            added.append(copies.assign(_creation=made[len(off) :], _closure=gone[len(off) :]))
    closure[active] = creation[active]
    text = pd.Series(_iso(creation))
    text[rng.random(len(table)) < UNKNOWN_DATE_SHARE] = UNKNOWN_DATE
    etab = etab.copy()
    etab["dateCreationEtablissement"] = text.to_numpy(dtype=object)
    etab["dateDebut"] = _iso(closure)
    etab.loc[~active, "nombrePeriodesEtablissement"] = "2"
    if not added:
        return etab, units
    extra = pd.concat(added, ignore_index=True)
    n = len(extra)
    siren = np.char.zfill((ADDED_SIREN_START + np.arange(n)).astype(str), 9).astype(object)
    more: dict[str, object] = dict.fromkeys(etab.columns)
    more["siren"] = siren
    more["nic"] = "00010"
    more["siret"] = siren + "00010"
    more["statutDiffusionEtablissement"] = "O"
    more["dateCreationEtablissement"] = _iso(extra["_creation"])
    more["dateDernierTraitementEtablissement"] = STOCK_UPDATE
    more["trancheEffectifsEtablissement"] = extra["band"].to_numpy()
    more["anneeEffectifsEtablissement"] = np.where(extra["band"].notna(), BAND_YEAR, None)
    more["etablissementSiege"] = "true"
    more["nombrePeriodesEtablissement"] = "2"
    more["codeCommuneEtablissement"] = _old_codes(rng, extra["commune"].to_numpy(), passage)
    more["dateDebut"] = _iso(extra["_closure"])
    more["etatAdministratifEtablissement"] = "F"
    more["activitePrincipaleEtablissement"] = extra["naf"].to_numpy()
    more["nomenclatureActivitePrincipaleEtablissement"] = "NAFRev2"
    band = extra["band"]
    more["caractereEmployeurEtablissement"] = np.where(band.notna() & (band != "NN"), "O", "N")
    new_units: dict[str, object] = dict.fromkeys(units.columns)
    new_units["siren"] = siren
    new_units["statutDiffusionUniteLegale"] = "O"
    new_units["dateCreationUniteLegale"] = more["dateCreationEtablissement"]
    new_units["dateDernierTraitementUniteLegale"] = STOCK_UPDATE
    new_units["etatAdministratifUniteLegale"] = "C"
    natural = extra["cj"].to_numpy() == "1000"
    families = extra["family"].to_numpy(dtype=object)  # iterating Arrow text is slow
    names = [f"{NAME_PREFIX[f]} {s}" for f, s in zip(families, siren, strict=True)]
    new_units["denominationUniteLegale"] = np.where(natural, None, np.asarray(names, dtype=object))
    new_units["nomUniteLegale"] = np.where(natural, "DEMO", None)
    new_units["prenom1UniteLegale"] = np.where(natural, "CAMILLE", None)
    new_units["categorieJuridiqueUniteLegale"] = extra["cj"].to_numpy()
    new_units["activitePrincipaleUniteLegale"] = extra["naf"].to_numpy()
    new_units["nomenclatureActivitePrincipaleUniteLegale"] = "NAFRev2"
    new_units["nicSiegeUniteLegale"] = "00010"
    new_units["economieSocialeSolidaireUniteLegale"] = np.where(extra["ess"].to_numpy(), "O", "N")
    new_units["caractereEmployeurUniteLegale"] = more["caractereEmployeurEtablissement"]
    new_units["dateDebut"] = more["dateDebut"]
    etab = pd.concat([etab, _frame(more, n)], ignore_index=True)
    units = pd.concat([units, _frame(new_units, n)], ignore_index=True)
    return etab, units


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
    employers["section"] = _sections(rng, employers["sector"].to_numpy())
    jobs = employers["band"].map(CENTRAL).to_numpy(dtype=float)
    dep = employers["commune"].str.slice(0, 2).to_numpy()
    p = np.zeros(len(employers))
    for code in sorted(set(dep)):
        rows = dep == code
        target = ess_shares.get(code, float(np.mean(list(ess_shares.values())))) / 100
        p[rows] = _ess_probabilities(employers["section"].to_numpy()[rows], jobs[rows], target)
    employers["ess"] = rng.random(len(employers)) < p
    employers = _assign_activity(rng, employers).drop(columns="section")

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
    etab: dict[str, object] = dict.fromkeys(ETAB_COLUMNS)
    etab["siren"] = siren
    etab["nic"] = nic
    etab["siret"] = siren + nic
    etab["statutDiffusionEtablissement"] = np.where(partial_unit, "P", "O")
    etab["dateCreationEtablissement"] = "2010-01-01"
    etab["dateDernierTraitementEtablissement"] = STOCK_UPDATE
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
    units: dict[str, object] = dict.fromkeys(UL_COLUMNS)
    row = table.iloc[first]
    u_partial = partial_unit[first]
    u_natural = natural[first]
    units["siren"] = siren[first]
    units["statutDiffusionUniteLegale"] = np.where(u_partial, "P", "O")
    units["dateCreationUniteLegale"] = "2010-01-01"
    units["dateDernierTraitementUniteLegale"] = STOCK_UPDATE
    units["etatAdministratifUniteLegale"] = np.where(row["etat"].to_numpy() == "A", "A", "C")
    families = row["family"].to_numpy(dtype=object)
    names = [f"{NAME_PREFIX[f]} {s}" for f, s in zip(families, siren[first], strict=True)]
    denomination = np.where(u_partial, "[ND]", np.asarray(names, dtype=object))
    units["denominationUniteLegale"] = np.where(u_natural, None, denomination)
    units["nomUniteLegale"] = np.where(u_natural, np.where(u_partial, "[ND]", "DEMO"), None)
    units["prenom1UniteLegale"] = np.where(u_natural, np.where(u_partial, "[ND]", "CAMILLE"), None)
    units["categorieJuridiqueUniteLegale"] = cj[first]
    units["activitePrincipaleUniteLegale"] = row["naf"].to_numpy()
    units["nomenclatureActivitePrincipaleUniteLegale"] = "NAFRev2"
    units["nicSiegeUniteLegale"] = nic[first]
    units["economieSocialeSolidaireUniteLegale"] = np.where(row["ess"].to_numpy(), "O", "N")
    units["caractereEmployeurUniteLegale"] = etab["caractereEmployeurEtablissement"][first]
    units["dateDebut"] = "2024-01-01"
    return _add_dynamics(_frame(etab, n), _frame(units, len(first)), table, seed, passage)


def _write(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(typed_table(frame), path, compression="zstd")


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
