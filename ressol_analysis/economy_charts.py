"""Charts and maps of the economy chapter, and the small tables they are drawn from.

Same look as :mod:`ressol_analysis.chart_style`: French labels and number format, a source line
under each figure, and the mark "Données synthétiques de démonstration" on every figure built
from the synthetic SIRENE extract. Maps follow :mod:`ressol_analysis.maps`: counts as
proportional circles, ratios as choropleths with stated classes, categories as a typology;
secret and missing values keep their own legend entry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from . import formatting
from .chart_style import PALETTE, add_source, percent_axis, style
from .economy import SECTORS
from .errors import RessolError
from .labels import SECTOR_LABELS, TIE, TIE_LABEL
from .maps import MISSING_LABEL, choropleth, draw_borders, finish_map, map_figure

SECTOR_COLOURS = dict(
    zip(SECTORS, ["#7a9e3b", "#8c6bb1", "#e07b39", "#1b6f8a", "#c44e52"], strict=True)
)
TIE_COLOUR = "#bbbbbb"
AGRIFOOD_LABELS = {
    "part_emplois_agriculture": "Agriculture, sylviculture, pêche",
    "part_emplois_industries_agroalimentaires": "Industries alimentaires et boissons",
    "part_emplois_commerce_gros_agricole": "Commerce de gros agricole",
}
COOPERATIVES_REST_LABEL = "Coopératives agricoles et CUMA (autres activités)"
OVER, UNDER = "#c44e52", "#1b6f8a"


# ---------------------------------------------------------------------------------------------
# Small tables the charts are drawn from


def wide_table(tidy: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Tidy indicator rows as one row per area, in the areas' display order.

    Parameters
    ----------
    tidy : DataFrame
        Tidy rows (``territoire_code``, ``indicateur``, ``valeur``), e.g. the output of
        :func:`ressol_analysis.sectors.sphere_shares`.
    areas : DataFrame
        ``Diagnostic.areas`` (``territoire_code``, ``territoire``, ``niveau``, ``ordre``).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``niveau`` and one column per indicator; an area
        without rows has missing values.
    """
    values = tidy.pivot(index="territoire_code", columns="indicateur", values="valeur")
    keys = list(dict.fromkeys(tidy["indicateur"]))
    table = areas.set_index("territoire_code")[["territoire", "niveau"]].join(values[keys])
    return table.reset_index()


def dominant_sector(communes: pd.DataFrame) -> pd.DataFrame:
    """Sector with the most active establishments in each commune (five Flores sectors).

    Parameters
    ----------
    communes : DataFrame
        ``CODGEO``, ``etablissements`` and ``etablissements_<secteur>`` for the five sectors
        of :data:`ressol_analysis.economy.SECTORS` (comparateur table).

    Returns
    -------
    DataFrame
        ``CODGEO``, ``secteur_dominant`` (a sector key, ``"ex_aequo"`` when two or more
        sectors share the largest count, missing when a count is missing or the commune has
        no establishment) and ``part_dominant`` (% of the commune's establishments).
    """
    columns = [f"etablissements_{s}" for s in SECTORS]
    missing = [c for c in ["CODGEO", "etablissements", *columns] if c not in communes.columns]
    if missing:
        raise RessolError(
            f"Tableau des communes sans la ou les colonne(s) {', '.join(missing)} : passez la "
            "table du comparateur de territoires (Diagnostic.data.economy)."
        )
    counts = communes[columns].astype("float64")
    top = counts.max(axis=1)
    winners = counts.eq(top, axis=0).sum(axis=1)
    known = counts.notna().all(axis=1) & (top > 0)
    sector = counts.fillna(-1).idxmax(axis=1).str.removeprefix("etablissements_")
    sector = sector.where(winners == 1, TIE).where(known)
    share = (100 * top / communes["etablissements"].where(communes["etablissements"] > 0)).where(
        known
    )
    return pd.DataFrame(
        {"CODGEO": communes["CODGEO"], "secteur_dominant": sector, "part_dominant": share}
    ).reset_index(drop=True)


def unemployment_by_commune(communes: pd.DataFrame) -> pd.Series:
    """Census unemployment rate of the 15-64 year-olds of each commune, in percent.

    Parameters
    ----------
    communes : DataFrame
        ``CODGEO``, ``chomeurs_15_64``, ``actifs_15_64`` (comparateur table).

    Returns
    -------
    Series
        ``100 × chômeurs / actifs`` indexed by ``CODGEO``; missing when a term is missing or
        the commune has no active person.
    """
    active = communes["actifs_15_64"].where(communes["actifs_15_64"] > 0)
    rate = 100 * communes["chomeurs_15_64"] / active
    return pd.Series(rate.to_numpy(), index=communes["CODGEO"].to_numpy(), name="taux_chomage")


# ---------------------------------------------------------------------------------------------
# Charts


def _area_labels(table: pd.DataFrame) -> list[str]:
    return [textwrap.fill(str(t), 26) for t in table["territoire"]]


def establishment_sectors(wide: pd.DataFrame, source: str) -> Figure:
    """Stacked bars of the five-sector structure of active establishments, one bar per area.

    Parameters
    ----------
    wide : DataFrame
        One row per area: ``territoire`` and ``part_etablissements_<secteur>`` (%).
    source : str
        Source line.

    Returns
    -------
    Figure
        Bars in the table's order (top to bottom); shares of 5 % or more are written inside.
    """
    style()
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.62 * len(wide)))
    y = np.arange(len(wide))
    left = np.zeros(len(wide))
    for sector in SECTORS:
        values = wide[f"part_etablissements_{sector}"].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=SECTOR_COLOURS[sector], label=SECTOR_LABELS[sector])
        for yi, start, value in zip(y, left, values, strict=True):
            if value >= 5:
                ax.text(
                    start + value / 2,
                    yi,
                    formatting.percent(value, 0),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        left += np.nan_to_num(values)
    ax.set_yticks(y, _area_labels(wide), fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    percent_axis(ax.xaxis)
    ax.set_xlabel("Part des établissements employeurs (%)")
    ax.set_title("Répartition des établissements employeurs par grand secteur")
    ax.legend(frameon=False, fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.45, -0.16))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def location_quotients(
    quotients: pd.DataFrame, area: str, reference_name: str, source: str, synthetic: bool
) -> Figure:
    """Horizontal bars of the location quotients of one area, around 1, on a log scale.

    Parameters
    ----------
    quotients : DataFrame
        Output of :func:`ressol_analysis.sectors.location_quotients`.
    area : str
        ``territoire_code`` of the area shown.
    reference_name : str
        Name of the reference area, for the title.
    source : str
        Source line.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.

    Returns
    -------
    Figure
        One bar per sector with a quotient (sectors without jobs in the reference are left
        out), red above 1 (over-represented), blue below, sorted by quotient.
    """
    rows = quotients[quotients["territoire_code"] == area].dropna(subset=["quotient_localisation"])
    rows = rows[rows["quotient_localisation"] > 0].sort_values("quotient_localisation")
    if rows.empty:
        raise RessolError(f"Aucun quotient de localisation pour la zone « {area} ».")
    style()
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.3 * len(rows)))
    values = rows["quotient_localisation"].to_numpy(dtype=float)
    y = np.arange(len(rows))
    colours = [OVER if v > 1 else UNDER for v in values]
    ax.barh(y, np.log2(values), color=colours)
    for yi, value in zip(y, values, strict=True):
        ax.text(
            np.log2(value) + (0.03 if value > 1 else -0.03),
            yi,
            formatting.number(value, 2),
            ha="left" if value > 1 else "right",
            va="center",
            fontsize=7.5,
        )
    ax.axvline(0, color="#333333", linewidth=0.9)
    labels = [textwrap.shorten(t, 62, placeholder="…") for t in rows["libelle"]]
    ax.set_yticks(y, labels, fontsize=8)
    span = max(1.0, float(np.abs(np.log2(values)).max()) + 0.35)
    ax.set_xlim(-span, span)
    ticks = [t for t in (-3, -2, -1, 0, 1, 2, 3) if abs(t) <= span]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{2.0**v:g}".replace(".", ",")))
    ax.set_xlabel(
        f"Quotient de localisation (1 = même poids qu'en {reference_name} ; échelle logarithmique)"
    )
    ax.set_title(f"Secteurs sur- et sous-représentés par rapport à la {reference_name}")
    ax.legend(
        handles=[
            Patch(color=OVER, label="Surreprésenté (quotient > 1)"),
            Patch(color=UNDER, label="Sous-représenté (quotient < 1)"),
        ],
        frameon=False,
        fontsize=8,
        loc="lower right",
    )
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    add_source(fig, source, synthetic=synthetic)
    return fig


def _stacked_shares(
    wide: pd.DataFrame,
    parts: Mapping[str, str],
    colours: list[str],
    *,
    title: str,
    xlabel: str,
    source: str,
    synthetic: bool,
) -> Figure:
    style()
    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.55 * len(wide)))
    y = np.arange(len(wide))
    left = np.zeros(len(wide))
    for (column, label), colour in zip(parts.items(), colours, strict=True):
        values = wide[column].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colour, label=label)
        for yi, start, value in zip(y, left, values, strict=True):
            if value >= 4:
                ax.text(
                    start + value / 2,
                    yi,
                    formatting.percent(value),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        left += np.nan_to_num(values)
    ax.set_yticks(y, _area_labels(wide), fontsize=8.5)
    ax.invert_yaxis()
    percent_axis(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(
        frameon=False, fontsize=8, ncol=len(parts), loc="upper center", bbox_to_anchor=(0.45, -0.18)
    )
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    add_source(fig, source, synthetic=synthetic)
    return fig


def spheres(wide: pd.DataFrame, source: str, synthetic: bool) -> Figure:
    """Stacked bars of salaried jobs in the présentielle and productive spheres, per area.

    Parameters
    ----------
    wide : DataFrame
        One row per area: ``territoire`` and ``part_emplois_sphere_presentielle`` (%).
    source : str
        Source line.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.

    Returns
    -------
    Figure
        The chart.
    """
    table = wide.assign(
        part_emplois_sphere_productive=100 - wide["part_emplois_sphere_presentielle"]
    )
    return _stacked_shares(
        table,
        {
            "part_emplois_sphere_presentielle": "Sphère présentielle",
            "part_emplois_sphere_productive": "Sphère productive",
        },
        [PALETTE[0], PALETTE[1]],
        title="Emplois salariés des sphères présentielle et productive",
        xlabel="Part des emplois salariés estimés (%)",
        source=source,
        synthetic=synthetic,
    )


def agrifood(wide: pd.DataFrame, source: str, synthetic: bool) -> Figure:
    """Stacked bars of the agri-food filière's share of salaried jobs, by component, per area.

    Parameters
    ----------
    wide : DataFrame
        One row per area: ``territoire``, the three ``part_emplois_<composante>`` columns and
        ``part_emplois_filiere_agricole`` of :func:`ressol_analysis.sectors.agrifood_weight`
        (%).
    source : str
        Source line.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.

    Returns
    -------
    Figure
        The chart: a fourth segment holds the cooperatives and CUMA whose activity is outside
        the three components, so that each bar adds up to the filière's share, written at its
        end.
    """
    components = wide[list(AGRIFOOD_LABELS)].sum(axis=1, min_count=1)
    table = wide.assign(
        part_emplois_cooperatives_hors_composantes=(
            wide["part_emplois_filiere_agricole"] - components
        ).clip(lower=0)
    )
    parts = {
        **AGRIFOOD_LABELS,
        "part_emplois_cooperatives_hors_composantes": COOPERATIVES_REST_LABEL,
    }
    fig = _stacked_shares(
        table,
        parts,
        [PALETTE[2], PALETTE[6], PALETTE[3], PALETTE[5]],
        title="Poids de l'agriculture et de l'agroalimentaire dans l'emploi salarié",
        xlabel="Part des emplois salariés estimés de la zone (%)",
        source=source,
        synthetic=synthetic,
    )
    ax = fig.axes[0]
    totals = table["part_emplois_filiere_agricole"].to_numpy(dtype=float)
    for yi, total in enumerate(totals):
        ax.text(
            np.nan_to_num(total) + 0.2,
            yi,
            formatting.percent(total),
            va="center",
            fontsize=8,
            fontweight="bold",
        )
    ax.set_xlim(0, np.nanmax(totals) * 1.12)
    ax.legend(frameon=False, fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.45, -0.18))
    return fig


# ---------------------------------------------------------------------------------------------
# Maps


def reference_values(maximum: float) -> list[float]:
    """Three round values for the legend of proportional circles (e.g. 100, 1 000, 10 000).

    Parameters
    ----------
    maximum : float
        Largest value mapped (positive).

    Returns
    -------
    list of float
        Increasing values, the largest a round figure not above ``maximum``.
    """
    if not maximum > 0:
        raise RessolError("Cercles proportionnels : aucune valeur positive à représenter.")
    power = 10 ** np.floor(np.log10(maximum))
    top = max(m * power for m in (1, 2, 5) if m * power <= maximum)
    return [top / 100, top / 10, top]


def proportional_circles(
    shapes: gpd.GeoDataFrame,
    values: pd.Series,
    *,
    title: str,
    unit: str,
    source: str,
    groups: pd.Series | None = None,
    names: pd.Series | None = None,
    labelled: int = 5,
    synthetic: bool = False,
) -> Figure:
    """Proportional circles of a count by commune (circle area proportional to the count).

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO``.
    values : Series
        Count indexed by ``CODGEO`` (missing values are drawn as a cross).
    title, unit, source : str
        Map title, unit of the legend and source line.
    groups : Series, optional
        Group (EPCI) of each commune indexed by ``CODGEO``; borders are drawn between groups.
    names : Series, optional
        Commune name indexed by ``CODGEO``: the ``labelled`` largest values are named.
    labelled : int
        Number of communes named on the map.
    synthetic : bool
        Whether the values come from synthetic demonstration data.

    Returns
    -------
    Figure
        The map, with a legend of three reference circles.
    """
    frame, fig, ax = map_figure(shapes)
    frame["valeur"] = frame["CODGEO"].map(values).astype("float64")
    frame.plot(ax=ax, color="#f3f1ec", edgecolor="#bbbbbb", linewidth=0.3)
    draw_borders(ax, frame, groups)
    points = frame.representative_point()
    known = frame["valeur"].notna().to_numpy()
    largest = float(frame["valeur"].max())
    max_size = 2200.0  # marker area (points²) of the largest commune
    scale = max_size / largest
    order = np.argsort(-frame["valeur"].fillna(0).to_numpy())  # small circles drawn on top
    ax.scatter(
        points.x.to_numpy()[order][known[order]],
        points.y.to_numpy()[order][known[order]],
        s=frame["valeur"].to_numpy()[order][known[order]] * scale,
        color=PALETTE[1],
        alpha=0.75,
        edgecolor="white",
        linewidth=0.6,
        zorder=3,
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=np.sqrt(v * scale),
            markerfacecolor=PALETTE[1],
            markeredgecolor="white",
            alpha=0.75,
            label=f"{formatting.number(v)} {unit}",
        )
        for v in reference_values(largest)
    ]
    if not known.all():
        ax.scatter(points.x[~known], points.y[~known], marker="x", color="#333333", zorder=4)
        handles.append(
            Line2D([], [], marker="x", linestyle="", color="#333333", label=MISSING_LABEL)
        )
    if names is not None:
        for i in frame["valeur"].nlargest(labelled).index:
            radius = np.sqrt(frame.at[i, "valeur"] * scale) / 2
            ax.annotate(
                names.get(frame.at[i, "CODGEO"], frame.at[i, "CODGEO"]),
                (points.x[i], points.y[i]),
                xytext=(radius * 0.7 + 2, radius * 0.7 + 2),
                textcoords="offset points",
                fontsize=8,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
            )
    ax.legend(
        handles=handles,
        title=f"Surface proportionnelle ({unit})",
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        labelspacing=2.2,
        handletextpad=2.2,
        borderpad=1.2,
        frameon=True,
    )
    ax.set_title(title)
    return finish_map(fig, source, synthetic=synthetic)


def typology(
    shapes: gpd.GeoDataFrame,
    categories: pd.Series,
    *,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    title: str,
    legend_title: str,
    source: str,
    groups: pd.Series | None = None,
    synthetic: bool = False,
) -> Figure:
    """A typology map: each commune coloured by its category, missing values hatched.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO``.
    categories : Series
        Category key indexed by ``CODGEO``.
    labels, colours : mapping
        Category key → legend label and colour; only categories present are in the legend.
    title, legend_title, source : str
        Map title, legend title and source line.
    groups : Series, optional
        Group (EPCI) of each commune indexed by ``CODGEO``.
    synthetic : bool
        Whether the values come from synthetic demonstration data.

    Returns
    -------
    Figure
        The map.
    """
    frame, fig, ax = map_figure(shapes)
    frame["categorie"] = frame["CODGEO"].map(categories)
    unknown = set(frame["categorie"].dropna()) - set(labels)
    if unknown:
        raise RessolError(
            f"Carte de typologie : catégorie(s) sans libellé {', '.join(sorted(unknown))}."
        )
    handles = []
    for key, label in labels.items():
        part = frame[frame["categorie"] == key]
        if part.empty:
            continue
        part.plot(ax=ax, color=colours[key], edgecolor="white", linewidth=0.3)
        count = len(part)
        handles.append(
            Patch(
                facecolor=colours[key],
                edgecolor="#999999",
                label=f"{label} ({count} commune{'s' if count > 1 else ''})",
            )
        )
    missing = frame["categorie"].isna()
    if missing.any():
        frame[missing].plot(ax=ax, color="#dddddd", hatch="///", edgecolor="white")
        handles.append(Patch(facecolor="#dddddd", hatch="///", label=MISSING_LABEL))
    draw_borders(ax, frame, groups)
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(title)
    return finish_map(fig, source, synthetic=synthetic, bottom=0.11)


def choropleth_with_secret(
    shapes: gpd.GeoDataFrame,
    values: pd.Series,
    secret: pd.Series,
    *,
    title: str,
    unit: str,
    source: str,
    groups: pd.Series | None = None,
    decimals: int = 0,
    names: pd.Series | None = None,
) -> Figure:
    """A choropleth of a per-commune value with stated classes, secret and missing apart.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO``.
    values : Series
        Value indexed by ``CODGEO`` (missing when secret or not published).
    secret : Series
        Boolean indexed by ``CODGEO``: the value is withheld by statistical secrecy.
    title, unit, source : str
        Map title, unit of the legend and source line.
    groups : Series, optional
        Group (EPCI) of each commune indexed by ``CODGEO``.
    decimals : int
        Decimals in the legend.
    names : Series, optional
        Names of the main communes, indexed by ``CODGEO``, written on the map.

    Returns
    -------
    Figure
        The map: classes stated in the legend, "Secret statistique" dotted, "Donnée
        manquante" hatched (a commune absent from the file).
    """
    return choropleth(
        shapes,
        values,
        title=title,
        unit=unit,
        source=source,
        groups=groups,
        decimals=decimals,
        secret=secret,
        names=names,
    )


# ---------------------------------------------------------------------------------------------
# The maps of the chapter


def _groups(shapes: gpd.GeoDataFrame) -> pd.Series:
    return shapes.set_index("CODGEO")["EPCI"]


def main_towns(communes: pd.DataFrame, names: Mapping[str, str] | None, count: int = 6):
    """Names of the communes with the most jobs, to write on a map (None without names)."""
    if names is None:
        return None
    top = communes.dropna(subset=["emplois"]).nlargest(count, "emplois")["CODGEO"]
    return pd.Series({code: names.get(code, code) for code in top})


def jobs_map(
    shapes: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    names: Mapping[str, str],
    year: int,
    source: str,
) -> Figure:
    """Jobs at place of work by commune as proportional circles, the largest named.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI`` (``Diagnostic.geometry()``).
    communes : DataFrame
        Comparateur table of the territory's communes (``CODGEO``, ``emplois``).
    names : mapping
        Commune code → name.
    year : int
        Census year.
    source : str
        Source line (with the outlines' source).

    Returns
    -------
    Figure
        The map.
    """
    return proportional_circles(
        shapes,
        communes.set_index("CODGEO")["emplois"],
        title=f"Emplois au lieu de travail par commune en {year}",
        unit="emplois",
        source=source,
        groups=_groups(shapes),
        names=pd.Series(names),
    )


def dominant_map(
    shapes: gpd.GeoDataFrame, communes: pd.DataFrame, year: int, source: str
) -> Figure:
    """Typology of the communes by the sector with the most active establishments.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI``.
    communes : DataFrame
        Comparateur table of the territory's communes (see :func:`dominant_sector`).
    year : int
        Flores year.
    source : str
        Source line (with the outlines' source).

    Returns
    -------
    Figure
        The map.
    """
    dominant = dominant_sector(communes)
    return typology(
        shapes,
        dominant.set_index("CODGEO")["secteur_dominant"],
        labels={**SECTOR_LABELS, TIE: TIE_LABEL},
        colours={**SECTOR_COLOURS, TIE: TIE_COLOUR},
        title=f"Secteur qui compte le plus d'établissements employeurs, fin {year}",
        legend_title="Secteur dominant",
        source=source,
        groups=_groups(shapes),
    )


def unemployment_map(
    shapes: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    year: int,
    source: str,
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Choropleth of the census unemployment rate of the 15-64 year-olds by commune.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI``.
    communes : DataFrame
        Comparateur table of the territory's communes (``chomeurs_15_64``, ``actifs_15_64``).
    year : int
        Census year.
    source : str
        Source line (with the outlines' source).
    names : mapping, optional
        Commune code → name: the communes with the most jobs are named on the map.

    Returns
    -------
    Figure
        The map (classes in plain words, one decimal).
    """
    return choropleth(
        shapes,
        unemployment_by_commune(communes),
        title=f"Taux de chômage des 15-64 ans par commune en {year}",
        unit="%",
        source=source,
        groups=_groups(shapes),
        decimals=1,
        names=main_towns(communes, names),
    )


def income_map(
    shapes: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    year: int,
    source: str,
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Choropleth of the median disposable income by commune, secret communes apart.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI``.
    communes : DataFrame
        Comparateur table of the territory's communes (``revenu_median``,
        ``revenu_median_secret``).
    year : int
        Filosofi year.
    source : str
        Source line (with the outlines' source).
    names : mapping, optional
        Commune code → name: the communes with the most jobs are named on the map.

    Returns
    -------
    Figure
        The map.
    """
    table = communes.set_index("CODGEO")
    return choropleth_with_secret(
        shapes,
        table["revenu_median"],
        table["revenu_median_secret"],
        title=f"Revenu médian disponible par unité de consommation en {year}",
        unit="€",
        source=source,
        groups=_groups(shapes),
        names=main_towns(communes, names),
    )
