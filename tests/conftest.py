"""Shared fixtures: the project root, disposable copies of it, the runs made once, a browser.

Three folders are made once for the whole run and shared by every test (and, under
``pytest -n``, by every worker): ``built_project`` (a copy of the project with
``data/processed`` built), ``report_run`` (the report ``ressol report`` writes from it) and
``other_run`` (the report of another territory). tests/support/shared.py makes them, in a
process of their own started as soon as the tests are collected, while the workers run first
the tests that need none of them (:func:`pytest_collection_modifyitems`).
They are read only: a test that must damage a project or a report makes its own copy of what it
needs. The run checks it: the files are listed when they are made and again when the session
ends, and a file added, removed or rewritten by a test fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import shared
from support.pages import chromium_or_skip

from ressol_analysis.browser import chromium

ROOT = shared.ROOT
EXAMPLE_MEMBERS = shared.EXAMPLE_MEMBERS
make_copy = shared.make_copy
# The folders made once, by the fixture that gives each (tests/support/shared.py makes them).
SHARED = {"construit": "built_project", "rapports": "report_run", "villedieu": "other_run"}


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that read a report made for the session are slow (``make test-rapide`` leaves them)."""
    if {"report_run", "other_run"} & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)


def _needs(item: pytest.Item) -> int:
    """0: no shared folder; 1: the built project; 2: the Centre Manche report; 3: Villedieu's."""
    names = set(getattr(item, "fixturenames", ()))
    return max([0] + [rank for rank, f in enumerate(SHARED.values(), 1) if f in names])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files that need no shared folder first, those that need the reports last.

    A file keeps its tests together and in order (``--dist loadfile`` gives a file to one
    worker); with ``--no-loadscope-reorder`` the workers take the files in this order, so they
    read the reports only after the process started by :func:`_shared_folders_ahead` has had
    time to write them. The order is the same in every worker, as pytest-xdist requires.
    """
    rank: dict[str, int] = {}
    for item in items:
        rank[item.nodeid.split("::")[0]] = max(
            rank.get(item.nodeid.split("::")[0], 0), _needs(item)
        )
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


@pytest.fixture(scope="session")
def root() -> Path:
    """The checkout itself (read only in tests)."""
    return ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project's inputs that a test may damage."""
    return make_copy(tmp_path / "projet")


# ---------------------------------------------------------------------------------------------
# Made once per run, shared by the workers, read only


def _base(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run (under pytest-xdist, the workers' common parent)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _shared_folders_ahead(request, tmp_path_factory):
    """Start making the shared folders the collected tests need, in a process of their own.

    The first worker to get here starts it; at the end of its session the worker waits for it
    (it is done long before in a whole run), or stops it when the run was interrupted.
    """
    items = request.session.items
    names = [n for n, f in SHARED.items() if any(f in i.fixturenames for i in items)]
    process = shared.start_ahead(_base(tmp_path_factory), names)
    yield
    if process is not None and process.poll() is None:
        if request.session.shouldstop or request.session.shouldfail:
            process.terminate()
        process.wait()


_READ_ONLY: dict[Path, dict[str, list[int]]] = {}


def _shared(factory: pytest.TempPathFactory, name: str) -> Path:
    """The shared folder ``name``, made by this process or read from the record of another."""
    base = _base(factory)
    result = shared.MAKERS[name](base)
    _READ_ONLY[base / name] = shared.record(base, name)["files"]
    return result


@pytest.fixture(scope="session", autouse=True)
def _shared_fixtures_are_left_untouched():
    """Fail the run when a test wrote into a read-only session fixture."""
    yield
    changed = []
    for folder, before in _READ_ONLY.items():
        after = shared.files(folder)
        changed += [f"{folder.name}/{f}" for f in sorted(set(before) ^ set(after))]
        changed += [
            f"{folder.name}/{f}" for f in sorted(set(before) & set(after)) if before[f] != after[f]
        ]
    assert not changed, f"fixtures de session modifiées par un test : {changed[:10]}"


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with data/processed built once for the run (read only)."""
    return _shared(tmp_path_factory, "construit")


@pytest.fixture(scope="session")
def report_run(built_project, tmp_path_factory) -> Path:
    """The run folder of Centre Manche exactly as ``ressol report`` wrote it, with its PDF.

    Made once for the run, as ``make report ADHERENTS=adherents/exemple_adherents.csv`` does:
    with the example members file, so that every chapter has its figures (the network chapter
    without a members file is checked in tests/test_browser.py on that chapter alone). Read
    only: a test that needs to damage a report makes its own.
    """
    return _shared(tmp_path_factory, "rapports")


@pytest.fixture(scope="session")
def other_run(built_project, tmp_path_factory) -> Path:
    """The run folder of Villedieu Intercom (EPCI 200043354) as ``ressol report`` writes it.

    Its territory file lies outside the project (as a CRESS consultant's would); no PDF.
    """
    return _shared(tmp_path_factory, "villedieu")


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
