import pytest

from unspin import Lexicon, check
from unspin.core.acronyms import acronym_mismatches, spells
from unspin.text import tokenize


@pytest.mark.parametrize(
    ("acronym", "long_form"),
    [
        ("IP", "Internet Protocol"),
        ("ANOVA", "analysis of variance"),
        ("IoT", "Internet of Things"),
        ("CVDs", "cardiovascular diseases"),
        ("WHO", "the World Health Organization"),
    ],
)
def test_spells_true_long_forms(acronym, long_form):
    assert spells(acronym, long_form)


@pytest.mark.parametrize(
    ("acronym", "long_form"),
    [("IP", "Web Protocol"), ("HIV", "Human Immunodeficiency Infection"), ("ML", "Machine Mastering"),
     ("SOC", "condition of charge")],
)
def test_spells_false_for_spun_long_forms(acronym, long_form):
    assert not spells(acronym, long_form)


def test_first_letter_must_start_a_word():
    assert not spells("XP", "expert panel")  # the x of "expert" does not start a word
    assert spells("EP", "expert panel")


def test_mismatches_locate_the_long_form():
    text = "Devices speak the Web Protocol (IP) and the Internet Protocol (IP)."
    tokens = tokenize(text)
    found = acronym_mismatches(text, tokens)
    assert len(found) == 1
    m = found[0]
    assert m.acronym == "IP"
    assert text[tokens[m.first].start : tokens[m.last].end] == "Web Protocol"


def test_acronyms_need_two_capitals_and_brackets():
    text = "See the results (Table) and the gain (dB) in the web protocol IP."
    assert acronym_mismatches(text, tokenize(text)) == []


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def test_check_flags_a_spun_long_form(lexicon):
    text = "All devices speak the Web Protocol (IP) to each other."
    r = check(text, lexicon=lexicon)
    hit = [f for f in r.findings if "acronym-mismatch" in f.evidence]
    assert [f.text for f in hit] == ["Web Protocol"]
    assert text[hit[0].start : hit[0].end] == "Web Protocol"
    assert hit[0].suggestion is None and "Web Protocol" in r.restored


def test_check_leaves_names_before_unrelated_acronyms(lexicon):
    for text in ("Andy Roddick (US) beat Tim Henman (UK) in the final.",
                 "All devices speak the Internet Protocol (IP) to each other."):
        assert not [f for f in check(text, lexicon=lexicon).findings if "acronym-mismatch" in f.evidence]


def test_partial_tells_a_swapped_term_from_a_code_after_a_name():
    text = "Devices use the Web Protocol (IP). Serena Williams (US) won. Counterfeit consciousness (AI) helps."
    found = {m.acronym: m.partial for m in acronym_mismatches(text, tokenize(text))}
    assert found == {"IP": True, "US": False, "AI": False}


def test_check_flags_fully_swapped_long_forms_of_ordinary_words_only(lexicon):
    flagged = [f.text for f in check("We build counterfeit consciousness (AI) tools. Serena Williams (US) won.",
                                     lexicon=lexicon).findings if "acronym-mismatch" in f.evidence]
    assert flagged == ["counterfeit consciousness"]


def test_the_acronym_picks_the_suggestion_among_candidates(lexicon):
    # Each word that no longer starts with its letter takes its best candidate that does.
    lex = lexicon.with_known([("mastering rate", "learning rate")])
    hit = [f for f in check("We study Machine Mastering (ML) here.", lexicon=lex).findings
           if "acronym-mismatch" in f.evidence]
    assert [(f.text, f.suggestion) for f in hit] == [("Machine Mastering", "Machine Learning")]
    # no candidate with the right letter: flagged, nothing suggested
    hit = [f for f in check("Support Vector Apparatus (SVM) works.", lexicon=lexicon).findings
           if "acronym-mismatch" in f.evidence]
    assert [(f.text, f.suggestion) for f in hit] == [("Support Vector Apparatus", None)]
