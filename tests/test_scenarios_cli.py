"""``ressol scenarios template`` and ``ressol scenarios build`` as the consultant uses them.

The fixture folder (tests/fixtures/scenarios) scores pole 4 and reseau 11/3 (see
test_scenarios_sheets.py). The example folder scenarios/ is checked against a hand computation:
incubateur's means are pertinence 30/7, faisabilité 19/6, coût 18/6, impact 31/7, adhésion
23/6, so with weights 3, 2, 2, 3, 2 its score is (90/7 + 19/3 + 6 + 93/7 + 23/3) / 12
= 3.845238…, the highest of the three.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from support.cli import assert_clean_error, ressol

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "scenarios"
COLUMNS = [
    "scenario",
    "titre",
    "score",
    "rang",
    "flux_net_promethee",
    "rang_promethee",
    "part_tirages_en_tete",
    "criteres_non_notes",
    "retenu",
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "scenarios"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_build_writes_the_ranking(folder, tmp_path):
    out = tmp_path / "classement.csv"
    result = ressol(ROOT, "scenarios", "build", str(folder), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "En tête : Pôle partagé." in result.stdout
    with out.open(encoding="utf-8") as stream:
        assert stream.readline().strip().split(",") == COLUMNS
    rows = read_csv(out)
    assert [(r["scenario"], r["score"], r["rang"]) for r in rows] == [
        ("pole", "4.0", "1"),
        ("reseau", "3.6667", "2"),
    ]
    assert [r["rang_promethee"] for r in rows] == ["1", "2"]
    assert [r["flux_net_promethee"] for r in rows] == ["0.3333", "-0.3333"]
    assert sum(float(r["part_tirages_en_tete"]) for r in rows) == pytest.approx(100.0)
    assert [r["retenu"] for r in rows] == ["False", "False"]


def test_build_marks_the_retained_scenario(folder, tmp_path):
    (folder / "decision.yaml").write_text("scenario: reseau\ndate: 2026-03-12\n")
    out = tmp_path / "classement.csv"
    result = ressol(ROOT, "scenarios", "build", str(folder), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "Scénario retenu par le conseil d'administration le 12/03/2026 : reseau." in (
        result.stdout
    )
    assert [r["retenu"] for r in read_csv(out)] == ["False", "True"]


def test_bad_grid_stops_the_build_and_leaves_the_previous_ranking(folder, tmp_path):
    out = tmp_path / "classement.csv"
    out.write_text("ancien classement\n", encoding="utf-8")
    grid = folder / "grilles" / "alpha.yaml"
    grid.write_text(grid.read_text(encoding="utf-8").replace("cout: 2", "cout: 7"))
    result = ressol(ROOT, "scenarios", "build", str(folder), "--output", str(out))
    assert_clean_error(
        result,
        "alpha.yaml",
        "membre « Association Alpha »",
        "scénario « pole »",
        "critère « cout »",
        "la note « 7 »",
    )
    assert out.read_text(encoding="utf-8") == "ancien classement\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_build_refuses_other_outputs(folder, tmp_path):
    result = ressol(ROOT, "scenarios", "build", str(folder), "--output", str(tmp_path / "c.xlsx"))
    assert_clean_error(result, "donnez un fichier en .csv")
    inside = folder / "grilles" / "classement.csv"
    result = ressol(ROOT, "scenarios", "build", str(folder), "--output", str(inside))
    assert_clean_error(result, "N'écrivez pas le classement dans le dossier des grilles")
    assert not inside.exists()


def test_template_from_a_folder_and_from_the_example(folder, tmp_path):
    out = tmp_path / "grille.xlsx"
    result = ressol(ROOT, "scenarios", "template", "--output", str(out), "--dossier", str(folder))
    assert result.returncode == 0, result.stderr
    assert "(2 scénarios, 2 critères)" in result.stdout
    sheet = openpyxl.load_workbook(out)["Grille"]
    assert [sheet.cell(row=r, column=1).value for r in (4, 5)] == ["reseau", "pole"]
    result = ressol(ROOT, "scenarios", "template", "--output", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["Grille"]
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == [
        "reseau",
        "pole",
        "incubateur",
    ]
    result = ressol(ROOT, "scenarios", "template", "--output", str(tmp_path / "g.ods"))
    assert_clean_error(result, "donnez un nom de fichier en .xlsx")


def test_the_example_folder_end_to_end(tmp_path):
    out = tmp_path / "classement.csv"
    result = ressol(ROOT, "scenarios", "build", str(ROOT / "scenarios"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert [r["scenario"] for r in rows] == ["incubateur", "pole", "reseau"]
    assert rows[0]["score"] == "3.8452"  # 46.142857… / 12, see the module docstring
    assert "d'après 7 grilles" in result.stdout
    grids = sorted(p.suffix for p in (ROOT / "scenarios" / "grilles").iterdir())
    assert grids.count(".xlsx") >= 2 and grids.count(".yaml") >= 2 and len(grids) >= 6
