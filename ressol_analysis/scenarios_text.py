"""French tables and findings of the scenarios chapter, generated from the numbers.

Every figure comes from :mod:`ressol_analysis.scenarios`. Individual grids are never shown:
tables and sentences speak of members in aggregate (counts, means, medians, shares), never by
name, so the board sees where members agree without seeing who said what.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from . import formatting
from .formatting import number, percent
from .scenarios import DRAWS, FAVOURABLE, SPREAD
from .scenarios_sheets import Decision, ScenarioFolder


def scenario_titles(scenarios: pd.DataFrame) -> dict[str, str]:
    """Scenario id → title."""
    return dict(zip(scenarios["scenario"], scenarios["titre"], strict=True))


def _labels(criteres: pd.DataFrame) -> dict[str, str]:
    return dict(zip(criteres["critere"], criteres["libelle"], strict=True))


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
            formatting.euros(round(means["budget"].mean())) if len(means) else "non précisé",
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


def weight(value: object) -> str:
    """Format a weight without useless decimals (``3``, ``0,83``)."""
    text = number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def swap_sentence(swaps: pd.DataFrame, titles: dict[str, str]) -> str | None:
    """The smallest change of one weight that would swap the two leaders, in French.

    Parameters
    ----------
    swaps : DataFrame
        Output of :func:`ressol_analysis.scenarios.swap_weights`.
    titles : dict
        Scenario id → title.

    Returns
    -------
    str or None
        None when no single weight swaps them (or there is no single leader).
    """
    best = swaps[swaps["plus_petite"]] if len(swaps) else swaps
    if best.empty:
        return None
    row = best.iloc[0]
    verb = "ramener" if row["poids_de_bascule"] < row["poids"] else "porter"
    return (
        f"Il suffirait de {verb} le poids du critère « {row['libelle']} » de "
        f"{weight(row['poids'])} à {weight(row['poids_de_bascule'])} pour que "
        f"« {titles[row['second']]} » passe devant « {titles[row['premier']]} » : c'est le plus "
        "petit changement d'un seul poids qui inverse les deux premiers."
    )


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
    titles = titles or scenario_titles(table)
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
    swap = swap_sentence(swaps, titles)
    if swap:
        lines.append(swap)
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
    titles, labels = scenario_titles(scenarios), _labels(criteres)
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
    titles, labels = scenario_titles(scenarios), _labels(criteres)
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
SWAP_FORMATS = {
    "Poids actuel": weight,
    "Poids qui met à égalité": _TWO,
    "Variation": lambda v: number(v, 2) if pd.isna(v) or v <= 0 else f"+{number(v, 2)}",
}


# --------------------------------------------------------------------------- the chapter

HEATMAP_ALT = (
    "Tableau coloré : note moyenne de chaque scénario (en ligne) sur chaque critère (en colonne), "
    "du rouge (1, très défavorable) au vert (5, très favorable), avec le nombre de notes."
)
RANKING_ALT = (
    "Barres : score pondéré de chaque scénario avec son rang selon les deux méthodes, et part "
    "des tirages de poids où il arrive en tête."
)
# Headings and French commentary of each section, shown only when the territory has scenarios.
SECTIONS = {
    "scenarios": "## Les scénarios côte à côte\n\nCe que chaque scénario met en avant dans le "
    "plan d'actions 2013 de RESSOL, les moyens qu'il demande et ce qu'il vise.",
    "notes": "## Ce que pensent les membres\n\nChaque case donne la note moyenne d'un scénario "
    "sur un critère, calculée sur les membres qui se sont prononcés (les abstentions ne comptent "
    "pas). Le tableau qui suit dit si les membres sont d'accord : la **médiane** est la note du "
    "milieu, l'**écart interquartile** l'étendue de la moitié centrale des notes (0 : "
    "unanimité ; 2 ou plus : avis partagés).",
    "classement": "## Le classement et sa solidité\n\nLe **score pondéré** d'un scénario est la "
    "moyenne de ses notes moyennes, chaque critère comptant selon son poids : score = Σ poids × "
    "moyenne / Σ poids, sur l'échelle de 1 à 5. Une seconde méthode, **PROMETHEE II**, compare "
    "les scénarios deux à deux, critère par critère : elle ne regarde que lequel fait mieux, pas "
    "de combien. Pour éprouver le classement, les poids sont tirés au hasard à ±50 % de leur "
    "valeur ; on compte la part des tirages où chaque scénario arrive en tête.",
    "ambition": "## L'ambition des scénarios face au diagnostic\n\nCe que chaque ambition "
    "chiffrée demande, compte tenu des chiffres d'aujourd'hui. Les hypothèses sont énoncées une "
    "à une sous les tableaux.",
}
METHOD_NOTE = (
    "## Méthode\n\nLes grilles sont vérifiées avant tout calcul : notes entières de 1 à 5 (case "
    "vide : abstention), scénarios et critères connus, un membre une seule fois, une seule note "
    "par scénario et par critère. Un critère qu'aucun membre n'a noté pour un scénario est retiré "
    "du score de ce scénario et signalé. À score égal, les scénarios partagent le meilleur rang. "
    "Les tirages de poids sont reproductibles (graine fixée). Le format des fichiers et le détail "
    "des calculs sont décrits dans `docs/scenarios.md`."
)


def grouped(table: pd.DataFrame, column: str = "Scénario") -> pd.DataFrame:
    """The table with ``column`` written only on the first of consecutive equal rows.

    For display: a scenario's title heads its group of rows instead of being repeated.
    """
    repeated = table[column].eq(table[column].shift())
    return table.assign(**{column: table[column].where(~repeated, "")})


def ambition_intro(synthetic: bool) -> str:
    """Heading and introduction of the ambition section, reminding when figures are synthetic."""
    text = SECTIONS["ambition"]
    if synthetic:
        text += (
            " **Les chiffres de l'ESS d'aujourd'hui viennent ici de données synthétiques de "
            "démonstration** (voir l'avertissement en tête du chapitre) : les nombres d'emplois "
            "ci-dessous montrent la méthode, pas la situation du territoire."
        )
    return text


def heading(folder: ScenarioFolder | None, territory_name: str, synthetic: bool) -> str:
    """First paragraph of the chapter, with its warnings before any finding.

    Parameters
    ----------
    folder : ScenarioFolder or None
        The territory's scenarios, or None when it names no scenarios folder.
    territory_name : str
        Name of the territory.
    synthetic : bool
        Whether the diagnostic's ESS figures come from the synthetic demonstration extract
        (they are used by the ambition section).

    Returns
    -------
    str
        Markdown: what was scored by whom, then a warning when the scenarios are examples and
        one when today's ESS figures are synthetic; for a territory without scenarios, a plain
        statement that there are none.
    """
    if folder is None:
        return (
            f"**Territoire : {territory_name}** — aucun scénario n'a été soumis aux membres pour "
            "ce territoire : le fichier du territoire ne nomme pas de dossier de scénarios. Ce "
            "chapitre ne montre donc ni notes, ni classement. Pour l'ajouter, indiquez le dossier "
            "des scénarios et des grilles des membres (clé « scenarios » du fichier du "
            "territoire, voir docs/scenarios.md)."
        )
    text = (
        f"**Territoire : {territory_name}** — {len(folder.scenarios)} scénarios notés par "
        f"{folder.members} membres sur {len(folder.criteres)} critères."
    )
    if folder.definition.example:
        text += (
            "\n\n> **Attention : ces scénarios et ces grilles sont des exemples**, écrits pour "
            "montrer la démarche. Ce ne sont ni des propositions de RESSOL, ni des avis de ses "
            "membres."
        )
    if synthetic:
        text += (
            "\n\n> **Données synthétiques de démonstration.** Les chiffres de l'ESS d'aujourd'hui "
            "utilisés dans la partie « L'ambition des scénarios face au diagnostic » viennent "
            "d'un extrait fabriqué pour la démonstration : ils montrent la méthode, pas la "
            "situation réelle du territoire. Ne pas les citer."
        )
    return text


def scenarios_html(folder: ScenarioFolder) -> str:
    """The scenarios side by side (:func:`scenarios_table`) as an HTML table."""
    definition = folder.definition
    return formatting.html_table(
        scenarios_table(folder),
        {},
        title="Les scénarios soumis aux membres",
        source=f"dossier de scénarios ({definition.path.name}) ; cadre : {definition.framework}",
    )


def weights_html(folder: ScenarioFolder) -> str:
    """The criteria and their weights (:func:`weights_table`) as an HTML table."""
    return formatting.html_table(
        weights_table(folder.criteres),
        WEIGHT_FORMATS,
        title="Les critères de notation et leur poids",
        source=source_line(folder),
    )


def agreement_html(stats: pd.DataFrame, folder: ScenarioFolder) -> str:
    """The members' agreement (:func:`agreement_table`) as an HTML table, without names."""
    return formatting.html_table(
        grouped(agreement_table(stats, folder.criteres, folder.scenarios)),
        AGREEMENT_FORMATS,
        title="Accord des membres, par scénario et par critère",
        source=source_line(folder),
        note=f"Part de {FAVOURABLE} ou 5 : parmi les notes données. n.d. : aucun membre ne "
        "s'est prononcé.",
    )


def ranking_html(table: pd.DataFrame, folder: ScenarioFolder) -> str:
    """The ranking (:func:`ranking_table`) as an HTML table.

    The column of unscored criteria is shown only when some scenario has one.
    """
    shown = ranking_table(table, folder.criteres)
    if shown["Critères non notés"].eq("aucun").all():
        shown = shown.drop(columns="Critères non notés")
    return formatting.html_table(
        shown,
        RANKING_FORMATS,
        title="Classement des scénarios",
        source=source_line(folder),
    )


def swap_html(swaps: pd.DataFrame, folder: ScenarioFolder) -> str:
    """The weights that would swap the two leaders (:func:`swap_table`); empty if none."""
    if swaps.empty:
        return ""
    return formatting.html_table(
        swap_table(swaps),
        SWAP_FORMATS,
        title="Poids d'un critère qui mettrait les deux premiers à égalité (les autres poids "
        "inchangés)",
        source=source_line(folder),
        note="n.d. : aucun poids, même nul ou très grand, n'inverse les deux premiers.",
    )


# --------------------------------------------------------------------------- synthesis page


def _ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


def synthesis_lines(
    folder: ScenarioFolder,
    table: pd.DataFrame,
    swaps: pd.DataFrame,
    draws: int = DRAWS,
    spread: float = SPREAD,
) -> list[str]:
    """What the synthesis page says of the scenarios, in plain French (no Markdown).

    Parameters
    ----------
    folder : ScenarioFolder
        The territory's scenarios (its decision, whether they are examples).
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.classement`.
    swaps : DataFrame
        Output of :func:`ressol_analysis.scenarios.swap_weights`.
    draws, spread : int, float
        Parameters used for the share of draws (quoted in the text).

    Returns
    -------
    list of str
        The retained scenario with its date and its place in the members' ranking, or, without
        a decision, the leading scenario with how robust its lead is: share of weight draws in
        which it stays first, the smallest change of one weight that would swap the two
        leaders, and whether the second method agrees. Whether they are examples is said by
        :func:`example_warning`.
    """
    titles = scenario_titles(folder.scenarios)
    ranked = table.dropna(subset=["score"])
    leaders = ranked[ranked["rang"] == 1]
    members = f"des {folder.members} membres" if folder.members > 1 else "du membre"
    lines: list[str] = []
    decision = folder.decision
    if decision is not None:
        row = table[table["scenario"] == decision.scenario].iloc[0]
        if pd.isna(row["rang"]):
            place = "il n'avait reçu aucune note"
        else:
            tied = " ex aequo" if (ranked["rang"] == row["rang"]).sum() > 1 else ""
            place = (
                f"il était classé {_ordinal(int(row['rang']))}{tied} sur {len(ranked)} "
                f"(score pondéré {score(row['score'])} sur 5)"
            )
        lines.append(
            f"Le {decision.instance} a retenu le scénario « {titles[decision.scenario]} » le "
            f"{decision.date:%d/%m/%Y}. Dans les notes {members}, {place}."
        )
        return lines
    if leaders.empty:
        return ["Aucun scénario n'a encore reçu de note."]
    undecided = f"Aucun scénario n'a encore été retenu. Dans les notes {members}, "
    if len(leaders) > 1:
        names = " et ".join(f"« {t} »" for t in leaders["titre"])
        lines.append(
            f"{undecided}{names} sont à égalité en tête (score pondéré "
            f"{score(leaders['score'].iloc[0])} sur 5) : les notes ne les départagent pas."
        )
        return lines
    first = leaders.iloc[0]
    behind = ""
    if len(ranked) > 1:
        second = ranked.iloc[1]
        behind = f", devant « {second['titre']} » ({score(second['score'])})"
    lines.append(
        f"{undecided}« {first['titre']} » arrive en tête avec un score pondéré de "
        f"{score(first['score'])} sur 5{behind}."
    )
    lines.append(
        f"Il reste en tête dans {percent(first['part_tirages_en_tete'], 0)} de {number(draws)} "
        f"tirages où chaque poids varie au hasard de ±{percent(100 * spread, 0)}."
    )
    swap = swap_sentence(swaps, titles)
    if swap:
        lines.append(swap)
    elif len(ranked) > 1:
        lines.append("Aucun changement d'un seul poids ne ferait passer le deuxième devant.")
    other = table[table["rang_promethee"] == 1]["titre"].tolist()
    if other and first["titre"] not in other:
        lines.append(
            "La seconde méthode de classement (PROMETHEE II) met en tête "
            + " et ".join(f"« {t} »" for t in other)
            + " : le classement dépend de la méthode."
        )
    elif other:
        lines.append("La seconde méthode de classement (PROMETHEE II) place le même en tête.")
    return lines


def example_warning(folder: ScenarioFolder) -> str | None:
    """The sentence that says the scenarios are examples (None for real ones)."""
    if not folder.definition.example:
        return None
    return (
        "Ces scénarios et ces notes sont des exemples, écrits pour montrer la démarche : ce ne "
        "sont ni des propositions de RESSOL, ni des avis de ses membres."
    )
