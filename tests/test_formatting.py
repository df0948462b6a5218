"""French number formats: the rounding a board member sees in the text, tables and workbook."""

from __future__ import annotations

import math

import pytest

from ressol_analysis.formatting import NBSP, number, percent, signed_percent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # Band midpoints end in ,5: Excel's « # ##0 » (indicateurs.xlsx) shows 2 789, and so
        # must the report (Python's round gives 2 788, half to even).
        (2788.5, 0, f"2{NBSP}789"),
        (167.5, 0, "168"),
        (-2.5, 0, "−3"),
        # As written, not as stored in binary (8.95 is 8.94999… in a float).
        (8.95, 1, "9,0"),
        (0.125, 2, "0,13"),
        (58890.6682, 0, f"58{NBSP}891"),
        (1234567.25, 1, f"1{NBSP}234{NBSP}567,3"),
        # A small negative value that rounds to zero is « 0 », never « −0 ».
        (-0.4, 0, "0"),
        (-0.001, 2, "0,00"),
        (math.nan, 0, "n.d."),
        (None, 0, "n.d."),
    ],
)
def test_number_rounds_half_away_from_zero_on_the_written_value(value, decimals, expected):
    assert number(value, decimals) == expected


def test_percent_and_signed_percent_share_the_rule():
    assert percent(12.25) == f"12,3{NBSP}%"
    assert percent(12.35) == f"12,4{NBSP}%"
    assert signed_percent(0.125) == f"+0,13{NBSP}%"
    assert signed_percent(-0.2) == f"−0,20{NBSP}%"
