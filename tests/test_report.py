"""The report ``ressol report`` wrote for Centre Manche (the session's run), chapter by chapter.

The run is the session fixture ``report_run`` (with the example members file); a failing
chapter and the network chapter without a members file are run on their own.
"""

import re
import shutil
import struct
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from pypdf import PdfReader

from ressol_analysis import scenarios_sheets
from ressol_analysis.errors import RessolError
from ressol_analysis.formatting import number, percent
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.paths import project_paths
from ressol_analysis.report import CHAPTERS, export_html, run_report

ROOT = Path(__file__).resolve().parent.parent


def test_report_of_centre_manche(report_run, report_log, built_project):
    folder = report_run
    assert folder.parent.name == "centre-manche"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_rp2022_cog2026", folder.name)
    # One progress line per chapter, with its duration, then the synthesis, kit and PDF.
    durations = dict(
        line.strip().split(" : ", 1) for line in report_log if re.search(r" : [\d.]+ s$", line)
    )
    assert set(durations) == {
        *(title for _, title in CHAPTERS),
        "Synthèse et tableurs",
        "Kit de communication",
        "PDF",
    }
    for name in ("index", *(name for name, _ in CHAPTERS)):
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="fr">' in page, name
        assert "Traceback (most recent call last)" not in page, name
        assert not re.search(r'<(script|img|link)[^>]*(src|href)="(https?:)?//', page), name
        # Every page, not only the first chapter: no warning, no code cell, no prompt, and
        # every image has its alt text.
        shown = re.sub(r"<style.*?</style>", "", page, flags=re.S)
        assert "application/vnd.jupyter.stderr" not in shown, name
        assert "Warning" not in shown and "jp-InputPrompt" not in shown, name
        assert "hl-ipython3" not in shown and "jp-OutputPrompt" not in shown, name
        assert all(re.search(r'alt="[^"]{20,}"', i) for i in re.findall(r"<img[^>]*>", page)), name
    for name in ("indicateurs.xlsx", "ess_par_commune.csv", "rapport.pdf"):
        assert (folder / name).stat().st_size > 0, name
    assert not list(folder.glob("annuaire*"))  # a working file (ressol annuaire), not the report's
    html = (folder / "01_demographie.html").read_text(encoding="utf-8")
    visible = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert "application/vnd.jupyter.stderr" not in visible  # no warnings printed into the page
    assert "Warning" not in visible
    assert "hl-ipython3" not in visible and "jp-InputPrompt" not in visible  # no code cells
    assert re.search(r"146[\u00a0 ]623", html)  # French number format
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) == 4
    assert all(
        'src="data:image/png;base64,' in i and re.search(r'alt="[^"]{20,}"', i) for i in images
    )
    assert html.count("Source : ") >= 4  # under each table (charts carry theirs in the image)
    for name, _ in CHAPTERS:
        executed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        errors = [
            o
            for c in executed.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert errors == [], name
    check_scenarios_chapter(folder, built_project)
    assert (
        (folder / "indicateurs.csv")
        .read_text(encoding="utf-8")
        .startswith(
            "territoire_code,territoire,indicateur,valeur,unite,source,millesime,synthetique"
        )
    )
    check_network_chapter(folder)
    check_kit_and_no_working_file(folder)


def check_network_chapter(folder: Path) -> None:
    """The network chapter of the example members file (hand-worked in adherents/README.md)."""
    html = (folder / "04_reseau.html").read_text(encoding="utf-8")
    visible = re.sub(r"<style.*?</style>", "", html, flags=re.S).replace("\u00a0", " ")
    assert "<h1" in visible and "Le réseau RESSOL" in visible
    assert SYNTHETIC_MARK in visible and "Warning" not in visible
    assert "11 sont retrouvés parmi les établissements actifs du territoire (5 par leur SIRET, " \
        "3 par leur SIREN, 3 par leur nom)" in visible  # fmt: skip
    assert "1 adhérent est à vérifier" in visible and "2 adhérents ne sont pas retrouvés" in visible
    indicators = pd.read_csv(folder / "indicateurs.csv", dtype={"territoire_code": str})
    wide = indicators.pivot(index="territoire_code", columns="indicateur", values="valeur")
    every = wide.at["centre-manche", "ess_etablissements_employeurs"]
    assert wide.at["centre-manche", "reseau_adherents"] == 11  # one outside the ESS (line 14)
    # 10 of the territory's ESS employers, as the page says with the run's own total.
    assert f"comptent 10 établissements employeurs de l'ESS, sur les {number(every)}" in (
        visible.replace("\u00a0", " ")
    )
    assert f"le réseau rassemble {percent(100 * 10 / every)}".replace("\u00a0", " ") in visible
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) == 3  # families, sectors, map
    assert visible.count("Source : ") == 4  # under each table (charts carry theirs inside)
    # No establishment is named: neither the members' names nor the demo's units.
    assert not re.search(r"(?i)d[ée]mo \d{9}", visible)
    assert "kit/kit_centre-manche_page_a4.pdf" in html


def check_kit_and_no_working_file(folder: Path) -> None:
    """The kit is in the report's kit/ folder; nothing of the working file is anywhere in it."""
    kit = folder / "kit"
    assert sorted(p.name for p in kit.iterdir()) == [
        "kit_centre-manche_carte_1080.png",
        "kit_centre-manche_page_a4.pdf",
        "kit_centre-manche_page_a4.png",
    ]
    header = (kit / "kit_centre-manche_carte_1080.png").read_bytes()[:24]
    assert struct.unpack(">II", header[16:24]) == (1080, 1080)
    page = PdfReader(kit / "kit_centre-manche_page_a4.pdf").pages[0].extract_text()
    assert "L'ESS en Centre Manche" in page and SYNTHETIC_MARK in page
    assert "Une publication RESSOL" in page
    names = {p.name for p in folder.rglob("*")}
    working = {
        "non_adherents.csv",
        "a_verifier.csv",
        "non_retrouves.csv",
        "adherents_retrouves.csv",
    }
    assert not names & working
    assert not [n for n in names if n.startswith("reseau_")]
    assert not (folder.parent / "travail").exists()


def check_scenarios_chapter(folder, project):
    """The scenarios chapter of Centre Manche, run on the example folder its territory names."""
    html = (folder / "05_scenarios.html").read_text(encoding="utf-8")
    visible = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert len(re.findall(r'<img[^>]*src="data:image/png;base64,', visible)) == 2  # two charts
    warnings = [
        visible.index("ces scénarios et ces grilles sont des exemples"),
        visible.index("Données synthétiques de démonstration."),
    ]
    # Both warnings come before the first section and its findings.
    assert max(warnings) < visible.index("Les scénarios côte à côte") < visible.index("en tête")
    for fragment in (
        "Classement des scénarios",
        "Accord des membres, par scénario et par critère",
        "« Incubateur et émergence de projets (exemple) » <strong>arrive en tête</strong>",
        "à créer pour atteindre la part visée",
    ):
        assert fragment in visible, fragment
    index = (folder / "index.html").read_text(encoding="utf-8")
    summary = index[index.index('<section id="scenarios">') :]
    summary = summary[: summary.index("</section>")]
    for fragment in (
        "Ces scénarios et ces notes sont des exemples",
        "Aucun scénario n&#x27;a encore été retenu.",
        "« Incubateur et émergence de projets (exemple) » arrive en tête avec un score pondéré "
        "de 3,85 sur 5",
        "ramener le poids du critère « Coût supportable » de 2 à 0,83",
        "(PROMETHEE II) met en tête « Pôle ESS partagé avec une équipe (exemple) »",
        '<a href="05_scenarios.html">',
    ):
        assert fragment in summary, fragment
    plan = (folder / "06_plan_actions.html").read_text(encoding="utf-8")
    assert "Le plan et les scénarios" in plan  # the example has no decision yet
    assert "pas encore retenu de scénario" in plan
    members = scenarios_sheets.read_folder(project / "scenarios").notes["membre"]
    assert members.nunique() == 7
    for member in members.unique():
        assert member not in visible, member


def test_failing_chapter_keeps_the_previous_report(built_project, report_run, tmp_path):
    # A project of its own: the built project's data and territories (read through links,
    # never written), and its own notebooks, where the demographic chapter fails at once.
    project = tmp_path / "projet"
    project.mkdir()
    for name in ("data", "territoires", "plan", "scenarios", "reports"):
        (project / name).symlink_to(built_project / name, target_is_directory=True)
    shutil.copytree(built_project / "notebooks", project / "notebooks")
    notebook = project / "notebooks" / "01_demographie.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("raise ValueError('colonne introuvable')"))
    nbformat.write(nb, notebook)
    # The previous report of the same data, in the folder the failing run would replace.
    previous = tmp_path / "rapports" / "centre-manche" / report_run.name
    shutil.copytree(report_run, previous)
    before = {p.relative_to(previous): p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    with pytest.raises(
        RessolError,
        match=r"^Le chapitre « Démographie » a échoué \(cellule 1\) : ValueError : colonne "
        r"introuvable\. Le rapport précédent est conservé\.",
    ):
        run_report(
            project_paths(project),
            "centre-manche",
            tmp_path / "rapports",
            chapters=(("01_demographie", "Démographie"),),
            pdf=False,
            log=lambda _: None,
            replace=True,  # aimed at the previous report itself
        )
    after = {p.relative_to(previous): p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in (tmp_path / "rapports" / "centre-manche").iterdir()) == [
        report_run.name
    ]  # no staging folder left behind


@pytest.mark.slow
def test_without_members_file_the_network_chapter_says_how_to_give_one(built_project, tmp_path):
    # The network chapter alone, executed and exported as ``ressol report`` does without
    # --adherents (centre-manche names no members file); the rest of the report does not
    # depend on the members file.
    notebook = ROOT / "notebooks" / "04_reseau.ipynb"
    assert set(papermill.inspect_notebook(str(notebook))) == {
        "territoire",
        "racine",
        "sirene",
        "adherents",
    }
    executed = tmp_path / "04_reseau.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters={"territoire": "centre-manche", "racine": str(built_project)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(ROOT / "notebooks"),
    )
    assert export_html(executed, tmp_path / "04_reseau.html", "Le réseau RESSOL") == []
    html = (tmp_path / "04_reseau.html").read_text(encoding="utf-8")
    body = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S)
    assert "Aucun fichier des adhérents n'est fourni pour ce territoire" in body
    assert "--adherents FICHIER" in body and "adherents:" in body
    # No figure of the network, and nothing from the example file shown as the territory's.
    assert not re.findall(r"<img[^>]*>", body) and '<figure class="ressol-table">' not in body
    assert "exemple_adherents.csv</code> montre chaque cas" in body
    assert "retrouvés" not in body
