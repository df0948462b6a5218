"""Try to rebuild the masked commune cells of a report from the files published with it.

A reader of a report folder (everything a board member may receive) holds the commune table
``ess_par_commune.csv`` (masked cells empty), the area totals of ``indicateurs.csv`` and any
other table of the folder. Two attacks are tried, the two a careful reader would try:

* **add up the employers**: any table with one row per establishment, a commune and a
  headcount band (as the ESS directory was) gives each commune's ESS jobs as the sum of the
  bands' central estimates;
* **subtract from the total**: the jobs of an EPCI minus its published communes give the
  masked cell when only one commune of the EPCI is masked.

A masked cell is *rebuilt* when an attack gives its true value (to the half job).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ressol_analysis.sources.reference import bands_table

COMMUNE_COLUMNS = ("CODGEO", "codeCommuneEtablissement", "commune", "code_commune")
BAND_COLUMNS = ("tranche", "trancheEffectifsEtablissement")
MEASURES = {"secret_ess": "ess_effectif_salarie_estime", "secret_total": "effectif_salarie_estime"}


def read_any(path: Path) -> list[pd.DataFrame]:
    """Every table of a CSV or XLSX file, as text (other files: none)."""
    if path.suffix == ".csv":
        # The French Excel variants (``*_excel.csv``) use « ; » and write codes ="50502".
        first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        table = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return [table.apply(lambda c: c.str.replace(r'^="(.*)"$', r"\1", regex=True))]
    if path.suffix == ".xlsx":
        return list(pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl").values())
    return []


def masked_cells(folder: Path) -> pd.DataFrame:
    """The masked cells of the report's commune table: ``CODGEO``, ``groupe``, ``mesure``."""
    table = pd.read_csv(folder / "ess_par_commune.csv", dtype=str, keep_default_na=False)
    cells = [
        pd.DataFrame({"CODGEO": table["CODGEO"], "groupe": table["groupe"], "mesure": measure})[
            table[flag].str.lower().eq("true")
        ]
        for flag, measure in MEASURES.items()
    ]
    return pd.concat(cells, ignore_index=True)


def _by_bands(folder: Path) -> dict[str, pd.Series]:
    """Jobs by commune added up from every establishment-level table of the folder."""
    central = bands_table().set_index("tranche")["effectif_central"]
    sums = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for table in read_any(path):
            commune = next((c for c in COMMUNE_COLUMNS if c in table.columns), None)
            band = next((c for c in BAND_COLUMNS if c in table.columns), None)
            if commune and band:
                jobs = table[band].map(central).astype(float)
                sums[path.name] = jobs.groupby(table[commune]).sum()
    return sums


def _by_difference(folder: Path, masked: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Cells alone masked in their EPCI, rebuilt as the EPCI total minus its other communes."""
    communes = pd.read_csv(folder / "ess_par_commune.csv", dtype=str, keep_default_na=False)
    totals = pd.read_csv(folder / "indicateurs.csv", dtype=str, keep_default_na=False)
    totals = totals.set_index(["territoire_code", "indicateur"])["valeur"]
    found = {}
    for (group, measure), cells in masked.groupby(["groupe", "mesure"]):
        if len(cells) != 1 or (f"epci-{group}", measure) not in totals.index:
            continue
        rows = communes[communes["groupe"] == group]
        published = pd.to_numeric(rows[measure], errors="coerce").sum()
        total = float(totals[(f"epci-{group}", measure)])
        found[(cells["CODGEO"].iloc[0], measure)] = total - published
    return found


def rebuilt_cells(folder: Path, truth: pd.DataFrame) -> set[tuple[str, str, str]]:
    """The masked cells that the files of ``folder`` let a reader rebuild.

    Parameters
    ----------
    folder : Path
        A report folder (with ``ess_par_commune.csv`` and ``indicateurs.csv``).
    truth : DataFrame
        The unmasked values: ``CODGEO`` and the columns of :data:`MEASURES`.

    Returns
    -------
    set of (str, str, str)
        ``(commune, measure, how)`` for each cell rebuilt to its true value.
    """
    masked = masked_cells(folder)
    true = truth.set_index("CODGEO")
    rebuilt = set()
    for name, sums in _by_bands(folder).items():
        for cell in masked[masked["mesure"] == "ess_effectif_salarie_estime"].itertuples():
            value = true.at[cell.CODGEO, cell.mesure]
            if cell.CODGEO in sums.index and abs(sums[cell.CODGEO] - value) < 0.5:
                rebuilt.add((cell.CODGEO, cell.mesure, name))
    for (commune, measure), value in _by_difference(folder, masked).items():
        if abs(value - true.at[commune, measure]) < 0.5:
            rebuilt.add((commune, measure, "indicateurs.csv"))
    return rebuilt
