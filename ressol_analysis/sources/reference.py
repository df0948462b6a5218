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
FAMILY_LEVELS_FILE = "familles_ess_niveaux.csv"
# INSEE's catégorie juridique: four digits (niveau III); its first two digits are its niveau II
# and its first digit its niveau I.
LEGAL_CATEGORY = r"\d{4}"
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
def _family_levels() -> pd.DataFrame:
    return read_reference(FAMILY_LEVELS_FILE)


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


def family_levels_table() -> pd.DataFrame:
    """Family of a catégorie juridique unknown at niveau III, by its niveau II or niveau I.

    Returns
    -------
    DataFrame
        Columns ``niveau`` (``II`` or ``I``), ``code`` (two digits or one), ``libelle`` (INSEE,
        September 2022), ``famille`` (empty for a niveau II group that mixes families: the
        niveau I decides), ``justification``. Every niveau I code has a family.
    """
    return _family_levels().copy()


def legal_category_families(codes: pd.Series) -> pd.DataFrame:
    """Family of each catégorie juridique, with the level of the nomenclature that gave it.

    A code of the September 2022 nomenclature takes its family from
    ``reference/familles_ess.csv``; a well-formed code that the nomenclature no longer (or not
    yet) lists — e.g. the former ``5720`` — takes the family of its niveau II group (first two
    digits) when that group is not mixed, otherwise that of its niveau I group (first digit),
    from ``reference/familles_ess_niveaux.csv``.

    Parameters
    ----------
    codes : Series of str
        Values of ``categorieJuridiqueUniteLegale``.

    Returns
    -------
    DataFrame
        Same index; ``famille`` (one of :data:`FAMILIES`, missing for a malformed code) and
        ``niveau_famille`` (``III``, ``II``, ``I``, or missing for a malformed code).
    """
    # Looked up once per distinct code (a few hundred), then spread back by position; a
    # missing code (position -1) takes the missing value that ``take`` fills in.
    position, distinct = pd.factorize(codes.astype("string"))
    found = _distinct_families(pd.Series(distinct, dtype="string"))
    return pd.DataFrame(
        {c: found[c].array.take(position, allow_fill=True) for c in found},
        index=codes.index,
    )


def _distinct_families(codes: pd.Series) -> pd.DataFrame:
    wellformed = codes.str.fullmatch(LEGAL_CATEGORY).fillna(False).astype(bool)
    levels = _family_levels()
    level3 = _families().set_index("categorie_juridique")["famille"]
    level2 = levels[(levels["niveau"] == "II") & (levels["famille"] != "")]
    level1 = levels[levels["niveau"] == "I"]
    found = {
        "III": codes.map(level3),
        "II": codes.str.slice(0, 2).map(level2.set_index("code")["famille"]),
        "I": codes.str.slice(0, 1).map(level1.set_index("code")["famille"]),
    }
    family = pd.Series(pd.NA, index=codes.index, dtype="string")
    level = pd.Series(pd.NA, index=codes.index, dtype="string")
    for name, values in found.items():
        take = family.isna() & values.notna() & wellformed
        family = family.mask(take, values.astype("string"))
        level = level.mask(take, name)
    return pd.DataFrame({"famille": family, "niveau_famille": level}, index=codes.index)


def malformed_legal_category_error(codes: pd.Series, where: str) -> RessolError:
    """The error for catégories juridiques that are not four digits (empty included).

    Parameters
    ----------
    codes : Series of str
        The malformed values.
    where : str
        File and column named in the message.

    Returns
    -------
    RessolError
        Listing the values and what to do.
    """
    return RessolError(
        f"Dans {where}, catégorie(s) juridique(s) mal formée(s) : "
        f"{list_codes(codes.astype('string').fillna('(vide)'))}. Une catégorie juridique de "
        "l'Insee s'écrit avec 4 chiffres (« 9220 », « 0000 ») : le fichier a peut-être été "
        "ouvert dans un tableur qui a supprimé les zéros initiaux ou vidé des cases ; "
        "restaurez le fichier officiel."
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
