"""Report runs: distinct names, concurrent runs, the previous run, and interruptions.

The concurrency and interruption tests use real processes and real signals: a run in a
subprocess (one chapter, to stay short), a second run or the ``ressol`` command beside it,
SIGTERM sent while the kernels or Chromium are running. They check what the consultant would
find afterwards: the folders published, no staging folder or lock file, no process left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psutil
import pytest
from support.cli import assert_clean_error, ressol

from ressol_analysis.errors import RessolError
from ressol_analysis.interruption import Interrupted, children, interruptible, stop_children
from ressol_analysis.runs import (
    base_name,
    latest_runs,
    previous_run,
    published_runs,
    reserve,
)

BASE = "2026-11-26_rp2022_cog2026"
INDICATORS = "territoire_code,territoire,indicateur,valeur,unite,source,millesime\n"
# A report restricted to the chapters named after the PDF choice (none: synthesis only).
SHORT_RUN = """
import sys
from pathlib import Path
from ressol_analysis.interruption import Interrupted
from ressol_analysis.paths import project_paths
from ressol_analysis.report import run_report

try:
    run_report(
        project_paths(sys.argv[1]),
        "centre-manche",
        Path(sys.argv[2]),
        log=lambda line: None,
        chapters=tuple((name, name) for name in sys.argv[4:]),
        pdf=sys.argv[3] == "pdf",
    )
except Interrupted as stop:
    sys.exit(stop.exit_status)
"""


def publish(root: Path, base: str = BASE, started: str = "", value: str = "1") -> Path:
    """Publish a tiny run through a reservation, as run_report does."""
    reservation = reserve(root, base)
    try:
        info = {"territoire": "t", "date": base[:10], "lance_le": started}
        (reservation.staging / "run.json").write_text(json.dumps(info), encoding="utf-8")
        (reservation.staging / "indicateurs.csv").write_text(
            INDICATORS + f"t,T,population,{value},habitants,Insee,RP 2022\n", encoding="utf-8"
        )
        return reservation.publish()
    finally:
        reservation.release()


def leftovers(root: Path) -> list[str]:
    """Staging folders and lock files left in a territory's folder."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- names


def test_run_name_says_day_and_vintages():
    info = {"millesimes": {"rp": 2022}, "cog": 2026}
    assert base_name(info, day=date(2026, 11, 26)) == BASE


def test_a_second_run_of_the_day_gets_its_own_folder(tmp_path):
    first = publish(tmp_path, started="2026-11-26T09:00:00", value="1")
    second = publish(tmp_path, started="2026-11-26T10:00:00", value="2")
    third = publish(tmp_path, started="2026-11-26T11:00:00", value="3")
    assert [first.name, second.name, third.name] == [BASE, f"{BASE}-2", f"{BASE}-3"]
    assert "1,habitants" in (first / "indicateurs.csv").read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_replace_replaces_the_latest_run_of_the_day_only(tmp_path):
    first = publish(tmp_path, started="2026-11-26T09:00:00", value="1")
    second = publish(tmp_path, started="2026-11-26T10:00:00", value="2")
    reservation = reserve(tmp_path, BASE, replace=True)
    try:
        assert reservation.final == second
        (reservation.staging / "run.json").write_text("{}", encoding="utf-8")
        reservation.publish()
    finally:
        reservation.release()
    assert (second / "run.json").read_text(encoding="utf-8") == "{}"
    assert "1,habitants" in (first / "indicateurs.csv").read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_a_name_being_written_is_skipped_and_cannot_be_replaced(tmp_path):
    # flock conflicts between two open files even in one process: this stands for two runs.
    writing = reserve(tmp_path, BASE)  # a run in progress, not published yet
    try:
        with pytest.raises(RessolError, match=rf"en cours d'écriture dans .*{BASE} \(processus"):
            reserve(tmp_path, BASE, replace=True)
        beside = publish(tmp_path, started="2026-11-26T10:00:00")
        assert beside.name == f"{BASE}-2"
        replacing = reserve(tmp_path, BASE, replace=True)  # the latest published run, not held
        assert replacing.final == beside
        replacing.release()
        assert writing.staging.is_dir()
    finally:
        writing.release()
    assert leftovers(tmp_path) == []


def test_a_run_that_died_leaves_nothing_in_the_way(tmp_path):
    # kill -9 during a run: its staging folder and lock file stay, but nobody holds the lock.
    (tmp_path / f".{BASE}.en-cours").mkdir()
    (tmp_path / f".{BASE}.en-cours" / "01_demographie.html").write_text("à moitié")
    (tmp_path / f".{BASE}.verrou").write_text("processus 1")
    run = publish(tmp_path)
    assert run.name == BASE
    assert sorted(p.name for p in run.iterdir()) == ["indicateurs.csv", "run.json"]
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- previous run


def test_previous_run_follows_start_times_then_suffixes(tmp_path):
    older = publish(tmp_path, base="2026-10-01_rp2022_cog2026", started="2026-10-01T09:00:00")
    morning = publish(tmp_path, started="2026-11-26T09:00:00")
    evening = publish(tmp_path, started="2026-11-26T18:00:00")
    (tmp_path / "notes").mkdir()  # a folder without run.json is not a run
    assert published_runs(tmp_path) == [older, morning, evening]
    assert previous_run(evening) == morning
    assert previous_run(morning) == older
    assert latest_runs(tmp_path) == [morning, evening]
    with pytest.raises(RessolError, match=r"Aucun rapport antérieur à 2026-10-01_rp2022"):
        previous_run(older)
    with pytest.raises(RessolError, match=r"notes n'est pas le dossier d'un rapport"):
        previous_run(tmp_path / "notes")
    assert previous_run(evening / "indicateurs.csv") == morning  # the run's own file
    hidden = tmp_path / ".copie"
    hidden.mkdir()
    (hidden / "run.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RessolError, match=r"\.copie n'est pas un rapport publié"):
        previous_run(hidden)


def test_compare_finds_the_previous_run(project):
    root = project / "reports" / "centre-manche"
    before = publish(root, started="2026-11-26T09:00:00", value="100")
    after = publish(root, started="2026-11-26T10:00:00", value="130")

    one = ressol(project, "compare", str(after))
    assert one.returncode == 0, one.stderr
    assert f"Rapport précédent : {before}" in one.stdout
    assert "100 habitants (RP 2022) → 130 habitants (RP 2022), écart +30" in one.stdout

    none = ressol(project, "compare")
    assert none.returncode == 0, none.stderr
    assert none.stdout == one.stdout

    assert_clean_error(ressol(project, "compare", str(before)), "Aucun rapport antérieur")


def test_compare_without_runs_says_what_to_do(project):
    assert_clean_error(
        ressol(project, "compare"), "0 rapport(s) publié(s)", "il en faut 2", "ressol report"
    )


# --------------------------------------------------------------------------- signals


def test_sigterm_is_an_interruption_only_within_the_block():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as caught, interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal interrupts this sleep
    assert caught.value.exit_status == 143
    assert isinstance(caught.value, KeyboardInterrupt)  # the Ctrl-C clean-up paths apply
    assert signal.getsignal(signal.SIGTERM) is before


def test_stop_children_ends_what_this_process_started():
    others = children()  # whatever the test session itself runs is left alone
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kept = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stopped = stop_children(keep={kept.pid, *others}, grace=5)
        assert stopped == [sleeper.pid]
        assert not psutil.pid_exists(sleeper.pid)  # ended and reaped
        assert kept.poll() is None
    finally:
        kept.kill()
        kept.wait()


# --------------------------------------------------------------------------- real processes


class Watched:
    """A subprocess and every process it started, recorded while it runs."""

    def __init__(self, args: list[str]) -> None:
        self.popen = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.seen: dict[int, psutil.Process] = {}
        self.commands: dict[int, str] = {}

    def look(self) -> list[psutil.Process]:
        try:
            found = psutil.Process(self.popen.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        for process in found:
            if process.pid not in self.seen:
                self.seen[process.pid] = process
                try:
                    self.commands[process.pid] = " ".join(process.cmdline()).lower()
                except psutil.Error:
                    self.commands[process.pid] = ""
        return found

    def started(self, part: str) -> bool:
        """Whether one of its processes had ``part`` in its command line."""
        return any(part in command for command in self.commands.values())

    def wait_for(self, what: str, test, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                out, err = self.popen.communicate()
                pytest.fail(f"the run ended before {what}: {err.decode()[-2000:]}")
            if test(self.look()):
                return
            time.sleep(0.2)
        self.popen.kill()
        pytest.fail(f"no {what} within {timeout} s")

    def alive(self) -> list[str]:
        """Processes it started that still run once it has exited."""
        return [
            " ".join(p.cmdline()[:2])
            for p in self.seen.values()
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        ]


@pytest.mark.slow
def test_two_concurrent_runs_and_sigterm_during_the_pdf(built_project, tmp_path, chromium_path):
    # Three runs of one territory at once: one held by this test (a reservation, as run_report
    # makes), one stopped by SIGTERM while Chromium prints its PDF, one that completes.
    out = tmp_path / "rapports"
    root = out / "centre-manche"
    info = json.loads((built_project / "data" / "processed" / "build.json").read_text("utf-8"))
    base = base_name(info)
    held = reserve(root, base)
    (held.staging / "index.html").write_text("rapport tenu par le test", encoding="utf-8")
    (held.staging / "run.json").write_text('{"lance_le": ""}', encoding="utf-8")
    script = tmp_path / "rapport_court.py"
    script.write_text(SHORT_RUN, encoding="utf-8")
    run = [sys.executable, str(script), str(built_project), str(out)]
    try:
        first = Watched([*run, "pdf"])  # synthesis page only, then its PDF
        second = Watched([*run, "sans-pdf"])  # synthesis page only too: runs stay short

        # While the first run prints, its folder cannot be replaced: refused, not mixed.
        first.wait_for("Chromium", lambda _: first.started("chrom"))
        (lock,) = [
            p
            for p in root.glob(".*.verrou")
            if f"processus {first.popen.pid}," in p.read_text(encoding="utf-8")
        ]
        name = lock.name[1 : -len(".verrou")]
        assert name != base  # the name held by this test was not taken
        with pytest.raises(RessolError, match=rf"en cours d'écriture dans .*{name}.*processus"):
            reserve(root, name, replace=True)
        assert first.popen.poll() is None  # the refusal met a run really in progress

        first.popen.send_signal(signal.SIGTERM)
        assert first.popen.wait(timeout=60) == 128 + signal.SIGTERM
        assert second.popen.wait(timeout=240) == 0, second.popen.communicate()[1].decode()
        assert first.alive() == []  # no Chromium, no kernel left running
        assert second.alive() == []

        (published,) = published_runs(root)
        assert published.name in (f"{base}-2", f"{base}-3")
        files = {p.name for p in published.iterdir()}
        assert {"index.html", "indicateurs.csv", "indicateurs.xlsx", "run.json"} <= files
        assert "rapport.pdf" not in files  # the second run was asked for no PDF: nothing mixed in
        # Neither the clean-up of the stopped run nor the publication touched the held run.
        assert (held.staging / "index.html").read_text(encoding="utf-8") == (
            "rapport tenu par le test"
        )
        assert held.publish() == root / base
    finally:
        held.release()
    assert leftovers(root) == []
    assert {p.name for p in published_runs(root)} == {base, published.name}


def test_replace_while_another_run_writes_is_refused_by_the_command(built_project, tmp_path):
    out = tmp_path / "rapports"
    root = out / "centre-manche"
    info = json.loads((built_project / "data" / "processed" / "build.json").read_text("utf-8"))
    held = reserve(root, base_name(info))  # a run of today being written (this test's process)
    try:
        result = ressol(built_project, "report", "--output", str(out), "--sans-pdf", "--remplacer")
        assert_clean_error(
            result,
            f"Un autre rapport est en cours d'écriture dans {held.final} (processus "
            f"{os.getpid()}, lancé le",
            "--remplacer ne remplace pas un rapport en train d'être écrit",
            "relancez sans --remplacer pour obtenir un dossier distinct",
        )
        assert sorted(p.name for p in root.iterdir()) == sorted(
            [held.staging.name, held.lock_file.name]
        )
    finally:
        held.release()


@pytest.mark.slow
def test_sigterm_stops_the_kernels_of_the_command(built_project, tmp_path):
    out = tmp_path / "rapports"
    command = Watched(
        [sys.executable, "-m", "ressol_analysis.cli", "--racine", str(built_project)]
        + ["report", "--output", str(out), "--sans-pdf"]
    )
    command.wait_for("kernel", lambda _: command.started("ipykernel"))
    time.sleep(1)  # the kernel is executing the chapter
    command.popen.send_signal(signal.SIGTERM)
    _, err = command.popen.communicate(timeout=60)
    assert command.popen.returncode == 143
    assert "Interrompu par le signal SIGTERM" in err.decode()
    assert "Traceback" not in err.decode()
    assert list((out / "centre-manche").iterdir()) == []  # no run, no staging, no lock
    assert command.alive() == []


@pytest.mark.slow
def test_sigterm_during_data_build_leaves_data_as_it_was(project):
    before = sorted(p.name for p in (project / "data").iterdir())
    command = Watched(
        [sys.executable, "-m", "ressol_analysis.cli", "--racine", str(project), "data", "build"]
    )
    data = project / "data"
    command.wait_for("staging folder", lambda _: any(data.glob(".processed.*.en-cours")))
    command.popen.send_signal(signal.SIGTERM)
    _, err = command.popen.communicate(timeout=60)
    assert command.popen.returncode == 143, err.decode()
    assert sorted(p.name for p in data.iterdir()) == before  # no staging folder, no lock
    assert list((data / "processed").iterdir()) == []
