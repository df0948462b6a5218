"""The figures do not move: Centre Manche's indicator CSV is byte-identical to the golden file.

``tests/golden/indicateurs_centre-manche.csv`` was written by ``ressol indicators --territory
centre-manche`` before the package was restructured (issue 13). A change of code that is meant
to leave the figures alone must leave this file alone; a change that is meant to move a figure
replaces the golden file in the same commit, and says why. The same file, written once for
the module, is checked against the CSV contract (columns, zones, sources, demonstration mark).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from support.cli import ressol

GOLDEN = Path(__file__).parent / "golden" / "indicateurs_centre-manche.csv"


@pytest.fixture(scope="module")
def written(built_project, tmp_path_factory) -> Path:
    """The CSV ``ressol indicators --territory centre-manche --output …`` writes (made once)."""
    out = tmp_path_factory.mktemp("indicateurs") / "indicateurs.csv"
    result = ressol(
        built_project, "indicators", "--territory", "centre-manche", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    return out


def test_centre_manche_indicators_are_byte_identical_to_the_golden_file(written):
    out = written
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    # The contract's run-wide rules: the same keys for every area, values to 4 decimals.
    keys = table.groupby("territoire_code")["indicateur"].agg(lambda k: tuple(sorted(k)))
    assert keys.nunique() == 1, keys
    decimals = table["valeur"].str.partition(".")[2].str.len()
    assert decimals.max() <= 4, table.loc[decimals.idxmax()]
    assert set(table["synthetique"]) == {"oui", "non"}
    produced, golden = out.read_bytes(), GOLDEN.read_bytes()
    if produced != golden:
        new = produced.decode("utf-8").splitlines()
        old = golden.decode("utf-8").splitlines()
        changed = [(i + 1, a, b) for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        raise AssertionError(
            f"{len(old)} lines expected, {len(new)} produced; first differences "
            f"(line, expected, produced): {changed[:3]}"
        )


def test_indicators_csv_contract(written):
    with written.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "territoire_code",
        "territoire",
        "indicateur",
        "valeur",
        "unite",
        "source",
        "millesime",
        "synthetique",
    ]
    codes = list(dict.fromkeys(r["territoire_code"] for r in rows))
    assert codes == [
        "centre-manche",
        "epci-200066389",
        "epci-200067023",
        "epci-200067031",
        "dep-50",
        "basse-normandie",
        "reg-28",
    ]
    by_key = {(r["territoire_code"], r["indicateur"]): r for r in rows}
    for key in (
        "population",
        "superficie_km2",
        "densite_hab_km2",
        "part_moins_15_ans",
        "part_60_ans_plus",
        "part_75_ans_plus",
    ):
        assert ("centre-manche", key) in by_key
    population = by_key[("centre-manche", "population")]
    assert float(population["valeur"]) == 146623
    assert population["unite"] == "habitants"
    assert population["millesime"] == "RP 2022"
    assert "géographie au 01/01/2026" in population["source"]
    assert 0 < float(by_key[("reg-28", "part_60_ans_plus")]["valeur"]) < 100
    # The demonstration's ESS figures are marked; INSEE's are not.
    assert population["synthetique"] == "non"
    assert by_key[("centre-manche", "part_ess_effectif_salarie_estime")]["synthetique"] == "oui"
