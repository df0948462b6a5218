"""French findings, assumptions and tables on what the scenarios' ambitions imply.

Every figure comes from :mod:`ressol_analysis.scenarios_ambition`; every assumption behind it
is stated in :func:`ambition_assumptions`, shown under the tables of the chapter.
"""

from __future__ import annotations

import re

import pandas as pd

from . import formatting
from .contract import key_is_synthetic
from .formatting import number, percent
from .labels import demo_sentence
from .scenarios_sheets import ScenarioFolder
from .scenarios_text import grouped, scenario_titles, source_line

HYPOTHESIS_LABELS = {"basse": "basse", "centrale": "centrale", "haute": "haute"}


def _tens(value: float) -> str:
    """A count rounded to the ten (estimates are not precise to the unit)."""
    return number(round(float(value), -1))


def ambition_table(table: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """What each scenario's ESS jobs target implies, hypothesis by hypothesis.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.ambition`.
    scenarios : DataFrame
        For the titles.

    Returns
    -------
    DataFrame
        ``Scénario, Part visée, Horizon, Emploi total (hypothèse), Emplois de l'ESS visés,
        Emplois de l'ESS à créer (net), Par an, Hausse de l'emploi de l'ESS``.
    """
    titles = scenario_titles(scenarios)
    return pd.DataFrame(
        {
            "Scénario": table["scenario"].map(titles).to_numpy(),
            "Part visée": table["part_cible"].to_numpy(),
            "Horizon": table["horizon"].astype(str).to_numpy(),
            "Tendance de l'emploi total": [
                f"{HYPOTHESIS_LABELS[h]} ({percent(r, 2)} par an)"
                for h, r in zip(table["hypothese"], table["taux_annuel_emploi"], strict=True)
            ],
            "Emplois de l'ESS visés": table["emplois_ess_cibles"].to_numpy(),
            "Emplois de l'ESS à créer (net)": table["solde_emplois_ess"].to_numpy(),
            "Par an": table["solde_par_an"].to_numpy(),
            "Hausse de l'emploi de l'ESS": table["croissance_ess"].to_numpy(),
        }
    )


def ambition_findings(table: pd.DataFrame, scenarios: pd.DataFrame) -> list[str]:
    """One sentence per scenario: net ESS jobs to create per year, against today's size.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.ambition`.
    scenarios : DataFrame
        For the titles.

    Returns
    -------
    list of str
        Sentences quoting the central hypothesis and the low–high range.
    """
    if table.empty:
        return ["Aucun scénario ne chiffre de part des emplois de l'ESS à atteindre."]
    titles = scenario_titles(scenarios)
    lines = []
    for scenario, part in table.groupby("scenario", sort=False):
        by = part.set_index("hypothese")
        centre = by.loc["centrale"]
        low, high = by["solde_par_an"].min(), by["solde_par_an"].max()
        lines.append(
            f"« {titles[scenario]} » vise {percent(centre['part_cible'], 1)} des emplois en "
            f"{centre['horizon']} (aujourd'hui {percent(centre['part_actuelle'], 1)}) : il faut "
            f"environ {_tens(centre['solde_emplois_ess'])} emplois de plus dans l'ESS, "
            f"soit {number(centre['solde_par_an'], 0)} par an (de {number(low, 0)} à "
            f"{number(high, 0)} selon la tendance de l'emploi total), une hausse de "
            f"{percent(centre['croissance_ess'], 1)} de l'emploi de l'ESS actuel "
            f"({number(centre['emplois_ess_actuels'])} emplois estimés), "
            f"{percent(centre['taux_annuel_ess'], 1)} par an."
        )
    return lines


def ambition_assumptions(table: pd.DataFrame, trends: pd.DataFrame) -> list[str]:
    """Every assumption behind the ambition figures, in French.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.ambition`.
    trends : DataFrame
        Output of :func:`ressol_analysis.scenarios.job_trends`.

    Returns
    -------
    list of str
        The hypotheses, stated one by one (none when ``table`` is empty).
    """
    if table.empty:
        return []
    first = table.iloc[0]
    by = trends.set_index("hypothese")
    centre, low, high = by.loc["centrale"], by.loc["basse"], by.loc["haute"]
    return [
        f"Chiffres d'aujourd'hui : ceux du diagnostic, rapportés à {first['annee_depart']} "
        f"(année de référence du dossier de scénarios) : "
        f"{number(first['emplois_ess_actuels'], 0)} emplois salariés estimés dans l'ESS "
        f"(fourchette {number(first['emplois_ess_actuels_bas'], 0)} à "
        f"{number(first['emplois_ess_actuels_haut'], 0)} selon les tranches d'effectifs) sur "
        f"{number(first['emplois_total_actuels'], 0)}, soit "
        f"{percent(first['part_actuelle'], 1)}.",
        "La part visée est mesurée comme la part actuelle : emplois salariés estimés de l'ESS "
        "(estimation centrale) sur l'ensemble des emplois salariés estimés, public compris.",
        f"L'emploi total évolue jusqu'à l'horizon au rythme observé au recensement "
        f"{centre['periode']} : {percent(centre['taux_annuel'], 2)} par an pour "
        f"{centre['territoire']} (hypothèse centrale). Fourchette : le rythme le plus faible "
        f"({percent(low['taux_annuel'], 2)} par an, {low['territoire']}) et le plus fort "
        f"({percent(high['taux_annuel'], 2)} par an, {high['territoire']}) de ses "
        "intercommunalités.",
        "On suppose que les emplois salariés évoluent comme l'emploi total du recensement "
        "(salariés et non-salariés), et que la croissance de l'ESS n'entraîne pas celle de "
        "l'emploi total.",
        "Emplois de l'ESS à créer = part visée × emploi total à l'horizon − emplois de l'ESS "
        "aujourd'hui : un solde net (créations moins disparitions), réparti également sur les "
        "années qui restent.",
    ]


def other_targets_table(table: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Projects and member organisations targeted, with their order of size.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.other_targets`.
    scenarios : DataFrame
        For the titles.

    Returns
    -------
    DataFrame
        ``Scénario, Horizon, Projets accompagnés par an, Projets d'ici l'horizon, Structures
        membres visées, Rapportées aux établissements employeurs de l'ESS``.
    """
    titles = scenario_titles(scenarios)
    return pd.DataFrame(
        {
            "Scénario": table["scenario"].map(titles).to_numpy(),
            "Horizon": table["horizon"].astype(str).to_numpy(),
            "Projets accompagnés par an": table["projets_par_an"].to_numpy(),
            "Projets d'ici l'horizon": table["projets_cumules"].to_numpy(),
            "Structures membres visées": table["structures_membres"].to_numpy(),
            "Rapportées aux établissements employeurs de l'ESS": table["part_membres"].to_numpy(),
        }
    )


AMBITION_FORMATS = {
    "Part visée": percent,
    "Emplois de l'ESS visés": number,
    "Emplois de l'ESS à créer (net)": number,
    "Par an": number,
    "Hausse de l'emploi de l'ESS": percent,
}
OTHER_TARGET_FORMATS = {
    "Projets accompagnés par an": number,
    "Projets d'ici l'horizon": number,
    "Structures membres visées": number,
    "Rapportées aux établissements employeurs de l'ESS": percent,
}


ESS_ACTIVE = re.compile(r"^ess_etablissements_actifs_01_01_(\d{4})$")


def ess_dynamics_comparison(indicators: pd.DataFrame, territory: str) -> list[str]:
    """The ESS's past pace (dynamics since 2013), beside the jobs the scenarios require.

    Parameters
    ----------
    indicators : DataFrame
        The diagnostic's tidy indicators (keys ``ess_etablissements_actifs_01_01_AAAA``).
    territory : str
        Code of the territory.

    Returns
    -------
    list of str
        One sentence: active ESS establishments on the first and the last 1 January and the
        net change per year, said to count establishments (employers or not), not jobs, with
        the demonstration mark (:func:`ressol_analysis.labels.demo_sentence`) when
        synthetic; empty when the dynamics are not in the table.
    """
    rows = indicators[indicators["territoire_code"] == territory]
    found = rows["indicateur"].str.extract(ESS_ACTIVE)[0]
    active = rows.assign(annee=pd.to_numeric(found))[found.notna()].dropna(subset=["valeur"])
    if len(active) < 2:
        return []
    active = active.sort_values("annee")
    first, last = active.iloc[0], active.iloc[-1]
    years = int(last["annee"] - first["annee"])
    per_year = (last["valeur"] - first["valeur"]) / years
    sign = "+" if per_year > 0 else "−" if per_year < 0 else ""
    synthetic = any(key_is_synthetic(rows, k) for k in (first["indicateur"], last["indicateur"]))
    sentence = (
        f"Pour comparer avec le rythme passé : l'ESS comptait {number(first['valeur'])} "
        f"établissements en activité au 1er janvier {int(first['annee'])} et "
        f"{number(last['valeur'])} au 1er janvier {int(last['annee'])}, soit "
        f"{sign}{number(abs(per_year), 1)} par an (créations moins fermetures, voir « Dynamique "
        "de l'ESS depuis 2013 » au chapitre ESS). Ce sont des établissements, employeurs ou non, "
        "pas des emplois : un ordre de grandeur du rythme passé, pas une mesure comparable aux "
        "emplois à créer."
    )
    return [demo_sentence(sentence) if synthetic else sentence]


def ambition_html(
    table: pd.DataFrame, folder: ScenarioFolder, trends: pd.DataFrame, sirene_source: str
) -> str:
    """ESS jobs to create per scenario (:func:`ambition_table`) as an HTML table.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.ambition`.
    folder : ScenarioFolder
        For the titles.
    trends : DataFrame
        Output of :func:`ressol_analysis.scenarios.job_trends` (its census sources).
    sirene_source : str
        Source of today's ESS jobs (says when the extract is synthetic).

    Returns
    -------
    str
        An HTML table with its sources; empty when no scenario targets a share of ESS jobs.
    """
    if table.empty:
        return ""
    return formatting.html_table(
        grouped(ambition_table(table, folder.scenarios)),
        AMBITION_FORMATS,
        title="Emplois de l'ESS à créer pour atteindre la part visée",
        source=" ; ".join(dict.fromkeys([*trends["source"], sirene_source])),
    )


def other_targets_html(table: pd.DataFrame, folder: ScenarioFolder, sirene_source: str) -> str:
    """Projects and member organisations targeted (:func:`other_targets_table`) as HTML."""
    return formatting.html_table(
        other_targets_table(table, folder.scenarios),
        OTHER_TARGET_FORMATS,
        title="Projets et structures membres visés",
        source=f"{source_line(folder)} ; établissements employeurs de l'ESS : {sirene_source}",
        note="Ordre de grandeur : une structure peut avoir plusieurs établissements, et un membre "
        "n'est pas forcément employeur.",
    )
