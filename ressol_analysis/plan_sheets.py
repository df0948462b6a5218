"""The action sheet (fiche action) format: fields, strategic framework, reading.

Members of the association fill in action sheets, either in the XLSX template written by
:func:`ressol_analysis.plan_template.template` (one row per action, budget lines and indicators
on their own sheets) or in YAML (one file per sheet or per contributor, same fields). This
module holds the fields and their French labels, the strategic framework (axes and
orientations), and :func:`read_sheets`, which reads every sheet of a folder as written, before
:func:`ressol_analysis.plan.build_plan` validates and consolidates them. The format is described
in French in ``docs/plan_actions.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import RessolError, list_codes
from .inputs import is_blank, load_yaml, normalise, open_workbook

DEFAULT_FRAMEWORK = Path(__file__).parent / "reference" / "cadre_strategique.yaml"
ACTIONS_SHEET = "Fiches actions"
BUDGET_SHEET = "Lignes budgétaires"
INDICATORS_SHEET = "Indicateurs"
FRAMEWORK_SHEET = "Cadre stratégique"
LISTS_SHEET = "Listes"
GUIDE_SHEET = "Mode d'emploi"
CONSOLIDATED_SHEET = "Plan consolidé"
CONSOLIDATED_KEY = "plan_consolide"
STATUSES = ("Exemple", "Proposée", "Validée", "En cours", "Réalisée")
AUDIENCES = (
    "porteurs de projets",
    "élus",
    "jeunes",
    "structures de l'ESS",
    "entreprises",
    "demandeurs d'emploi",
    "habitants",
)
UNFUNDED = "Financement à trouver"
PRIORITY_LABELS = {1: "Priorité 1", 2: "Priorité 2", 3: "Priorité 3"}
TEMPLATE_ROWS = 200
# The template's filled example row (:mod:`ressol_analysis.plan_template`) has this title;
# rows with it are skipped when a sheet is read.
EXAMPLE_TITLE = "EXEMPLE — Forum annuel des acteurs de l'ESS (ligne ignorée à la lecture)"
# Computed columns of a consolidated plan; they are ignored when such a plan is read back.
COMPUTED_KEYS = ("numero", "score_priorite", "priorite", "fichiers")
IGNORED_FILES = (".", "~$")
REFUSED_SUFFIXES = (".xls", ".xlsm", ".ods", ".csv", ".doc", ".docx", ".odt", ".pdf")
COMMUNE_CODE = re.compile(r"\d[\dAB]\d{3}")
EPCI_CODE = re.compile(r"\d{9}")


class PlanWarning(UserWarning):
    """A point the consultant should check in the consolidated plan (merged sheets...)."""


@dataclass(frozen=True)
class Field:
    """One field of an action sheet: YAML key, XLSX column header, help text, kind."""

    key: str
    label: str
    help: str
    kind: str
    required: bool = False
    width: int = 18


FIELDS = (
    Field(
        "titre",
        "Titre de l'action",
        "Court et unique : il relie la fiche à ses lignes budgétaires et à ses indicateurs.",
        "text",
        True,
        34,
    ),
    Field(
        "contributeur", "Contributeur", "Votre nom ou celui de votre structure.", "text", False, 20
    ),
    Field(
        "axe", "Axe", "Choisissez dans la liste (feuille « Cadre stratégique »).", "text", True, 30
    ),
    Field(
        "orientation",
        "Orientation",
        "Choisissez une orientation de l'axe retenu.",
        "text",
        True,
        36,
    ),
    Field(
        "objectif",
        "Objectif",
        "Ce que l'action veut changer, en une ou deux phrases.",
        "text",
        True,
        40,
    ),
    Field(
        "description", "Description", "Contenu de l'action, étapes, modalités.", "text", False, 50
    ),
    Field("pilote", "Structure pilote", "La structure qui porte l'action.", "text", True, 24),
    Field(
        "partenaires", "Partenaires", "Séparez les noms par des points-virgules.", "list", False, 30
    ),
    Field(
        "publics",
        "Publics cibles",
        "Par exemple : porteurs de projets ; élus ; jeunes.",
        "list",
        False,
        26,
    ),
    Field(
        "territoire",
        "Territoire (codes communes ou EPCI)",
        "Codes Insee des communes "
        "(5 caractères) ou SIREN des EPCI (9 chiffres), séparés par des points-virgules. "
        "Vide : tout le territoire.",
        "list",
        False,
        26,
    ),
    Field("debut", "Date de début", "JJ/MM/AAAA.", "date", True, 14),
    Field("fin", "Date de fin", "JJ/MM/AAAA, après la date de début.", "date", True, 14),
    Field(
        "budget_total",
        "Budget total (€)",
        "Doit être égal à la somme des lignes de la "
        "feuille « Lignes budgétaires » pour cette action.",
        "money",
        False,
        14,
    ),
    Field(
        "financeurs",
        "Financeurs",
        "Séparez les noms par des points-virgules ; chaque ligne budgétaire doit citer l'un d'eux.",
        "list",
        False,
        30,
    ),
    Field(
        "resultats_attendus",
        "Résultats attendus",
        "Séparez les résultats par des points-virgules.",
        "list",
        False,
        40,
    ),
    Field("impact", "Impact (1-5)", "1 : faible, 5 : très fort.", "score", True, 12),
    Field(
        "faisabilite",
        "Faisabilité (1-5)",
        "1 : très difficile, 5 : facile à lancer.",
        "score",
        True,
        12,
    ),
    Field("statut", "Statut", "Choisissez dans la liste.", "text", True, 14),
)
BUDGET_FIELDS = (
    Field("titre", "Titre de l'action", "Le titre exact de la fiche.", "text", True, 34),
    Field("annee", "Année", "Année de la dépense (AAAA).", "year", True, 10),
    Field(
        "poste",
        "Poste de dépense",
        "Par exemple : animation, location, communication.",
        "text",
        True,
        34,
    ),
    Field("montant", "Montant (€)", "Montant de la dépense, en euros.", "money", True, 14),
    Field(
        "financeur",
        "Financeur",
        "Qui paie cette dépense ; vide : financement à trouver.",
        "text",
        False,
        26,
    ),
)
INDICATOR_FIELDS = (
    Field("titre", "Titre de l'action", "Le titre exact de la fiche.", "text", True, 34),
    Field(
        "indicateur",
        "Indicateur (clé du diagnostic)",
        "Choisissez l'indicateur dans la liste (son libellé), ou écrivez sa clé du fichier "
        "indicateurs.csv (par exemple part_15_29_ans) ; sa valeur actuelle sert de "
        "situation de départ.",
        "text",
        True,
        50,
    ),
    Field(
        "cible",
        "Valeur cible",
        "Valeur visée à la fin de l'action (facultatif).",
        "number",
        False,
        14,
    ),
    Field(
        "commentaire",
        "Commentaire",
        "Pourquoi cet indicateur, comment le suivre.",
        "text",
        False,
        40,
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
LIST_KEYS = ("partenaires", "publics", "territoire", "financeurs", "resultats_attendus")
YAML_KEYS = {f.key for f in FIELDS} | {"lignes_budgetaires", "indicateurs"}
SUB_KEYS = {
    "lignes_budgetaires": {f.key for f in BUDGET_FIELDS} - {"titre"},
    "indicateurs": {f.key for f in INDICATOR_FIELDS} - {"titre"},
}


# --------------------------------------------------------------------------- framework


@dataclass(frozen=True)
class Framework:
    """The strategic framework: axes and their orientations.

    ``table`` has one row per orientation with ``axe_code``, ``axe``, ``orientation_code`` and
    ``orientation`` (titles), in the order of the framework file.
    """

    name: str
    source: str
    table: pd.DataFrame

    @property
    def axes(self) -> pd.DataFrame:
        """``axe_code`` and ``axe``, one row per axis."""
        return self.table[["axe_code", "axe"]].drop_duplicates().reset_index(drop=True)

    def axis_choices(self) -> list[str]:
        """Axis labels offered in the template (``AXE 1 — Impulser…``)."""
        return [f"{c} — {t}" for c, t in zip(self.axes["axe_code"], self.axes["axe"], strict=True)]

    def orientation_choices(self) -> list[str]:
        """Orientation labels offered in the template (``1.1 — Pilotage…``)."""
        return [
            f"{c} — {t}"
            for c, t in zip(self.table["orientation_code"], self.table["orientation"], strict=True)
        ]


def load_framework(path: str | Path | None = None) -> Framework:
    """Read a strategic framework from YAML (the 2013 RESSOL plan by default).

    Parameters
    ----------
    path : path, optional
        YAML file with ``nom``, ``source`` and ``axes`` (each with ``code``, ``titre`` and
        ``orientations``, each with ``code`` and ``titre``).

    Returns
    -------
    Framework
        The validated framework.

    Raises
    ------
    RessolError
        If the file is missing, not YAML, or an axis or orientation lacks its code or title,
        or a code or title appears twice.
    """
    path = Path(path) if path is not None else DEFAULT_FRAMEWORK
    if not path.is_file():
        raise RessolError(
            f"Le cadre stratégique {path} est introuvable. Donnez le chemin d'un fichier YAML "
            f"construit comme {DEFAULT_FRAMEWORK.name} (voir docs/plan_actions.md)."
        )
    content = load_yaml(path)
    axes = content.get("axes") if isinstance(content, dict) else None
    if not isinstance(axes, list) or not axes:
        raise RessolError(
            f"Dans {path}, la clé « axes » doit être une liste d'axes, chacun avec « code », "
            "« titre » et « orientations ». Prenez modèle sur le cadre fourni avec le paquet."
        )
    rows = []
    for i, axis in enumerate(axes, start=1):
        orientations = axis.get("orientations") if isinstance(axis, dict) else None
        if (
            not isinstance(axis, dict)
            or not axis.get("code")
            or not axis.get("titre")
            or not isinstance(orientations, list)
            or not orientations
        ):
            raise RessolError(
                f"Dans {path}, l'axe n° {i} doit avoir « code », « titre » et une liste "
                "« orientations » non vide."
            )
        for j, item in enumerate(orientations, start=1):
            if not isinstance(item, dict) or not item.get("code") or not item.get("titre"):
                raise RessolError(
                    f"Dans {path}, l'orientation n° {j} de l'axe « {axis['code']} » doit avoir "
                    "« code » et « titre »."
                )
            rows.append(
                (
                    str(axis["code"]).strip(),
                    str(axis["titre"]).strip(),
                    str(item["code"]).strip(),
                    str(item["titre"]).strip(),
                )
            )
    table = pd.DataFrame(rows, columns=["axe_code", "axe", "orientation_code", "orientation"])
    for column in table.columns:
        values = (
            table[column]
            if column.startswith("orientation")
            else table.drop_duplicates(["axe_code", "axe"])[column]
        )
        twice = values[values.map(normalise).duplicated()]
        if len(twice):
            raise RessolError(
                f"Dans {path}, « {twice.iloc[0]} » apparaît deux fois : chaque axe et chaque "
                "orientation doivent avoir un code et un titre uniques."
            )
    return Framework(str(content.get("nom", path.stem)), str(content.get("source", "")), table)


# --------------------------------------------------------------------------- reading


@dataclass
class RawSheet:
    """One action sheet as read, before validation, with where it comes from."""

    path: Path
    place: str  # "feuille « Fiches actions », ligne 3" or "fiche n° 1"
    values: dict[str, Any]
    labels: Mapping[str, str]  # field key → name the contributor sees
    budget: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    indicators: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def where(raw: RawSheet, place: str, key: str) -> str:
    """``Dans <fichier>, <place>, champ « <libellé> »``: the start of an error message."""
    label = raw.labels.get(key, key)
    return f"Dans {raw.path}, {place}, champ « {label} »"


def _sheet_rows(
    path: Path, book, name: str, fields: tuple[Field, ...], required: bool, notes: list[str]
) -> list[tuple[int, dict[str, Any]]]:
    if name not in book.sheetnames:
        if required:
            raise RessolError(
                f"Le classeur {path} n'a pas de feuille « {name} ». Partez du modèle produit "
                "par « ressol plan template » et gardez le nom de ses feuilles."
            )
        return []
    rows = book[name].iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_label = {normalise(f.label): f for f in fields}
    columns: dict[int, str] = {}
    extra = []
    for index, label in enumerate(header):
        if is_blank(label):
            continue
        item = by_label.get(normalise(label))
        if item is not None:
            columns[index] = item.key
        elif normalise(label) not in {normalise(k) for k in COMPUTED_KEYS} | {
            "rang",
            "priorite",
            "score de priorite",
        }:
            extra.append(str(label))
    missing = [f.label for f in fields if f.required and f.key not in columns.values()]
    if missing:
        raise RessolError(
            f"Dans {path}, feuille « {name} », colonne(s) absente(s) : "
            f"{', '.join(missing)}. Ne renommez pas les en-têtes du modèle (« ressol plan "
            "template ») ; recopiez-les si besoin."
        )
    if extra:
        notes.append(
            f"{path.name}, feuille « {name} » : colonne(s) ignorée(s) ({', '.join(extra)})."
        )
    found = []
    for number, values in enumerate(rows, start=2):
        record = {key: values[i] if i < len(values) else None for i, key in columns.items()}
        if all(is_blank(v) for v in record.values()) or is_example(record):
            continue
        found.append((number, record))
    return found


def is_example(values: Mapping[str, Any]) -> bool:
    """Whether a row read from a sheet is the template's example (by its title)."""
    title = values.get("titre")
    return not is_blank(title) and normalise(title) == normalise(EXAMPLE_TITLE)


def _read_xlsx(path: Path, notes: list[str]) -> list[RawSheet]:
    book = open_workbook(path)
    if CONSOLIDATED_SHEET in book.sheetnames:
        raise RessolError(
            f"Le fichier {path} est un plan déjà consolidé (feuille « {CONSOLIDATED_SHEET} »), "
            "pas une fiche : sortez-le du dossier des fiches avant de relancer."
        )
    labels = {f.key: f.label for f in FIELDS}
    sheets = []
    by_title: dict[str, RawSheet] = {}
    lines: dict[str, int] = {}
    for number, values in _sheet_rows(path, book, ACTIONS_SHEET, FIELDS, True, notes):
        raw = RawSheet(path, f"feuille « {ACTIONS_SHEET} », ligne {number}", values, labels)
        sheets.append(raw)
        if is_blank(values.get("titre")):
            continue
        title = normalise(values["titre"])
        if title in by_title:
            # Budget lines and indicators find their action by title: with two rows of the
            # same title, they would all go to the first one.
            raise RessolError(
                f"Dans {path}, feuille « {ACTIONS_SHEET} », lignes {lines[title]} et {number} : "
                f"deux actions portent le même titre « {' '.join(str(values['titre']).split())} "
                "». Dans un même classeur, chaque action a un titre unique, car les feuilles "
                f"« {BUDGET_SHEET} » et « {INDICATORS_SHEET} » s'y rattachent par leur titre. "
                "Renommez l'une des deux actions (et ses lignes budgétaires), ou réunissez-les "
                "en une seule ligne."
            )
        by_title[title] = raw
        lines[title] = number
    for name, fields, target in (
        (BUDGET_SHEET, BUDGET_FIELDS, "budget"),
        (INDICATORS_SHEET, INDICATOR_FIELDS, "indicators"),
    ):
        for number, values in _sheet_rows(path, book, name, fields, False, notes):
            place = f"feuille « {name} », ligne {number}"
            title = values.get("titre")
            owner = by_title.get(normalise(title)) if not is_blank(title) else None
            if owner is None:
                raise RessolError(
                    f"Dans {path}, {place}, champ « Titre de l'action » : « {title or ''} » "
                    f"ne correspond à aucune action de la feuille « {ACTIONS_SHEET} ». "
                    "Recopiez le titre exact de la fiche."
                )
            getattr(owner, target).append((place, values))
    return sheets


def _read_yaml(path: Path) -> list[RawSheet]:
    content = load_yaml(path)
    if isinstance(content, dict) and content.get(CONSOLIDATED_KEY):
        raise RessolError(
            f"Le fichier {path} est un plan déjà consolidé (clé « {CONSOLIDATED_KEY} »), pas "
            "une fiche : sortez-le du dossier des fiches avant de relancer."
        )
    if isinstance(content, dict) and "fiches" in content:
        content = content["fiches"]
    items = content if isinstance(content, list) else [content]
    sheets = []
    for number, item in enumerate(items, start=1):
        place = f"fiche n° {number}"
        if not isinstance(item, dict):
            raise RessolError(
                f"Dans {path}, {place} : une fiche doit être un ensemble de champs « clé: "
                "valeur » (titre, axe, orientation…). Prenez modèle sur plan/exemples."
            )
        unknown = sorted(set(item) - YAML_KEYS - set(COMPUTED_KEYS))
        if unknown:
            raise RessolError(
                f"Dans {path}, {place}, champ(s) inconnu(s) : {', '.join(map(str, unknown))}. "
                f"Champs possibles : {', '.join(sorted(YAML_KEYS))}."
            )
        values = {k: v for k, v in item.items() if k in FIELD_BY_KEY}
        raw = RawSheet(path, place, values, {k: k for k in YAML_KEYS})
        for key, target in (("lignes_budgetaires", raw.budget), ("indicateurs", raw.indicators)):
            entries = item.get(key) or []
            if not isinstance(entries, list):
                raise RessolError(
                    f"{where(raw, place, key)} : écrivez une liste (une ligne "
                    "par élément, commençant par « - »)."
                )
            for i, entry in enumerate(entries, start=1):
                if key == "indicateurs" and isinstance(entry, str):
                    entry = {"indicateur": entry}
                allowed = SUB_KEYS[key]
                unknown = sorted(map(str, set(entry) - allowed)) if isinstance(entry, dict) else []
                if not isinstance(entry, dict) or unknown:
                    found = f" (champ(s) inconnu(s) : {', '.join(unknown)})" if unknown else ""
                    raise RessolError(
                        f"{where(raw, place, key)}, élément n° {i}{found} : écrivez des "
                        f"champs « clé: valeur » parmi {', '.join(sorted(allowed))}. Un texte "
                        "qui contient une virgule ou « : » doit être entre guillemets."
                    )
                target.append((f"{place}, {key} n° {i}", entry))
        sheets.append(raw)
    return sheets


def read_sheets(folder: str | Path) -> tuple[list[RawSheet], list[str]]:
    """Read every action sheet of a folder, without validating them.

    Parameters
    ----------
    folder : path
        Folder of ``.xlsx``, ``.yaml`` and ``.yml`` files (sub-folders are not read; hidden
        files and Excel lock files ``~$…`` are skipped).

    Returns
    -------
    tuple
        The sheets in file order, and notes on ignored columns.

    Raises
    ------
    RessolError
        If the folder is missing, holds no sheet, or a file is in another format or damaged.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RessolError(
            f"Le dossier de fiches actions {folder} n'existe pas. Indiquez le dossier où vous "
            "avez rassemblé les fiches (.xlsx ou .yaml) reçues des contributeurs."
        )
    notes: list[str] = []
    sheets: list[RawSheet] = []
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith(IGNORED_FILES)
    )
    refused = [p.name for p in files if p.suffix.lower() in REFUSED_SUFFIXES]
    if refused:
        raise RessolError(
            f"Dans {folder}, fichier(s) dans un format non lu : {list_codes(refused)}. "
            "Enregistrez chaque fiche au format .xlsx (modèle « ressol plan template ») ou "
            ".yaml, ou sortez ces fichiers du dossier."
        )
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            sheets += _read_xlsx(path, notes)
        elif suffix in (".yaml", ".yml"):
            sheets += _read_yaml(path)
    if not sheets:
        readable = [p.name for p in files if p.suffix.lower() in (".xlsx", ".yaml", ".yml")]
        if readable:
            raise RessolError(
                f"Le dossier {folder} ne contient aucune fiche action remplie : "
                f"{list_codes(readable)} n'ont aucune ligne d'action (la ligne d'exemple du "
                "modèle ne compte pas). Remplissez une ligne par action sous l'exemple, ou "
                "remplacez l'exemple par votre action en changeant son titre."
            )
        raise RessolError(
            f"Le dossier {folder} ne contient aucune fiche action (.xlsx ou .yaml). Créez le "
            "modèle avec « ressol plan template --output fiches.xlsx »."
        )
    return sheets, notes
