"""Key figures of the communication kit, read from the run's tidy indicator table only.

Every number of the one-page "L'ESS en <territoire>" and of the square card comes from the
indicator table of the run (``indicateurs.csv``, contract of ``docs/indicateurs.md``): this
module selects the rows, computes the comparisons with the département and the region from
rows of the same table, and formats them in French. Nothing here is typed by hand but the
labels. A figure is synthetic when the contract says so
(:func:`ressol_analysis.contract.is_synthetic`: the ``synthetique`` column, built from the
demonstration extract of SIRENE); the kit then carries the demonstration mark.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .contract import CORE_COLUMNS, is_synthetic
from .errors import RessolError, list_codes
from .formatting import NBSP, number, percent

# How the source lines of the tidy table end: `` — géographie au 01/01/2026``.
GEOGRAPHY_SEPARATOR = " — géographie au "
GEOGRAPHY = "géographie au "
# Figures are wrapped on spaces: an area's name and its value are held together.


@dataclass(frozen=True)
class KeyFigure:
    """A figure of the kit: an indicator key, or the ratio of two keys (in percent)."""

    key: str
    label: str
    kind: str  # "count" (compared as a share of the comparison area) or "share"
    denominator: str | None = None
    low: str | None = None
    high: str | None = None


KEY_FIGURES = (
    KeyFigure(
        "ess_effectif_salarie_estime",
        "emplois salariés dans l'ESS (estimation)",
        "count",
        low="ess_effectif_salarie_estime_bas",
        high="ess_effectif_salarie_estime_haut",
    ),
    KeyFigure("part_ess_effectif_salarie_estime", "de l'emploi salarié est dans l'ESS", "share"),
    KeyFigure("ess_etablissements_employeurs", "établissements employeurs de l'ESS", "count"),
    KeyFigure(
        "part_ess_etablissements_employeurs",
        "des établissements employeurs sont de l'ESS",
        "share",
    ),
    KeyFigure(
        "ess_effectif_salarie_estime_associations",
        "des emplois de l'ESS sont dans une association",
        "share",
        denominator="ess_effectif_salarie_estime",
    ),
    KeyFigure("population", "habitants (recensement)", "count"),
    KeyFigure("taux_de_chomage_15_64_ans", "taux de chômage des 15-64 ans (recensement)", "share"),
    KeyFigure("part_60_ans_plus", "des habitants ont 60 ans ou plus", "share"),
)
CARD_KEYS = (
    "ess_effectif_salarie_estime",
    "part_ess_effectif_salarie_estime",
    "ess_etablissements_employeurs",
)
MAP_KEY = "part_ess_effectif_salarie_estime"
FIGURE_COLUMNS = [
    "cle",
    "libelle",
    "valeur",
    "texte",
    "fourchette",
    "comparaison",
    "sources",
    "synthetique",
]


def short_name(name: str) -> str:
    """``Basse-Normandie (Calvados, Manche, Orne)`` → ``Basse-Normandie``."""
    return str(name).split(" (")[0]


def check_table(indicators: pd.DataFrame, areas: list[str], where: str) -> None:
    """Raise if the table is not in the tidy contract or lacks an area or a key of the kit.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicators.
    areas : list of str
        Area codes the kit needs (the territory first, then the comparisons); empty to check
        the columns only.
    where : str
        The table, named in the message.

    Raises
    ------
    RessolError
        Naming the missing columns, areas, keys or values.
    """
    # The ``synthetique`` marker may be absent from a table written before it existed:
    # :func:`ressol_analysis.contract.is_synthetic` then reads the source lines.
    missing = [c for c in CORE_COLUMNS if c not in indicators.columns]
    if missing:
        raise RessolError(
            f"Le tableau d'indicateurs {where} n'a pas les colonnes {', '.join(missing)} du "
            "contrat (docs/indicateurs.md). Donnez le fichier indicateurs.csv d'un rapport ou "
            "de « ressol indicators »."
        )
    if not areas:
        return
    absent = [a for a in areas if a not in set(indicators["territoire_code"])]
    if absent:
        raise RessolError(
            f"Le tableau d'indicateurs {where} ne contient pas la ou les zones "
            f"{list_codes(absent)}. Produisez-le pour ce territoire (ressol indicators "
            "--territory …)."
        )
    needed = {k for f in KEY_FIGURES for k in (f.key, f.denominator, f.low, f.high) if k}
    keys = set(indicators.loc[indicators["territoire_code"] == areas[0], "indicateur"])
    lacking = sorted(needed - keys)
    if lacking:
        raise RessolError(
            f"Le tableau d'indicateurs {where} n'a pas les indicateurs {list_codes(lacking)} "
            f"pour {areas[0]}, nécessaires au kit. Produisez-le avec la version actuelle de "
            "ressol (ressol indicators ou ressol report)."
        )


def _values(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators.pivot_table(
        index="territoire_code", columns="indicateur", values="valeur", aggfunc="first"
    ).astype(float)


def _value(wide: pd.DataFrame, figure: KeyFigure, area: str) -> float:
    value = float(wide.at[area, figure.key]) if figure.key in wide.columns else float("nan")
    if figure.denominator is None:
        return value
    whole = float(wide.at[area, figure.denominator])
    return 100 * value / whole if whole > 0 else float("nan")


def _text(value: float, kind: str) -> str:
    return percent(value, 1) if kind == "share" else number(value)


def key_figures(
    indicators: pd.DataFrame, territory: str, comparisons: list[str], where: str = "du run"
) -> pd.DataFrame:
    """The figures of the kit for one territory, with their comparisons.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicators of the run (territory and comparison areas).
    territory : str
        Code of the territory (``centre-manche`` or ``epci-…``).
    comparisons : list of str
        Codes of the comparison areas, e.g. ``["dep-50", "reg-28"]``.
    where : str
        The table, named in error messages.

    Returns
    -------
    DataFrame
        Columns :data:`FIGURE_COLUMNS`, one row per :data:`KEY_FIGURES`: the value, its
        French text, the low–high range when the figure has one, the comparison (``Manche :
        10,2 % · Normandie : 11,0 %`` for a share; for a count, the territory's weight in each
        area's total, ``29,1 % du total Manche · 4,9 % du total Normandie``), the (source,
        vintage, synthetic) triples used and whether any row used is synthetic.

    Raises
    ------
    RessolError
        If a column, an area or a key is missing, or a figure of the territory is empty.
    """
    check_table(indicators, [territory, *comparisons], where)
    wide = _values(indicators)
    names = indicators.drop_duplicates("territoire_code").set_index("territoire_code")
    names = names["territoire"].map(short_name)
    synthetic = is_synthetic(indicators)
    rows = []
    for figure in KEY_FIGURES:
        value = _value(wide, figure, territory)
        if pd.isna(value):
            raise RessolError(
                f"Dans le tableau d'indicateurs {where}, l'indicateur {figure.key} de "
                f"{territory} est vide : le kit ne peut pas l'afficher. Vérifiez les données "
                "de ce territoire (ressol indicators)."
            )
        parts = []
        for area in comparisons:
            other = _value(wide, figure, area)
            if figure.kind == "share":
                parts.append(f"{names[area]}{NBSP}:{NBSP}{percent(other, 1)}")
            else:
                weight = 100 * value / other if other > 0 else float("nan")
                parts.append(f"{percent(weight, 1)} du total {names[area]}")
        spread = ""
        if figure.low and figure.high:
            low, high = wide.at[territory, figure.low], wide.at[territory, figure.high]
            spread = f"fourchette de {number(low)} à {number(high)}"
        used = [k for k in (figure.key, figure.denominator, figure.low, figure.high) if k]
        mask = indicators["indicateur"].isin(used) & indicators["territoire_code"].isin(
            [territory, *comparisons]
        )
        rows.append(
            {
                "cle": figure.key,
                "libelle": figure.label,
                "valeur": value,
                "texte": _text(value, figure.kind),
                "fourchette": spread,
                "comparaison": " · ".join(parts),
                "sources": tuple(
                    dict.fromkeys(
                        zip(
                            indicators.loc[mask, "source"],
                            indicators.loc[mask, "millesime"].fillna(""),
                            synthetic[mask].tolist(),
                            strict=True,
                        )
                    )
                ),
                "synthetique": bool(synthetic[mask].any()),
            }
        )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def zone_values(indicators: pd.DataFrame, zones: list[str], key: str = MAP_KEY) -> pd.DataFrame:
    """Value of ``key`` for each zone drawn on the kit's map.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicators.
    zones : list of str
        Area codes drawn (the EPCIs of the territory, or the territory itself).
    key : str
        Indicator shown (a share in percent).

    Returns
    -------
    DataFrame
        ``zone``, ``nom``, ``valeur``, ``texte``, ``synthetique``.
    """
    rows = indicators[indicators["territoire_code"].isin(zones) & (indicators["indicateur"] == key)]
    missing = sorted(set(zones) - set(rows["territoire_code"]))
    if missing:
        raise RessolError(
            f"Le tableau d'indicateurs n'a pas l'indicateur {key} pour {list_codes(missing)} : "
            "la carte du kit ne peut pas être dessinée."
        )
    table = pd.DataFrame(
        {
            "zone": rows["territoire_code"],
            "nom": rows["territoire"].map(short_name),
            "valeur": rows["valeur"].astype(float),
            "synthetique": is_synthetic(rows),
        }
    )
    table["texte"] = table["valeur"].map(lambda v: percent(v, 1))
    order = {z: i for i, z in enumerate(zones)}
    return table.sort_values("zone", key=lambda s: s.map(order)).reset_index(drop=True)


def sources_text(figures: pd.DataFrame) -> str:
    """One ``Sources : …`` paragraph: each source once, its vintage, the geography once.

    Parameters
    ----------
    figures : DataFrame
        Output of :func:`key_figures` (``sources``: source line, vintage, synthetic).

    Returns
    -------
    str
        The geography note that ends the source lines (``— géographie au 01/01/2026``) is
        written once at the end; a vintage is added in brackets unless the source line already
        says it (``RP 2022``) or the source is the synthetic demonstration extract.
    """
    parts, geographies = [], []
    for triples in figures["sources"]:
        for source, vintage, synthetic in triples:
            text, _, geography = str(source).partition(GEOGRAPHY_SEPARATOR)
            if geography:
                geographies.append(GEOGRAPHY + geography)
            said = not vintage or str(vintage) in text or synthetic
            parts.append(text if said else f"{text} ({vintage})")
    return "Sources : " + " ; ".join(dict.fromkeys(parts + geographies)) + "."


__all__ = [
    "CARD_KEYS",
    "KEY_FIGURES",
    "MAP_KEY",
    "KeyFigure",
    "check_table",
    "key_figures",
    "short_name",
    "sources_text",
    "zone_values",
]
