"""The figures do not move: Centre Manche's indicator CSV is byte-identical to the golden file.

``tests/golden/indicateurs_centre-manche.csv`` was written by ``ressol indicators --territory
centre-manche`` before the package was restructured (issue 13). A change of code that is meant
to leave the figures alone must leave this file alone; a change that is meant to move a figure
replaces the golden file in the same commit, and says why.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from support.cli import ressol

GOLDEN = Path(__file__).parent / "golden" / "indicateurs_centre-manche.csv"


def test_centre_manche_indicators_are_byte_identical_to_the_golden_file(built_project, tmp_path):
    out = tmp_path / "indicateurs.csv"
    result = ressol(
        built_project, "indicators", "--territory", "centre-manche", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
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
