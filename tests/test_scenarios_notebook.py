"""The scenarios chapter of a territory whose file names no scenarios folder.

The chapter with the example folder runs inside the report of Centre Manche
(tests/test_report.py); here, a territory without scenarios must say so plainly and show no
example in their place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_territory_without_scenarios_says_there_are_none(built_project, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "05_scenarios.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "05_scenarios.ipynb"),
        str(out),
        parameters={"territoire": "saint-lo-agglo", "racine": str(built_project)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(ROOT / "notebooks"),
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = json.dumps(
        [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]],
        ensure_ascii=False,
    )
    assert "**Territoire : Saint-Lô Agglo** — aucun scénario n'a été soumis aux membres" in outputs
    for example in ("exemple", "Incubateur", "Classement des scénarios", "image/png"):
        assert example not in outputs, example
