"""The folders made once for a whole test run, and the process that makes them ahead of time.

Three folders are expensive and read only: the project with ``data/processed`` built
(``construit``), the report of Centre Manche (``rapports``) and the report of Villedieu Intercom
(``villedieu``). Each is made once per run, whatever the number of pytest-xdist workers, by
:func:`make_once`: under a file lock, the first process to ask makes it and writes a record;
the others wait on the lock, then read the record.

So that no worker sits waiting while a report is written, the first worker that collects a
test needing one starts :func:`main` in a separate process (:func:`start_ahead`): it makes the
folders in order while the workers run the tests that need none of them (tests/conftest.py
runs those first). Whoever gets the lock first makes a folder; the result is the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_MEMBERS = ROOT / "adherents" / "exemple_adherents.csv"
VILLEDIEU = """\
id: villedieu-intercom
nom: Villedieu Intercom
millesime_geographie: 2026
perimetre:
  epci: ["200043354"]
"""


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


def files(folder: Path) -> dict[str, list[int]]:
    """Every file under ``folder`` with its size and modification time (ns)."""
    return {
        str(p.relative_to(folder)): [p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_once(base: Path, name: str, make: Callable[[Path], Path]) -> dict:
    """The folder ``base/name`` made once by ``make``: its record (result path and files).

    ``make`` receives an empty folder and returns the path the fixture gives. A record left by
    an earlier call (any process) is read instead; a folder without a record (a process stopped
    while making it) is made again.
    """
    folder = base / name
    record = base / f"{name}.json"
    with FileLock(str(base / f"{name}.lock")):
        if not record.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            result = make(folder)
            state = {"result": str(result), "files": files(folder)}
            record.write_text(json.dumps(state), encoding="utf-8")
    return json.loads(record.read_text(encoding="utf-8"))


def record(base: Path, name: str) -> dict:
    """The record of the folder ``name`` already made: its result path and its files."""
    return json.loads((base / f"{name}.json").read_text(encoding="utf-8"))


def built(base: Path) -> Path:
    """The project copy with ``data/processed`` built."""

    def make(folder: Path) -> Path:
        from ressol_analysis.build import build_processed
        from ressol_analysis.paths import project_paths

        copy = make_copy(folder / "projet")
        build_processed(project_paths(copy))
        return copy

    return Path(make_once(base, "construit", make)["result"])


def centre_manche(base: Path) -> Path:
    """The run folder of Centre Manche as ``make report ADHERENTS=…exemple…`` writes it."""
    project = built(base)

    def make(folder: Path) -> Path:
        from ressol_analysis.paths import project_paths
        from ressol_analysis.report import run_report

        lines: list[str] = []
        run = run_report(
            project_paths(project),
            "centre-manche",
            folder,
            log=lines.append,
            members=EXAMPLE_MEMBERS,
        )
        (folder / "journal.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return run

    return Path(make_once(base, "rapports", make)["result"])


def villedieu(base: Path) -> Path:
    """The run folder of Villedieu Intercom (a territory file outside the project, no PDF)."""
    project = built(base)

    def make(folder: Path) -> Path:
        from ressol_analysis.paths import project_paths
        from ressol_analysis.report import run_report

        territory = folder / "villedieu-intercom.yaml"
        territory.write_text(VILLEDIEU, encoding="utf-8")
        return run_report(
            project_paths(project),
            str(territory),
            folder / "rapports",
            log=lambda _: None,
            pdf=False,
        )

    return Path(make_once(base, "villedieu", make)["result"])


MAKERS: dict[str, Callable[[Path], Path]] = {
    "construit": built,
    "rapports": centre_manche,
    "villedieu": villedieu,
}


def start_ahead(base: Path, names: list[str]) -> subprocess.Popen | None:
    """Start making the folders ``names`` (in that order) in a separate process.

    Only the first caller of a run starts it (a marker file under a lock); the others get
    ``None``. What the process prints goes to ``base/en_avance.txt``.
    """
    if not names:
        return None
    with FileLock(str(base / "en_avance.lock")):
        marker = base / "en_avance.txt"
        if marker.exists():
            return None
        log = marker.open("w", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(base), *names],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def main(argv: list[str]) -> int:
    """``python shared.py BASE NAME…``: make each named folder under ``BASE``."""
    base, names = Path(argv[0]), argv[1:]
    for name in names:
        MAKERS[name](base)
        print(f"{name} : fait", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
