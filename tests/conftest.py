"""Shared fixtures: the project root, disposable copies of it, and a headless browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.pages import chromium_or_skip

from ressol_analysis.browser import chromium

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The checkout itself (read only in tests)."""
    return ROOT


def make_copy(destination: Path) -> Path:
    """Copy the inputs of a project root (raw data, territories, notebooks) to ``destination``."""
    for folder in ("territoires", "notebooks", "plan", "scenarios"):
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


@pytest.fixture(scope="session")
def report_run(built_project, tmp_path_factory) -> Path:
    """The run folder of Centre Manche exactly as ``ressol report`` wrote it, with its PDF.

    Produced once per session (read only: a test that needs to damage a report makes its own).
    """
    from ressol_analysis.paths import project_paths
    from ressol_analysis.report import run_report

    return run_report(
        project_paths(built_project),
        "centre-manche",
        tmp_path_factory.mktemp("rapports"),
        log=lambda _: None,
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium's executable: without one, browser tests skip (fail where they are required)."""
    return chromium_or_skip()


@pytest.fixture(scope="module")
def browser(chromium_path):
    """A headless Chromium shared by the tests of one module.

    Not by the whole session: while Playwright's synchronous API is open, asyncio cannot run in
    the main thread, and the notebooks that other modules' tests execute there need it.
    """
    with chromium(chromium_path) as started:
        yield started
