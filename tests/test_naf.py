"""NAF rév. 2 reference table, read from INSEE's files in data/raw."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.sources.naf import naf_levels, normalise_ape, read_naf, read_naf_passage

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


@pytest.fixture(scope="module")
def naf() -> pd.DataFrame:
    return read_naf(RAW)


def test_every_sous_classe_has_every_level(naf):
    # INSEE: 732 sous-classes, 88 divisions, 38 A38 posts, 21 sections, 17 A17, 10 A10.
    assert len(naf) == 732
    assert naf["sous_classe"].is_unique
    assert naf.isna().sum().sum() == 0
    counts = {level: naf[level].nunique() for level in ("A88", "A38", "A21", "A17", "A10")}
    assert counts == {"A88": 88, "A38": 38, "A21": 21, "A17": 17, "A10": 10}


def test_known_codes_with_and_without_dot(naf):
    codes = pd.Series(
        ["88.10A", "8810A", "10.51A", "01.61z", " 4621Z "], index=[10, 11, 12, 13, 14]
    )
    levels = naf_levels(codes, naf, "test")
    expected = pd.DataFrame(
        {
            "sous_classe": ["88.10A", "88.10A", "10.51A", "01.61Z", "46.21Z"],
            "A88": ["88", "88", "10", "01", "46"],
            "A38": ["QB", "QB", "CA", "AZ", "GZ"],
            "A21": ["Q", "Q", "C", "A", "G"],
            # A17 from INSEE's int_eng_na_2008_a17.csv: 84-88 → OQ, 10-12 → C1.
            "A17": ["OQ", "OQ", "C1", "AZ", "GZ"],
            "A10": ["OQ", "OQ", "BE", "AZ", "GI"],
        },
        index=[10, 11, 12, 13, 14],
    ).astype("string")
    pdt.assert_frame_equal(levels[expected.columns], expected)
    assert (
        levels.loc[12, "libelle_sous_classe"] == "Fabrication de lait liquide et de produits frais"
    )
    assert levels.loc[10, "libelle_A38"].startswith("Hébergement médico-social")


def test_a17_groups_of_manufacturing(naf):
    # C3 = divisions 26-28, C5 = 13-18, 20-25, 31-33 (INSEE's A17 table).
    by_division = naf.drop_duplicates("A88").set_index("A88")["A17"]
    assert by_division[["26", "27", "28"]].tolist() == ["C3", "C3", "C3"]
    assert by_division[["13", "20", "33"]].tolist() == ["C5", "C5", "C5"]
    assert by_division[["19", "35", "36"]].tolist() == ["C2", "DE", "DE"]


def test_normalise_keeps_unknown_shapes():
    result = normalise_ape(pd.Series(["8810A", "88.10A", "881", None]))
    expected = pd.Series(["88.10A", "88.10A", "881", None], dtype="string")
    pdt.assert_series_equal(result, expected)


def test_unknown_codes_are_listed(naf):
    codes = pd.Series(["88.10A", "12.34Z", "00.00Z", None])
    with pytest.raises(RessolError, match=r"3 code\(s\) APE.*\(vide\), 00\.00Z, 12\.34Z"):
        naf_levels(codes, naf, "stock.csv, colonne activitePrincipaleEtablissement")


def test_passage_without_level_line_is_refused(tmp_path):
    broken = tmp_path / "table_NAF2-NA.csv"
    broken.write_bytes("SOUS CLASSE;INTITULE\r\n01.11Z;Culture de céréales\r\n".encode("cp1252"))
    with pytest.raises(RessolError, match="table de passage NAF"):
        read_naf_passage(broken)


def test_utf8_copy_is_refused(tmp_path):
    copy = tmp_path / "table_NAF2-NA.csv"
    copy.write_bytes((RAW / "naf_table_NAF2-NA.csv").read_bytes().decode("cp1252").encode("utf-8"))
    with pytest.raises(RessolError, match="Windows-1252"):
        read_naf_passage(copy)
