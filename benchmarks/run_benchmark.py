"""Benchmark: SIRENE stock → ESS indicators, the project's code against two references.

Three ways, measured on the same files, each in its own subprocess (wall time, CPU time and
peak resident memory from ``os.wait4``):

* ``projet_national`` — :func:`ressol_analysis.national.national_indicators` (one scan, grouped
  by area in DuckDB);
* ``projet_territoire`` — the one-territory path: ``read_sirene`` + ``classify`` +
  ``ess_indicators``, then ``read_sirene_dates`` + ``dynamics_indicators`` (Centre Manche only);
* ``plancher_sql`` — the hand-written DuckDB query of ``benchmarks/floor.py`` (the floor);
* ``pandas_naif`` — what an analyst tries first: ``pandas.read_parquet`` (or ``read_csv`` on the
  zip) of the needed columns, then filtering, merging and grouping in pandas, under an address
  space limit (``--memory-cap``, 16 GB by default); a failure is recorded.

Two scopes: Centre Manche (EPCIs 200066389, 200067023, 200067031, one area) and every EPCI of
France. Results go to ``benchmarks/RESULTS.md``, rewritten after every measurement.

Usage::

    python benchmarks/run_benchmark.py /work/scratch/full
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CENTRE_MANCHE = ("200066389", "200067023", "200067031")
SCOPES = ("territoire", "epci")
METHODS = ("plancher_sql", "projet_national", "projet_territoire", "pandas_naif")
MEMORY_LIMIT = "1GB"
TIMEOUT = 1800


# --- preparation ------------------------------------------------------------------------------


def prepare(work: Path) -> None:
    """Write the commune → area tables and the passage table used by every run."""
    from ressol_analysis.national import france_groups, sirene_passage

    work.mkdir(parents=True, exist_ok=True)
    epci = france_groups(RAW, "epci")
    epci.to_parquet(work / "groupes_epci.parquet")
    centre = epci[epci["territoire_code"].isin([f"epci-{s}" for s in CENTRE_MANCHE])].assign(
        territoire_code="centre-manche", territoire="Centre Manche"
    )
    centre.drop_duplicates().to_parquet(work / "groupes_territoire.parquet")
    sirene_passage(RAW).to_parquet(work / "passage.parquet")


# --- the measured runs (child side) -----------------------------------------------------------


def _tidy_out(frame: pd.DataFrame, out: Path) -> None:
    frame[["territoire_code", "indicateur", "valeur"]].to_csv(out, index=False)


def _run_floor(stock: Path, groups: pd.DataFrame, passage: pd.DataFrame, out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from floor import floor_indicators, floor_tidy

    wide = floor_indicators(stock, groups, passage, memory_limit=MEMORY_LIMIT)
    areas = groups[["territoire_code"]].drop_duplicates()
    _tidy_out(floor_tidy(wide, areas), out)


def _run_national(stock: Path, groups: pd.DataFrame, passage: pd.DataFrame, out: Path) -> None:
    from ressol_analysis.national import national_indicators

    _tidy_out(national_indicators(stock, groups, passage, memory_limit=MEMORY_LIMIT), out)


def _run_territory(stock: Path, groups: pd.DataFrame, passage: pd.DataFrame, out: Path) -> None:
    from ressol_analysis import dynamics, ess
    from ressol_analysis.sources.sirene import read_sirene
    from ressol_analysis.sources.sirene_dates import read_sirene_dates

    found = read_sirene(stock, groups, passage)
    rule = ess.employer_rule(found, found.attrs["annee_tranche_recente"], found.attrs["colonnes"])
    table = ess.classify(found, rule=rule)
    dated = read_sirene_dates(stock, groups, passage, dynamics.FIRST_YEAR)
    day = dynamics.stock_date(dated.attrs["date_stock"], dated)
    flows = dynamics.dynamics_indicators(
        dated.join(ess.ess_membership(dated)), groups, day, "Insee, Sirene", "stock"
    )
    snapshot = ess.ess_indicators(table, groups, "Insee, Sirene", "stock")
    _tidy_out(pd.concat([snapshot, flows], ignore_index=True), out)


def _run_pandas(stock: Path, groups: pd.DataFrame, passage: pd.DataFrame, out: Path) -> None:
    from ressol_analysis import ess

    etab_cols = ["siren", "codeCommuneEtablissement", "etatAdministratifEtablissement",
                 "trancheEffectifsEtablissement", "caractereEmployeurEtablissement",
                 "anneeEffectifsEtablissement"]  # fmt: skip
    ul_cols = ["siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale"]
    parquet = stock / "StockEtablissement_utf8.parquet"
    if parquet.exists():
        etab = pd.read_parquet(parquet, columns=etab_cols)
        units = pd.read_parquet(stock / "StockUniteLegale_utf8.parquet", columns=ul_cols)
    else:
        etab = pd.read_csv(stock / "StockEtablissement_utf8.zip", usecols=etab_cols, dtype=str)
        units = pd.read_csv(stock / "StockUniteLegale_utf8.zip", usecols=ul_cols, dtype=str)
    years = pd.to_numeric(etab["anneeEffectifsEtablissement"], errors="coerce")
    rule = ess.EmployerRule(flag=True, latest_year=int(years.max()))
    etab = etab[etab["etatAdministratifEtablissement"] == "A"].replace("", None)
    sizes = passage.groupby("code_ancien")["code_actuel"].transform("size")
    moves = passage[sizes == 1].set_index("code_ancien")["code_actuel"]
    code = etab["codeCommuneEtablissement"]
    etab = etab.assign(CODGEO=code.map(moves).fillna(code))
    etab = etab[etab["CODGEO"].isin(set(groups["CODGEO"]))]
    table = etab.merge(units, on="siren", how="inner")
    table["activitePrincipaleEtablissement"] = None
    classified = ess.classify(table, rule=rule)
    _tidy_out(ess.ess_indicators(classified, groups, "Insee, Sirene", "stock"), out)


RUNNERS = {
    "plancher_sql": _run_floor,
    "projet_national": _run_national,
    "projet_territoire": _run_territory,
    "pandas_naif": _run_pandas,
}


def child(method: str, stock: Path, work: Path, scope: str, out: Path, cap_gb: float) -> None:
    """Run one measurement in this (child) process."""
    if method == "pandas_naif":
        cap = int(cap_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    groups = pd.read_parquet(work / f"groupes_{scope}.parquet").astype("string")
    passage = pd.read_parquet(work / "passage.parquet").astype("string")
    RUNNERS[method](stock, groups, passage, out)


# --- the parent side ----------------------------------------------------------------------------


def measure(
    method: str, stock: Path, work: Path, scope: str, cap_gb: float, timeout: int = TIMEOUT
) -> dict:
    """Run one measurement in a subprocess; return wall, CPU, peak RSS and status."""
    out = work / f"resultat_{method}_{scope}_{stock.name}.csv"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--scope",
        scope,
        "--work",
        str(work),
        "--memory-cap",
        str(cap_gb),
        str(stock),
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    log = out.with_suffix(".log")
    with log.open("w") as err:
        process = subprocess.Popen(command, stdout=err, stderr=err)
    status = "ok"
    try:
        _, code, usage = _wait(process, timeout)
    except TimeoutError:
        process.kill()
        _, code, usage = os.wait4(process.pid, 0)
        status = f"interrompu après {timeout} s"
    wall = time.perf_counter() - start
    stderr = log.read_text(errors="replace")
    if status == "ok" and code != 0:
        last = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or ["?"]
        status = "échec : " + last[0][:160]
    return {
        "methode": method,
        "perimetre": scope,
        "format": stock.name,
        "mur_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "rss_max_mo": round(usage.ru_maxrss / 1024),
        "statut": status,
        "sortie": str(out) if out.exists() else None,
    }


def _wait(process: subprocess.Popen, timeout: int):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return pid, process.returncode, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.2)


def _same_figures(result: dict, reference: dict | None) -> str:
    if not result["sortie"] or not reference or not reference["sortie"]:
        return "—"
    mine = pd.read_csv(result["sortie"], dtype={"territoire_code": str})
    ref = pd.read_csv(reference["sortie"], dtype={"territoire_code": str})
    merged = mine.merge(ref, on=["territoire_code", "indicateur"], how="outer", indicator=True)
    if (merged["_merge"] != "both").any():
        return "non (lignes différentes)"
    a, b = merged["valeur_x"], merged["valeur_y"]
    same = ((a == b) | (a.isna() & b.isna())).all()
    return "oui" if same else f"non (écart max {(a - b).abs().max():.3g})"


def machine() -> list[str]:
    """Describe the machine and the versions."""
    import duckdb
    import pyarrow

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    return [
        f"- processeur : {cpu}, {os.cpu_count()} cœurs (nproc)",
        f"- mémoire : {int(mem) / 1024**2:.1f} Gio",
        f"- système : {platform.platform()}",
        f"- Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pyarrow {pyarrow.__version__}, pandas {pd.__version__}",
        f"- DuckDB : memory_limit={MEMORY_LIMIT}, threads = nombre de cœurs",
    ]


def stock_description(stock_root: Path) -> list[str]:
    """Sizes and row counts of the stock files."""
    import pyarrow.parquet as pq

    lines = []
    for folder in sorted(p for p in stock_root.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if not path.name.startswith("Stock"):
                continue
            rows = ""
            if path.suffix == ".parquet":
                rows = f", {pq.ParquetFile(path).metadata.num_rows:,} lignes".replace(",", " ")
            lines.append(
                f"- `{folder.name}/{path.name}` : {path.stat().st_size / 1e9:.2f} Go{rows}"
            )
    return lines


def write_results(results: list[dict], stock_root: Path, command: str, note: str) -> None:
    """Write ``benchmarks/RESULTS.md`` from the measurements so far."""
    floors = {(r["perimetre"], r["format"]): r for r in results if r["methode"] == "plancher_sql"}
    lines = [
        "# Benchmark : stock SIRENE national → indicateurs ESS",
        "",
        "Produit par `benchmarks/run_benchmark.py` (ne pas éditer à la main).",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Données (synthétiques, `benchmarks/generate_stock.py`)",
        "",
        *stock_description(stock_root),
        "",
        "## Reproduire",
        "",
        "```sh",
        command,
        "```",
        "",
        "## Résultats",
        "",
        "Temps de mur et CPU (utilisateur + système) du sous-processus entier (démarrage de "
        "Python et imports compris) ; mémoire = pic de mémoire résidente (ru_maxrss). Ratio = "
        "temps de mur / temps de mur du plancher SQL, même format et même périmètre. "
        "« Identiques » compare tous les chiffres au plancher.",
        "",
        "| format | périmètre | méthode | mur (s) | CPU (s) | pic RSS (Mo) | ratio au plancher "
        "| identiques | statut |",
        "|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        floor = floors.get((r["perimetre"], r["format"]))
        ratio = (
            f"{r['mur_s'] / floor['mur_s']:.2f}"
            if floor and r["statut"] == "ok" and floor["statut"] == "ok"
            else "—"
        )
        lines.append(
            f"| {r['format']} | {r['perimetre']} | {r['methode']} | {r['mur_s']} | {r['cpu_s']} "
            f"| {r['rss_max_mo']} | {ratio} | {_same_figures(r, floor)} | {r['statut']} |"
        )
    lines += ["", note.strip(), ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    (RESULTS.parent / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stock", help="dossier écrit par generate_stock.py (parquet/ et zip/)")
    parser.add_argument("--work", default=None, help="dossier de travail (défaut : stock/travail)")
    parser.add_argument("--memory-cap", type=float, default=16.0, help="Go pour pandas_naif")
    parser.add_argument("--formats", default="parquet,zip")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--note", default="", help="texte ajouté en fin de RESULTS.md")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="secondes par mesure")
    parser.add_argument("--append", action="store_true", help="ajouter à results.json")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--scope", choices=SCOPES, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stock_root = Path(args.stock)
    work = Path(args.work) if args.work else stock_root / "travail"
    if args.child:
        child(args.child, stock_root, work, args.scope, Path(args.out), args.memory_cap)
        return 0

    prepare(work)
    command = "python benchmarks/generate_stock.py DOSSIER --etablissements N --zip\n" + " ".join(
        ["python", "benchmarks/run_benchmark.py", *(argv or sys.argv[1:])]
    )
    previous = RESULTS.parent / "results.json"
    results: list[dict] = json.loads(previous.read_text()) if args.append else []
    methods = args.methods.split(",")
    for fmt in args.formats.split(","):
        stock = stock_root / fmt
        for scope in SCOPES:
            for method in methods:
                if method == "projet_territoire" and scope == "epci":
                    continue  # the one-territory path is not meant for 1 250 areas
                result = measure(method, stock, work, scope, args.memory_cap, args.timeout)
                results.append(result)
                print(json.dumps(result, ensure_ascii=False), flush=True)
                write_results(results, stock_root, command, args.note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
