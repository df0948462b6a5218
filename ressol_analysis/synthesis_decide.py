"""« À retenir et à décider »: the findings and the board's questions that open a report.

Three to five findings say what stands out in the territory against its comparison areas, what
changed since the territory's earlier diagnostic when the figures are comparable, and where the
ESS is; the questions for the board follow from them (an ageing population and care needs, an
intercommunality or a sector where the ESS weighs little). Every point names the chapter that
supports it. Everything is computed from the tidy indicator table and, for « where », from the
ESS commune table (masked cells are never used); a point built on the synthetic SIRENE extract
says so. Nothing here names a place: the names come from the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from .contract import row_is_synthetic
from .formatting import number, percent, points
from .labels import demo_sentence, sentence_case
from .synthesis_text import (
    comparison_areas,
    epci_areas,
    finding_growth,
    finding_population,
    finding_since_2013,
    indicator_row,
    indicator_value,
    short_name,
)

ESS_JOBS = "part_ess_effectif_salarie_estime"
DEMOGRAPHY, ECONOMY, ESS = "01_demographie", "02_economie", "03_ess"
SINCE_2013 = "#diagnostic-2013"  # anchor of the « 2013 et aujourd'hui » table on the index
# A gap smaller than this (in points) is not a finding: it is within rounding and estimation.
GAP_POINTS = 1.0
# A sector is worth a question when it weighs at least this share of the territory's jobs.
SECTOR_MIN_SHARE = 3.0
TOP_COMMUNES = 3


@dataclass(frozen=True)
class Point:
    """One finding or question: its sentence, the chapter supporting it, its data's nature."""

    text: str
    chapter: str
    synthetic: bool = False

    @property
    def sentence(self) -> str:
        """The sentence as shown, with the demonstration mark when it is built on fictive data."""
        return demo_sentence(self.text) if self.synthetic else self.text


def _synthetic(table: pd.DataFrame, territory: str, key: str) -> bool:
    row = indicator_row(table, territory, key)
    return row is not None and row_is_synthetic(row)


def _others(table: pd.DataFrame, territory: str, key: str) -> list[tuple[str, float]]:
    found = [(n, indicator_value(table, c, key)) for c, n in comparison_areas(table, territory)]
    return [(short_name(n), v) for n, v in found if v is not None]


def _listed(others: Sequence[tuple[str, float]], decimals: int = 1) -> str:
    return " ; ".join(f"{n} : {percent(v, decimals)}" for n, v in others)


def _position(value: float, others: Sequence[tuple[str, float]]) -> str | None:
    """``plus`` / ``moins`` when the value is above / below every comparison area by a point."""
    values = [v for _, v in others]
    if not values:
        return None
    if value >= max(values) + GAP_POINTS:
        return "plus"
    if value <= min(values) - GAP_POINTS:
        return "moins"
    return None


# ---------------------------------------------------------------------------------------------
# Findings


def ess_weight(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """Weight of the ESS in salaried jobs against the comparison areas."""
    value = indicator_value(table, territory, ESS_JOBS)
    if value is None:
        return None
    others = _others(table, territory, ESS_JOBS)
    position = _position(value, others)
    head = f"L'ESS représente environ {percent(value)} des emplois salariés de {name}"
    if position:
        tail = f", {position} que dans chacune de ses zones de comparaison ({_listed(others)})"
    elif others:
        tail = f", une part proche de celle de ses zones de comparaison ({_listed(others)})"
    else:
        tail = ""
    return Point(f"{head}{tail}.", ESS, _synthetic(table, territory, ESS_JOBS))


def _ageing_gap(
    table: pd.DataFrame, territory: str
) -> tuple[float, int, str, list[tuple[str, float]]] | None:
    """(share, age, position, others) of the first of 75+ and 60+ that stands out."""
    for key, age in (("part_75_ans_plus", 75), ("part_60_ans_plus", 60)):
        value = indicator_value(table, territory, key)
        if value is None:
            continue
        others = _others(table, territory, key)
        position = _position(value, others)
        if position is not None:
            return value, age, position, others
    return None


def ageing(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """Share of people aged 75 (else 60) and over, when it stands out from the comparison areas."""
    gap = _ageing_gap(table, territory)
    if gap is None:
        return None
    value, age, position, others = gap
    return Point(
        f"{percent(value)} des habitants ont {age} ans ou plus, {position} que dans chacune des "
        f"zones de comparaison ({_listed(others)}).",
        DEMOGRAPHY,
    )


def unemployment(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """Census unemployment rate, when it stands out from the comparison areas."""
    value = indicator_value(table, territory, "taux_de_chomage_15_64_ans")
    if value is None:
        return None
    others = _others(table, territory, "taux_de_chomage_15_64_ans")
    position = _position(value, others)
    if position is None:
        return None
    words = "plus élevé" if position == "plus" else "plus bas"
    return Point(
        f"Le taux de chômage des 15-64 ans déclaré au recensement ({percent(value)}) est "
        f"{words} que dans chacune des zones de comparaison ({_listed(others)}).",
        ECONOMY,
    )


def since_2013(
    table: pd.DataFrame, territory: str, name: str, reference: Mapping | None
) -> Point | None:
    """What changed since the territory's 2013 diagnostic (population: real figures only)."""
    sentence = finding_since_2013(table, territory, name, reference)
    return Point(sentence, SINCE_2013) if sentence else None


def where_ess(
    communes: pd.DataFrame | None, table: pd.DataFrame, territory: str, name: str
) -> Point | None:
    """The communes with the most ESS jobs, from published (unmasked) cells only.

    Parameters
    ----------
    communes : DataFrame or None
        :func:`ressol_analysis.ess_communes.commune_table` rows of the territory with ``LIBELLE``.
    table : DataFrame
        Tidy indicator table (the unmasked total of the territory).
    territory, name : str
        Code and name of the territory.

    Returns
    -------
    Point or None
        ``None`` without communes, total or unmasked ESS jobs.
    """
    total = indicator_value(table, territory, "ess_effectif_salarie_estime")
    if communes is None or communes.empty or not total:
        return None
    shown = communes[~communes["secret_ess"].astype(bool)]
    shown = shown[shown["ess_effectif_salarie_estime"] > 0]
    top = shown.sort_values("ess_effectif_salarie_estime", ascending=False).head(TOP_COMMUNES)
    if top.empty:
        return None
    listed = ", ".join(
        f"{row.LIBELLE} ({number(row.ess_effectif_salarie_estime)})" for row in top.itertuples()
    )
    share = 100 * float(top["ess_effectif_salarie_estime"].sum()) / total
    count = len(top)
    who = "La commune qui compte" if count == 1 else f"Les {count} communes qui comptent"
    return Point(
        f"{who} le plus d'emplois salariés estimés dans l'ESS : {listed} ; "
        f"{'elle rassemble' if count == 1 else 'elles rassemblent'} {percent(share, 0)} des "
        f"emplois de l'ESS de {name} (voir la carte).",
        ESS,
        _synthetic(table, territory, "ess_effectif_salarie_estime"),
    )


def findings(
    table: pd.DataFrame,
    territory: str,
    name: str,
    reference: Mapping | None = None,
    communes: pd.DataFrame | None = None,
) -> list[Point]:
    """The three to five findings that open the report.

    Parameters
    ----------
    table : DataFrame
        Tidy indicator table (``check_table`` applied).
    territory, name : str
        Code and name of the territory.
    reference : mapping, optional
        The territory's 2013 diagnostic (its file's ``diagnostic_2013`` key), or None.
    communes : DataFrame, optional
        ESS commune table of the territory (see :func:`where_ess`).

    Returns
    -------
    list of Point
        In reading order: the ESS against the comparison areas, where it is, what stands out in
        the population and jobs, what changed since 2013 — completed by the population and its
        trend when fewer than three stand out; at most five.
    """
    found = [
        ess_weight(table, territory, name),
        where_ess(communes, table, territory, name),
        ageing(table, territory, name),
        unemployment(table, territory, name),
        since_2013(table, territory, name, reference),
    ]
    found = [p for p in found if p]
    # Fewer than three points stand out: the population and its trend complete the picture.
    for finding in (finding_population, finding_growth):
        sentence = finding(table, territory, name) if len(found) < 3 else None
        if sentence:
            found.append(Point(sentence, DEMOGRAPHY))
    return found[:5]


# ---------------------------------------------------------------------------------------------
# Questions for the board


def question_care(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """Care needs when the share of people aged 75 (else 60) and over is above every area."""
    gap = _ageing_gap(table, territory)
    if gap is None or gap[2] != "plus":
        return None
    value, age = gap[0], gap[1]
    return Point(
        f"Avec {percent(value)} d'habitants de {age} ans ou plus, les besoins d'aide à domicile, "
        "de soins et d'accompagnement vont peser : quelle part l'ESS (associations d'aide à "
        "domicile, établissements non lucratifs, mutuelles) doit-elle y prendre, et avec qui ?",
        DEMOGRAPHY,
    )


def question_epci(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """The intercommunality where the ESS weighs least, a point or more below the highest."""
    shares = {n: indicator_value(table, c, ESS_JOBS) for c, n in epci_areas(table, territory)}
    shares = {n: v for n, v in shares.items() if v is not None}
    whole = indicator_value(table, territory, ESS_JOBS)
    if len(shares) < 2 or whole is None:
        return None
    lowest, highest = min(shares, key=shares.get), max(shares, key=shares.get)
    if shares[highest] - shares[lowest] < GAP_POINTS or shares[lowest] >= whole:
        return None
    return Point(
        f"L'ESS pèse {percent(shares[lowest])} des emplois salariés dans {lowest}, contre "
        f"{percent(shares[highest])} dans {highest} ({percent(whole)} pour {name}) : faut-il "
        f"porter l'effort d'accompagnement de projets sur {lowest} ?",
        ESS,
        _synthetic(table, territory, ESS_JOBS),
    )


def question_sector(sectors: pd.DataFrame | None, territory: str, reference: str) -> Point | None:
    """The sector where the ESS holds the most fewer jobs than in the reference area.

    Parameters
    ----------
    sectors : DataFrame or None
        :func:`ressol_analysis.ess.ess_by_sector` (A21) for the territory and the reference
        area: ``territoire_code``, ``territoire``, ``libelle``, ``effectif_salarie_estime``,
        ``part_ess_effectif_salarie_estime``, and ``synthetique`` (bool) when fictive.
    territory : str
        Code of the territory.
    reference : str
        Code of the reference area (the region).

    Returns
    -------
    Point or None
        A question about the sector of some weight (at least 3 % of the territory's jobs)
        where the ESS share is furthest below the reference area's, by at least five points.
    """
    if sectors is None or sectors.empty:
        return None
    mine = sectors[sectors["territoire_code"] == territory].set_index("libelle")
    theirs = sectors[sectors["territoire_code"] == reference].set_index("libelle")
    if mine.empty or theirs.empty:
        return None
    weight = 100 * mine["effectif_salarie_estime"] / mine["effectif_salarie_estime"].sum()
    gap = (
        theirs["part_ess_effectif_salarie_estime"].reindex(mine.index)
        - mine["part_ess_effectif_salarie_estime"]
    )
    gap = gap[(weight >= SECTOR_MIN_SHARE) & (gap >= 5 * GAP_POINTS)].dropna()
    if gap.empty:
        return None
    sector = gap.idxmax()
    region = short_name(str(theirs["territoire"].iloc[0]))
    synthetic = bool(sectors.get("synthetique", pd.Series([False])).any())
    return Point(
        f"Dans le secteur « {sentence_case(str(sector))} » ({percent(weight[sector], 0)} des "
        f"emplois salariés du territoire), l'ESS tient {percent(mine.at[sector, ESS_JOBS])} des "
        f"emplois, contre {percent(theirs.at[sector, ESS_JOBS])} en {region} "
        f"({points(gap[sector], 0)} d'écart) : est-ce un secteur où susciter ou accompagner des "
        "projets de l'ESS ?",
        ESS,
        synthetic,
    )


def question_ess_weight(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """The ambition for the ESS, when it weighs less than in every comparison area."""
    value = indicator_value(table, territory, ESS_JOBS)
    if value is None or _position(value, _others(table, territory, ESS_JOBS)) != "moins":
        return None
    return Point(
        f"L'ESS pèse moins dans l'emploi de {name} que dans chacune des zones de comparaison : "
        "quel objectif de développement le réseau se fixe-t-il, et dans quels secteurs ?",
        ESS,
        _synthetic(table, territory, ESS_JOBS),
    )


def question_unemployment(table: pd.DataFrame, territory: str, name: str) -> Point | None:
    """Inclusion through work when unemployment is above every comparison area."""
    key = "taux_de_chomage_15_64_ans"
    value = indicator_value(table, territory, key)
    if value is None or _position(value, _others(table, territory, key)) != "plus":
        return None
    return Point(
        f"Le chômage ({percent(value)} des 15-64 ans au recensement) dépasse celui de chaque "
        "zone de comparaison : l'insertion par l'activité économique doit-elle être une "
        "priorité du plan d'actions ?",
        ECONOMY,
    )


def questions(
    table: pd.DataFrame,
    territory: str,
    name: str,
    sectors: pd.DataFrame | None = None,
    reference_area: str | None = None,
) -> list[Point]:
    """The questions the diagnostic puts to the board, each from a finding.

    Parameters
    ----------
    table : DataFrame
        Tidy indicator table (``check_table`` applied).
    territory, name : str
        Code and name of the territory.
    sectors : DataFrame, optional
        ESS by A21 sector for the territory and ``reference_area`` (see
        :func:`question_sector`).
    reference_area : str, optional
        Code of the area the sectors are compared with.

    Returns
    -------
    list of Point
        Care needs, the weakest intercommunality, the weakest sector, the ambition, inclusion
        through work — those the figures support; possibly none.
    """
    found = [
        question_care(table, territory, name),
        question_epci(table, territory, name),
        question_sector(sectors, territory, reference_area) if reference_area else None,
        question_ess_weight(table, territory, name),
        question_unemployment(table, territory, name),
    ]
    return [p for p in found if p]


# ---------------------------------------------------------------------------------------------
# The section of the index


def _link(point: Point, chapters: Mapping[str, tuple[str, str]]) -> str:
    """`` <a href="03_ess.html">→ chapitre « ESS »</a>`` for the chapter supporting a point."""
    if point.chapter.startswith("#"):
        return f' <a class="chapitre" href="{escape(point.chapter)}">→ « 2013 et aujourd\'hui »</a>'
    found = chapters.get(point.chapter)
    if found is None:
        return ""
    title, page = found
    return f' <a class="chapitre" href="{escape(page)}">→ chapitre « {escape(title)} »</a>'


def decision_html(
    found: Sequence[Point],
    asked: Sequence[Point],
    chapters: Mapping[str, tuple[str, str]],
    map_html: str = "",
) -> str:
    """The section « À retenir et à décider » that opens the index and the PDF.

    Parameters
    ----------
    found, asked : sequence of Point
        Output of :func:`findings` and :func:`questions`.
    chapters : mapping
        Chapter notebook name (``03_ess``) → (title, page file name).
    map_html : str
        The map of the ESS by commune (a ``<figure>``), shown between findings and questions.

    Returns
    -------
    str
        ``<section id="a-retenir">``.
    """
    items = "".join(f"<li>{escape(p.sentence)}{_link(p, chapters)}</li>" for p in found)
    if asked:
        questions_html = (
            '<ol class="questions">'
            + "".join(f"<li>{escape(p.sentence)}{_link(p, chapters)}</li>" for p in asked)
            + "</ol>"
        )
    else:
        questions_html = (
            "<p>Les chiffres ne font ressortir aucun écart marqué avec les zones de comparaison "
            "qui appelle une question particulière : les scénarios et le plan d'actions "
            "partent des chapitres.</p>"
        )
    return (
        '<section id="a-retenir"><h2>À retenir et à décider</h2>'
        f'<h3>Ce qui ressort des chiffres</h3><ul class="constats">{items}</ul>'
        f"{map_html}"
        "<h3>Les questions posées au bureau</h3>"
        f"{questions_html}</section>\n"
    )
