"""The scenarios file of a scenarios folder: scenarios, criteria, means, ambitions.

``scenarios.yaml`` (or ``scenarios.xlsx``, same content on the sheets « Scénarios », « Moyens »,
« Critères » and « Paramètres ») describes the scenarios (id, title, description, the axes or
orientations of the strategic framework they emphasise, their means per year, their quantified
ambitions) and the criteria members judge them on (id, label, weight ≥ 0). :func:`read_definition`
checks it against the strategic framework; every bad input raises a :class:`RessolError` in
French naming the file, the scenario or criterion and the field. The small reading helpers are
shared with :mod:`ressol_analysis.scenarios_sheets`; the YAML and workbook readers and the text
matching are shared with the action sheets (:mod:`ressol_analysis.inputs`). Format:
``docs/scenarios.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import RessolError
from .inputs import is_blank, load_yaml, normalise, open_workbook
from .plan_sheets import Framework, load_framework

DEFINITION_NAMES = ("scenarios.yaml", "scenarios.yml", "scenarios.xlsx")
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*")
TOP_KEYS = {"exemple", "annee_de_reference", "criteres", "scenarios"}
SCENARIO_KEYS = {"id", "titre", "description", "axes", "moyens", "ambitions"}
CRITERION_KEYS = {"id", "libelle", "poids"}
MEANS_KEYS = {"annee", "budget", "etp"}
AMBITION_KEYS = {"horizon", "part_emplois_ess", "projets_par_an", "structures_membres"}
# Sheets and column headers of scenarios.xlsx: key → header shown in the workbook.
XLSX_SHEETS = {
    "scenarios": (
        "Scénarios",
        {
            "id": "Identifiant",
            "titre": "Titre",
            "description": "Description",
            "axes": "Axes et orientations",
            "horizon": "Horizon",
            "part_emplois_ess": "Part des emplois de l'ESS visée (%)",
            "projets_par_an": "Projets accompagnés par an",
            "structures_membres": "Structures membres visées",
        },
    ),
    "moyens": (
        "Moyens",
        {"scenario": "Scénario", "annee": "Année", "budget": "Budget (€)", "etp": "ETP"},
    ),
    "criteres": ("Critères", {"id": "Identifiant", "libelle": "Libellé", "poids": "Poids"}),
    "parametres": ("Paramètres", {"parametre": "Paramètre", "valeur": "Valeur"}),
}


@dataclass(frozen=True)
class Definition:
    """The scenarios and criteria of a folder, checked.

    Tables: ``scenarios`` (``scenario, titre, description``), ``cadre`` (``scenario,
    axe_code, axe, orientation_code, orientation``; orientation empty when a whole axis is
    named), ``moyens`` (``scenario, annee, budget, etp``), ``ambitions`` (``scenario, horizon,
    part_emplois_ess, projets_par_an, structures_membres``), ``criteres`` (``critere,
    libelle, poids``).
    """

    path: Path
    example: bool
    base_year: int | None
    framework: str
    scenarios: pd.DataFrame
    cadre: pd.DataFrame
    moyens: pd.DataFrame
    ambitions: pd.DataFrame
    criteres: pd.DataFrame


# --------------------------------------------------------------------------- reading helpers


def number_field(where: str, value: object, what: str) -> float:
    """A number typed as a number or as French text (``1 500,50 €``); ``where`` starts errors."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f€%]", "", str(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise RessolError(f"{where} : « {value} » n'est pas un nombre ({what}).") from None


def _optional_number(where: str, value: object, what: str, minimum: float = 0) -> float:
    if is_blank(value):
        return math.nan
    number = number_field(where, value, what)
    if number < minimum:
        raise RessolError(f"{where} : {what} ne peut pas être inférieur à {minimum:g} ({value}).")
    return number


def year_field(where: str, value: object, what: str) -> int:
    """A four-digit year; ``what`` names the field in the error."""
    number = None if is_blank(value) else number_field(where, value, what)
    if number is None or number != int(number) or not 1900 < number < 2200:
        raise RessolError(
            f"{where} : « {value} » n'est pas une année sur quatre chiffres ({what})."
        )
    return int(number)


def text_field(where: str, value: object, what: str, required: bool = True) -> str:
    """A text with its spaces normalised; empty is an error when ``required``."""
    if is_blank(value):
        if required:
            raise RessolError(f"{where} : {what} est obligatoire et il est vide.")
        return ""
    if isinstance(value, list | dict | date):
        raise RessolError(f"{where} : un texte est attendu pour {what} (reçu : {value!r}).")
    return " ".join(str(value).split())


def check_keys(where: str, item: object, allowed: set[str], what: str) -> dict:
    """Check that a YAML item is a mapping with only ``allowed`` keys, and return it."""
    if not isinstance(item, dict):
        raise RessolError(
            f"{where} : {what} doit être un ensemble de champs « clé: valeur » "
            f"({', '.join(sorted(allowed))}). Prenez modèle sur le dossier scenarios/ du projet."
        )
    unknown = sorted(map(str, set(item) - allowed))
    if unknown:
        raise RessolError(
            f"{where} : champ(s) inconnu(s) {', '.join(unknown)}. "
            f"Champs possibles : {', '.join(sorted(allowed))}."
        )
    return item


def match_id(wanted: object, ids: Iterable[str], labels: Mapping[str, str]) -> str | None:
    """The id that ``wanted`` names: the id itself, or its label, up to case and accents."""
    ids = list(ids)
    if wanted in ids:
        return str(wanted)
    key = normalise(wanted)
    for item in ids:
        if key in (normalise(item), normalise(labels.get(item, item))):
            return item
    return None


# --------------------------------------------------------------------------- definition


def _xlsx_records(path: Path) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Rows of each sheet of scenarios.xlsx as (place, {key: value})."""
    book = open_workbook(path)
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for key, (sheet, headers) in XLSX_SHEETS.items():
        if sheet not in book.sheetnames:
            if key == "parametres":
                found[key] = []
                continue
            raise RessolError(
                f"Le classeur {path} n'a pas de feuille « {sheet} » : il faut les feuilles "
                f"{', '.join(s for s, _ in XLSX_SHEETS.values())} (voir docs/scenarios.md)."
            )
        rows = book[sheet].iter_rows(values_only=True)
        header = next(rows, None) or ()
        by_label = {normalise(label): k for k, label in headers.items()} | {
            normalise(k): k for k in headers
        }
        columns = {i: by_label.get(normalise(h)) for i, h in enumerate(header) if not is_blank(h)}
        unknown = [str(header[i]) for i, k in columns.items() if k is None]
        if unknown:
            raise RessolError(
                f"Dans {path}, feuille « {sheet} », colonne(s) inconnue(s) : "
                f"{', '.join(unknown)}. Colonnes possibles : {', '.join(headers.values())}."
            )
        records = []
        for number, values in enumerate(rows, start=2):
            record = {k: values[i] for i, k in columns.items() if i < len(values)}
            if all(is_blank(v) for v in record.values()):
                continue
            records.append((f"Dans {path}, feuille « {sheet} », ligne {number}", record))
        found[key] = records
    return found


def _records_from_xlsx(path: Path) -> tuple[dict[str, Any], list, list, list]:
    sheets = _xlsx_records(path)
    top: dict[str, Any] = {}
    for where, row in sheets["parametres"]:
        name = normalise(row.get("parametre", "")).replace(" ", "_")
        if name not in TOP_KEYS - {"criteres", "scenarios"}:
            raise RessolError(
                f"{where} : paramètre « {row.get('parametre')} » inconnu (possibles : exemple, "
                "annee_de_reference)."
            )
        top[name] = row.get("valeur")
    scenarios = []
    for where, row in sheets["scenarios"]:
        item = {k: row.get(k) for k in ("id", "titre", "description")}
        axes = row.get("axes")
        item["axes"] = (
            [] if is_blank(axes) else [a for a in re.split(r"[;\n]", str(axes)) if a.strip()]
        )
        item["ambitions"] = {k: row.get(k) for k in AMBITION_KEYS if not is_blank(row.get(k))}
        scenarios.append((where, item))
    return top, scenarios, sheets["moyens"], sheets["criteres"]


def _records_from_yaml(path: Path) -> tuple[dict[str, Any], list, list, list]:
    content = check_keys(f"Dans {path}", load_yaml(path), TOP_KEYS, "le fichier")
    scenarios, means = [], []
    for name in ("scenarios", "criteres"):
        if not isinstance(content.get(name), list) or not content[name]:
            raise RessolError(
                f"Dans {path}, la clé « {name} » doit être une liste non vide (une ligne par "
                "élément, commençant par « - »). Prenez modèle sur scenarios/scenarios.yaml."
            )
    for number, item in enumerate(content["scenarios"], start=1):
        where = f"Dans {path}, scénario n° {number}"
        item = dict(check_keys(where, item, SCENARIO_KEYS, "un scénario"))
        entries = item.pop("moyens", None) or []
        if not isinstance(entries, list):
            raise RessolError(f"{where}, champ « moyens » : écrivez une liste d'années.")
        for i, entry in enumerate(entries, start=1):
            place = f"{where}, moyens n° {i}"
            entry = check_keys(place, entry, MEANS_KEYS, "une ligne de moyens")
            means.append((place, {"scenario": item.get("id"), **entry}))
        ambitions = item.get("ambitions") or {}
        check_keys(f"{where}, champ « ambitions »", ambitions, AMBITION_KEYS, "les ambitions")
        axes = item.get("axes") or []
        item["axes"] = axes if isinstance(axes, list) else [axes]
        scenarios.append((where, item))
    criteria = [(f"Dans {path}, critère n° {i}", c) for i, c in enumerate(content["criteres"], 1)]
    return (
        {k: content.get(k) for k in ("exemple", "annee_de_reference")},
        scenarios,
        means,
        criteria,
    )


def _criteria_table(path: Path, records: list) -> pd.DataFrame:
    rows = []
    for where, item in records:
        item = check_keys(where, item, CRITERION_KEYS, "un critère")
        ident = _identifier(where, item.get("id"), "critère")
        where = f"{where} (critère « {ident} »)"
        weight = item.get("poids")
        weight = math.nan if is_blank(weight) else number_field(where, weight, "poids du critère")
        if math.isnan(weight) or weight < 0:
            raise RessolError(
                f"{where} : le poids doit être un nombre positif ou nul "
                f"(reçu : {item.get('poids')})."
            )
        rows.append((ident, text_field(where, item.get("libelle"), "le libellé"), weight))
    table = pd.DataFrame(rows, columns=["critere", "libelle", "poids"])
    _unique(path, table["critere"], "critère")
    if not table["poids"].sum() > 0:
        raise RessolError(
            f"Dans {path}, tous les poids des critères sont nuls ({', '.join(table['critere'])}) : "
            "donnez un poids strictement positif à au moins un critère."
        )
    return table


def _identifier(where: str, value: object, what: str) -> str:
    text = text_field(where, value, f"l'identifiant du {what}")
    if not IDENTIFIER.fullmatch(text):
        raise RessolError(
            f"{where} : l'identifiant « {text} » du {what} doit être écrit en minuscules sans "
            "accent ni espace (lettres, chiffres, « _ » ou « - », par exemple pole_partage)."
        )
    return text


def _unique(path: Path, ids: pd.Series, what: str) -> None:
    twice = ids[ids.duplicated()]
    if len(twice):
        raise RessolError(
            f"Dans {path}, l'identifiant de {what} « {twice.iloc[0]} » apparaît deux fois : "
            "chaque identifiant doit être unique."
        )


def _framework_rows(where: str, ident: str, axes: list, framework: Framework) -> list[tuple]:
    table = framework.table
    rows = []
    for text in axes:
        wanted = normalise(text)
        axis = table[
            table["axe_code"].map(normalise).eq(wanted)
            | table["axe"].map(normalise).eq(wanted)
            | (table["axe_code"] + " " + table["axe"]).map(normalise).eq(wanted)
        ]
        if len(axis):
            first = axis.iloc[0]
            rows.append((ident, first["axe_code"], first["axe"], "", ""))
            continue
        orientation = table[
            table["orientation_code"].map(normalise).eq(wanted)
            | table["orientation"].map(normalise).eq(wanted)
            | (table["orientation_code"] + " " + table["orientation"]).map(normalise).eq(wanted)
        ]
        if orientation.empty:
            raise RessolError(
                f"{where} (scénario « {ident} »), champ « axes » : « {text} » n'est ni un axe ni "
                f"une orientation du cadre « {framework.name} ». Possibles : "
                f"{' ; '.join(framework.axis_choices() + framework.orientation_choices())}."
            )
        row = orientation.iloc[0]
        rows.append(
            (ident, row["axe_code"], row["axe"], row["orientation_code"], row["orientation"])
        )
    return rows


def _scenario_tables(
    path: Path, records: list, framework: Framework
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    scenarios, cadre, ambitions = [], [], []
    for where, item in records:
        ident = _identifier(where, item.get("id"), "scénario")
        place = f"{where} (scénario « {ident} »)"
        scenarios.append(
            (
                ident,
                text_field(place, item.get("titre"), "le titre"),
                text_field(place, item.get("description"), "la description", required=False),
            )
        )
        cadre += _framework_rows(where, ident, item.get("axes") or [], framework)
        wanted = item.get("ambitions") or {}
        share = _optional_number(place, wanted.get("part_emplois_ess"), "la part d'emplois visée")
        if share > 100 or share == 0:
            raise RessolError(
                f"{place}, champ « part_emplois_ess » : {share:g} n'est pas une part en % "
                "(entre 0 et 100)."
            )
        horizon = wanted.get("horizon")
        if not math.isnan(share) and is_blank(horizon):
            raise RessolError(
                f"{place}, champ « ambitions » : une part d'emplois visée demande son année "
                "d'horizon (horizon: 2030)."
            )
        ambitions.append(
            (
                ident,
                year_field(place, horizon, "horizon") if not is_blank(horizon) else pd.NA,
                share,
                _optional_number(place, wanted.get("projets_par_an"), "les projets par an"),
                _optional_number(place, wanted.get("structures_membres"), "les structures membres"),
            )
        )
    table = pd.DataFrame(scenarios, columns=["scenario", "titre", "description"])
    _unique(path, table["scenario"], "scénario")
    return (
        table,
        pd.DataFrame(
            cadre, columns=["scenario", "axe_code", "axe", "orientation_code", "orientation"]
        ),
        pd.DataFrame(
            ambitions,
            columns=[
                "scenario",
                "horizon",
                "part_emplois_ess",
                "projets_par_an",
                "structures_membres",
            ],
        ).astype({"horizon": "Int64"}),
    )


def _means_table(records: list, ids: list[str]) -> pd.DataFrame:
    rows = []
    for where, item in records:
        scenario = item.get("scenario")
        if scenario not in ids:
            raise RessolError(
                f"{where}, scénario « {scenario} » : identifiant inconnu. Scénarios : "
                f"{', '.join(ids)}."
            )
        place = f"{where} (scénario « {scenario} »)"
        rows.append(
            (
                scenario,
                year_field(place, item.get("annee"), "année des moyens"),
                _optional_number(place, item.get("budget"), "le budget"),
                _optional_number(place, item.get("etp"), "le nombre d'ETP"),
            )
        )
    table = pd.DataFrame(rows, columns=["scenario", "annee", "budget", "etp"])
    twice = table[table.duplicated(["scenario", "annee"])]
    if len(twice):
        raise RessolError(
            f"{records[twice.index[0]][0]} : l'année {twice['annee'].iloc[0]} du scénario "
            f"« {twice['scenario'].iloc[0]} » est donnée deux fois."
        )
    return table


def definition_file(folder: str | Path) -> Path:
    """The scenarios file of a folder (or the file itself when given a file)."""
    folder = Path(folder)
    if folder.is_file():
        return folder
    if not folder.is_dir():
        raise RessolError(
            f"Le dossier de scénarios {folder} n'existe pas. Indiquez le dossier qui contient "
            "scenarios.yaml (ou scenarios.xlsx) et grilles/ (exemple : scenarios/ du projet)."
        )
    found = [folder / n for n in DEFINITION_NAMES if (folder / n).is_file()]
    if len(found) != 1:
        what = "aucun" if not found else "plusieurs"
        raise RessolError(
            f"Le dossier {folder} contient {what} fichier(s) de scénarios "
            f"({', '.join(p.name for p in found) or 'ni scenarios.yaml ni scenarios.xlsx'}) : "
            "il en faut un et un seul, scenarios.yaml ou scenarios.xlsx."
        )
    return found[0]


def read_definition(folder: str | Path, framework: Framework | None = None) -> Definition:
    """Read and check the scenarios and criteria of a folder.

    Parameters
    ----------
    folder : path
        Scenarios folder, or the ``scenarios.yaml`` / ``scenarios.xlsx`` file itself.
    framework : Framework, optional
        Axes and orientations the scenarios may name (default: the 2013 RESSOL plan).

    Returns
    -------
    Definition
        The checked tables.

    Raises
    ------
    RessolError
        Naming the file, the scenario or criterion and the field: missing or duplicate id,
        unknown axis or orientation, negative or all-zero weights, bad year or number.
    """
    path = definition_file(folder)
    framework = framework or load_framework()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        top, scenarios, means, criteria = _records_from_xlsx(path)
    elif suffix in (".yaml", ".yml"):
        top, scenarios, means, criteria = _records_from_yaml(path)
    else:
        raise RessolError(f"{path} : le fichier de scénarios doit être en .yaml ou en .xlsx.")
    if not scenarios or not criteria:
        raise RessolError(f"Le fichier {path} doit décrire au moins un scénario et un critère.")
    table, cadre, ambitions = _scenario_tables(path, scenarios, framework)
    base = top.get("annee_de_reference")
    base = None if is_blank(base) else year_field(f"Dans {path}", base, "annee_de_reference")
    dated = ambitions.dropna(subset=["horizon"])
    if len(dated) and base is None:
        raise RessolError(
            f"Dans {path}, des ambitions ont un horizon mais « annee_de_reference » (l'année "
            "des chiffres d'aujourd'hui, par exemple 2025) manque : ajoutez-la en tête du fichier."
        )
    early = dated[dated["horizon"] <= (base or 0)]
    if len(early):
        raise RessolError(
            f"Dans {path}, scénario « {early['scenario'].iloc[0]} », champ « horizon » : "
            f"{early['horizon'].iloc[0]} n'est pas après l'année de référence {base}."
        )
    example = top.get("exemple")
    if (
        not is_blank(example)
        and not isinstance(example, bool)
        and normalise(example) not in ("oui", "non")
    ):
        raise RessolError(f"Dans {path}, « exemple » vaut true ou false (reçu : {example}).")
    return Definition(
        path=path,
        example=example is True or normalise(example) == "oui",
        base_year=base,
        framework=framework.name,
        scenarios=table,
        cadre=cadre,
        moyens=_means_table(means, list(table["scenario"])),
        ambitions=ambitions,
        criteres=_criteria_table(path, criteria),
    )
