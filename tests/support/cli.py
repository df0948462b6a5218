"""Run the ``ressol`` command inside the test process, as a consultant would run it.

:func:`ressol` calls :func:`ressol_analysis.cli.main` with the arguments of the command line and
returns its exit status and what it printed, like :func:`subprocess.run` would, without starting
a Python that imports pandas, geopandas and papermill again (3 to 5 s of CPU each time). The
entry point itself (``python -m ressol_analysis.cli``) is run as a real process in
tests/test_cli.py.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from ressol_analysis.cli import main


@dataclass(frozen=True)
class Outcome:
    """Exit status and printed text of one command (the fields of ``CompletedProcess``)."""

    returncode: int
    stdout: str
    stderr: str


def ressol(root: Path, *args: str) -> Outcome:
    """Run ``ressol --racine ROOT ARGS…`` in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(["--racine", str(root), *args])
        except SystemExit as stop:  # argparse: a bad option (2) or --help (0)
            status = stop.code if isinstance(stop.code, int) else 2
    return Outcome(status, out.getvalue(), err.getvalue())


def assert_clean_error(result: Outcome, *fragments: str) -> None:
    """The command refused its input: status 2, one French message naming each fragment."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Erreur : ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
