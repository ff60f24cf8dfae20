"""The trigram language model behind word-pair statistics (installed with pocketsphinx)."""

import pytest

from unspin.lexicon import Lexicon
from unspin.lexicon.ngram import PairModel


@pytest.fixture(scope="module")
def model() -> PairModel:
    m = PairModel.load()
    assert m is not None, "pocketsphinx (a dependency) should bring its English language model"
    return m


def test_established_pairs_associate_and_tortured_ones_do_not(model: PairModel) -> None:
    for expected, tortured in [(("artificial", "intelligence"), ("counterfeit", "consciousness")),
                               (("interest", "rates"), ("loan", "costs")),
                               (("neural", "network"), ("neural", "organization"))]:
        assert model.association(*expected) > 1.0 > model.association(*tortured)  # type: ignore[operator]
        assert model.pair_logcount(*expected) > 0.0 == model.pair_logcount(*tortured)


def test_unknown_words_give_no_evidence(model: PairModel) -> None:
    assert model.logprob("qzxwvut") is None
    assert model.association("qzxwvut", "rates") is None
    assert model.pair_logcount("interest", "qzxwvut") == 0.0
    assert model.logprob("rates", "interest") > model.logprob("rates")  # type: ignore[operator]


def test_the_default_lexicon_uses_it_for_pairs_the_bigram_list_lacks() -> None:
    lex = Lexicon.default()
    assert "deep learning" not in lex.base.bigrams
    assert lex.attested("deep", "learning") and lex.pair("deep", "learning") > 0.0
    assert not lex.attested("profound", "learning") and lex.pair("profound", "learning") == 0.0


def test_fit_prefers_the_natural_word_in_its_context(model: PairModel) -> None:
    words = ["the", "bank", "raised", "interest", "rates", "on", "thursday"]
    natural = model.fit(words, 3)
    words[3] = "enthusiasm"
    assert model.fit(words, 3) < natural
    assert model.fit(["qzxwvut"], 0) == -10.0
