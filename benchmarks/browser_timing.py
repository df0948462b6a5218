"""Time the report's PDF step and the browser tests, to compare browser drivers.

Two measurements, each repeated and summarised by its median (the machine's 2 cores are shared,
so single runs are noisy; the load average is recorded with every run):

* the PDF step: in a fresh Python process, import the PDF module and print the pages of a real
  ``ressol report`` run with ``report_pdf`` (the call the report makes);
* the browser tests: ``pytest tests/test_browser.py tests/test_pdf.py`` in a subprocess; the wall
  time of the whole run (it includes building the data and the report once) and the sum of the
  tests' own ``call`` phases, which is the time spent in the browser.

Results are appended to ``benchmarks/browser_timing.json`` and ``benchmarks/BROWSER_RESULTS.md``
is rewritten from it.

    .venv/bin/python benchmarks/browser_timing.py --label "avant (client DevTools maison)"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSON = ROOT / "benchmarks" / "browser_timing.json"
MARKDOWN = ROOT / "benchmarks" / "BROWSER_RESULTS.md"
TERRITORY = "centre-manche"
BROWSER_TESTS = ("tests/test_browser.py", "tests/test_pdf.py")
PDF_ONCE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from ressol_analysis.pdf import report_pdf
imported = time.perf_counter()
pages = [Path(p) for p in json.loads(sys.argv[1])]
assert report_pdf(pages, Path(sys.argv[2])) is not None, "no browser: nothing measured"
done = time.perf_counter()
print(json.dumps({"import": imported - started, "print": done - imported}))
"""
DURATION = re.compile(r"^\s*([\d.]+)s (call|setup|teardown)\s+(\S+)", re.MULTILINE)


def report_pages(folder: Path | None) -> list[Path]:
    """Pages of a report run, in reading order; produce one (without PDF) when none is given."""
    if folder is None:
        output = Path(tempfile.mkdtemp(prefix="ressol-bench-"))
        subprocess.run(
            [sys.executable, "-m", "ressol_analysis.cli", "report", "--territory", TERRITORY]
            + ["--output", str(output), "--sans-pdf"],
            cwd=ROOT,
            check=True,
        )
        folder = next((output / TERRITORY).iterdir())
    chapters = sorted(p for p in folder.glob("0*.html"))
    return [folder / "index.html", *chapters]


def time_pdf(pages: list[Path], runs: int) -> list[dict]:
    """Print the pages ``runs`` times, each in a new process."""
    results = []
    with tempfile.TemporaryDirectory(prefix="ressol-bench-pdf-") as work:
        for number in range(runs):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, "-c", PDF_ONCE, json.dumps([str(p) for p in pages])]
                + [str(Path(work) / f"{number}.pdf")],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            measured = json.loads(out.stdout.strip().splitlines()[-1])
            measured["total"] = measured["import"] + measured["print"]
            measured["load"] = load
            results.append(measured)
            print(f"  PDF {number + 1}/{runs} : {measured['total']:.2f} s (charge {load:.2f})")
    return results


def time_tests(runs: int) -> list[dict]:
    """Run the browser tests ``runs`` times; wall time and the sum of the tests' call phases."""
    results = []
    for number in range(runs):
        load = os.getloadavg()[0]
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "pytest", *BROWSER_TESTS, "-q", "-p", "no:cacheprovider"]
            + ["--durations=0", "--durations-min=0"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if out.returncode != 0:
            sys.exit(f"Les tests navigateur ont échoué :\n{out.stdout[-3000:]}")
        if " skipped" in out.stdout.splitlines()[-1]:
            sys.exit("Des tests navigateur ont été ignorés : rien de comparable n'a été mesuré.")
        calls = {t: float(s) for s, phase, t in DURATION.findall(out.stdout) if phase == "call"}
        setup = sum(float(s) for s, phase, _ in DURATION.findall(out.stdout) if phase == "setup")
        results.append(
            {"wall": wall, "calls": sum(calls.values()), "setup": setup, "load": load}
            | {"per_test": calls}
        )
        print(
            f"  tests {number + 1}/{runs} : {wall:.1f} s de mur, "
            f"{sum(calls.values()):.2f} s dans les tests (charge {load:.2f})"
        )
    return results


def median(rows: list[dict], key: str) -> float:
    """Median of one measured quantity."""
    return statistics.median(r[key] for r in rows)


def write_markdown(entries: list[dict]) -> None:
    """Rewrite BROWSER_RESULTS.md from every recorded entry."""
    lines = [
        "# Temps du PDF et des tests navigateur",
        "",
        "Écrit par `benchmarks/browser_timing.py` (médianes ; entre crochets, min–max ; la",
        "charge est la moyenne de charge sur 1 min au début de chaque mesure, machine à 2 cœurs",
        "partagée).",
        "",
        "- **PDF** : import du module PDF puis `report_pdf` sur les 5 pages d'un vrai rapport",
        "  Centre Manche, dans un processus neuf (comme l'étape PDF de `ressol report`).",
        "- **tests, mur** : `pytest tests/test_browser.py tests/test_pdf.py` complet (construction",
        "  des données et du rapport comprises).",
        "- **tests, navigateur** : somme des phases `call` des tests (le temps passé dans le",
        "  navigateur et les vérifications, sans la construction du rapport).",
        "",
        "| mesure | date | PDF (s) | tests, mur (s) | tests, navigateur (s) | charge | runs |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]

    def cell(rows: list[dict], key: str, digits: int) -> str:
        low, high = min(r[key] for r in rows), max(r[key] for r in rows)
        return f"{median(rows, key):.{digits}f} [{low:.{digits}f}–{high:.{digits}f}]"

    for entry in entries:
        pdf, tests = entry["pdf"], entry["tests"]
        loads = [r["load"] for r in pdf + tests]
        lines.append(
            f"| {entry['label']} | {entry['date']} | {cell(pdf, 'total', 2)} | "
            f"{cell(tests, 'wall', 1)} | {cell(tests, 'calls', 2)} | "
            f"{statistics.median(loads):.2f} | {len(pdf)} / {len(tests)} |"
        )
    lines += ["", "## Détail par test (médiane de la phase `call`, s)", ""]
    for entry in entries:
        names = sorted({n for r in entry["tests"] for n in r["per_test"]})
        lines.append(f"**{entry['label']}**")
        lines.append("")
        for name in names:
            values = [r["per_test"][name] for r in entry["tests"] if name in r["per_test"]]
            lines.append(f"- `{name}` : {statistics.median(values):.2f}")
        lines.append("")
    lines += [
        "## Machine",
        "",
        f"- {platform.platform()}, {os.cpu_count()} cœurs, Python {platform.python_version()}",
        "",
    ]
    MARKDOWN.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Measure, record and summarise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="nom de la mesure (ex. « avant »)")
    parser.add_argument("--pdf-runs", type=int, default=7)
    parser.add_argument("--test-runs", type=int, default=3)
    parser.add_argument("--run-folder", type=Path, help="dossier d'un rapport déjà produit")
    args = parser.parse_args()
    pages = report_pages(args.run_folder)
    print(f"Pages : {', '.join(p.name for p in pages)}")
    pdf = time_pdf(pages, args.pdf_runs)
    tests = time_tests(args.test_runs)
    entries = json.loads(JSON.read_text(encoding="utf-8")) if JSON.exists() else []
    entries.append(
        {
            "label": args.label,
            "date": datetime.now().isoformat(timespec="minutes"),
            "pdf": pdf,
            "tests": tests,
        }
    )
    JSON.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown(entries)
    print(
        f"PDF : {median(pdf, 'total'):.2f} s ; tests : {median(tests, 'wall'):.1f} s de mur, "
        f"{median(tests, 'calls'):.2f} s dans les tests"
    )


if __name__ == "__main__":
    main()
