"""Demographic indicators: population, growth, density, age structure.

Every function is pure: DataFrames in, a DataFrame out, one row per area. Areas are those of a
*membership* table (``territoire_code``, ``territoire``, ``niveau``, ``ordre``, ``CODGEO``).
Counts are added up over communes by :func:`area_totals`: a missing
commune value makes the area's total missing (never summed as zero), except when the commune
did not exist at that census and its population is counted in its former commune of the same
area (``<col>_INCLUS_DANS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .areas import AREA_COLUMNS, aggregate_counts
from .contract import tidy

AGE_BANDS = {
    "POP0014": "moins_15_ans",
    "POP1529": "15_29_ans",
    "POP3044": "30_44_ans",
    "POP4559": "45_59_ans",
    "POP6074": "60_74_ans",
    "POP7589": "75_89_ans",
    "POP90P": "90_ans_plus",
}
UNITS = {
    "population": "habitants",
    "population_legale": "habitants",
    "superficie_km2": "km²",
    "densite_hab_km2": "hab./km²",
    "indice_de_vieillissement": "indice (60 ans ou plus pour 100 moins de 15 ans)",
    "population_estimee": "habitants",
}
SOURCE_KEYS = ("population", "superficie", "populations_legales", "ages", "estimations")
AGE_LABELS = {
    "POP0014": "0-14 ans",
    "POP1529": "15-29 ans",
    "POP3044": "30-44 ans",
    "POP4559": "45-59 ans",
    "POP6074": "60-74 ans",
    "POP7589": "75-89 ans",
    "POP90P": "90 ans ou plus",
}


def area_totals(
    communes: pd.DataFrame, membership: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Census counts of each area, added up over its communes one column at a time.

    Census tables cover every commune of the region: a commune of an area without a row is an
    error (see :func:`ressol_analysis.areas.aggregate_counts`, ``absent="raise"``). Each column
    is summed on its own because pandas adds a column without missing values with another
    algorithm than a column with some: summing the columns together would change the last
    digit of a few published figures.

    Parameters
    ----------
    communes : DataFrame
        Commune table of ``data/processed`` (``CODGEO``, the counts, ``<col>_INCLUS_DANS``).
    membership : DataFrame
        Areas and their communes (output of :func:`ressol_analysis.territory.resolve`).
    columns : sequence of str
        Count columns to add up.

    Returns
    -------
    DataFrame
        One row per area: area columns, ``n_communes``, and for each column its sum and
        ``manquants_<col>``.
    """
    parts = [aggregate_counts(communes, membership, [c], absent="raise") for c in columns]
    totals = parts[0]
    for part in parts[1:]:
        totals = totals.join(part.drop(columns=[*AREA_COLUMNS, "n_communes"]))
    return totals


def growth_keys(census_years: Sequence[int]) -> list[str]:
    """Keys of the annual growth rates between consecutive censuses, oldest period first.

    ``[2022, 2016, 2011]`` → ``["taux_evolution_annuel_2011_2016",
    "taux_evolution_annuel_2016_2022"]``, the columns of :func:`population_indicators`.
    """
    ordered = sorted(census_years)
    return [
        f"taux_evolution_annuel_{a}_{b}" for a, b in zip(ordered[:-1], ordered[1:], strict=True)
    ]


def annual_growth_rate(start: pd.Series, end: pd.Series, years: int) -> pd.Series:
    """Average annual growth rate in percent: ``100 × ((end / start) ** (1 / years) − 1)``."""
    return 100 * ((end / start) ** (1 / years) - 1)


def population_indicators(totals: pd.DataFrame, census_years: Sequence[int]) -> pd.DataFrame:
    """Population at each census, annual growth rates, area and density.

    Parameters
    ----------
    totals : DataFrame
        Output of :func:`area_totals` with ``POP`` (latest census), ``POP_<year>`` for
        earlier censuses and ``SUPERF`` (km²).
    census_years : sequence of int
        Census years, most recent first (e.g. ``[2022, 2016, 2011]``).

    Returns
    -------
    DataFrame
        Area columns and ``population``, ``population_<year>`` (earlier censuses),
        ``taux_evolution_annuel_<y0>_<y1>`` for each consecutive pair (percent per year),
        ``superficie_km2`` and ``densite_hab_km2``.
    """
    latest, *earlier = census_years
    out = totals[AREA_COLUMNS].copy()
    out["population"] = totals["POP"]
    columns = {latest: "POP"} | {y: f"POP_{y}" for y in earlier}
    for year in earlier:
        out[f"population_{year}"] = totals[columns[year]]
    ordered = sorted(census_years)
    for start, end in zip(ordered[:-1], ordered[1:], strict=True):
        out[f"taux_evolution_annuel_{start}_{end}"] = annual_growth_rate(
            totals[columns[start]], totals[columns[end]], end - start
        )
    out["superficie_km2"] = totals["SUPERF"]
    out["densite_hab_km2"] = totals["POP"] / totals["SUPERF"]
    return out


def age_structure(totals: pd.DataFrame) -> pd.DataFrame:
    """Shares of the census age bands, 60+ and 75+ shares, and an ageing index.

    Parameters
    ----------
    totals : DataFrame
        Output of :func:`area_totals` with the seven band columns ``POP0014`` … ``POP90P``
        (INSEE weighted counts).

    Returns
    -------
    DataFrame
        Area columns and, in percent of the sum of the bands: ``part_moins_15_ans``,
        ``part_15_29_ans`` … ``part_90_ans_plus``, ``part_60_ans_plus``,
        ``part_75_ans_plus``; and ``indice_de_vieillissement`` = 100 × (60 years or more) /
        (under 15). INSEE's usual index (65+ / under 20) cannot be computed from these bands.
    """
    bands = totals[list(AGE_BANDS)]
    total = bands.sum(axis=1, min_count=len(AGE_BANDS))
    out = totals[AREA_COLUMNS].copy()
    for column, key in AGE_BANDS.items():
        out[f"part_{key}"] = 100 * bands[column] / total
    senior = bands[["POP6074", "POP7589", "POP90P"]].sum(axis=1, min_count=3)
    out["part_60_ans_plus"] = 100 * senior / total
    out["part_75_ans_plus"] = 100 * bands[["POP7589", "POP90P"]].sum(axis=1, min_count=2) / total
    out["indice_de_vieillissement"] = 100 * senior / bands["POP0014"]
    return out


def whole_departement_areas(membership: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Areas made of whole départements, with their départements.

    Parameters
    ----------
    membership : DataFrame
        Areas and their communes.
    communes : DataFrame
        ``CODGEO`` and ``DEP`` of every commune of the data.

    Returns
    -------
    DataFrame
        ``territoire_code`` and ``DEP``, one row per département of each area that consists
        exactly of whole départements (estimates exist only for those).
    """
    dep_of = communes.set_index("CODGEO")["DEP"]
    per_dep = communes.groupby("DEP")["CODGEO"].agg(frozenset)
    rows = []
    for area, codes in membership.groupby("territoire_code", sort=False)["CODGEO"]:
        deps = sorted(set(dep_of.reindex(codes).dropna()))
        if frozenset(codes) == frozenset().union(*(per_dep[d] for d in deps)):
            rows.extend((area, d) for d in deps)
    return pd.DataFrame(rows, columns=["territoire_code", "DEP"], dtype="string")


def estimated_age_shares(estimates: pd.DataFrame, areas: pd.DataFrame, year: int) -> pd.DataFrame:
    """Under-20, 60+, 65+ and 75+ shares from INSEE's estimates, for whole-département areas.

    Parameters
    ----------
    estimates : DataFrame
        ``annee``, ``DEP``, ``pop_0_19``, ``pop_60_plus``, ``pop_65_plus``, ``pop_75_plus``,
        ``pop_totale``.
    areas : DataFrame
        Output of :func:`whole_departement_areas`.
    year : int
        Year of the estimates (population at 1 January).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``part_moins_20_ans``, ``part_60_ans_plus_estimations``,
        ``part_65_ans_plus_estimations``, ``part_75_ans_plus_estimations``,
        ``population_estimee`` (percent, persons). An area with a département lacking
        estimates that year gets missing values.
    """
    counts = ["pop_0_19", "pop_60_plus", "pop_65_plus", "pop_75_plus", "pop_totale"]
    selected = estimates.loc[estimates["annee"] == year, ["DEP", *counts]]
    merged = areas.merge(selected, on="DEP", how="left")
    sums = merged.groupby("territoire_code", sort=False)[counts].sum(min_count=1)
    incomplete = merged[counts].isna().groupby(merged["territoire_code"], sort=False).any()
    sums = sums.mask(incomplete)
    return pd.DataFrame(
        {
            "territoire_code": sums.index.astype("string"),
            "part_moins_20_ans": (100 * sums["pop_0_19"] / sums["pop_totale"]).to_numpy(),
            "part_60_ans_plus_estimations": (
                100 * sums["pop_60_plus"] / sums["pop_totale"]
            ).to_numpy(),
            "part_65_ans_plus_estimations": (
                100 * sums["pop_65_plus"] / sums["pop_totale"]
            ).to_numpy(),
            "part_75_ans_plus_estimations": (
                100 * sums["pop_75_plus"] / sums["pop_totale"]
            ).to_numpy(),
            "population_estimee": sums["pop_totale"].to_numpy(),
        }
    )


def estimated_series(estimates: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Population estimates at 1 January of every year for whole-département areas.

    Parameters
    ----------
    estimates : DataFrame
        ``annee``, ``DEP``, ``pop_totale``.
    areas : DataFrame
        Output of :func:`whole_departement_areas`.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``annee``, ``population_estimee`` (missing for a year where a
        département of the area has no usable estimate).
    """
    merged = areas.merge(estimates[["annee", "DEP", "pop_totale"]], on="DEP", how="left")
    grouped = merged.groupby(["territoire_code", "annee"], sort=True)["pop_totale"]
    series = grouped.sum(min_count=1).where(~grouped.apply(lambda s: s.isna().any()))
    return series.rename("population_estimee").reset_index()


def commune_table(communes: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Per-commune population, density and 60+ share for the communes of an area.

    Parameters
    ----------
    communes : DataFrame
        Commune table of ``data/processed``.
    codes : sequence of str
        Communes to keep.

    Returns
    -------
    DataFrame
        ``CODGEO``, ``LIBELLE``, ``EPCI_NOM``, ``population``, ``superficie_km2``,
        ``densite_hab_km2``, ``part_60_ans_plus``, sorted by decreasing population.
    """
    table = communes[communes["CODGEO"].isin(codes)]
    bands = table[list(AGE_BANDS)].sum(axis=1)
    senior = table[["POP6074", "POP7589", "POP90P"]].sum(axis=1)
    out = pd.DataFrame(
        {
            "CODGEO": table["CODGEO"],
            "LIBELLE": table["LIBELLE"],
            "EPCI_NOM": table["EPCI_NOM"],
            "population": table["POP"],
            "superficie_km2": table["SUPERF"],
            "densite_hab_km2": table["POP"] / table["SUPERF"],
            "part_60_ans_plus": 100 * senior / bands,
        }
    )
    return out.sort_values(["population", "CODGEO"], ascending=[False, True]).reset_index(drop=True)


def population_sources(sources: Mapping[str, str], census_years: Sequence[int]) -> dict[str, str]:
    """Source line of each population, growth, area and density key (one file per figure).

    Parameters
    ----------
    sources : mapping of str to str
        ``population``, ``population_<year>`` (earlier censuses) and ``superficie``.
    census_years : sequence of int
        Census years, most recent first.

    Returns
    -------
    dict of str to str
        Key → source line; a growth rate between two censuses read from two files cites both.
    """
    latest, *earlier = census_years
    by_year = {latest: sources["population"]} | {y: sources[f"population_{y}"] for y in earlier}
    lines = {f"population_{y}": by_year[y] for y in earlier}
    ordered = sorted(census_years)
    for start, end in zip(ordered[:-1], ordered[1:], strict=True):
        files = list(dict.fromkeys([by_year[start], by_year[end]]))
        lines[f"taux_evolution_annuel_{start}_{end}"] = " ; ".join(files)
    area = sources["superficie"]
    density = (
        sources["population"]
        if area == sources["population"]
        else (f"{sources['population']} (population) ; {area} (superficie)")
    )
    return lines | {
        "population": sources["population"],
        "superficie_km2": area,
        "densite_hab_km2": density,
    }


def unit(key: str) -> str:
    """Unit of a demographic indicator key (``habitants``, ``% par an``, ``%``…)."""
    if key in UNITS:
        return UNITS[key]
    if key.startswith("population_"):
        return "habitants"
    if key.startswith("taux_evolution_annuel"):
        return "% par an"
    return "%"


def demography_indicators(
    communes: pd.DataFrame,
    estimates: pd.DataFrame,
    membership: pd.DataFrame,
    census_years: Sequence[int],
    age_year: int,
    estimate_year: int,
    sources: Mapping[str, str],
    legal_vintage: str,
    area_vintage: str,
) -> pd.DataFrame:
    """All demographic indicators of the areas of ``membership``, in the tidy contract.

    Parameters
    ----------
    communes : DataFrame
        Commune table of ``data/processed``: ``CODGEO``, ``DEP``, ``POP``, ``POP_<year>``,
        ``SUPERF``, ``PMUN_LEGALE`` and the age bands.
    estimates : DataFrame
        Population estimates by département and year (``annee``, ``DEP``, ``pop_…``).
    membership : DataFrame
        Areas and their communes (output of :func:`ressol_analysis.territory.resolve`).
    census_years : sequence of int
        Census years of the populations, most recent first.
    age_year : int
        Census year of the age bands.
    estimate_year : int
        Year of the estimates quoted (population at 1 January).
    sources : mapping of str to str
        Source line of each file: ``population`` (the latest census population, with which
        the density is computed), ``population_<year>`` for each earlier census (the file
        that gives it), ``superficie`` (INSEE's ``SUPERF``), ``populations_legales``,
        ``ages`` (age bands), ``estimations``. A growth rate cites the files of both ends.
    legal_vintage : str
        Vintage of the legal populations.
    area_vintage : str
        Vintage of the areas (``Superficie Insee, COG 2025``), not a census year.

    Returns
    -------
    DataFrame
        Tidy indicator rows, area by area in the order of ``membership``.
    """
    counts = [
        "POP",
        *[f"POP_{y}" for y in census_years[1:]],
        "SUPERF",
        "PMUN_LEGALE",
        *AGE_BANDS,
    ]
    totals = area_totals(communes, membership, counts)
    names = dict(zip(totals["territoire_code"], totals["territoire"], strict=True))

    population = population_indicators(totals, census_years)
    latest = f"RP {census_years[0]}"
    population_vintage = {
        "population": latest,
        "superficie_km2": area_vintage,
        "densite_hab_km2": latest,
    }
    population_vintage |= {f"population_{y}": f"RP {y}" for y in census_years[1:]}
    ordered = sorted(census_years)
    population_vintage |= {
        f"taux_evolution_annuel_{a}_{b}": f"RP {a} et RP {b}"
        for a, b in zip(ordered[:-1], ordered[1:], strict=True)
    }
    rows = tidy(population, names, unit, "", population_vintage)
    rows["source"] = rows["indicateur"].map(population_sources(sources, census_years))
    frames = [rows]
    legal = totals[["territoire_code"]].assign(population_legale=totals["PMUN_LEGALE"])
    frames.append(tidy(legal, names, unit, sources["populations_legales"], legal_vintage))
    ages = age_structure(totals)
    frames.append(tidy(ages, names, unit, sources["ages"], f"RP {age_year}"))
    whole = whole_departement_areas(membership, communes)
    if not whole.empty:
        shares = estimated_age_shares(estimates, whole, estimate_year)
        frames.append(
            tidy(
                shares,
                names,
                unit,
                sources["estimations"],
                f"Estimations de population {estimate_year}",
            )
        )
    result = pd.concat(frames, ignore_index=True)
    order = {a: i for i, a in enumerate(totals["territoire_code"])}
    result = result.assign(_a=result["territoire_code"].map(order)).sort_values("_a", kind="stable")
    return result.drop(columns="_a").reset_index(drop=True)
