"""Many territories at once: one report per EPCI of a département, and a comparison index.

The regional ESS chamber produces the same diagnostic for every EPCI of a département with
``ressol report --each-epci dep-50``. Each EPCI gets a five-line territory file (written under
the output folder, never in ``territoires/``) and its own report, produced in parallel
processes; an index page ranks the EPCIs on the key indicators.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

from . import formatting
from .build import load_processed
from .errors import RessolError
from .files import probe_folder, write_csv, write_text
from .interruption import children, interruptible, stop_children
from .labels import SYNTHETIC_MARK
from .paths import ProjectPaths, project_paths
from .report import run_report

# Seconds a worker gets to stop its run's kernels and remove its staging folder.
WORKER_GRACE_SECONDS = 30.0
RANKED = (
    ("population", "Population", formatting.number),
    ("densite_hab_km2", "Densité (hab./km²)", lambda v: formatting.number(v, 1)),
    ("part_60_ans_plus", "60 ans ou plus", formatting.percent),
    ("taux_de_chomage_15_64_ans", "Chômage 15-64 ans", formatting.percent),
    (
        "part_ess_etablissements_employeurs",
        "ESS : part des établissements employeurs",
        formatting.percent,
    ),
    (
        "part_ess_effectif_salarie_estime",
        "ESS : part de l'effectif salarié estimé",
        formatting.percent,
    ),
)


def epcis_of(area: str, communes: pd.DataFrame) -> pd.DataFrame:
    """EPCIs having communes in a département (``dep-50``) or region (``reg-28``).

    Parameters
    ----------
    area : str
        ``dep-<code>`` or ``reg-<code>``.
    communes : DataFrame
        ``CODGEO``, ``DEP``, ``REG``, ``EPCI``, ``EPCI_NOM`` of the data.

    Returns
    -------
    DataFrame
        ``EPCI`` and ``EPCI_NOM``, sorted by name.

    Raises
    ------
    RessolError
        If the area code is not of that form or has no commune in the data.
    """
    kind, _, code = area.partition("-")
    column = {"dep": "DEP", "reg": "REG"}.get(kind)
    if column is None or not code:
        raise RessolError(
            f"« {area} » n'est pas un code de département ou de région : écrivez par exemple "
            "--each-epci dep-50 (Manche) ou --each-epci reg-28 (Normandie)."
        )
    selected = communes[communes[column] == code]
    if selected.empty:
        raise RessolError(
            f"Aucune commune du {'département' if kind == 'dep' else 'territoire'} {code} dans "
            "les données : les données embarquées couvrent la Normandie (14, 27, 50, 61, 76)."
        )
    epcis = selected.dropna(subset=["EPCI"]).drop_duplicates("EPCI")[["EPCI", "EPCI_NOM"]]
    return epcis.sort_values("EPCI_NOM").reset_index(drop=True)


def write_territory_files(epcis: pd.DataFrame, folder: Path, year: int) -> list[Path]:
    """Write one five-line territory YAML per EPCI into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for siren, name in zip(epcis["EPCI"], epcis["EPCI_NOM"], strict=True):
        path = folder / f"epci-{siren}.yaml"
        safe = str(name).replace('"', "'")
        write_text(  # in one step: a run started beside this one never reads half a file
            path,
            f'id: epci-{siren}\nnom: "{safe}"\nmillesime_geographie: {year}\n'
            f'perimetre:\n  epci: ["{siren}"]\n',
        )
        paths.append(path)
    return paths


def _worker_signals() -> None:
    """In a worker: Ctrl-C is the parent's to handle; SIGTERM stops an idle worker quietly.

    While a report runs, :func:`ressol_analysis.report.run_report` makes SIGTERM clean up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _one_report(
    root: str, territory: str, output: str, sirene: str | None, replace: bool
) -> tuple[str, str]:
    folder = run_report(
        project_paths(root),
        territory,
        Path(output),
        log=lambda _: None,
        sirene=sirene,
        pdf=False,
        workers=1,
        replace=replace,
    )
    return territory, str(folder)


def ranking_table(indicators: pd.DataFrame, territory_codes: Sequence[str]) -> pd.DataFrame:
    """Key indicators of each territory, one row per territory, with its rank per indicator.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicators of all the runs (concatenated ``indicateurs.csv``).
    territory_codes : sequence of str
        The territories compared (their own rows only, not their comparison areas).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire`` and, for each key of :data:`RANKED` present, the
        value and ``rang_<key>`` (1 = highest value).
    """
    own = indicators[indicators["territoire_code"].isin(territory_codes)]
    wide = own.pivot_table(
        index=["territoire_code", "territoire"],
        columns="indicateur",
        values="valeur",
        aggfunc="first",
    ).reset_index()
    for key, _, _ in RANKED:
        if key in wide.columns:
            wide[f"rang_{key}"] = wide[key].rank(ascending=False, method="min").astype("Int64")
    return wide.sort_values("territoire").reset_index(drop=True)


def index_page(area_name: str, table: pd.DataFrame, links: dict[str, str], synthetic: bool) -> str:
    """The comparison index: one row per EPCI, key indicators with their rank, links."""
    present = [(k, label, fmt) for k, label, fmt in RANKED if k in table.columns]
    head = "".join(f"<th>{escape(label)}</th>" for _, label, _ in present)
    rows = []
    for record in table.to_dict("records"):
        cells = "".join(
            f'<td class="n">{escape(fmt(record[k]))}<br><small>rang '
            f"{record[f'rang_{k}'] if pd.notna(record[f'rang_{k}']) else 'n.d.'}</small></td>"
            for k, _, fmt in present
        )
        link = links.get(record["territoire_code"], "")
        rows.append(
            f'<tr><td><a href="{escape(link)}">{escape(str(record["territoire"]))}</a></td>'
            f"{cells}</tr>"
        )
    mark = (
        '<p class="synthetique">Les indicateurs ESS de cette page sont calculés sur des '
        f"<strong>{SYNTHETIC_MARK.lower()}</strong> au format Sirene, pas sur des "
        "établissements réels.</p>"
        if synthetic
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comparaison des intercommunalités — {escape(area_name)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 0 auto;
       padding: 1rem; color: #1f2328; }}
table {{ border-collapse: collapse; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #d0d7de; padding: .35rem .6rem; vertical-align: top; }}
th {{ background: #f3f5f7; text-align: left; }}
td.n {{ text-align: right; }}
.synthetique {{ color: #b00020; font-weight: bold; }}
.tableau {{ overflow-x: auto; }}
</style></head><body>
<h1>Comparaison des intercommunalités — {escape(area_name)}</h1>
<p>Chaque ligne renvoie au diagnostic complet de l'intercommunalité. Le rang va de 1 (valeur
la plus élevée) au nombre d'intercommunalités.</p>
{mark}
<div class="tableau"><table><thead><tr><th>Intercommunalité</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<p><small>Sources : voir la page de synthèse de chaque rapport (Insee, RP 2022, comparateur de
territoires 2025, Sirene). Produit le {date.today().isoformat()}.</small></p>
</body></html>
"""


def report_each_epci(
    paths: ProjectPaths,
    area: str,
    output: Path | None = None,
    sirene: str | None = None,
    workers: int = 2,
    log: Callable[[str], object] = print,
    replace: bool = False,
) -> Path:
    """Produce one report per EPCI of a département or region, and a comparison index.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    area : str
        ``dep-50`` or ``reg-28``.
    output : Path, optional
        Folder of reports (default ``reports/``); everything goes to ``<output>/<area>/``.
    sirene : str, optional
        Folder of the official SIRENE stock files (default: synthetic demonstration extract).
    workers : int
        Reports produced at the same time (processes).
    log : callable
        Receives one line per finished report.
    replace : bool
        Each EPCI's run replaces its latest run of the day with the same data instead of
        taking the next free name (as ``ressol report --remplacer``).

    Returns
    -------
    Path
        The comparison index ``<output>/<area>/index.html``.
    """
    probe_folder(output or paths.reports)  # a wrong output folder is said before any work
    data = load_processed(paths)
    epcis = epcis_of(area, data.communes)
    base = (output or paths.reports) / area
    files = write_territory_files(epcis, base / "territoires", int(data.info["cog"]))
    folders: dict[str, Path] = {}
    started = time.monotonic()
    failures = []
    with interruptible():
        before = children()
        pool = ProcessPoolExecutor(max_workers=max(1, workers), initializer=_worker_signals)
        try:
            futures = {
                pool.submit(_one_report, str(paths.root), str(f), str(base), sirene, replace): f
                for f in files
            }
            for future in as_completed(futures):
                code = futures[future].stem
                try:
                    _, folder = future.result()
                except RessolError as error:  # one EPCI failing must not lose the others
                    failures.append(f"{code} : {error}")
                    log(f"  {code} : ÉCHEC")
                    continue
                folders[code] = Path(folder)
                log(f"  {code} : {time.monotonic() - started:.0f} s")
        except KeyboardInterrupt:
            # Each worker gets SIGTERM and cleans up its run (kernels, staging folder) as a
            # single run does; waiting EPCIs are dropped.
            pool.shutdown(wait=False, cancel_futures=True)
            stop_children(before, grace=WORKER_GRACE_SECONDS)
            raise
        finally:
            pool.shutdown(wait=True)
    if not folders:
        raise RessolError("Aucun rapport n'a pu être produit :\n" + "\n".join(failures))
    tables = [
        pd.read_csv(f / "indicateurs.csv", dtype={"territoire_code": "string"})
        for f in folders.values()
    ]
    indicators = pd.concat(tables, ignore_index=True)
    table = ranking_table(indicators, list(folders))
    links = {
        code: f"{folder.parent.name}/{folder.name}/index.html" for code, folder in folders.items()
    }
    names = {"dep": "département", "reg": "région"}
    kind, _, code = area.partition("-")
    label = (
        data.geo.departements.set_index("DEP")["LIBELLE"].get(code, code)
        if kind == "dep"
        else data.geo.regions.set_index("REG")["LIBELLE"].get(code, code)
    )
    synthetic = sirene is None
    page = index_page(f"{label} ({names[kind]} {code})", table, links, synthetic)
    index = write_text(base / "index.html", page)
    write_csv(table, base / "comparaison_epci.csv")
    if failures:
        raise RessolError(
            f"{len(failures)} rapport(s) sur {len(files)} ont échoué (l'index {index} liste les "
            "autres) :\n" + "\n".join(failures)
        )
    return index
