"""The spin model: find words a spinner substituted, and the words they probably replaced.

How it works (no reference corpus needed):

1. Every content word is a possible substitution. Its *candidates* are the words a spinner
   could have replaced with it: WordNet synonyms inflected like it, plus swaps learned from
   known tortured phrases (``Lexicon.candidates``).
2. A candidate is a likely original when it fits the context better than the observed word:
   the word pairs it forms with its neighbours are frequent English pairs or established terms
   (``Lexicon.pair``). Adjacent content words are also tried *jointly*, because spinners often
   swap both words of a term ("counterfeit consciousness" for "artificial intelligence").
3. Spinners pick any synonym, writers pick the usual one: a candidate that is more frequent
   than the observed word adds evidence (``rarity``).
4. The evidence combines in a logistic model into a per-span confidence. Exact matches of
   known tortured phrases are flagged directly. A swap learned from known phrases needs no
   pair evidence when the observed word forms no frequent pair with either neighbour (function
   words included): the list says spinners make that swap, and the word does not sit where a
   writer would have put it.
5. Context-free document evidence (``oddness``): every eligible word gets a spin
   log-likelihood ratio from rarity, synonym gap, fit with its neighbours and burstiness
   (``SpinModel``); the words' positive contributions to a document log-likelihood ratio,
   counted as "odd words" by strength, feed the score (``unspin.core.calibrate``).

Approximate by design: the pair statistics only list frequent pairs, so absence of a pair is
weak evidence; a reference corpus (``Lexicon.with_reference``) makes it stronger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from unspin.core.acronyms import acronym_mismatches
from unspin.core.results import Finding
from unspin.core.stopwords import PREFIXES, STOPWORDS
from unspin.core.text import Token, apart, joined, split_compounds
from unspin.lexicon.model import Candidate, Lexicon, spelling_variant


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Weights of the per-span logistic model (log10-count units for gains).

    ``learned_*``: the logit of a learned swap without pair evidence (``Detector._learned_logit``):
    ``learned_only_bias`` plus ``learned_weight_gain`` per unit of swap weight above 1 (swaps
    seen more often in the known list weigh more), plus ``learned_rarity_weight`` per Zipf unit
    the original is more common, minus ``attested_penalty`` per log10 count of the observed
    pair with a content neighbour, plus ``learned_term_word_weight`` times the observed word's
    ``KnownSubstitutions.output_ratio`` where that is negative (a word of established terms).
    Set by hand (0 = a coin flip for a swap seen once in a context that fits no frequent pair),
    checked on the development benchmark.
    """

    gain_weight: float = 0.6
    rarity_weight: float = 1.5
    attested_penalty: float = 0.35
    learned_bonus: float = 1.5
    joint_bonus: float = 1.0
    learned_only_bias: float = 0.0
    learned_weight_gain: float = 1.0
    learned_rarity_weight: float = 0.5
    learned_term_word_weight: float = 1.0
    bias: float = -5.5
    min_confidence: float = 0.5
    min_gain: float = 2.0
    max_joint_candidates: int = 12
    # Candidates (best WordNet weight first) tried in a word's context.
    max_candidates: int = 20
    # Synonyms the language model ranks as the suggestion of a lone flagged word (0: off).
    rerank_candidates: int = 12
    rare_synonym_gap: float = 2.0
    rare_synonym_max_zipf: float = 3.3
    rare_synonym_confidence: float = 0.6
    # A bracketed acronym its long form no longer spells (``unspin.core.acronyms``): the
    # confidence of the finding, and the Zipf frequency every content word of the long form
    # needs unless WordNet knows it (names, which legitimately precede foreign or unrelated
    # acronyms, are rarer). A long form that keeps none of the acronym's initials at their
    # places ("Serena Williams (US)") also needs every word known to WordNet.
    acronym_confidence: float = 0.8
    acronym_min_zipf: float = 2.5


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
    the other, the model alone finds 0.86-0.87 of the phrases that hold an unlisted pair at
    precision 0.81-0.83 at threshold 0.5 (in-sample: about 3 points more recall; the script
    prints both). At the default thresholds (0.5, and 0.7 for pairs not shaped like a noun
    phrase) the benchmark measures recall 0.81 at precision 0.83 on unseen phrases (0.80 at 0.80
    split by expected phrase), and clean BBC news gets about 3.5 more findings per 1,000 words
    (10.0 instead of 6.6). Approximate and genre-dependent: a reference corpus of the user's
    genre (whose usual pairs then count as known) lowers the false alarms. The document score
    does not count these findings (their words' evidence is already in ``oddness``).

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
    # a noun: the shape of most tortured phrases), and at ``threshold_other`` any other pair
    # (verb and object, adverb and verb: where writers combine words freely).
    threshold: float = 0.5
    threshold_other: float = 0.7
    suggestion_candidates: int = 12
    # Capitalised words inside a sentence are names to the other passes. Here, one whose
    # lower-case form is a common word WordNet knows (at least this Zipf frequency) counts as a
    # title-case word and may form odd pairs ("Restriction Binding Domain").
    title_min_zipf: float = 3.0

    def weights(self) -> tuple[float, ...]:
        """The weights in the order of ``ODD_PAIR_FEATURES`` (without the bias)."""
        return tuple(getattr(self, name) for name in ODD_PAIR_FEATURES)


# The features of the odd-pair model, in the order ``Detector.odd_pair_features`` returns them;
# each is also the name of its weight in ``OddPairParams``.
ODD_PAIR_FEATURES = ("term_slot", "assoc", "assoc_unknown", "llr_max", "llr_min", "output_max", "output_min",
                     "outputs_seen", "known_head", "known_modifier", "zipf_min", "zipf_max", "wordnet_words",
                     "hyphen")
# Words after which a word that can be a verb is one ("we compare", "to study", "can yield").
VERB_CUES = frozenset("""i we you they he she it to can cannot could will would shall should may might must
    who""".split())
# The spin log-likelihood ratio a name (a word with none: capitalised, an acronym, a code) is
# given in the features of an odd pair it forms with a word (``SpinModel.unknown``).
_NAME_LLR = -0.5
# The association an unknown word is given (with the ``assoc_unknown`` flag set).
_ASSOC_UNKNOWN = -1.5


@dataclass(slots=True)
class _Slot:
    """Evidence gathered for one token."""

    gain: float = 0.0
    rarity: float = 0.0
    learned: bool = False
    suggestion: str | None = None
    logit: float = -math.inf
    rare: bool = False
    odd: bool = False
    pair: bool = False


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def is_eligible(tok: Token, first_in_sentence: bool) -> bool:
    """Whether a spinner would swap this token: an alphabetic content word, not a name."""
    n = tok.norm
    if len(n) < 3 or n in STOPWORDS or n in PREFIXES or not n.replace("-", "").isalpha():
        return False
    s = tok.surface
    if s.isupper() and len(s) > 1:
        return False  # acronym
    return not (s[:1].isupper() and not first_in_sentence)


def _fits_a_neighbour(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """True when ``tokens[i]`` forms a frequent pair with a neighbour, function words included."""
    w = tokens[i].norm
    left, right = _neighbour(tokens, i, i - 1), _neighbour(tokens, i, i + 1)
    return (left is not None and lexicon.attested(left, w)) or (right is not None and lexicon.attested(w, right))


def _match_case(suggestion: str, surface: str) -> str:
    if surface[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the detector found in one text."""

    findings: tuple[Finding, ...]
    oddness: Oddness


class Detector:
    """Scores tokens of one text against a lexicon. Stateless apart from its inputs."""

    def __init__(self, lexicon: Lexicon, params: DetectorParams | None = None,
                 pair_params: OddPairParams | None = None) -> None:
        self.lex = lexicon
        self.p = params or DetectorParams()
        self.pp = pair_params or OddPairParams()

    def odd_pair_features(self, first: str, second: str, llr_first: float | None, llr_second: float | None, *,
                          before: str | None = None, hyphen: bool = False) -> tuple[float, ...]:
        """The features of the odd-pair model for the adjacent content words ``first second``
        (normal forms) with these spin log-likelihood ratios, in the order of
        ``ODD_PAIR_FEATURES``. ``before`` is the word before the pair in its sentence, if any:
        after a subject pronoun, ``to`` or a modal ("we compare", "to study") a first word that
        can be a verb is read as one, so the pair is not shaped like a noun phrase. ``hyphen``:
        the words are parts of one hyphenated compound ("high-exactness"). The same
        function feeds ``bench/fit_odd_pairs.py``, which fits the weights."""
        lex = self.lex
        known = lex.known
        lm = lex.base.pairs
        llr_first = _NAME_LLR if llr_first is None else llr_first
        llr_second = _NAME_LLR if llr_second is None else llr_second
        assoc = lm.association(first, second) if lm is not None else None
        r1, r2 = known.output_ratio(first), known.output_ratio(second)
        z1, z2 = lex.zipf(first), lex.zipf(second)
        shaped = lex.term_slot(first, second) and not (before in VERB_CUES and lex.can_be_verb(first))
        return (
            float(shaped),
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
            float(lex.has_senses(first) + lex.has_senses(second)),
            float(hyphen),
        )

    def odd_pair_probability(self, first: str, second: str, llr_first: float | None,
                             llr_second: float | None) -> float:
        """Probability (``OddPairParams``) that the adjacent words ``first second``, whose spin
        log-likelihood ratios are given (``None`` for a name: the pair is then a name pair), are
        a spinner's work. Meant for pairs the lexicon does not know (``Lexicon.pair`` is 0); a
        known pair is not judged by it."""
        return self._odd_pair_probability(self.odd_pair_features(first, second, llr_first, llr_second),
                                          name=llr_first is None or llr_second is None)

    def _odd_pair_probability(self, features: tuple[float, ...], *, name: bool = False) -> float:
        """The model's probability for these features; for a name pair the word-pair logit is
        rescaled and shifted (``OddPairParams.name_scale`` and ``name_bias``)."""
        logit = self.pp.bias + sum(w * v for w, v in zip(self.pp.weights(), features, strict=True))
        if name:
            logit = self.pp.name_scale * logit + self.pp.name_bias
        return _sigmoid(logit)

    def _title_words(self, tokens: list[Token], slots: list[_Slot | None], covered: list[bool],
                     llrs: list[float | None]) -> set[int]:
        """Give a slot and a spin log-likelihood ratio to the title-case words of the text
        (``OddPairParams.title_min_zipf``), which the other passes leave alone as names, so that
        they can form odd pairs: scientific text writes terms in title case, and spinners do
        not respect capitals. Returns their indexes."""
        lex = self.lex
        found = {
            i for i, t in enumerate(tokens)
            if slots[i] is None and not covered[i] and len(t.surface) >= 3 and t.surface[:1].isupper()
            and t.surface[1:].islower() and t.norm.isalpha() and t.norm not in STOPWORDS
            and lex.zipf(t.norm) >= self.pp.title_min_zipf and lex.has_senses(t.norm)
        }
        if found:
            counts: dict[str, int] = {}
            for t in tokens:
                counts[t.norm] = counts.get(t.norm, 0) + 1
            model = SpinModel()
            for i in found:
                slots[i] = _Slot()
                llrs[i] = word_spin_llr(tokens, i, counts[tokens[i].norm], lex, model)
        return found

    def _pair_suggestion(self, first: str, second: str) -> tuple[str, str] | None:
        """The most established pair of English formed by candidates of either word (or the word
        itself), other than the observed pair; None when no candidate pair is known."""
        k = self.pp.suggestion_candidates
        pair = self.lex.pair
        firsts = [first, *(c.form for c in self.lex.candidates(first)[:k])]
        seconds = [second, *(c.form for c in self.lex.candidates(second)[:k])]
        best: tuple[float, str, str] | None = None
        for a in firsts:
            for b in seconds:
                if (a, b) == (first, second):
                    continue
                score = pair(a.rsplit(" ", 1)[-1], b.split(" ", 1)[0])
                if score > 0 and (best is None or score > best[0]):
                    best = (score, a, b)
        return None if best is None else (best[1], best[2])

    def _acronym_suggestion(self, text: str, tokens: list[Token], span: list[int], acronym: str) -> str | None:
        """The long form with each word that no longer starts with its letter of the acronym
        replaced by its best candidate that does ("Machine Mastering (ML)" -> "Machine
        Learning"); None unless the long form has one content word per letter and every such
        word has a candidate."""
        letters = acronym[:-1] if acronym.endswith("s") and acronym[-2:-1].isupper() else acronym
        if not letters.isalpha():
            return None
        words = [k for k in span if tokens[k].norm not in STOPWORDS]
        if len(words) != len(letters):
            return None
        forms: dict[int, str] = {}
        for k, letter in zip(words, letters.lower(), strict=True):
            norm = tokens[k].norm
            if norm.startswith(letter):
                continue
            form = next((c.form for c in self.lex.candidates(norm) if c.form.startswith(letter) and " " not in c.form),
                        None)
            if form is None:
                return None
            forms[k] = _match_case(form, tokens[k].surface)
        parts: list[str] = []
        for idx, k in enumerate(span):
            parts.append(forms.get(k, tokens[k].surface))
            if idx + 1 < len(span):
                parts.append(text[tokens[k].end : tokens[span[idx + 1]].start])
        return "".join(parts) if forms else None

    def _acronym_findings(self, text: str, tokens: list[Token], covered: list[bool]) -> list[Finding]:
        """Long forms that no longer spell their bracketed acronym ("Web Protocol (IP)"), when
        their content words are ordinary English words (not names); marks their tokens covered."""
        out: list[Finding] = []
        for mm in acronym_mismatches(text, tokens):
            span = list(range(mm.first, mm.last + 1))
            while span and tokens[span[0]].norm in STOPWORDS:
                span.pop(0)
            if not span or tokens[span[-1]].norm in STOPWORDS or any(covered[k] for k in span):
                continue
            content_words = [tokens[k] for k in span if tokens[k].norm not in STOPWORDS]
            if any(t.surface.isupper() for t in content_words):
                continue
            if not mm.partial and not all(self.lex.has_senses(t.norm) for t in content_words):
                continue  # nothing of the acronym left and a word WordNet lacks: a name ("Serena Williams (US)")
            if any(self.lex.zipf(t.norm) < self.p.acronym_min_zipf and not self.lex.has_senses(t.norm)
                   for t in content_words):
                continue
            s, e = tokens[span[0]].start, tokens[span[-1]].end
            sugg = self._acronym_suggestion(text, tokens, span, mm.acronym)
            out.append(Finding(s, e, text[s:e], sugg, self.p.acronym_confidence, ("acronym-mismatch",)))
            for k in span:
                covered[k] = True
        return out

    def _odd_pairs(self, text: str, tokens: list[Token], slots: list[_Slot | None], covered: list[bool],
                   llrs: list[float | None]) -> None:
        """Flag adjacent content words (no punctuation between) that form no known pair and that
        the odd-pair model finds likely spun, when neither word is flagged yet. Where two odd
        pairs share a word, the more probable one takes it. The suggestion is the best known
        pair of their candidates, or the words themselves when there is none. Of a word and a
        name ("HTTPS mocking"), only the word is flagged; its suggestion is its best candidate
        that forms a known pair with the name, if any."""
        pp = self.pp
        min_conf = self.p.min_confidence

        def flagged(sl: _Slot) -> bool:
            return bool(sl.suggestion) and _sigmoid(sl.logit) >= min_conf

        title = self._title_words(tokens, slots, covered, llrs)
        odd: list[tuple[float, int]] = []
        for i in unlisted_pairs(text, tokens, llrs, self.lex, names=True):
            a, b = slots[i], slots[i + 1]
            name = llrs[i] is None or llrs[i + 1] is None
            if covered[i] or covered[i + 1] or (a is not None and flagged(a)) or (b is not None and flagged(b)):
                continue
            if (a is None or b is None) and not name:
                continue
            if i + 1 in title and not tokens[i].surface[:1].isupper():
                continue  # a word and a capitalised one: most often a noun and a name ("lawyer Gregory")
            x = self.odd_pair_features(tokens[i].norm, tokens[i + 1].norm, llrs[i], llrs[i + 1],  # type: ignore[arg-type]
                                       before=word_before(tokens, i),
                                       hyphen=joined(tokens[i], tokens[i + 1]))
            prob = self._odd_pair_probability(x, name=name)
            if prob >= (pp.threshold if x[0] else pp.threshold_other):  # x[0]: shaped like a noun phrase
                odd.append((prob, i))
        for prob, i in sorted(odd, key=lambda x: (-x[0], x[1])):
            a, b = slots[i], slots[i + 1]
            if (a is not None and flagged(a)) or (b is not None and flagged(b)):
                continue  # a more probable pair took one of the words
            logit = math.log(prob / (1.0 - prob)) if prob < 1.0 else 40.0
            if a is None or b is None:
                k = i if a is not None else i + 1
                sl = a if a is not None else b
                assert sl is not None
                other = tokens[i + 1 if k == i else i].norm
                form = tokens[k].norm
                for c in self.lex.candidates(form)[: pp.suggestion_candidates]:
                    if self.lex.pair(*((c.form, other) if k == i else (other, c.form))) > 0:
                        form = c.form
                        break
                sl.suggestion, sl.logit = form, logit
                sl.learned = sl.rare = sl.odd = False
                sl.pair = True
                continue
            sugg = self._pair_suggestion(tokens[i].norm, tokens[i + 1].norm) or (tokens[i].norm, tokens[i + 1].norm)
            for sl, form in ((a, sugg[0]), (b, sugg[1])):
                sl.suggestion, sl.logit = form, logit
                sl.learned = sl.rare = sl.odd = False
                sl.pair = True

    def _logit(self, gain: float, rarity: float, attested: float, learned: bool) -> float:
        p = self.p
        return (p.gain_weight * gain + p.rarity_weight * max(min(rarity, 2.5), -1.5)
                - p.attested_penalty * attested + (p.learned_bonus if learned else 0.0) + p.bias)

    def _learned_logit(self, cand: Candidate, gain: float, rarity: float, attested: float,
                       ratio: float = 0.0) -> float:
        """Logit of a learned swap that forms no frequent pair: the known list says spinners make
        this swap, so it needs no pair evidence, unless the observed word sits in a frequent pair
        (then the writer probably chose it). Swaps seen more often in the list weigh more; a word
        the list shows more often inside established terms than as a spinner's pick
        (``ratio``, ``KnownSubstitutions.output_ratio`` below 0) weighs less."""
        p = self.p
        return (p.learned_only_bias + p.learned_weight_gain * (cand.weight - 1.0) + p.gain_weight * gain
                + p.learned_rarity_weight * max(min(rarity, 2.5), -1.5) - p.attested_penalty * attested
                + p.learned_term_word_weight * min(ratio, 0.0))

    def _consider(self, slot: _Slot, cand: Candidate, gain: float, rarity: float, attested: float,
                  *, joint: bool = False, fits: bool = True, ratio: float = 0.0) -> None:
        """Keep ``cand`` as the slot's suggestion when its logit is the best so far. ``fits``: the
        observed word forms a frequent pair with a neighbour (function words included)."""
        if gain < self.p.min_gain:
            if cand.learned and not joint and not fits:
                logit = self._learned_logit(cand, gain, rarity, attested, ratio)
                if logit > slot.logit:
                    slot.gain, slot.rarity, slot.learned = gain, rarity, True
                    slot.suggestion, slot.logit = cand.form, logit
            return
        if rarity < 0 and not cand.learned and not joint:
            return
        logit = self._logit(gain, rarity, attested, cand.learned) + (self.p.joint_bonus if joint else 0.0)
        if logit > slot.logit:
            slot.gain, slot.rarity, slot.learned = gain, rarity, cand.learned
            slot.suggestion, slot.logit = cand.form, logit

    def _rerank_suggestions(self, tokens: list[Token], slots: list[_Slot | None], covered: list[bool]) -> None:
        """For a flagged word standing alone (its neighbours not flagged), suggest the synonym the
        language model finds most natural in the sentence (two words either side) instead of
        the one with the best pair evidence; learned swaps keep their source. Changes only the
        suggestion, never what is flagged."""
        lm = self.lex.base.pairs
        k = self.p.rerank_candidates
        if lm is None or not k:
            return
        n = len(tokens)

        def flagged(j: int) -> bool:
            sl = slots[j] if 0 <= j < n else None
            return sl is not None and bool(sl.suggestion) and _sigmoid(sl.logit) >= self.p.min_confidence

        for i in range(n):
            slot = slots[i]
            if slot is None or covered[i] or slot.learned or not flagged(i) or flagged(i - 1) or flagged(i + 1):
                continue
            sent = tokens[i].sentence
            lo = i
            while lo > max(0, i - 2) and tokens[lo - 1].sentence == sent:
                lo -= 1
            hi = i + 1
            while hi < min(n, i + 3) and tokens[hi].sentence == sent:
                hi += 1
            window = [t.norm for t in tokens[lo:hi]]
            forms = [c.form for c in self.lex.candidates(tokens[i].norm)[:k] if " " not in c.form]
            if " " in slot.suggestion or slot.suggestion not in forms:
                continue
            best, best_fit = slot.suggestion, -math.inf
            for form in forms:
                window[i - lo] = form
                f = lm.fit(window, i - lo)
                if f > best_fit:
                    best, best_fit = form, f
            slot.suggestion = best

    def analyse(self, text: str, tokens: list[Token]) -> Analysis:
        """Findings (ordered by offset, offsets into ``text``) and document oddness for
        ``text``, whose tokens are ``tokenize(text)``; hyphenated compounds are split into their
        parts here (``split_compounds``)."""
        lex = self.lex
        tokens = split_compounds(tokens)
        findings: list[Finding] = []
        n = len(tokens)
        slots: list[_Slot | None] = [None] * n
        eligible = [False] * n
        for i, tok in enumerate(tokens):
            first = i == 0 or tokens[i - 1].sentence != tok.sentence
            eligible[i] = is_eligible(tok, first)
            if eligible[i]:
                slots[i] = _Slot()
        model = SpinModel()
        llrs = word_llrs(tokens, lex, model, eligible=eligible)
        odd = oddness_of(tokens, llrs, model)

        # Exact known tortured phrases.
        known = lex.known.phrases
        covered = [False] * n
        if known:
            for i in range(n):
                for length in (4, 3, 2, 1):
                    seq = tuple(t.norm for t in tokens[i : i + length])
                    if len(seq) == length and seq in known and tokens[i + length - 1].sentence == tokens[i].sentence:
                        s, e = tokens[i].start, tokens[i + length - 1].end
                        findings.append(Finding(s, e, text[s:e], _match_case(known[seq], tokens[i].surface),
                                                0.97, ("known-phrase",)))
                        for k in range(i, i + length):
                            covered[k] = True
                        break

        for f in self._acronym_findings(text, tokens, covered):
            findings.append(f)

        def content(k: int, i: int) -> str | None:
            # The neighbour's form when it is a content word of the same sentence: pairs with
            # function words mostly measure a word's frequency, not its fit, so they are skipped.
            if 0 <= k < n and tokens[k].sentence == tokens[i].sentence and not apart(tokens[k], tokens[i]):
                norm = tokens[k].norm
                if norm not in STOPWORDS and norm.isalpha():
                    return norm
            return None

        pair = lex.pair
        zipf = lex.zipf
        for i in range(n):
            slot = slots[i]
            if slot is None or covered[i]:
                continue
            w = tokens[i].norm
            cands = lex.candidates(w)[: self.p.max_candidates]
            if not cands:
                continue
            lw, rw = content(i - 1, i), content(i + 1, i)
            obs_l = pair(lw, w) if lw else 0.0
            obs_r = pair(w, rw) if rw else 0.0
            attested = max(obs_l, obs_r)
            fits = _fits_a_neighbour(tokens, i, lex) if lex.known.swaps else True
            zw = zipf(w)
            ratio = lex.known.output_ratio(w)
            # Candidate pairs come from the bigram list only: asking the language model too made
            # checking 40% slower and changed no benchmark figure (its pairs feed the per-word
            # context cue of ``oddness`` instead, where they do).
            if lw is None and rw is None:
                # No content neighbour, so no gain: only a learned swap can be kept (``_consider``).
                if not fits:
                    for c in cands:
                        if c.learned:
                            self._consider(slot, c, 0.0, c.zipf - zw, attested, fits=fits, ratio=ratio)
            else:
                for c in cands:
                    first_w = c.form.split(" ", 1)[0] if " " in c.form else c.form
                    last_w = c.form.rsplit(" ", 1)[-1] if " " in c.form else c.form
                    fl = pair(lw, first_w, model=False) if lw else 0.0
                    fr = pair(last_w, rw, model=False) if rw else 0.0
                    gain = max(fl - obs_l, 0.0) + max(fr - obs_r, 0.0)
                    self._consider(slot, c, gain, c.zipf - zw, attested, fits=fits, ratio=ratio)

            # Joint substitution of this word and the next content word.
            j = i + 1
            if (j < n and slots[j] is not None and not covered[j] and tokens[j].sentence == tokens[i].sentence
                    and not apart(tokens[i], tokens[j]) and lex.term_slot(w, tokens[j].norm)):
                wj = tokens[j].norm
                cj = lex.candidates(wj)
                obs = pair(w, wj)
                if obs < 6.0:
                    k = self.p.max_joint_candidates
                    zj = zipf(wj)
                    best: tuple[float, Candidate, Candidate] | None = None
                    for ca in cands[:k]:
                        a_last = ca.form.rsplit(" ", 1)[-1]
                        for cb in cj[:k]:
                            score = pair(a_last, cb.form.split(" ", 1)[0], model=False)
                            if score > 0 and (best is None or score > best[0]):
                                best = (score, ca, cb)
                    if best is not None:
                        gain = best[0] - obs
                        rarity = max(best[1].zipf - zw, best[2].zipf - zj)
                        self._consider(slot, best[1], gain, rarity, 0.0, joint=True)
                        other = slots[j]
                        assert other is not None
                        self._consider(other, best[2], gain, rarity, 0.0, joint=True)

        # Rare synonyms of common words, used once, fitting no frequent pair: a spinner's pick.
        odd_starts = {s for s, _e in odd.odd_offsets}
        for i in range(n):
            slot = slots[i]
            if slot is None or covered[i] or tokens[i].start not in odd_starts:
                continue
            if slot.suggestion and _sigmoid(slot.logit) >= self.p.min_confidence:
                continue
            w = tokens[i].norm
            best = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w)),
                       key=lambda c: c.zipf, default=None)
            if (best is not None and zipf(w) <= self.p.rare_synonym_max_zipf
                    and best.zipf - zipf(w) >= self.p.rare_synonym_gap):
                slot.suggestion, slot.learned = best.form, False
                slot.logit = math.log(self.p.rare_synonym_confidence / (1 - self.p.rare_synonym_confidence))
                slot.rare = True

        # Words the per-word spin model finds very unlikely for a writer: shown as evidence,
        # with the most frequent synonym as the suggestion (confidence from the model's ratio).
        strong = dict(odd.strong)
        for i in range(n):
            slot = slots[i]
            llr = strong.get(tokens[i].start)
            if slot is None or covered[i] or llr is None:
                continue
            if slot.suggestion and _sigmoid(slot.logit) >= self.p.min_confidence:
                continue
            w = tokens[i].norm
            zw = zipf(w)
            best = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w) and c.zipf > zw),
                       key=lambda c: c.zipf, default=None)
            if best is not None:
                slot.suggestion, slot.learned, slot.rare = best.form, False, False
                slot.logit = llr - model.strong_offset
                slot.odd = True

        # Turn confident slots into findings; merge adjacent flagged words into one span.
        run: list[tuple[int, _Slot, float]] = []

        def flush() -> None:
            if not run:
                return
            s, e = tokens[run[0][0]].start, tokens[run[-1][0]].end
            parts = []
            for idx, (k, sl, _c) in enumerate(run):
                parts.append(sl.suggestion or tokens[k].norm)
                if idx + 1 < len(run):
                    parts.append(text[tokens[k].end : tokens[run[idx + 1][0]].start])
            joined = "".join(parts)
            # An odd pair with no candidate pair keeps its words: flagged, nothing to suggest.
            sugg = None if joined == text[s:e].casefold() else _match_case(joined, tokens[run[0][0]].surface)
            conf = max(c for _k, _s, c in run)
            ev = sorted({("learned-swap" if sl.learned else "rare-synonym" if sl.rare
                          else "odd-word" if sl.odd else "odd-pair" if sl.pair else "context-fit")
                         for _k, sl, _c in run})
            findings.append(Finding(s, e, text[s:e], sugg, round(conf, 4), tuple(ev)))
            run.clear()

        self._odd_pairs(text, tokens, slots, covered, llrs)
        self._rerank_suggestions(tokens, slots, covered)

        for i in range(n):
            slot = slots[i]
            conf = _sigmoid(slot.logit) if slot is not None and slot.suggestion else 0.0
            if conf >= self.p.min_confidence and not covered[i]:
                if run and (run[-1][0] != i - 1 or tokens[i].sentence != tokens[run[-1][0]].sentence):
                    flush()
                run.append((i, slot, conf))  # type: ignore[arg-type]
            else:
                flush()
        flush()
        findings.sort(key=lambda f: f.start)
        return Analysis(tuple(findings), odd)


@dataclass(frozen=True, slots=True)
class SpinModel:
    """Hand-set constants of the context-free, per-word spin evidence (natural-log units).

    Each eligible word gets a log-likelihood ratio *spinner's pick : writer's choice* from a
    naive-Bayes sum of independent-looking cues (each approximate):

    * rarity: a spinner draws from a thesaurus entry, whose words are spread over the whole
      vocabulary, while writers mostly use common words, so the ratio falls with the word's
      Zipf frequency ``z``: ``rarity_slope * (pivot_zipf - z)``, clipped. (An exact draw
      uniform over the vocabulary would give a slope of ln 10 per Zipf unit; real synonym
      lists are flatter.) Words unknown to ``wordfreq`` (names, typos, code) get ``unknown``.
    * thesaurus: a word WordNet does not know is not a thesaurus pick (``no_senses``).
    * synonym gap: a word much rarer than its most frequent synonym (``gap_weight`` per Zipf
      unit, clipped); a word with no synonym at all gets ``no_synonym``.
    * context: the share of its neighbours (function words included) with which the word forms
      a frequent pair: writers' words sit in familiar pairs, substitutes rarely do
      (``attested_weight * (attested_pivot - share)``); a synonym (or learned swap) that would
      form a frequent pair where the word forms none adds ``candidate_fit``.
    * burstiness: topic words repeat, a spinner's random picks rarely do (``once`` for a word
      used once, ``twice`` / ``repeated`` otherwise). A spinner that always makes the same
      swap defeats this cue; the context-fit findings still see it.

    The constants were set by hand, one cue at a time, from the ratio of each cue's rate among
    substituted words and among words of clean news, measured on the project's development
    benchmark (Moby-thesaurus spinner on BBC news); they are rounded and not fitted jointly.
    """

    rarity_slope: float = 1.1
    pivot_zipf: float = 3.9
    rarity_min: float = -1.6
    rarity_max: float = 3.0
    unknown: float = -0.5
    no_senses: float = -1.8
    gap_weight: float = 0.45
    gap_min: float = -0.3
    gap_max: float = 1.5
    no_synonym: float = -0.7
    attested_weight: float = 1.2
    attested_pivot: float = 0.4
    candidate_fit: float = 0.9
    max_fit_candidates: int = 12
    model_fit_candidates: int = 6
    once: float = 0.35
    twice: float = -1.5
    repeated: float = -2.5
    # Prior share of substituted words for the document mixture, and the evidence that makes
    # one odd word (a word whose ratio is about 7 contributes about one unit).
    prior_rate: float = 0.05
    odd_unit: float = 0.25
    # Words whose spin log-likelihood ratio reaches this are shown as ``odd-word`` findings
    # (when a more frequent synonym exists to suggest). On the development benchmark: about
    # 1.6 such words per clean news article; in articles with 10% of words spun, 64% of them
    # are substitutions.
    strong_llr: float = 3.0
    strong_offset: float = 2.8


@dataclass(frozen=True, slots=True)
class Oddness:
    """Context-free evidence of spinning over a whole document.

    Every eligible word gets a spin log-likelihood ratio ``s`` (``SpinModel``). Mixed with the
    prior share ``r`` of substituted words, the word's contribution to the document's
    log-likelihood ratio is ``log(1 - r + r * e**s)``; its positive part, in units of
    ``SpinModel.odd_unit``, makes ``n_odd``: odd words counted by strength (a word far more
    likely a spinner's pick than a writer's counts several times). Human writers produce such
    words too, but a spinner's picks raise the rate sharply. ``odd_offsets`` are the words that
    count at least once; they are not shown as findings one by one (too many false alarms),
    only used for the document score and to propose rare-synonym findings.
    """

    n_odd: int
    n_eligible: int
    odd_offsets: tuple[tuple[int, int], ...]
    strong: tuple[tuple[int, float], ...] = ()


def _neighbour(tokens: list[Token], i: int, k: int) -> str | None:
    """The normal form of ``tokens[k]`` when it exists, is in the sentence of ``tokens[i]`` and
    is not split from it by a compound's edge (``apart``)."""
    if 0 <= k < len(tokens) and tokens[k].sentence == tokens[i].sentence and not apart(tokens[i], tokens[k]):
        return tokens[k].norm
    return None


def _context_cues(w: str, left: str | None, right: str | None, cands: tuple[Candidate, ...],
                  lexicon: Lexicon, model_candidates: int) -> tuple[float | None, bool]:
    """(share of the neighbours forming a frequent pair with ``w`` or None without neighbours,
    whether a synonym forms a frequent pair on a side where ``w`` forms none; the language model
    is asked about the first ``model_candidates`` synonyms only)."""
    attested = lexicon.attested
    sides = hits = 0
    fit = False
    if left is not None:
        sides += 1
        if attested(left, w):
            hits += 1
        else:
            fit = any(attested(left, c.form, model=k < model_candidates) for k, c in enumerate(cands))
    if right is not None:
        sides += 1
        if attested(w, right):
            hits += 1
        elif not fit:
            fit = any(attested(c.form, right, model=k < model_candidates) for k, c in enumerate(cands))
    return (hits / sides if sides else None), fit


def _word_prior(w: str, lexicon: Lexicon, m: SpinModel) -> tuple[float, tuple[Candidate, ...]] | None:
    """The context-free part of a word's spin log-likelihood ratio (rarity, thesaurus, synonym
    gap) and the synonyms to try in its context; None for a word unknown to ``wordfreq``."""
    z = lexicon.zipf(w)
    if z <= 0.0:
        return None
    s = min(max(m.rarity_slope * (m.pivot_zipf - z), m.rarity_min), m.rarity_max)
    if z < 5.0 and not lexicon.has_senses(w):
        s += m.no_senses
    best = lexicon.synonym_zipf(w)
    if best is not None:
        s += min(max(m.gap_weight * (best - z), m.gap_min), m.gap_max)
    else:
        s += m.no_synonym
    return s, lexicon.candidates(w)[: m.max_fit_candidates]


def word_spin_llr(tokens: list[Token], i: int, count: int, lexicon: Lexicon, m: SpinModel,
                  prior: tuple[float, tuple[Candidate, ...]] | None = None) -> float:
    """Log-likelihood ratio that the eligible word ``tokens[i]`` (used ``count`` times in its
    document) is a spinner's substitute rather than the writer's word (see ``SpinModel``).
    ``prior`` is ``_word_prior`` of the word when the caller has it already."""
    w = tokens[i].norm
    if prior is None:
        prior = _word_prior(w, lexicon, m)
        if prior is None:
            return m.unknown
    s, cands = prior
    share, fit = _context_cues(w, _neighbour(tokens, i, i - 1), _neighbour(tokens, i, i + 1), cands, lexicon,
                               m.model_fit_candidates)
    if share is not None:
        s += m.attested_weight * (m.attested_pivot - share)
    if fit:
        s += m.candidate_fit
    s += m.once if count == 1 else m.twice if count == 2 else m.repeated
    return s


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
    a code such as "COVID-19"). These are the pairs the odd-pair model judges."""
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
        out.append(i)
    return out


def word_llrs(tokens: list[Token], lexicon: Lexicon, model: SpinModel | None = None, *,
              eligible: list[bool] | None = None) -> list[float | None]:
    """``word_spin_llr`` of every eligible token (``SpinModel.unknown`` for a word unknown to
    ``wordfreq``), None for the others; ``eligible`` is ``is_eligible`` of every token when the
    caller has it already."""
    m = model or SpinModel()
    if eligible is None:
        eligible = [is_eligible(t, i == 0 or tokens[i - 1].sentence != t.sentence) for i, t in enumerate(tokens)]
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t.norm] = counts.get(t.norm, 0) + 1
    priors: dict[str, tuple[float, tuple[Candidate, ...]] | None] = {}
    out: list[float | None] = [None] * len(tokens)
    for i, t in enumerate(tokens):
        if not eligible[i]:
            continue
        if t.norm not in priors:
            priors[t.norm] = _word_prior(t.norm, lexicon, m)
        prior = priors[t.norm]
        out[i] = m.unknown if prior is None else word_spin_llr(tokens, i, counts[t.norm], lexicon, m, prior)
    return out


def oddness_of(tokens: list[Token], llrs: list[float | None], model: SpinModel | None = None) -> Oddness:
    """Weigh the odd words (see ``Oddness``) among ``tokens``, whose ``word_llrs`` are given."""
    m = model or SpinModel()
    n_eligible = 0
    total = 0.0
    odd: list[tuple[int, int]] = []
    strong: list[tuple[int, float]] = []
    for t, s in zip(tokens, llrs, strict=True):
        if s is None:
            continue
        n_eligible += 1
        if s <= 0.0:
            continue  # the contribution below is negative: the word looks like the writer's
        gain = math.log1p(m.prior_rate * math.expm1(s))
        total += gain
        if gain >= m.odd_unit:
            odd.append((t.start, t.end))
        if s >= m.strong_llr:
            strong.append((t.start, s))
    return Oddness(round(total / m.odd_unit), n_eligible, tuple(odd), tuple(strong))


def oddness(tokens: list[Token], lexicon: Lexicon, model: SpinModel | None = None, *,
            eligible: list[bool] | None = None) -> Oddness:
    """Weigh the odd words (see ``Oddness``) among ``tokens``; ``eligible`` is ``is_eligible``
    of every token when the caller has it already."""
    return oddness_of(tokens, word_llrs(tokens, lexicon, model, eligible=eligible), model)
