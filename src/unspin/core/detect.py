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
   words included, except for a word the list shows mostly as a spinner's pick, where only
   content neighbours count when it has one): the list says spinners make that swap, and the word does not
   sit where a writer would have put it.
   Suggestions prefer the smaller edit (one word changed rather than two when that already
   gives a known pair), the learned swap that fits the neighbours, and, where a flagged word's
   suggestion and a learned swap of its neighbour form a known term, the whole term.
5. Context-free document evidence (``unspin.core.spin_evidence``): every eligible word gets a
   spin log-likelihood ratio from rarity, synonym gap, fit with its neighbours and burstiness
   (``SpinModel``); the words' positive contributions to a document log-likelihood ratio,
   counted as "odd words" by strength, feed the score (``unspin.core.calibrate``), and the
   strongest become odd-word findings.
6. Adjacent words that form no known pair are judged by the odd-pair model
   (``unspin.core.odd_pairs``); bracketed acronyms whose long form no longer spells them, by
   ``unspin.core.acronyms``.

Approximate by design: the pair statistics only list frequent pairs, so absence of a pair is
weak evidence; a reference corpus (``Lexicon.with_reference``) makes it stronger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from unspin.core.acronyms import acronym_mismatches
from unspin.core.odd_pairs import OddPairParams, odd_pair_features, odd_pair_logit, unlisted_pairs
from unspin.core.results import Evidence, Finding
from unspin.core.spin_evidence import (
    Oddness,
    SpinModel,
    eligibility,
    fits_a_neighbour,
    oddness_of,
    word_llrs,
    word_spin_llr,
)
from unspin.core.stopwords import STOPWORDS
from unspin.lexicon.known import KnownSubstitutions
from unspin.lexicon.model import Candidate, Lexicon, spelling_variant
from unspin.text import Token, apart, joined, match_case, split_compounds

KNOWN_PHRASE_CONFIDENCE = 0.97
"""Confidence of an exact match of a phrase of a known list (``--known``): someone listed it."""


def learned_phrase_confidence(times: int) -> float:
    """Confidence of an exact match of a phrase learned by tracing copies ``times`` times: 0.65
    for one copy, growing by 0.1 per further copy up to ``KNOWN_PHRASE_CONFIDENCE``. One traced
    copy is evidence, not a list entry: its finding counts in the score like any other, and only
    swaps seen in several copies come close to a listed phrase."""
    return min(KNOWN_PHRASE_CONFIDENCE, 0.55 + 0.1 * max(1, times))


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

    ``spin``: the per-word spin evidence (``SpinModel``), ``odd_pairs``: the odd-pair model
    (``OddPairParams``); both are read by the detector only through these fields.
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
    # A word whose ``KnownSubstitutions.output_ratio`` reaches this (with the ratio's smoothing:
    # seen at least twice as a spinner's pick and never in an established term, or more often
    # with some) fits its place only by a frequent pair with a content neighbour, when it has
    # one; see ``Detector.analyse``. At 1.0, one sighting would do, and "benchmark dataset"
    # (a pair the bigram list lacks) was flagged after a single "benchmark" in the list.
    learned_pick_ratio: float = 1.5
    bias: float = -5.5
    min_confidence: float = 0.5
    min_gain: float = 2.0
    # A joint swap of two adjacent words is sought among each word's first
    # ``max_joint_candidates`` candidates when it gives an established term (a WordNet lemma or
    # a known expected phrase), and among the first ``joint_pair_candidates`` when it gives a
    # merely frequent pair: among 12 x 12 combinations some frequent pair turns up by chance
    # ("middle filter" -> "eye strain").
    max_joint_candidates: int = 12
    joint_pair_candidates: int = 3
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
    spin: SpinModel = field(default_factory=SpinModel)
    odd_pairs: OddPairParams = field(default_factory=OddPairParams)


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



def known_phrase_findings(text: str, tokens: list[Token], known: KnownSubstitutions,
                          covered: list[bool]) -> list[Finding]:
    """Findings for the exact matches of ``known.phrases`` among ``tokens`` (compounds split),
    within one sentence, longest phrase first at each position and never overlapping: a match
    covers its tokens (``covered`` is set for them) and the search goes on after it. Phrases of
    any length match; linear in ``len(tokens)`` times the longest listed phrase."""
    phrases = known.phrases
    longest = max(map(len, phrases), default=0)
    found: list[Finding] = []
    i, n = 0, len(tokens)
    while i < n and longest:
        for length in range(min(longest, n - i), 0, -1):
            seq = tuple(t.norm for t in tokens[i:i + length])
            if seq in phrases and tokens[i + length - 1].sentence == tokens[i].sentence:
                s, e = tokens[i].start, tokens[i + length - 1].end
                times = known.learned.get(seq, 0)
                conf, evidence = ((learned_phrase_confidence(times), Evidence.LEARNED_SWAP) if times
                                  else (KNOWN_PHRASE_CONFIDENCE, Evidence.KNOWN_PHRASE))
                found.append(Finding(s, e, text[s:e], match_case(phrases[seq], tokens[i].surface), conf, (evidence,)))
                covered[i:i + length] = [True] * length
                i += length
                break
        else:
            i += 1
    return found


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the detector found in one text."""

    findings: tuple[Finding, ...]
    oddness: Oddness


@dataclass(frozen=True, slots=True)
class _Work:
    """What the passes of one ``Detector.analyse`` call share: the text, its tokens (compounds
    split), the evidence slot of each eligible token and which tokens a finding covers (both
    filled in by the passes, in order), and the per-word spin evidence."""

    text: str
    tokens: list[Token]
    slots: list[_Slot | None]
    covered: list[bool]
    llrs: list[float | None]
    odd: Oddness
    model: SpinModel


class Detector:
    """Scores tokens of one text against a lexicon. Stateless apart from its inputs."""

    def __init__(self, lexicon: Lexicon, params: DetectorParams | None = None) -> None:
        self.lex = lexicon
        self.p = params or DetectorParams()
        self.pp = self.p.odd_pairs

    def odd_pair_features(self, first: str, second: str, llr_first: float | None, llr_second: float | None, *,
                          hyphen: bool = False) -> tuple[float, ...]:
        """``unspin.core.odd_pairs.odd_pair_features`` with this detector's lexicon."""
        return odd_pair_features(self.lex, first, second, llr_first, llr_second, hyphen=hyphen)

    def odd_pair_probability(self, first: str, second: str, llr_first: float | None,
                             llr_second: float | None) -> float:
        """Probability (``OddPairParams``) that the adjacent words ``first second``, whose spin
        log-likelihood ratios are given (``None`` for a name: the pair is then a name pair), are
        a spinner's work. Meant for pairs the lexicon does not know (``Lexicon.pair`` is 0); a
        known pair is not judged by it."""
        return self._odd_pair_probability(self.odd_pair_features(first, second, llr_first, llr_second),
                                          name=llr_first is None or llr_second is None)

    def _odd_pair_probability(self, features: tuple[float, ...], *, name: bool = False) -> float:
        return _sigmoid(odd_pair_logit(self.pp, features, name=name))

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
            model = self.p.spin
            for i in found:
                slots[i] = _Slot()
                llrs[i] = word_spin_llr(tokens, i, counts[tokens[i].norm], lex, model)
        return found

    def _pair_suggestion(self, first: str, second: str, *, keep_first: bool = False,
                         keep_second: bool = False) -> tuple[str, str] | None:
        """The most established pair of English formed by candidates of either word (or the word
        itself), other than the observed pair, preferring a pair that keeps one of the words (the
        smaller edit); None when no candidate pair is known. A word to keep (``keep_first``,
        ``keep_second``: the spin model reads it as the writer's) is not replaced."""
        k = self.pp.suggestion_candidates
        pair = self.lex.pair
        firsts = [first] + ([] if keep_first else [c.form for c in self.lex.candidates(first)[:k]])
        seconds = [second] + ([] if keep_second else [c.form for c in self.lex.candidates(second)[:k]])
        best: tuple[int, float, str, str] | None = None
        for a in firsts:
            for b in seconds:
                if (a, b) == (first, second):
                    continue
                score = pair(a.rsplit(" ", 1)[-1], b.split(" ", 1)[0])
                kept = int(a == first or b == second)
                if score > 0 and (best is None or (kept, score) > best[:2]):
                    best = (kept, score, a, b)
        return None if best is None else (best[2], best[3])

    def _flagged(self, slot: _Slot | None) -> bool:
        """Whether the slot holds a suggestion confident enough to become a finding."""
        return slot is not None and bool(slot.suggestion) and _sigmoid(slot.logit) >= self.p.min_confidence

    def _chain_learned(self, tokens: list[Token], slots: list[_Slot | None], covered: list[bool]) -> None:
        """Spinners swap whole terms: where a flagged word's suggestion forms no known pair with
        an unflagged neighbour, but one of the neighbour's learned swaps does ("preparing
        information": "training" is suggested, and "information" -> "data" is a learned swap
        forming "training data"), flag the neighbour too, with that swap and the same
        confidence. Uses learned swaps only: WordNet synonyms would rewrite words the writer
        chose."""
        n = len(tokens)
        pair = self.lex.pair
        flagged = self._flagged
        for i in range(n):
            if not flagged(slots[i]) or covered[i]:
                continue
            src = slots[i]
            assert src is not None and src.suggestion is not None
            for j in (i - 1, i + 1):
                if not (0 <= j < n) or covered[j] or flagged(slots[j]) or slots[j] is None:
                    continue
                if tokens[j].sentence != tokens[i].sentence or apart(tokens[i], tokens[j]):
                    continue
                sj = slots[j]
                assert sj is not None
                w = tokens[j].norm
                after = j > i
                edge = src.suggestion.split(" ", 1)[0] if after else src.suggestion.rsplit(" ", 1)[-1]
                if (pair(edge, w) if after else pair(w, edge)) > 0:
                    continue
                best = max(((pair(edge, c.form) if after else pair(c.form, edge), c.form)
                            for c in self.lex.candidates(w) if c.learned), default=None)
                if best is not None and best[0] > 0:
                    sj.suggestion, sj.logit, sj.learned = best[1], src.logit, True

    def _learned_form(self, form: str) -> str:
        """The word's most often learned swap (``Candidate.learned``), or the word itself: the
        suggestion for a word of an odd pair when no candidate pair is known."""
        best = max((c for c in self.lex.candidates(form) if c.learned), key=lambda c: c.weight, default=None)
        return form if best is None else best.form

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
            forms[k] = match_case(form, tokens[k].surface)
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
            out.append(Finding(s, e, text[s:e], sugg, self.p.acronym_confidence, (Evidence.ACRONYM_MISMATCH,)))
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
        flagged = self._flagged

        title = self._title_words(tokens, slots, covered, llrs)
        odd: list[tuple[float, int]] = []
        for i in unlisted_pairs(text, tokens, llrs, self.lex, names=True):
            a, b = slots[i], slots[i + 1]
            name = llrs[i] is None or llrs[i + 1] is None
            if covered[i] or covered[i + 1] or flagged(a) or flagged(b):
                continue
            if (a is None or b is None) and not name:
                continue
            if i + 1 in title and not tokens[i].surface[:1].isupper():
                continue  # a word and a capitalised one: most often a noun and a name ("lawyer Gregory")
            x = self.odd_pair_features(tokens[i].norm, tokens[i + 1].norm, llrs[i], llrs[i + 1],
                                       hyphen=joined(tokens[i], tokens[i + 1]))
            prob = self._odd_pair_probability(x, name=name)
            if prob >= (pp.threshold if x[0] else pp.threshold_other):  # x[0]: shaped like a noun phrase
                odd.append((prob, i))
        for prob, i in sorted(odd, key=lambda x: (-x[0], x[1])):
            a, b = slots[i], slots[i + 1]
            if flagged(a) or flagged(b):
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
                else:
                    form = self._learned_form(form)
                sl.suggestion, sl.logit = form, logit
                sl.learned = sl.rare = sl.odd = False
                sl.pair = True
                continue
            # A word the spin model reads as the writer's (a negative log-likelihood ratio: "new"
            # in "new fate") keeps its form: only its partner is replaced, or nothing is suggested.
            writer = [llrs[k] is not None and llrs[k] < 0 for k in (i, i + 1)]  # type: ignore[operator]
            sugg = self._pair_suggestion(tokens[i].norm, tokens[i + 1].norm, keep_first=writer[0],
                                         keep_second=writer[1]) or (
                self._learned_form(tokens[i].norm), self._learned_form(tokens[i + 1].norm))
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
        observed word sits where a writer would put it (see ``analyse``)."""
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
            return 0 <= j < n and self._flagged(slots[j])

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
            assert slot.suggestion is not None  # flagged(i): _flagged holds only slots with a suggestion
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
        parts here (``split_compounds``).

        Passes, in order (each leaves alone the tokens an earlier one covered or flagged): exact
        known phrases; acronyms whose letters do not match their expansion; per word, the
        context fit of its synonyms and the joint swap of it and the next word; rare synonyms;
        words the spin model finds very unlikely; odd pairs; learned swaps chained to their
        neighbours; suggestions re-ranked. Then confident slots become findings."""
        tokens = split_compounds(tokens)
        eligible = eligibility(tokens)
        model = self.p.spin
        llrs = word_llrs(tokens, self.lex, model, eligible=eligible)
        odd = oddness_of(tokens, llrs, model)
        w = _Work(text, tokens, [_Slot() if e else None for e in eligible], [False] * len(tokens), llrs, odd,
                  model)
        findings = known_phrase_findings(text, tokens, self.lex.known, w.covered)
        findings += self._acronym_findings(text, tokens, w.covered)
        for i in range(len(tokens)):
            self._context_fit(w, i)
        self._rare_synonyms(w)
        self._unlikely_words(w)
        self._odd_pairs(text, tokens, w.slots, w.covered, llrs)
        self._chain_learned(tokens, w.slots, w.covered)
        self._rerank_suggestions(tokens, w.slots, w.covered)
        findings += self._slot_findings(w)
        findings.sort(key=lambda f: f.start)
        return Analysis(tuple(findings), odd)

    def _context_fit(self, work: _Work, i: int) -> None:
        """Pass 3, for token ``i``: candidate originals that form a more frequent pair with the
        content-word neighbours (``_consider``), and the joint swap of the word and the next one."""
        lex, tokens, slots, covered = self.lex, work.tokens, work.slots, work.covered
        n = len(tokens)

        def content(k: int) -> str | None:
            # The neighbour's form when it is a content word of the same sentence: pairs with
            # function words mostly measure a word's frequency, not its fit, so they are skipped.
            if 0 <= k < n and tokens[k].sentence == tokens[i].sentence and not apart(tokens[k], tokens[i]):
                norm = tokens[k].norm
                if norm not in STOPWORDS and norm.isalpha():
                    return norm
            return None

        pair = lex.pair
        zipf = lex.zipf
        slot = slots[i]
        if slot is None or covered[i]:
            return
        w = tokens[i].norm
        cands = lex.candidates(w)[: self.p.max_candidates]
        if not cands:
            return
        lw, rw = content(i - 1), content(i + 1)
        obs_l = pair(lw, w) if lw else 0.0
        obs_r = pair(w, rw) if rw else 0.0
        attested = max(obs_l, obs_r)
        zw = zipf(w)
        ratio = lex.known.output_ratio(w)
        # Whether the word sits where a writer would put it, which blocks a learned swap
        # without pair evidence: for a word the list shows mostly as a spinner's pick and
        # that has a content neighbour, only a frequent pair with a content neighbour counts
        # (its pairs with function words only say that it is a common word); otherwise any
        # frequent pair, function words included.
        if not lex.known.swaps:
            fits = True
        elif ratio >= self.p.learned_pick_ratio and (lw is not None or rw is not None):
            fits = attested > 0
        else:
            fits = fits_a_neighbour(tokens, i, lex)
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
            best_learned: tuple[float, float, str] | None = None
            for c in cands:
                first_w = c.form.split(" ", 1)[0] if " " in c.form else c.form
                last_w = c.form.rsplit(" ", 1)[-1] if " " in c.form else c.form
                fl = pair(lw, first_w, model=False) if lw else 0.0
                fr = pair(last_w, rw, model=False) if rw else 0.0
                gain = max(fl - obs_l, 0.0) + max(fr - obs_r, 0.0)
                self._consider(slot, c, gain, c.zipf - zw, attested, fits=fits, ratio=ratio)
                if c.learned and (best_learned is None or (gain, c.weight) > best_learned[:2]):
                    best_learned = (gain, c.weight, c.form)
            # Whichever path flagged a learned swap, suggest the learned swap that fits the
            # neighbours best ("feature choice": "selection" forms a known term, "decision"
            # is the more frequent swap).
            if slot.learned and best_learned is not None and best_learned[0] > slot.gain:
                slot.suggestion, slot.gain = best_learned[2], best_learned[0]

        # Joint substitution of this word and the next content word.
        j = i + 1
        if (j < n and slots[j] is not None and not covered[j] and tokens[j].sentence == tokens[i].sentence
                and not apart(tokens[i], tokens[j]) and lex.term_slot(w, tokens[j].norm)):
            wj = tokens[j].norm
            cj = lex.candidates(wj)
            obs = pair(w, wj)
            if obs < 6.0:
                k, top = self.p.max_joint_candidates, self.p.joint_pair_candidates
                zj = zipf(wj)
                best: tuple[float, Candidate, Candidate] | None = None
                for ka, ca in enumerate(cands[:k]):
                    a_last = ca.form.rsplit(" ", 1)[-1]
                    for kb, cb in enumerate(cj[:k]):
                        b_first = cb.form.split(" ", 1)[0]
                        score = pair(a_last, b_first, model=False)
                        if score <= 0 or (best is not None and score <= best[0]):
                            continue
                        if (ka < top and kb < top) or lex.is_term(f"{a_last} {b_first}"):
                            best = (score, ca, cb)
                # The smaller edit first: when changing one word already gives a known pair
                # ("neural organization" -> "neural network"), both are not changed
                # ("nervous system"); the single-word pass judges that change.
                if best is not None and (any(pair(w, cb.form.split(" ", 1)[0], model=False) > 0 for cb in cj[:k])
                                         or any(pair(ca.form.rsplit(" ", 1)[-1], wj, model=False) > 0
                                                for ca in cands[:k])):
                    best = None
                if best is not None:
                    gain = best[0] - obs
                    rarity = max(best[1].zipf - zw, best[2].zipf - zj)
                    self._consider(slot, best[1], gain, rarity, 0.0, joint=True)
                    other = slots[j]
                    assert other is not None
                    self._consider(other, best[2], gain, rarity, 0.0, joint=True)

    def _rare_synonyms(self, work: _Work) -> None:
        """Pass 4: rare synonyms of common words, used once, fitting no frequent pair: a
        spinner's pick (tokens the spin model marked odd, not flagged by pass 3)."""
        lex, tokens, slots, covered = self.lex, work.tokens, work.slots, work.covered
        zipf = lex.zipf
        odd_starts = {s for s, _e in work.odd.odd_offsets}
        for i in range(len(tokens)):
            slot = slots[i]
            if slot is None or covered[i] or tokens[i].start not in odd_starts:
                continue
            if self._flagged(slot):
                continue
            w = tokens[i].norm
            synonym = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w)),
                       key=lambda c: c.zipf, default=None)
            if (synonym is not None and zipf(w) <= self.p.rare_synonym_max_zipf
                    and synonym.zipf - zipf(w) >= self.p.rare_synonym_gap):
                slot.suggestion, slot.learned = synonym.form, False
                slot.logit = math.log(self.p.rare_synonym_confidence / (1 - self.p.rare_synonym_confidence))
                slot.rare = True

    def _unlikely_words(self, work: _Work) -> None:
        """Pass 5: words the per-word spin model finds very unlikely for a writer, shown as
        evidence with the most frequent synonym as the suggestion (confidence from the ratio)."""
        lex, tokens, slots, covered, model = self.lex, work.tokens, work.slots, work.covered, work.model
        zipf = lex.zipf
        strong = dict(work.odd.strong)
        for i in range(len(tokens)):
            slot = slots[i]
            llr = strong.get(tokens[i].start)
            if slot is None or covered[i] or llr is None:
                continue
            if self._flagged(slot):
                continue
            w = tokens[i].norm
            zw = zipf(w)
            synonym = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w) and c.zipf > zw),
                       key=lambda c: c.zipf, default=None)
            if synonym is not None:
                slot.suggestion, slot.learned, slot.rare = synonym.form, False, False
                slot.logit = llr - model.strong_offset
                slot.odd = True

    def _slot_findings(self, work: _Work) -> list[Finding]:
        """Confident slots as findings, adjacent flagged words of one sentence merged into one span."""
        text, tokens, slots, covered = work.text, work.tokens, work.slots, work.covered
        findings: list[Finding] = []
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
            sugg = None if joined == text[s:e].casefold() else match_case(joined, tokens[run[0][0]].surface)
            conf = max(c for _k, _s, c in run)
            ev = sorted({(Evidence.LEARNED_SWAP if sl.learned else Evidence.RARE_SYNONYM if sl.rare
                          else Evidence.ODD_WORD if sl.odd else Evidence.ODD_PAIR if sl.pair else Evidence.CONTEXT_FIT)
                         for _k, sl, _c in run})
            findings.append(Finding(s, e, text[s:e], sugg, round(conf, 4), tuple(ev)))
            run.clear()

        for i in range(len(tokens)):
            slot = slots[i]
            conf = _sigmoid(slot.logit) if slot is not None and slot.suggestion else 0.0
            if slot is not None and conf >= self.p.min_confidence and not covered[i]:
                if run and (run[-1][0] != i - 1 or tokens[i].sentence != tokens[run[-1][0]].sentence):
                    flush()
                run.append((i, slot, conf))
            else:
                flush()
        flush()
        return findings
