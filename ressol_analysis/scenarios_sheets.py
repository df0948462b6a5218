"""Reading and checking a scenarios folder, and the members' evaluation grid template.

A scenarios folder holds:

- ``scenarios.yaml`` (or ``scenarios.xlsx``): the scenarios (id, title, description, the axes
  or orientations of the strategic framework they emphasise, their means per year, their
  quantified ambitions) and the criteria (id, label, weight ≥ 0);
- ``grilles/``: one evaluation grid per member, XLSX (from :func:`template`) or YAML
  (``membre`` and ``notes: {scenario: {critere: note}}``), notes being integers 1 to 5, an empty
  note an abstention;
- ``decision.yaml`` (optional): the scenario the board retained and the date of the decision.

The scenarios file is read by :mod:`ressol_analysis.scenarios_definition`; this module reads the
grids and the decision, and writes the grid template. Every bad input raises a
:class:`RessolError` in French naming the file, the member, the scenario and the criterion at
fault. The format is described in ``docs/scenarios.md``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import RessolError, list_codes
from .files import check_workbook_path, write_atomic
from .inputs import DuplicateKeyError, is_blank, load_yaml, normalise, open_workbook
from .plan_sheets import IGNORED_FILES, REFUSED_SUFFIXES, Framework
from .plan_template import guide_sheet
from .scenarios_definition import Definition, check_keys, match_id, read_definition, text_field

GRIDS_FOLDER = "grilles"
DECISION_NAME = "decision.yaml"
GRID_SHEET = "Grille"
MEMBER_LABEL = "Membre"
SCENARIO_LABEL = "Scénario"
TITLE_LABEL = "Titre"
NOTE_LABELS = {
    1: "très défavorable",
    2: "plutôt défavorable",
    3: "neutre",
    4: "plutôt favorable",
    5: "très favorable",
}
DEFAULT_BODY = "conseil d'administration"
GRID_KEYS = {"membre", "notes", "exemple"}
DECISION_KEYS = {"scenario", "date", "instance", "commentaire"}


@dataclass(frozen=True)
class Decision:
    """The scenario retained by the board, when and by whom."""

    scenario: str
    date: date
    instance: str
    commentaire: str


@dataclass(frozen=True)
class ScenarioFolder:
    """A checked scenarios folder: definition, members' notes, optional decision.

    ``notes`` has one row per member × scenario × criterion: ``membre, fichier, scenario,
    critere, note`` (``note`` missing for an abstention). Member names are for the consultant:
    board-facing tables never show them.
    """

    folder: Path
    definition: Definition
    notes: pd.DataFrame
    decision: Decision | None

    @property
    def scenarios(self) -> pd.DataFrame:
        """``scenario, titre, description``."""
        return self.definition.scenarios

    @property
    def criteres(self) -> pd.DataFrame:
        """``critere, libelle, poids``."""
        return self.definition.criteres

    @property
    def members(self) -> int:
        """Number of members who sent a grid."""
        return int(self.notes["membre"].nunique())


# --------------------------------------------------------------------------- grids


def _note(where: str, value: object) -> float:
    """A note 1–5 as a float (NaN: abstention)."""
    if is_blank(value):
        return math.nan
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+([.,]0*)?\s*", value):
        number = float(value.strip().replace(",", "."))
    if number is None or number != int(number) or not 1 <= number <= 5:
        raise RessolError(
            f"{where} : la note « {value} » n'est pas un entier de 1 à 5. Donnez une note "
            "entière de 1 (très défavorable) à 5 (très favorable), ou laissez la case vide "
            "pour vous abstenir."
        )
    return number


def _written_twice(error: DuplicateKeyError) -> RessolError:
    """A French error for a key written twice in a grid, naming member, scenario, criterion."""
    content = error.content if isinstance(error.content, dict) else {}
    member = content.get("membre")
    where = f"Dans {error.path}, ligne {error.line}"
    where += f", membre « {member} »" if isinstance(member, str) else ""
    if len(error.keys) == 2 and error.keys[0] == "notes":
        return RessolError(
            f"{where}, scénario « {error.keys[1]} », critère « {error.key} » : le critère est "
            "noté deux fois pour ce scénario. Le fichier n'en garderait que la dernière note "
            "sans prévenir : gardez la bonne et supprimez l'autre."
        )
    if error.keys == ("notes",):
        return RessolError(
            f"{where}, scénario « {error.key} » : le scénario est écrit deux fois dans « notes ». "
            "Réunissez ses notes sur une seule ligne {critère: note, critère: note}."
        )
    return error


def _grid_yaml(path: Path) -> tuple[str, list[tuple[object, object, object, str]]]:
    try:
        content = load_yaml(path)
    except DuplicateKeyError as error:
        raise _written_twice(error) from None
    content = check_keys(f"Dans {path}", content, GRID_KEYS, "une grille")
    member = text_field(f"Dans {path}", content.get("membre"), "le champ « membre »")
    notes = content.get("notes")
    if notes is None:
        notes = {}
    if not isinstance(notes, dict):
        raise RessolError(
            f"Dans {path}, membre « {member} », champ « notes » : écrivez une ligne par "
            "scénario, suivie de ses notes {critère: note}."
        )
    entries = []
    for scenario, values in notes.items():
        if values is None:
            continue
        if not isinstance(values, dict):
            raise RessolError(
                f"Dans {path}, membre « {member} », scénario « {scenario} » : écrivez les "
                "notes sous la forme {critère: note, critère: note}."
            )
        entries += [(scenario, critere, note, "") for critere, note in values.items()]
    return member, entries


def _grid_xlsx(path: Path) -> tuple[str, list[tuple[object, object, object, str]], list]:
    book = open_workbook(path)
    if GRID_SHEET not in book.sheetnames:
        raise RessolError(
            f"Le classeur {path} n'a pas de feuille « {GRID_SHEET} ». Partez du modèle produit "
            "par « ressol scenarios template » et gardez le nom de ses feuilles."
        )
    sheet = book[GRID_SHEET]
    rows = list(sheet.iter_rows())
    member_row = next(
        (r for r in rows if r and normalise(r[0].value) == normalise(MEMBER_LABEL)), None
    )
    header_at = next(
        (i for i, r in enumerate(rows) if r and normalise(r[0].value) == normalise(SCENARIO_LABEL)),
        None,
    )
    if member_row is None or header_at is None:
        raise RessolError(
            f"Dans {path}, feuille « {GRID_SHEET} » : la cellule « {MEMBER_LABEL} » ou l'en-tête "
            f"« {SCENARIO_LABEL} » est introuvable. Repartez du modèle « ressol scenarios "
            "template »."
        )
    cell = member_row[1] if len(member_row) > 1 else None
    member = text_field(
        f"Dans {path}, feuille « {GRID_SHEET} », cellule {cell.coordinate if cell else 'B1'}",
        cell.value if cell else None,
        "le nom du membre",
    )
    header = rows[header_at]
    columns = {
        i: c
        for i, c in enumerate(header)
        if i >= 1 and not is_blank(c.value) and normalise(c.value) != normalise(TITLE_LABEL)
    }
    entries = []
    for row in rows[header_at + 1 :]:
        scenario = row[0].value if row else None
        notes = {i: row[i] for i in columns if i < len(row) and not is_blank(row[i].value)}
        if is_blank(scenario):
            if notes:
                first = next(iter(notes.values()))
                raise RessolError(
                    f"Dans {path}, membre « {member} », feuille « {GRID_SHEET} », cellule "
                    f"{first.coordinate} : une note sans scénario en colonne A. Recopiez "
                    "l'identifiant du scénario ou effacez la note."
                )
            continue
        for i, note in notes.items():
            cell = f", cellule {note.coordinate}"
            entries.append((scenario, columns[i].value, note.value, cell))
    headers = [(c.value, c.coordinate) for c in columns.values()]
    return member, entries, headers


def _grid_rows(
    path: Path, member: str, entries: list, definition: Definition, headers: list
) -> list[tuple]:
    scenario_ids = list(definition.scenarios["scenario"])
    titles = dict(zip(definition.scenarios["scenario"], definition.scenarios["titre"], strict=True))
    criteria = list(definition.criteres["critere"])
    labels = dict(zip(definition.criteres["critere"], definition.criteres["libelle"], strict=True))
    seen: dict[str, str] = {}
    for label, coordinate in headers:
        criterion = match_id(label, criteria, labels)
        where = f"Dans {path}, membre « {member} », feuille « {GRID_SHEET} », cellule {coordinate}"
        if criterion is None:
            raise RessolError(
                f"{where}, critère « {label} » : cette colonne n'est pas un critère de "
                f"{definition.path.name}. Critères : {', '.join(criteria)}. Repartez du modèle "
                "« ressol scenarios template » sans ajouter de colonne."
            )
        if criterion in seen:
            raise RessolError(
                f"{where}, critère « {label} » : le critère « {criterion} » a déjà une colonne "
                f"(cellule {seen[criterion]}). Supprimez l'une des deux."
            )
        seen[criterion] = coordinate
    notes: dict[tuple[str, str], float] = {}
    for scenario, critere, value, cell in entries:
        where = f"Dans {path}, membre « {member} », scénario « {scenario} », critère « {critere} »"
        where += cell
        found = match_id(scenario, scenario_ids, titles)
        if found is None:
            raise RessolError(
                f"{where} : le scénario « {scenario} » n'existe pas dans "
                f"{definition.path.name}. Scénarios : {', '.join(scenario_ids)}."
            )
        criterion = match_id(critere, criteria, labels)
        if criterion is None:
            raise RessolError(
                f"{where} : le critère « {critere} » n'existe pas dans "
                f"{definition.path.name}. Critères : {', '.join(criteria)}."
            )
        if (found, criterion) in notes:
            raise RessolError(
                f"{where} : deux notes pour le même scénario et le même critère. Gardez-en une."
            )
        notes[(found, criterion)] = _note(where, value)
    if all(math.isnan(n) for n in notes.values()):
        raise RessolError(
            f"La grille {path} (membre « {member} ») ne contient aucune note : tous les "
            "scénarios et critères sont vides. Faites remplir la grille ou sortez-la du dossier."
        )
    return [
        (member, path.name, s, c, notes.get((s, c), math.nan))
        for s in scenario_ids
        for c in criteria
    ]


def read_grids(folder: str | Path, definition: Definition) -> pd.DataFrame:
    """Read and check every member's grid of a folder.

    Parameters
    ----------
    folder : path
        Folder of grids (``.xlsx`` from the template, ``.yaml``); hidden files and Excel lock
        files are skipped, other files (notes, README) ignored.
    definition : Definition
        The scenarios and criteria the grids must use.

    Returns
    -------
    DataFrame
        ``membre, fichier, scenario, critere, note``: every member × scenario × criterion,
        ``note`` missing for an abstention.

    Raises
    ------
    RessolError
        Naming the file, member, scenario and criterion: a note outside 1–5 or not an integer,
        an unknown scenario or criterion id, a member appearing twice, a grid with no note.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RessolError(
            f"Le dossier des grilles {folder} n'existe pas : créez-le et déposez-y une grille "
            "par membre (.xlsx ou .yaml)."
        )
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith(IGNORED_FILES)
    )
    refused = [p.name for p in files if p.suffix.lower() in REFUSED_SUFFIXES]
    if refused:
        raise RessolError(
            f"Dans {folder}, fichier(s) dans un format non lu : {list_codes(refused)}. "
            "Enregistrez chaque grille au format .xlsx (modèle « ressol scenarios template ») "
            "ou .yaml, ou sortez ces fichiers du dossier."
        )
    rows: list[tuple] = []
    seen: dict[str, Path] = {}
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            member, entries, headers = _grid_xlsx(path)
        elif suffix in (".yaml", ".yml"):
            member, entries = _grid_yaml(path)
            headers = []
        else:
            continue
        if normalise(member) in seen:
            raise RessolError(
                f"Le membre « {member} » a deux grilles : {seen[normalise(member)]} et {path}. "
                "Gardez une seule grille par membre (la plus récente) et sortez l'autre du dossier."
            )
        seen[normalise(member)] = path
        rows += _grid_rows(path, member, entries, definition, headers)
    if not rows:
        raise RessolError(
            f"Le dossier {folder} ne contient aucune grille (.xlsx ou .yaml). Créez le modèle "
            "avec « ressol scenarios template --output grille.xlsx »."
        )
    return pd.DataFrame(rows, columns=["membre", "fichier", "scenario", "critere", "note"])


def read_decision(path: Path, ids: list[str]) -> Decision | None:
    """Read ``decision.yaml`` (absent: no decision yet).

    Parameters
    ----------
    path : Path
        The decision file.
    ids : list of str
        Scenario ids the decision may name.

    Returns
    -------
    Decision or None
        The retained scenario and the date of the decision.

    Raises
    ------
    RessolError
        If the scenario does not exist or the date is unreadable.
    """
    if not path.is_file():
        return None
    content = check_keys(f"Dans {path}", load_yaml(path), DECISION_KEYS, "la décision")
    scenario = text_field(f"Dans {path}", content.get("scenario"), "le scénario retenu")
    if scenario not in ids:
        raise RessolError(
            f"Dans {path}, scénario retenu « {scenario} » : il n'existe pas dans le fichier des "
            f"scénarios. Scénarios : {', '.join(ids)}."
        )
    value = content.get("date")
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
        except ValueError:
            raise RessolError(
                f"Dans {path}, scénario retenu « {scenario} », champ « date » : « {value} » "
                "n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)."
            ) from None
    return Decision(
        scenario=scenario,
        date=value,
        instance=text_field(f"Dans {path}", content.get("instance"), "l'instance", False)
        or DEFAULT_BODY,
        commentaire=text_field(f"Dans {path}", content.get("commentaire"), "le commentaire", False),
    )


def read_folder(folder: str | Path, framework: Framework | None = None) -> ScenarioFolder:
    """Read and check a whole scenarios folder: definition, grids, decision.

    Parameters
    ----------
    folder : path
        Folder with ``scenarios.yaml`` (or ``.xlsx``), ``grilles/`` and optionally
        ``decision.yaml``.
    framework : Framework, optional
        See :func:`read_definition`.

    Returns
    -------
    ScenarioFolder
        Everything checked; nothing is written.
    """
    folder = Path(folder)
    definition = read_definition(folder, framework)
    if definition.path == folder:
        folder = folder.parent
    notes = read_grids(folder / GRIDS_FOLDER, definition)
    decision = read_decision(folder / DECISION_NAME, list(definition.scenarios["scenario"]))
    return ScenarioFolder(folder=folder, definition=definition, notes=notes, decision=decision)


# --------------------------------------------------------------------------- template


def template(path: str | Path, definition: Definition) -> Path:
    """Write the members' evaluation grid (XLSX) for the scenarios and criteria of a folder.

    One table: a row per scenario, a column per criterion, each note chosen in a 1–5 list.

    Parameters
    ----------
    path : path
        ``.xlsx`` file to write (replaced only once fully written).
    definition : Definition
        Scenarios and criteria (:func:`read_definition`).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    RessolError
        If the name does not end in ``.xlsx`` or its folder does not exist.
    """
    path = check_workbook_path(path, "La grille d'évaluation")
    book = openpyxl.Workbook()
    guide_sheet(book, _guide_lines(definition))

    sheet = book.create_sheet(GRID_SHEET)
    book.active = 1
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF1")
    sheet["A1"] = MEMBER_LABEL
    sheet["A1"].font = bold
    sheet["B1"].fill = PatternFill("solid", fgColor="FFF2CC")
    sheet["B1"].comment = Comment("Nom de votre structure (une seule grille par membre).", "RESSOL")
    criteria = list(definition.criteres.itertuples())
    for column, (label, width) in enumerate(
        [(SCENARIO_LABEL, 16), (TITLE_LABEL, 40)] + [(c.libelle, 18) for c in criteria], start=1
    ):
        cell = sheet.cell(row=3, column=column, value=label)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    for item, column in zip(criteria, range(3, 3 + len(criteria)), strict=True):
        sheet.cell(row=3, column=column).comment = Comment(
            f"Critère « {item.critere} ». Note de 1 ({NOTE_LABELS[1]}) à 5 ({NOTE_LABELS[5]}) ; "
            "case vide : abstention.",
            "RESSOL",
        )
    for row, item in enumerate(definition.scenarios.itertuples(), start=4):
        sheet.cell(row=row, column=1, value=item.scenario)
        sheet.cell(row=row, column=2, value=item.titre).alignment = Alignment(wrap_text=True)
    last_row = 3 + len(definition.scenarios)
    last_col = openpyxl.utils.get_column_letter(2 + len(criteria))
    check = DataValidation(
        type="list",
        formula1='"1,2,3,4,5"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Note non prévue",
        error="Donnez une note entière de 1 (très défavorable) à 5 (très favorable), ou laissez "
        "la case vide pour vous abstenir.",
    )
    check.add(f"C4:{last_col}{last_row}")
    sheet.add_data_validation(check)
    sheet.freeze_panes = "C4"
    return write_atomic(path, book.save, suffix=".xlsx")


def _guide_lines(definition: Definition) -> list[str]:
    lines = [
        "Grille d'évaluation des scénarios — mode d'emploi",
        "",
        f"1. Feuille « {GRID_SHEET} » : écrivez le nom de votre structure à côté de « Membre ».",
        "2. Pour chaque scénario (une ligne) et chaque critère (une colonne), choisissez une note "
        "dans la liste : " + " ; ".join(f"{k} = {v}" for k, v in NOTE_LABELS.items()) + ".",
        "3. Laissez une case vide si vous ne souhaitez pas vous prononcer sur ce point : c'est "
        "une abstention, elle ne compte pas dans la moyenne.",
        "4. Ne modifiez pas la colonne « Scénario » ni les en-têtes : ils relient vos notes aux "
        "scénarios et aux critères.",
        "Les grilles sont rassemblées par la consultante ; le rapport ne montre que des "
        "résultats d'ensemble, jamais la grille d'un membre nommé.",
        "",
        "Les scénarios",
    ]
    for item in definition.scenarios.itertuples():
        lines.append(f"« {item.scenario} » — {item.titre} : {item.description}")
    lines += ["", "Les critères"]
    lines += [f"{c.libelle} (« {c.critere} »)" for c in definition.criteres.itertuples()]
    if definition.example:
        lines += [
            "",
            "Attention : ces scénarios sont des EXEMPLES, pas des propositions de RESSOL.",
        ]
    return lines
