"""INSEE's *Comparateur de territoires*, communal base: reader with vintage detection.

INSEE renames the columns at every edition: ``P22_EMPLT`` becomes ``P23_EMPLT``, ``ETTOT24``
becomes ``ETTOT25``, ``MED21`` becomes ``MED22``. The reader finds the vintages in the header
(census ``P<yy>_``, Flores ``ETTOT<yy>``, Filosofi ``MED<yy>``, civil registration
``NAISD<yy>``), renames the columns to stable French names and returns the vintages with the
table, so that indicators and source lines follow the file instead of a hard-coded year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import RessolError, list_codes
from .tables import SECRET_MARKERS, ReadReport, check_unique, read_delimited

SEP = ";"

# Canonical name → INSEE column pattern; {rp}, {rpp}, {fl}, {fi}, {ec} are two-digit vintages.
ECONOMY_COLUMNS = {
    "population": "P{rp}_POP",
    "emplois": "P{rp}_EMPLT",
    "emplois_salaries": "P{rp}_EMPLT_SAL",
    "emplois_precedent": "P{rpp}_EMPLT",
    "population_15_64": "P{rp}_POP1564",
    "chomeurs_15_64": "P{rp}_CHOM1564",
    "actifs_15_64": "P{rp}_ACT1564",
    "etablissements": "ETTOT{fl}",
    "etablissements_agriculture": "ETAZ{fl}",
    "etablissements_industrie": "ETBE{fl}",
    "etablissements_construction": "ETFZ{fl}",
    "etablissements_commerce_transports_services": "ETGU{fl}",
    "etablissements_administration_enseignement_sante_action_sociale": "ETOQ{fl}",
    "revenu_median": "MED{fi}",
    "taux_pauvrete": "TP60{fi}",
}
# Read when present; their absence is not an error.
OPTIONAL_COLUMNS = {
    "population_precedente": "P{rpp}_POP",
    "superficie_km2": "SUPERF",
    "menages": "P{rp}_MEN",
    "logements": "P{rp}_LOG",
    "residences_principales": "P{rp}_RP",
    "residences_secondaires": "P{rp}_RSECOCC",
    "logements_vacants": "P{rp}_LOGVAC",
    "residences_principales_proprietaires": "P{rp}_RP_PROP",
    "menages_fiscaux": "NBMENFISC{fi}",
    "part_menages_imposes": "PIMP{fi}",
    "naissances_annee": "NAISD{ec}",
    "deces_annee": "DECESD{ec}",
    "etablissements_1_9_salaries": "ETTEF1{fl}",
    "etablissements_10_salaries_ou_plus": "ETTEFP10{fl}",
}
SECRET_COLUMNS = ("revenu_median", "taux_pauvrete")


@dataclass
class Comparateur:
    """The communal comparateur table, its vintages and what the reader noticed."""

    table: pd.DataFrame
    vintages: dict[str, int]
    columns: dict[str, str]
    report: ReadReport
    former_communes: list[str] = field(default_factory=list)


def _two_digit_suffixes(columns: list[str], prefix: str) -> set[str]:
    return {
        c[len(prefix) : len(prefix) + 2]
        for c in columns
        if c.startswith(prefix) and c[len(prefix) : len(prefix) + 2].isdigit()
    }


def _census_years(columns: list[str]) -> set[str]:
    return {c[1:3] for c in columns if c[:1] == "P" and c[1:3].isdigit() and c[3:4] == "_"}


def detect_vintages(columns: list[str], path: Path) -> dict[str, int]:
    """Find the vintages of a comparateur file from its column names.

    Parameters
    ----------
    columns : list of str
        Header of the file.
    path : Path
        File named in error messages.

    Returns
    -------
    dict of str to int
        ``rp`` (latest census, e.g. 2022), ``rp_precedent`` (earlier census, e.g. 2016),
        ``flores`` (establishments, e.g. 2024), ``filosofi`` (income, e.g. 2021), and
        ``etat_civil`` (births and deaths of one year, e.g. 2024) when present.

    Raises
    ------
    RessolError
        If the header matches no known layout (no census columns, or several Flores or
        Filosofi vintages).
    """
    census = sorted(_census_years(columns))
    found = {
        "flores": sorted(_two_digit_suffixes(columns, "ETTOT")),
        "filosofi": sorted(_two_digit_suffixes(columns, "MED")),
        "etat_civil": sorted(_two_digit_suffixes(columns, "NAISD")),
    }
    problems = []
    if len(census) != 2:
        problems.append(
            f"deux millésimes de recensement attendus (colonnes P<aa>_…), trouvé "
            f"{list_codes(census) or 'aucun'}"
        )
    for name, prefix in (("flores", "ETTOT"), ("filosofi", "MED")):
        if len(found[name]) != 1:
            problems.append(
                f"un millésime {prefix}<aa> attendu, trouvé {list_codes(found[name]) or 'aucun'}"
            )
    if problems:
        raise RessolError(
            f"L'en-tête du fichier {path} ne correspond à aucune édition connue du comparateur "
            f"de territoires de l'Insee : {' ; '.join(problems)}. Vérifiez qu'il s'agit de la "
            "base communale du comparateur (séparateur « ; », colonnes CODGEO, P22_POP, "
            "ETTOT24, MED21… ou leurs équivalents d'une autre édition)."
        )
    vintages = {
        "rp": 2000 + int(census[1]),
        "rp_precedent": 2000 + int(census[0]),
        "flores": 2000 + int(found["flores"][0]),
        "filosofi": 2000 + int(found["filosofi"][0]),
    }
    if len(found["etat_civil"]) == 1:
        vintages["etat_civil"] = 2000 + int(found["etat_civil"][0])
    return vintages


def column_names(vintages: dict[str, int], header: list[str]) -> tuple[dict, dict]:
    """INSEE column names of this edition for required and present optional columns.

    Parameters
    ----------
    vintages : dict of str to int
        Output of :func:`detect_vintages`.
    header : list of str
        Header of the file (to keep only the optional columns present).

    Returns
    -------
    tuple of dict
        Required and optional mappings, canonical name → INSEE column name.
    """
    short = {
        "rp": f"{vintages['rp'] % 100:02d}",
        "rpp": f"{vintages['rp_precedent'] % 100:02d}",
        "fl": f"{vintages['flores'] % 100:02d}",
        "fi": f"{vintages['filosofi'] % 100:02d}",
        "ec": f"{vintages.get('etat_civil', 0) % 100:02d}",
    }
    required = {name: pattern.format(**short) for name, pattern in ECONOMY_COLUMNS.items()}
    optional = {
        name: column
        for name, pattern in OPTIONAL_COLUMNS.items()
        if (column := pattern.format(**short)) in header
    }
    return required, optional


def _header(path: Path) -> list[str]:
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. Restaurez-le ou vérifiez le chemin.")
    with path.open(encoding="utf-8", errors="replace") as handle:
        line = handle.readline().lstrip("\ufeff").rstrip("\r\n")
    return [c.strip() for c in line.split(SEP)]


def read_comparateur(path: Path) -> Comparateur:
    """Read the communal base of INSEE's comparateur de territoires, any edition.

    Parameters
    ----------
    path : Path
        The ``;``-separated file (one line per commune, ``CODGEO`` first).

    Returns
    -------
    Comparateur
        ``table``: ``CODGEO`` (string) and the canonical columns of :data:`ECONOMY_COLUMNS`
        (and of :data:`OPTIONAL_COLUMNS` when present) as floats, secret ``s`` cells missing,
        plus boolean ``revenu_median_secret`` and ``taux_pauvrete_secret``; rows of former
        communes (empty current population) removed. ``vintages``: see
        :func:`detect_vintages`. ``columns``: canonical name → INSEE column read.
        ``report``: secret cells per canonical column. ``former_communes``: codes removed.

    Raises
    ------
    RessolError
        On an unknown layout, a missing column, a non-numeric cell or a duplicated commune.
    """
    header = _header(path)
    vintages = detect_vintages(header, path)
    required, optional = column_names(vintages, header)
    columns = {**required, **optional}
    table, report = read_delimited(
        path, sep=SEP, code_columns=["CODGEO"], numeric_columns=list(columns.values())
    )
    raw, _ = read_delimited(
        path, sep=SEP, code_columns=["CODGEO", *(required[c] for c in SECRET_COLUMNS)]
    )
    check_unique(table, "CODGEO", path)
    renaming = {insee: name for name, insee in columns.items()}
    table = table.rename(columns=renaming)
    report.secret_cells = {renaming[c]: n for c, n in report.secret_cells.items()}
    for name in SECRET_COLUMNS:
        table[f"{name}_secret"] = raw[required[name]].str.strip().isin(SECRET_MARKERS).fillna(False)
    # Former communes are empty but for Filosofi columns; a secret population ("s") is not
    # a former commune.
    census = [c for c in ("population", "emplois", "superficie_km2") if c in table.columns]
    former = table[census].isna().all(axis=1)
    return Comparateur(
        table=table[~former].reset_index(drop=True),
        vintages=vintages,
        columns=columns,
        report=report,
        former_communes=table.loc[former, "CODGEO"].tolist(),
    )
