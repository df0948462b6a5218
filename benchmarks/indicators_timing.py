"""Time the commands a consultant reruns: data build, indicators, report (not a test).

Each command runs in its own process (the ``ressol`` of the environment, on the project given
by ``--racine``); wall time comes from the clock, CPU time (user + system, children included)
and peak resident memory from ``os.wait4``. Each command is run ``--tours`` times and the median
is kept; the load average before each run is recorded, since the machine is shared. The
report's per-chapter times are read from its output. Results are added to ``timings.json``
under a label (``--label``, e.g. the commit) and ``TIMINGS.md`` is rewritten from it.

Usage::

    .venv/bin/python benchmarks/indicators_timing.py --label apres --tours 3 --rapport
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TERRITORY = "centre-manche"
CHAPTER_LINE = re.compile(r"^\s+(?P<chapter>[^:]+) : (?P<seconds>\d+(?:\.\d+)?) s$")


def run(command: list[str]) -> dict:
    """Run a command once; wall and CPU seconds, peak RSS (MB), load before, its stdout."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"Échec de {' '.join(command)} :\n{text}")
    return {
        "mur": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mo": usage.ru_maxrss / 1024,
        "charge": load,
        "sortie": text,
    }


def chapters(output: str) -> dict[str, float]:
    """Per-chapter seconds printed by ``ressol report`` (``  Démographie : 11.5 s``)."""
    found = (CHAPTER_LINE.match(line) for line in output.splitlines())
    return {m["chapter"]: float(m["seconds"]) for m in found if m}


def measure(root: Path, rounds: int, report: bool) -> dict:
    """Median wall, CPU and peak RSS of each command over ``rounds`` runs."""
    ressol = str(Path(sys.executable).with_name("ressol"))
    with tempfile.TemporaryDirectory() as scratch:
        commands = {
            "data build": [ressol, "--racine", str(root), "data", "build"],
            "indicators": [
                ressol,
                "--racine",
                str(root),
                "indicators",
                "--territory",
                TERRITORY,
                "--output",
                str(Path(scratch) / "indicateurs.csv"),
            ],
        }
        if report:
            commands["report"] = [ressol, "--racine", str(root), "report", "--territory", TERRITORY]
        results = {}
        for name, command in commands.items():
            runs = [run(command) for _ in range(rounds)]
            results[name] = {
                key: statistics.median(r[key] for r in runs)
                for key in ("mur", "cpu", "rss_mo", "charge")
            }
            if name == "report":
                times = [chapters(r["sortie"]) for r in runs]
                results[name]["chapitres"] = {
                    c: statistics.median(t[c] for t in times if c in t) for c in times[0]
                }
    return results


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def write_markdown(entries: list[dict], path: Path) -> None:
    """Rewrite ``TIMINGS.md`` from every recorded label."""
    lines = [
        "# Temps des commandes relancées par le consultant",
        "",
        "Écrit par `indicators_timing.py` (médiane de plusieurs tours ; CPU = utilisateur + "
        f"système, processus enfants compris ; territoire {TERRITORY}, extrait Sirene de "
        "démonstration). La machine est partagée : la charge moyenne avant chaque tour est "
        "notée, les temps de mur sont bruités, le temps CPU l'est moins.",
        "",
        "| mesure | commande | mur (s) | CPU (s) | pic RSS (Mo) | charge avant |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for entry in entries:
        for name, r in entry["resultats"].items():
            lines.append(
                f"| {entry['label']} | `ressol {name}` | {_number(r['mur'])} | "
                f"{_number(r['cpu'])} | {r['rss_mo']:.0f} | {_number(r['charge'])} |"
            )
    reports = [e for e in entries if "report" in e["resultats"]]
    if reports:
        names = list(reports[0]["resultats"]["report"]["chapitres"])
        lines += [
            "",
            "Chapitres du rapport (secondes de mur, médiane) :",
            "",
            "| chapitre | " + " | ".join(e["label"] for e in reports) + " |",
            "|---|" + "---:|" * len(reports),
        ]
        for chapter in names:
            cells = [
                _number(e["resultats"]["report"]["chapitres"].get(chapter, float("nan")))
                for e in reports
            ]
            lines.append(f"| {chapter} | " + " | ".join(cells) + " |")
    notes = [f"- {e['label']} : {e['note']} ({e['tours']} tour(s))" for e in entries]
    lines += ["", "Mesures :", "", *notes, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure, record under a label, rewrite the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--racine", type=Path, default=HERE.parent, help="projet mesuré")
    parser.add_argument("--label", required=True, help="nom de la mesure (ex. avant, apres)")
    parser.add_argument("--tours", type=int, default=3, help="tours par commande")
    parser.add_argument("--rapport", action="store_true", help="mesurer aussi ressol report")
    parser.add_argument("--note", default="", help="commentaire (machine, commit)")
    args = parser.parse_args(argv)
    store = HERE / "timings.json"
    entries = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else []
    entries = [e for e in entries if e["label"] != args.label]
    entries.append(
        {
            "label": args.label,
            "note": args.note,
            "tours": args.tours,
            "resultats": measure(args.racine.resolve(), args.tours, args.rapport),
        }
    )
    store.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_markdown(entries, HERE / "TIMINGS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
