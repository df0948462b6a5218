"""The tidy contract's rules, on hand-written rows: same keys everywhere, rounding, marker."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ressol_analysis.contract import (
    TIDY_COLUMNS,
    conform,
    is_synthetic,
    key_is_synthetic,
    round_values,
    row_is_synthetic,
    tidy,
)


def row(area, name, key, value, unit="%", source="Insee", vintage="2022", synthetic="non"):
    return dict(
        territoire_code=area,
        territoire=name,
        indicateur=key,
        valeur=value,
        unite=unit,
        source=source,
        millesime=vintage,
        synthetique=synthetic,
    )


def test_every_area_gets_every_key_with_an_empty_value_where_it_is_missing():
    table = pd.DataFrame(
        [
            row("t", "Terre", "population", 146623.0, "habitants", "RP", "RP 2022"),
            row("t", "Terre", "part_ess", 12.5, source="Sirene", synthetic="oui"),
            row("d", "Dép.", "population", 500000.0, "habitants", "RP", "RP 2022"),
            row("d", "Dép.", "part_moins_20_ans", 21.4, source="Estimations", vintage="2021"),
            row("d", "Dép.", "part_ess", 11.0, source="Sirene", synthetic="oui"),
        ]
    )
    result = conform(table)
    assert list(result.columns) == TIDY_COLUMNS
    # Areas keep their order; keys follow their first appearance; 2 areas × 3 keys.
    assert result[["territoire_code", "indicateur"]].values.tolist() == [
        ["t", "population"],
        ["t", "part_ess"],
        ["t", "part_moins_20_ans"],
        ["d", "population"],
        ["d", "part_ess"],
        ["d", "part_moins_20_ans"],
    ]
    added = result.iloc[2]
    assert math.isnan(added["valeur"])
    assert added[["territoire", "unite", "source", "millesime", "synthetique"]].tolist() == [
        "Terre",
        "%",
        "Estimations",
        "2021",
        "non",
    ]
    assert result["synthetique"].tolist() == ["non", "oui", "non", "non", "oui", "non"]
    assert result["valeur"].tolist()[3:] == [500000.0, 11.0, 21.4]


def test_values_are_rounded_to_four_decimals_without_float_noise():
    values = pd.Series([75085.00000000003, 12.345678, 0.0494604127, -0.00001, None, 3.0])
    rounded = round_values(values)
    assert rounded.tolist()[:4] == [75085.0, 12.3457, 0.0495, 0.0]
    assert math.isnan(rounded.iloc[4]) and rounded.iloc[5] == 3.0
    assert str(rounded.iloc[3]) == "0.0"  # never "-0.0" in the CSV
    table = pd.DataFrame([row("t", "Terre", "emplois", 58890.66815049782, "emplois")])
    assert conform(table)["valeur"].tolist() == [58890.6682]
    assert conform(table).to_csv(index=False).splitlines()[1].split(",")[3] == "58890.6682"


def test_marker_column_decides_and_old_tables_are_read_from_their_source():
    table = pd.DataFrame(
        [
            row("t", "Terre", "a", 1.0, source="Insee, base Sirene", synthetic="non"),
            row("t", "Terre", "b", 1.0, source="Insee", synthetic="oui"),
        ]
    )
    assert is_synthetic(table).tolist() == [False, True]
    assert not key_is_synthetic(table, "a") and key_is_synthetic(table, "b")
    assert [row_is_synthetic(r) for _, r in table.iterrows()] == [False, True]
    old = table.drop(columns="synthetique").assign(
        source=["Données synthétiques de démonstration au format Sirene", "Insee, RP 2022"]
    )
    assert is_synthetic(old).tolist() == [True, False]
    assert row_is_synthetic(old.iloc[0]) and not row_is_synthetic(old.iloc[1])


@pytest.mark.parametrize("synthetic, flag", [(True, "oui"), (False, "non")])
def test_tidy_writes_the_marker(synthetic, flag):
    wide = pd.DataFrame({"territoire_code": ["t"], "population": [10.0]})
    rows = tidy(wide, {"t": "Terre"}, {"population": "habitants"}, "Insee", "RP 2022", synthetic)
    assert rows.iloc[0].tolist() == ["t", "Terre", "population", 10.0, "habitants", "Insee"] + [
        "RP 2022",
        flag,
    ]
