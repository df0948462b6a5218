"""French tables and findings of the scenarios chapter, generated from the numbers.

Every figure comes from :mod:`ressol_analysis.scenarios`. Individual grids are never shown:
tables and sentences speak of members in aggregate (counts, means, medians, shares), never by
name, so the board sees where members agree without seeing who said what.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from .formatting import NBSP, number, percent
from .scenarios import DRAWS, FAVOURABLE, SPREAD
from .scenarios_sheets import Decision, ScenarioFolder

HYPOTHESIS_LABELS = {"basse": "basse", "centrale": "centrale", "haute": "haute"}


def _titles(scenarios: pd.DataFrame) -> dict[str, str]:
    return dict(zip(scenarios["scenario"], scenarios["titre"], strict=True))


def _labels(criteres: pd.DataFrame) -> dict[str, str]:
    return dict(zip(criteres["critere"], criteres["libelle"], strict=True))


def euros(value: object) -> str:
    """Format an amount in euros the French way (``105 000 €``)."""
    return f"{number(value)}{NBSP}€"


def score(value: object) -> str:
    """Format a score on the 1–5 scale (``3,85``)."""
    return number(value, 2)


def source_line(folder: ScenarioFolder) -> str:
    """Source line of the chapter's tables and charts.

    Parameters
    ----------
    folder : ScenarioFolder
        The checked scenarios folder.

    Returns
    -------
    str
        ``« grilles d'évaluation de 7 membres de RESSOL (exemples) ; 3 scénarios, 5 critères
        pondérés (dossier scenarios) »``.
    """
    kind = " (exemples)" if folder.definition.example else ""
    return (
        f"grilles d'évaluation de {folder.members} membres de RESSOL{kind} ; "
        f"{len(folder.scenarios)} scénarios, {len(folder.criteres)} critères pondérés "
        f"(dossier {folder.folder.name})"
    )


# --------------------------------------------------------------------------- scenarios


def _framework_text(cadre: pd.DataFrame, scenario: str) -> str:
    rows = cadre[cadre["scenario"] == scenario]
    parts = [
        f"{r.axe_code} (tout l'axe) — {r.axe}"
        if not r.orientation_code
        else f"{r.orientation_code} — {r.orientation}"
        for r in rows.itertuples()
    ]
    return " ; ".join(parts) or "non précisé"


def scenarios_table(folder: ScenarioFolder) -> pd.DataFrame:
    """The scenarios side by side: what they emphasise, what they need, what they aim at.

    Parameters
    ----------
    folder : ScenarioFolder
        The checked scenarios folder.

    Returns
    -------
    DataFrame
        A first column « Scénario » holding the row labels, then one column per scenario
        title; every cell is text formatted the French way.
    """
    definition = folder.definition
    columns: dict[str, list[str]] = {}
    for item in definition.scenarios.itertuples():
        means = definition.moyens[definition.moyens["scenario"] == item.scenario]
        target = definition.ambitions.set_index("scenario").loc[item.scenario]
        years = f"{means['annee'].min()}-{means['annee'].max()}" if len(means) else "non précisée"
        columns[item.titre] = [
            item.description or "",
            _framework_text(definition.cadre, item.scenario),
            euros(means["budget"].mean()) if len(means) else "non précisé",
            number(means["etp"].mean(), 1) if len(means) else "non précisé",
            years,
            percent(target["part_emplois_ess"], 1)
            + (f" en {int(target['horizon'])}" if pd.notna(target["horizon"]) else ""),
            number(target["projets_par_an"]),
            number(target["structures_membres"]),
        ]
    labels = [
        "Description",
        "Axes et orientations du plan mis en avant",
        "Budget annuel moyen",
        "Équipe (ETP, moyenne annuelle)",
        "Années chiffrées",
        "Part des emplois de l'ESS visée",
        "Projets accompagnés par an",
        "Structures membres visées",
    ]
    return pd.DataFrame({"Scénario": labels, **columns})


def weights_table(criteres: pd.DataFrame) -> pd.DataFrame:
    """Criteria, their weights and share of the total weight (``Part du poids``, in %)."""
    total = criteres["poids"].sum()
    return pd.DataFrame(
        {
            "Critère": criteres["libelle"].to_numpy(),
            "Poids": criteres["poids"].to_numpy(),
            "Part du poids": (100 * criteres["poids"] / total).to_numpy(),
        }
    )


# --------------------------------------------------------------------------- ranking


def ranking_table(table: pd.DataFrame, criteres: pd.DataFrame) -> pd.DataFrame:
    """The ranking for the board.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.classement`.
    criteres : DataFrame
        ``critere, libelle, poids``.

    Returns
    -------
    DataFrame
        ``Rang, Scénario, Score pondéré (sur 5), Rang selon PROMETHEE II, Part des tirages en
        tête, Critères non notés``.
    """
    labels = _labels(criteres)
    return pd.DataFrame(
        {
            "Rang": table["rang"].to_numpy(),
            "Scénario": table["titre"].to_numpy(),
            "Score pondéré (sur 5)": table["score"].to_numpy(),
            "Rang selon PROMETHEE II": table["rang_promethee"].to_numpy(),
            "Part des tirages en tête": table["part_tirages_en_tete"].to_numpy(),
            "Critères non notés": [
                " ; ".join(labels[c] for c in cell.split(" ; ") if c) or "aucun"
                for cell in table["criteres_non_notes"]
            ],
        }
    )


def swap_table(swaps: pd.DataFrame) -> pd.DataFrame:
    """Weight of each criterion at which the two leading scenarios swap.

    Parameters
    ----------
    swaps : DataFrame
        Output of :func:`ressol_analysis.scenarios.swap_weights`.

    Returns
    -------
    DataFrame
        ``Critère, Poids actuel, Poids qui met à égalité, Variation`` (missing: no weight
        swaps them).
    """
    return pd.DataFrame(
        {
            "Critère": swaps["libelle"].to_numpy(),
            "Poids actuel": swaps["poids"].to_numpy(),
            "Poids qui met à égalité": swaps["poids_de_bascule"].to_numpy(),
            "Variation": swaps["variation"].to_numpy(),
        }
    )


def _tens(value: float) -> str:
    """A count rounded to the ten (estimates are not precise to the unit)."""
    return number(round(float(value), -1))


def weight(value: object) -> str:
    """Format a weight without useless decimals (``3``, ``0,83``)."""
    text = number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def ranking_findings(
    table: pd.DataFrame,
    swaps: pd.DataFrame,
    criteres: pd.DataFrame,
    decision: Decision | None = None,
    titles: dict[str, str] | None = None,
    draws: int = DRAWS,
    spread: float = SPREAD,
) -> list[str]:
    """French sentences on the ranking, the second method and the robustness of the lead.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.classement`.
    swaps : DataFrame
        Output of :func:`ressol_analysis.scenarios.swap_weights`.
    criteres : DataFrame
        ``critere, libelle, poids``.
    decision : Decision, optional
        The board's decision, when there is one.
    titles : dict, optional
        Scenario id → title (default: from ``table``).
    draws, spread : int, float
        Parameters used for the share of draws (quoted in the text).

    Returns
    -------
    list of str
        Markdown sentences.
    """
    titles = titles or _titles(table)
    ranked = table.dropna(subset=["score"])
    leaders = ranked[ranked["rang"] == 1]
    lines = []
    if decision is not None:
        lines.append(
            f"**Scénario retenu** par le {decision.instance} le {decision.date:%d/%m/%Y} : "
            f"« {titles[decision.scenario]} »."
        )
    if len(leaders) > 1:
        names = " et ".join(f"« {t} »" for t in leaders["titre"])
        lines.append(
            f"{names} sont **à égalité en tête** avec un score de "
            f"{score(leaders['score'].iloc[0])} sur 5."
        )
    elif len(ranked):
        first = leaders.iloc[0]
        gap = ""
        if len(ranked) > 1:
            second = ranked.iloc[1]
            gap = (
                f", devant « {second['titre']} » ({score(second['score'])}, écart de "
                f"{number(first['score'] - second['score'], 2)} point sur 5)"
            )
        lines.append(
            f"Avec les poids fixés, « {first['titre']} » **arrive en tête** avec un score "
            f"pondéré de {score(first['score'])} sur 5{gap}."
        )
    second_first = table[table["rang_promethee"] == 1]["titre"].tolist()
    if second_first and set(second_first) == set(leaders["titre"]):
        lines.append("La seconde méthode (PROMETHEE II) place **le même scénario en tête**.")
    elif second_first:
        lines.append(
            "La seconde méthode (PROMETHEE II), qui compte les critères sur lesquels un scénario "
            "fait mieux qu'un autre plutôt que les écarts de notes, place en tête "
            + " et ".join(f"« {t} »" for t in second_first)
            + " : **le classement dépend de la méthode**, il faut en débattre."
        )
    if len(ranked):
        top = ranked.iloc[0]
        lines.append(
            f"En faisant varier chaque poids au hasard de ±{percent(100 * spread, 0)} "
            f"({number(draws)} tirages), « {top['titre']} » reste en tête dans "
            f"{percent(top['part_tirages_en_tete'], 0)} des cas."
        )
    best = swaps[swaps["plus_petite"]] if len(swaps) else swaps
    if len(best):
        row = best.iloc[0]
        lines.append(
            f"Le plus petit changement d'un seul poids qui inverserait les deux premiers : si le "
            f"poids du critère « {row['libelle']} » passait de {weight(row['poids'])} à "
            f"{weight(row['poids_de_bascule'])}, « {titles[row['second']]} » passerait devant "
            f"« {titles[row['premier']]} »."
        )
    elif len(ranked) > 1 and len(leaders) == 1:
        lines.append(
            "Aucun changement d'un seul poids ne fait passer le deuxième scénario devant le "
            "premier : l'avance du premier ne dépend pas de la pondération d'un critère."
        )
    unscored = table[table["criteres_non_notes"] != ""]
    labels = _labels(criteres)
    for row in unscored.itertuples():
        names = ", ".join(labels[c] for c in row.criteres_non_notes.split(" ; "))
        lines.append(
            f"« {row.titre} » n'a reçu aucune note sur : {names} ; son score est calculé sans "
            "ce ou ces critères."
        )
    return lines


# --------------------------------------------------------------------------- agreement


def agreement_table(
    stats: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame
) -> pd.DataFrame:
    """Agreement of the members on each scenario and criterion, for the board.

    Parameters
    ----------
    stats : DataFrame
        Output of :func:`ressol_analysis.scenarios.agreement`.
    criteres, scenarios : DataFrame
        For the labels and titles.

    Returns
    -------
    DataFrame
        ``Scénario, Critère, Notes, Abstentions, Moyenne, Médiane, Écart interquartile, Part de
        4 ou 5`` (no member names).
    """
    titles, labels = _titles(scenarios), _labels(criteres)
    return pd.DataFrame(
        {
            "Scénario": stats["scenario"].map(titles).to_numpy(),
            "Critère": stats["critere"].map(labels).to_numpy(),
            "Notes": stats["nombre_notes"].to_numpy(),
            "Abstentions": stats["abstentions"].to_numpy(),
            "Moyenne": stats["moyenne"].to_numpy(),
            "Médiane": stats["mediane"].to_numpy(),
            "Écart interquartile": stats["ecart_interquartile"].to_numpy(),
            f"Part de {FAVOURABLE} ou 5": stats["part_favorables"].to_numpy(),
        }
    )


def agreement_findings(
    stats: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame
) -> list[str]:
    """Where members agree and where they do not, in French.

    Parameters
    ----------
    stats : DataFrame
        Output of :func:`ressol_analysis.scenarios.agreement`.
    criteres, scenarios : DataFrame
        For the labels and titles.

    Returns
    -------
    list of str
        The broadest agreement, the widest disagreement (largest interquartile range) and the
        abstentions.
    """
    titles, labels = _titles(scenarios), _labels(criteres)
    given = stats.dropna(subset=["mediane"])
    lines = []
    if given.empty:
        return ["Aucune note n'a été donnée."]
    members = int(stats["membres"].iloc[0])
    consensus = given.sort_values(
        ["part_favorables", "nombre_notes", "ecart_interquartile"],
        ascending=[False, False, True],
        kind="stable",
    ).iloc[0]
    lines.append(
        f"Accord le plus large : {percent(consensus['part_favorables'], 0)} des membres qui se "
        f"sont prononcés donnent {FAVOURABLE} ou 5 à « {titles[consensus['scenario']]} » pour "
        f"le critère « {labels[consensus['critere']]} » (médiane "
        f"{number(consensus['mediane'], 1)})."
    )
    split = given.sort_values("ecart_interquartile", ascending=False, kind="stable").iloc[0]
    if split["ecart_interquartile"] >= 1.5:
        lines.append(
            f"Désaccord le plus net : « {titles[split['scenario']]} », critère "
            f"« {labels[split['critere']]} » — la moitié centrale des notes s'étale sur "
            f"{number(split['ecart_interquartile'], 1)} points (écart interquartile) : à "
            "discuter en réunion."
        )
    else:
        lines.append(
            "Les avis sont plutôt resserrés : sur chaque point, la moitié centrale des notes "
            f"tient dans moins d'un point et demi (écart interquartile maximal : "
            f"{number(split['ecart_interquartile'], 2)})."
        )
    abstentions = int(stats["abstentions"].sum())
    cells = len(stats)
    lines.append(
        f"{members} membres ont rendu une grille ; {number(abstentions)} abstention(s) sur "
        f"{number(members * cells)} cases ({percent(100 * abstentions / (members * cells), 0)})."
    )
    return lines


# --------------------------------------------------------------------------- ambition


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
    titles = _titles(scenarios)
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
    titles = _titles(scenarios)
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


def ambition_assumptions(
    table: pd.DataFrame, trends: pd.DataFrame, synthetic: bool = False
) -> list[str]:
    """Every assumption behind the ambition figures, in French.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.ambition` (not empty).
    trends : DataFrame
        Output of :func:`ressol_analysis.scenarios.job_trends`.
    synthetic : bool
        Whether today's ESS figures come from the synthetic demonstration extract (then the
        first line says so).

    Returns
    -------
    list of str
        The hypotheses, stated one by one.
    """
    first = table.iloc[0]
    by = trends.set_index("hypothese")
    centre, low, high = by.loc["centrale"], by.loc["basse"], by.loc["haute"]
    warning = (
        [
            "**Les chiffres de l'ESS viennent ici de données synthétiques de démonstration** : "
            "ces résultats montrent la méthode, pas la situation réelle du territoire."
        ]
        if synthetic
        else []
    )
    return warning + [
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
    titles = _titles(scenarios)
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


# --------------------------------------------------------------------------- formats

_ONE = partial(number, decimals=1)
_TWO = partial(number, decimals=2)
_WHOLE_PERCENT = partial(percent, decimals=0)
# Column → French format of each table above, for formatting.html_table.
WEIGHT_FORMATS = {"Poids": weight, "Part du poids": percent}
AGREEMENT_FORMATS = {
    "Notes": number,
    "Abstentions": number,
    "Moyenne": score,
    "Médiane": _ONE,
    "Écart interquartile": _TWO,
    f"Part de {FAVOURABLE} ou 5": _WHOLE_PERCENT,
}
RANKING_FORMATS = {
    "Rang": number,
    "Score pondéré (sur 5)": score,
    "Rang selon PROMETHEE II": number,
    "Part des tirages en tête": _WHOLE_PERCENT,
}
SWAP_FORMATS = {"Poids actuel": weight, "Poids qui met à égalité": _TWO, "Variation": _TWO}
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
