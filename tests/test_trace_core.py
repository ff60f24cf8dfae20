"""The pure tracing core: fingerprints, alignment, relation, restoration from the source."""

import numpy as np

from unspin.core.align import align, restore_from_source
from unspin.core.fingerprint import FingerprintParams, MinHasher, estimate_jaccard, skeleton
from unspin.core.text import tokenize
from unspin.core.trace import trace_text

SOURCE = (
    "The Bank of England raised interest rates to 4.75% on Thursday, the fifth rise in a year. "
    "Governor Mervyn King said the decision was taken to keep inflation close to its target. "
    "Analysts at Barclays had expected the move, which was backed by seven of the nine members. "
    "House prices in London fell by 2% in the three months to June, official figures showed."
)
SPUN = (
    "The Bank of England hiked loan costs to 4.75% on Thursday, the fifth increase in a year. "
    "Governor Mervyn King stated the choice was made to keep expansion near to its objective. "
    "Experts at Barclays had anticipated the step, which was supported by seven of the nine individuals. "
    "Home costs in London dropped by 2% in the three months to June, authority figures showed."
)
SAME_STORY = (
    "Mortgage holders face higher bills after Mervyn King's Bank of England pushed the base rate up "
    "to 4.75%. Seven members of the committee voted for the rise on Thursday while two wanted no change. "
    "Barclays economists said a further increase before June was unlikely."
)


def test_skeleton_keeps_function_words_names_and_numbers():
    words = [w for _s, w in skeleton(tokenize("Governor Mervyn King said the rate rose to 4.75% in June."))]
    assert words == ["mervyn", "king", "the", "to", "4", "75", "in", "june"]


def test_spinning_keeps_the_fingerprint_and_unrelated_texts_differ():
    hasher = MinHasher(FingerprintParams())
    a, b = hasher.fingerprint(tokenize(SOURCE)), hasher.fingerprint(tokenize(SPUN))
    c = hasher.fingerprint(tokenize(SAME_STORY))
    assert estimate_jaccard(a.signature, b.signature) > 0.6
    assert set(a.band_keys) & set(b.band_keys)
    assert estimate_jaccard(a.signature, c.signature) < 0.2
    assert a.signature.dtype == np.uint32 and len(a.band_keys) == 32 and len(a.fact_keys) == 8


def test_fingerprint_is_deterministic_across_hashers():
    p = FingerprintParams()
    assert MinHasher(p).fingerprint(tokenize(SOURCE)).all_keys == MinHasher(p).fingerprint(tokenize(SOURCE)).all_keys


def test_alignment_finds_substitutions_with_offsets_in_both_texts():
    rep = align(SPUN, tokenize(SPUN), SOURCE, tokenize(SOURCE))
    assert rep.coverage == 1.0 and len(rep.alignments) == 4
    pairs = {(s.text, s.source_text) for s in rep.substitutions}
    assert ("hiked loan costs", "raised interest rates") in pairs
    for s in rep.substitutions:
        assert SPUN[s.input_start : s.input_end] == s.text
        assert SOURCE[s.source_start : s.source_end] == s.source_text
    assert restore_from_source(SPUN, rep.substitutions) == SOURCE


def test_trace_tells_a_copy_from_the_same_story():
    res = trace_text(SPUN, [("same", SAME_STORY), ("src", SOURCE)], id="q")
    assert res.id == "q"
    assert res.matches[0].source_id == "src"
    assert res.matches[0].relation == "derived" and res.matches[0].restored == SOURCE
    other = trace_text(SAME_STORY, [("src", SOURCE)])
    assert all(m.relation != "derived" for m in other.matches)


def test_unrelated_text_gives_no_match():
    res = trace_text("Cats sleep for most of the day and hunt at night.", [("src", SOURCE)])
    assert res.matches == ()


def test_a_swap_for_a_phrase_containing_the_word_is_restored():
    src = "The beauty of the old town drew crowds of visitors to the market on Sunday."
    spun = "The beauty queen of the old town drew crowds of visitors to the market on Sunday."
    rep = align(spun, tokenize(spun), src, tokenize(src))
    assert [(s.text, s.source_text) for s in rep.substitutions] == [("beauty queen", "beauty")]
    assert restore_from_source(spun, rep.substitutions) == src


def test_fast_fingerprint_equals_the_token_path():
    hasher = MinHasher(FingerprintParams())
    texts = [SOURCE, SPUN, SAME_STORY, "", "   ",
             "ÉCOLE fermée. L’État a dit «non» le 3 mai.\n\nNew para: IBM’s 2.5% rise.",
             'He said "Stop." Then Mr. Smith left at 5 p.m. (see U.S. data) and "Quoted."  Next.']
    for text in texts:
        assert hasher.fingerprint_text(text).all_keys == hasher.fingerprint(tokenize(text)).all_keys, text
