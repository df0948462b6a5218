"""Check that a generated French sentence states its facts, not that it is word for word.

A finding is tested by the hand-computed numbers it must give and the words that say what they
are (``"1 234 établissements employeurs"``, ``"10,0 points de plus"``), in reading order: a
rewording of the sentence passes, a wrong, missing or misplaced figure fails.
"""

from __future__ import annotations

NBSP = "\u00a0"


def assert_states(sentence: str, *facts: str) -> None:
    """Assert that ``sentence`` contains every fact, in this order (no-break spaces as spaces)."""
    text = sentence.replace(NBSP, " ")
    position = 0
    for fact in facts:
        found = text.find(fact, position)
        assert found >= 0, f"« {fact} » manque (ou n'est pas à sa place) dans : {text}"
        position = found + len(fact)
