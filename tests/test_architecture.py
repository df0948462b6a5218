"""The package's layers are a checked contract (``[tool.importlinter]`` in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layers_and_have_no_cycle():
    command = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(command), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
