"""Shared fixtures: the project root, disposable copies of it, one report run, a browser.

Two fixtures are made once for the whole run and shared by every test (and, under
``pytest -n``, by every worker, through a file lock: the worker that asks second waits while the
first makes it): ``built_project`` (a copy of the project with ``data/processed`` built) and
``report_run`` (the report ``ressol report`` writes from it).
Both are read only: a test that must damage a project or a report makes its own copy of what it
needs. The run checks it: the files of both are listed when they are made and again when the
session ends, and a file added, removed or rewritten by a test fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
from support.pages import chromium_or_skip

from ressol_analysis.browser import chromium

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_MEMBERS = ROOT / "adherents" / "exemple_adherents.csv"


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that read the session's report run are slow (``make test-rapide`` leaves them)."""
    if "report_run" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.slow)


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


# ---------------------------------------------------------------------------------------------
# Made once per run, shared by the workers, read only


def _files(folder: Path) -> dict[str, list[int]]:
    """Every file under ``folder`` with its size and modification time (ns)."""
    return {
        str(p.relative_to(folder)): [p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _shared(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """The folder ``name`` made once by ``make`` for the whole run, whatever the worker.

    Under pytest-xdist each worker has its own temporary folder, in one folder of the run: the
    first worker to ask makes it there while the others wait on the lock. ``make`` receives an
    empty folder and returns the path the fixture gives; the files under the folder are listed
    for the read-only check at the end of the session.
    """
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    record = base / f"{name}.json"
    with FileLock(str(base / f"{name}.lock")):
        if not record.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker failed while making it
            folder.mkdir()
            result = make(folder)
            state = {"result": str(result), "files": _files(folder)}
            record.write_text(json.dumps(state), encoding="utf-8")
    state = json.loads(record.read_text(encoding="utf-8"))
    _READ_ONLY[folder] = state["files"]
    return Path(state["result"])


_READ_ONLY: dict[Path, dict[str, list[int]]] = {}


@pytest.fixture(scope="session", autouse=True)
def _shared_fixtures_are_left_untouched():
    """Fail the run when a test wrote into a read-only session fixture."""
    yield
    changed = []
    for folder, before in _READ_ONLY.items():
        after = _files(folder)
        changed += [f"{folder.name}/{f}" for f in sorted(set(before) ^ set(after))]
        changed += [
            f"{folder.name}/{f}" for f in sorted(set(before) & set(after)) if before[f] != after[f]
        ]
    assert not changed, f"fixtures de session modifiées par un test : {changed[:10]}"


def _build(folder: Path) -> Path:
    from ressol_analysis.build import build_processed
    from ressol_analysis.paths import project_paths

    copy = make_copy(folder / "projet")
    build_processed(project_paths(copy))
    return copy


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with data/processed built once for the run (read only)."""
    return _shared(tmp_path_factory, "construit", _build)


@pytest.fixture(scope="session")
def report_run(built_project, tmp_path_factory) -> Path:
    """The run folder of Centre Manche exactly as ``ressol report`` wrote it, with its PDF.

    Made once for the run, as ``make report ADHERENTS=adherents/exemple_adherents.csv`` does:
    with the example members file, so that every chapter has its figures (the network chapter
    without a members file is checked in tests/test_browser.py on that chapter alone). Read
    only: a test that needs to damage a report makes its own.
    """
    from ressol_analysis.paths import project_paths
    from ressol_analysis.report import run_report

    def make(folder: Path) -> Path:
        lines = []
        run = run_report(
            project_paths(built_project),
            "centre-manche",
            folder,
            log=lines.append,
            members=EXAMPLE_MEMBERS,
        )
        (folder / "journal.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return run

    return _shared(tmp_path_factory, "rapports", make)


@pytest.fixture(scope="session")
def report_log(report_run) -> list[str]:
    """The progress lines ``run_report`` printed while it wrote ``report_run``."""
    return (report_run.parent.parent / "journal.txt").read_text(encoding="utf-8").splitlines()


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
