"""Tables and French text of the action plan, on the report's pages and in the workbook.

Summary by axis, ranked plan, budget by funder and by action, the budget balance, the action
cards with their baseline indicators, and :func:`write_plan`, which writes the consolidated plan
as an XLSX workbook for the board or as YAML sheets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml
from openpyxl.styles import Font

from . import formatting
from .errors import RessolError
from .files import check_folder, write_atomic, write_text
from .formatting import count, euros
from .indicator_labels import label_or_key
from .inputs import normalise
from .plan import (
    Plan,
)
from .plan_sheets import (
    ACTIONS_SHEET,
    BUDGET_FIELDS,
    BUDGET_SHEET,
    CONSOLIDATED_KEY,
    CONSOLIDATED_SHEET,
    EPCI_CODE,
    FIELDS,
    INDICATOR_FIELDS,
    INDICATORS_SHEET,
    LIST_KEYS,
    PRIORITY_LABELS,
    UNFUNDED,
)

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
    order = sorted(table.index, key=lambda f: (f == UNFUNDED, -table.loc[f, "Total"], normalise(f)))
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
        f"fiches actions RESSOL{kind}, {count(len(plan.actions), 'action', 'actions')} de "
        f"{count(len(contributors), 'contributeur', 'contributeurs')} ; "
        f"cadre : {plan.framework.name}"
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
                "Indicateur": label_or_key(key),
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


# --------------------------------------------------------------------------- the chapter

MATRIX_ALT = (
    "Matrice : chaque action est un point numéroté placé selon sa faisabilité (horizontalement) "
    "et son impact (verticalement) ; les cases vertes sont de priorité 1."
)
TIMELINE_ALT = (
    "Diagramme de Gantt : période de chaque action, regroupée par axe du cadre stratégique."
)
BUDGET_ALT = (
    "Barres empilées : budget du plan pour chaque année, réparti par financeur, avec le total "
    "de l'année."
)
METHOD_NOTE = (
    "Les fiches sont lues dans l'ordre alphabétique des fichiers. Deux fiches au même titre (sans "
    "tenir compte des majuscules, accents et espaces) sont fusionnées : la première fait foi pour "
    "les champs uniques, les listes (partenaires, publics, territoire, financeurs, résultats, "
    "indicateurs) sont réunies. Le format des fiches et les règles de vérification sont décrits "
    "dans `docs/plan_actions.md`."
)


NO_PLAN = (
    "**Territoire : {name}** — aucune fiche action n'est encore rattachée à ce territoire : le "
    "plan d'actions sera construit à partir des fiches rédigées avec les membres. Pour les "
    "ajouter, créez-les avec `ressol plan template`, rangez-les dans un dossier et indiquez-le "
    "dans le fichier du territoire (clé `fiches:`) ou à la commande (`ressol report --fiches "
    "DOSSIER`)."
)
# The chapter's sections, shown only when the territory has action sheets.
SECTIONS = {
    "tableau": "## Le plan en un tableau\n\nNombre d'actions, actions de priorité 1, budget et "
    "période de chaque axe du cadre stratégique.",
    "priorites": "## Les actions par ordre de priorité\n\nScore de priorité = impact × "
    "faisabilité (de 1 à 25). **Priorité 1** à partir de 15, **priorité 2** de 8 à 14, "
    "**priorité 3** jusqu'à 7. À score égal, l'action au plus fort impact passe devant, puis "
    "celle qui commence le plus tôt.",
    "calendrier": "## Calendrier\n\nChaque barre va de la date de début à la date de fin de "
    "l'action ; les actions sont regroupées par axe.",
    "budget": "## Budget\n\nLe budget additionne les lignes budgétaires des fiches. Chaque "
    "dépense est rattachée à un financeur ; une dépense sans financeur est comptée en "
    "« Financement à trouver ». Les dépenses et les ressources sont donc toujours égales, et le "
    "reste à financer est visible.",
    "fiches": "## Les fiches actions\n\nChaque fiche reprend les champs remplis par les "
    "contributeurs. Les indicateurs de suivi viennent du diagnostic : leur valeur actuelle sert "
    "de situation de départ, pour le territoire et pour les intercommunalités que vise l'action.",
    "methode": "## Points à vérifier et méthode",
}


def heading(plan: Plan | None, territory_name: str, folder_name: str | None) -> str:
    """First paragraph of the chapter: how many actions, from which folder, which framework.

    Parameters
    ----------
    plan : Plan or None
        Consolidated plan; None when the territory has no action sheets.
    territory_name : str
        Name of the territory.
    folder_name : str or None
        Name of the folder of the sheets.

    Returns
    -------
    str
        Markdown; a warning follows when every sheet is an example; without sheets, says so and
        how to add them (:data:`NO_PLAN`).
    """
    if plan is None:
        return NO_PLAN.format(name=territory_name)
    text = (
        f"**Territoire : {territory_name}** — "
        f"{count(len(plan.actions), 'action issue', 'actions issues')} des fiches du "
        f"dossier `{folder_name}`, classées selon le cadre « {plan.framework.name} »."
    )
    if (plan.actions["statut"] == "Exemple").all():
        text += (
            "\n\n> **Attention : ces fiches sont des exemples** écrits à partir des intentions "
            "de l'étude. Elles montrent la forme du plan ; elles ne sont pas des décisions de "
            "RESSOL."
        )
    return text


def summary_html(plan: Plan, source: str) -> str:
    """The plan by axis (:func:`summary_by_axis`) as an HTML table."""
    return formatting.html_table(
        summary_by_axis(plan),
        {"Actions": formatting.number, "dont priorité 1": formatting.number, "Budget": euros},
        title="Synthèse du plan par axe",
        source=source,
        note="Un axe sans action reste affiché : c'est une orientation du cadre que les fiches "
        "n'ont pas encore couverte.",
    )


def ranked_html(plan: Plan, source: str) -> str:
    """The ranked plan (:func:`ranked_table`) as an HTML table."""
    return formatting.html_table(
        ranked_table(plan),
        {
            "Impact": formatting.number,
            "Faisabilité": formatting.number,
            "Score": formatting.number,
            "Budget": euros,
        },
        title="Plan d'actions priorisé",
        source=source,
        note="Impact et faisabilité : notes de 1 (faible, difficile) à 5 (fort, facile) données "
        "dans les fiches.",
    )


def funders_html(plan: Plan, source: str) -> str:
    """Resources by funder and year (:func:`budget_by_funder`) as an HTML table."""
    table = budget_by_funder(plan)
    return formatting.html_table(
        table,
        {c: euros for c in table.columns if c != "Financeur"},
        title="Ressources par financeur et par année",
        source=source,
    )


def balance_html(plan: Plan, source: str) -> str:
    """Expenses and resources of the plan (:func:`budget_balance`) as an HTML table."""
    return formatting.html_table(
        budget_balance(plan),
        {"Montant des dépenses": euros, "Montant des ressources": euros},
        title="Budget prévisionnel : dépenses et ressources",
        source=source,
        note="Dépenses par action, ressources par financeur ; les deux totaux sont égaux.",
    )


def action_pages(
    plan: Plan, indicators: pd.DataFrame, territory: str, places: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Each action's card and the starting values of its follow-up indicators.

    Parameters
    ----------
    plan : Plan
        Consolidated plan.
    indicators : DataFrame
        Tidy indicators of the diagnostic (``Diagnostic.indicators``).
    territory : str
        Code of the territory.
    places : mapping
        Commune code or EPCI SIREN → name, for the places an action targets.

    Returns
    -------
    list of (str, str)
        Per action, in rank order: its card (Markdown) and the HTML table of its baselines,
        empty when the action has no follow-up indicator.
    """
    baselines = action_indicators(plan, indicators, territory)
    pages = []
    for number in plan.actions["numero"]:
        table = baseline_table(baselines, number)
        html = ""
        if len(table):
            sources = baselines.loc[baselines["numero"] == number, "source"]
            html = formatting.html_table(
                table,
                {},
                title="Indicateurs de suivi : situation de départ",
                source=" ; ".join(dict.fromkeys(sources)),
            )
        pages.append((action_card(plan, number, places), html))
    return pages


def warning_lines(plan: Plan) -> list[str]:
    """The points to check found while reading the sheets, or a line saying there are none."""
    return list(plan.warnings) or ["Aucune fiche en double, aucune colonne ignorée."]
