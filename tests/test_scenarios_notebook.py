"""The scenarios chapter notebook runs on the example folder and never names a member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ressol_analysis import scenarios_sheets

ROOT = Path(__file__).resolve().parent.parent


def test_notebook_runs(built_project, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "04_scenarios.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "04_scenarios.ipynb"),
        str(out),
        parameters={
            "territoire": "centre-manche",
            "racine": str(built_project),
            "dossier_scenarios": str(ROOT / "scenarios"),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(ROOT / "notebooks"),
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = json.dumps(
        [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]],
        ensure_ascii=False,
    )
    assert outputs.count("image/png") >= 2  # heat map and ranking chart
    for fragment in (
        "ces scénarios et ces grilles sont des exemples",
        "Classement des scénarios",
        "Accord des membres, par scénario et par critère",
        "« Incubateur et émergence de projets (exemple) » **arrive en tête**",
        "à créer pour atteindre la part visée",
        "données synthétiques de démonstration",
    ):
        assert fragment in outputs, fragment
    members = scenarios_sheets.read_folder(ROOT / "scenarios").notes["membre"].unique()
    assert len(members) == 7
    for member in members:
        assert member not in outputs, member
