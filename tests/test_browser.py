"""The report `ressol report` wrote, opened in headless Chromium as a board member would open it.

The report of Centre Manche is the session's run (``report_run`` in tests/conftest.py, with its
PDF); the tests read the files that run wrote and never rewrite them. Every page must load
with no failed request and no console error, every image must decode, and a screenshot of each
page (desktop and phone width) is saved to ``tests/artefacts/`` for a person to look at.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from support.pages import (
    REQUIRED,
    check_page,
    check_report,
    chromium_or_skip,
    evaluate,
    external_urls,
    opened,
)

from ressol_analysis.formatting import NBSP, number, percent
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.report import CHAPTERS

ARTEFACTS = Path(__file__).parent / "artefacts"
TABLE_TEXT = """
Array.from(document.querySelectorAll("figure.chiffres")).map(f => ({
  caption: f.querySelector("figcaption").innerText,
  header: Array.from(f.querySelectorAll("thead th")).map(c => c.innerText),
  rows: Array.from(f.querySelectorAll("tbody tr")).map(
    r => Array.from(r.querySelectorAll("th, td")).map(c => c.innerText)),
}))
"""
ONE_PIXEL_GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
FOOTER = re.compile(r"(.+) — page (\d+)/(\d+)$")


def text(page):
    """A PDF page's text with ligatures (ﬀ) and no-break spaces as plain characters."""
    return unicodedata.normalize("NFKC", page.extract_text())


@pytest.fixture(scope="module")
def run(report_run) -> Path:
    """The run folder of Centre Manche exactly as ``ressol report`` wrote it (read only)."""
    return report_run


def test_the_run_has_every_page_and_none_fetches_anything_online(run):
    pages = sorted(run.glob("*.html"))
    assert {p.name for p in pages} == {
        "index.html",
        "sources.html",
        *(f"{n}.html" for n, _ in CHAPTERS),
    }
    assert (run / "indicateurs.xlsx").is_file()
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


def test_every_page_loads_cleanly_and_is_screenshotted(run, browser):
    checks = check_report(browser, run, ARTEFACTS, widths=(1280, 390))
    assert [c.problems for c in checks] == [[] for _ in checks]
    expected = ["index.html", "sources.html", *(f"{n}.html" for n, _ in CHAPTERS)]
    assert sorted({c.page.name for c in checks}) == sorted(expected)
    chapter = next(c for c in checks if c.page.name == "01_demographie.html")
    assert chapter.images >= 1  # charts and map are embedded images that decode
    for check in checks:
        assert check.screenshot == ARTEFACTS / f"{check.page.stem}_{check.width}px.png"
        assert check.screenshot.stat().st_size > 10_000


def test_browser_reports_broken_pages(tmp_path, browser):
    page = tmp_path / "casse.html"
    page.write_text(
        '<html lang="fr"><body><img src="absente.png" alt="graphique">'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<script>console.error("panne"); undefinedFunction();</script></body></html>',
        encoding="utf-8",
    )
    with opened(browser) as tab:
        check = check_page(tab, page)
    assert any("absente.png" in r and "ERR_FILE_NOT_FOUND" in r for r in check.failed_requests)
    # The page is opened offline: the CDN is never reached.
    assert any(
        "cdn.example.org" in r and "ERR_NAME_NOT_RESOLVED" in r for r in check.failed_requests
    )
    assert "panne" in check.console_errors
    assert any("undefinedFunction is not defined" in e for e in check.console_errors)
    # The page check keeps the first 80 characters of an address (data: URIs are long).
    address = page.with_name("absente.png").as_uri()[:80]
    assert check.broken_images == [f"graphique [{address}]"]
    assert check.images == 1
    assert len(check.problems) == (
        len(check.failed_requests) + len(check.console_errors) + len(check.broken_images)
    )
    assert all(p.startswith("casse.html (1280 px) : ") for p in check.problems)


def test_a_clean_page_has_no_problem(tmp_path, browser):
    page = tmp_path / "propre.html"
    page.write_text(
        '<html lang="fr"><body><p>Rien à signaler.</p>'
        f'<img alt="point" src="data:image/gif;base64,{ONE_PIXEL_GIF}">'
        "</body></html>",
        encoding="utf-8",
    )
    with opened(browser, width=390) as tab:
        check = check_page(tab, page, tmp_path / "propre.png")
    assert check.problems == []
    assert check.images == 1
    assert check.screenshot.read_bytes().startswith(b"\x89PNG")


def test_a_very_long_page_is_screenshotted_down_to_16000_pixels(tmp_path, browser):
    page = tmp_path / "longue.html"
    page.write_text('<html><body><div style="height:20000px">long</div></body></html>')
    with opened(browser, width=800) as tab:
        check = check_page(tab, page, tmp_path / "longue.png")
    header = check.screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20]) == 800  # width, then height, of the IHDR chunk
    assert int.from_bytes(header[20:24]) == 16000


def test_synthesis_table_shows_the_run_figures(run, browser):
    csv = pd.read_csv(run / "indicateurs.csv", dtype=str)
    value = {(r.territoire_code, r.indicateur): float(r.valeur) for r in csv.itertuples()}
    tables = evaluate(browser, run / "index.html", TABLE_TEXT)
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
    assert rows["Emplois situés sur le territoire"] == expected(
        "emplois_au_lieu_de_travail", number
    )
    assert rows["Emplois situés sur le territoire"][0] == "58 891"
    assert rows["Taux de chômage des 15-64 ans (recensement)"] == expected(
        "taux_de_chomage_15_64_ans", percent
    )
    # The ESS rows carry the demonstration mark after their label.
    ess_rows = {k.split(SYNTHETIC_MARK)[0].strip(): v for k, v in rows.items() if "ESS" in k}
    assert ess_rows == {
        "ESS : part des établissements employeurs": expected(
            "part_ess_etablissements_employeurs", percent
        ),
        "ESS : part des emplois salariés (estimation)": expected(
            "part_ess_effectif_salarie_estime", percent
        ),
    }
    assert len(rows) == 9  # every key figure of the page is checked above
    epcis = tables[1]
    assert epcis["caption"] == "Centre Manche et ses intercommunalités"
    assert epcis["header"][2:5] == [
        "CA Saint-Lô Agglo",
        "CC Coutances Mer et Bocage",
        "CC Côte Ouest Centre Manche",
    ]
    codes = ["epci-200066389", "epci-200067023", "epci-200067031"]
    by_epci = {r[0]: [c.replace(NBSP, " ") for c in r[2:5]] for r in epcis["rows"]}
    assert by_epci["Habitants"] == [
        number(value[(c, "population")]).replace(NBSP, " ") for c in codes
    ]
    assert by_epci["Habitants"] == ["76 674", "47 755", "22 194"]
    assert by_epci["Part des 60 ans et plus"] == [
        percent(value[(c, "part_60_ans_plus")]).replace(NBSP, " ") for c in codes
    ]


@pytest.fixture(scope="module")
def run_pdf(run, chromium_path) -> tuple[PdfReader, list[str]]:
    """The run's ``rapport.pdf`` and the text of its pages (no PDF without Chromium)."""
    reader = PdfReader(run / "rapport.pdf")
    return reader, [text(p) for p in reader.pages]


def test_the_run_pdf_has_every_page_in_order_with_footers(run_pdf):
    reader, texts = run_pdf
    titles = [
        "Synthèse — Centre Manche — diagnostic de l'ESS",
        *(f"{title} — Centre Manche" for _, title in CHAPTERS),
        "Sources et méthode — Centre Manche",
    ]
    assert [o.title for o in reader.outline] == titles
    starts = [reader.get_destination_page_number(o) for o in reader.outline]
    assert starts[0] == 0 and starts == sorted(set(starts))
    ends = [*starts[1:], len(reader.pages)]
    total = str(len(reader.pages))
    for title, start, end in zip(titles, starts, ends, strict=True):
        for number_, content in enumerate(texts[start:end], start=start + 1):
            footer = FOOTER.match(content.strip().splitlines()[-1])
            assert footer, f"{title}, page {number_} : pas de pied de page"
            assert footer.groups() == (title, str(number_), total)  # one numbering throughout
    # The table of contents on page 2 gives the page where each part starts.
    contents = " ".join(texts[1].split())
    for (_, title), start in zip(CHAPTERS, starts[1:], strict=False):
        assert f"{title} p. {start + 1}" in contents, title
    assert f"Sources et méthode p. {starts[-1] + 1}" in contents
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == titles[0]


def test_the_run_pdf_is_printed_with_the_print_style_sheet(run_pdf):
    _, texts = run_pdf
    # Page 1 is the decision page, alone on its sheet; the key figures follow.
    assert texts[0].startswith("RESSOL") and "À retenir et à décider" in texts[0]
    assert "Les questions posées au bureau" in texts[0] and "Le rapport complet" not in texts[0]
    assert any("146 623" in t for t in texts[1:4])
    # The appendix is the last part, on pages of its own, and no other page carries it.
    appendix = [i for i, t in enumerate(texts) if "Annexe — Sources et méthode" in t]
    assert len(appendix) == 1 and texts[appendix[0]].startswith("Annexe — Sources et méthode")
    assert all("Empreinte (sha256)" not in t for t in texts[: appendix[0]])


def test_without_chromium_the_browser_tests_skip_here_and_fail_where_required(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("RESSOL_CHROMIUM", str(tmp_path / "pas-de-chromium"))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(REQUIRED, raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium absent"):
        chromium_or_skip()
    monkeypatch.setenv(REQUIRED, "1")
    with pytest.raises(pytest.fail.Exception, match="exigés ici"):
        chromium_or_skip()
    monkeypatch.delenv(REQUIRED)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="exigés ici"):
        chromium_or_skip()
    named = tmp_path / "mon-chromium"
    named.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setenv("RESSOL_CHROMIUM", str(named))
    assert chromium_or_skip() == str(named)


def test_chapters_link_back_to_the_index_and_on_to_the_next(run):
    names = [n for n, _ in CHAPTERS]
    for position, name in enumerate(names):
        html = (run / f"{name}.html").read_text(encoding="utf-8")
        navs = re.findall(r'<nav class="chapitres[^"]*".*?</nav>', html, flags=re.S)
        assert len(navs) == 2, name  # at the top and at the bottom
        links = re.findall(r'href="([^"]+)"', navs[0])
        before = "index.html" if position == 0 else f"{names[position - 1]}.html"
        after = f"{names[position + 1]}.html" if position + 1 < len(names) else "sources.html"
        assert links == [before, "index.html", after], name
        assert all((run / link).is_file() for link in links)
    index = (run / "index.html").read_text(encoding="utf-8")
    for link in ("rapport.pdf", "indicateurs.xlsx", "ess_par_secteur.csv", "sources.html"):
        assert f'href="{link}"' in index and (run / link).is_file(), link
