"""Charts and map of the ESS chapter: families, sectors, size bands, official anchors, communes.

Same look as :mod:`ressol_analysis.chart_style`: French labels and number format, a source
line under each chart, and the red mark « Données synthétiques de démonstration » when the
figures come from the synthetic extract. Inputs are the tables of :mod:`ressol_analysis.ess` (and
:func:`ressol_analysis.ess_text.official_anchor` for the anchors); nothing here computes an
indicator.
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
from .chart_style import PALETTE, add_source, percent_axis, style
from .errors import RessolError
from .ess_communes import SECRET_MIN_COUNT, main_communes
from .ess_points import GRID_METRES
from .labels import FAMILY_LABELS, sentence_case
from .maps import (
    circle_legend_values,
    draw_borders,
    fill_classes,
    finish_map,
    head_and_legends,
    label_communes,
    map_figure,
    proportional_circles,
)
from .sources.reference import FAMILIES

FAMILY_COLOURS = dict(zip(FAMILIES, PALETTE, strict=False))
ESS_COLOUR = PALETTE[0]
ALL_COLOUR = "#c9d3da"
SECRET_COLOUR = "#d9d9d9"
EMPTY_COLOUR = "#ffffff"
CIRCLE_COLOUR = "#e07b39"
CIRCLE_MAX_AREA = 1400.0  # points², the largest circle of the ESS map


def _wrap(label: str, width: int) -> str:
    return textwrap.fill(label, width)


def _bar_labels(ax, bars, texts: list[str], fontsize: float = 7.5) -> None:
    for bar, text in zip(bars, texts, strict=True):
        ax.annotate(
            text,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=fontsize,
        )


def _share_label(value: float) -> str:
    """``67 %``, but ``0,1 %`` rather than a misleading ``0 %`` for a small non-zero share."""
    return formatting.percent(value, 1 if 0 < value < 1 else 0)


def family_bars(
    shares: pd.DataFrame, names: dict[str, str], source: str, synthetic: bool = False
) -> Figure:
    """Stacked horizontal bars: split of ESS estimated jobs by family, one bar per area.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`ressol_analysis.ess.family_shares` (``territoire_code``, ``famille``,
        ``part``), areas in display order.
    names : dict
        Area code → name.
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.

    Returns
    -------
    Figure
        Segments of 4 % or more carry their share.
    """
    check_columns(shares, ["territoire_code", "famille", "part"], "des parts par famille")
    style()
    table = shares.pivot(index="territoire_code", columns="famille", values="part")
    areas = list(dict.fromkeys(shares["territoire_code"]))
    table = table.reindex(index=areas, columns=list(FAMILIES)).fillna(0.0)
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(areas) + 2.2))
    positions = np.arange(len(areas))
    left = np.zeros(len(areas))
    for family in FAMILIES:
        values = table[family].to_numpy()
        ax.barh(
            positions,
            values,
            left=left,
            color=FAMILY_COLOURS[family],
            label=FAMILY_LABELS[family],
            edgecolor="white",
            linewidth=0.6,
        )
        for y, (start, value) in enumerate(zip(left, values, strict=True)):
            if value >= 4:
                ax.text(
                    start + value / 2,
                    y,
                    formatting.percent(value, 0),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white",
                )
        left += values
    ax.set_yticks(positions, [_wrap(names.get(a, a), 30) for a in areas], fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    percent_axis(ax.xaxis)
    ax.set_xlabel("Part des emplois salariés estimés de l'ESS (%)")
    ax.set_title("Répartition de l'emploi de l'ESS par famille")
    ax.legend(frameon=False, fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.42, -0.13))
    fig.tight_layout(rect=(0, 0.09, 1, 0.97))
    add_source(fig, source, synthetic=synthetic)
    return fig


def sector_bars(sectors: pd.DataFrame, level: str, source: str, synthetic: bool = False) -> Figure:
    """Two panels by sector: ESS estimated jobs, and the ESS share of jobs within the sector.

    Parameters
    ----------
    sectors : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_sector`: ``<level>``,
        ``libelle``, ``ess_effectif_salarie_estime``, ``part_ess_effectif_salarie_estime``.
    level : str
        Sector level (``A21``).
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.

    Returns
    -------
    Figure
        Sectors with ESS jobs, sorted by ESS jobs (largest on top); the right panel shows
        the ESS share of the sector's estimated jobs, with the ESS share of all jobs of the
        area as a dashed line when ``sectors.attrs["part_ensemble"]`` is set.
    """
    columns = [level, "libelle", "ess_effectif_salarie_estime", "part_ess_effectif_salarie_estime"]
    check_columns(sectors, columns, "de l'ESS par secteur")
    table = sectors[sectors["ess_effectif_salarie_estime"] > 0].sort_values(
        ["ess_effectif_salarie_estime", level], ascending=[False, True], kind="stable"
    )
    if table.empty:
        raise RessolError(
            "Graphique de l'ESS par secteur : aucun secteur n'a d'emploi salarié estimé de "
            "l'ESS dans cette zone ; il n'y a rien à dessiner."
        )
    style()
    labels = [_wrap(sentence_case(str(t)), 38) for t in table["libelle"]]
    positions = np.arange(len(table))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.5 * len(table) + 2.2), sharey=True)
    jobs = table["ess_effectif_salarie_estime"].to_numpy(dtype=float)
    bars = left.barh(positions, jobs, color=ESS_COLOUR)
    _bar_labels(left, bars, [formatting.number(v) for v in jobs], fontsize=8.5)
    left.set_yticks(positions, labels, fontsize=9)
    left.invert_yaxis()
    left.set_xlim(0, max(jobs.max(), 1) * 1.22)
    left.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: formatting.number(v)))
    left.set_xlabel("Emplois salariés estimés de l'ESS")
    left.set_title("Emplois de l'ESS", fontsize=10.5)
    shares = table["part_ess_effectif_salarie_estime"].to_numpy(dtype=float)
    bars = right.barh(positions, np.nan_to_num(shares), color=PALETTE[1])
    _bar_labels(right, bars, [_share_label(v) for v in shares], fontsize=8.5)
    right.set_xlim(0, 115)
    right.set_xticks([0, 25, 50, 75, 100])
    percent_axis(right.xaxis)
    right.set_xlabel("Part de l'ESS dans l'emploi du secteur (%)")
    right.set_title("Poids de l'ESS dans le secteur", fontsize=10.5)
    overall = sectors.attrs.get("part_ensemble")
    if overall is not None:
        right.axvline(overall, color="#333333", linestyle="--", linewidth=0.9)
        right.annotate(
            f"tous secteurs : {formatting.percent(overall)}",
            (overall, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            fontsize=7.5,
            va="top",
        )
    right.tick_params(axis="y", length=0)
    fig.suptitle(f"L'ESS par secteur d'activité (NAF {level})", fontweight="bold", fontsize=12)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96), w_pad=1.5)
    add_source(fig, source, synthetic=synthetic)
    return fig


def band_bars(bands: pd.DataFrame, source: str, synthetic: bool = False) -> Figure:
    """Two panels by headcount band: ESS employer establishments, and the ESS share in the band.

    Parameters
    ----------
    bands : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_band`, in band order:
        ``libelle``, ``etablissements_employeurs``, ``ess_etablissements_employeurs``,
        ``part_ess_etablissements_employeurs``.
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.

    Returns
    -------
    Figure
        Bands without any employer in the area are left out.
    """
    columns = [
        "libelle",
        "etablissements_employeurs",
        "ess_etablissements_employeurs",
        "part_ess_etablissements_employeurs",
    ]
    check_columns(bands, columns, "de l'ESS par tranche d'effectifs")
    table = bands[bands["etablissements_employeurs"] > 0]
    if table.empty:
        raise RessolError(
            "Graphique de l'ESS par tranche d'effectifs : aucun établissement employeur dans "
            "cette zone ; il n'y a rien à dessiner."
        )
    style()
    positions = np.arange(len(table))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.38 * len(table) + 2), sharey=True)
    counts = table["ess_etablissements_employeurs"].to_numpy(dtype=float)
    bars = left.barh(positions, counts, color=ESS_COLOUR)
    _bar_labels(left, bars, [formatting.number(v) for v in counts])
    left.set_yticks(positions, [str(t) for t in table["libelle"]], fontsize=9)
    left.invert_yaxis()
    left.set_xlim(0, max(counts.max(), 1) * 1.2)
    left.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: formatting.number(v)))
    left.set_xlabel("Établissements employeurs de l'ESS")
    left.set_title("Établissements de l'ESS", fontsize=10.5)
    shares = table["part_ess_etablissements_employeurs"].to_numpy(dtype=float)
    bars = right.barh(positions, np.nan_to_num(shares), color=PALETTE[1])
    _bar_labels(right, bars, [formatting.percent(v, 0) for v in shares])
    right.set_xlim(0, max(np.nanmax(shares), 1) * 1.25)
    percent_axis(right.xaxis)
    right.set_xlabel("Part de l'ESS parmi les employeurs de la tranche (%)")
    right.set_title("Poids de l'ESS dans la tranche", fontsize=10.5)
    right.tick_params(axis="y", length=0)
    fig.suptitle(
        "L'ESS selon la taille des établissements (tranche d'effectifs salariés)",
        fontweight="bold",
        fontsize=12,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.96), w_pad=1.5)
    add_source(fig, source, synthetic=synthetic)
    return fig


def anchor_bars(anchor: pd.DataFrame, source: str, synthetic: bool = False) -> Figure:
    """Official ESS shares (ITDD 2008, 2014) next to the SIRENE estimate, one group per area.

    Parameters
    ----------
    anchor : DataFrame
        Output of :func:`ressol_analysis.ess_text.official_anchor`: ``territoire``,
        ``part_ess_2008``, ``part_ess_2014``, ``part_ess_sirene``.
    source : str
        Source line naming both sources and their vintages.
    synthetic : bool
        Whether the SIRENE estimate comes from synthetic demonstration data.

    Returns
    -------
    Figure
        Grouped vertical bars with their values.
    """
    series = {
        "part_ess_2008": "Insee, Clap 2008",
        "part_ess_2014": "Insee, Clap 2014",
        "part_ess_sirene": "Estimation Sirene (tranches)",
    }
    check_columns(anchor, ["territoire", *series], "des chiffres officiels de l'ESS")
    style()
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    width = 0.8 / len(series)
    x = np.arange(len(anchor))
    colours = [ALL_COLOUR, "#7f98a8", ESS_COLOUR]
    for j, (column, label) in enumerate(series.items()):
        values = anchor[column].to_numpy(dtype=float)
        bars = ax.bar(
            x - 0.4 + width * (j + 0.5),
            np.nan_to_num(values),
            width,
            label=label,
            color=colours[j],
            hatch="//" if synthetic and j == 2 else None,
            edgecolor="white",
        )
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                formatting.percent(value),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    ax.set_xticks(x, list(anchor["territoire"]))
    top = np.nanmax(anchor[list(series)].to_numpy(dtype=float))
    ax.set_ylim(0, top * 1.25)
    percent_axis(ax.yaxis)
    ax.set_ylabel("Part de l'ESS dans l'emploi salarié (%)")
    ax.set_title("Poids de l'ESS dans l'emploi salarié : chiffres officiels et estimation")
    ax.legend(frameon=False, fontsize=8, loc="upper right", ncol=3)
    fig.tight_layout(rect=(0, 0.07, 1, 0.96))
    add_source(fig, source, synthetic=synthetic)
    return fig


def ess_map(
    shapes: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    total_jobs: float,
    total_share: float,
    area_name: str,
    source: str,
    synthetic: bool = False,
    points: pd.DataFrame | None = None,
    named: int = 8,
) -> Figure:
    """ESS estimated jobs as proportional circles over the ESS share as a choropleth.

    Statistical secrecy is the one of :func:`ressol_analysis.ess_communes.commune_table`: a commune
    whose share is masked is hatched « secret statistique » and has no circle when its ESS jobs are
    masked. The total of the area, which is published unmasked, is written under the title.
    With ``points`` (groups of establishments placed by their coordinates,
    :func:`ressol_analysis.ess_points.point_groups`), the circles are drawn where the
    establishments are, by cell, instead of one per commune, and the map says so.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI`` (borders drawn between EPCIs).
    communes : DataFrame
        Output of :func:`ressol_analysis.ess_communes.commune_table`: ``CODGEO``,
        ``etablissements_employeurs``, ``ess_effectif_salarie_estime``,
        ``part_ess_effectif_salarie_estime``, ``secret_ess``, ``secret_total``.
    total_jobs, total_share : float
        ESS estimated jobs and ESS share of the whole area (unmasked).
    area_name : str
        Name of the area, for the subtitle.
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from synthetic demonstration data.
    points : DataFrame, optional
        ``CODGEO``, ``x``, ``y`` (Lambert-93, missing for the rest of a commune), ``emplois``.
    named : int
        How many communes to name on the map when ``communes`` has their names
        (``LIBELLE``): those with the most ESS jobs, unmasked (:func:`ess_communes.main_communes`).

    Returns
    -------
    Figure
        The map, with the classes in plain words and the circle sizes in the legend.
    """
    columns = [
        "CODGEO",
        "etablissements_employeurs",
        "ess_effectif_salarie_estime",
        "part_ess_effectif_salarie_estime",
        "secret_ess",
        "secret_total",
    ]
    check_columns(communes, columns, "de l'ESS par commune")
    check_columns(shapes, ["CODGEO", "EPCI"], "des contours des communes")
    frame, fig, ax = map_figure(shapes, size=(8.5, 9.4))
    frame = frame.merge(communes[columns], on="CODGEO", how="left")
    secret = (frame["secret_ess"] | frame["secret_total"]).fillna(False).astype(bool)
    share = frame["part_ess_effectif_salarie_estime"].where(~secret)
    empty = ~secret & share.isna()
    handles = []
    shown = share.dropna()
    if not shown.empty:
        handles += fill_classes(ax, frame, shown, "%", 0)
    if secret.any():
        frame.loc[secret].plot(
            ax=ax, facecolor=SECRET_COLOUR, hatch="////", edgecolor="white", linewidth=0.3
        )
        handles.append(
            Patch(
                facecolor=SECRET_COLOUR,
                hatch="////",
                edgecolor="#999999",
                label="Secret statistique",
            )
        )
    if empty.any():
        frame.loc[empty].plot(ax=ax, color=EMPTY_COLOUR, edgecolor="#bbbbbb", linewidth=0.3)
        handles.append(
            Patch(facecolor=EMPTY_COLOUR, edgecolor="#999999", label="Aucun emploi salarié estimé")
        )
    draw_borders(ax, frame, frame.set_index("CODGEO")["EPCI"])
    jobs = frame["ess_effectif_salarie_estime"].where(~frame["secret_ess"].fillna(False))
    centres = frame.set_index("CODGEO").representative_point()
    if points is not None and not points.empty:
        xs = points["x"].fillna(points["CODGEO"].map(centres.x)).to_numpy()
        ys = points["y"].fillna(points["CODGEO"].map(centres.y)).to_numpy()
        values = points["emplois"].astype(float).reset_index(drop=True)
    else:
        drawn = jobs > 0
        xs = frame.loc[drawn, "CODGEO"].map(centres.x).to_numpy()
        ys = frame.loc[drawn, "CODGEO"].map(centres.y).to_numpy()
        values = jobs[drawn].astype(float).reset_index(drop=True)
    circle_handles = proportional_circles(
        ax, xs, ys, values, CIRCLE_COLOUR, "#7a3a10", "emplois", max_area=CIRCLE_MAX_AREA
    )
    if named and "LIBELLE" in communes.columns:
        label_communes(ax, frame, main_communes(communes, named))
    placed = points is not None and not points.empty
    head_and_legends(
        ax,
        "L'ESS commune par commune : emplois estimés et poids dans l'emploi"
        if not placed
        else "L'ESS sur le territoire : emplois estimés par lieu et poids dans l'emploi",
        f"Ensemble de {area_name} (non soumis au secret) : {formatting.number(total_jobs)} "
        f"emplois salariés estimés dans l'ESS, soit {formatting.percent(total_share)}",
        handles,
        "Part de l'ESS dans l'emploi salarié estimé",
        circle_handles,
        "Emplois salariés estimés de l'ESS"
        + (
            f"\npar carreau de {GRID_METRES // 1000} km (au moins {SECRET_MIN_COUNT} "
            "établissements)\net reste de chaque commune en son centre"
            if placed
            else ""
        ),
    )
    return finish_map(fig, source, synthetic=synthetic, top=0.97)


__all__ = [
    "anchor_bars",
    "band_bars",
    "circle_legend_values",
    "ess_map",
    "family_bars",
    "sector_bars",
]
