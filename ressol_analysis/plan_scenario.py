"""The action plan set against the scenario the board retained: which actions serve it, and money.

Pure functions on the consolidated plan's tables (:class:`ressol_analysis.plan.Plan`: ``actions``
and ``budget``) and the scenarios' tables (:class:`ressol_analysis.scenarios_definition.
Definition`: ``cadre`` and ``moyens``). An action serves a scenario when the scenario emphasises
the action's orientation, or the action's whole axis (a ``cadre`` row with an empty
orientation). The plan's budget per year (its budget lines) is compared with the means the
scenario needs per year; the fiches actions record no staff (FTE), so only the scenario's FTE
are shown.
"""

from __future__ import annotations

import pandas as pd

from .errors import RessolError, list_codes

ACTION_COLUMNS = ["numero", "titre", "axe_code", "axe", "orientation_code", "orientation"]
BUDGET_COLUMNS = ["numero", "annee", "montant"]
CADRE_COLUMNS = ["scenario", "axe_code", "axe", "orientation_code", "orientation"]
MEANS_COLUMNS = ["scenario", "annee", "budget", "etp"]


def _require(table: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise RessolError(
            f"La table « {name} » n'a pas la ou les colonnes {list_codes(missing)} : passez les "
            "tables du plan consolidé et du dossier de scénarios telles qu'elles sont lues."
        )


def serving_actions(actions: pd.DataFrame, cadre: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Which actions of the plan serve a scenario, and through which axis or orientation.

    Parameters
    ----------
    actions : DataFrame
        The plan's actions: ``numero, titre, axe_code, axe, orientation_code, orientation``
        (other columns are kept).
    cadre : DataFrame
        Axes and orientations each scenario emphasises: ``scenario, axe_code, axe,
        orientation_code, orientation`` (orientation empty: the whole axis).
    scenario : str
        Id of the scenario.

    Returns
    -------
    DataFrame
        ``actions`` in their order, plus ``sert`` (bool) and ``par``: the orientation code
        (``2.1``) or the axis code (``AXE 1``, the whole axis) through which the action serves
        the scenario, empty when it does not.

    Raises
    ------
    RessolError
        If a column is missing or the scenario emphasises nothing.
    """
    _require(actions, ACTION_COLUMNS, "actions")
    _require(cadre, CADRE_COLUMNS, "cadre")
    rows = cadre[cadre["scenario"] == scenario]
    if rows.empty:
        raise RessolError(
            f"Le scénario « {scenario} » ne met en avant aucun axe ni aucune orientation (champ "
            "« axes » du fichier des scénarios) : impossible de dire quelles actions le servent."
        )
    whole = rows.loc[rows["orientation_code"].fillna("") == "", "axe_code"]
    named = rows.loc[rows["orientation_code"].fillna("") != "", "orientation_code"]
    by_orientation = actions["orientation_code"].where(actions["orientation_code"].isin(named))
    by_axis = actions["axe_code"].where(actions["axe_code"].isin(whole))
    through = by_orientation.fillna(by_axis).fillna("")
    return actions.assign(sert=through != "", par=through).reset_index(drop=True)


def means_by_year(
    budget: pd.DataFrame, serving: pd.DataFrame, moyens: pd.DataFrame, scenario: str
) -> pd.DataFrame:
    """The plan's budget per year beside the means the scenario needs that year.

    Parameters
    ----------
    budget : DataFrame
        The plan's budget lines: ``numero, annee, montant``.
    serving : DataFrame
        Output of :func:`serving_actions` (``numero, sert``).
    moyens : DataFrame
        Means of each scenario per year: ``scenario, annee, budget, etp`` (missing: not given).
    scenario : str
        Id of the scenario.

    Returns
    -------
    DataFrame
        One row per year found in the plan's budget or the scenario's means, in order:
        ``annee, budget_scenario, etp_scenario, budget_plan, budget_plan_scenario,
        ecart`` — the plan's whole budget that year, the part of it spent on the actions that
        serve the scenario, and ``ecart`` = ``budget_plan_scenario − budget_scenario``
        (negative: the plan's actions for this scenario spend less than the scenario's means).
        A year absent from one side has 0 € for the plan and a missing value for the
        scenario.
    """
    _require(budget, BUDGET_COLUMNS, "budget")
    _require(serving, ["numero", "sert"], "actions")
    _require(moyens, MEANS_COLUMNS, "moyens")
    serves = budget["numero"].map(serving.set_index("numero")["sert"]).fillna(False).astype(bool)
    plan = pd.DataFrame(
        {
            "budget_plan": budget.groupby("annee")["montant"].sum(),
            "budget_plan_scenario": budget[serves].groupby("annee")["montant"].sum(),
        }
    )
    means = moyens[moyens["scenario"] == scenario].set_index("annee")[["budget", "etp"]]
    years = sorted(set(plan.index) | set(means.index))
    table = pd.DataFrame({"annee": years})
    table["budget_scenario"] = table["annee"].map(means["budget"]).astype("float64")
    table["etp_scenario"] = table["annee"].map(means["etp"]).astype("float64")
    for column in ("budget_plan", "budget_plan_scenario"):
        table[column] = table["annee"].map(plan[column]).fillna(0.0).astype("float64")
    table["ecart"] = table["budget_plan_scenario"] - table["budget_scenario"]
    return table.astype({"annee": "int64"})
