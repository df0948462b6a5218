"""Time the report's PDF step and the browser tests, to compare browser drivers.

Two measurements, each repeated and summarised by its median (the machine's 2 cores are shared,
so single runs are noisy; the load average is recorded with every run):

* the PDF step: in a fresh Python process, import the PDF module and print the pages of a real
  ``ressol report`` run with ``report_pdf`` (the call the report makes);
* the browser tests: ``pytest tests/test_browser.py tests/test_pdf.py`` in a subprocess; the wall
  time of the whole run (it includes building the data and the report once) and the browser
  time: every phase of every test (setup, call, teardown) except the one setup that builds the
  data and the report.

Several checkouts can be measured in turn, round after round (``LABEL=DIR`` arguments, the code
imported from ``DIR`` through ``PYTHONPATH``), so that a change of load on the machine affects
them alike. Results are appended to ``benchmarks/browser_timing.json`` and
``benchmarks/BROWSER_RESULTS.md`` is rewritten from it:

    git archive <base> | tar -x -C /tmp/avant
    .venv/bin/python benchmarks/browser_timing.py avant=/tmp/avant après=. \
        --run-folder reports/centre-manche/<run>
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
Version = tuple[str, Path]


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


def environment(checkout: Path) -> dict[str, str]:
    """The environment of a subprocess that imports the package from ``checkout``."""
    return os.environ | {"PYTHONPATH": str(checkout)}


def time_pdf(checkout: Path, pages: list[Path], out: Path) -> dict:
    """Print the pages once, in a new process importing the package from ``checkout``."""
    load = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-c", PDF_ONCE, json.dumps([str(p) for p in pages]), str(out)],
        cwd=checkout,
        env=environment(checkout),
        check=True,
        capture_output=True,
        text=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return measured | {"total": measured["import"] + measured["print"], "load": load}


def time_tests(checkout: Path) -> dict:
    """Run the browser tests of ``checkout`` once; wall time and browser time."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *BROWSER_TESTS, "-q", "-p", "no:cacheprovider"]
        + ["--durations=0", "--durations-min=0"],
        cwd=checkout,
        env=environment(checkout),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"Les tests navigateur de {checkout} ont échoué :\n{done.stdout[-3000:]}")
    if " skipped" in done.stdout.strip().splitlines()[-1]:
        sys.exit("Des tests navigateur ont été ignorés : rien de comparable n'a été mesuré.")
    phases: dict[str, dict[str, float]] = {}
    for seconds, phase, test in DURATION.findall(done.stdout):
        phases.setdefault(test, {})[phase] = float(seconds)
    build = max(p.get("setup", 0.0) for p in phases.values())
    browser = sum(sum(p.values()) for p in phases.values()) - build
    calls = sum(p.get("call", 0.0) for p in phases.values())
    return {"wall": wall, "browser": browser, "build": build, "calls": calls, "load": load} | {
        "per_test": {t: sum(p.values()) for t, p in phases.items()}
    }


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
        "- **tests, navigateur** : toutes les phases (préparation, test, nettoyage) de tous les",
        "  tests, sauf la préparation qui construit les données et le rapport (la plus longue) :",
        "  le temps passé à lancer le navigateur, ouvrir les pages, les vérifier et lire le PDF.",
        "  (Première mesure : phases `call` seulement, le navigateur y était lancé.)",
        "- Les tests ne sont pas les mêmes avant et après le passage à Playwright : après, ils",
        "  lisent le `rapport.pdf` écrit par le rapport au lieu d'en imprimer un second, et cinq",
        "  tests s'ajoutent (page propre, page très longue, navigateur absent ou cassé, CI).",
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
        browser = "browser" if "browser" in tests[0] else "calls"
        lines.append(
            f"| {entry['label']} | {entry['date']} | {cell(pdf, 'total', 2)} | "
            f"{cell(tests, 'wall', 1)} | {cell(tests, browser, 2)} | "
            f"{statistics.median(loads):.2f} | {len(pdf)} / {len(tests)} |"
        )
    lines += [
        "",
        "## Rapports appariés (même série, mesures faites à tour de rôle)",
        "",
        "Médiane, tour par tour, du temps de chaque version divisé par celui de la première de",
        "la série : sous 1, plus rapide ; l'objectif est de rester sous 1,2.",
        "",
    ]
    for date in sorted({e["date"] for e in entries}):
        series = [e for e in entries if e["date"] == date and "browser" in e["tests"][0]]
        for entry in series[1:]:
            ratios = []
            for kind, key in (("pdf", "total"), ("tests", "wall"), ("tests", "browser")):
                pairs = zip(series[0][kind], entry[kind], strict=False)
                ratios.append(statistics.median(b[key] / a[key] for a, b in pairs))
            lines.append(
                f"- {entry['label']} / {series[0]['label']} : PDF {ratios[0]:.2f}, tests "
                f"(mur) {ratios[1]:.2f}, tests (navigateur) {ratios[2]:.2f}"
            )
    lines += ["", "## Détail par test (médiane, s ; toutes phases sauf pour la 1re mesure)", ""]
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


def version(text: str) -> Version:
    """``LABEL=DIR`` on the command line."""
    label, _, folder = text.partition("=")
    if not folder or not (Path(folder) / "ressol_analysis").is_dir():
        raise argparse.ArgumentTypeError(f"{text} : attendu LABEL=DOSSIER d'une copie du projet")
    return label, Path(folder).resolve()


def main() -> None:
    """Measure each checkout round after round, record and summarise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", type=version, default=[("actuel", ROOT)])
    parser.add_argument("--pdf-runs", type=int, default=7)
    parser.add_argument("--test-runs", type=int, default=3)
    parser.add_argument("--run-folder", type=Path, help="dossier d'un rapport déjà produit")
    args = parser.parse_args()
    pages = report_pages(args.run_folder)
    print(f"Pages : {', '.join(p.name for p in pages)}")
    measured: dict[str, dict[str, list[dict]]] = {
        label: {"pdf": [], "tests": []} for label, _ in args.versions
    }
    with tempfile.TemporaryDirectory(prefix="ressol-bench-pdf-") as work:
        for round_ in range(max(args.pdf_runs, args.test_runs)):
            for label, checkout in args.versions:
                if round_ < args.pdf_runs:
                    row = time_pdf(checkout, pages, Path(work) / "rapport.pdf")
                    measured[label]["pdf"].append(row)
                    print(f"  {label}, PDF {round_ + 1} : {row['total']:.2f} s ({row['load']:.2f})")
            for label, checkout in args.versions:
                if round_ < args.test_runs:
                    row = time_tests(checkout)
                    measured[label]["tests"].append(row)
                    print(
                        f"  {label}, tests {round_ + 1} : {row['wall']:.1f} s de mur, "
                        f"{row['browser']:.2f} s de navigateur (charge {row['load']:.2f})"
                    )
    entries = json.loads(JSON.read_text(encoding="utf-8")) if JSON.exists() else []
    date = datetime.now().isoformat(timespec="minutes")
    for label, rows in measured.items():
        entries.append({"label": label, "date": date} | rows)
        print(
            f"{label} — PDF : {median(rows['pdf'], 'total'):.2f} s ; tests : "
            f"{median(rows['tests'], 'wall'):.1f} s de mur, "
            f"{median(rows['tests'], 'browser'):.2f} s de navigateur"
        )
    JSON.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown(entries)


if __name__ == "__main__":
    main()
