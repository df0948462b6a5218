"""A non-editable install ships every module, reference file and template of the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ressol_analysis"


def test_wheel_ships_every_module_reference_file_and_template(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(PACKAGE, source / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("ressol_analysis-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    expected = {p.relative_to(ROOT).as_posix() for p in files}
    assert {
        "ressol_analysis/sources/reference.py",
        "ressol_analysis/reference/familles_ess.csv",
        "ressol_analysis/templates/ressol/index.html.j2",
    } <= shipped
    assert not expected - shipped, f"not in the wheel: {sorted(expected - shipped)}"
    entry_points = next(n for n in shipped if n.endswith(".dist-info/entry_points.txt"))
    assert "ressol = ressol_analysis.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
