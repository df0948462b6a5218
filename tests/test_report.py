"""Papermill smoke test: the demographic chapter executes and exports as board-ready HTML."""

import re

import nbformat

from ressol_analysis import scenarios_sheets
from ressol_analysis.paths import project_paths
from ressol_analysis.report import run_report


def test_report_of_centre_manche(built_project, tmp_path):
    lines = []
    folder = run_report(project_paths(built_project), "centre-manche", tmp_path, log=lines.append)
    assert folder.parent == tmp_path / "centre-manche"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_rp2022_cog2026", folder.name)
    # One progress line per chapter, with its duration, then the synthesis and the PDF.
    titles = {line.strip().split(" : ")[0] for line in lines}
    assert {
        "Démographie",
        "Économie",
        "Économie sociale et solidaire",
        "Scénarios",
        "Plan d'actions",
    } <= titles
    for name in (
        "index",
        "01_demographie",
        "02_economie",
        "03_ess",
        "05_scenarios",
        "06_plan_actions",
    ):
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="fr">' in page, name
        assert "Traceback (most recent call last)" not in page, name
        assert not re.search(r'<(script|img|link)[^>]*(src|href)="(https?:)?//', page), name
    for name in ("indicateurs.xlsx", "ess_par_commune.csv"):
        assert (folder / name).stat().st_size > 0, name
    assert not list(folder.glob("annuaire*"))  # a working file (ressol annuaire), not the report's
    html = (folder / "01_demographie.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    visible = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert "Traceback (most recent call last)" not in visible
    assert "application/vnd.jupyter.stderr" not in visible  # no warnings printed into the page
    assert "Warning" not in visible
    assert "hl-ipython3" not in visible and "jp-InputPrompt" not in visible  # no code cells
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the network
    assert re.search(r"146[\u00a0 ]623", html)  # French number format
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) == 4
    assert all(
        'src="data:image/png;base64,' in i and re.search(r'alt="[^"]{20,}"', i) for i in images
    )
    assert html.count("Source : ") >= 4  # under each table (charts carry theirs in the image)
    executed = nbformat.read(folder / "01_demographie.ipynb", as_version=4)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert errors == []
    check_scenarios_chapter(folder, built_project)
    assert (
        (folder / "indicateurs.csv")
        .read_text(encoding="utf-8")
        .startswith(
            "territoire_code,territoire,indicateur,valeur,unite,source,millesime,synthetique"
        )
    )


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


def test_failing_chapter_keeps_the_previous_report(built_project, tmp_path):
    paths = project_paths(built_project)
    chapters = (("01_demographie", "Démographie"),)
    good = run_report(paths, "centre-manche", tmp_path, chapters=chapters, pdf=False)
    before = (good / "01_demographie.html").read_bytes()
    notebook = paths.notebooks / "01_demographie.ipynb"
    original = notebook.read_text(encoding="utf-8")
    try:
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('colonne introuvable')"))
        nbformat.write(nb, notebook)
        import pytest

        from ressol_analysis.errors import RessolError

        with pytest.raises(
            RessolError, match=r"« Démographie » a échoué.*ValueError.*colonne introuvable"
        ):
            run_report(paths, "centre-manche", tmp_path, chapters=chapters, pdf=False)
    finally:
        notebook.write_text(original, encoding="utf-8")
    assert (good / "01_demographie.html").read_bytes() == before
    assert not list((tmp_path / "centre-manche").glob(".*en-cours"))
