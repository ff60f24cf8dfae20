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

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

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
    # No joint swap is sought for an observed pair this established (log10 count, as
    # ``Lexicon.pair``): a pair seen a million times is the writer's term. Set by hand in the
    # first version; no benchmark has moved it.
    joint_max_observed: float = 6.0
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


@dataclass(frozen=True, slots=True)
class Proposal:
    """One pass's proposal for one token (an index into the compound-split tokens): the likely
    original (``None``: flagged with nothing to suggest), the logit of the finding it would make,
    and the evidence it names. ``revises``: a re-wording of the token's decision by a later pass
    (the suggestion changes, nothing else); see ``arbitrate``."""

    index: int
    suggestion: str | None
    logit: float
    evidence: Evidence
    revises: bool = False


#: What the passes so far decided, token index -> the proposal kept (``arbitrate``).
Decisions = Mapping[int, Proposal]


def is_flagged(proposal: Proposal | None, *, min_confidence: float) -> bool:
    """Whether ``proposal`` is confident enough to become a finding: it has a suggestion and its
    logit reaches ``min_confidence`` (``DetectorParams.min_confidence``)."""
    return proposal is not None and bool(proposal.suggestion) and _sigmoid(proposal.logit) >= min_confidence


def arbitrate(decided: Decisions, proposals: Iterable[Proposal], *, min_confidence: float) -> dict[int, Proposal]:
    """The one rule that merges a pass's proposals into the decisions of the passes before it,
    proposal by proposal: a token's flagged decision (``is_flagged``) stands against any later
    proposal except a revision (``Proposal.revises``); an unflagged one, or none, is replaced.
    So the order of the passes is their priority. Returns a new mapping; ``decided`` is not
    changed."""
    out = dict(decided)
    for p in proposals:
        current = out.get(p.index)
        if current is None or p.revises or not is_flagged(current, min_confidence=min_confidence):
            out[p.index] = p
    return out


#: The logit of a probability that rounds to 1 (its log-odds are infinite): 1 - sigmoid(40) is
#: below float64's resolution near 1, so any larger value reads the same.
_CERTAIN_LOGIT = 40.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def covered_tokens(tokens: Sequence[Token], findings: Iterable[Finding]) -> frozenset[int]:
    """Indexes of the tokens that lie inside a finding's span."""
    starts = [t.start for t in tokens]
    out: set[int] = set()
    for f in findings:
        k = bisect.bisect_left(starts, f.start)
        while k < len(tokens) and tokens[k].end <= f.end:
            out.add(k)
            k += 1
    return frozenset(out)


def known_phrase_findings(text: str, tokens: list[Token], known: KnownSubstitutions) -> list[Finding]:
    """Findings for the exact matches of ``known.phrases`` among ``tokens`` (compounds split),
    within one sentence, longest phrase first at each position and never overlapping: the search
    goes on after a match. Phrases of any length match; linear in ``len(tokens)`` times the
    longest listed phrase."""
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
class PassContext:
    """What every per-word pass of one ``Detector.analyse`` call reads, fixed before the first:
    the text, its tokens (compounds split), which of them the per-word passes judge
    (``eligible``), which a listed finding holds (``covered``: known phrases, acronyms), the
    per-word spin log-likelihood ratios and the document's oddness (``unspin.core.spin_evidence``),
    and the title-case words that the odd-pair pass judges as well (``title``, with their ratios
    in ``pair_llrs``). Not changed by any pass."""

    text: str
    tokens: list[Token]
    eligible: list[bool]
    covered: frozenset[int]
    llrs: list[float | None]
    odd: Oddness
    title: frozenset[int]
    pair_llrs: list[float | None]

    def judged(self, i: int) -> bool:
        """Whether token ``i`` can hold a decision: eligible, or a title-case word."""
        return self.eligible[i] or i in self.title


#: A per-word pass: from the fixed context and the decisions of the passes before it, its
#: proposals (``Detector.passes``).
Pass = Callable[[PassContext, Decisions], list[Proposal]]


@dataclass(slots=True)
class _Slot:
    """The context-fit pass's best candidate so far for one token (local to that pass)."""

    gain: float = 0.0
    rarity: float = 0.0
    learned: bool = False
    suggestion: str | None = None
    logit: float = -math.inf


def _content_neighbours(tokens: Sequence[Token], i: int) -> tuple[str | None, str | None]:
    """The forms of the left and right neighbours of ``tokens[i]`` when they are content words
    of its sentence not split from it by a compound's edge (``apart``), else None: pairs with
    function words mostly measure a word's frequency, not its fit, so the context fit skips
    them."""
    tok = tokens[i]

    def content(k: int) -> str | None:
        if 0 <= k < len(tokens) and tokens[k].sentence == tok.sentence and not apart(tokens[k], tok):
            norm = tokens[k].norm
            if norm not in STOPWORDS and norm.isalpha():
                return norm
        return None

    return content(i - 1), content(i + 1)


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

    def analyse(self, text: str, tokens: list[Token]) -> Analysis:
        """Findings (ordered by offset, offsets into ``text``) and document oddness for
        ``text``, whose tokens are ``tokenize(text)``; hyphenated compounds are split into their
        parts here (``split_compounds``).

        First the listed findings: exact known phrases, then acronyms whose letters no longer
        match their long form; the tokens they hold are left to them. Then the per-word passes,
        each a function from the fixed ``PassContext`` and the decisions so far to proposals,
        merged by ``arbitrate`` in this order (their priority): the context fit of each word's
        synonyms and the joint swap of it and the next word; rare synonyms; words the spin
        model finds very unlikely; odd pairs; learned swaps chained to their neighbours;
        suggestions re-ranked. Then the flagged decisions become findings."""
        ctx, findings = self.listed(text, tokens)
        decided: Decisions = {}
        for _name, judge in self.passes():
            decided = arbitrate(decided, judge(ctx, decided), min_confidence=self.p.min_confidence)
        findings += self._findings(ctx, decided)
        findings.sort(key=lambda f: f.start)
        return Analysis(tuple(findings), ctx.odd)

    def listed(self, text: str, tokens: list[Token]) -> tuple[PassContext, list[Finding]]:
        """The listed findings of ``text`` (known phrases, then acronyms whose long form no
        longer spells them; by offset within each kind) and the fixed context of the per-word
        passes, in which the tokens those findings hold are ``covered``. ``tokens`` as for
        ``analyse``."""
        tokens = split_compounds(tokens)
        eligible = eligibility(tokens)
        model = self.p.spin
        llrs = word_llrs(tokens, self.lex, model, eligible=eligible)
        odd = oddness_of(tokens, llrs, model)
        findings = known_phrase_findings(text, tokens, self.lex.known)
        findings += self._acronym_findings(text, tokens, covered_tokens(tokens, findings))
        return self._pass_context(text, tokens, eligible, covered_tokens(tokens, findings), llrs, odd), findings

    def passes(self) -> tuple[tuple[str, Pass], ...]:
        """The per-word passes by name, in the order ``analyse`` merges them (their priority)."""
        return (("context-fit", self._context_fit), ("rare-synonym", self._rare_synonyms),
                ("odd-word", self._unlikely_words), ("odd-pair", self._odd_pairs),
                ("learned-chain", self._chain_learned), ("rerank", self._rerank_suggestions))

    def _pass_context(self, text: str, tokens: list[Token], eligible: list[bool], covered: frozenset[int],
                      llrs: list[float | None], odd: Oddness) -> PassContext:
        """The fixed context of the per-word passes, with the title-case words of the text
        (``OddPairParams.title_min_zipf``) and their spin log-likelihood ratios: the other passes
        leave them alone as names, the odd-pair pass judges them too, because scientific text
        writes terms in title case and spinners do not respect capitals."""
        lex = self.lex
        title = frozenset(
            i for i, t in enumerate(tokens)
            if not eligible[i] and i not in covered and len(t.surface) >= 3 and t.surface[:1].isupper()
            and t.surface[1:].islower() and t.norm.isalpha() and t.norm not in STOPWORDS
            and lex.zipf(t.norm) >= self.pp.title_min_zipf and lex.has_senses(t.norm)
        )
        pair_llrs = list(llrs)
        if title:
            counts = Counter(t.norm for t in tokens)
            for i in title:
                pair_llrs[i] = word_spin_llr(tokens, i, counts[tokens[i].norm], lex, self.p.spin)
        return PassContext(text, tokens, eligible, covered, llrs, odd, title, pair_llrs)

    def _flagged(self, proposal: Proposal | None) -> bool:
        return is_flagged(proposal, min_confidence=self.p.min_confidence)

    # -- the per-word passes, in the order ``analyse`` runs them ------------------------------

    def _context_fit(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 1: for every eligible word, its candidate originals that form a more frequent
        pair with its content-word neighbours, and the joint swap of it and the next word; per
        word, the candidate of the best logit (the first of equal ones, in the order tried)."""
        slots = {i: _Slot() for i, e in enumerate(ctx.eligible) if e and i not in ctx.covered}
        for i in slots:  # in token order: the joint swap of ``i`` weighs into the slot of ``i + 1``
            self._context_fit_at(ctx, slots, i, _content_neighbours(ctx.tokens, i))
        return [Proposal(i, s.suggestion, s.logit, Evidence.LEARNED_SWAP if s.learned else Evidence.CONTEXT_FIT)
                for i, s in sorted(slots.items()) if s.suggestion is not None]

    def _context_fit_at(self, ctx: PassContext, slots: dict[int, _Slot], i: int,
                        neighbours: tuple[str | None, str | None]) -> None:
        """Pass 1 for token ``i``, which has a slot: its candidates in context (``_consider``),
        then the joint swap of it and the next word, both weighed into ``slots`` (the pass's own
        table). ``neighbours``: its content neighbours (``_content_neighbours``)."""
        lex, tokens = self.lex, ctx.tokens
        pair = lex.pair
        slot = slots[i]
        w = tokens[i].norm
        k = self.p.max_candidates
        cands = lex.candidates(w)[:k]
        if not cands:
            return
        lw, rw = neighbours
        obs_l = pair(lw, w) if lw else 0.0
        obs_r = pair(w, rw) if rw else 0.0
        attested = max(obs_l, obs_r)
        zw = lex.zipf(w)
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
            firsts, lasts = lex.candidate_edges(w)
            fls = lex.pair_row(lw, firsts[:k]) if lw else [0.0] * len(cands)
            frs = lex.pair_column(lasts[:k], rw) if rw else [0.0] * len(cands)
            # No candidate gains more than the best pair either side gives; with no learned swap
            # among them (none without a known list), below ``min_gain`` nothing is kept.
            most = max(max(fls) - obs_l, 0.0) + max(max(frs) - obs_r, 0.0)
            if most >= self.p.min_gain or (lex.known.swaps and any(c.learned for c in cands)):
                self._weigh_in_context(slot, cands, fls, frs, (obs_l, obs_r), zw, attested, fits, ratio)
        self._joint_swap(ctx, slots, i, cands)

    def _weigh_in_context(self, slot: _Slot, cands: Sequence[Candidate], fls: Sequence[float],
                          frs: Sequence[float], observed: tuple[float, float], zw: float, attested: float,
                          fits: bool, ratio: float) -> None:
        """Pass 1, a word with a content neighbour: weigh each candidate (``_consider``) by its
        gain over the observed pairs (``observed``: with the left and the right neighbour) from
        its pairs with them (``fls``, ``frs``, one per candidate); ``zw``: the word's Zipf
        frequency. Where a learned swap is kept, the learned swap that fits the neighbours best
        becomes the suggestion ("feature choice": "selection" forms a known term, "decision" is
        the more frequent swap)."""
        obs_l, obs_r = observed
        min_gain = self.p.min_gain
        best_learned: tuple[float, float, str] | None = None
        for c, fl, fr in zip(cands, fls, frs, strict=True):
            gain = max(fl - obs_l, 0.0) + max(fr - obs_r, 0.0)
            if gain >= min_gain or (c.learned and not fits):  # else ``_consider`` keeps nothing
                self._consider(slot, c, gain, c.zipf - zw, attested, fits=fits, ratio=ratio)
            if c.learned and (best_learned is None or (gain, c.weight) > best_learned[:2]):
                best_learned = (gain, c.weight, c.form)
        if slot.learned and best_learned is not None and best_learned[0] > slot.gain:
            slot.suggestion, slot.gain = best_learned[2], best_learned[0]

    def _joint_swap(self, ctx: PassContext, slots: dict[int, _Slot], i: int, cands: Sequence[Candidate]) -> None:
        """Pass 1, the joint substitution of token ``i`` and the next content word."""
        lex, tokens = self.lex, ctx.tokens
        pair, zipf = lex.pair, lex.zipf
        w, j = tokens[i].norm, i + 1
        other = slots.get(j)
        if (other is None or tokens[j].sentence != tokens[i].sentence or apart(tokens[i], tokens[j])
                or not lex.term_slot(w, tokens[j].norm)):
            return
        wj = tokens[j].norm
        cj = lex.candidates(wj)
        obs = pair(w, wj)
        if obs >= self.p.joint_max_observed:
            return
        k, top = self.p.max_joint_candidates, self.p.joint_pair_candidates
        a_lasts = lex.candidate_edges(w)[1][: min(k, len(cands))]
        b_firsts = lex.candidate_edges(wj)[0][:k]
        # The smaller edit first: when changing one word already gives a known pair
        # ("neural organization" -> "neural network"), both are not changed
        # ("nervous system"); the single-word pass judges that change.
        if any(s > 0 for s in lex.pair_row(w, b_firsts)) or any(s > 0 for s in lex.pair_column(a_lasts, wj)):
            return
        # Among each word's first ``top`` candidates any known pair counts, further down only an
        # established term (``Lexicon.term_followers``: a term's pair is known).
        best: tuple[float, Candidate, Candidate] | None = None
        for ka, (ca, a_last) in enumerate(zip(cands[: len(a_lasts)], a_lasts, strict=True)):
            near = top if ka < top else 0
            terms = lex.term_followers(a_last)
            cells = [kb for kb, b in enumerate(b_firsts) if kb < near or b in terms] if terms else range(
                min(near, len(b_firsts)))
            for kb, score in zip(cells, lex.pair_row(a_last, [b_firsts[kb] for kb in cells]), strict=True):
                if score > 0 and (best is None or score > best[0]):
                    best = (score, ca, cj[kb])
        if best is None:
            return
        gain = best[0] - obs
        rarity = max(best[1].zipf - zipf(w), best[2].zipf - zipf(wj))
        self._consider(slots[i], best[1], gain, rarity, 0.0, joint=True)
        self._consider(other, best[2], gain, rarity, 0.0, joint=True)

    def _rare_synonyms(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 2: rare synonyms of common words, used once, fitting no frequent pair: a
        spinner's pick (words the spin model marked odd that no earlier pass flagged), with the
        most frequent synonym as the suggestion."""
        lex, tokens = self.lex, ctx.tokens
        zipf = lex.zipf
        odd_starts = {s for s, _e in ctx.odd.odd_offsets}
        logit = math.log(self.p.rare_synonym_confidence / (1 - self.p.rare_synonym_confidence))
        out: list[Proposal] = []
        for i in range(len(tokens)):
            if (not ctx.eligible[i] or i in ctx.covered or tokens[i].start not in odd_starts
                    or self._flagged(decided.get(i))):
                continue
            w = tokens[i].norm
            synonym = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w)),
                          key=lambda c: c.zipf, default=None)
            if (synonym is not None and zipf(w) <= self.p.rare_synonym_max_zipf
                    and synonym.zipf - zipf(w) >= self.p.rare_synonym_gap):
                out.append(Proposal(i, synonym.form, logit, Evidence.RARE_SYNONYM))
        return out

    def _unlikely_words(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 3: words the per-word spin model finds very unlikely for a writer, shown as
        evidence with the most frequent synonym as the suggestion (confidence from the ratio)."""
        lex, tokens, model = self.lex, ctx.tokens, self.p.spin
        zipf = lex.zipf
        strong = dict(ctx.odd.strong)
        out: list[Proposal] = []
        for i in range(len(tokens)):
            llr = strong.get(tokens[i].start)
            if not ctx.eligible[i] or i in ctx.covered or llr is None or self._flagged(decided.get(i)):
                continue
            w = tokens[i].norm
            zw = zipf(w)
            synonym = max((c for c in lex.candidates(w) if not spelling_variant(c.form, w) and c.zipf > zw),
                          key=lambda c: c.zipf, default=None)
            if synonym is not None:
                out.append(Proposal(i, synonym.form, llr - model.strong_offset, Evidence.ODD_WORD))
        return out

    def _odd_pairs(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 4: adjacent content words (no punctuation between) that form no known pair and
        that the odd-pair model finds likely spun, when neither word is flagged yet. Where two
        odd pairs share a word, the more probable one takes it. The suggestion is the best known
        pair of their candidates, or the words themselves when there is none. Of a word and a
        name ("HTTPS mocking"), only the word is flagged; its suggestion is its best candidate
        that forms a known pair with the name, if any."""
        pp, tokens, llrs = self.pp, ctx.tokens, ctx.pair_llrs
        now = dict(decided)
        flagged = self._flagged
        odd: list[tuple[float, int]] = []
        for i in unlisted_pairs(ctx.text, tokens, llrs, self.lex, names=True):
            name = llrs[i] is None or llrs[i + 1] is None
            if i in ctx.covered or i + 1 in ctx.covered or flagged(now.get(i)) or flagged(now.get(i + 1)):
                continue
            if not (ctx.judged(i) and ctx.judged(i + 1)) and not name:
                continue
            if i + 1 in ctx.title and not tokens[i].surface[:1].isupper():
                continue  # a word and a capitalised one: most often a noun and a name ("lawyer Gregory")
            x = self.odd_pair_features(tokens[i].norm, tokens[i + 1].norm, llrs[i], llrs[i + 1],
                                       hyphen=joined(tokens[i], tokens[i + 1]))
            prob = self._odd_pair_probability(x, name=name)
            if prob >= (pp.threshold if x[0] else pp.threshold_other):  # x[0]: shaped like a noun phrase
                odd.append((prob, i))
        out: list[Proposal] = []
        for prob, i in sorted(odd, key=lambda x: (-x[0], x[1])):
            if flagged(now.get(i)) or flagged(now.get(i + 1)):
                continue  # a more probable pair took one of the words
            logit = math.log(prob / (1.0 - prob)) if prob < 1.0 else _CERTAIN_LOGIT
            for k, form in self._odd_pair_forms(ctx, i):
                now[k] = Proposal(k, form, logit, Evidence.ODD_PAIR)
                out.append(now[k])
        return out

    def _odd_pair_forms(self, ctx: PassContext, i: int) -> list[tuple[int, str]]:
        """The suggestions for the odd pair at ``i``: (token index, form) for each judged word."""
        tokens, llrs = ctx.tokens, ctx.pair_llrs
        if not (ctx.judged(i) and ctx.judged(i + 1)):
            k = i if ctx.judged(i) else i + 1
            other = tokens[i + 1 if k == i else i].norm
            form = tokens[k].norm
            for c in self.lex.candidates(form)[: self.pp.suggestion_candidates]:
                if self.lex.pair(*((c.form, other) if k == i else (other, c.form))) > 0:
                    return [(k, c.form)]
            return [(k, self._learned_form(form))]
        # A word the spin model reads as the writer's (a negative log-likelihood ratio: "new"
        # in "new fate") keeps its form: only its partner is replaced, or nothing is suggested.
        writer = [(llr := llrs[k]) is not None and llr < 0 for k in (i, i + 1)]
        sugg = self._pair_suggestion(tokens[i].norm, tokens[i + 1].norm, keep_first=writer[0],
                                     keep_second=writer[1]) or (
            self._learned_form(tokens[i].norm), self._learned_form(tokens[i + 1].norm))
        return [(i, sugg[0]), (i + 1, sugg[1])]

    def _chain_learned(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 5: spinners swap whole terms: where a flagged word's suggestion forms no known
        pair with an unflagged neighbour, but one of the neighbour's learned swaps does
        ("preparing information": "training" is suggested, and "information" -> "data" is a
        learned swap forming "training data"), flag the neighbour too, with that swap and the
        same confidence (and on from there). Uses learned swaps only: WordNet synonyms would
        rewrite words the writer chose."""
        tokens = ctx.tokens
        n = len(tokens)
        pair = self.lex.pair
        flagged = self._flagged
        now = dict(decided)
        out: list[Proposal] = []
        for i in range(n):
            src = now.get(i)
            if not flagged(src) or i in ctx.covered:
                continue
            assert src is not None and src.suggestion is not None
            for j in (i - 1, i + 1):
                if not (0 <= j < n) or j in ctx.covered or flagged(now.get(j)) or not ctx.judged(j):
                    continue
                if tokens[j].sentence != tokens[i].sentence or apart(tokens[i], tokens[j]):
                    continue
                w = tokens[j].norm
                after = j > i
                edge = src.suggestion.split(" ", 1)[0] if after else src.suggestion.rsplit(" ", 1)[-1]
                if (pair(edge, w) if after else pair(w, edge)) > 0:
                    continue
                best = max(((pair(edge, c.form) if after else pair(c.form, edge), c.form)
                            for c in self.lex.candidates(w) if c.learned), default=None)
                if best is not None and best[0] > 0:
                    now[j] = Proposal(j, best[1], src.logit, Evidence.LEARNED_SWAP)
                    out.append(now[j])
        return out

    def _rerank_suggestions(self, ctx: PassContext, decided: Decisions) -> list[Proposal]:
        """Pass 6: for a flagged word standing alone (its neighbours not flagged), suggest the
        synonym the language model finds most natural in the sentence (two words either side)
        instead of the one with the best pair evidence; learned swaps keep their source. Revises
        only the suggestion, never what is flagged."""
        lm = self.lex.base.pairs
        k = self.p.rerank_candidates
        if lm is None or not k:
            return []
        tokens = ctx.tokens
        n = len(tokens)

        def flagged(j: int) -> bool:
            return 0 <= j < n and self._flagged(decided.get(j))

        out: list[Proposal] = []
        for i in range(n):
            d = decided.get(i)
            if (d is None or i in ctx.covered or d.evidence == Evidence.LEARNED_SWAP or not flagged(i)
                    or flagged(i - 1) or flagged(i + 1)):
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
            assert d.suggestion is not None  # flagged(i): only proposals with a suggestion are
            if " " in d.suggestion or d.suggestion not in forms:
                continue
            best, best_fit = d.suggestion, -math.inf
            for form in forms:
                window[i - lo] = form
                f = lm.fit(window, i - lo)
                if f > best_fit:
                    best, best_fit = form, f
            if best != d.suggestion:
                out.append(replace(d, suggestion=best, revises=True))
        return out

    def _findings(self, ctx: PassContext, decided: Decisions) -> list[Finding]:
        """Flagged decisions as findings, adjacent flagged words of one sentence merged into one
        span (the confidence of its most confident word, the evidence of all)."""
        text, tokens = ctx.text, ctx.tokens
        findings: list[Finding] = []
        run: list[tuple[int, Proposal, float]] = []

        def flush() -> None:
            if not run:
                return
            s, e = tokens[run[0][0]].start, tokens[run[-1][0]].end
            parts = []
            for idx, (k, d, _c) in enumerate(run):
                parts.append(d.suggestion or tokens[k].norm)
                if idx + 1 < len(run):
                    parts.append(text[tokens[k].end : tokens[run[idx + 1][0]].start])
            joined_text = "".join(parts)
            # An odd pair with no candidate pair keeps its words: flagged, nothing to suggest.
            sugg = None if joined_text == text[s:e].casefold() else match_case(joined_text, tokens[run[0][0]].surface)
            conf = max(c for _k, _d, c in run)
            evidence = tuple(sorted({d.evidence for _k, d, _c in run}))
            findings.append(Finding(s, e, text[s:e], sugg, round(conf, 4), evidence))
            run.clear()

        for i in range(len(tokens)):
            d = decided.get(i)
            conf = _sigmoid(d.logit) if d is not None and d.suggestion else 0.0
            if d is not None and conf >= self.p.min_confidence and i not in ctx.covered:
                if run and (run[-1][0] != i - 1 or tokens[i].sentence != tokens[run[-1][0]].sentence):
                    flush()
                run.append((i, d, conf))
            else:
                flush()
        flush()
        return findings

    # -- helpers of the passes -----------------------------------------------------------------

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

    def _acronym_findings(self, text: str, tokens: list[Token], covered: frozenset[int]) -> list[Finding]:
        """Long forms that no longer spell their bracketed acronym ("Web Protocol (IP)"), when
        their content words are ordinary English words (not names), none of them ``covered`` (a
        known phrase's) or in an earlier long form."""
        out: list[Finding] = []
        taken = set(covered)
        for mm in acronym_mismatches(text, tokens):
            span = list(range(mm.first, mm.last + 1))
            while span and tokens[span[0]].norm in STOPWORDS:
                span.pop(0)
            if not span or tokens[span[-1]].norm in STOPWORDS or any(k in taken for k in span):
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
            taken.update(span)
        return out

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
