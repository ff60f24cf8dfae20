"""The pure tracing core: fingerprints, alignment, relation, restoration from the source."""

import json

import numpy as np
import pytest

from unspin.core.align import align, restore_from_source
from unspin.core.fingerprint import FingerprintParams, MinHasher, estimate_jaccard, profile_texts, skeleton_words
from unspin.core.trace import trace_text
from unspin.text import tokenize

from .texts import BOE_LONG as SOURCE
from .texts import BOE_LONG_SPUN as SPUN
from .texts import SAME_STORY


def test_skeleton_keeps_function_words_names_and_numbers():
    words = skeleton_words("Governor Mervyn King said the rate rose to 4.75% in June. Shares fell.")
    assert words == [["mervyn", "king", "the", "to", "4", "75", "in", "june"]]


def test_skeleton_sentences_skip_abbreviations_and_split_on_blank_lines():
    text = ('He said "Stop." Then Mr. Smith of the U.S. Army left at 5 p.m. and it ended.\n\n'
            "IBM’s shares rose and eBay didn't")
    assert skeleton_words(text) == [["he", "stop"],
                                    ["then", "mr", "smith", "of", "the", "u", "s", "army", "at", "5", "and", "it"],
                                    ["and", "ebay"]]


def test_spinning_keeps_the_fingerprint_and_unrelated_texts_differ():
    hasher = MinHasher(FingerprintParams())
    a, b, c = hasher.fingerprint_texts([SOURCE, SPUN, SAME_STORY])
    assert estimate_jaccard(a.signature, b.signature) > 0.6
    assert set(a.band_keys) & set(b.band_keys)
    assert estimate_jaccard(a.signature, c.signature) < 0.2
    assert a.signature.dtype == np.uint32 and len(a.band_keys) == 32 and len(a.fact_keys) == 8


def test_fingerprint_is_deterministic_across_hashers():
    p = FingerprintParams()
    assert MinHasher(p).fingerprint_text(SOURCE).all_keys == MinHasher(p).fingerprint_text(SOURCE).all_keys
    other = MinHasher(FingerprintParams(seed=2)).fingerprint_text(SOURCE).all_keys
    assert not set(other) & set(MinHasher(p).fingerprint_text(SOURCE).all_keys)


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


def test_a_texts_fingerprint_does_not_depend_on_its_batch():
    hasher = MinHasher(FingerprintParams())
    texts = [SOURCE, "", SPUN, "   ", SAME_STORY, "one",
             "ÉCOLE fermée. L’État a dit «non» le 3 mai.\n\nIBM’s 2.5% rise.",
             'He said "Stop." Then Mr. Smith left at 5 p.m. (see U.S. data) and "Quoted."  Next.']
    batch = hasher.fingerprint_texts(texts)
    for text, fp in zip(texts, batch, strict=True):
        alone = hasher.fingerprint_text(text)
        assert alone.all_keys == fp.all_keys and (alone.signature == fp.signature).all(), text
    assert batch[1].all_keys == () and batch[3].all_keys == () and batch[5].all_keys == ()
    profiles = profile_texts(texts)
    alone = [profile_texts([t])[0] for t in texts]
    assert all((p.shingles == q.shingles).all() and (p.facts == q.facts).all()
               for p, q in zip(profiles, alone, strict=True))


def test_typographic_and_plain_apostrophes_and_nfkc_forms_fingerprint_alike():
    hasher = MinHasher(FingerprintParams())
    a = hasher.fingerprint_text("The Bank’s governor said it isn’t over in the ﬁrst week of June, at 4.75% in London.")
    b = hasher.fingerprint_text("The Bank's governor said it isn't over in the first week of June, at 4.75% in London.")
    assert a.all_keys == b.all_keys


HOST = (
    "The village fete returned this summer after a two-year pause. Volunteers baked more than three hundred "
    "cakes for the stalls. A brass band from the next town played on the green all afternoon. Children raced "
    "wheelbarrows along the lane while their parents judged the vegetables. The organisers hope to hold it "
    "again next year if the weather allows. Money raised will pay for a new roof on the church hall. "
    "Several local shops donated prizes for the raffle. The vicar thanked everyone who had helped."
)


def _embed(host: str, passage: str) -> str:
    cut = host.index("Children")
    return host[:cut] + passage + " " + host[cut:]


def test_a_passage_copied_into_a_longer_text_is_derived_both_ways():
    """Two of the source's four sentences inside a text three times as long: the coverage of
    the copy is low, but the copied passage is evidence of copying on its own."""
    passage = SOURCE[: SOURCE.index("Analysts")].strip()
    copy = _embed(HOST, passage)
    res = trace_text(copy, [("src", SOURCE)])
    m = res.matches[0]
    assert m.relation == "derived" and m.coverage < 0.45
    assert m.stats["source_coverage"] >= 0.45  # half the source was taken
    unrelated = trace_text(HOST, [("src", SOURCE)])
    assert all(m.relation != "derived" for m in unrelated.matches)


def test_a_shared_quote_is_not_a_copied_passage():
    """Independent reports repeat quotes word for word: quoted sentences count toward neither
    copying rule."""
    quote = ('"We have taken this decision to keep inflation close to its target, and we will act again '
             'if we need to," the governor said. "Nobody should doubt our resolve on prices this year," '
             'he told reporters at the bank.')
    source = SOURCE + " " + quote
    report = _embed(HOST, quote)
    res = trace_text(report, [("src", source)])
    assert all(m.relation != "derived" for m in res.matches), res.matches
    copied = _embed(HOST, quote.replace('"', ""))  # the same words, not as a quote: a copied passage
    assert trace_text(copied, [("src", source.replace('"', ""))]).matches[0].relation == "derived"


TRICKY = ("Shares in eBay and iPhone maker Apple rose 4.75% on Monday. Mr. Smith met J. R. Jones in the U.S. "
          "Army base, e.g. at 5 p.m. on Friday! \"It went well.\" (Really.) 'Twas fine.\n\nNew paragraph: COVID-19 "
          "cases fell. No. 10 said so. The plan A. Then plan B? Yes.")


def _per_token(text: str) -> tuple[list[list[str]], set[str]]:
    from unspin.core.align import sentences
    from unspin.core.fingerprint import facts

    tokens = tokenize(text)
    return [list(s.skeleton) for s in sentences(tokens) if s.skeleton], facts(tokens)


def test_the_vectorised_skeleton_and_facts_equal_the_per_token_rules():
    """One definition of immutable, fact and sentence: the per-token rules (align, trace) are the
    specification; the fingerprint's vectorised copy must give the same words."""
    from unspin.core.fingerprint import fact_words

    skeleton, facts = _per_token(TRICKY)
    assert skeleton == skeleton_words(TRICKY)
    assert facts == fact_words(TRICKY)
    assert "ebay" in facts and "iphone" in facts  # a capital anywhere makes a name
    # "J. R." and "U.S." are initials, so the sentence runs on to "Friday!"
    assert ["smith", "j", "r", "jones", "in", "the", "u", "s", "army", "at", "5", "on", "friday"] in skeleton


@pytest.mark.shared
def test_the_vectorised_rules_equal_the_per_token_ones_on_the_bbc_corpus():
    from bench.evaldata import BBC_FILE, data_dir
    from unspin.core.fingerprint import fact_words, immutable_words

    path = data_dir() / BBC_FILE
    if not path.is_file():
        pytest.skip(f"evaluation data not found: {path}")
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    vectorised = immutable_words(texts)  # one batch, as the index fingerprints
    differ = [i for i, t in enumerate(texts) if _per_token(t) != vectorised[i]]
    assert vectorised[:3] == [(skeleton_words(t), fact_words(t)) for t in texts[:3]]
    assert not differ, f"{len(differ)} of {len(texts)} articles differ, e.g. #{differ[:3]}"


def test_sentence_pairing_ties_never_depend_on_set_order():
    """Two source sentences with as many of an input sentence's trigrams, as near to it: the
    earlier one wins. (The winner used to be the first met while iterating a set of trigrams,
    which changes with ``PYTHONHASHSEED``: the same pair aligned differently in two processes,
    and the local engine and Spark disagreed.)"""
    from unspin.core.align import Sentence, pair_sentences

    for k in range(16):
        first, second = tuple(f"a{k}{n}" for n in "xyz"), tuple(f"b{k}{n}" for n in "xyz")
        inp = [Sentence((), ("pad",)), Sentence((), first + second)]
        src = [Sentence((), first), Sentence((), ("other", "words", "here")), Sentence((), second)]
        assert pair_sentences(inp, src) == [(1, 0, 0.25)]
