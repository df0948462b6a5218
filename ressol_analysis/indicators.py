"""The tidy indicator table, a stable contract.

One row per area × indicator with the columns ``territoire_code, territoire, indicateur,
valeur, unite, source, millesime``. Keys are documented in ``docs/indicateurs.md``. The same
table is written by ``ressol indicators`` and next to every report.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import demography
from .areas import AREA_COLUMNS
from .build import ProcessedData
from .contract import TIDY_COLUMNS
from .errors import RessolError

UNITS = {
    "population": "habitants",
    "population_legale": "habitants",
    "superficie_km2": "km²",
    "densite_hab_km2": "hab./km²",
    "indice_de_vieillissement": "indice (60 ans ou plus pour 100 moins de 15 ans)",
    "population_estimee": "habitants",
}


def geography_note(data: ProcessedData) -> str:
    """``géographie au 01/01/2026`` for the current COG of the data."""
    return f"géographie au 01/01/{data.info['cog']}"


def _unit(key: str) -> str:
    if key in UNITS:
        return UNITS[key]
    if key.startswith("population_"):
        return "habitants"
    if key.startswith("taux_evolution_annuel"):
        return "% par an"
    return "%"


def tidy(
    wide: pd.DataFrame, names: Mapping[str, str], source: str, vintage: Mapping[str, str] | str
) -> pd.DataFrame:
    """Turn one-row-per-area indicators into tidy rows.

    Parameters
    ----------
    wide : DataFrame
        ``territoire_code`` plus one column per indicator key.
    names : mapping
        Area code → area name.
    source : str
        Source line for every row.
    vintage : mapping or str
        Vintage for every key, or per key.

    Returns
    -------
    DataFrame
        Rows in the contract's columns, in the order of ``wide`` then of its columns.
    """
    keys = [c for c in wide.columns if c not in AREA_COLUMNS]
    long = wide.melt(
        id_vars=["territoire_code"], value_vars=keys, var_name="indicateur", value_name="valeur"
    )
    order = {k: i for i, k in enumerate(keys)}
    area_order = {a: i for i, a in enumerate(wide["territoire_code"])}
    long = long.assign(
        _a=long["territoire_code"].map(area_order), _k=long["indicateur"].map(order)
    ).sort_values(["_a", "_k"])
    long["territoire"] = long["territoire_code"].map(names)
    long["unite"] = long["indicateur"].map(_unit)
    long["source"] = source
    long["millesime"] = long["indicateur"].map(vintage) if isinstance(vintage, Mapping) else vintage
    return long[TIDY_COLUMNS].reset_index(drop=True)


def demography_indicators(data: ProcessedData, membership: pd.DataFrame) -> pd.DataFrame:
    """All demographic indicators of the areas of ``membership``, in the tidy contract.

    Parameters
    ----------
    data : ProcessedData
        Loaded ``data/processed``.
    membership : DataFrame
        Areas and their communes (output of :func:`ressol_analysis.territory.resolve`).

    Returns
    -------
    DataFrame
        Tidy indicator rows.
    """
    census = data.census_years
    counts = [
        "POP",
        *[f"POP_{y}" for y in census[1:]],
        "SUPERF",
        "PMUN_LEGALE",
        *demography.AGE_BANDS,
    ]
    totals = demography.area_totals(data.communes, membership, counts)
    names = dict(zip(totals["territoire_code"], totals["territoire"], strict=True))
    geo = geography_note(data)
    src = data.sources

    population = demography.population_indicators(totals, census)
    population_vintage = {
        "population": f"RP {census[0]}",
        "superficie_km2": f"RP {census[0]}",
        "densite_hab_km2": f"RP {census[0]}",
    }
    population_vintage |= {f"population_{y}": f"RP {y}" for y in census[1:]}
    ordered = sorted(census)
    population_vintage |= {
        f"taux_evolution_annuel_{a}_{b}": f"RP {a} et RP {b}"
        for a, b in zip(ordered[:-1], ordered[1:], strict=True)
    }
    rp_source = f"{src['comparateur'].citation} ; {src['rp_ages'].citation} — {geo}"
    frames = [tidy(population, names, rp_source, population_vintage)]

    legal = totals[["territoire_code"]].assign(population_legale=totals["PMUN_LEGALE"])
    frames.append(
        tidy(
            legal,
            names,
            f"{src['populations_legales'].citation} — {geo}",
            src["populations_legales"].vintage,
        )
    )
    ages = demography.age_structure(totals)
    frames.append(
        tidy(ages, names, f"{src['rp_ages'].citation} — {geo}", f"RP {data.age_census_year}")
    )
    whole = demography.whole_departement_areas(membership, data.communes)
    if not whole.empty:
        last = int(data.info["estimations_annees"][1])
        shares = demography.estimated_age_shares(data.estimates, whole, last)
        frames.append(
            tidy(
                shares,
                names,
                f"{src['estimations_quinquennales'].citation}, {last} — départements entiers",
                f"Estimations de population {last}",
            )
        )
    result = pd.concat(frames, ignore_index=True)
    order = {a: i for i, a in enumerate(totals["territoire_code"])}
    result = result.assign(_a=result["territoire_code"].map(order)).sort_values("_a", kind="stable")
    return result.drop(columns="_a").reset_index(drop=True)


def write_csv_atomic(table: pd.DataFrame, path: Path) -> None:
    """Write a CSV next to its destination, then move it into place.

    Parameters
    ----------
    table : DataFrame
        Table to write (UTF-8, comma-separated, point decimal).
    path : Path
        Destination; an existing file is replaced only when the new one is complete.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise RessolError(
            f"Le dossier {path.parent} n'existe pas : créez-le ou choisissez un autre fichier "
            "de sortie."
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            table.to_csv(stream, index=False)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600 files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
