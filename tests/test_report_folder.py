"""What a board member receives: the report folder ``ressol report`` wrote, file by file.

No file of the folder lets a reader rebuild a commune cell masked by statistical secrecy (the
ESS directory, which did, is a working file written elsewhere by ``ressol annuaire``); every
file built from the synthetic extract says so in the file itself; the chapters' generated
findings carry the demonstration mark in the sentence.
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from support.secrecy import masked_cells, rebuilt_cells

from ressol_analysis.cli import main
from ressol_analysis.context import load
from ressol_analysis.labels import SYNTHETIC_MARK


@pytest.fixture(scope="module")
def truth(built_project) -> pd.DataFrame:
    """The unmasked ESS and total estimated jobs of each commune of Centre Manche."""
    diag = load("centre-manche", str(built_project))
    employers = diag.in_territory(diag.employers)
    jobs = employers.groupby("CODGEO")["effectif_central"]
    ess = employers[employers["ess"]].groupby("CODGEO")["effectif_central"]
    table = pd.DataFrame({"effectif_salarie_estime": jobs.sum()})
    table["ess_effectif_salarie_estime"] = ess.sum()
    return (
        table.fillna(0.0)
        .reindex(diag.communes(), fill_value=0.0)
        .rename_axis("CODGEO")
        .reset_index()
    )


def test_no_file_of_the_report_folder_rebuilds_a_masked_commune_cell(report_run, truth):
    masked = masked_cells(report_run)
    assert len(masked) > 20  # secrecy has something to protect in Centre Manche
    assert rebuilt_cells(report_run, truth) == set()
    assert not list(report_run.rglob("annuaire*"))


def test_the_directory_is_a_working_file_that_would_have_leaked_the_masked_cells(
    report_run, built_project, tmp_path, truth, capsys
):
    work = tmp_path / "travail"
    assert main(["--racine", str(built_project), "annuaire", "--output", str(work)]) == 0
    folder = work / "annuaire_centre-manche"
    directory = pd.read_csv(folder / "annuaire_ess.csv", dtype=str)
    assert (directory["avertissement"] == SYNTHETIC_MARK).all()
    assert directory["siret"].str.fullmatch(r"\d{14}").all()
    sheet = openpyxl.load_workbook(folder / "annuaire_ess.xlsx")["Annuaire ESS"]
    assert sheet["A2"].value == SYNTHETIC_MARK
    # The report folder as it was before: the same tables plus the directory.
    old = tmp_path / "ancien_rapport"
    old.mkdir()
    for name in ("ess_par_commune.csv", "indicateurs.csv"):
        shutil.copy(report_run / name, old)
    shutil.copy(folder / "annuaire_ess.csv", old)
    masked_ess = masked_cells(old).query("mesure == 'ess_effectif_salarie_estime'")
    rebuilt = {c for c in rebuilt_cells(old, truth) if c[2] == "annuaire_ess.csv"}
    assert len(rebuilt) >= 0.8 * len(masked_ess), (len(rebuilt), len(masked_ess))
    # Never written into the reports folder.
    reports = built_project / "reports"
    code = main(["--racine", str(built_project), "annuaire", "--output", str(reports)])
    assert code == 2
    assert "ne doit pas être écrit dans" in capsys.readouterr().err
    assert not list(reports.rglob("annuaire*"))


def test_every_file_built_from_the_demonstration_extract_says_so(report_run):
    communes = pd.read_csv(report_run / "ess_par_commune.csv", dtype=str)
    assert list(communes.columns)[0] == "avertissement"
    assert (communes["avertissement"] == SYNTHETIC_MARK).all()
    # Stored values rounded as in the indicator file (4 decimals), never 10.05098324836.
    for name in ("ess_par_commune.csv", "ess_par_secteur.csv"):
        cells = pd.read_csv(report_run / name, dtype=str).stack()
        assert cells.str.fullmatch(r"-?\d+\.\d{5,}").sum() == 0, name
    shares = pd.to_numeric(communes["part_ess_effectif_salarie_estime"]).dropna()
    assert len(shares) > 0 and (shares == shares.round(4)).all()
    indicators = pd.read_csv(report_run / "indicateurs.csv", dtype=str)
    ess = indicators[indicators["indicateur"].str.contains("ess_")]
    assert (ess["synthetique"] == "oui").all()
    assert (indicators.loc[indicators["indicateur"] == "population", "synthetique"] == "non").all()
    sheet = openpyxl.load_workbook(report_run / "indicateurs.xlsx")["indicateurs"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "synthetique"
    flags = {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert flags == {"oui", "non"}
    for name in ("02_economie", "03_ess"):
        page = (report_run / f"{name}.html").read_text(encoding="utf-8")
        assert SYNTHETIC_MARK in page, name
        notebook = (report_run / f"{name}.ipynb").read_text(encoding="utf-8")
        assert SYNTHETIC_MARK in notebook, name


def visible_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace("\u00a0", " ")


def test_generated_findings_carry_the_demonstration_mark_in_the_sentence(report_run):
    notebook = nbformat.read(report_run / "03_ess.ipynb", as_version=4)
    findings = [
        line[2:]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        for line in output.get("data", {}).get("text/markdown", "").splitlines()
        if line.startswith("- ")
    ]
    # Findings: bullets with figures, not the rules (bold titles) nor the sources.
    figures = [
        f
        for f in findings
        if re.search(r"\d", f) and "établissement" in f and not f.startswith(("**", "Géographie"))
    ]
    assert len(figures) >= 5
    assert all(f.startswith(f"{SYNTHETIC_MARK} (chiffres fictifs) — ") for f in figures), [
        f[:80] for f in figures if not f.startswith(SYNTHETIC_MARK)
    ]
    index = visible_text(report_run / "index.html")
    assert f"{SYNTHETIC_MARK} (chiffres fictifs) — L'économie sociale et solidaire" in index
    # « Les chiffres en bref »: five to eight findings (Centre Manche has nine candidates).
    html = (report_run / "index.html").read_text(encoding="utf-8")
    brief = re.search(r'<section id="en-bref">.*?</section>', html, flags=re.S).group(0)
    assert brief.count("<li>") == 8
    demography = visible_text(report_run / "01_demographie.html")
    assert not re.search("diminué de [−-]", demography)
    economy = visible_text(report_run / "02_economie.html")
    jobs = re.search(r"Centre Manche compte ([\d ]+) emplois au lieu de travail", economy)
    assert jobs and jobs.group(1) in economy.split("Emplois au lieu de travail et chômage")[1]


def test_sources_annex_lists_only_the_files_the_territory_uses(root):
    from ressol_analysis.report import chapter_nav, used_sources
    from ressol_analysis.sources.manifest import RawFile
    from ressol_analysis.territory import load_territory

    raw = root / "data" / "raw"
    urssaf = "urssaf_etab_effectifs_commune_x_ape_ze_rouen_2006_2022.csv.gz"
    entries = [
        RawFile(key, raw / name, *[""] * 10)
        for key, name in (("rp", "rp.csv"), ("urssaf_commune_ape", urssaf))
    ]
    centre = load_territory("centre-manche", root / "territoires")
    rouen = load_territory("metropole-rouen", root / "territoires")
    assert [e.key for e in used_sources(entries, centre)] == ["rp"]
    assert [e.key for e in used_sources(entries, rouen)] == ["rp", "urssaf_commune_ape"]
    chapters = (("01_a", "Un"), ("02_b", "Deux & trois"))
    assert re.findall(r'href="([^"]+)"', chapter_nav(chapters, 0)) == [
        "index.html",
        "index.html",
        "02_b.html",
    ]
    last = chapter_nav(chapters, 1)
    assert "← Un</a>" in last and 'href="sources.html">Sources et méthode →' in last
    assert "Deux &amp; trois" in chapter_nav(chapters, 0)
