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


# ------------------------------------------------------------------ the simulator registry

from spinner import DEFAULT_MYTHES, SIMULATORS, SpanSpinner, make_simulator, read_mythes  # noqa: E402

HAVE_MYTHES = DEFAULT_MYTHES.is_file()
NEWS = (
    "The company said on Monday that it currently has more than 300 staff because of a lot of new "
    "orders. Prime Minister Tony Blair met officials in Downing Street and the Standard Oil board. "
    "The bill was paid and the laws were passed, although critics warned that prices rose quickly. "
    "House prices in the United Kingdom fell as well as rents, according to the Bank of England. "
) * 4


def _needs(name: str) -> None:
    if name.startswith("moby") and not HAVE_THESAURUS:
        pytest.skip(f"Moby thesaurus not in {DEFAULT_AIKSAURUS}: apt-get install libaiksaurus-1.2-data")
    if not name.startswith("moby") and not HAVE_MYTHES:
        pytest.skip(f"MyThes not at {DEFAULT_MYTHES}: apt-get install mythes-en-us")


_built: dict[str, object] = {}


def _sim(name: str):
    _needs(name)
    if name not in _built:
        _built[name] = make_simulator(name)
    return _built[name]


def test_registry_names() -> None:
    assert {"moby-rare", "moby-common", "fluent-mythes", "phrases", "names"} <= set(SIMULATORS)
    with pytest.raises(ValueError):
        make_simulator("nope")


@pytest.mark.parametrize("name", sorted(SIMULATORS))
def test_simulator_offsets_determinism_and_rate(name: str) -> None:
    sim = _sim(name)
    a = sim.spin(NEWS, rate=0.15, seed=7)
    b = sim.spin(NEWS, rate=0.15, seed=7)
    assert a == b
    assert sim.spin(NEWS, rate=0.15, seed=8) != a
    assert a.substitutions
    for s in a.substitutions:
        assert a.text[s.start : s.end] == s.replacement
        assert s.original.lower() != s.replacement.lower()
    starts = [s.start for s in a.substitutions]
    assert starts == sorted(starts)
    assert all(x.end <= y.start for x, y in zip(a.substitutions, a.substitutions[1:], strict=False))
    assert sim.unspin(a) == NEWS
    assert len(a.substitutions) == round(0.15 * a.eligible)
    hi = sim.spin(NEWS, rate=0.5, seed=7)
    assert len(hi.substitutions) > len(a.substitutions)
    assert sim.spin(NEWS, rate=0.0, seed=7).text == NEWS


@pytest.mark.skipif(not HAVE_MYTHES, reason="apt-get install mythes-en-us")
def test_mythes_reader_and_fluent_picks_are_common() -> None:
    from wordfreq import zipf_frequency

    th = read_mythes()
    assert "invoice" in th["bill"]
    sim = _sim("fluent-mythes")
    st = sim.spin(NEWS, rate=0.5, seed=3)
    for s in st.substitutions:
        assert all(zipf_frequency(w, "en") >= 4.0 for w in s.replacement.lower().split()), s


@pytest.mark.skipif(not HAVE_MYTHES, reason="apt-get install mythes-en-us")
def test_phrase_spinner_swaps_multiword_phrases() -> None:
    st = _sim("phrases").spin(NEWS, rate=0.15, seed=1)
    assert any(" " in s.original or " " in s.replacement for s in st.substitutions)


@pytest.mark.skipif(not HAVE_MYTHES, reason="apt-get install mythes-en-us")
def test_name_spinner_swaps_inside_names() -> None:
    st = _sim("names").spin(NEWS, rate=0.15, seed=1)
    assert any(
        s.original[:1].isupper()
        and s.original in ("Street", "Standard", "Oil", "House", "Bank", "Prime", "Minister", "Kingdom", "United")
        for s in st.substitutions
    )


def test_span_spinner_table_only() -> None:
    sp = SpanSpinner(phrases={"because of": ("due to",)})
    st = sp.spin("It fell because of rain. Because of snow it fell.", rate=1.0, seed=0)
    assert st.text == "It fell due to rain. Due to snow it fell."
    assert [(s.original, s.replacement) for s in st.substitutions] == [
        ("because of", "due to"),
        ("Because of", "Due to"),
    ]
    assert st.text[st.substitutions[1].start : st.substitutions[1].end] == "Due to"


def test_bench_judge_substitutions_and_worst_row() -> None:
    import bench_check as bc
    from spinner import Substitution

    subs = [Substitution(0, 5, "said", "voice"), Substitution(10, 20, "because of", "on account")]
    spans = [bc.Span(0, 5, "Said"), bc.Span(12, 14, "due"), bc.Span(30, 33, "x")]
    assert bc.judge_substitutions(subs, spans) == (2, 1, 3, 1)
    fig = dict.fromkeys(bc.SIM_FIGURES, 0.5)
    res = {"simulators": {"a": {"rates": {"0.08": fig}}, "b": {"rates": {"0.08": {**fig, "auc": 0.4}}}}}
    assert bc.worst_row(res)["0.08"]["auc"] == (0.4, "b")
