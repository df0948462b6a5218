"""Shared fixtures: the real project root, and disposable copies of it for bad-input tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The checkout itself (read only in tests)."""
    return ROOT


def make_copy(destination: Path) -> Path:
    """Copy the inputs of a project root (raw data, territories, notebooks) to ``destination``."""
    for folder in ("territoires", "notebooks", "plan"):
        shutil.copytree(ROOT / folder, destination / folder)
    shutil.copytree(ROOT / "data" / "raw", destination / "data" / "raw")
    (destination / "data" / "processed").mkdir()
    (destination / "reports").mkdir()
    for path in (destination / "data" / "raw").iterdir():
        path.chmod(0o644)
    return destination


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project's inputs that a test may damage."""
    return make_copy(tmp_path / "projet")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with data/processed built once for the session (do not damage)."""
    from ressol_analysis.build import build_processed
    from ressol_analysis.paths import project_paths

    copy = make_copy(tmp_path_factory.mktemp("construit") / "projet")
    build_processed(project_paths(copy))
    return copy
