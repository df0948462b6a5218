"""The project's reference tables (``ressol_analysis/reference/``) and the checks they back.

Reference tables are data, not code: the SIRENE headcount bands with their job estimates, the
catégorie juridique → ESS family table, the NAF activities left out of INSEE's statistical
perimeter, the présentielle/productive sphere rule and the agri-food perimeter. They ship with
the package and are read here, once, as strings; the indicator modules apply them with joins.
The ``check_*`` functions refuse a code that a table does not know, naming the codes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from ..errors import RessolError, list_codes

# The four historic families, INSEE's fifth (« autres organismes privés à but non lucratif »,
# counted in its statistical perimeter since the Flores 2018-2020 tables), and « autres »:
# every other legal form, in the ESS only when its legal unit is declared ESS (law 2014-856).
FAMILIES = (
    "associations",
    "cooperatives",
    "mutuelles",
    "fondations",
    "organismes_non_lucratifs",
    "autres",
)
HISTORIC_FAMILIES = FAMILIES[:4]
STATISTICAL_FAMILIES = FAMILIES[:5]
BANDS_FILE = "tranches_effectifs.csv"
FAMILIES_FILE = "familles_ess.csv"
EXCLUSIONS_FILE = "exclusions_perimetre_statistique.csv"
REFERENCE_2013 = "diagnostic_2013.yaml"
# How the 2013 figures are written (``format`` of each figure of ``diagnostic_2013.yaml``).
KINDS_2013 = ("nombre", "densite", "pourcentage")


def reference_path(name: str) -> Path:
    """Path of a file of the package's ``reference`` folder.

    Parameters
    ----------
    name : str
        File name (``familles_ess.csv``, ``cadre_strategique.yaml``…).

    Returns
    -------
    Path
        Where the installed package keeps it.
    """
    return Path(str(resources.files("ressol_analysis").joinpath("reference", name)))


def read_reference(name: str) -> pd.DataFrame:
    """Read a reference CSV with every column as text (codes keep their leading zeros).

    Parameters
    ----------
    name : str
        File name in the ``reference`` folder.

    Returns
    -------
    DataFrame
        The table; empty cells are empty strings, never NaN.
    """
    return pd.read_csv(reference_path(name), dtype=str, keep_default_na=False)


@cache
def _bands() -> pd.DataFrame:
    table = read_reference(BANDS_FILE)
    table["ordre"] = table["ordre"].astype(int)
    table["employeur"] = table["employeur"].eq("oui")
    for column in ("effectif_bas", "effectif_central", "effectif_haut"):
        table[column] = table[column].astype(float)
    return table


@cache
def _families() -> pd.DataFrame:
    return read_reference(FAMILIES_FILE)


@cache
def _exclusions() -> pd.DataFrame:
    return read_reference(EXCLUSIONS_FILE)


def bands_table() -> pd.DataFrame:
    """Headcount bands of SIRENE with the low, central and high job estimates.

    Returns
    -------
    DataFrame
        Columns ``tranche`` (code, string), ``ordre``, ``libelle``, ``employeur`` (bool),
        ``effectif_bas``, ``effectif_central``, ``effectif_haut`` (floats).
    """
    return _bands().copy()


def families_table() -> pd.DataFrame:
    """Catégorie juridique (niveau III) → ESS family, with the label and the justification.

    Returns
    -------
    DataFrame
        Columns ``categorie_juridique``, ``libelle``, ``famille``, ``justification``; one row
        per code of INSEE's nomenclature (September 2022).
    """
    return _families().copy()


def statistical_exclusions() -> pd.DataFrame:
    """NAF prefixes excluded from INSEE's statistical perimeter of the social economy.

    Returns
    -------
    DataFrame
        Columns ``prefixe_naf``, ``libelle``, ``justification``.
    """
    return _exclusions().copy()


def check_bands(codes: pd.Series, where: str) -> None:
    """Raise if a headcount band code is not in the band table (empty codes are allowed).

    Parameters
    ----------
    codes : Series of str
        Values of ``trancheEffectifsEtablissement``.
    where : str
        File and column named in the message.

    Raises
    ------
    RessolError
        Listing the unknown codes.
    """
    unknown = codes[codes.notna() & ~codes.isin(_bands()["tranche"])]
    if not unknown.empty:
        raise RessolError(
            f"Dans {where}, code(s) de tranche d'effectifs inconnu(s) : {list_codes(unknown)}. "
            f"Codes attendus : {list_codes(_bands()['tranche'])} (deux caractères, zéro "
            "initial compris). Le fichier a peut-être été ouvert dans un tableur qui a "
            "supprimé les zéros : restaurez le fichier officiel."
        )


def check_legal_categories(codes: pd.Series, where: str) -> None:
    """Raise if a catégorie juridique is absent from the family table.

    Parameters
    ----------
    codes : Series of str
        Values of ``categorieJuridiqueUniteLegale``.
    where : str
        File and column named in the message.

    Raises
    ------
    RessolError
        Listing the unknown codes (empty codes included).
    """
    unknown = codes[~codes.isin(_families()["categorie_juridique"]).fillna(False)]
    if not unknown.empty:
        raise RessolError(
            f"Dans {where}, catégorie(s) juridique(s) inconnue(s) de la nomenclature Insee "
            f"(septembre 2022) : {list_codes(unknown.fillna('(vide)'))}. Vérifiez que ce sont "
            "des codes à 4 chiffres ; si l'Insee a créé une catégorie depuis, ajoutez-la avec "
            f"sa famille et sa justification dans ressol_analysis/reference/{FAMILIES_FILE}."
        )


def load_sphere_rule() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the project's sphere rule (division table and sous-classe exceptions).

    Returns
    -------
    tuple of DataFrame
        ``reference/sphere_economique_divisions.csv`` (``A88``, ``sphere``…) and
        ``reference/sphere_economique_exceptions.csv`` (``sous_classe``, ``sphere``…).
    """
    return (
        read_reference("sphere_economique_divisions.csv"),
        read_reference("sphere_economique_exceptions.csv"),
    )


def load_agrifood_rule() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the agri-food perimeter (NAF) and the agricultural cooperative legal categories.

    Returns
    -------
    tuple of DataFrame
        ``reference/filiere_agricole_naf.csv`` (``niveau``, ``code``, ``composante``) and
        ``reference/cooperatives_agricoles_cj.csv`` (``categorie_juridique``).
    """
    return (
        read_reference("filiere_agricole_naf.csv"),
        read_reference("cooperatives_agricoles_cj.csv"),
    )


def load_reference_2013(path: Path | None = None) -> dict:
    """Read the figures of the 2013 diagnostic (``reference/diagnostic_2013.yaml``).

    Parameters
    ----------
    path : Path, optional
        The YAML file (the package's by default).

    Returns
    -------
    dict
        ``territoire``, ``source`` and the list ``chiffres``.

    Raises
    ------
    RessolError
        If the file is unreadable or a figure lacks a field.
    """
    path = reference_path(REFERENCE_2013) if path is None else Path(path)
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RessolError(
            f"Le fichier des chiffres de 2013 {path} est illisible ({exc}). Restaurez-le depuis "
            "le dépôt git."
        ) from None
    for number_, figure in enumerate(content.get("chiffres", []), start=1):
        missing = [
            f for f in ("libelle", "valeur", "format", "aujourd_hui", "note") if f not in figure
        ]
        if missing or figure.get("format") not in KINDS_2013:
            raise RessolError(
                f"Dans {path}, le chiffre n° {number_} ({figure.get('libelle', '?')}) n'a pas "
                f"de champ {', '.join(missing) or 'format valide'} (format : "
                f"{', '.join(KINDS_2013)}). Complétez-le."
            )
    return content
