from datetime import date

import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.geography import build_passage, move_codes


def movements(rows):
    columns = ["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"]
    return pd.DataFrame(rows, columns=columns, dtype="string")


# A commune nouvelle 50001 from 50001 + 50002 in 2016, itself merged into 50003 in 2019;
# 50010 split in 2020 into 50010 and 50011 (rétablissement).
MOVES = movements(
    [
        ("32", "2016-01-01", "COM", "50001", "COMD", "50001"),
        ("32", "2016-01-01", "COM", "50001", "COM", "50001"),
        ("32", "2016-01-01", "COM", "50002", "COMD", "50002"),
        ("32", "2016-01-01", "COM", "50002", "COM", "50001"),
        ("32", "2019-01-01", "COM", "50001", "COM", "50003"),
        ("32", "2019-01-01", "COM", "50003", "COM", "50003"),
        ("21", "2020-01-01", "COM", "50010", "COM", "50010"),
        ("21", "2020-01-01", "COM", "50010", "COM", "50011"),
    ]
)
CURRENT = pd.Index(["50003", "50010", "50011", "50020"], dtype="string")


def test_passage_follows_chains_and_records_splits():
    passage = build_passage(MOVES, date(2015, 1, 1))
    expected = pd.DataFrame(
        {
            "code_ancien": ["50001", "50002", "50010", "50010"],
            "code_actuel": ["50003", "50003", "50010", "50011"],
        },
        dtype="string",
    )
    pd.testing.assert_frame_equal(passage, expected)


def test_passage_ignores_movements_already_in_the_data():
    passage = build_passage(MOVES, date(2016, 1, 1))
    # 2016 merger already applied: only 50001 → 50003 (2019) and the 2020 split remain.
    assert passage["code_ancien"].tolist() == ["50001", "50010", "50010"]
    assert passage["code_actuel"].tolist() == ["50003", "50010", "50011"]


def test_move_codes_merges_and_keeps_unchanged_codes():
    passage = build_passage(MOVES, date(2015, 1, 1))
    codes = pd.Series(["50001", "50002", "50020"], dtype="string")
    moved = move_codes(codes, passage, CURRENT, what="test.csv")
    assert moved.tolist() == ["50003", "50003", "50020"]


def test_split_is_refused_by_default_and_kept_on_request():
    passage = build_passage(MOVES, date(2015, 1, 1))
    codes = pd.Series(["50010"], dtype="string")
    with pytest.raises(RessolError, match=r"test\.csv.*scindée.*50010 → 50010, 50011"):
        move_codes(codes, passage, CURRENT, what="test.csv")
    assert move_codes(codes, passage, CURRENT, what="t", split_rule="keep_code").tolist() == [
        "50010"
    ]


def test_unknown_codes_are_listed():
    passage = build_passage(MOVES, date(2015, 1, 1))
    codes = pd.Series(["50003", "99999", "5003"], dtype="string")
    with pytest.raises(RessolError, match=r"dans\.csv.*inconnu.*5003, 99999"):
        move_codes(codes, passage, CURRENT, what="dans.csv")


def test_missing_code_stays_missing_and_current_may_repeat_codes():
    # A missing code is not « unknown »: it stays missing, in place; the current codes may be
    # given with repeats (a commune column of a table) and as a plain list.
    passage = build_passage(MOVES, date(2015, 1, 1))
    codes = pd.Series(["50002", None, "50020", "50002"], index=[7, 3, 5, 1], dtype="string")
    for current in (CURRENT.append(CURRENT), list(CURRENT)):
        moved = move_codes(codes, passage, current, what="t")
        assert moved.index.tolist() == [7, 3, 5, 1]
        assert moved.tolist() == ["50003", pd.NA, "50020", "50003"]


def test_keep_current_leaves_current_codes_alone():
    # 50010 is current *and* an old split code: typed by a user, it means today's commune.
    passage = build_passage(MOVES, date(1943, 1, 1))
    codes = pd.Series(["50010", "50002"], dtype="string")
    moved = move_codes(codes, passage, CURRENT, what="t", keep_current=True)
    assert moved.tolist() == ["50010", "50003"]


def test_restoration_carves_out_only_the_restored_commune():
    # 1973: 50067 and 50317 associated into 50531; 1985: 50317 restored (real Manche history).
    moves = movements(
        [
            ("33", "1973-01-01", "COM", "50067", "COM", "50531"),
            ("33", "1973-01-01", "COM", "50317", "COM", "50531"),
            ("33", "1973-01-01", "COM", "50531", "COM", "50531"),
            ("21", "1985-01-01", "COM", "50531", "COM", "50317"),
            ("21", "1985-01-01", "COM", "50531", "COM", "50531"),
        ]
    )
    passage = build_passage(moves, date(1943, 1, 1))
    pairs = sorted(zip(passage["code_ancien"], passage["code_actuel"], strict=True))
    # 50067 stays with 50531; 50317 is itself again; 50531 (1973-1985 borders) is ambiguous.
    assert pairs == [("50067", "50531"), ("50531", "50317"), ("50531", "50531")]


def test_register_passage_moves_arrondissements_to_their_commune():
    from ressol_analysis.geography import last_update_passage

    arrondissements = pd.DataFrame(
        {"ARM": ["75101", "69381", "13201"], "COMPARENT": ["75056", "69123", "13055"]}
    )
    current = ["50003", "50010", "50011", "50020", "75056", "69123", "13055"]
    passage = last_update_passage(MOVES, current, arrondissements)
    mapping = passage.groupby("code_ancien")["code_actuel"].agg(list).to_dict()
    assert mapping["75101"] == ["75056"]
    assert mapping["69381"] == ["69123"]
    assert mapping["13201"] == ["13055"]
    assert mapping["50002"] == ["50003"]
    codes = pd.Series(["75101", "13201", "50002", "50020"], dtype="string")
    assert move_codes(codes, passage, None, what="t", split_rule="keep_code").tolist() == [
        "75056",
        "13055",
        "50003",
        "50020",
    ]


def test_cog_lists_the_45_arrondissements_of_paris_lyon_marseille():
    from pathlib import Path

    from ressol_analysis.sources.cog import read_arrondissements

    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / "cog_dgcl_communes.csv"
    arm = read_arrondissements(raw)
    assert arm.groupby("COMPARENT").size().to_dict() == {"13055": 16, "69123": 9, "75056": 20}
    assert arm.set_index("ARM").loc["75120", "COMPARENT"] == "75056"
    assert arm.set_index("ARM").loc["69389", "COMPARENT"] == "69123"
