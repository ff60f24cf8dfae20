"""The heavy rewrite of bench/rewrite.py (issue 15's third strength of partial copies)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from rewrite import heavy_rewrite, merge_short, split_joints, turn_clauses
from spinner import Spinner

SENTENCES = [
    "The company said that its profits rose by 12% in the year to March.",
    '"We are very pleased with the results," said chief executive Anna Berg.',
    "Shares in the firm climbed 3% in London on Monday.",
    "Sales grew strongly in Asia, but demand in Europe remained weak for most of the year.",
    "Analysts expect further growth.",
    "The board will meet again in June.",
]
# A small real table: the rewrite's word swaps come from any spinner with ``spin``.
TABLE = {"profits": ("earnings",), "rose": ("increased",), "results": ("outcome",), "climbed": ("went up",),
         "demand": ("appetite",), "weak": ("feeble",), "growth": ("expansion",), "meet": ("convene",),
         "strongly": ("robustly",), "pleased": ("happy",), "firm": ("business",)}


def test_clause_rules() -> None:
    assert turn_clauses(SENTENCES[0]) == "Its profits rose by 12% in the year to March, the company said."
    assert turn_clauses(SENTENCES[1]) == 'Chief executive Anna Berg said: "We are very pleased with the results."'
    assert turn_clauses("Analysts expect further growth.") == "Analysts expect further growth."
    assert split_joints(SENTENCES[3]) == ["Sales grew strongly in Asia.",
                                          "Demand in Europe remained weak for most of the year."]


def test_merge_keeps_every_sentence_and_capital_names() -> None:
    import random

    merged = merge_short(["Analysts expect further growth.", "The board will meet again in June."],
                         random.Random(1))
    joined = " ".join(merged)
    assert "Analysts expect further growth" in joined and "board will meet again in June." in joined


def test_heavy_rewrite_is_seeded_keeps_the_facts_and_changes_the_words() -> None:
    spinner = Spinner(TABLE)
    a = heavy_rewrite(SENTENCES, spinner=spinner, seed=5, rate=0.6)
    assert a == heavy_rewrite(SENTENCES, spinner=spinner, seed=5, rate=0.6)
    assert a != heavy_rewrite(SENTENCES, spinner=spinner, seed=6, rate=0.6)
    for number in ("12%", "3%"):
        assert number in " ".join(a)
    assert {"Anna", "Berg", "London", "Monday", "Asia", "Europe", "June", "March"} <= {
        w.strip('.,:"') for w in " ".join(a).split()}
    original = set(" ".join(SENTENCES).lower().split())
    rewritten = " ".join(a).lower().split()
    assert sum(w not in original for w in rewritten) >= 4  # words swapped
    assert a != SENTENCES
