"""The XLSX template of action sheets (``ressol plan template``) that members fill in.

The fields, the strategic framework and the reading of filled sheets are in
:mod:`ressol_analysis.plan_sheets`; this module only writes the workbook: a « Mode d'emploi »
sheet, the action, budget and indicator sheets with their drop-down lists, coloured required
columns and one filled example row (title :data:`~ressol_analysis.plan_sheets.EXAMPLE_TITLE`,
skipped when the sheets are read).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .files import check_workbook_path, write_atomic
from .indicator_labels import label_or_key, listed_keys
from .plan_sheets import (
    ACTIONS_SHEET,
    AUDIENCES,
    BUDGET_FIELDS,
    BUDGET_SHEET,
    EXAMPLE_TITLE,
    FIELDS,
    FRAMEWORK_SHEET,
    GUIDE_SHEET,
    INDICATOR_FIELDS,
    INDICATORS_SHEET,
    LISTS_SHEET,
    STATUSES,
    TEMPLATE_ROWS,
    Field,
    Framework,
    load_framework,
)

EXAMPLE_ACTION = {
    "titre": EXAMPLE_TITLE,
    "contributeur": "Structure exemple",
    "objectif": "Faire se rencontrer les structures de l'ESS et les élus du territoire.",
    "description": "Une journée par an : ateliers, présentation du diagnostic, stands.",
    "pilote": "RESSOL",
    "partenaires": "Communauté de communes ; CRESS",
    "publics": "structures de l'ESS ; élus",
    "budget_total": 3000,
    "financeurs": "Région",
    "resultats_attendus": "80 participants ; 3 coopérations nouvelles",
    "impact": 4,
    "faisabilite": 4,
    "statut": "Exemple",
}
EXAMPLE_BUDGET = {
    "annee": 2027,
    "poste": "Location de salle et animation",
    "montant": 3000,
    "financeur": "Région",
}
EXAMPLE_INDICATOR_KEY = "part_ess_etablissements_employeurs"
REQUIRED_FILL = "FCE4D6"  # header of a column that must be filled
REQUIRED_CELL_FILL = "FFF8F3"
EXAMPLE_FONT = Font(italic=True, color="7F7F7F")


def _header(sheet, fields: Iterable[Field]) -> None:
    """Header with the help as a comment; required columns in orange down to the last row."""
    fill = PatternFill("solid", fgColor="DDEBF1")
    required = PatternFill("solid", fgColor=REQUIRED_FILL)
    required_cell = PatternFill("solid", fgColor=REQUIRED_CELL_FILL)
    for column, item in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=item.label)
        cell.font = Font(bold=True)
        cell.fill = required if item.required else fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        mark = " (obligatoire)" if item.required else ""
        cell.comment = Comment(item.help + mark, "RESSOL")
        sheet.column_dimensions[cell.column_letter].width = item.width
        if item.required:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=column).fill = required_cell
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "B2"


def _example_row(sheet, fields: tuple[Field, ...], values: Mapping[str, Any]) -> None:
    for column, item in enumerate(fields, start=1):
        if item.key in values:
            cell = sheet.cell(row=2, column=column, value=values[item.key])
            cell.font = EXAMPLE_FONT


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

    The sheets « Fiches actions », « Lignes budgétaires » and « Indicateurs » start with a
    filled example (title :data:`EXAMPLE_TITLE`, skipped when the sheets are read); required
    columns are coloured; axes, orientations (those of the chosen axis), statuses, scores,
    action titles (budget and indicator sheets) and indicators (by their French label) are
    chosen from drop-down lists.

    Parameters
    ----------
    path : path
        ``.xlsx`` file to write (replaced if it exists).
    framework : Framework, optional
        Axes and orientations offered (default: :func:`load_framework`).
    indicator_keys : collection of str, optional
        Indicator keys of the diagnostic, offered with their labels in the sheet
        « Indicateurs » (default: the keys the label table lists, see
        :func:`ressol_analysis.indicator_labels.listed_keys`).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    RessolError
        If the file does not end in ``.xlsx`` or its folder does not exist.
    """
    path = check_workbook_path(path, "Le modèle de fiche action")
    framework = framework or load_framework()
    keys = list(indicator_keys) if indicator_keys else listed_keys()
    book = openpyxl.Workbook()
    guide_sheet(book, _guide_lines(framework))

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
    first = framework.table.iloc[0]
    _example_row(
        actions,
        FIELDS,
        {
            **EXAMPLE_ACTION,
            "axe": framework.axis_choices()[0],
            "orientation": f"{first['orientation_code']} — {first['orientation']}",
            "debut": date(2027, 3, 1),
            "fin": date(2027, 6, 30),
        },
    )

    lists = book.create_sheet(FRAMEWORK_SHEET)
    headers = [
        "Axe",
        "Orientation",
        "Code de l'axe",
        "Titre de l'axe",
        "Code de l'orientation",
        "Titre de l'orientation",
        "Axe de l'orientation",
    ]
    for column, label in enumerate(headers, 1):
        lists.cell(row=1, column=column, value=label).font = Font(bold=True)
        lists.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 40
    axes = framework.axis_choices()
    axis_label = dict(zip(framework.axes["axe_code"], axes, strict=True))
    for row, values in enumerate(framework.table.itertuples(index=False), start=2):
        lists.cell(row=row, column=2, value=f"{values.orientation_code} — {values.orientation}")
        for column, value in enumerate(values, start=3):
            lists.cell(row=row, column=column, value=value)
        lists.cell(row=row, column=7, value=axis_label[values.axe_code])
    for row, label in enumerate(axes, start=2):
        lists.cell(row=row, column=1, value=label)
    n_axes, n_orient = len(axes), len(framework.table)

    choices = book.create_sheet(LISTS_SHEET)
    labels = [label_or_key(k) for k in keys]
    for column, (label, values) in enumerate(
        [
            ("Statut", STATUSES),
            ("Note (1-5)", range(1, 6)),
            ("Publics (exemples)", AUDIENCES),
            ("Indicateurs du diagnostic (libellé)", labels),
            ("Clé de l'indicateur", keys),
        ],
        start=1,
    ):
        choices.cell(row=1, column=column, value=label).font = Font(bold=True)
        width = 70 if column == 4 else 30
        choices.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
        for row, value in enumerate(values, start=2):
            choices.cell(row=row, column=column, value=value)

    sheet_ref = f"'{FRAMEWORK_SHEET}'"
    _list_validation(
        actions,
        _column(FIELDS, "axe"),
        f"{sheet_ref}!$A$2:$A${n_axes + 1}",
        "Choisissez un axe du cadre stratégique.",
    )
    # Orientations of the axis chosen on the same row (all of them while no axis is chosen):
    # the framework lists them axis by axis, column G holding each one's axis.
    axis_cell = f"${openpyxl.utils.get_column_letter(_column(FIELDS, 'axe'))}2"
    owners = f"{sheet_ref}!$G$2:$G${n_orient + 1}"
    _list_validation(
        actions,
        _column(FIELDS, "orientation"),
        f'IF({axis_cell}="",{sheet_ref}!$B$2:$B${n_orient + 1},'
        f"OFFSET({sheet_ref}!$B$1,MATCH({axis_cell},{owners},0),0,"
        f"COUNTIF({owners},{axis_cell}),1))",
        "Choisissez une orientation de l'axe retenu (colonne Axe).",
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
    titles = f"'{ACTIONS_SHEET}'!$A$2:$A${TEMPLATE_ROWS + 1}"

    budget = book.create_sheet(BUDGET_SHEET)
    _header(budget, BUDGET_FIELDS)
    for row in range(2, TEMPLATE_ROWS + 2):
        budget.cell(row=row, column=_column(BUDGET_FIELDS, "montant")).number_format = "#,##0"
    _example_row(budget, BUDGET_FIELDS, {"titre": EXAMPLE_TITLE, **EXAMPLE_BUDGET})
    _list_validation(
        budget, 1, titles, f"Recopiez le titre d'une action de la feuille « {ACTIONS_SHEET} »."
    )
    indicators = book.create_sheet(INDICATORS_SHEET)
    _header(indicators, INDICATOR_FIELDS)
    _example_row(
        indicators,
        INDICATOR_FIELDS,
        {
            "titre": EXAMPLE_TITLE,
            "indicateur": label_or_key(EXAMPLE_INDICATOR_KEY),
            "commentaire": "Suivi chaque année avec le diagnostic.",
        },
    )
    _list_validation(
        indicators,
        1,
        titles,
        f"Recopiez le titre d'une action de la feuille « {ACTIONS_SHEET} ».",
    )
    _list_validation(
        indicators,
        2,
        f"'{LISTS_SHEET}'!$D$2:$D${len(keys) + 1}",
        "Choisissez un indicateur du diagnostic (feuille « Listes »).",
    )
    write_atomic(path, book.save, suffix=".xlsx")
    return path


def guide_sheet(book: openpyxl.Workbook, lines: list[str]) -> None:
    """Make a new workbook's first sheet its « Mode d'emploi »: a title, then one line a row.

    Parameters
    ----------
    book : openpyxl.Workbook
        A template being written.
    lines : list of str
        The title, then the instructions (long lines wrap).
    """
    guide = book.active
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    guide["A1"].font = Font(bold=True, size=13)


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
