"""Static word vectors (installed with wordllama) and the topic cue they give the spin model."""

import numpy as np
import pytest

from unspin.lexicon import Lexicon
from unspin.lexicon.vectors import WordVectors


@pytest.fixture(scope="module")
def vectors() -> WordVectors:
    v = WordVectors.load()
    assert v is not None, "wordllama (a dependency) should bring its token embeddings"
    return v


def test_vectors_are_unit_length_and_know_synonyms(vectors: WordVectors) -> None:
    m = vectors.unit_vectors(["forest", "woodland", "inflation", ""])
    assert m.shape == (4, vectors.dim)
    assert np.allclose(np.linalg.norm(m[:3], axis=1), 1.0, atol=1e-5)
    assert not m[3].any()  # no tokens, no vector
    assert float(m[0] @ m[1]) > float(m[0] @ m[2]) + 0.1


def test_topic_fit_singles_out_the_word_from_another_field(vectors: WordVectors) -> None:
    words = ["bank", "interest", "rates", "inflation", "economy", "lending", "timberland", "prices", "loans"]
    fit = vectors.topic_fit(words)
    assert fit.shape == (len(words),)
    assert int(np.argmin(fit)) == words.index("timberland")
    assert vectors.topic_fit(["alone"]).tolist() == [0.0]


def test_the_spin_model_counts_an_off_topic_word_as_odder(vectors: WordVectors) -> None:
    from unspin.core.spin_evidence import SpinModel, is_eligible, topic_fits, word_llrs
    from unspin.text import tokenize

    lex = Lexicon.default()
    assert lex.base.vectors is not None
    toks = tokenize("The central bank raised interest rates again as inflation climbed, lending slowed and "
                    "the ductile economy cooled while prices rose.")
    eligible = [is_eligible(t, i == 0) for i, t in enumerate(toks)]
    fits = topic_fits(toks, eligible, lex)
    at = {t.norm: i for i, t in enumerate(toks)}
    assert fits[at["ductile"]] == min(fits.values())
    # the cue raises the off-topic word's ratio and lowers the on-topic word's
    with_cue, without = word_llrs(toks, lex), word_llrs(toks, lex, SpinModel(topic_weight=0.0))
    assert with_cue[at["ductile"]] > without[at["ductile"]]  # type: ignore[operator]
    assert with_cue[at["inflation"]] < without[at["inflation"]]  # type: ignore[operator]
    # too few content words to compare with: no cue
    assert topic_fits(toks[:6], eligible[:6], lex) == {}
