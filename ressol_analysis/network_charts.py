"""Charts and map of the network chapter: coverage of the ESS by the members, by group and commune.

Same look as :mod:`ressol_analysis.chart_style`: French labels and number format, a source line
under each figure, and the red mark « Données synthétiques de démonstration » when the figures
come from the synthetic extract. Inputs are the tables of :mod:`ressol_analysis.network`;
nothing here computes an indicator.
"""

from __future__ import annotations

import textwrap

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import formatting
from .areas import check_columns
from .chart_style import PALETTE, add_source, style
from .errors import RessolError
from .maps import draw_borders, finish_map, head_and_legends, map_figure, proportional_circles

MEMBER_COLOUR = PALETTE[0]
OTHER_COLOUR = "#c9d3da"
CIRCLE_COLOUR = "#e07b39"
NO_ESS_COLOUR = "#ffffff"
# Fixed classes of the share of a commune's ESS employers that belong to a member (%): the
# lower bound of each class, from « none » to « half or more ».
SHARE_CLASSES = (
    (0.0, "Aucun adhérent", "#e3e3e3"),
    (1e-9, "Moins de 10 %", "#bdc9e1"),
    (10.0, "De 10 à moins de 25 %", "#74a9cf"),
    (25.0, "De 25 à moins de 50 %", "#2b8cbe"),
    (50.0, "50 % ou plus", "#045a8d"),
)
BAR_COLUMNS = ["ess_etablissements_employeurs", "reseau_ess_etablissements_employeurs_adherents"]


def coverage_bars(
    table: pd.DataFrame, label: str, title: str, source: str, synthetic: bool = False
) -> Figure:
    """ESS employer establishments of each group, members and others, as stacked bars.

    Parameters
    ----------
    table : DataFrame
        One row per group (family, sector, area) with ``label`` and
        ``ess_etablissements_employeurs``, ``reseau_ess_etablissements_employeurs_adherents``
        (output of :func:`ressol_analysis.network.coverage_by_family` or ``…_by_sector``
        without its total row); groups without ESS employer are left out.
    label : str
        Column holding the group's French name.
    title : str
        Chart title.
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.

    Returns
    -------
    Figure
        Groups in the table's order, top down; each bar reads « 6 sur 394 (1,5 %) », or
        « 0 sur 10 ».
    """
    check_columns(table, [label, *BAR_COLUMNS], "de la couverture du réseau")
    shown = table[table["ess_etablissements_employeurs"] > 0]
    if shown.empty:
        raise RessolError(
            f"Graphique « {title} » : aucun établissement employeur de l'ESS ; rien à dessiner."
        )
    style()
    every = shown["ess_etablissements_employeurs"].to_numpy(dtype=float)
    members = shown["reseau_ess_etablissements_employeurs_adherents"].to_numpy(dtype=float)
    positions = np.arange(len(shown))
    fig, ax = plt.subplots(figsize=(9.5, 0.48 * len(shown) + 2.0))
    ax.barh(positions, members, color=MEMBER_COLOUR, label="Adhérents du réseau")
    ax.barh(positions, every - members, left=members, color=OTHER_COLOUR, label="Non adhérents")
    for y, (total, part) in enumerate(zip(every, members, strict=True)):
        share = f" ({formatting.percent(100 * part / total)})" if part else ""
        ax.annotate(
            f"{formatting.number(part)} sur {formatting.number(total)}{share}",
            (total, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    names = [textwrap.fill(str(n), 40) for n in shown[label]]
    ax.set_yticks(positions, names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, every.max() * 1.3)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: formatting.number(v)))
    ax.set_xlabel("Établissements employeurs de l'ESS")
    ax.set_title(title)
    height = fig.get_figheight()
    # Legend and source line below the axis title: about 0.8 in whatever the chart's height.
    fig.legend(
        frameon=False, fontsize=8.5, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 0.35 / height)
    )
    fig.tight_layout(rect=(0, 0.8 / height, 1, 0.97))
    add_source(fig, source, synthetic=synthetic)
    return fig


def family_bars(families: pd.DataFrame, source: str, synthetic: bool = False) -> Figure:
    """:func:`coverage_bars` of the ESS families (French names in ``famille``, no total row)."""
    title = "Employeurs de l'ESS par famille : adhérents et non adhérents"
    return coverage_bars(families, "famille", title, source, synthetic)


def sector_bars(sectors: pd.DataFrame, source: str, synthetic: bool = False) -> Figure:
    """:func:`coverage_bars` of the sectors (names in ``libelle``), NAF A21."""
    title = "Employeurs de l'ESS par secteur (NAF A21) : adhérents et non adhérents"
    return coverage_bars(sectors, "libelle", title, source, synthetic)


def _share_class(share: pd.Series) -> pd.Series:
    """Index in :data:`SHARE_CLASSES` of each share (missing stays missing)."""
    bounds = np.array([lower for lower, _, _ in SHARE_CLASSES])
    classes = np.searchsorted(bounds, share.to_numpy(dtype=float), side="right") - 1
    return pd.Series(classes, index=share.index).where(share.notna())


def coverage_map(
    shapes: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    coverage: pd.DataFrame,
    area: str,
    source: str,
    synthetic: bool = False,
) -> Figure:
    """Share of each commune's ESS employers that are members; ESS employers as circles.

    Counts of establishments are not under statistical secrecy (as on the ESS map); the
    members' jobs, which are, are not drawn.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI`` (borders drawn between EPCIs).
    communes : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_commune`: ``CODGEO``,
        ``ess_etablissements_employeurs``, ``part_reseau_ess_etablissements_employeurs``.
    coverage : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_area`: the whole area's totals,
        written under the title.
    area : str
        Code of the area drawn (``territoire_code`` in ``coverage``).
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.

    Returns
    -------
    Figure
        Fixed classes (:data:`SHARE_CLASSES`), communes without ESS employer in white.
    """
    whole = coverage.set_index("territoire_code").loc[area]
    columns = [
        "CODGEO",
        "ess_etablissements_employeurs",
        "part_reseau_ess_etablissements_employeurs",
    ]
    check_columns(communes, columns, "de la couverture du réseau par commune")
    check_columns(shapes, ["CODGEO", "EPCI"], "des contours des communes")
    frame, fig, ax = map_figure(shapes, size=(8.5, 9.4))
    frame = frame.merge(communes[columns], on="CODGEO", how="left")
    employers_by_commune = frame["ess_etablissements_employeurs"].fillna(0).astype(float)
    classes = _share_class(frame["part_reseau_ess_etablissements_employeurs"])
    handles = []
    for index, (_, text, colour) in enumerate(SHARE_CLASSES):
        inside = classes == index
        if inside.any():
            frame.loc[inside].plot(ax=ax, color=colour, edgecolor="white", linewidth=0.3)
        handles.append(Patch(facecolor=colour, edgecolor="#999999", label=text))
    empty = employers_by_commune == 0
    if empty.any():
        frame.loc[empty].plot(ax=ax, color=NO_ESS_COLOUR, edgecolor="#bbbbbb", linewidth=0.3)
        handles.append(
            Patch(facecolor=NO_ESS_COLOUR, edgecolor="#999999", label="Aucun employeur de l'ESS")
        )
    draw_borders(ax, frame, frame.set_index("CODGEO")["EPCI"])
    centres = frame.representative_point()
    circles = proportional_circles(
        ax,
        centres.x.to_numpy(),
        centres.y.to_numpy(),
        employers_by_commune,
        CIRCLE_COLOUR,
        "#7a3a10",
        "établissements",
        max_area=900,
    )
    head_and_legends(
        ax,
        "La couverture du réseau commune par commune",
        f"Ensemble de {whole['territoire']} : "
        f"{formatting.number(whole['reseau_ess_etablissements_employeurs_adherents'])} "
        "établissements employeurs de l'ESS adhérents sur "
        f"{formatting.number(whole['ess_etablissements_employeurs'])}, soit "
        f"{formatting.percent(whole['part_reseau_ess_etablissements_employeurs'])}",
        handles,
        "Part des employeurs de l'ESS\nde la commune qui sont adhérents",
        circles,
        "Établissements employeurs de l'ESS",
    )
    return finish_map(fig, source, synthetic=synthetic, top=0.95)


__all__ = ["SHARE_CLASSES", "coverage_bars", "coverage_map", "family_bars", "sector_bars"]
