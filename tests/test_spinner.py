"""Tests for the spinner simulator in bench/spinner.py (the benchmark's source of spun text)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from spinner import (
    DEFAULT_AIKSAURUS,
    Spinner,
    ThesaurusMissingError,
    base_forms,
    inflect,
    match_case,
    read_aiksaurus,
)

HAVE_THESAURUS = (DEFAULT_AIKSAURUS / "words.dat").is_file() and (DEFAULT_AIKSAURUS / "meanings.dat").is_file()
needs_thesaurus = pytest.mark.skipif(
    not HAVE_THESAURUS,
    reason=f"Moby thesaurus not in {DEFAULT_AIKSAURUS}: apt-get install libaiksaurus-1.2-data",
)

TEXT = (
    "The company reported strong growth in the third quarter, and analysts expect the market to "
    "remain stable. Microsoft and Google announced 3 new products on Friday in London. "
    "Researchers found that the new method improves accuracy quickly while reducing costs. "
    "The government said the proposed changes would help small businesses across the country, "
    "although several critics warned that the plan was poorly designed and badly timed. "
) * 3


@pytest.fixture(scope="module")
def spinner() -> Spinner:
    return Spinner.from_aiksaurus()


def test_missing_thesaurus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ThesaurusMissingError, match=re.escape("apt-get install libaiksaurus-1.2-data")):
        read_aiksaurus(tmp_path)


def test_case_and_inflection_helpers() -> None:
    assert match_case("Fast", "quick") == "Quick"
    assert match_case("fast", "quick") == "quick"
    assert match_case("NASA", "quick") == "QUICK"
    assert inflect("race", "ing") == "racing"
    assert inflect("study", "s") == "studies"
    assert inflect("box", "s") == "boxes"
    assert inflect("try", "ed") == "tried"
    assert inflect("quick", "ly") == "quickly"
    assert "study" in base_forms("studies", "s")
    assert "race" in base_forms("racing", "ing")


def test_synonyms_from_a_tiny_table() -> None:
    sp = Spinner({"quick": ("fast", "rapid"), "car": ("auto", "motor vehicle")})
    assert set(sp.synonyms("quick")) == {"fast", "rapid"}
    assert set(sp.synonyms("cars")) == {"autos"}  # multiword synonyms are not inflected
    spun = sp.spin("A quick car.", rate=1.0, seed=0)
    assert spun.eligible == 2
    assert len(spun.substitutions) == 2
    for s in spun.substitutions:
        assert spun.text[s.start : s.end] == s.replacement


@needs_thesaurus
def test_parser_on_known_words() -> None:
    words, word_meanings, meaning_words = read_aiksaurus()
    index = {w: i for i, w in enumerate(words)}
    assert len(words) > 20000
    assert words[0] == "a cappella"

    def syns(word: str) -> set[str]:
        wid = index[word]
        return {words[o] for m in word_meanings[wid] for o in meaning_words[m]}

    assert {"discontinue", "give up", "drop"} <= syns("abandon")
    assert {"large", "great", "important"} <= syns("big")
    assert {"hasty", "rapid", "speedy"} <= syns("fast")


@needs_thesaurus
def test_deterministic(spinner: Spinner) -> None:
    a = spinner.spin(TEXT, rate=0.3, seed=7)
    b = spinner.spin(TEXT, rate=0.3, seed=7)
    c = spinner.spin(TEXT, rate=0.3, seed=8)
    assert a == b
    assert a.text != c.text


@needs_thesaurus
def test_offsets_point_at_replacements(spinner: Spinner) -> None:
    for seed in range(5):
        spun = spinner.spin(TEXT, rate=0.5, seed=seed)
        assert spun.substitutions
        last_end = -1
        for s in spun.substitutions:
            assert spun.text[s.start : s.end] == s.replacement
            assert s.start >= last_end
            last_end = s.end
        assert Spinner.unspin(spun) == TEXT


@needs_thesaurus
@pytest.mark.parametrize("rate", [0.0, 0.1, 0.3, 0.5, 1.0])
def test_rate_respected(spinner: Spinner, rate: float) -> None:
    spun = spinner.spin(TEXT, rate=rate, seed=1)
    assert spun.eligible > 40
    assert len(spun.substitutions) == round(rate * spun.eligible)
    if rate == 0.0:
        assert spun.text == TEXT


@needs_thesaurus
def test_names_numbers_and_stopwords_untouched(spinner: Spinner) -> None:
    spun = spinner.spin(TEXT, rate=1.0, seed=3)
    for s in spun.substitutions:
        assert s.original.isalpha() and s.original.islower()
        assert s.original not in {"the", "and", "that", "would", "was", "third"}
    for kept in ("Microsoft", "Google", "London", "Friday", " 3 "):
        assert spun.text.count(kept) == TEXT.count(kept)
    words_orig = re.findall(r"\b[A-Z]\w*", TEXT)
    words_spun = re.findall(r"\b[A-Z]\w*", spun.text)
    assert words_orig == words_spun  # capitalised words (names, sentence starts) never change


@needs_thesaurus
def test_sentence_initial_option_keeps_capital(spinner: Spinner) -> None:
    sp = Spinner.from_aiksaurus(sentence_initial=True)
    spun = sp.spin("Researchers found problems. Growth was fast.", rate=1.0, seed=0)
    originals = {s.original for s in spun.substitutions}
    assert "Researchers" in originals or "Growth" in originals
    for s in spun.substitutions:
        assert s.replacement[0].isupper() == s.original[0].isupper()
