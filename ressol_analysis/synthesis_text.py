"""The findings of the synthesis page: plain French sentences from the indicator table.

Every figure comes from the tidy indicator table (``territoire_code, territoire, indicateur,
valeur, unite, source, millesime``); one function per topic returns a sentence, or ``None``
when its keys are missing (a key absent from the table is skipped, never an error). Also here:
the key figures shown on the page and the helpers that read the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from .contract import CORE_COLUMNS, row_is_synthetic
from .errors import RessolError
from .formatting import MISSING, number, percent, signed_percent

EPCI_PREFIX = "epci-"  # contract of indicateurs.csv: EPCIs are ``epci-<siren>``
SMALL_NUMBERS = {
    2: "deux",
    3: "trois",
    4: "quatre",
    5: "cinq",
    6: "six",
    7: "sept",
    8: "huit",
    9: "neuf",
    10: "dix",
}


def _one_decimal(value: object) -> str:
    return number(value, 1)


@dataclass(frozen=True)
class KeyFigure:
    """One row of the key-figures table."""

    key: str
    label: str
    fmt: Callable[[object], str]


KEY_FIGURES = (
    KeyFigure("population", "Habitants", number),
    KeyFigure("densite_hab_km2", "Habitants par km²", _one_decimal),
    KeyFigure("part_moins_15_ans", "Part des moins de 15 ans", percent),
    KeyFigure("part_60_ans_plus", "Part des 60 ans et plus", percent),
    KeyFigure("part_75_ans_plus", "Part des 75 ans et plus", percent),
    KeyFigure("emplois_au_lieu_de_travail", "Emplois situés sur le territoire", number),
    KeyFigure("taux_de_chomage_15_64_ans", "Taux de chômage des 15-64 ans (recensement)", percent),
    KeyFigure(
        "part_ess_etablissements_employeurs", "ESS : part des établissements employeurs", percent
    ),
    KeyFigure(
        "part_ess_effectif_salarie_estime", "ESS : part des emplois salariés (estimation)", percent
    ),
)
FORMATS_2013 = {"nombre": number, "densite": _one_decimal, "pourcentage": percent}


def as_published(value: object, kind: str) -> str:
    """Format a 2013 figure with the decimals it was published with (``24 %``, ``14,3 %``)."""
    text = str(value)
    decimals = len(text.split(".")[1]) if "." in text and float(value) % 1 else 0
    if kind == "pourcentage":
        return percent(value, decimals)
    return number(value, decimals)


# ---------------------------------------------------------------------------------------------
# Reading the indicator table


def check_table(indicators: pd.DataFrame, territory_code: str) -> pd.DataFrame:
    """Refuse a table off the contract or without the territory; codes read as text."""
    missing = [c for c in CORE_COLUMNS if c not in indicators.columns]
    if missing:
        raise RessolError(
            f"Le tableau des indicateurs n'a pas les colonnes {', '.join(missing)}. Il doit "
            f"suivre le contrat de indicateurs.csv ({', '.join(CORE_COLUMNS)}…)."
        )
    table = indicators.assign(territoire_code=indicators["territoire_code"].astype(str))
    if territory_code not in set(table["territoire_code"]):
        raise RessolError(
            f"Le territoire « {territory_code} » n'a aucune ligne dans le tableau des "
            "indicateurs. Vérifiez l'identifiant du territoire ou refaites le rapport."
        )
    return table


def area_names(table: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of every area, in the table's order."""
    areas = table[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    return list(areas.itertuples(index=False, name=None))


def comparison_areas(indicators: pd.DataFrame, territory_code: str) -> list[tuple[str, str]]:
    """List the comparison areas of a report: every area but the territory and its EPCIs.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Code of the territory described.

    Returns
    -------
    list of (str, str)
        (code, name) in the table's order (département, named areas, region…).
    """
    return [
        (c, n)
        for c, n in area_names(indicators)
        if c != territory_code and not c.startswith(EPCI_PREFIX)
    ]


def epci_areas(indicators: pd.DataFrame, territory_code: str) -> list[tuple[str, str]]:
    """List the EPCIs of the territory (codes ``epci-…``), in the table's order."""
    return [
        (c, n)
        for c, n in area_names(indicators)
        if c != territory_code and c.startswith(EPCI_PREFIX)
    ]


def indicator_value(table: pd.DataFrame, area: str, key: str) -> float | None:
    """Value of an indicator for an area, ``None`` when absent or missing."""
    rows = table[(table["territoire_code"] == area) & (table["indicateur"] == key)]
    if rows.empty:
        return None
    value = pd.to_numeric(rows["valeur"].iloc[0], errors="coerce")
    return None if pd.isna(value) else float(value)


def has_value(table: pd.DataFrame, area: str, key: str) -> bool:
    """Whether the table has a value for this area and key."""
    return indicator_value(table, area, key) is not None


def indicator_row(table: pd.DataFrame, area: str, key: str) -> pd.Series | None:
    """The tidy row of an indicator for an area (source, vintage…), ``None`` when absent."""
    rows = table[(table["territoire_code"] == area) & (table["indicateur"] == key)]
    return None if rows.empty else rows.iloc[0]


def short_name(name: str) -> str:
    """``Basse-Normandie (Calvados, Manche, Orne)`` → ``Basse-Normandie`` for sentences."""
    return name.split(" (")[0]


# ---------------------------------------------------------------------------------------------
# Findings: one function per topic, each returns a sentence or None when its keys are missing


def _comparison_phrase(
    table: pd.DataFrame, territory: str, key: str, fmt: Callable[[object], str]
) -> tuple[str, str] | None:
    """(position word, "Manche : 83,5 ; Normandie : 111,8") against the comparison areas."""
    value = indicator_value(table, territory, key)
    others = [(n, indicator_value(table, c, key)) for c, n in comparison_areas(table, territory)]
    others = [(n, v) for n, v in others if v is not None]
    if value is None or not others:
        return None
    listed = " ; ".join(f"{short_name(n)} : {fmt(v)}" for n, v in others)
    values = [v for _, v in others]
    tolerance = 0.05 * max(abs(value), 1e-9) if key == "population" else 0.05
    if all(abs(value - v) <= max(tolerance, 0.05) for v in values):
        position = "équivalent"
    elif value < min(values):
        position = "inférieur"
    elif value > max(values):
        position = "supérieur"
    else:
        position = "intermédiaire"
    return position, listed


def _one_in(share: float) -> str | None:
    """``33,0`` → ``un sur trois`` when the share is close to a simple fraction."""
    if share <= 0:
        return None
    n = round(100 / share)
    if n in SMALL_NUMBERS and abs(100 / n - share) <= 1.0:
        return f"un sur {SMALL_NUMBERS[n]}"
    return None


def finding_population(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Describe population and density against the comparison areas."""
    population = indicator_value(table, territory, "population")
    density = indicator_value(table, territory, "densite_hab_km2")
    if population is None or density is None:
        return None
    row = indicator_row(table, territory, "population")
    vintage = str(row["millesime"]).replace("RP ", "recensement de ") if row is not None else ""
    sentence = (
        f"{name} compte {number(population)} habitants ({vintage}), soit "
        f"{number(density, 1)} habitants par km²"
    )
    compared = _comparison_phrase(table, territory, "densite_hab_km2", _one_decimal)
    if compared is None:
        return sentence + "."
    position, listed = compared
    words = {
        "inférieur": "un territoire moins densément peuplé que toutes ses zones de comparaison",
        "supérieur": "un territoire plus densément peuplé que toutes ses zones de comparaison",
        "intermédiaire": "une densité comprise entre celles de ses zones de comparaison",
        "équivalent": "une densité proche de celle de ses zones de comparaison",
    }
    return f"{sentence} : {words[position]} ({listed})."


def _latest_growth_key(table: pd.DataFrame, territory: str) -> str | None:
    keys = sorted(
        k
        for k in table.loc[table["territoire_code"] == territory, "indicateur"].unique()
        if str(k).startswith("taux_evolution_annuel_")
    )
    return keys[-1] if keys else None


def _rate(value: float) -> str:
    """Annual rate with its sign; ``0,00 %`` rather than ``+0,00 %`` when it rounds to zero."""
    return percent(0.0, 2) if round(value, 2) == 0 else signed_percent(value)


def _trend_words(rate: float) -> str:
    if abs(rate) < 0.05:
        return f"est restée presque stable : {_rate(rate)} par an"
    verb = "augmenté" if rate > 0 else "diminué"
    return f"a {verb} de {percent(abs(rate), 2)} par an en moyenne"


def finding_growth(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Latest annual growth of the population, against the comparison areas."""
    key = _latest_growth_key(table, territory)
    rate = indicator_value(table, territory, key) if key else None
    if rate is None:
        return None
    start, end = key.rsplit("_", 2)[-2:]
    others = [(n, indicator_value(table, c, key)) for c, n in comparison_areas(table, territory)]
    listed = " ; ".join(f"{short_name(n)} : {_rate(v)}" for n, v in others if v is not None)
    tail = f" ({listed})" if listed else ""
    return f"Entre {start} et {end}, la population {_trend_words(rate)}{tail}."


def finding_ageing(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Share of people aged 60 and over, and 75 and over."""
    share = indicator_value(table, territory, "part_60_ans_plus")
    if share is None:
        return None
    fraction = _one_in(share)
    head = (
        f"Environ un habitant sur {fraction.split()[-1]} a 60 ans ou plus ({percent(share)})"
        if fraction
        else f"{percent(share)} des habitants ont 60 ans ou plus"
    )
    compared = _comparison_phrase(table, territory, "part_60_ans_plus", percent)
    words = {
        "inférieur": "moins que dans toutes les zones de comparaison",
        "supérieur": "plus que dans toutes les zones de comparaison",
        "intermédiaire": "une part comprise entre celles des zones de comparaison",
        "équivalent": "autant que dans les zones de comparaison",
    }
    sentence = head
    if compared:
        sentence += f" : {words[compared[0]]} ({compared[1]})"
    old = indicator_value(table, territory, "part_75_ans_plus")
    if old is not None:
        sentence += f" ; {percent(old)} ont 75 ans ou plus"
    return sentence + "."


def finding_youth(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Share of under-15s and the ageing index."""
    young = indicator_value(table, territory, "part_moins_15_ans")
    if young is None:
        return None
    compared = _comparison_phrase(table, territory, "part_moins_15_ans", percent)
    sentence = f"Les moins de 15 ans représentent {percent(young)} des habitants"
    if compared:
        sentence += f" ({compared[1]})"
    index = indicator_value(table, territory, "indice_de_vieillissement")
    if index is not None:
        sentence += (
            f" : on compte {number(index)} personnes de 60 ans ou plus pour 100 jeunes "
            "de moins de 15 ans"
        )
    return sentence + "."


def finding_epcis(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Contrasts between the EPCIs of the territory (density, ageing, growth)."""
    epcis = epci_areas(table, territory)
    if len(epcis) < 2:
        return None
    density = {n: indicator_value(table, c, "densite_hab_km2") for c, n in epcis}
    density = {n: v for n, v in density.items() if v is not None}
    parts = []
    if len(density) >= 2:
        densest, sparsest = max(density, key=density.get), min(density, key=density.get)
        parts.append(
            f"{densest} est la plus dense ({number(density[densest], 1)} hab./km²), "
            f"{sparsest} la moins dense ({number(density[sparsest], 1)} hab./km²)"
        )
    old = {n: indicator_value(table, c, "part_60_ans_plus") for c, n in epcis}
    old = {n: v for n, v in old.items() if v is not None}
    if len(old) >= 2:
        oldest = max(old, key=old.get)
        parts.append(
            f"la part des 60 ans ou plus est la plus forte dans {oldest} ({percent(old[oldest])})"
        )
    key = _latest_growth_key(table, territory)
    if key:
        shrinking = [
            n for c, n in epcis if (v := indicator_value(table, c, key)) is not None and v < 0
        ]
        if shrinking:
            start, end = key.rsplit("_", 2)[-2:]
            verb = "a perdu" if len(shrinking) == 1 else "ont perdu"
            parts.append(f"{' et '.join(shrinking)} {verb} des habitants entre {start} et {end}")
    if not parts:
        return None
    return "Les intercommunalités diffèrent : " + " ; ".join(parts) + "."


def finding_employment(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Jobs located in the territory and unemployment rate (census definition)."""
    jobs = indicator_value(table, territory, "emplois_au_lieu_de_travail")
    unemployment = indicator_value(table, territory, "taux_de_chomage_15_64_ans")
    if jobs is None and unemployment is None:
        return None
    parts = []
    if jobs is not None:
        population = indicator_value(table, territory, "population")
        ratio = (
            f", soit {number(100 * jobs / population)} emplois pour 100 habitants"
            if population
            else ""
        )
        parts.append(f"{name} compte {number(jobs)} emplois sur son territoire{ratio}")
    if unemployment is not None:
        compared = _comparison_phrase(table, territory, "taux_de_chomage_15_64_ans", percent)
        listed = f" ({compared[1]})" if compared else ""
        parts.append(
            f"le taux de chômage des 15-64 ans déclaré au recensement est de "
            f"{percent(unemployment)}{listed}"
        )
    text = " ; ".join(parts)
    return text[0].upper() + text[1:] + "."


def finding_ess(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Weight of the ESS among employer establishments and salaried jobs."""
    establishments = indicator_value(table, territory, "part_ess_etablissements_employeurs")
    jobs = indicator_value(table, territory, "part_ess_effectif_salarie_estime")
    if establishments is None and jobs is None:
        return None
    parts = []
    if establishments is not None:
        compared = _comparison_phrase(
            table, territory, "part_ess_etablissements_employeurs", percent
        )
        listed = f" ({compared[1]})" if compared else ""
        parts.append(f"{percent(establishments)} des établissements employeurs{listed}")
    if jobs is not None:
        compared = _comparison_phrase(table, territory, "part_ess_effectif_salarie_estime", percent)
        listed = f" ({compared[1]})" if compared else ""
        low = indicator_value(table, territory, "part_ess_effectif_salarie_estime_bas")
        high = indicator_value(table, territory, "part_ess_effectif_salarie_estime_haut")
        bounds = (
            f", une part que les tranches d'effectifs situent, au pire, entre {percent(low)} et "
            f"{percent(high)}"
            if low is not None and high is not None
            else ""
        )
        parts.append(f"environ {percent(jobs)} des emplois salariés{listed}{bounds}")
    return (
        "L'économie sociale et solidaire (associations, coopératives, mutuelles, "
        f"fondations…) représente {' et '.join(parts)}."
    )


def finding_ess_dynamics(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Evolution of the active ESS establishments since 2013, against all establishments."""
    ess = indicator_value(table, territory, "ess_evolution_etablissements_actifs_depuis_2013")
    every = indicator_value(table, territory, "evolution_etablissements_actifs_depuis_2013")
    if ess is None or every is None:
        return None
    compared = _comparison_phrase(
        table, territory, "ess_evolution_etablissements_actifs_depuis_2013", _signed
    )
    listed = f" ({compared[1]})" if compared else ""
    return (
        f"Depuis le 1er janvier 2013, le nombre d'établissements de l'ESS en activité a varié "
        f"de {_signed(ess)}{listed}, contre {_signed(every)} pour l'ensemble des "
        "établissements (créations moins fermetures, employeurs ou non ; voir « Dynamique de "
        "l'ESS depuis 2013 »)."
    )


def _signed(value: float) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{percent(abs(value))}"


def finding_since_2013(
    table: pd.DataFrame, territory: str, name: str, reference: Mapping | None
) -> str | None:
    """Compare the population with the 2013 diagnostic, when it describes this territory."""
    if not reference or reference.get("territoire") != territory:
        return None
    then = _figure_2013(reference, "population")
    today = indicator_value(table, territory, "population")
    if then is None or today is None:
        return None
    change = 100 * (today - float(then["valeur"])) / float(then["valeur"])
    if abs(change) < 2:
        trend = "un niveau proche"
    else:
        trend = f"{number(abs(change))} % de {'plus' if change > 0 else 'moins'}"
    sentence = (
        f"Le diagnostic de 2013 comptait environ {number(then['valeur'])} habitants ; le "
        f"recensement le plus récent en compte {number(today)}, {trend}"
    )
    check = area_check(reference, table, territory)
    if check is not None and check.differs:
        return (
            f"{sentence}, mais pas sur le même territoire : la population et la densité de 2013 "
            f"supposent environ {number(round(check.area, -1))} km², contre "
            f"{number(check.today)} km² aujourd'hui (voir le tableau « 2013 et aujourd'hui »)."
        )
    return f"{sentence} (voir le tableau « 2013 et aujourd'hui »)."


# ---------------------------------------------------------------------------------------------
# The 2013 diagnostic beside today's figures

DEMO_2013 = "n.d. — données de démonstration"
DEMO_2013_NOTE = (
    "Aujourd'hui : pas de chiffre, car le chapitre ESS de ce rapport est calculé sur un extrait "
    "Sirene fictif : sa valeur est un réglage du générateur, pas une mesure, et ferait lire une "
    "évolution qui n'existe pas. Avec les vrais fichiers Sirene, la comparaison se fait sur le "
    "périmètre indiqué."
)


def published_bounds(value: object) -> tuple[float, float]:
    """Bounds of a figure published rounded: half a unit of its last digit either way.

    ``148000`` → 147 500 to 148 500 (trailing zeros: rounded to the thousand); ``70`` → 65 to
    75; ``14.3`` → 14.25 to 14.35.
    """
    text = str(value)
    if "." in text and float(value) % 1:
        half = 0.5 * 10 ** -len(text.split(".")[1])
    else:
        digits = str(int(float(value)))
        half = 0.5 * 10 ** (len(digits) - len(digits.rstrip("0"))) if int(float(value)) else 0.5
    return float(value) - half, float(value) + half


@dataclass(frozen=True)
class AreaCheck:
    """The area that the population and density of 2013 imply, against today's area."""

    population: float
    density: float
    area: float
    low: float
    high: float
    today: float

    @property
    def differs(self) -> bool:
        """Whether today's area is outside what the rounded 2013 figures allow."""
        return not self.low <= self.today <= self.high


def _figure_2013(reference: Mapping, key: str) -> Mapping | None:
    return next(
        (
            c
            for c in reference.get("chiffres", [])
            if key in c.get("aujourd_hui", {}).get("indicateurs", [])
        ),
        None,
    )


def area_check(reference: Mapping, table: pd.DataFrame, territory: str) -> AreaCheck | None:
    """Whether the 2013 population and density describe today's territory.

    Parameters
    ----------
    reference : mapping
        Content of ``diagnostic_2013.yaml``: a population figure (key ``population``) and a
        density figure whose ``aujourd_hui`` names today's area key (``superficie``).
    table : DataFrame
        Tidy indicator table.
    territory : str
        Code of the territory.

    Returns
    -------
    AreaCheck or None
        Population / density of 2013, with the bounds the rounding of both figures allows,
        and today's area; ``None`` when a figure is missing.
    """
    population = _figure_2013(reference, "population")
    density = next(
        (c for c in reference.get("chiffres", []) if c.get("aujourd_hui", {}).get("superficie")),
        None,
    )
    if population is None or density is None:
        return None
    today = indicator_value(table, territory, density["aujourd_hui"]["superficie"])
    if today is None:
        return None
    pop_low, pop_high = published_bounds(population["valeur"])
    dens_low, dens_high = published_bounds(density["valeur"])
    return AreaCheck(
        population=float(population["valeur"]),
        density=float(density["valeur"]),
        area=float(population["valeur"]) / float(density["valeur"]),
        low=pop_low / dens_high,
        high=pop_high / dens_low,
        today=today,
    )


def area_sentence(check: AreaCheck) -> str:
    """Say in plain words whether the 2013 density describes today's territory."""
    area, low, high = (number(round(v, -1)) for v in (check.area, check.low, check.high))
    head = (
        f"{number(check.population)} habitants à {number(check.density)} hab./km² supposent "
        f"une superficie d'environ {area} km² (de {low} à {high} km² compte tenu des "
        f"arrondis), contre {number(check.today)} km² pour le territoire d'aujourd'hui"
    )
    if check.differs:
        return (
            f"{head} : le périmètre de 2013 n'était pas le même, les deux densités ne se "
            "comparent pas directement."
        )
    return f"{head} : les superficies concordent."


@dataclass(frozen=True)
class Today2013:
    """Today's side of one row of the table « 2013 et aujourd'hui »."""

    value: str
    comparison: str | None
    definition: str | None
    landmarks: tuple[str, ...]
    sources: tuple[str, ...]
    reason: str | None
    perimeter: str | None
    note: str
    synthetic: bool


def _level(code: str, name: str) -> str:
    if code.startswith("dep-"):
        return f"{name} (département)"
    if code.startswith("reg-"):
        return f"{name} (région)"
    return name


def today_2013(
    table: pd.DataFrame, territory: str, figure: Mapping, reference: Mapping
) -> Today2013:
    """Today's figure closest to one figure of the 2013 diagnostic, and what to say about it.

    Parameters
    ----------
    table : DataFrame
        Tidy indicator table (``check_table``).
    territory : str
        Code of the territory.
    figure : mapping
        One figure of ``diagnostic_2013.yaml``.
    reference : mapping
        The whole file (the density row checks the area against the population row).

    Returns
    -------
    Today2013
        The value (``n.d.`` when the territory has none, ``n.d. — données de démonstration``
        when it comes from the synthetic extract: never a synthetic number beside a real 2013
        figure), today's comparison area, the landmarks of other areas with their level, the
        source lines, why the value is missing, today's perimeter and the full note.
    """
    fmt = FORMATS_2013[figure["format"]]
    today = figure["aujourd_hui"]
    names = dict(area_names(table))
    keys = today.get("indicateurs", [])
    key = next((k for k in keys if has_value(table, territory, k)), keys[0])
    row = indicator_row(table, territory, key)
    value = indicator_value(table, territory, key)
    synthetic = row is not None and row_is_synthetic(row)
    note = str(figure["note"])
    sources = []
    comparison = definition = reason = None
    if synthetic:
        shown = DEMO_2013
        note = f"{note} {DEMO_2013_NOTE}"
    elif value is None:
        shown = MISSING
        reason = today.get("absent")
    else:
        shown = fmt(value)
        zone = today.get("zone_comparaison")
        if zone and has_value(table, zone, key):
            comparison = f"{short_name(names[zone])} : {fmt(indicator_value(table, zone, key))}"
        if key != keys[0]:
            label = next((f.label for f in KEY_FIGURES if f.key == key), key)
            definition = f"Indicateur retenu : {label}"
        elif today.get("definition"):
            definition = str(today["definition"])
    if row is not None and not synthetic and value is not None:
        sources.append(f"{row['source']} ({row['millesime']})")
    landmarks = []
    for landmark in today.get("reperes", []):
        code, other = landmark["territoire_code"], landmark["indicateur"]
        found = indicator_value(table, code, other)
        other_row = indicator_row(table, code, other)
        if found is None or other_row is None or row_is_synthetic(other_row):
            continue
        label = f" de {landmark['libelle']}" if landmark.get("libelle") else ""
        landmarks.append(f"{_level(code, names.get(code, code))} : {fmt(found)}{label}")
        line = f"{other_row['source']} ({other_row['millesime']})"
        if line not in sources:
            sources.append(line)
    if today.get("superficie"):
        check = area_check(reference, table, territory)
        if check is not None:
            note = f"{note} {area_sentence(check)}"
    return Today2013(
        value=shown,
        comparison=comparison,
        definition=definition,
        landmarks=tuple(landmarks),
        sources=tuple(sources),
        reason=reason,
        perimeter=today.get("perimetre"),
        note=note,
        synthetic=synthetic,
    )


DEMOGRAPHY_FINDINGS: tuple[Callable[[pd.DataFrame, str, str], str | None], ...] = (
    finding_population,
    finding_growth,
    finding_ageing,
    finding_youth,
    finding_epcis,
)
FINDINGS: tuple[Callable[[pd.DataFrame, str, str], str | None], ...] = (
    *DEMOGRAPHY_FINDINGS,
    finding_employment,
    finding_ess,
    finding_ess_dynamics,
)
# The synthesis gives five to eight findings (issue 5): a ninth would dilute the page.
MAX_FINDINGS = 8
SYNTHETIC_FINDINGS = {
    finding_ess: ("part_ess_etablissements_employeurs", "part_ess_effectif_salarie_estime"),
    finding_ess_dynamics: ("ess_evolution_etablissements_actifs_depuis_2013",),
}


def demography_findings(
    indicators: pd.DataFrame, territory_code: str, territory_name: str
) -> list[str]:
    """The demographic findings: the same sentences in the synthesis and in the chapter.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Code of the territory described.
    territory_name : str
        Its name, as written in the sentences.

    Returns
    -------
    list of str
        Population and density, growth, ageing, youth, contrasts between EPCIs (a sentence
        whose keys are missing is left out).
    """
    table = check_table(indicators, territory_code)
    sentences = [f(table, territory_code, territory_name) for f in DEMOGRAPHY_FINDINGS]
    return [s for s in sentences if s]


def synthesis_findings(
    indicators: pd.DataFrame,
    territory_code: str,
    territory_name: str,
    reference_2013: Mapping | None = None,
) -> list[str]:
    """Five to eight plain-French sentences generated from the indicator table.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Code of the territory described.
    territory_name : str
        Its name, as written in the sentences.
    reference_2013 : mapping, optional
        Content of ``diagnostic_2013.yaml``; adds a sentence when it describes this territory.

    Returns
    -------
    list of str
        At most :data:`MAX_FINDINGS` sentences (fewer when keys are missing), figures in
        French format; beyond eight, the last in reading order give way (the comparison with
        2013 first: it stays on the decision page and in the « 2013 et aujourd'hui » table).
    """
    table = check_table(indicators, territory_code)
    sentences = [f(table, territory_code, territory_name) for f in FINDINGS]
    sentences.append(finding_since_2013(table, territory_code, territory_name, reference_2013))
    return [s for s in sentences if s][:MAX_FINDINGS]
