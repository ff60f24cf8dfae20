"""The detector's passes one by one (``Detector.passes``), and the one rule that merges them
(``arbitrate``), with the real lexicon."""

import pytest

from unspin import Lexicon
from unspin.core.detect import Detector, Proposal, arbitrate, covered_tokens, is_flagged
from unspin.core.results import Evidence, Finding
from unspin.text import tokenize

FLAG = 0.5  # DetectorParams.min_confidence


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def _run(det: Detector, text: str) -> dict[str, list[tuple[str, str | None, bool]]]:
    """Each pass's proposals on ``text`` as (word, suggestion, revises), merging as ``analyse`` does."""
    ctx, _listed = det.listed(text, tokenize(text))
    decided: dict[int, Proposal] = {}
    out: dict[str, list[tuple[str, str | None, bool]]] = {}
    for name, judge in det.passes():
        props = judge(ctx, decided)
        assert all(ctx.judged(p.index) and p.index not in ctx.covered for p in props)
        out[name] = [(ctx.tokens[p.index].surface, p.suggestion, p.revises) for p in props]
        decided = arbitrate(decided, props, min_confidence=det.p.min_confidence)
    return out


def test_a_flagged_decision_stands_unless_revised_an_unflagged_one_is_replaced() -> None:
    weak = Proposal(0, "a", -1.0, Evidence.CONTEXT_FIT)
    strong = Proposal(0, "b", 1.0, Evidence.RARE_SYNONYM)
    later = Proposal(0, "c", 3.0, Evidence.ODD_PAIR)
    assert not is_flagged(weak, min_confidence=FLAG) and is_flagged(strong, min_confidence=FLAG)
    assert not is_flagged(Proposal(0, None, 9.0, Evidence.ODD_PAIR), min_confidence=FLAG)  # nothing to suggest
    assert arbitrate({}, [weak, strong], min_confidence=FLAG) == {0: strong}
    assert arbitrate({0: strong}, [later], min_confidence=FLAG) == {0: strong}
    revised = Proposal(0, "d", 1.0, Evidence.RARE_SYNONYM, revises=True)
    before = {0: strong}
    assert arbitrate(before, [revised], min_confidence=FLAG) == {0: revised}
    assert before == {0: strong}  # a new mapping: the decisions passed in are not changed


def test_covered_tokens_are_those_inside_a_finding() -> None:
    text = "We use preparation information here."
    toks = tokenize(text)
    s = text.index("preparation")
    f = Finding(s, s + len("preparation information"), "preparation information", "training data", 0.97)
    assert [toks[k].surface for k in sorted(covered_tokens(toks, [f]))] == ["preparation", "information"]


def test_context_fit_proposes_the_term_its_neighbours_form(lexicon) -> None:
    got = _run(Detector(lexicon), "The model was fitted on preparation information from three hospitals.")
    assert got["context-fit"] == [("preparation", "training", False), ("information", "data", False)]
    assert all(not props for name, props in got.items() if name != "context-fit")


def test_rare_synonym_and_odd_word_propose_the_common_word(lexicon) -> None:
    got = _run(Detector(lexicon), "The minister was flabbergasted by the vociferous assemblage outside the edifice.")
    assert got["rare-synonym"] == [("assemblage", "collection", False)]
    assert got["odd-word"] == [("vociferous", "noisy", False)]


def test_odd_pair_flags_both_words_and_rerank_only_rewords(lexicon) -> None:
    det = Detector(lexicon)
    assert _run(det, "Researchers applied transfer mastering to the photographs.")["odd-pair"] == [
        ("transfer", "transfer", False), ("mastering", "mastering", False)]
    got = _run(det, "We trained an irregular timberland classifier with counterfeit consciousness.")
    assert got["odd-word"] == [("counterfeit", "bad", False)]
    assert got["rerank"] == [("counterfeit", "false", True)]


def test_learned_chain_extends_a_flagged_word_to_its_neighbours_learned_swap(lexicon) -> None:
    lex = lexicon.with_known([('"automated flight"', "unmanned flight"),
                              ('"ethereal photography"', "aerial photography")])
    got = _run(Detector(lex), "We flew an automated ethereal vehicle over the hills.")
    assert ("automated", "unmanned", False) in got["learned-chain"]


def test_listed_findings_cover_their_tokens_for_every_pass(lexicon) -> None:
    lex = lexicon.with_known([('"preparation information"', "training data")])
    det = Detector(lex)
    text = "They fitted the preparation information."
    ctx, listed = det.listed(text, tokenize(text))
    assert [(f.text, f.suggestion) for f in listed] == [("preparation information", "training data")]
    assert {ctx.tokens[k].surface for k in ctx.covered} == {"preparation", "information"}
    assert all(not props for props in _run(det, text).values())
    assert [f.evidence for f in det.analyse(text, tokenize(text)).findings] == [(Evidence.KNOWN_PHRASE,)]
