"""Execute the chapter notebooks with papermill and export them as HTML for the board.

A run reserves its own folder name and writes into its own staging folder next to it
(:mod:`ressol_analysis.runs`); the folder is published in one rename only when every chapter
succeeded: a failing chapter never replaces the previous good report, and two runs at the same
time never mix their files. An interrupted run (Ctrl-C, SIGTERM, SIGHUP) stops its kernels and
Chromium and removes its staging folder (:mod:`ressol_analysis.interruption`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path

import nbformat
import pandas as pd
import papermill
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

from . import ess
from .browser import find_chromium
from .context import Diagnostic, load
from .contract import round_values
from .display import figure
from .errors import RessolError
from .ess_charts import ess_map
from .ess_communes_text import MAP_TOTALS, map_alt
from .ess_text import SECTORS_FILE, sector_table
from .ess_text import rules as ess_rules
from .files import excel_name, marked, probe_folder, write_csv, write_excel_csv
from .interruption import children, deferred, interruptible, stop_children
from .network_run import KIT_FOLDER, write_kit
from .network_text import chapter_title
from .paths import ProjectPaths
from .pdf import report_pdf
from .runs import RUN_INFO, base_name, reserve
from .scenarios import classement, swap_weights
from .scenarios_sheets import ScenarioFolder
from .scenarios_text import example_warning, synthesis_lines
from .sources.manifest import load_manifest
from .synthesis_page import sources_page, synthesis_page
from .workbook import write_indicators_xlsx

TEMPLATES = Path(__file__).parent / "templates"
SCENARIOS_CHAPTER = "05_scenarios"
PLAN_CHAPTER = "06_plan_actions"
SOURCES_PAGE = "sources.html"
# Raw files that only some territories use, and the key of the territory file naming them: the
# sources annex lists them only for a territory that names that very file.
OPTIONAL_INPUTS = {"urssaf_commune_ape": "urssaf"}
# Communes named on the map of the synthesis (those with the most ESS jobs, unmasked).
MAP_NAMES = 8
# Code columns of ess_par_commune.csv, kept as text in its Excel variant.
COMMUNE_CODES = ("CODGEO", "groupe")
NETWORK_CHAPTER = "04_reseau"
CHAPTERS = (
    ("01_demographie", "Démographie"),
    ("02_economie", "Économie"),
    ("03_ess", "Économie sociale et solidaire"),
    (NETWORK_CHAPTER, "Le réseau RESSOL"),
    (SCENARIOS_CHAPTER, "Scénarios"),
    (PLAN_CHAPTER, "Plan d'actions"),
)
REPORT_CSS = """
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1000px; margin: 0 auto;
       padding: 0 1rem; color: #1f2328; line-height: 1.45; }
.jp-Notebook { padding: 0 !important; }
figure.ressol-table { margin: 1rem 0 1.5rem; overflow-x: auto; }
figure.ressol-table figcaption { font-weight: bold; margin-bottom: .4rem; }
figure.ressol-table table { border-collapse: collapse; font-size: .9rem; }
figure.ressol-table th, figure.ressol-table td { border-bottom: 1px solid #d0d7de;
       padding: .3rem .6rem; }
figure.ressol-table thead th { background: #f3f5f7; }
figure.ressol-table th { text-align: left; }
p.source, p.note { font-size: .8rem; color: #555; margin: .3rem 0; }
figure.ressol-figure { margin: 1rem 0; }
nav.chapitres { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap;
       border-bottom: 1px solid #d0d7de; padding: .5rem 0; margin-bottom: 1rem;
       font-size: .9rem; }
nav.chapitres.bas { border-top: 1px solid #d0d7de; border-bottom: 0; margin-top: 2rem; }
nav.chapitres a { color: #1b6f8a; }
@media print {
  figure { break-inside: avoid; } h2 { break-after: avoid; }
  nav.chapitres { display: none; }
  figure.ressol-table { overflow: visible; }
  figure.ressol-table table { width: 100%; table-layout: auto; font-size: 7.5pt; }
  figure.ressol-table th, figure.ressol-table td { padding: .15rem .3rem; }
  tr { break-inside: avoid; }
}
</style>
"""


@dataclass(frozen=True)
class ChapterResult:
    """One executed chapter: its name, HTML file and duration."""

    name: str
    html: Path
    seconds: float


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="ressol", extra_template_basedirs=[str(TEMPLATES)])
    exporter.language_code = "fr"
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _strip_stderr(notebook: nbformat.NotebookNode) -> list[str]:
    """Remove warnings printed by the kernel from the notebook, returning them."""
    messages = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                messages.append(output.get("text", ""))
            else:
                kept.append(output)
        cell["outputs"] = kept
    return messages


def _failure(error: PapermillExecutionError, chapter: str) -> RessolError:
    return RessolError(
        f"Le chapitre « {chapter} » a échoué (cellule {error.exec_count}) : "
        f"{error.ename} : {error.evalue}. Le rapport précédent est conservé. Corrigez la cause "
        "indiquée (données ou paramètres) puis relancez."
    )


def export_html(notebook_path: Path, html_path: Path, title: str) -> list[str]:
    """Export an executed notebook as HTML without code; return the stripped warnings."""
    notebook = nbformat.read(notebook_path, as_version=4)
    warnings = _strip_stderr(notebook)
    notebook.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(notebook)
    body = body.replace("</head>", REPORT_CSS + "</head>", 1)
    html_path.write_text(body, encoding="utf-8")
    return warnings


def chapter_nav(chapters: tuple[tuple[str, str], ...], index: int) -> str:
    """Links of a chapter page: back to the synthesis, previous and next chapter.

    Parameters
    ----------
    chapters : tuple of (notebook, title)
        The report's chapters, in reading order.
    index : int
        Position of the page's chapter.

    Returns
    -------
    str
        A ``<nav class="chapitres">``; the last chapter leads on to the sources annex.
    """
    before = (
        f'<a href="{chapters[index - 1][0]}.html">← {escape(chapters[index - 1][1])}</a>'
        if index > 0
        else '<a href="index.html">← Synthèse</a>'
    )
    after = (
        f'<a href="{chapters[index + 1][0]}.html">{escape(chapters[index + 1][1])} →</a>'
        if index + 1 < len(chapters)
        else f'<a href="{SOURCES_PAGE}">Sources et méthode →</a>'
    )
    return (
        f'<nav class="chapitres" aria-label="Chapitres">{before}'
        f'<a href="index.html">Synthèse et sommaire</a>{after}</nav>'
    )


def add_chapter_nav(page: Path, nav: str) -> None:
    """Put the chapter links at the top and the bottom of an exported chapter page."""
    html = page.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>", html)
    if body is None:
        raise RessolError(f"La page {page.name} n'a pas de corps HTML : refaites le rapport.")
    bottom = nav.replace('class="chapitres"', 'class="chapitres bas"', 1)
    html = html[: body.end()] + nav + html[body.end() :]
    html = html.replace("</body>", bottom + "</body>", 1)
    page.write_text(html, encoding="utf-8")


def used_sources(entries, territory) -> list:
    """Manifest entries the territory's report relies on (see :data:`OPTIONAL_INPUTS`)."""
    kept = []
    for entry in entries:
        attribute = OPTIONAL_INPUTS.get(entry.key)
        named = getattr(territory, attribute) if attribute else None
        if attribute and (named is None or Path(named).resolve() != entry.path.resolve()):
            continue
        kept.append(entry)
    return kept


def ess_map_html(diag: Diagnostic) -> str:
    """The map of the ESS by commune for the synthesis, its main communes named.

    The communes named are those with the most ESS jobs among unmasked cells.
    """
    communes = diag.ess_communes
    jobs, share = (diag.value(key) for key in MAP_TOTALS)
    source = f"{diag.source('ess_effectif_salarie_estime')} ; {diag.outline_source}"
    chart = ess_map(
        diag.geometry(),
        communes,
        jobs,
        share,
        diag.territory.name,
        source,
        diag.synthetic,
        diag.ess_points,
        named=MAP_NAMES,
    )
    return figure(chart, alt=map_alt(diag.territory.name)).data


def ess_sectors(diag: Diagnostic) -> pd.DataFrame:
    """ESS by A21 sector for the territory and its reference area, marked when fictive."""
    table = ess.ess_by_sector(diag.establishments, diag.membership, diag.naf, "A21")
    areas = {diag.territory.id, diag.reference_area}
    return table[table["territoire_code"].isin(areas)].assign(synthetique=diag.synthetic)


def _execute(
    paths: ProjectPaths, name: str, title: str, staging: Path, parameters: dict, heading: str
) -> tuple[str, float, list[str]]:
    """Execute one chapter notebook and export it; return its title, duration and warnings."""
    started = time.monotonic()
    executed = staging / f"{name}.ipynb"
    notebook = paths.notebooks / f"{name}.ipynb"
    # Each chapter receives the parameters its parameters cell declares (the members file
    # only concerns the network chapter), so that papermill warns of no unknown parameter.
    declared = papermill.inspect_notebook(str(notebook))
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters={k: v for k, v in parameters.items() if k in declared},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(paths.notebooks),
            # The kernel talks to papermill on loopback only; its TCP notice would alarm readers.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as error:
        raise _failure(error, title) from None
    warnings = export_html(executed, staging / f"{name}.html", f"{title} — {heading}")
    return title, time.monotonic() - started, warnings


def _commune_table(diag, staging: Path) -> None:
    """Export the ESS by commune, with secrecy, and by A38 sector (the chapter shows the top 10).

    Every row says so when the data are synthetic.

    The directory of ESS employers is not written here: with the commune table it would let
    a reader rebuild the masked cells (``ressol annuaire`` writes it to ``travail/``).
    """
    table = marked(_rounded(diag.ess_communes), diag.synthetic)
    write_csv(table, staging / "ess_par_commune.csv")
    write_excel_csv(table, excel_name(staging / "ess_par_commune.csv"), COMMUNE_CODES)
    sectors = diag.of_territory(
        ess.ess_by_sector(diag.establishments, diag.membership, diag.naf, "A38")
    )
    sector_rows = marked(_rounded(sector_table(sectors, "A38")), diag.synthetic)
    write_csv(sector_rows, staging / SECTORS_FILE)
    write_excel_csv(sector_rows, excel_name(staging / SECTORS_FILE))


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded as in the indicator file (no ``10.05098324836`` in a CSV)."""
    floats = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    return table.assign(**{c: round_values(table[c]) for c in floats})


def _scenarios_summary(
    folder: ScenarioFolder | None, chapters: tuple[tuple[str, str], ...]
) -> tuple[list[str], str | None, str | None]:
    """What the synthesis page says of the scenarios, their chapter's page, the example mark."""
    if folder is None:
        return [], None, None
    table = classement(folder.notes, folder.criteres, folder.scenarios)
    swaps = swap_weights(folder.notes, folder.criteres, folder.scenarios)
    page = next((f"{name}.html" for name, _ in chapters if name == SCENARIOS_CHAPTER), None)
    return synthesis_lines(folder, table, swaps), page, example_warning(folder)


def titled(
    chapters: tuple[tuple[str, str], ...], network: str | None
) -> tuple[tuple[str, str], ...]:
    """The chapters with the network chapter named after the territory's own network.

    The title in :data:`CHAPTERS` is Centre Manche's (``reseau: RESSOL``); a territory whose
    file names another network, or none, reads its own title in the page, the links, the
    contents and the PDF (:func:`ressol_analysis.network_text.chapter_title`).
    """
    title = chapter_title(network).removeprefix("# ")
    return tuple((name, title if name == NETWORK_CHAPTER else t) for name, t in chapters)


def _run_chapters(
    paths: ProjectPaths,
    chapters: tuple[tuple[str, str], ...],
    staging: Path,
    parameters: dict,
    heading: str,
    workers: int,
    log: Callable[[str], object],
    keep: Iterable[int],
) -> None:
    """Execute the chapters in parallel threads; on an interruption, stop their kernels."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = [
            pool.submit(_execute, paths, name, title, staging, parameters, heading)
            for name, title in chapters
        ]
        failure = None
        for future in as_completed(futures):
            try:
                title, seconds, warnings = future.result()
            except RessolError as error:
                failure = failure or error
                continue
            for message in warnings:
                print(f"  avertissement ({title}) : {message.strip()}", file=sys.stderr)
            log(f"  {title} : {seconds:.1f} s")
    except KeyboardInterrupt:
        # Waiting chapters are dropped; running ones end when their kernel is stopped (which
        # papermill would report as an error: the interruption says it already).
        pool.shutdown(wait=False, cancel_futures=True)
        logging.getLogger("papermill").setLevel(logging.CRITICAL)
        stop_children(keep)
        raise
    finally:
        pool.shutdown(wait=True)
    if failure:
        raise failure


def run_report(
    paths: ProjectPaths,
    territory: str,
    output: Path | None = None,
    log=print,
    sirene: str | None = None,
    chapters: tuple[tuple[str, str], ...] = CHAPTERS,
    pdf: bool = True,
    workers: int = 2,
    members: str | Path | None = None,
    replace: bool = False,
    fiches: str | None = None,
) -> Path:
    """Produce the report of a territory.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    territory : str
        Territory id or YAML path.
    output : Path, optional
        Folder of reports (default ``reports/``); the run goes to
        ``<output>/<territory>/<run>/`` (see :mod:`ressol_analysis.runs` for the name).
    log : callable
        Receives one line per chapter with its duration (progress on the terminal).
    sirene : str, optional
        Folder of the official SIRENE stock files (default: the territory's ``sirene`` key,
        then the synthetic demonstration extract).
    chapters : tuple of (notebook, title)
        Chapters to execute, in reading order.
    pdf : bool
        Also print the whole report to ``rapport.pdf`` when Chromium is installed.
    workers : int
        Chapters executed at the same time (they do not depend on each other).
    members : path, optional
        Members file of the network (default: the territory's ``adherents`` key): the network
        chapter and the network's indicators. The working file that names establishments is
        never written here (``ressol reseau``).
    replace : bool
        Replace the latest run of the day with the same data instead of publishing under the
        next free name (``…-2``); refused while another run is writing that folder.
    fiches : str, optional
        Folder of the action sheets (default: the territory's ``fiches`` key; without one
        the plan chapter says there are none).

    Returns
    -------
    Path
        Folder of the run: ``index.html`` (synthesis), one HTML page per chapter,
        ``sources.html`` (sources and method), the executed notebooks, ``indicateurs.csv`` and
        ``.xlsx``, ``ess_par_commune.csv`` (with secrecy) and ``ess_par_secteur.csv``, the
        communication kit (``kit/``, when the territory names its network) and ``rapport.pdf``.
        The directory of ESS employers and the network's working file are never in it (see
        :mod:`ressol_analysis.directory`, :mod:`ressol_analysis.network_run`).

    Raises
    ------
    RessolError
        If the inputs are invalid, the output folder cannot be written, a chapter fails, or
        ``replace`` targets a folder another run is writing; the previous report is left
        untouched.
    Interrupted
        On SIGTERM or SIGHUP (``KeyboardInterrupt`` on Ctrl-C), after stopping the kernels and
        Chromium of the run and removing its staging folder.
    """
    reports = output or paths.reports
    probe_folder(reports)  # a read-only folder is said now, not after the chapters
    with interruptible():
        # Validates everything before any work, the members file included.
        diag = load(territory, str(paths.root), sirene, members=members)
        chapters = titled(chapters, diag.territory.network)
        diag.plan_folder(fiches)  # a missing folder of action sheets stops the run here
        scenarios = diag.scenario_folder()  # the members' grids too
        for note in diag.sirene_notes:
            log(f"  {note}")
        reservation = reserve(reports / diag.territory.id, base_name(diag.data.info), replace)
        before = children()
        try:
            _produce(
                paths,
                diag,
                scenarios,
                reservation.staging,
                chapters,
                pdf,
                workers,
                log,
                before,
                fiches,
            )
            with deferred():  # the rename completes even if a signal arrives meanwhile
                return reservation.publish()
        except KeyboardInterrupt:
            stop_children(before)  # Chromium of the PDF, kernels still starting
            raise
        finally:
            reservation.release()


def _produce(
    paths: ProjectPaths,
    diag,
    scenarios: ScenarioFolder | None,
    staging: Path,
    chapters: tuple[tuple[str, str], ...],
    pdf: bool,
    workers: int,
    log: Callable[[str], object],
    keep: Iterable[int],
    fiches: str | None = None,
) -> None:
    """Write every file of the run into its staging folder."""
    started_at = datetime.now().isoformat(timespec="seconds")
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    parameters = {
        "territoire": str(diag.territory.source),
        "racine": str(paths.root),
        "sirene": None if diag.synthetic else str(diag.sirene_dir),
        "adherents": str(diag.members_file) if diag.members_file else None,
        "fiches": fiches,
    }
    _run_chapters(paths, chapters, staging, parameters, diag.territory.name, workers, log, keep)
    started = time.monotonic()
    for number, (name, _) in enumerate(chapters):
        add_chapter_nav(staging / f"{name}.html", chapter_nav(chapters, number))
    indicators = diag.indicators
    write_csv(indicators, staging / "indicateurs.csv")
    write_excel_csv(indicators, excel_name(staging / "indicateurs.csv"))
    write_indicators_xlsx(indicators, staging / "indicateurs.xlsx")
    _commune_table(diag, staging)
    info = {
        "territoire": diag.territory.id,
        "date": date.today().isoformat(),
        "lance_le": started_at,
        "sirene": "synthétique" if diag.synthetic else str(diag.sirene_dir),
        "donnees": diag.data.info,
    }
    (staging / RUN_INFO).write_text(
        json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    page = synthesis_page(
        indicators,
        diag.territory.id,
        diag.territory.name,
        [(title, f"{name}.html") for name, title in chapters],
        diag.synthetic,
        info,
        *_scenarios_summary(scenarios, chapters),
        reference_2013=diag.reference_2013,
        ess_communes=diag.ess_communes,
        ess_sectors=ess_sectors(diag),
        reference_area=diag.reference_area,
        map_html=ess_map_html(diag),
        chapter_names=[name for name, _ in chapters],
        pdf=pdf and find_chromium() is not None,
        network=diag.territory.network,
    )
    (staging / "index.html").write_text(page, encoding="utf-8")
    annex = sources_page(
        diag.territory.name,
        used_sources(load_manifest(paths.raw).values(), diag.territory),
        "\n".join(f"- {rule}" for rule in ess_rules(diag.sirene_notes)),
        diag.synthetic,
        info,
    )
    (staging / SOURCES_PAGE).write_text(annex, encoding="utf-8")
    log(f"  Synthèse et tableurs : {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    if diag.territory.network:
        write_kit(diag, indicators, staging / KIT_FOLDER)
        log(f"  Kit de communication : {time.monotonic() - started:.1f} s")
    else:
        log(
            "  Kit de communication non produit : indiquez le nom du réseau sous la clé "
            f"« reseau: » du fichier {diag.territory.source}."
        )
    if pdf:
        started = time.monotonic()
        pages = [
            staging / "index.html",
            *(staging / f"{n}.html" for n, _ in chapters),
            staging / SOURCES_PAGE,
        ]
        if report_pdf(pages, staging / "rapport.pdf", log=log):
            log(f"  PDF : {time.monotonic() - started:.1f} s")
