"""Where the national computation spends its time: one territory against all EPCIs, by stage.

Runs :func:`ressol_analysis.national.national_indicators` on a stock written by
``generate_stock.py`` for Centre Manche and for every EPCI, with each DuckDB statement timed
(wall clock, in this process): the located establishments (``_located``), the band check, the
count of employers in the areas, the join with the legal units (``_join_units``), the snapshot
aggregation and the dynamics since 2013. Prints one table per scope and writes them as JSON.

    .venv/bin/python benchmarks/profile_national.py /work/scratch/s10 --sortie profil.json

The statements' own text identifies the stage (first words of the SQL); nothing of the
project is changed, the connection is only wrapped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_benchmark import MEMORY_LIMIT, prepare  # noqa: E402

from ressol_analysis import national  # noqa: E402


class TimedConnection:
    """A DuckDB connection whose ``execute`` and ``sql`` calls are timed and labelled."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[dict]) -> None:
        self._con = con
        self._log = log

    def _timed(self, method: str, query: str, *args, **kwargs):
        start = time.perf_counter()
        result = getattr(self._con, method)(query, *args, **kwargs)
        label = " ".join(str(query).split())[:90]
        self._log.append({"requete": label, "secondes": time.perf_counter() - start})
        return result

    def execute(self, query, *args, **kwargs):
        """Timed :meth:`duckdb.DuckDBPyConnection.execute`."""
        return self._timed("execute", query, *args, **kwargs)

    def sql(self, query, *args, **kwargs):
        """Timed :meth:`duckdb.DuckDBPyConnection.sql`."""
        return self._timed("sql", query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def profile(stock: Path, groups: pd.DataFrame, passage: pd.DataFrame) -> tuple[float, list[dict]]:
    """Total wall time of one run and the timed statements, in order."""
    log: list[dict] = []
    connect = national.duckdb.connect

    def timed_connect(*args, **kwargs):
        return TimedConnection(connect(*args, **kwargs), log)

    national.duckdb.connect = timed_connect
    try:
        start = time.perf_counter()
        national.national_indicators(stock, groups, passage, memory_limit=MEMORY_LIMIT)
        total = time.perf_counter() - start
    finally:
        national.duckdb.connect = connect
    return total, log


def main(argv: list[str] | None = None) -> int:
    """Profile both scopes on the stock folder given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stock", help="dossier écrit par generate_stock.py (parquet/)")
    parser.add_argument("--sortie", help="fichier JSON des mesures")
    args = parser.parse_args(argv)
    stock = Path(args.stock)
    work = stock / "travail"
    if not (work / "passage.parquet").is_file():
        prepare(work)
    passage = pd.read_parquet(work / "passage.parquet").astype("string")
    found = {}
    for scope in ("territoire", "epci"):
        groups = pd.read_parquet(work / f"groupes_{scope}.parquet").astype("string")
        total, log = profile(stock / "parquet", groups, passage)
        found[scope] = {"total": total, "etapes": log}
        print(f"\n{scope} : {total:.1f} s")
        for step in sorted(log, key=lambda s: -s["secondes"])[:8]:
            print(f"  {step['secondes']:7.1f} s  {step['requete']}")
    if args.sortie:
        Path(args.sortie).write_text(json.dumps(found, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
