"""Action sheets (fiches actions) consolidated into a prioritised action plan.

Members of the association fill in action sheets, either in the XLSX template written by
:func:`template` (one row per action, budget lines and indicators on their own sheets) or in
YAML (one file per sheet or per contributor, same fields). :func:`build_plan` reads every sheet
of a folder, validates each against the strategic framework and the diagnostic's indicator keys,
merges sheets that carry the same title, ranks the actions and returns a :class:`Plan`, whose
tables feed the plan chapter and :func:`write_plan`. The format is described in French in
``docs/plan_actions.md``.

Priority rule: ``score_priorite = impact × faisabilite`` (1 to 25). Priority 1 from 15 up,
priority 2 from 8 to 14, priority 3 up to 7. Actions are ranked by score, then impact, then
start date, then title; ``numero`` is the rank.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from . import formatting
from .errors import RessolError, list_codes
from .files import check_folder, write_atomic, write_text
from .formatting import euros

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
        "Une clé du fichier "
        "indicateurs.csv (par exemple part_15_29_ans) ; sa valeur actuelle sert de "
        "situation de départ.",
        "text",
        True,
        30,
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


def _norm(text: object) -> str:
    """Casefolded text without accents, punctuation or repeated spaces (for matching)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z.]+", " ", text).split())


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
    content = _load_yaml(path)
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
        twice = values[values.map(_norm).duplicated()]
        if len(twice):
            raise RessolError(
                f"Dans {path}, « {twice.iloc[0]} » apparaît deux fois : chaque axe et chaque "
                "orientation doivent avoir un code et un titre uniques."
            )
    return Framework(str(content.get("nom", path.stem)), str(content.get("source", "")), table)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RessolError(
            f"Le fichier {path} n'est pas un YAML valide ({exc}). Vérifiez l'indentation et "
            "mettez entre guillemets les textes qui contiennent « : »."
        ) from None


# --------------------------------------------------------------------------- template


def _header(sheet, fields: Iterable[Field]) -> None:
    fill = PatternFill("solid", fgColor="DDEBF1")
    for column, item in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=item.label)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        mark = " (obligatoire)" if item.required else ""
        cell.comment = Comment(item.help + mark, "RESSOL")
        sheet.column_dimensions[cell.column_letter].width = item.width
    sheet.freeze_panes = "B2"


def _list_validation(sheet, column: int, formula: str, message: str) -> None:
    letter = openpyxl.utils.get_column_letter(column)
    check = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valeur non prévue",
        error=message,
    )
    check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(check)


def _column(fields: tuple[Field, ...], key: str) -> int:
    return [f.key for f in fields].index(key) + 1


def template(
    path: str | Path,
    framework: Framework | None = None,
    indicator_keys: Collection[str] | None = None,
) -> Path:
    """Write the XLSX template of action sheets that members fill in.

    Parameters
    ----------
    path : path
        ``.xlsx`` file to write (replaced if it exists).
    framework : Framework, optional
        Axes and orientations offered (default: :func:`load_framework`).
    indicator_keys : collection of str, optional
        Indicator keys of the diagnostic, offered as a list in the sheet « Indicateurs ».

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    RessolError
        If the file does not end in ``.xlsx`` or its folder does not exist.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise RessolError(
            f"Le modèle de fiche action est un classeur Excel : donnez un nom de fichier en "
            f".xlsx (reçu : {path.name})."
        )
    framework = framework or load_framework()
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 110
    for row, line in enumerate(_guide_lines(framework), start=1):
        guide.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    guide["A1"].font = Font(bold=True, size=13)

    actions = book.create_sheet(ACTIONS_SHEET)
    _header(actions, FIELDS)
    for row in range(2, TEMPLATE_ROWS + 2):
        actions.row_dimensions[row].height = 45
        for column in (_column(FIELDS, "debut"), _column(FIELDS, "fin")):
            actions.cell(row=row, column=column).number_format = "DD/MM/YYYY"
        actions.cell(row=row, column=_column(FIELDS, "budget_total")).number_format = "#,##0"
        # Codes typed as text keep their leading zeros (a code is not a number).
        actions.cell(row=row, column=_column(FIELDS, "territoire")).number_format = "@"
        for item in FIELDS:
            cell = actions.cell(row=row, column=_column(FIELDS, item.key))
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    lists = book.create_sheet(FRAMEWORK_SHEET)
    for column, label in enumerate(
        [
            "Axe",
            "Orientation",
            "Code de l'axe",
            "Titre de l'axe",
            "Code de l'orientation",
            "Titre de l'orientation",
        ],
        1,
    ):
        lists.cell(row=1, column=column, value=label).font = Font(bold=True)
        lists.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 40
    for row, values in enumerate(framework.table.itertuples(index=False), start=2):
        lists.cell(row=row, column=2, value=f"{values.orientation_code} — {values.orientation}")
        for column, value in enumerate(values, start=3):
            lists.cell(row=row, column=column, value=value)
    axes = framework.axis_choices()
    for row, label in enumerate(axes, start=2):
        lists.cell(row=row, column=1, value=label)
    n_axes, n_orient = len(axes), len(framework.table)

    choices = book.create_sheet(LISTS_SHEET)
    for column, (label, values) in enumerate(
        [
            ("Statut", STATUSES),
            ("Note (1-5)", range(1, 6)),
            ("Publics (exemples)", AUDIENCES),
            ("Indicateurs du diagnostic", sorted(indicator_keys or [])),
        ],
        start=1,
    ):
        choices.cell(row=1, column=column, value=label).font = Font(bold=True)
        choices.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 30
        for row, value in enumerate(values, start=2):
            choices.cell(row=row, column=column, value=value)

    sheet_ref = f"'{FRAMEWORK_SHEET}'"
    _list_validation(
        actions,
        _column(FIELDS, "axe"),
        f"{sheet_ref}!$A$2:$A${n_axes + 1}",
        "Choisissez un axe du cadre stratégique.",
    )
    _list_validation(
        actions,
        _column(FIELDS, "orientation"),
        f"{sheet_ref}!$B$2:$B${n_orient + 1}",
        "Choisissez une orientation du cadre stratégique.",
    )
    for key in ("impact", "faisabilite"):
        _list_validation(
            actions,
            _column(FIELDS, key),
            f"'{LISTS_SHEET}'!$B$2:$B$6",
            "Donnez une note entière de 1 à 5.",
        )
    _list_validation(
        actions,
        _column(FIELDS, "statut"),
        f"'{LISTS_SHEET}'!$A$2:$A${len(STATUSES) + 1}",
        "Choisissez un statut.",
    )

    budget = book.create_sheet(BUDGET_SHEET)
    _header(budget, BUDGET_FIELDS)
    for row in range(2, TEMPLATE_ROWS + 2):
        budget.cell(row=row, column=_column(BUDGET_FIELDS, "montant")).number_format = "#,##0"
    indicators = book.create_sheet(INDICATORS_SHEET)
    _header(indicators, INDICATOR_FIELDS)
    if indicator_keys:
        _list_validation(
            indicators,
            2,
            f"'{LISTS_SHEET}'!$D$2:$D${len(indicator_keys) + 1}",
            "Choisissez une clé du diagnostic (feuille « Listes »).",
        )
    write_atomic(path, book.save, suffix=".xlsx")
    return path


def _guide_lines(framework: Framework) -> list[str]:
    return [
        "Fiches actions RESSOL — mode d'emploi",
        "",
        f"1. Feuille « {ACTIONS_SHEET} » : une ligne par action. Survolez l'en-tête d'une "
        "colonne pour lire la consigne. Les colonnes marquées obligatoires doivent être "
        "remplies.",
        f"2. Feuille « {BUDGET_SHEET} » : une ligne par dépense (année, poste, montant, "
        "financeur), avec le titre exact de l'action. La somme des lignes d'une action doit "
        "être égale à son budget total.",
        f"3. Feuille « {INDICATORS_SHEET} » : les indicateurs du diagnostic qui permettront de "
        "suivre l'action (clés listées dans la feuille « Listes »), avec une valeur cible si "
        "vous en avez une.",
        "4. Axes et orientations : choisissez-les dans les listes déroulantes (cadre "
        f"« {framework.name} », feuille « {FRAMEWORK_SHEET} »).",
        "5. Impact et faisabilité : notes entières de 1 à 5. La priorité de l'action est "
        "impact × faisabilité (priorité 1 à partir de 15, priorité 2 de 8 à 14, priorité 3 "
        "jusqu'à 7).",
        "6. Listes (partenaires, publics, territoire, financeurs, résultats) : séparez les "
        "éléments par des points-virgules.",
        "Renvoyez le fichier à la consultante : toutes les fiches reçues sont vérifiées puis "
        "rassemblées avec « ressol plan build ».",
    ]


# --------------------------------------------------------------------------- reading


@dataclass
class _Raw:
    """One action sheet as read, before validation, with where it comes from."""

    path: Path
    place: str  # "feuille « Fiches actions », ligne 3" or "fiche n° 1"
    values: dict[str, Any]
    labels: Mapping[str, str]  # field key → name the contributor sees
    budget: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    indicators: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _where(raw: _Raw, place: str, key: str) -> str:
    label = raw.labels.get(key, key)
    return f"Dans {raw.path}, {place}, champ « {label} »"


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


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
    by_label = {_norm(f.label): f for f in fields}
    columns: dict[int, str] = {}
    extra = []
    for index, label in enumerate(header):
        if _blank(label):
            continue
        item = by_label.get(_norm(label))
        if item is not None:
            columns[index] = item.key
        elif _norm(label) not in {_norm(k) for k in COMPUTED_KEYS} | {
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
        if all(_blank(v) for v in record.values()):
            continue
        found.append((number, record))
    return found


def _read_xlsx(path: Path, notes: list[str]) -> list[_Raw]:
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise RessolError(
            f"Le fichier {path} ne s'ouvre pas comme un classeur Excel ({exc}). Enregistrez-le "
            "au format .xlsx depuis votre tableur et redéposez-le."
        ) from None
    if CONSOLIDATED_SHEET in book.sheetnames:
        raise RessolError(
            f"Le fichier {path} est un plan déjà consolidé (feuille « {CONSOLIDATED_SHEET} »), "
            "pas une fiche : sortez-le du dossier des fiches avant de relancer."
        )
    labels = {f.key: f.label for f in FIELDS}
    sheets = []
    by_title: dict[str, _Raw] = {}
    for number, values in _sheet_rows(path, book, ACTIONS_SHEET, FIELDS, True, notes):
        raw = _Raw(path, f"feuille « {ACTIONS_SHEET} », ligne {number}", values, labels)
        sheets.append(raw)
        if not _blank(values.get("titre")):
            by_title.setdefault(_norm(values["titre"]), raw)
    for name, fields, target in (
        (BUDGET_SHEET, BUDGET_FIELDS, "budget"),
        (INDICATORS_SHEET, INDICATOR_FIELDS, "indicators"),
    ):
        for number, values in _sheet_rows(path, book, name, fields, False, notes):
            place = f"feuille « {name} », ligne {number}"
            title = values.get("titre")
            owner = by_title.get(_norm(title)) if not _blank(title) else None
            if owner is None:
                raise RessolError(
                    f"Dans {path}, {place}, champ « Titre de l'action » : « {title or ''} » "
                    f"ne correspond à aucune action de la feuille « {ACTIONS_SHEET} ». "
                    "Recopiez le titre exact de la fiche."
                )
            getattr(owner, target).append((place, values))
    return sheets


def _read_yaml(path: Path) -> list[_Raw]:
    content = _load_yaml(path)
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
        raw = _Raw(path, place, values, {k: k for k in YAML_KEYS})
        for key, target in (("lignes_budgetaires", raw.budget), ("indicateurs", raw.indicators)):
            entries = item.get(key) or []
            if not isinstance(entries, list):
                raise RessolError(
                    f"{_where(raw, place, key)} : écrivez une liste (une ligne "
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
                        f"{_where(raw, place, key)}, élément n° {i}{found} : écrivez des "
                        f"champs « clé: valeur » parmi {', '.join(sorted(allowed))}. Un texte "
                        "qui contient une virgule ou « : » doit être entre guillemets."
                    )
                target.append((f"{place}, {key} n° {i}", entry))
        sheets.append(raw)
    return sheets


def _read_sheets(folder: str | Path) -> tuple[list[_Raw], list[str]]:
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
    sheets: list[_Raw] = []
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
        raise RessolError(
            f"Le dossier {folder} ne contient aucune fiche action (.xlsx ou .yaml). Créez le "
            "modèle avec « ressol plan template --output fiches.xlsx »."
        )
    return sheets, notes


# --------------------------------------------------------------------------- validation


def _text(raw: _Raw, place: str, key: str, value: object, required: bool) -> str:
    if _blank(value):
        if required:
            raise RessolError(
                f"{_where(raw, place, key)} : ce champ est obligatoire et il "
                "est vide. Complétez la fiche."
            )
        return ""
    if isinstance(value, datetime | date | list | dict):
        raise RessolError(f"{_where(raw, place, key)} : un texte est attendu (reçu : {value!r}).")
    return " ".join(str(value).split()) if key == "titre" else str(value).strip()


def _list(raw: _Raw, place: str, key: str, value: object) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = re.split(r"[;\n]", value)
    else:
        items = [value]
    numbers = [v for v in items if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and key == "territoire":
        raise RessolError(
            f"{_where(raw, place, key)} : le code {numbers[0]} est écrit comme "
            'un nombre. Écrivez les codes entre guillemets ("50502") ou dans une '
            "cellule au format texte, pour ne pas perdre de zéro."
        )
    return tuple(dict.fromkeys(str(v).strip() for v in items if not _blank(v)))


def _date(raw: _Raw, place: str, key: str, value: object) -> date:
    if _blank(value):
        raise RessolError(f"{_where(raw, place, key)} : la date est obligatoire (JJ/MM/AAAA).")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RessolError(
        f"{_where(raw, place, key)} : « {text} » n'est pas une date. Écrivez-la "
        "JJ/MM/AAAA (01/09/2026) ou AAAA-MM-JJ."
    )


def _number(raw: _Raw, place: str, key: str, value: object) -> float:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f€]", "", str(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise RessolError(
            f"{_where(raw, place, key)} : « {value} » n'est pas un nombre. "
            "Écrivez un montant en chiffres (1500 ou 1 500,50)."
        ) from None


def _score(raw: _Raw, place: str, key: str, value: object) -> int:
    if _blank(value):
        raise RessolError(f"{_where(raw, place, key)} : la note est obligatoire (entier de 1 à 5).")
    number = _number(raw, place, key, value)
    if number != int(number) or not 1 <= number <= 5:
        raise RessolError(
            f"{_where(raw, place, key)} : la note {value} est hors de l'échelle. "
            "Donnez un entier de 1 (faible) à 5 (fort)."
        )
    return int(number)


def _year(raw: _Raw, place: str, key: str, value: object) -> int:
    number = None if _blank(value) else _number(raw, place, key, value)
    if number is None or number != int(number) or not 1900 < number < 2200:
        raise RessolError(
            f"{_where(raw, place, key)} : « {value} » n'est pas une année. "
            "Écrivez l'année de la dépense sur quatre chiffres (2026)."
        )
    return int(number)


def _match(framework: Framework, text: str, level: str) -> pd.Series | None:
    code, title = f"{level}_code", level
    wanted = _norm(text)
    for _, row in framework.table.drop_duplicates(code).iterrows():
        options = {_norm(row[code]), _norm(row[title]), _norm(f"{row[code]} {row[title]}")}
        if wanted in options:
            return row
    return None


def _axis(raw: _Raw, framework: Framework) -> tuple[str, str, str, str]:
    axis_text = _text(raw, raw.place, "axe", raw.values.get("axe"), True)
    axis = _match(framework, axis_text, "axe")
    if axis is None:
        raise RessolError(
            f"{_where(raw, raw.place, 'axe')} : l'axe « {axis_text} » n'existe pas dans le "
            f"cadre « {framework.name} ». Axes possibles : "
            f"{' ; '.join(framework.axis_choices())}."
        )
    text = _text(raw, raw.place, "orientation", raw.values.get("orientation"), True)
    own = Framework(
        framework.name,
        framework.source,
        framework.table[framework.table["axe_code"] == axis["axe_code"]],
    )
    orientation = _match(own, text, "orientation")
    if orientation is None:
        raise RessolError(
            f"{_where(raw, raw.place, 'orientation')} : l'orientation « {text} » n'appartient "
            f"pas à l'axe « {axis['axe_code']} — {axis['axe']} ». Orientations de cet axe : "
            f"{' ; '.join(own.orientation_choices())}."
        )
    return (
        axis["axe_code"],
        axis["axe"],
        orientation["orientation_code"],
        orientation["orientation"],
    )


def _status(raw: _Raw, value: object) -> str:
    text = _text(raw, raw.place, "statut", value, True)
    for status in STATUSES:
        if _norm(status) == _norm(text):
            return status
    raise RessolError(
        f"{_where(raw, raw.place, 'statut')} : statut « {text} » inconnu. "
        f"Statuts possibles : {', '.join(STATUSES)}."
    )


def _territory(raw: _Raw, value: object, known_areas: Collection[str] | None) -> tuple[str, ...]:
    codes = _list(raw, raw.place, "territoire", value)
    wrong = [c for c in codes if not (COMMUNE_CODE.fullmatch(c) or EPCI_CODE.fullmatch(c))]
    unknown = [c for c in codes if known_areas is not None and c not in known_areas]
    if wrong or unknown:
        raise RessolError(
            f"{_where(raw, raw.place, 'territoire')} : code(s) non reconnu(s) "
            f"{list_codes(wrong or unknown)}. Donnez les codes Insee des communes (5 caractères, "
            "par exemple 50502) ou le SIREN des EPCI (9 chiffres, par exemple 200066389), "
            "séparés par des points-virgules ; laissez vide pour tout le territoire."
        )
    return codes


def _budget(
    raw: _Raw, start: date, end: date, funders: tuple[str, ...], stated: float | None
) -> list[dict[str, Any]]:
    labels = {f.key: f.label for f in BUDGET_FIELDS} if raw.path.suffix == ".xlsx" else {}
    lines = []
    for place, values in raw.budget:
        line_raw = _Raw(raw.path, place, values, labels or {k: k for k in values})
        year = _year(line_raw, place, "annee", values.get("annee"))
        if not start.year <= year <= end.year:
            raise RessolError(
                f"{_where(line_raw, place, 'annee')} : la dépense de {year} tombe hors de la "
                f"période de l'action ({start.year}-{end.year}). Corrigez l'année ou les dates "
                "de la fiche."
            )
        amount = (
            _number(line_raw, place, "montant", values.get("montant"))
            if not _blank(values.get("montant"))
            else None
        )
        if amount is None or amount <= 0:
            raise RessolError(
                f"{_where(line_raw, place, 'montant')} : le montant doit être un "
                "nombre positif, en euros."
            )
        funder = _text(line_raw, place, "financeur", values.get("financeur"), False)
        if funder and funders and _norm(funder) not in {_norm(f) for f in funders}:
            raise RessolError(
                f"{_where(line_raw, place, 'financeur')} : « {funder} » n'est pas parmi les "
                f"financeurs de la fiche ({' ; '.join(funders)}). Corrigez l'orthographe ou "
                "ajoutez-le aux financeurs de la fiche."
            )
        if funder and funders:
            funder = next(f for f in funders if _norm(f) == _norm(funder))
        lines.append(
            {
                "annee": year,
                "poste": _text(line_raw, place, "poste", values.get("poste"), True),
                "montant": amount,
                "financeur": funder or UNFUNDED,
            }
        )
    total = sum(line["montant"] for line in lines)
    if stated is not None and not math.isclose(total, stated, abs_tol=0.005):
        raise RessolError(
            f"{_where(raw, raw.place, 'budget_total')} : le budget total "
            f"({euros(stated)}) n'est pas égal à la somme des lignes budgétaires "
            f"({euros(total)}, {len(lines)} ligne(s)). Corrigez le total ou les lignes "
            f"(feuille « {BUDGET_SHEET} » ou « lignes_budgetaires »)."
        )
    return lines


def _indicators(raw: _Raw, known: Collection[str]) -> list[dict[str, Any]]:
    labels = {f.key: f.label for f in INDICATOR_FIELDS} if raw.path.suffix == ".xlsx" else {}
    found = []
    for place, values in raw.indicators:
        item_raw = _Raw(raw.path, place, values, labels or {k: k for k in values})
        key = _text(item_raw, place, "indicateur", values.get("indicateur"), True)
        if key not in known:
            near = [k for k in sorted(known) if _norm(key)[:6] in _norm(k)][:8]
            hint = f" Clés proches : {', '.join(near)}." if near else ""
            raise RessolError(
                f"{_where(item_raw, place, 'indicateur')} : l'indicateur « {key} » n'existe pas "
                f"dans le diagnostic.{hint} Prenez une clé du fichier indicateurs.csv du "
                "rapport (liste dans docs/indicateurs.md)."
            )
        target = values.get("cible")
        found.append(
            {
                "indicateur": key,
                "cible": None if _blank(target) else _number(item_raw, place, "cible", target),
                "commentaire": _text(
                    item_raw, place, "commentaire", values.get("commentaire"), False
                ),
            }
        )
    return found


def _validate(
    raw: _Raw,
    known_indicators: Collection[str],
    framework: Framework,
    known_areas: Collection[str] | None = None,
) -> dict[str, Any]:
    """Check one action sheet and return its fields in canonical form.

    Parameters
    ----------
    raw : _Raw
        The sheet.
    known_indicators : collection of str
        Indicator keys of the diagnostic.
    framework : Framework
        Axes and orientations.
    known_areas : collection of str, optional
        Commune codes and EPCI SIRENs accepted in ``territoire`` (only the format is checked
        when omitted).

    Returns
    -------
    dict
        Canonical fields, plus ``lignes_budgetaires`` and ``indicateurs`` lists.

    Raises
    ------
    RessolError
        Naming file, sheet (or sheet number) and field: missing title or required field,
        unknown axis or orientation, end before start, unknown indicator key, budget lines
        that do not add up to the stated total, score outside 1–5, unknown status.
    """
    values = raw.values
    title = _text(raw, raw.place, "titre", values.get("titre"), True)
    named = f"{raw.place} (« {title} »)"
    raw.budget = [(p.replace(raw.place, named, 1), v) for p, v in raw.budget]
    raw.indicators = [(p.replace(raw.place, named, 1), v) for p, v in raw.indicators]
    raw.place = named
    axe_code, axe, orientation_code, orientation = _axis(raw, framework)
    start = _date(raw, raw.place, "debut", values.get("debut"))
    end = _date(raw, raw.place, "fin", values.get("fin"))
    if end < start:
        raise RessolError(
            f"{_where(raw, raw.place, 'fin')} : la date de fin ({end:%d/%m/%Y}) précède la date "
            f"de début ({start:%d/%m/%Y}). Corrigez l'une des deux dates."
        )
    funders = _list(raw, raw.place, "financeurs", values.get("financeurs"))
    stated = values.get("budget_total")
    stated = None if _blank(stated) else _number(raw, raw.place, "budget_total", stated)
    lines = _budget(raw, start, end, funders, stated)
    contributor = values.get("contributeur")
    sheet = {
        "titre": title,
        "contributeur": _list(raw, raw.place, "contributeur", contributor) or (raw.path.stem,),
        "axe_code": axe_code,
        "axe": axe,
        "orientation_code": orientation_code,
        "orientation": orientation,
        "objectif": _text(raw, raw.place, "objectif", values.get("objectif"), True),
        "description": _text(raw, raw.place, "description", values.get("description"), False),
        "pilote": _text(raw, raw.place, "pilote", values.get("pilote"), True),
        "partenaires": _list(raw, raw.place, "partenaires", values.get("partenaires")),
        "publics": _list(raw, raw.place, "publics", values.get("publics")),
        "territoire": _territory(raw, values.get("territoire"), known_areas),
        "debut": start,
        "fin": end,
        "budget_total": sum(line["montant"] for line in lines),
        "financeurs": funders
        or tuple(
            dict.fromkeys(line["financeur"] for line in lines if line["financeur"] != UNFUNDED)
        ),
        "resultats_attendus": _list(
            raw, raw.place, "resultats_attendus", values.get("resultats_attendus")
        ),
        "impact": _score(raw, raw.place, "impact", values.get("impact")),
        "faisabilite": _score(raw, raw.place, "faisabilite", values.get("faisabilite")),
        "statut": _status(raw, values.get("statut")),
        "lignes_budgetaires": lines,
        "indicateurs": _indicators(raw, known_indicators),
        "fichiers": (raw.path.name,),
    }
    return sheet


# --------------------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class Plan:
    """A consolidated, ranked action plan.

    Attributes
    ----------
    actions : DataFrame
        One row per action in rank order: ``numero`` (rank), the sheet fields (lists joined
        with « ; »), ``score_priorite``, ``priorite`` (1, 2 or 3), ``contributeurs``,
        ``fichiers``.
    budget : DataFrame
        One row per budget line: ``numero``, ``titre``, ``annee``, ``poste``, ``montant``,
        ``financeur``.
    indicators : DataFrame
        One row per action × indicator key: ``numero``, ``titre``, ``indicateur``, ``cible``,
        ``commentaire``.
    framework : Framework
        The framework the sheets were checked against.
    warnings : tuple of str
        Points to check (merged duplicates, ignored columns), in French.
    """

    actions: pd.DataFrame
    budget: pd.DataFrame
    indicators: pd.DataFrame
    framework: Framework
    warnings: tuple[str, ...]


def priority_class(score: int) -> int:
    """Priority class of an ``impact × faisabilite`` score: 1 (≥ 15), 2 (8–14) or 3 (≤ 7)."""
    return 1 if score >= 15 else 2 if score >= 8 else 3


def _merge(group: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """Merge sheets with the same title: the first one wins, list fields are united."""
    first = dict(group[0])
    if len(group) == 1:
        return first, None
    differing = []
    for other in group[1:]:
        for key in (
            "axe_code",
            "orientation_code",
            "objectif",
            "description",
            "pilote",
            "debut",
            "fin",
            "impact",
            "faisabilite",
            "statut",
            "lignes_budgetaires",
        ):
            if other[key] != first[key] and key not in differing:
                differing.append(key)
        for key in (*LIST_KEYS, "contributeur", "fichiers"):
            first[key] = tuple(dict.fromkeys(first[key] + other[key]))
        keys = {i["indicateur"] for i in first["indicateurs"]}
        first["indicateurs"] = first["indicateurs"] + [
            i for i in other["indicateurs"] if i["indicateur"] not in keys
        ]
    if UNFUNDED in first["financeurs"]:
        first["financeurs"] = tuple(f for f in first["financeurs"] if f != UNFUNDED)
    names = {
        "axe_code": "axe",
        "orientation_code": "orientation",
        "debut": "date de début",
        "fin": "date de fin",
        "faisabilite": "faisabilité",
        "pilote": "structure pilote",
        "lignes_budgetaires": "lignes budgétaires",
    }
    kept = ", ".join(names.get(k, k) for k in differing)
    message = (
        f"Fiches en double fusionnées : « {first['titre']} » ({len(group)} fiches : "
        f"{', '.join(first['fichiers'])}). Les listes (partenaires, publics, territoire, "
        "financeurs, résultats, indicateurs) sont réunies"
        + (
            f" ; les champs qui diffèrent ({kept}) sont ceux de {group[0]['fichiers'][0]}, "
            "la première fiche par ordre des fichiers : vérifiez-les avec les contributeurs."
            if differing
            else " ; les autres champs étaient identiques."
        )
    )
    return first, message


def build_plan(
    folder: str | Path,
    known_indicators: Collection[str],
    framework: Framework | None = None,
    known_areas: Collection[str] | None = None,
) -> Plan:
    """Read, validate, merge and rank every action sheet of a folder.

    Parameters
    ----------
    folder : path
        Folder of sheets from one or several contributors (``.xlsx`` and ``.yaml``).
    known_indicators : collection of str
        Indicator keys of the diagnostic, e.g. ``context.load(...).indicators["indicateur"]``.
    framework : Framework, optional
        Strategic framework (default: the 2013 RESSOL plan, :func:`load_framework`).
    known_areas : collection of str, optional
        Commune codes and EPCI SIRENs accepted in the ``territoire`` field.

    Returns
    -------
    Plan
        The consolidated plan; duplicates by title are merged and reported in
        ``Plan.warnings`` and as a :class:`PlanWarning`.

    Raises
    ------
    RessolError
        On the first invalid sheet, naming file, sheet and field (see :func:`_validate`).
    """
    framework = framework or load_framework()
    known = set(pd.Series(list(known_indicators), dtype="string").dropna())
    raws, notes = _read_sheets(folder)
    groups: dict[str, list[dict[str, Any]]] = {}
    for raw in raws:
        sheet = _validate(raw, known, framework, known_areas)
        groups.setdefault(_norm(sheet["titre"]), []).append(sheet)
    messages = list(notes)
    merged = []
    for group in groups.values():
        sheet, message = _merge(group)
        merged.append(sheet)
        if message:
            messages.append(message)
    for message in messages:
        warnings.warn(message, PlanWarning, stacklevel=2)
    for sheet in merged:
        sheet["score_priorite"] = sheet["impact"] * sheet["faisabilite"]
        sheet["priorite"] = priority_class(sheet["score_priorite"])
    merged.sort(key=lambda s: (-s["score_priorite"], -s["impact"], s["debut"], _norm(s["titre"])))
    for number, sheet in enumerate(merged, start=1):
        sheet["numero"] = number
    return Plan(
        _actions_table(merged),
        _budget_table(merged),
        _indicators_table(merged),
        framework,
        tuple(messages),
    )


ACTION_COLUMNS = [
    "numero",
    "titre",
    "axe_code",
    "axe",
    "orientation_code",
    "orientation",
    "objectif",
    "description",
    "pilote",
    "partenaires",
    "publics",
    "territoire",
    "debut",
    "fin",
    "budget_total",
    "financeurs",
    "resultats_attendus",
    "impact",
    "faisabilite",
    "score_priorite",
    "priorite",
    "statut",
    "contributeurs",
    "fichiers",
]


def _actions_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for sheet in sheets:
        row = {k: sheet[k] for k in ACTION_COLUMNS if k in sheet}
        for key in (*LIST_KEYS, "fichiers"):
            row[key] = " ; ".join(sheet[key])
        row["contributeurs"] = " ; ".join(sheet["contributeur"])
        rows.append(row)
    table = pd.DataFrame(rows, columns=ACTION_COLUMNS)
    return table.astype(
        {
            "numero": "int64",
            "impact": "int64",
            "faisabilite": "int64",
            "score_priorite": "int64",
            "priorite": "int64",
            "budget_total": "float64",
        }
    )


def _budget_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {"numero": s["numero"], "titre": s["titre"], **line}
        for s in sheets
        for line in s["lignes_budgetaires"]
    ]
    columns = ["numero", "titre", "annee", "poste", "montant", "financeur"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"numero": "int64", "annee": "int64", "montant": "float64"}
    )


def _indicators_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {"numero": s["numero"], "titre": s["titre"], **item}
        for s in sheets
        for item in s["indicateurs"]
    ]
    columns = ["numero", "titre", "indicateur", "cible", "commentaire"]
    return pd.DataFrame(rows, columns=columns).astype({"numero": "int64", "cible": "float64"})


# --------------------------------------------------------------------------- tables


def budget_by_funder(plan: Plan) -> pd.DataFrame:
    """Resources by funder (rows) and year (columns), with totals.

    Parameters
    ----------
    plan : Plan
        Consolidated plan.

    Returns
    -------
    DataFrame
        ``Financeur``, one column per year (``"2026"``…), ``Total``; funders by decreasing
        total, « Financement à trouver » last, then a ``Total`` row. Lines without a funder are
        counted under « Financement à trouver » so that resources always equal expenses.
    """
    budget = plan.budget
    if budget.empty:
        return pd.DataFrame({"Financeur": ["Total"], "Total": [0.0]})
    years = [str(y) for y in sorted(budget["annee"].unique())]
    table = budget.assign(annee=budget["annee"].astype(str)).pivot_table(
        index="financeur", columns="annee", values="montant", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(columns=years, fill_value=0.0)
    table["Total"] = table.sum(axis=1)
    order = sorted(table.index, key=lambda f: (f == UNFUNDED, -table.loc[f, "Total"], _norm(f)))
    table = table.loc[order]
    table.loc["Total"] = table.sum(axis=0)
    table = table.rename_axis(None, axis=1).reset_index(names="Financeur")
    return table.astype({c: "float64" for c in [*years, "Total"]})


def budget_by_action(plan: Plan) -> pd.DataFrame:
    """Expenses by action (rows) and year (columns), with totals, in rank order."""
    budget = plan.budget
    if budget.empty:
        return pd.DataFrame({"Action": ["Total"], "Total": [0.0]})
    years = [str(y) for y in sorted(budget["annee"].unique())]
    labels = {
        n: f"n° {n} — {t}"
        for n, t in zip(plan.actions["numero"], plan.actions["titre"], strict=True)
    }
    table = budget.assign(annee=budget["annee"].astype(str)).pivot_table(
        index="numero", columns="annee", values="montant", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(
        index=[n for n in plan.actions["numero"] if n in table.index], columns=years, fill_value=0.0
    )
    table["Total"] = table.sum(axis=1)
    table.index = [labels[n] for n in table.index]
    table.loc["Total"] = table.sum(axis=0)
    return (
        table.rename_axis(None, axis=1)
        .reset_index(names="Action")
        .astype({c: "float64" for c in [*years, "Total"]})
    )


def budget_balance(plan: Plan) -> pd.DataFrame:
    """Set the plan's expenses (by action) against its resources (by funder).

    Parameters
    ----------
    plan : Plan
        Consolidated plan.

    Returns
    -------
    DataFrame
        ``Dépenses``, ``Montant des dépenses``, ``Ressources``, ``Montant des ressources``,
        side by side (blank cells where one side is shorter), with a ``Total`` row whose two
        amounts are equal.

    Raises
    ------
    RessolError
        If expenses and resources differ (which would be a defect of the program).
    """
    expenses = budget_by_action(plan).iloc[:-1]
    resources = budget_by_funder(plan).iloc[:-1]
    total_expenses = float(expenses["Total"].sum())
    total_resources = float(resources["Total"].sum())
    if not math.isclose(total_expenses, total_resources, abs_tol=0.005):
        raise RessolError(
            f"Le budget du plan n'est pas équilibré : {euros(total_expenses)} de dépenses pour "
            f"{euros(total_resources)} de ressources. C'est un défaut du programme : "
            "signalez-le à l'équipe."
        )
    size = max(len(expenses), len(resources))
    left = expenses.reindex(range(size))
    right = resources.reset_index(drop=True).reindex(range(size))
    table = pd.DataFrame(
        {
            "Dépenses": left["Action"].fillna("").to_numpy(),
            "Montant des dépenses": left["Total"].to_numpy(dtype="float64"),
            "Ressources": right["Financeur"].fillna("").to_numpy(),
            "Montant des ressources": right["Total"].to_numpy(dtype="float64"),
        }
    )
    total = pd.DataFrame(
        [
            {
                "Dépenses": "Total des dépenses",
                "Montant des dépenses": total_expenses,
                "Ressources": "Total des ressources",
                "Montant des ressources": total_resources,
            }
        ]
    )
    return pd.concat([table, total], ignore_index=True)


def summary_by_axis(plan: Plan) -> pd.DataFrame:
    """Count actions, priority-1 actions, budget and period of each axis, with a total.

    Axes of the framework without any action are kept (with 0 actions): a gap in the plan is
    information for the board.
    """
    actions = plan.actions
    rows = []
    for code, title in zip(
        plan.framework.axes["axe_code"], plan.framework.axes["axe"], strict=True
    ):
        part = actions[actions["axe_code"] == code]
        rows.append(_summary_row(f"{code} — {title}", part))
    rows.append(_summary_row("Total", actions))
    return pd.DataFrame(rows)


def _summary_row(label: str, part: pd.DataFrame) -> dict[str, Any]:
    period = "" if part.empty else f"{min(part['debut']):%m/%Y} – {max(part['fin']):%m/%Y}"
    return {
        "Axe": label,
        "Actions": len(part),
        "dont priorité 1": int((part["priorite"] == 1).sum()),
        "Budget": float(part["budget_total"].sum()),
        "Période": period,
    }


def ranked_table(plan: Plan) -> pd.DataFrame:
    """Show the ranked plan as the board reads it (French headers, one row per action)."""
    actions = plan.actions
    return pd.DataFrame(
        {
            "N°": actions["numero"],
            "Action": actions["titre"],
            "Orientation": actions["orientation_code"] + " " + actions["orientation"],
            "Pilote": actions["pilote"],
            "Impact": actions["impact"],
            "Faisabilité": actions["faisabilite"],
            "Score": actions["score_priorite"],
            "Priorité": actions["priorite"].map(PRIORITY_LABELS),
            "Période": [
                f"{d:%m/%Y} – {f:%m/%Y}"
                for d, f in zip(actions["debut"], actions["fin"], strict=True)
            ],
            "Budget": actions["budget_total"],
        }
    )


def source_line(plan: Plan) -> str:
    """Source line of the plan's tables and charts (« fiches actions RESSOL (exemples)… »)."""
    statuses = set(plan.actions["statut"])
    kind = (
        " (exemples)"
        if statuses == {"Exemple"}
        else " (dont exemples)"
        if "Exemple" in statuses
        else ""
    )
    contributors = {c for cell in plan.actions["contributeurs"] for c in cell.split(" ; ")}
    return (
        f"fiches actions RESSOL{kind}, {len(plan.actions)} actions de "
        f"{len(contributors)} contributeur(s) ; cadre : {plan.framework.name}"
    )


# --------------------------------------------------------------------------- action pages


def format_value(value: object, unit: str) -> str:
    """Format an indicator value with its unit the French way (``33,0 %``, ``146 623``)."""
    if unit == "%":
        return formatting.percent(value, 1)
    if unit == "% par an":
        return formatting.signed_percent(value, 2)
    if unit == "habitants":
        return formatting.number(value, 0)
    return formatting.with_unit(value, unit, 1)


def action_indicators(plan: Plan, indicators: pd.DataFrame, territory: str) -> pd.DataFrame:
    """Look up the current value of each action's indicators in the diagnostic (baseline).

    Parameters
    ----------
    plan : Plan
        Consolidated plan.
    indicators : DataFrame
        Tidy indicators (``territoire_code, territoire, indicateur, valeur, unite, source,
        millesime``), e.g. ``context.load(...).indicators``.
    territory : str
        Code of the territory of the diagnostic (``centre-manche``): its value is always
        shown; the values of the EPCIs named in an action's ``territoire`` are added.

    Returns
    -------
    DataFrame
        ``numero``, ``indicateur``, ``territoire_code``, ``territoire``, ``valeur``,
        ``unite``, ``source``, ``millesime``, ``cible``, ``commentaire``; one row per
        action × indicator × area, in rank order.
    """
    rows = []
    for _, item in plan.indicators.iterrows():
        action = plan.actions.loc[plan.actions["numero"] == item["numero"]].iloc[0]
        epcis = [f"epci-{c}" for c in action["territoire"].split(" ; ") if EPCI_CODE.fullmatch(c)]
        areas = [territory, *epcis]
        found = indicators[
            (indicators["indicateur"] == item["indicateur"])
            & indicators["territoire_code"].isin(areas)
        ]
        found = found.assign(_o=found["territoire_code"].map(areas.index)).sort_values("_o")
        for _, value in found.iterrows():
            rows.append(
                {
                    "numero": item["numero"],
                    "indicateur": item["indicateur"],
                    **{
                        k: value[k]
                        for k in (
                            "territoire_code",
                            "territoire",
                            "valeur",
                            "unite",
                            "source",
                            "millesime",
                        )
                    },
                    "cible": item["cible"],
                    "commentaire": item["commentaire"],
                }
            )
    columns = [
        "numero",
        "indicateur",
        "territoire_code",
        "territoire",
        "valeur",
        "unite",
        "source",
        "millesime",
        "cible",
        "commentaire",
    ]
    return pd.DataFrame(rows, columns=columns)


def baseline_table(baselines: pd.DataFrame, number: int) -> pd.DataFrame:
    """Show one action's indicators for the board: one row per indicator, one column per area.

    Parameters
    ----------
    baselines : DataFrame
        Output of :func:`action_indicators`.
    number : int
        Rank (``numero``) of the action.

    Returns
    -------
    DataFrame
        ``Indicateur``, one column per area (the territory first, then the action's EPCIs)
        holding the current value formatted the French way, ``Millésime``, ``Cible`` and
        ``Commentaire``.
    """
    rows = baselines[baselines["numero"] == number]
    areas = list(dict.fromkeys(rows["territoire"]))
    table = []
    for key, part in rows.groupby("indicateur", sort=False):
        first = part.iloc[0]
        values = dict(zip(part["territoire"], part["valeur"], strict=True))
        table.append(
            {
                "Indicateur": key,
                **{area: format_value(values.get(area), first["unite"]) for area in areas},
                "Millésime": first["millesime"],
                "Cible": ""
                if pd.isna(first["cible"])
                else format_value(first["cible"], first["unite"]),
                "Commentaire": first["commentaire"] or "",
            }
        )
    return pd.DataFrame(table, columns=["Indicateur", *areas, "Millésime", "Cible", "Commentaire"])


def action_card(plan: Plan, number: int, places: Mapping[str, str] | None = None) -> str:
    """Write the page of one action in French Markdown (heading and fields).

    Parameters
    ----------
    plan : Plan
        Consolidated plan.
    number : int
        Rank (``numero``) of the action.
    places : mapping, optional
        Commune code or EPCI SIREN → name, to show the action's territory by name.

    Returns
    -------
    str
        Markdown: a level-3 heading, the priority line and a list of the filled fields.
    """
    action = plan.actions.loc[plan.actions["numero"] == number].iloc[0]
    places = places or {}
    territory = " ; ".join(places.get(c, c) for c in action["territoire"].split(" ; ") if c)
    lines = [
        f"### {number}. {action['titre']}",
        "",
        f"**{PRIORITY_LABELS[action['priorite']]}** (impact {action['impact']} × faisabilité "
        f"{action['faisabilite']} = {action['score_priorite']}) — statut : {action['statut']}",
        "",
        f"- **Axe** : {action['axe_code']} — {action['axe']}",
        f"- **Orientation** : {action['orientation_code']} — {action['orientation']}",
        f"- **Objectif** : {action['objectif']}",
    ]
    optional: list[tuple[str, str]] = [
        ("Description", action["description"]),
        ("Pilote", action["pilote"]),
        ("Partenaires", action["partenaires"]),
        ("Publics cibles", action["publics"]),
        ("Territoire", territory or "tout le territoire"),
        ("Période", f"du {action['debut']:%d/%m/%Y} au {action['fin']:%d/%m/%Y}"),
        (
            "Budget",
            f"{euros(action['budget_total'])}"
            + (f" ({action['financeurs']})" if action["financeurs"] else ""),
        ),
        ("Résultats attendus", action["resultats_attendus"]),
        ("Contributeurs", action["contributeurs"]),
    ]
    lines += [f"- **{label}** : {value}" for label, value in optional if value]
    return "\n".join(lines)


# --------------------------------------------------------------------------- writing


def _as_sheet(plan: Plan, row: pd.Series) -> dict[str, Any]:
    sheet: dict[str, Any] = {
        "numero": int(row["numero"]),
        "titre": row["titre"],
        "contributeur": row["contributeurs"].split(" ; "),
        "axe": f"{row['axe_code']} — {row['axe']}",
        "orientation": f"{row['orientation_code']} — {row['orientation']}",
    }
    for key in (
        "objectif",
        "description",
        "pilote",
        *LIST_KEYS,
        "debut",
        "fin",
        "budget_total",
        "impact",
        "faisabilite",
        "score_priorite",
        "priorite",
        "statut",
    ):
        value = row[key]
        if key in LIST_KEYS:
            value = value.split(" ; ") if value else []
        elif hasattr(value, "item"):
            value = value.item()
        sheet[key] = value
    lines = plan.budget[plan.budget["numero"] == row["numero"]]
    sheet["lignes_budgetaires"] = [
        {
            "annee": int(line.annee),
            "poste": line.poste,
            "montant": float(line.montant),
            "financeur": "" if line.financeur == UNFUNDED else line.financeur,
        }
        for line in lines.itertuples()
    ]
    items = plan.indicators[plan.indicators["numero"] == row["numero"]]
    sheet["indicateurs"] = [
        {
            "indicateur": i.indicateur,
            "cible": None if pd.isna(i.cible) else float(i.cible),
            "commentaire": i.commentaire,
        }
        for i in items.itertuples()
    ]
    sheet["fichiers"] = row["fichiers"].split(" ; ")
    return sheet


def _write_yaml(plan: Plan, path: Path) -> None:
    content = {
        CONSOLIDATED_KEY: True,
        "cadre": plan.framework.name,
        "regle_de_priorite": "score = impact × faisabilité ; priorité 1 si score ≥ 15, "
        "2 si 8 ≤ score ≤ 14, 3 sinon",
        "avertissements": list(plan.warnings),
        "fiches": [_as_sheet(plan, row) for _, row in plan.actions.iterrows()],
    }
    write_text(path, yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100))


def _fill(sheet, table: pd.DataFrame, formats: Mapping[str, str] | None = None) -> None:
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in table.itertuples(index=False):
        sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
    for index, column in enumerate(table.columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = min(60, max(12, len(str(column)) + 2))
        for cell in sheet[letter][1:]:
            if formats and column in formats:
                cell.number_format = formats[column]
    sheet.freeze_panes = "A2"


def _write_xlsx(plan: Plan, path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = CONSOLIDATED_SHEET
    _fill(sheet, ranked_table(plan), {"Budget": "#,##0 €"})
    labels = {f.key: f.label for f in FIELDS}
    actions = plan.actions.rename(
        columns=labels
        | {
            "numero": "N°",
            "axe_code": "Code de l'axe",
            "orientation_code": "Code de l'orientation",
            "score_priorite": "Score de priorité",
            "priorite": "Priorité",
            "contributeurs": "Contributeurs",
            "fichiers": "Fichiers",
        }
    )
    _fill(
        book.create_sheet(ACTIONS_SHEET),
        actions,
        {labels["debut"]: "DD/MM/YYYY", labels["fin"]: "DD/MM/YYYY"},
    )
    _fill(
        book.create_sheet(BUDGET_SHEET),
        plan.budget.rename(columns={"numero": "N°"} | {f.key: f.label for f in BUDGET_FIELDS}),
        {"Montant (€)": "#,##0"},
    )
    _fill(
        book.create_sheet(INDICATORS_SHEET),
        plan.indicators.rename(
            columns={"numero": "N°"} | {f.key: f.label for f in INDICATOR_FIELDS}
        ),
    )
    money = "#,##0 €"
    for name, table in (
        ("Budget par financeur", budget_by_funder(plan)),
        ("Budget par action", budget_by_action(plan)),
        ("Dépenses et ressources", budget_balance(plan)),
        ("Synthèse par axe", summary_by_axis(plan)),
    ):
        _fill(
            book.create_sheet(name),
            table,
            {c: money for c in table.columns if table[c].dtype == "float64"},
        )
    _fill(
        book.create_sheet("Points à vérifier"),
        pd.DataFrame({"Point à vérifier": list(plan.warnings) or ["Aucun."]}),
    )
    write_atomic(path, book.save, suffix=".xlsx")


WRITERS: dict[str, Callable[[Plan, Path], None]] = {
    ".xlsx": _write_xlsx,
    ".yaml": _write_yaml,
    ".yml": _write_yaml,
}


def write_plan(plan: Plan, path: str | Path) -> Path:
    """Write the consolidated plan as XLSX (tables for the board) or YAML (sheets).

    Parameters
    ----------
    plan : Plan
        Consolidated plan.
    path : path
        ``.xlsx`` (ranked plan, sheets, budget line, budget tables, points to check) or
        ``.yaml`` (the merged sheets in the input format, with their rank and priority). The
        file is replaced only once fully written.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    RessolError
        If the extension is neither ``.xlsx`` nor ``.yaml`` or the folder does not exist.
    """
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise RessolError(
            f"Format de sortie non pris en charge pour {path.name} : donnez un fichier .xlsx "
            "(tableaux pour le conseil d'administration) ou .yaml (fiches consolidées)."
        )
    check_folder(path)
    writer(plan, path)
    return path
