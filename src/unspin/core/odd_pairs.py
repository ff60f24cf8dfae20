"""The odd-pair model: adjacent words that form no known pair of English, judged by a logistic
model fitted on the project's benchmark (``bench/fit_odd_pairs.py``).

Spinners destroy terms ("random forest" becomes "irregular timberland"), so a pair that the
lexicon does not know opens the question; ``unlisted_pairs`` selects such pairs,
``odd_pair_features`` describes them and ``odd_pair_logit`` weighs them (``OddPairParams``).
The detector (``unspin.core.detect``) turns likely pairs into ``odd-pair`` findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

from unspin.core.stopwords import STOPWORDS
from unspin.lexicon.model import Lexicon
from unspin.text import Token, joined


@dataclass(frozen=True, slots=True)
class OddPairParams:
    """Weights of the odd-pair model (``Detector._odd_pairs``): a logistic model of whether two
    adjacent content words that form no known pair of English are a spinner's work.

    Spinners destroy terms: "random forest" becomes "irregular timberland", a pair no corpus
    knows. But writers also put unlisted pairs together, so the pair's absence from the
    statistics only opens the question; the model weighs, per pair, the language model's
    association of the two words (``assoc``, log10; ``assoc_unknown`` when it does not know a
    word, typically a technical term), both words' spin log-likelihood ratios (``SpinModel``),
    what a known list says of the words (``KnownSubstitutions.output_ratio``: spinner's pick or
    term word; whether the second word heads and the first word starts known terms), the words'
    Zipf frequencies, whether the pair has the shape of a noun phrase, how many of the words
    WordNet knows and whether they are the parts of one hyphenated compound ("high-exactness").

    The weights were fitted by logistic regression (``bench/fit_odd_pairs.py`` prints them)
    on pairs of the project's phrase benchmark (tortured phrases of ``tortured-phrases-dev.csv``
    against their expected phrases in carrier sentences, features from the other half of the
    list) plus, as negatives at half weight, the unlisted pairs of 400 clean BBC news articles
    (the half the benchmark does not test on). Fitted on one half of the phrases and scored on
    the other, the model alone found 0.86-0.87 of the phrases that hold an unlisted pair at
    precision 0.81-0.83 at threshold 0.5. The fit still included pairs whose first word reads as
    a verb, which ``unlisted_pairs`` now leaves out; refitted without them (what the script
    prints today), the model scores better alone (held out: recall 0.85 at precision 0.85-0.86)
    but worse with the other passes at the thresholds below (unseen phrases split by phrase:
    recall 0.815 at precision 0.829 instead of 0.822 at 0.833; without a known list, recall 0.52
    instead of 0.62), so these weights stay. With the other passes, at the default thresholds
    (0.5, and 0.6 for pairs not shaped like a noun phrase), the benchmark measures recall 0.82
    at precision 0.84 on unseen phrases (0.82 at 0.81 split by expected phrase; 0.61 at 0.74
    without a known list), and clean BBC news gets about 3.9 more findings per 1,000 words from
    this model (9.1 in all instead of 5.3), while the share of a spinner's substitutions found
    rises from 0.21 to 0.31.
    Approximate and genre-dependent: a reference corpus of the user's genre (whose usual pairs
    then count as known) lowers the false alarms. The document score does not count these
    findings (their words' evidence is already in ``oddness``).

    A word next to a name ("HTTPS mocking", "ROC wind") is judged by the same features (the
    name given ``SpinModel.unknown`` as its ratio), its logit rescaled by ``name_scale`` and
    shifted by ``name_bias``: a one-feature logistic fit on such pairs of the same phrases and
    news. On the benchmark this adds about 1 point of recall with a known list, at the same
    precision, and hardly changes anything without one.
    """

    bias: float = -1.125
    term_slot: float = 0.252
    assoc: float = -1.151
    assoc_unknown: float = -1.797
    llr_max: float = 0.445
    llr_min: float = 0.759
    output_max: float = 0.931
    output_min: float = 0.280
    outputs_seen: float = 0.369
    known_head: float = 0.199
    known_modifier: float = 0.140
    zipf_min: float = -0.179
    zipf_max: float = 0.516
    wordnet_words: float = -0.794
    hyphen: float = 0.358
    name_scale: float = 0.787
    name_bias: float = -0.593
    # Flag at this probability a pair shaped like a noun phrase (a noun or adjective reading, then
    # a noun: the shape of most tortured phrases), and at ``threshold_other`` any other pair,
    # such as one with a word WordNet does not know ("benchmark dataset"). Pairs that start with
    # a verb are not judged at all (``unlisted_pairs``).
    threshold: float = 0.5
    threshold_other: float = 0.6
    suggestion_candidates: int = 12
    # Capitalised words inside a sentence are names to the other passes. Here, one whose
    # lower-case form is a common word WordNet knows (at least this Zipf frequency) counts as a
    # title-case word and may form odd pairs ("Restriction Binding Domain").
    title_min_zipf: float = 3.0

    def weights(self) -> tuple[float, ...]:
        """The weights in the order of ``ODD_PAIR_FEATURES`` (without the bias)."""
        return _weights_of(self)


# The features of the odd-pair model, in the order ``odd_pair_features`` returns them;
# each is also the name of its weight in ``OddPairParams``.
ODD_PAIR_FEATURES = ("term_slot", "assoc", "assoc_unknown", "llr_max", "llr_min", "output_max", "output_min",
                     "outputs_seen", "known_head", "known_modifier", "zipf_min", "zipf_max", "wordnet_words",
                     "hyphen")
_weights_of = attrgetter(*ODD_PAIR_FEATURES)


# Words after which a word that can be a verb is one ("we compare", "to study", "can yield").
VERB_CUES = frozenset("""i we you they he she it to can cannot could will would shall should may might must
    who""".split())


def reads_as_verb(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """True when ``tokens[i]`` is read as a verb: WordNet has a verb reading of it, and it follows
    a subject pronoun, ``to`` or a modal ("we compare") or has no noun or adjective reading
    ("describes"). Approximate: there is no tagger, so a noun after a cue word that can also be
    a verb ("they process") is read as a verb."""
    form = tokens[i].norm
    if not lexicon.can_be_verb(form):
        return False
    return word_before(tokens, i) in VERB_CUES or not lexicon.can_be_nominal(form)


# The spin log-likelihood ratio a name (a word with none: capitalised, an acronym, a code) is
# given in the features of an odd pair it forms with a word (``SpinModel.unknown``).
_NAME_LLR = -0.5


# The association an unknown word is given (with the ``assoc_unknown`` flag set).
_ASSOC_UNKNOWN = -1.5


def word_before(tokens: list[Token], i: int) -> str | None:
    """The normal form of the token before ``tokens[i]`` when it is in the same sentence."""
    return tokens[i - 1].norm if i > 0 and tokens[i - 1].sentence == tokens[i].sentence else None


def unlisted_pairs(text: str, tokens: list[Token], llrs: list[float | None], lexicon: Lexicon, *,
                   names: bool = False) -> list[int]:
    """Indexes ``i`` where ``tokens[i]`` and ``tokens[i + 1]`` sit in one sentence with nothing
    but space (or the hyphen of a compound) between them, form no pair the lexicon knows
    (``Lexicon.pair`` and ``Lexicon.attested``), and both have a spin log-likelihood ratio
    (``llrs``); with ``names``, also where one has a ratio and the other is a *name*: a token
    with letters, no ratio and no function word (a capitalised word, an acronym, a short word,
    a code such as "COVID-19"). A pair whose first word reads as a verb (``reads_as_verb``:
    "describes reverse transcriptase", "we apply drip irrigation") is left out: a verb and the
    first word of its object combine freely, and the pair a spinner destroys is inside the noun
    phrase. These are the pairs the odd-pair model judges."""
    out: list[int] = []
    for i in range(len(tokens) - 1):
        t1, t2 = tokens[i], tokens[i + 1]
        if t1.sentence != t2.sentence:
            continue
        if llrs[i] is None or llrs[i + 1] is None:
            if not names or (llrs[i] is None) == (llrs[i + 1] is None):
                continue
            name = t1 if llrs[i] is None else t2
            if name.norm in STOPWORDS or len(name.norm) < 2 or not any(ch.isalpha() for ch in name.norm):
                continue
        if text[t1.end : t2.start].strip() and not joined(t1, t2):
            continue
        if lexicon.pair(t1.norm, t2.norm) > 0 or lexicon.attested(t1.norm, t2.norm):
            continue
        if reads_as_verb(tokens, i, lexicon):
            continue
        out.append(i)
    return out


def odd_pair_features(lexicon: Lexicon, first: str, second: str, llr_first: float | None,
                      llr_second: float | None, *, hyphen: bool = False) -> tuple[float, ...]:
    """The features of the odd-pair model for the adjacent words ``first second`` (normal
    forms) with these spin log-likelihood ratios (``None`` for a name: a capitalised word, an
    acronym or a code), in the order of ``ODD_PAIR_FEATURES``. ``hyphen``: the words are parts
    of one hyphenated compound
    ("high-exactness"). The same function feeds ``bench/fit_odd_pairs.py``, which fits the
    weights."""
    known = lexicon.known
    lm = lexicon.base.pairs
    llr_first = _NAME_LLR if llr_first is None else llr_first
    llr_second = _NAME_LLR if llr_second is None else llr_second
    assoc = lm.association(first, second) if lm is not None else None
    r1, r2 = known.output_ratio(first), known.output_ratio(second)
    z1, z2 = lexicon.zipf(first), lexicon.zipf(second)
    return (
        float(lexicon.term_slot(first, second)),
        _ASSOC_UNKNOWN if assoc is None else max(min(assoc, 3.0), -3.0),
        float(assoc is None),
        max(llr_first, llr_second),
        min(llr_first, llr_second),
        max(r1, r2),
        min(r1, r2),
        float((first in known.outputs) + (second in known.outputs)),
        math.log1p(known.heads.get(second, 0)),
        math.log1p(known.modifiers.get(first, 0)),
        min(z1, z2),
        max(z1, z2),
        float(lexicon.has_senses(first) + lexicon.has_senses(second)),
        float(hyphen),
    )


def odd_pair_logit(params: OddPairParams, features: tuple[float, ...], *, name: bool = False) -> float:
    """The model's logit for these features; for a name pair the word-pair logit is rescaled
    and shifted (``OddPairParams.name_scale`` and ``name_bias``)."""
    logit = params.bias + sum(w * v for w, v in zip(params.weights(), features, strict=True))
    return params.name_scale * logit + params.name_bias if name else logit
