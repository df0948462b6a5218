"""The network commands: the working folder of ``ressol reseau`` and the kit of ``ressol kit``.

I/O at the edge: these functions load a territory (:func:`ressol_analysis.context.load`, whose
:class:`~ressol_analysis.context.Diagnostic` matches the members file), call the pure functions
of :mod:`ressol_analysis.network`, :mod:`ressol_analysis.network_lists` and
:mod:`ressol_analysis.kit`, and write files. The working folder names establishments: it goes
to ``travail/`` (never into ``reports/``, the board's folder) and replaces the previous one only
once complete. When the SIRENE figures are the synthetic demonstration extract, every file says
so in its first column or first line. The kit is board and communication material: ``ressol
report`` writes it into the report (:func:`write_kit`), ``ressol kit`` on its own.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from openpyxl import Workbook

from . import kit, kit_charts, network, network_lists
from .build import load_geometry
from .compare import read_indicators
from .context import Diagnostic, load
from .contract import TIDY_COLUMNS
from .errors import RessolError
from .files import replace_folder, stage, write_atomic, write_csv
from .labels import FAMILY_LABELS, SYNTHETIC_MARK
from .network_matching import (
    AMBIGUITY_MARGIN,
    FOUND,
    MATCH_THRESHOLD,
    NOT_FOUND,
    REVIEW,
    REVIEW_FLOOR,
)
from .paths import ProjectPaths
from .territory import load_territory
from .workbook import PERCENT, fit_rows, write_table

WORK_FOLDER = "travail"
# The kit inside a report run (board and communication material, unlike the working file).
KIT_FOLDER = "kit"


@dataclass(frozen=True)
class NetworkRun:
    """What ``ressol reseau`` wrote, and how many members fell in each status."""

    folder: Path
    found: int
    review: int
    not_found: int
    synthetic: bool


def _target(paths: ProjectPaths, output: str | Path | None, territory: str) -> Path:
    root = Path(output) if output else paths.root / WORK_FOLDER
    folder = (root / f"reseau_{territory}").resolve()
    reports = paths.reports.resolve()
    if folder == reports or reports in folder.parents:
        raise RessolError(
            f"Le fichier de travail du réseau ne doit pas être écrit dans {reports} : ce "
            "dossier est publié avec le rapport du conseil, et ce fichier nomme des "
            f"établissements. Choisissez un autre dossier (--output), par défaut {WORK_FOLDER}/."
        )
    return folder


def _readme(diag: Diagnostic, run: dict[str, int], hidden: int) -> pd.DataFrame:
    lines = [
        f"Fichier de travail du réseau — {diag.territory.name}",
        "Document interne : il nomme des établissements. Ne pas le joindre au rapport du "
        "conseil ni le publier.",
        f"Fichier des adhérents : {diag.members_file.name}",
        f"Établissements : {diag.sirene_source} ({diag.sirene_vintage}).",
        f"Adhérents retrouvés : {run['found']} ; à vérifier : {run['review']} (non comptés "
        f"tant que le fichier ne donne pas leur SIRET) ; non retrouvés : {run['not_found']}.",
        f"Rapprochement par nom : score RapidFuzz (token_sort_ratio, 0 à 100) ; retenu à "
        f"{MATCH_THRESHOLD:g} ou plus si aucune autre unité n'est à moins de "
        f"{AMBIGUITY_MARGIN:g} points ; de {REVIEW_FLOOR:g} à {MATCH_THRESHOLD:g}, ou "
        "ambigu : à vérifier (voir docs/reseau.md).",
        "Non adhérents : établissements employeurs de l'ESS du territoire qui n'appartiennent "
        "à aucun adhérent retrouvé, du plus grand au plus petit (effectif estimé au centre de "
        "la tranche). Seules les personnes morales dont la diffusion est publique (statut O "
        "de l'unité et de l'établissement) sont nommées ; "
        f"{hidden} autre(s) établissement(s) ne le sont pas.",
    ]
    if diag.synthetic:
        lines.insert(0, f"{SYNTHETIC_MARK} : ces établissements sont fictifs.")
    return pd.DataFrame({"À lire": lines})


def _for_reading(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Whole numbers without decimals, shares with two, and the demonstration mark first."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_float_dtype(values):
            whole = values.dropna().mod(1).eq(0).all() and not column.startswith("part_")
            table[column] = values.round().astype("Int64") if whole else values.round(2)
    if synthetic:
        table.insert(0, "avertissement", SYNTHETIC_MARK)
    return table


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """The working file: « À lire » as wrapped lines, every table in the shared layout."""
    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(name)
        if name == "À lire":
            write_table(sheet, table, wrap=list(table.columns))
            sheet.column_dimensions["A"].width = 120
            for row in range(2, len(table) + 2):
                sheet.row_dimensions[row].height = None
            fit_rows(sheet, table, table.columns)
            sheet.auto_filter.ref = None
            continue
        shares = {str(c): PERCENT for c in table.columns if str(c).startswith("part_")}
        write_table(sheet, table, shares)
    write_atomic(path, book.save, suffix=".xlsx")


def run_network(
    paths: ProjectPaths,
    territory: str,
    members: str | Path | None = None,
    output: str | Path | None = None,
    sirene: str | None = None,
) -> NetworkRun:
    """Match a members file and write the network's working folder.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    territory : str
        Territory id or YAML path.
    members : path, optional
        Members file; defaults to the territory's ``adherents`` key.
    output : path, optional
        Folder that receives ``reseau_<territoire>/`` (default ``travail/``; never inside
        ``reports/``).
    sirene : str, optional
        Folder of the official SIRENE stock files (default: the territory's, then the demo).

    Returns
    -------
    NetworkRun
        The folder written (``reseau_<territoire>.xlsx``, one CSV per sheet and
        ``indicateurs_reseau.csv``) and the counts of members by status.

    Raises
    ------
    RessolError
        On a missing or invalid members file, or an output inside ``reports/``; nothing is
        written then.
    """
    # The faults that need no data are reported before the data is read.
    spec = load_territory(territory, paths.territories)
    if not members and spec.members is None:
        raise RessolError(
            "Indiquez le fichier des adhérents : --adherents FICHIER (CSV ou XLSX), ou la clé "
            f"« adherents: » du fichier {spec.source}. Exemple : "
            "adherents/exemple_adherents.csv (docs/reseau.md)."
        )
    folder = _target(paths, output, spec.id)
    diag = load(territory, str(paths.root), sirene, members=members)
    matches = diag.member_matches
    flagged = diag.network_establishments
    communes = diag.territory_communes
    statuses = matches.drop_duplicates("ligne")["statut"].value_counts()
    counts = {
        "found": int(statuses.get(FOUND, 0)),
        "review": int(statuses.get(REVIEW, 0)),
        "not_found": int(statuses.get(NOT_FOUND, 0)),
    }
    non_members = network_lists.non_member_employers(flagged, diag.naf, communes)
    non_members["famille"] = non_members["famille"].map(FAMILY_LABELS)
    families = network.coverage_by_family(flagged)
    families["famille"] = families["famille"].map({**FAMILY_LABELS, "ensemble": "Ensemble"})
    tables = {
        "non_adherents": ("Non adhérents", non_members),
        "a_verifier": ("À vérifier", network_lists.review_list(matches, flagged, communes)),
        "non_retrouves": ("Non retrouvés", network_lists.unmatched_list(matches)),
        "adherents_retrouves": (
            "Adhérents retrouvés",
            network_lists.members_found(matches, flagged),
        ),
        "couverture_epci": ("Couverture EPCI", network.coverage_by_area(flagged, diag.membership)),
        "couverture_familles": ("Couverture familles", families),
        "couverture_secteurs": (
            "Couverture secteurs",
            network.coverage_by_sector(flagged, diag.naf, "A21"),
        ),
    }
    staging = folder.parent / f".{folder.name}.en-cours"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        sheets = {"À lire": _readme(diag, counts, non_members.attrs["non_listes"])}
        for stem, (sheet, frame) in tables.items():
            marked = _for_reading(frame, diag.synthetic)
            write_csv(marked, staging / f"{stem}.csv")
            sheets[sheet] = marked
        write_csv(diag.network_indicators[TIDY_COLUMNS], staging / "indicateurs_reseau.csv")
        _write_xlsx(sheets, staging / f"reseau_{diag.territory.id}.xlsx")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_folder(staging, folder)
    return NetworkRun(folder, **counts, synthetic=diag.synthetic)


def _comparisons(diag: Diagnostic) -> list[str]:
    """The département and the region among the comparison areas (else the first two)."""
    codes = diag.comparisons
    chosen = [next((c for c in codes if c.startswith(p)), None) for p in ("dep-", "reg-")]
    chosen = [c for c in chosen if c]
    return chosen if len(chosen) == 2 else codes[:2]


def _kit_map(diag: Diagnostic, table: pd.DataFrame) -> tuple:
    """Commune outlines of the kit's map with their zone, the zones' values and the context."""
    code = diag.territory.id
    epcis = list(diag.areas.loc[diag.areas["niveau"] == "epci", "territoire_code"])
    communes = diag.data.communes
    inside = communes[communes["CODGEO"].isin(diag.communes())]
    zones = kit.zone_values(table, epcis or [code])
    departements = set(inside["DEP"])
    context = communes.loc[communes["DEP"].isin(departements), "CODGEO"]
    shapes = load_geometry(diag.paths)
    shapes = shapes[shapes["CODGEO"].isin(set(context))].copy()
    in_territory = shapes["CODGEO"].isin(set(inside["CODGEO"]))
    shapes["zone"] = pd.Series(pd.NA, index=shapes.index, dtype="string")
    zone_of = inside.set_index("CODGEO")["EPCI"].map(lambda e: f"epci-{e}") if epcis else None
    shapes.loc[in_territory, "zone"] = (
        shapes.loc[in_territory, "CODGEO"].map(zone_of) if zone_of is not None else code
    )
    context_name = " et ".join(
        kit.short_name(diag.names.get(f"dep-{d}", f"département {d}")) for d in sorted(departements)
    )
    return shapes, zones, context_name


def save_kit(page: Figure, card: Figure, folder: Path, stem: str) -> dict[str, Path]:
    """Write the page (PDF and PNG) and the card (PNG); nothing is replaced unless all succeed.

    Parameters
    ----------
    page, card : Figure
        Outputs of :func:`ressol_analysis.kit_charts.kit_page` and ``kit_card``.
    folder : Path
        Destination folder (created if needed).
    stem : str
        Start of the file names (``kit_centre-manche``).

    Returns
    -------
    dict of str to Path
        ``page_pdf``, ``page_png`` (A4 at 300 dpi), ``carte_png`` (1080 × 1080 px).
    """
    folder.mkdir(parents=True, exist_ok=True)
    targets = {
        "page_pdf": (page, folder / f"{stem}_page_a4.pdf", {}),
        "page_png": (page, folder / f"{stem}_page_a4.png", {"dpi": kit_charts.PAGE_DPI}),
        "carte_png": (card, folder / f"{stem}_carte_1080.png", {"dpi": kit_charts.CARD_DPI}),
    }
    staged: list[tuple[Path, Path]] = []
    try:
        for figure, path, options in targets.values():
            # TrueType fonts embedded whole: selectable text, as printers expect.
            with plt.rc_context({"pdf.fonttype": 42}):
                temporary = stage(
                    path,
                    lambda t, f=figure, p=path, o=options: f.savefig(
                        t, format=p.suffix[1:], facecolor="white", **o
                    ),
                )
            staged.append((temporary, path))
        for temporary, path in staged:
            os.replace(temporary, path)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    return {key: path for key, (_, path, _) in targets.items()}


def _network_name(diag: Diagnostic, given: str | None) -> str:
    name = given or diag.territory.network
    if not name:
        raise RessolError(
            "Indiquez le nom du réseau imprimé sur le kit : --reseau NOM, ou la clé "
            f"« reseau: » du fichier {diag.territory.source}."
        )
    return name


def write_kit(
    diag: Diagnostic,
    table: pd.DataFrame,
    folder: Path,
    network_name: str | None = None,
    where: str = "du territoire",
) -> dict[str, Path]:
    """Draw the communication kit of a diagnostic's territory from an indicator table.

    Parameters
    ----------
    diag : Diagnostic
        The territory (names, comparison areas, outlines).
    table : DataFrame
        Tidy indicators: the run's table, every number of the kit comes from it.
    folder : Path
        Destination folder (created if needed).
    network_name : str, optional
        Name printed on the kit; defaults to the territory's ``reseau`` key.
    where : str
        The table, named in error messages.

    Returns
    -------
    dict of str to Path
        ``page_pdf``, ``page_png`` (A4 at 300 dpi), ``carte_png`` (1080 × 1080 px).

    Raises
    ------
    RessolError
        Without a network name, or when the table lacks a figure of the kit.
    """
    name = _network_name(diag, network_name)
    code = diag.territory.id
    figures = kit.key_figures(table, code, _comparisons(diag), where)
    shapes, zones, context_name = _kit_map(diag, table)
    sources = kit.sources_text(figures)[:-1] + f" ; {diag.outline_source}."
    card_figures = figures.set_index("cle").loc[list(kit.CARD_KEYS)].reset_index()
    page = kit_charts.kit_page(
        figures,
        shapes,
        zones,
        title=diag.territory.name,
        network=name,
        sources=sources,
        context_name=context_name,
        synthetic=bool(figures["synthetique"].any() or zones["synthetique"].any()),
    )
    card = kit_charts.kit_card(
        card_figures,
        title=diag.territory.name,
        network=name,
        source=kit.sources_text(card_figures),
        synthetic=bool(card_figures["synthetique"].any()),
    )
    try:
        return save_kit(page, card, folder, f"kit_{code}")
    finally:
        plt.close(page)
        plt.close(card)


def run_kit(
    paths: ProjectPaths,
    territory: str,
    output: str | Path | None = None,
    sirene: str | None = None,
    network_name: str | None = None,
    indicators: str | Path | None = None,
) -> dict[str, Path]:
    """Build the communication kit of a territory (``ressol kit``).

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    territory : str
        Territory id or YAML path (an EPCI territory works as well).
    output : path, optional
        Destination folder (default ``reports/<territoire>/kit``).
    sirene : str, optional
        Folder of the official SIRENE stock files.
    network_name : str, optional
        Name printed on the kit; defaults to the territory's ``reseau`` key.
    indicators : path, optional
        A run's ``indicateurs.csv`` to use instead of computing the indicators.

    Returns
    -------
    dict of str to Path
        The files written (see :func:`write_kit`).
    """
    diag = load(territory, str(paths.root), sirene)
    _network_name(diag, network_name)  # before computing anything
    if indicators:
        table, where = read_indicators(Path(indicators)), str(indicators)
    else:
        table, where = diag.indicators, "du territoire"
    folder = Path(output) if output else paths.reports / diag.territory.id / "kit"
    return write_kit(diag, table, folder, network_name, where)


__all__ = ["KIT_FOLDER", "NetworkRun", "run_kit", "run_network", "save_kit", "write_kit"]
