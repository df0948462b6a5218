"""Whole workflows through the ``ressol`` command: a new INSEE edition, the action plan."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest
import yaml
from support.cli import ressol
from test_golden import GOLDEN
from test_update import COMPARATEUR, new_vintage_text


def read(path):
    with path.open(encoding="utf-8") as handle:
        return {(r["territoire_code"], r["indicateur"]): r for r in csv.DictReader(handle)}


@pytest.mark.slow
def test_new_census_edition_dropped_in_updates_and_is_listed_by_compare(project, tmp_path):
    # Before: the indicators of the shipped raw files, as `ressol indicators` writes them
    # (tests/test_golden.py checks that the command still writes exactly this file).
    before = GOLDEN
    after = tmp_path / "apres.csv"
    raw = project / "data" / "raw"
    (raw / "insee_comparateur_territoires_2026_normandie.csv").write_text(
        new_vintage_text(raw), encoding="utf-8"
    )
    update = ressol(project, "data", "update")
    assert update.returncode == 0, update.stderr
    assert "2023" in update.stdout
    assert ressol(project, "data", "check").returncode == 0
    result = ressol(project, "indicators", "--territory", "centre-manche", "--output", str(after))
    assert result.returncode == 0, result.stderr
    # The build the command made read the new edition: its vintages, commune 14001's population.
    info = yaml.safe_load((project / "data" / "processed" / "build.json").read_text("utf-8"))
    assert info["millesimes"]["rp_2017"] == 2017
    communes = pd.read_csv(project / "data" / "processed" / "communes.csv", dtype={"CODGEO": str})
    assert communes.set_index("CODGEO").loc["14001", "POP"] == 1200
    old, new = read(before), read(after)
    # Commune 14001 (Calvados) has 1 200 inhabitants instead of 1 177: +23 for Normandie.
    assert (
        float(new[("reg-28", "population")]["valeur"])
        == float(old[("reg-28", "population")]["valeur"]) + 23
    )
    assert new[("reg-28", "population")]["millesime"] == "RP 2023"
    assert (
        new[("centre-manche", "population")]["valeur"]
        == old[("centre-manche", "population")]["valeur"]
    )
    # The age bands still come from the 2022 dossier complet, and say so.
    assert new[("reg-28", "part_60_ans_plus")]["millesime"] == "RP 2022"
    assert ("reg-28", "taux_evolution_annuel_2017_2023") in new
    compare = ressol(project, "compare", str(before), str(after))
    assert compare.returncode == 0, compare.stderr
    assert "population" in compare.stdout and "RP 2023" in compare.stdout
    assert not (raw / COMPARATEUR).exists()  # the old edition was archived, not left in raw


def test_plan_template_and_build(built_project, tmp_path):
    template = tmp_path / "fiche.xlsx"
    result = ressol(built_project, "plan", "template", "--output", str(template))
    assert result.returncode == 0, result.stderr
    assert "Fiches actions" in openpyxl.load_workbook(template).sheetnames
    out = tmp_path / "plan.yaml"
    result = ressol(
        built_project,
        "plan",
        "build",
        str(built_project / "plan" / "exemples"),
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "Attention :" in result.stdout  # the duplicate title across contributors
    assert "Plan consolidé (4 actions)" in result.stdout  # 5 sheets, one duplicate merged
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert plan["plan_consolide"] is True
    assert len(plan["fiches"]) == 4
    assert len(plan["avertissements"]) == 1


def test_plan_build_bad_sheet_names_file_and_field(built_project, tmp_path):
    folder = tmp_path / "fiches"
    folder.mkdir()
    (folder / "mauvaise.yaml").write_text(
        "fiches:\n  - titre: Action sans axe\n    axe: AXE 9\n", encoding="utf-8"
    )
    result = ressol(
        built_project, "plan", "build", str(folder), "--output", str(tmp_path / "p.yaml")
    )
    assert result.returncode == 2
    assert "mauvaise.yaml" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p.yaml").exists()
