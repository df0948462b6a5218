"""The synthesis page of a report (``index.html``) and the XLSX copy of the indicator table.

The page is what a board member opens first: findings in plain French generated from the
indicators, the key figures of the territory against its comparison areas, the figures of the
2013 diagnostic next to today's, links to the chapters and to the indicator files, and an
appendix on sources and method. It is one self-contained HTML file: inline CSS, no script, no
external address, readable on a phone and printable.

Every figure comes from the tidy indicator table (``territoire_code, territoire, indicateur,
valeur, unite, source, millesime``); the 2013 figures are data in
``reference/diagnostic_2013.yaml``. A key absent from the table is skipped, never an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .contract import TIDY_COLUMNS
from .errors import RessolError
from .files import check_folder, write_atomic
from .formatting import number, percent, points, signed_percent
from .labels import SYNTHETIC_MARK
from .sources.manifest import RawFile

REFERENCE_2013 = Path(__file__).parent / "reference" / "diagnostic_2013.yaml"
EPCI_PREFIX = "epci-"  # contract of indicateurs.csv: EPCIs are ``epci-<siren>``
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
LIST_ITEM = re.compile(r"^(\s*)(-|\*|\d+\.)\s+(.*)$")
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


def _as_published(value: object, kind: str) -> str:
    """Format a 2013 figure with the decimals it was published with (``24 %``, ``14,3 %``)."""
    text = str(value)
    decimals = len(text.split(".")[1]) if "." in text and float(value) % 1 else 0
    if kind == "pourcentage":
        return percent(value, decimals)
    return number(value, decimals)


# ---------------------------------------------------------------------------------------------
# Reading the indicator table


def _check_table(indicators: pd.DataFrame, territory_code: str) -> pd.DataFrame:
    missing = [c for c in TIDY_COLUMNS if c not in indicators.columns]
    if missing:
        raise RessolError(
            f"Le tableau des indicateurs n'a pas les colonnes {', '.join(missing)}. Il doit "
            f"suivre le contrat de indicateurs.csv ({', '.join(TIDY_COLUMNS)})."
        )
    table = indicators.assign(territoire_code=indicators["territoire_code"].astype(str))
    if territory_code not in set(table["territoire_code"]):
        raise RessolError(
            f"Le territoire « {territory_code} » n'a aucune ligne dans le tableau des "
            "indicateurs. Vérifiez l'identifiant du territoire ou refaites le rapport."
        )
    return table


def _areas(table: pd.DataFrame) -> list[tuple[str, str]]:
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
        for c, n in _areas(indicators)
        if c != territory_code and not c.startswith(EPCI_PREFIX)
    ]


def epci_areas(indicators: pd.DataFrame, territory_code: str) -> list[tuple[str, str]]:
    """List the EPCIs of the territory (codes ``epci-…``), in the table's order."""
    return [
        (c, n) for c, n in _areas(indicators) if c != territory_code and c.startswith(EPCI_PREFIX)
    ]


def _value(table: pd.DataFrame, area: str, key: str) -> float | None:
    rows = table[(table["territoire_code"] == area) & (table["indicateur"] == key)]
    if rows.empty:
        return None
    value = pd.to_numeric(rows["valeur"].iloc[0], errors="coerce")
    return None if pd.isna(value) else float(value)


def _has(table: pd.DataFrame, area: str, key: str) -> bool:
    return _value(table, area, key) is not None


def _row(table: pd.DataFrame, area: str, key: str) -> pd.Series | None:
    rows = table[(table["territoire_code"] == area) & (table["indicateur"] == key)]
    return None if rows.empty else rows.iloc[0]


def _short(name: str) -> str:
    """``Basse-Normandie (Calvados, Manche, Orne)`` → ``Basse-Normandie`` for sentences."""
    return name.split(" (")[0]


def is_synthetic_source(source: str, synthetic: bool) -> bool:
    """Whether a row with this source line is built from the synthetic demonstration data.

    Only the Sirene extract can be synthetic (the real stock files cannot ship with the
    project): when ``synthetic`` is true, every row whose source names Sirene, or says it is
    synthetic, is marked.
    """
    text = str(source).lower()
    return synthetic and ("sirene" in text or "synthétique" in text)


def _key_synthetic(table: pd.DataFrame, key: str, synthetic: bool) -> bool:
    sources = table.loc[table["indicateur"] == key, "source"]
    return any(is_synthetic_source(s, synthetic) for s in sources)


# ---------------------------------------------------------------------------------------------
# Findings: one function per topic, each returns a sentence or None when its keys are missing


def _comparison_phrase(
    table: pd.DataFrame, territory: str, key: str, fmt: Callable[[object], str]
) -> tuple[str, str] | None:
    """(position word, "Manche : 83,5 ; Normandie : 111,8") against the comparison areas."""
    value = _value(table, territory, key)
    others = [(n, _value(table, c, key)) for c, n in comparison_areas(table, territory)]
    others = [(n, v) for n, v in others if v is not None]
    if value is None or not others:
        return None
    listed = " ; ".join(f"{_short(n)} : {fmt(v)}" for n, v in others)
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
    population = _value(table, territory, "population")
    density = _value(table, territory, "densite_hab_km2")
    if population is None or density is None:
        return None
    row = _row(table, territory, "population")
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
    rate = _value(table, territory, key) if key else None
    if rate is None:
        return None
    start, end = key.rsplit("_", 2)[-2:]
    others = [(n, _value(table, c, key)) for c, n in comparison_areas(table, territory)]
    listed = " ; ".join(f"{_short(n)} : {_rate(v)}" for n, v in others if v is not None)
    tail = f" ({listed})" if listed else ""
    return f"Entre {start} et {end}, la population {_trend_words(rate)}{tail}."


def finding_ageing(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Share of people aged 60 and over, and 75 and over."""
    share = _value(table, territory, "part_60_ans_plus")
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
    old = _value(table, territory, "part_75_ans_plus")
    if old is not None:
        sentence += f" ; {percent(old)} ont 75 ans ou plus"
    return sentence + "."


def finding_youth(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Share of under-15s and the ageing index."""
    young = _value(table, territory, "part_moins_15_ans")
    if young is None:
        return None
    compared = _comparison_phrase(table, territory, "part_moins_15_ans", percent)
    sentence = f"Les moins de 15 ans représentent {percent(young)} des habitants"
    if compared:
        sentence += f" ({compared[1]})"
    index = _value(table, territory, "indice_de_vieillissement")
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
    density = {n: _value(table, c, "densite_hab_km2") for c, n in epcis}
    density = {n: v for n, v in density.items() if v is not None}
    parts = []
    if len(density) >= 2:
        densest, sparsest = max(density, key=density.get), min(density, key=density.get)
        parts.append(
            f"{densest} est la plus dense ({number(density[densest], 1)} hab./km²), "
            f"{sparsest} la moins dense ({number(density[sparsest], 1)} hab./km²)"
        )
    old = {n: _value(table, c, "part_60_ans_plus") for c, n in epcis}
    old = {n: v for n, v in old.items() if v is not None}
    if len(old) >= 2:
        oldest = max(old, key=old.get)
        parts.append(
            f"la part des 60 ans ou plus est la plus forte dans {oldest} ({percent(old[oldest])})"
        )
    key = _latest_growth_key(table, territory)
    if key:
        shrinking = [n for c, n in epcis if (v := _value(table, c, key)) is not None and v < 0]
        if shrinking:
            start, end = key.rsplit("_", 2)[-2:]
            verb = "a perdu" if len(shrinking) == 1 else "ont perdu"
            parts.append(f"{' et '.join(shrinking)} {verb} des habitants entre {start} et {end}")
    if not parts:
        return None
    return "Les intercommunalités diffèrent : " + " ; ".join(parts) + "."


def finding_employment(table: pd.DataFrame, territory: str, name: str) -> str | None:
    """Jobs located in the territory and unemployment rate (census definition)."""
    jobs = _value(table, territory, "emplois_au_lieu_de_travail")
    unemployment = _value(table, territory, "taux_de_chomage_15_64_ans")
    if jobs is None and unemployment is None:
        return None
    parts = []
    if jobs is not None:
        population = _value(table, territory, "population")
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
    establishments = _value(table, territory, "part_ess_etablissements_employeurs")
    jobs = _value(table, territory, "part_ess_effectif_salarie_estime")
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
        parts.append(f"environ {percent(jobs)} des emplois salariés{listed}")
    return (
        "L'économie sociale et solidaire (associations, coopératives, mutuelles, "
        f"fondations) représente {' et '.join(parts)}."
    )


def finding_since_2013(
    table: pd.DataFrame, territory: str, name: str, reference: Mapping | None
) -> str | None:
    """Compare the population with the 2013 diagnostic, when it describes this territory."""
    if not reference or reference.get("territoire") != territory:
        return None
    then = next(
        (
            c
            for c in reference.get("chiffres", [])
            if "population" in c.get("aujourd_hui", {}).get("indicateurs", [])
        ),
        None,
    )
    today = _value(table, territory, "population")
    if then is None or today is None:
        return None
    change = 100 * (today - float(then["valeur"])) / float(then["valeur"])
    if abs(change) < 2:
        trend = "un niveau proche"
    else:
        trend = f"{number(abs(change))} % de {'plus' if change > 0 else 'moins'}"
    return (
        f"Le diagnostic de 2013 comptait environ {number(then['valeur'])} habitants ; le "
        f"recensement le plus récent en compte {number(today)}, {trend} (à périmètre et "
        "sources peut-être différents, voir le tableau « 2013 et aujourd'hui »)."
    )


FINDINGS: tuple[Callable[[pd.DataFrame, str, str], str | None], ...] = (
    finding_population,
    finding_growth,
    finding_ageing,
    finding_youth,
    finding_epcis,
    finding_employment,
    finding_ess,
)
SYNTHETIC_FINDINGS = {
    finding_ess: ("part_ess_etablissements_employeurs", "part_ess_effectif_salarie_estime")
}


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
        At most eight sentences (fewer when keys are missing), figures in French format.
    """
    table = _check_table(indicators, territory_code)
    sentences = [f(table, territory_code, territory_name) for f in FINDINGS]
    sentences.append(finding_since_2013(table, territory_code, territory_name, reference_2013))
    return [s for s in sentences if s][:8]


# ---------------------------------------------------------------------------------------------
# HTML pieces


def _mark(show: bool) -> str:
    return f' <span class="synthetique">{SYNTHETIC_MARK}</span>' if show else ""


def _source_numbers(table: pd.DataFrame, territory: str, keys: Sequence[str]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for key in keys:
        row = _row(table, territory, key)
        if row is not None:
            numbers.setdefault(str(row["source"]), len(numbers) + 1)
    return numbers


def key_figures_table(
    indicators: pd.DataFrame,
    territory_code: str,
    synthetic: bool = False,
    areas: Sequence[tuple[str, str]] | None = None,
    caption: str | None = None,
) -> str:
    """Build the key figures of a territory against other areas, as an HTML table.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Territory described (first column).
    synthetic : bool
        Mark the rows built from the synthetic Sirene extract.
    areas : sequence of (code, name), optional
        Columns after the territory; its comparison areas by default.
    caption : str, optional
        Title of the table (« <territoire> et ses zones de comparaison » by default).

    Returns
    -------
    str
        ``<figure class="chiffres">`` with the table, its numbered sources and notes.
    """
    table = _check_table(indicators, territory_code)
    names = dict(_areas(table))
    columns = [
        (territory_code, names[territory_code]),
        *(comparison_areas(table, territory_code) if areas is None else areas),
    ]
    figures = [f for f in KEY_FIGURES if _has(table, territory_code, f.key)]
    caption = caption or f"{names[territory_code]} et ses zones de comparaison"
    sources = _source_numbers(table, territory_code, [f.key for f in figures])
    head = "".join(f'<th scope="col" class="zone">{escape(n)}</th>' for _, n in columns)
    rows = []
    for figure in figures:
        row = _row(table, territory_code, figure.key)
        number_ref = sources[str(row["source"])]
        cells = "".join(
            f'<td class="nombre{" territoire" if code == territory_code else ""}">'
            f"{escape(figure.fmt(_value(table, code, figure.key)))}</td>"
            for code, _ in columns
        )
        synthetic_row = is_synthetic_source(row["source"], synthetic)
        rows.append(
            f'<tr><th scope="row">{escape(figure.label)}{_mark(synthetic_row)}</th>{cells}'
            f'<td class="millesime">{escape(str(row["millesime"]))}, source {number_ref}</td>'
            "</tr>"
        )
    source_items = "".join(f"<li>{escape(s)}</li>" for s in sources)
    return (
        f'<figure class="chiffres"><figcaption>{escape(caption)}</figcaption>'
        '<p class="glisser">Faites glisser le tableau vers la gauche pour voir les autres '
        "zones.</p>"
        '<div class="defile"><table>'
        f'<thead><tr><th scope="col">Indicateur</th>{head}'
        '<th scope="col">Année des données</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="source">Sources :</p><ol class="sources">{source_items}</ol>'
        '<p class="note">Les parts sont en pourcentage de la population (âges) ou des '
        "établissements et emplois salariés (ESS). n.d. : non disponible.</p></figure>"
    )


def load_reference_2013(path: Path = REFERENCE_2013) -> dict:
    """Read the figures of the 2013 diagnostic (``reference/diagnostic_2013.yaml``).

    Parameters
    ----------
    path : Path
        The YAML file.

    Returns
    -------
    dict
        ``territoire``, ``source`` and the list ``chiffres``.

    Raises
    ------
    RessolError
        If the file is unreadable or a figure lacks a field.
    """
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RessolError(
            f"Le fichier des chiffres de 2013 {path} est illisible ({exc}). Restaurez-le depuis "
            "le dépôt git."
        ) from None
    for number_, figure in enumerate(content.get("chiffres", []), start=1):
        missing = [
            f for f in ("libelle", "valeur", "format", "aujourd_hui", "note") if f not in figure
        ]
        if missing or figure.get("format") not in FORMATS_2013:
            raise RessolError(
                f"Dans {path}, le chiffre n° {number_} ({figure.get('libelle', '?')}) n'a pas "
                f"de champ {', '.join(missing) or 'format valide'} (format : "
                f"{', '.join(FORMATS_2013)}). Complétez-le."
            )
    return content


def comparison_2013_table(
    indicators: pd.DataFrame, territory_code: str, reference: Mapping, synthetic: bool = False
) -> str:
    """Show the 2013 diagnostic's figures next to today's closest indicators, as HTML.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Territory described.
    reference : mapping
        Content of ``diagnostic_2013.yaml`` (see :func:`load_reference_2013`).
    synthetic : bool
        Mark today's values built from the synthetic Sirene extract.

    Returns
    -------
    str
        ``<figure class="diagnostic-2013">``; empty when the reference describes another
        territory.
    """
    if reference.get("territoire") != territory_code:
        return ""
    table = _check_table(indicators, territory_code)
    names = dict(_areas(table))
    source_2013 = escape(str(reference.get("source", "Diagnostic 2013")))
    rows = []
    for figure in reference.get("chiffres", []):
        fmt = FORMATS_2013[figure["format"]]
        then = escape(_as_published(figure["valeur"], figure["format"]))
        compared = figure.get("comparaison_2013") or {}
        if "valeur" in compared:
            then += (
                f'<span class="compare">{escape(compared["zone"])} : '
                f"{escape(_as_published(compared['valeur'], figure['format']))}</span>"
            )
        elif "ecart_points" in compared:
            gap = float(compared["ecart_points"])
            then += (
                f'<span class="compare">{points(gap, 0)} '
                f"{'de plus' if gap > 0 else 'de moins'} que {escape(compared['zone'])}"
                "</span>"
            )
        today = figure["aujourd_hui"]
        key = next(
            (k for k in today.get("indicateurs", []) if _has(table, territory_code, k)), None
        )
        if key is None:
            now = '<span class="absent">Pas encore calculé dans ce rapport</span>'
            mark = False
        else:
            row = _row(table, territory_code, key)
            label = next((f.label for f in KEY_FIGURES if f.key == key), key)
            fmt_now = fmt
            now = f"{escape(fmt_now(_value(table, territory_code, key)))}"
            zone = today.get("zone_comparaison")
            if zone and _has(table, zone, key):
                now += (
                    f'<span class="compare">{escape(_short(names[zone]))} : '
                    f"{escape(fmt_now(_value(table, zone, key)))}</span>"
                )
            if key not in today.get("indicateurs", [])[:1]:
                now += f'<span class="definition">Indicateur retenu : {escape(label)}</span>'
            now += (
                f'<span class="source">Source : {escape(str(row["source"]))} '
                f"({escape(str(row['millesime']))})</span>"
            )
            mark = is_synthetic_source(row["source"], synthetic)
        note = escape(str(figure["note"]))
        extra = today.get("complement")
        if extra and _has(table, extra["territoire_code"], extra["indicateur"]):
            area = names[extra["territoire_code"]]
            label = extra.get("libelle") or extra["indicateur"]
            note += (
                f" Pour comparaison : {escape(_short(area))}, "
                f"{escape(label)} : "
                f"{escape(percent(_value(table, extra['territoire_code'], extra['indicateur'])))}"
                "."
            )
        rows.append(
            f'<tr><th scope="row" data-label="Chiffre">{escape(figure["libelle"])}</th>'
            f'<td data-label="Diagnostic 2013">{then}</td>'
            f'<td data-label="Aujourd\'hui">{now}{_mark(mark)}</td>'
            f'<td data-label="À savoir" class="note">{note}</td></tr>'
        )
    return (
        '<figure class="diagnostic-2013"><figcaption>Les chiffres du diagnostic de 2013 et '
        "ceux d'aujourd'hui</figcaption><table><thead><tr>"
        '<th scope="col">Chiffre</th><th scope="col">Diagnostic 2013</th>'
        '<th scope="col">Aujourd\'hui</th><th scope="col">À savoir</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="source">Chiffres de 2013 : {source_2013}.</p></figure>'
    )


def _inline(text: str) -> str:
    """Escape a line, then render ```code```, ``**bold**`` and ``*italic*``."""
    html = escape(text)
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*", r"<em>\1</em>", html)


def _list_html(items: list[list]) -> str:
    """Items ``[level, ordered, text]`` (level 0 or 1) as a list with nested sub-lists."""
    tag = "ol" if items[0][1] else "ul"
    html, nested = [], []
    for level, _, text in items:
        if level and html:
            nested.append(f"<li>{_inline(text)}</li>")
            continue
        if nested:
            html[-1] = html[-1][:-5] + f"<ul>{''.join(nested)}</ul></li>"
            nested = []
        html.append(f"<li>{_inline(text)}</li>")
    if nested:
        html[-1] = html[-1][:-5] + f"<ul>{''.join(nested)}</ul></li>"
    return f"<{tag}>{''.join(html)}</{tag}>"


def _text_to_html(text: str) -> str:
    """Plain text with paragraphs and ``-`` / ``1.`` lists (one level of nesting) as HTML.

    Continuation lines join the item above; ```code```, ``**bold**`` and ``*italic*`` are
    rendered; everything else is escaped.
    """
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        paragraph: list[str] = []
        items: list[list] = []
        for line in block.splitlines():
            item = LIST_ITEM.match(line)
            if item:
                level = 1 if len(item.group(1).expandtabs()) >= 2 else 0
                items.append([level, item.group(2)[0].isdigit(), item.group(3)])
            elif items:
                items[-1][2] += " " + line.strip()
            elif line.strip():
                paragraph.append(line.strip())
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
        if items:
            blocks.append(_list_html(items))
    return "".join(blocks)


def _french_date(value: str) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def sources_appendix(
    sources: Iterable[RawFile], rules_text: str, synthetic: bool, run_info: Mapping
) -> str:
    """Build the appendix « Sources et méthode » as HTML.

    Parameters
    ----------
    sources : iterable of RawFile
        Manifest entries of the raw files used.
    rules_text : str
        The ESS rules in French (paragraphs and ``- `` lists).
    synthetic : bool
        Whether the Sirene extract is the synthetic demonstration one.
    run_info : mapping
        ``run.json`` content (or its ``donnees`` part): vintages, source anomalies, input
        fingerprint.

    Returns
    -------
    str
        ``<section id="sources">``.
    """
    info = run_info.get("donnees", run_info)
    cards = []
    for entry in sources:
        cards.append(
            '<li class="fiche">'
            f'<p class="titre">{escape(entry.title)}</p>'
            "<dl>"
            f"<dt>Éditeur</dt><dd>{escape(entry.publisher)}</dd>"
            f"<dt>Millésime</dt><dd>{escape(entry.vintage)}</dd>"
            f"<dt>Géographie</dt><dd>{escape(entry.geography)}</dd>"
            f"<dt>Licence</dt><dd>{escape(entry.licence)}</dd>"
            f"<dt>Où le trouver</dt><dd>{escape(entry.source)}</dd>"
            f"<dt>Utilisé pour</dt><dd>{escape(entry.usage)}</dd>"
            f"<dt>Empreinte (sha256)</dt><dd><code>{escape(entry.sha256)}</code></dd>"
            "</dl></li>"
        )
    anomalies = info.get("anomalies_sources") or []
    anomalies_html = (
        "<h3>Particularités des sources</h3><ul>"
        + "".join(f"<li>{escape(str(a))}</li>" for a in anomalies)
        + "</ul>"
        if anomalies
        else ""
    )
    fingerprint = info.get("empreinte_entrees")
    fingerprint_html = (
        f"<p>Empreinte de l'ensemble des fichiers d'entrée : <code>{escape(fingerprint)}</code>. "
        "Deux rapports de même empreinte ont été produits à partir des mêmes données.</p>"
        if fingerprint
        else ""
    )
    if synthetic:
        synthetic_html = (
            '<h3>Données synthétiques</h3><p class="alerte">'
            f"<strong>{SYNTHETIC_MARK}.</strong> Les fichiers nationaux de la base Sirene ne "
            "sont pas fournis avec le projet : les chiffres de l'économie sociale et solidaire "
            "(établissements et emplois) de ce rapport sont calculés sur un extrait fabriqué, "
            "calé sur des chiffres publics, pour montrer la méthode. Ils sont signalés comme "
            "tels partout où ils apparaissent et ne doivent pas être cités. Les chiffres de "
            "population et d'emploi de l'Insee, eux, sont réels.</p>"
        )
    else:
        synthetic_html = (
            "<h3>Données synthétiques</h3><p>Aucune : tous les chiffres de ce rapport viennent "
            "des fichiers officiels listés ci-dessus.</p>"
        )
    rules_html = (
        _text_to_html(rules_text)
        if rules_text.strip()
        else ("<p>Les règles de l'ESS ne sont pas fournies pour ce rapport.</p>")
    )
    return (
        '<section id="sources" class="annexe"><h2>Annexe — Sources et méthode</h2>'
        "<h3>Les fichiers utilisés</h3><p>Chaque fichier est conservé tel que publié ; son "
        "empreinte permet de vérifier qu'il n'a pas été modifié.</p>"
        f'<ul class="fiches">{"".join(cards)}</ul>'
        f"{fingerprint_html}{anomalies_html}"
        f'<h3>Comment l\'ESS est comptée</h3><div class="regles">{rules_html}</div>'
        f"{synthetic_html}</section>"
    )


# ---------------------------------------------------------------------------------------------
# The page

PAGE_CSS = """
:root { --bleu: #1b6f8a; --gris: #5a6470; --trait: #d0d7de; --fond: #f4f7f9;
        --rouge: #b00020; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1f2328;
       line-height: 1.5; font-size: 16px; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 1.2rem 1rem 3rem; }
header { border-bottom: 4px solid var(--bleu); padding-bottom: .8rem; margin-bottom: 1.2rem; }
.surtitre { text-transform: uppercase; letter-spacing: .06em; font-size: .8rem;
            color: var(--bleu); font-weight: bold; margin: 0; }
h1 { font-size: 2rem; margin: .2rem 0 .3rem; line-height: 1.2; }
h2 { font-size: 1.35rem; color: var(--bleu); margin: 2rem 0 .6rem;
     border-bottom: 1px solid var(--trait); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.meta { color: var(--gris); margin: 0; font-size: .9rem; }
a { color: var(--bleu); }
.bandeau { border: 2px solid var(--rouge); color: var(--rouge); background: #fff5f6;
           padding: .6rem .8rem; border-radius: 4px; margin: 1rem 0; font-size: .95rem; }
.synthetique { display: inline-block; border: 1px solid var(--rouge); color: var(--rouge);
               border-radius: 3px; font-size: .7rem; font-weight: bold; padding: 0 .3rem;
               margin-left: .3rem; line-height: 1.4; vertical-align: middle;
               white-space: nowrap; }
ul.constats { padding-left: 0; list-style: none; margin: 0; }
ul.constats li { background: var(--fond); border-left: 4px solid var(--bleu);
                 padding: .55rem .8rem; margin: .5rem 0; }
nav.rapport ul { list-style: none; padding: 0; margin: .3rem 0; display: flex;
                 flex-wrap: wrap; gap: .5rem; }
nav.rapport a { display: inline-block; border: 1px solid var(--bleu); border-radius: 4px;
                padding: .35rem .7rem; text-decoration: none; }
nav.rapport a:hover, nav.rapport a:focus { background: var(--fond); }
nav.rapport .telecharger a { border-style: dashed; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: bold; margin-bottom: .4rem; }
.defile { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--trait); padding: .4rem .55rem; vertical-align: top;
         text-align: left; }
thead th { background: var(--fond); font-size: .85rem; }
td.nombre { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure.chiffres thead th.zone { text-align: right; width: 8.5rem; }
figure.chiffres tbody th { font-weight: normal; min-width: 11rem; }
td.territoire { font-weight: bold; background: #eef5f8; }
td.millesime { color: var(--gris); font-size: .8rem; white-space: nowrap; }
sup { color: var(--gris); font-size: .7em; margin-left: .1rem; }
p.source, p.note, ol.sources, span.source { font-size: .8rem; color: var(--gris); }
p.source, p.note { margin: .3rem 0; }
ol.sources { margin: .2rem 0; padding-left: 1.4rem; }
figure.diagnostic-2013 td span { display: block; }
figure.diagnostic-2013 table { table-layout: fixed; }
figure.diagnostic-2013 thead th:nth-child(1) { width: 17%; }
figure.diagnostic-2013 thead th:nth-child(2) { width: 17%; }
figure.diagnostic-2013 thead th:nth-child(3) { width: 33%; }
span.compare { color: #333; font-size: .88rem; }
span.definition { font-size: .82rem; font-style: italic; }
span.source { margin-top: .2rem; }
span.absent { color: var(--gris); font-style: italic; }
td.note { font-size: .85rem; color: #333; }
ul.fiches { list-style: none; padding: 0; display: grid; gap: .6rem;
            grid-template-columns: repeat(auto-fill, minmax(min(100%, 27rem), 1fr)); }
li.fiche { border: 1px solid var(--trait); border-radius: 4px; padding: .5rem .8rem; }
li.fiche p.titre { font-weight: bold; margin: 0 0 .3rem; }
dl { display: grid; grid-template-columns: 8.5rem 1fr; gap: .1rem .7rem; margin: 0;
     font-size: .85rem; }
div.regles li { margin: .25rem 0; }
dt { color: var(--gris); }
dd { margin: 0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .78rem; word-break: break-all; }
.alerte { border-left: 4px solid var(--rouge); padding-left: .7rem; }
p.glisser { display: none; font-size: .8rem; color: var(--gris); margin: 0 0 .3rem; }
@media (max-width: 640px) {
  body { font-size: 15px; }
  main { padding: .8rem .7rem 2rem; }
  h1 { font-size: 1.5rem; }
  table { font-size: .85rem; }
  figure.chiffres tbody th { min-width: 8.5rem; max-width: 10rem; }
  figure.chiffres .synthetique { white-space: normal; }
  p.glisser { display: block; }
  figure.chiffres th:first-child { position: sticky; left: 0; background: #fff; }
  figure.chiffres thead th:first-child { background: var(--fond); }
  figure.diagnostic-2013 table { table-layout: auto; }
  figure.diagnostic-2013 thead { display: none; }
  figure.diagnostic-2013 tr { display: block; border: 1px solid var(--trait);
                              border-radius: 4px; margin: .6rem 0; padding: .3rem .5rem; }
  figure.diagnostic-2013 th, figure.diagnostic-2013 td { display: block; border: 0;
                                                         padding: .2rem 0; }
  figure.diagnostic-2013 th { font-size: 1rem; }
  figure.diagnostic-2013 td::before { content: attr(data-label); display: block;
                                      font-size: .75rem; color: var(--gris);
                                      text-transform: uppercase; letter-spacing: .04em; }
  dl { grid-template-columns: 1fr; }
  dt { margin-top: .3rem; }
}
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav.rapport a { border: 0; padding: 0; }
  nav.rapport a::after { content: " (" attr(href) ")"; color: var(--gris); font-size: .8em; }
  h2, h3, figcaption { break-after: avoid; }
  tr, li, figure.chiffres, ul.constats li, li.fiche { break-inside: avoid; }
  section.annexe { break-before: page; }
  section#diagnostic-2013 { break-before: page; }
  .defile { overflow: visible; }
  .synthetique, .bandeau { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  td.territoire, thead th, ul.constats li { -webkit-print-color-adjust: exact;
                                           print-color-adjust: exact; }
}
"""


def synthesis_page(
    indicators: pd.DataFrame,
    territory_code: str,
    territory_name: str,
    chapters: Sequence[tuple[str, str]],
    sources: Iterable[RawFile],
    rules_text: str,
    synthetic: bool,
    run_info: Mapping,
) -> str:
    """Build the synthesis page of a report, as one self-contained HTML document.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table of the run (the content of ``indicateurs.csv``).
    territory_code : str
        Code of the territory (``centre-manche``).
    territory_name : str
        Its name (``Centre Manche``).
    chapters : sequence of (str, str)
        (title, file name) of each chapter page, in reading order.
    sources : iterable of RawFile
        Manifest entries of the raw files (``load_manifest(...).values()``).
    rules_text : str
        The ESS rules in French, shown in the appendix.
    synthetic : bool
        Whether the Sirene extract is the synthetic demonstration one: every part built
        from it then carries the mark « Données synthétiques de démonstration ».
    run_info : mapping
        ``run.json`` content (``territoire``, ``donnees``) or its ``donnees`` part, plus
        optionally ``date`` (ISO) for the header.

    Returns
    -------
    str
        The HTML page (``lang="fr"``, inline CSS, no script, no external address).

    Raises
    ------
    RessolError
        If the table does not follow the contract or has no row for the territory.
    """
    table = _check_table(indicators, territory_code)
    reference = load_reference_2013()
    info = run_info.get("donnees", run_info)
    ess_keys = ("part_ess_etablissements_employeurs", "part_ess_effectif_salarie_estime")
    any_synthetic = synthetic and any(_key_synthetic(table, k, True) for k in ess_keys)

    findings = []
    for function in FINDINGS:
        sentence = function(table, territory_code, territory_name)
        if sentence:
            keys = SYNTHETIC_FINDINGS.get(function, ())
            mark = any(_key_synthetic(table, k, synthetic) for k in keys)
            findings.append(f"<li>{escape(sentence)}{_mark(mark)}</li>")
    since = finding_since_2013(table, territory_code, territory_name, reference)
    if since:
        findings.append(f"<li>{escape(since)}</li>")
    findings = findings[:8]

    meta = []
    if run_info.get("date"):
        meta.append(f"Rapport produit le {_french_date(run_info['date'])}")
    census = (info.get("millesimes") or {}).get("rp")
    if census:
        meta.append(f"recensement de {census}")
    if info.get("cog"):
        meta.append(f"communes au 1er janvier {info['cog']}")
    banner = (
        f'<p class="bandeau"><strong>{SYNTHETIC_MARK}.</strong> Les chiffres de l\'économie '
        "sociale et solidaire de ce rapport sont calculés sur un extrait fabriqué pour la "
        "démonstration, et marqués comme tels : ne pas les citer. Voir l'annexe « Sources et "
        "méthode ».</p>"
        if any_synthetic or synthetic
        else ""
    )
    chapter_links = "".join(
        f'<li><a href="{escape(filename)}">{escape(title)}</a></li>' for title, filename in chapters
    )
    epcis = epci_areas(table, territory_code)
    epci_table = (
        key_figures_table(
            table,
            territory_code,
            synthetic,
            areas=epcis,
            caption=f"{territory_name} et ses intercommunalités",
        )
        if epcis
        else ""
    )
    comparison = comparison_2013_table(table, territory_code, reference, synthetic)
    comparison_section = (
        '<section id="diagnostic-2013"><h2>2013 et aujourd\'hui</h2>'
        "<p>Le premier diagnostic de RESSOL, en 2013, donnait quelques chiffres repères. Les "
        "voici à côté des chiffres les plus proches disponibles aujourd'hui. Les définitions "
        "ne sont pas toujours les mêmes : la colonne « À savoir » le précise.</p>"
        f"{comparison}</section>"
        if comparison
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Synthèse — {escape(territory_name)} — diagnostic de l'ESS</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
        '<header><p class="surtitre">RESSOL — diagnostic territorial de l\'économie sociale '
        "et solidaire</p>"
        f"<h1>{escape(territory_name)} : la synthèse</h1>"
        f'<p class="meta">{escape(" · ".join(meta))}</p></header>\n'
        f"{banner}"
        '<nav class="rapport" aria-label="Le rapport complet"><h2>Le rapport complet</h2>'
        f"<ul>{chapter_links}</ul>"
        '<ul class="telecharger"><li><a href="indicateurs.csv">Tous les indicateurs (CSV)</a>'
        '</li><li><a href="indicateurs.xlsx">Tous les indicateurs (tableur Excel)</a></li>'
        '<li><a href="#sources">Sources et méthode</a></li></ul></nav>\n'
        '<section id="en-bref"><h2>En bref</h2>'
        f'<ul class="constats">{"".join(findings)}</ul></section>\n'
        '<section id="chiffres-cles"><h2>Chiffres clés</h2>'
        f"{key_figures_table(table, territory_code, synthetic)}{epci_table}</section>\n"
        f"{comparison_section}\n"
        f"{sources_appendix(sources, rules_text, synthetic, run_info)}\n"
        "</main>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------
# XLSX export


def write_xlsx(indicators: pd.DataFrame, path: Path) -> Path:
    """Write the indicator table to an Excel workbook, codes kept as text.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (extra columns are kept after the contract's).
    path : Path
        Destination ``.xlsx``; an existing file is replaced only when the new one is
        complete.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RessolError
        If the destination folder does not exist.
    """
    path = Path(path)
    check_folder(path)
    columns = [c for c in TIDY_COLUMNS if c in indicators.columns]
    columns += [c for c in indicators.columns if c not in columns]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indicateurs"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in indicators[columns].itertuples(index=False, name=None):
        row = []
        for column, value in zip(columns, record, strict=True):
            if column == "valeur" or (column == "communes_manquantes" and not _blank(value)):
                row.append(None if _blank(value) else float(value))
            else:
                row.append(None if _blank(value) else str(value))
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column != "valeur":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"  # text: "01001", "2022" stay as typed
        width = (
            14
            if column == "valeur"
            else min(60, max(len(column), *(len(str(v)) for v in indicators[column].head(200))) + 2)
        )
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return write_atomic(path, workbook.save, suffix=".xlsx")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
