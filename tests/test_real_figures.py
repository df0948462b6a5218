"""The published figures equal a hand computation from the raw files, read independently."""

import csv
import math
from pathlib import Path

import openpyxl
import pytest

from ressol_analysis.context import load

EPCIS = {"200066389", "200067023", "200067031"}


def close(expected: float):
    """The hand computation, within the contract's rounding (4 decimals: ± 0.00005)."""
    return pytest.approx(expected, abs=5e-5)


def centre_manche_communes(raw: Path) -> set[str]:
    book = openpyxl.load_workbook(raw / "cog_dgcl_epcicom.xlsx", read_only=True)
    rows = book["Epcicom2025"].iter_rows(values_only=True)
    header = next(rows)
    siren, insee = header.index("siren"), header.index("insee")
    return {str(r[insee]) for r in rows if str(r[siren]) in EPCIS}


def column_sums(path: Path, codes: set[str], columns: list[str]) -> dict[str, float]:
    totals = dict.fromkeys(columns, 0.0)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["CODGEO"] in codes:
                for column in columns:
                    totals[column] += float(row[column].replace(",", "."))
    return totals


@pytest.fixture(scope="module")
def centre_manche(built_project):
    diag = load("centre-manche", str(built_project))
    table = diag.indicators
    return {
        (row.territoire_code, row.indicateur): row.valeur for row in table.itertuples()
    }, built_project / "data" / "raw"


def test_population_area_and_density(centre_manche):
    values, raw = centre_manche
    codes = centre_manche_communes(raw)
    assert len(codes) == 139
    sums = column_sums(
        raw / "insee_comparateur_territoires_2025_normandie.csv",
        codes,
        ["P22_POP", "P16_POP", "SUPERF"],
    )
    assert values[("centre-manche", "population")] == sums["P22_POP"] == 146623
    assert values[("centre-manche", "population_2016")] == sums["P16_POP"]
    assert values[("centre-manche", "superficie_km2")] == close(sums["SUPERF"])
    assert values[("centre-manche", "densite_hab_km2")] == close(sums["P22_POP"] / sums["SUPERF"])


def test_age_shares(centre_manche):
    values, raw = centre_manche
    codes = centre_manche_communes(raw)
    bands = [
        "P22_POP0014",
        "P22_POP1529",
        "P22_POP3044",
        "P22_POP4559",
        "P22_POP6074",
        "P22_POP7589",
        "P22_POP90P",
    ]
    sums = column_sums(
        raw / "insee_dossier_complet_2025_rp2022_ages_normandie.csv", codes, [*bands, "P11_POP"]
    )
    total = sum(sums[b] for b in bands)
    senior = sums["P22_POP6074"] + sums["P22_POP7589"] + sums["P22_POP90P"]
    assert values[("centre-manche", "part_60_ans_plus")] == close(100 * senior / total)
    assert values[("centre-manche", "part_moins_15_ans")] == close(
        100 * sums["P22_POP0014"] / total
    )
    assert values[("centre-manche", "population_2011")] == close(sums["P11_POP"])
    # The 2022 population of the bands rounds to the comparateur's population.
    assert round(total) == 146623


def test_departement_and_region_estimates(centre_manche):
    values, raw = centre_manche
    book = openpyxl.load_workbook(
        raw / "insee_estim_pop_dep_sexe_age_quinquennal_1975_2021.xlsx", read_only=True
    )
    rows = {
        str(r[0]): r
        for r in book["2021"].iter_rows(min_row=6, values_only=True)
        if r[0] is not None
    }
    # Columns 2-5 are the bands 0-4 … 15-19 (both sexes), column 22 the total.
    young = {d: sum(rows[d][2:6]) for d in ("14", "27", "50", "61", "76")}
    total = {d: rows[d][22] for d in young}
    assert values[("dep-50", "part_moins_20_ans")] == close(100 * young["50"] / total["50"])
    lower = ("14", "50", "61")
    assert values[("basse-normandie", "part_moins_20_ans")] == close(
        100 * sum(young[d] for d in lower) / sum(total[d] for d in lower)
    )
    assert values[("reg-28", "population_estimee")] == sum(total.values())
    assert values[("reg-28", "part_moins_20_ans")] == close(
        100 * sum(young.values()) / sum(total.values())
    )
    # Columns 15-21 are the bands 65-69 … 95+: the 65+ share, for whole départements.
    old = {d: sum(rows[d][15:22]) for d in lower}
    assert values[("basse-normandie", "part_65_ans_plus_estimations")] == close(
        100 * sum(old.values()) / sum(total[d] for d in lower)
    )
    # Estimates exist for whole départements only: the territory's row has no value.
    assert math.isnan(values[("centre-manche", "part_moins_20_ans")])
    assert math.isnan(values[("centre-manche", "part_65_ans_plus_estimations")])


def test_the_2013_note_on_ages_quotes_insee_s_estimates_exactly(built_project):
    from ressol_analysis.formatting import percent
    from ressol_analysis.sources.reference import load_reference_2013

    raw = built_project / "data" / "raw"
    book = openpyxl.load_workbook(
        raw / "insee_estim_pop_dep_sexe_age_quinquennal_1975_2021.xlsx", read_only=True
    )
    shares = {"60": [], "65": []}
    for year in ("2009", "2010", "2011"):
        rows = {str(r[0]): r for r in book[year].iter_rows(min_row=6, values_only=True) if r[0]}
        lower = [rows[d] for d in ("14", "50", "61")]  # Basse-Normandie
        total = sum(r[22] for r in lower)
        # Bands from column 2: 60-64 is column 14, 65-69 column 15, 95+ column 21.
        shares["60"].append(100 * sum(sum(r[14:22]) for r in lower) / total)
        shares["65"].append(100 * sum(sum(r[15:22]) for r in lower) / total)
    note = next(
        c["note"] for c in load_reference_2013()["chiffres"] if "60 ans" in c["libelle"]
    ).replace("\u00a0", " ")
    low60, high60 = (percent(f(shares["60"])).replace("\u00a0", " ") for f in (min, max))
    low65, high65 = (percent(f(shares["65"])).replace("\u00a0", " ") for f in (min, max))
    assert f"de {low60[:-2]} % à {high60}" in note  # « de 24,7 % à 26,0 % de 60 ans »
    assert f"de {low65[:-2]} % à {high65} de 65 ans ou plus" in note
