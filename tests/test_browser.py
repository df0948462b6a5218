"""The produced report, opened in headless Chromium as a board member would open it.

The report is built for Centre Manche from a temporary copy of the project; the synthesis page
is written into the run folder; every page must load with no failed request and no console
error, every image must decode, and a screenshot of each page (desktop and phone width) is
saved to ``tests/artefacts/`` for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ressol_analysis.browser import Chromium, check_report, external_urls, find_chromium
from ressol_analysis.files import write_xlsx
from ressol_analysis.formatting import NBSP, number, percent
from ressol_analysis.paths import project_paths
from ressol_analysis.pdf import report_pdf
from ressol_analysis.report import CHAPTERS, run_report
from ressol_analysis.sources.manifest import load_manifest
from ressol_analysis.synthesis_page import synthesis_page

ARTEFACTS = Path(__file__).parent / "artefacts"
TERRITORY = "centre-manche"
needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium absent : installez le paquet Debian « chromium » pour les tests navigateur",
)
TABLE_TEXT = """
Array.from(document.querySelectorAll("figure.chiffres")).map(f => ({
  caption: f.querySelector("figcaption").innerText,
  header: Array.from(f.querySelectorAll("thead th")).map(c => c.innerText),
  rows: Array.from(f.querySelectorAll("tbody tr")).map(
    r => Array.from(r.querySelectorAll("th, td")).map(c => c.innerText)),
}))
"""


@pytest.fixture(scope="module")
def run(built_project, tmp_path_factory) -> Path:
    """A report of Centre Manche with its synthesis page and XLSX, as the CLI will write them."""
    folder = run_report(
        project_paths(built_project),
        TERRITORY,
        tmp_path_factory.mktemp("rapports"),
        log=lambda _: None,
    )
    indicators = pd.read_csv(folder / "indicateurs.csv", dtype=str).assign(
        valeur=lambda t: pd.to_numeric(t["valeur"])
    )
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    html = synthesis_page(
        indicators,
        TERRITORY,
        "Centre Manche",
        [(title, f"{name}.html") for name, title in CHAPTERS],
        load_manifest(built_project / "data" / "raw").values(),
        "Un établissement est de l'ESS quand sa structure est une association, une "
        "coopérative, une mutuelle ou une fondation.",
        False,
        info,
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    write_xlsx(indicators, folder / "indicateurs.xlsx")
    return folder


def test_no_page_fetches_anything_from_the_network(run):
    pages = sorted(run.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", *(f"{n}.html" for n, _ in CHAPTERS)}
    for page in pages:
        assert external_urls(page.read_text(encoding="utf-8")) == [], page.name


def test_static_check_finds_external_resources():
    html = (
        '<link rel="stylesheet" href="https://cdn.example.org/a.css">'
        '<script src="//cdn.example.org/b.js"></script><img src="data:image/png;base64,AA">'
        '<img srcset="c.png 1x, http://example.org/d.png 2x">'
        '<style>@font-face { src: url("https://fonts.example.org/e.woff2"); }</style>'
        '<a href="https://www.insee.fr">Insee</a>'  # a link is not fetched: allowed
    )
    assert external_urls(html) == [
        '<link href="https://cdn.example.org/a.css">',
        '<script src="//cdn.example.org/b.js">',
        '<img srcset="http://example.org/d.png">',
        '<style url="https://fonts.example.org/e.woff2">',
    ]


@needs_chromium
def test_every_page_loads_cleanly_and_is_screenshotted(run):
    checks = check_report(run, ARTEFACTS, widths=(1280, 390))
    assert [c.problems for c in checks] == [[] for _ in checks]
    pages = {c.page.name for c in checks}
    assert "index.html" in pages and "01_demographie.html" in pages
    chapter = next(c for c in checks if c.page.name == "01_demographie.html")
    assert chapter.images >= 1  # charts and map are embedded images that decode
    for check in checks:
        assert check.screenshot.is_file() and check.screenshot.stat().st_size > 10_000


@needs_chromium
def test_browser_reports_broken_pages(tmp_path):
    page = tmp_path / "casse.html"
    page.write_text(
        '<html lang="fr"><body><img src="absente.png" alt="graphique">'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<script>console.error("panne")</script></body></html>',
        encoding="utf-8",
    )
    with Chromium() as browser:
        check = browser.check_page(page)
    assert any("absente.png" in r for r in check.failed_requests)
    assert any("cdn.example.org" in r for r in check.failed_requests)  # never reached online
    assert "panne" in check.console_errors
    assert check.broken_images == ["graphique [" + page.with_name("absente.png").as_uri() + "]"]
    assert len(check.problems) >= 4


@needs_chromium
def test_synthesis_table_shows_the_run_figures(run):
    csv = pd.read_csv(run / "indicateurs.csv", dtype=str)
    value = {(r.territoire_code, r.indicateur): float(r.valeur) for r in csv.itertuples()}
    with Chromium() as browser:
        tables = browser.evaluate(run / "index.html", TABLE_TEXT)
    main = tables[0]
    assert main["caption"] == "Centre Manche et ses zones de comparaison"
    areas = ["centre-manche", "dep-50", "basse-normandie", "reg-28"]
    assert main["header"][1:5] == [
        csv.loc[csv.territoire_code == a, "territoire"].iloc[0] for a in areas
    ]
    rows = {r[0]: [c.replace(NBSP, " ") for c in r[1:5]] for r in main["rows"]}

    def expected(key, fmt):
        return [fmt(value[(a, key)]).replace(NBSP, " ") for a in areas]

    assert rows["Habitants"] == expected("population", number)
    assert rows["Habitants"][0] == "146 623"
    assert rows["Habitants par km²"] == expected("densite_hab_km2", lambda v: number(v, 1))
    assert rows["Part des moins de 15 ans"] == expected("part_moins_15_ans", percent)
    assert rows["Part des 60 ans et plus"] == expected("part_60_ans_plus", percent)
    assert rows["Part des 75 ans et plus"] == expected("part_75_ans_plus", percent)
    epcis = tables[1]
    assert epcis["caption"] == "Centre Manche et ses intercommunalités"
    assert epcis["header"][2:5] == [
        "CA Saint-Lô Agglo",
        "CC Coutances Mer et Bocage",
        "CC Côte Ouest Centre Manche",
    ]


@needs_chromium
def test_report_pdf_of_the_run(run, tmp_path):
    from pypdf import PdfReader

    pages = [run / "index.html", *(run / f"{name}.html" for name, _ in CHAPTERS)]
    pdf = report_pdf(pages, tmp_path / "rapport.pdf")
    reader = PdfReader(pdf)
    assert [o.title for o in reader.outline][0].startswith("Synthèse — Centre Manche")
    assert len(reader.outline) == len(pages)
    assert len(reader.pages) >= len(pages)
    assert "146 623" in reader.pages[0].extract_text().replace(NBSP, " ")
