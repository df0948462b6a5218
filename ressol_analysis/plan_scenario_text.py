"""French text and tables of the action plan set against the scenario the board retained.

Shown in the action plan chapter when the territory has a scenarios folder: with a decision,
which actions serve the retained scenario and how the plan's budget per year compares with the
scenario's means (:mod:`ressol_analysis.plan_scenario`); without one, a sentence saying the link
comes after the decision.
"""

from __future__ import annotations

import pandas as pd

from . import formatting
from .plan import Plan
from .plan_scenario import means_by_year, serving_actions
from .plan_text import source_line as plan_source
from .scenarios_sheets import ScenarioFolder

SERVES_NOT = "Non"


def _euros_or_missing(value: object) -> str:
    return formatting.euros(value) or formatting.MISSING


def _emphasis(folder: ScenarioFolder, scenario: str) -> str:
    rows = folder.definition.cadre[folder.definition.cadre["scenario"] == scenario]
    return " ; ".join(
        f"{r.orientation_code} — {r.orientation}"
        if r.orientation_code
        else f"tout l'{r.axe_code.lower()} — {r.axe}"
        for r in rows.itertuples()
    )


def _years_sentence(years: pd.DataFrame) -> str:
    counted = years.dropna(subset=["budget_scenario"])
    if counted.empty:
        return ""
    first, last = counted["annee"].min(), counted["annee"].max()
    period = f"en {first}" if first == last else f"de {first} à {last}"
    planned, needed = counted["budget_plan_scenario"].sum(), counted["budget_scenario"].sum()
    share = (
        f" ({formatting.percent(100 * planned / needed, 0)} de ces moyens)" if needed > 0 else ""
    )
    return (
        f" Sur les années que le scénario chiffre ({period}), elles prévoient "
        f"{formatting.euros(planned)}, pour {formatting.euros(needed)} de moyens demandés par le "
        f"scénario{share}."
    )


def heading(
    folder: ScenarioFolder | None,
    serving: pd.DataFrame | None,
    plan: Plan,
    years: pd.DataFrame | None = None,
) -> str:
    """Heading and first paragraph of the plan's link with the scenarios, in Markdown.

    Parameters
    ----------
    folder : ScenarioFolder or None
        The territory's scenarios (None: the territory has none, nothing is said).
    serving : DataFrame or None
        Output of :func:`ressol_analysis.plan_scenario.serving_actions` for the retained
        scenario (None without a decision).
    plan : Plan
        The consolidated plan.
    years : DataFrame, optional
        Output of :func:`ressol_analysis.plan_scenario.means_by_year`: adds what the serving
        actions plan against the scenario's means over the years it quantifies.

    Returns
    -------
    str
        Empty without scenarios; without a decision, a sentence saying the link will be shown
        after it; with one, a warning when the scenario is an example, then the retained
        scenario, what it emphasises, how many actions and how much of the budget serve it.
    """
    if folder is None:
        return ""
    if folder.decision is None or serving is None:
        return (
            "## Le plan et les scénarios\n\nLe conseil d'administration n'a pas encore retenu "
            "de scénario (voir le chapitre « Scénarios »). Une fois la décision prise, cette "
            "partie montrera quelles actions du plan servent le scénario retenu et comparera le "
            "budget du plan, année par année, aux moyens que ce scénario demande."
        )
    decision = folder.decision
    title = folder.scenarios.set_index("scenario").loc[decision.scenario, "titre"]
    serves = serving[serving["sert"]]
    warning = (
        "> **Attention : ce scénario est un exemple** (dossier de scénarios d'exemple) : ce "
        "rapprochement montre la démarche, pas une décision de RESSOL.\n\n"
        if folder.definition.example
        else ""
    )
    return (
        f"## Le plan et le scénario retenu\n\n{warning}Le {decision.instance} a retenu le "
        f"{decision.date:%d/%m/%Y} le scénario « {title} », qui met en avant : "
        f"{_emphasis(folder, decision.scenario)}. **{len(serves)} des {len(serving)} actions** "
        "du plan le servent : celles de ces orientations, et toutes celles d'un axe qu'il "
        f"retient en entier. Elles représentent {formatting.euros(serves['budget_total'].sum())}"
        f" des {formatting.euros(serving['budget_total'].sum())} du plan."
        + ("" if years is None else _years_sentence(years))
    )


def source_line(plan: Plan, folder: ScenarioFolder) -> str:
    """Sources of the link tables: the fiches, the scenarios file and the decision."""
    decision = folder.decision
    kind = " (exemples)" if folder.definition.example else ""
    when = f" ; décision du {decision.instance} du {decision.date:%d/%m/%Y}" if decision else ""
    return (
        f"{plan_source(plan)} ; scénarios{kind} : {folder.definition.path.name} du dossier "
        f"{folder.folder.name}{when}"
    )


def actions_table(serving: pd.DataFrame) -> pd.DataFrame:
    """The plan's actions and whether they serve the retained scenario, for the board.

    Parameters
    ----------
    serving : DataFrame
        Output of :func:`ressol_analysis.plan_scenario.serving_actions` on the plan's actions.

    Returns
    -------
    DataFrame
        ``N°, Action, Orientation, Sert le scénario, Budget`` in the plan's order;
        « Sert le scénario » reads « Oui, par l'orientation 2.1 », « Oui, par tout l'axe 1 »
        or « Non ».
    """
    through = [
        SERVES_NOT
        if not serves
        else f"Oui, par tout l'{par.lower()}"
        if par == axis
        else f"Oui, par l'orientation {par}"
        for serves, par, axis in zip(
            serving["sert"], serving["par"], serving["axe_code"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "N°": serving["numero"].to_numpy(),
            "Action": serving["titre"].to_numpy(),
            "Orientation": (serving["orientation_code"] + " " + serving["orientation"]).to_numpy(),
            "Sert le scénario": through,
            "Budget": serving["budget_total"].to_numpy(),
        }
    )


def means_table(table: pd.DataFrame) -> pd.DataFrame:
    """The plan's budget per year beside the scenario's means, with French headers.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.plan_scenario.means_by_year`.

    Returns
    -------
    DataFrame
        ``Année, Moyens du scénario, ETP du scénario, Budget du plan, dont actions qui servent
        le scénario, Écart`` (écart = actions qui servent le scénario − moyens du scénario).
    """
    return pd.DataFrame(
        {
            "Année": table["annee"].astype(str).to_numpy(),
            "Moyens du scénario": table["budget_scenario"].to_numpy(),
            "ETP du scénario": table["etp_scenario"].to_numpy(),
            "Budget du plan": table["budget_plan"].to_numpy(),
            "dont actions qui servent le scénario": table["budget_plan_scenario"].to_numpy(),
            "Écart": table["ecart"].to_numpy(),
        }
    )


def actions_html(serving: pd.DataFrame, source: str) -> str:
    """:func:`actions_table` as an HTML table."""
    return formatting.html_table(
        actions_table(serving),
        {"N°": formatting.number, "Budget": formatting.euros},
        title="Les actions du plan et le scénario retenu",
        source=source,
        note="Une action sert le scénario quand il met en avant son orientation, ou son axe "
        "tout entier.",
    )


def means_html(table: pd.DataFrame, source: str) -> str:
    """:func:`means_table` as an HTML table."""
    return formatting.html_table(
        means_table(table),
        {
            "Moyens du scénario": _euros_or_missing,
            "ETP du scénario": lambda v: formatting.number(v, 1),
            "Budget du plan": formatting.euros,
            "dont actions qui servent le scénario": formatting.euros,
            "Écart": _euros_or_missing,
        },
        title="Budget du plan et moyens du scénario retenu, par année",
        source=source,
        note="Écart = budget des actions qui servent le scénario − moyens du scénario (négatif : "
        "le plan y consacre moins que ce que le scénario demande). Les fiches actions ne "
        "donnent pas d'effectif : seul le budget se compare, les ETP sont ceux du scénario. "
        "Une année sans ligne budgétaire compte 0 € ; n.d. : le scénario ne chiffre pas cette "
        "année.",
    )


def chapter_part(plan: Plan, folder: ScenarioFolder | None) -> tuple[str, list[str]]:
    """The plan chapter's part on the scenarios: Markdown text and HTML tables.

    Parameters
    ----------
    plan : Plan
        The consolidated plan.
    folder : ScenarioFolder or None
        The territory's scenarios.

    Returns
    -------
    tuple
        The text of :func:`heading` and, with a retained scenario, the tables of the actions
        that serve it and of the budget per year against its means (none otherwise).
    """
    if folder is None or folder.decision is None:
        return heading(folder, None, plan), []
    scenario = folder.decision.scenario
    serving = serving_actions(plan.actions, folder.definition.cadre, scenario)
    years = means_by_year(plan.budget, serving, folder.definition.moyens, scenario)
    source = source_line(plan, folder)
    return heading(folder, serving, plan, years), [
        actions_html(serving, source),
        means_html(years, source),
    ]
