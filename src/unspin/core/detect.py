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
   known tortured phrases are flagged directly.

Approximate by design: the pair statistics only list frequent pairs, so absence of a pair is
weak evidence; a reference corpus (``Lexicon.with_reference``) makes it stronger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from unspin.core.results import Finding
from unspin.core.stopwords import STOPWORDS
from unspin.core.text import Token
from unspin.lexicon.model import Candidate, Lexicon


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Weights of the per-span logistic model (log10-count units for gains)."""

    gain_weight: float = 0.6
    rarity_weight: float = 1.5
    attested_penalty: float = 0.35
    learned_bonus: float = 1.5
    joint_bonus: float = 1.0
    bias: float = -5.5
    min_confidence: float = 0.5
    min_gain: float = 2.0
    max_joint_candidates: int = 12
    rare_synonym_gap: float = 2.0
    rare_synonym_max_zipf: float = 3.3
    rare_synonym_confidence: float = 0.6


@dataclass(slots=True)
class _Slot:
    """Evidence gathered for one token."""

    gain: float = 0.0
    rarity: float = 0.0
    learned: bool = False
    suggestion: str | None = None
    logit: float = -math.inf
    rare: bool = False


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def is_eligible(tok: Token, first_in_sentence: bool) -> bool:
    """Whether a spinner would swap this token: an alphabetic content word, not a name."""
    n = tok.norm
    if len(n) < 3 or n in STOPWORDS or not n.replace("-", "").isalpha():
        return False
    s = tok.surface
    if s.isupper() and len(s) > 1:
        return False  # acronym
    return not (s[:1].isupper() and not first_in_sentence)


def _spelling_variant(a: str, b: str) -> bool:
    """True for spelling variants such as utilising/utilizing, which are not substitutions."""
    return a[:3] == b[:3] and abs(len(a) - len(b)) <= 2 and SequenceMatcher(None, a, b).ratio() >= 0.8


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

    def __init__(self, lexicon: Lexicon, params: DetectorParams | None = None) -> None:
        self.lex = lexicon
        self.p = params or DetectorParams()

    def _logit(self, gain: float, rarity: float, attested: float, learned: bool) -> float:
        p = self.p
        return (p.gain_weight * gain + p.rarity_weight * max(min(rarity, 2.5), -1.5)
                - p.attested_penalty * attested + (p.learned_bonus if learned else 0.0) + p.bias)

    def _consider(self, slot: _Slot, cand: Candidate, gain: float, rarity: float, attested: float,
                  *, joint: bool = False) -> None:
        if gain < self.p.min_gain or (rarity < 0 and not cand.learned and not joint):
            return
        logit = self._logit(gain, rarity, attested, cand.learned) + (self.p.joint_bonus if joint else 0.0)
        if logit > slot.logit:
            slot.gain, slot.rarity, slot.learned = gain, rarity, cand.learned
            slot.suggestion, slot.logit = cand.form, logit

    def analyse(self, text: str, tokens: list[Token]) -> Analysis:
        """Findings (ordered by offset) and document oddness for ``text``, whose tokens are
        ``tokenize(text)``."""
        lex = self.lex
        odd = oddness(tokens, lex)
        findings: list[Finding] = []
        n = len(tokens)
        slots: list[_Slot | None] = [None] * n
        eligible = [False] * n
        for i, tok in enumerate(tokens):
            first = i == 0 or tokens[i - 1].sentence != tok.sentence
            eligible[i] = is_eligible(tok, first)
            if eligible[i]:
                slots[i] = _Slot()

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

        def content(k: int, i: int) -> str | None:
            # The neighbour's form when it is a content word of the same sentence: pairs with
            # function words mostly measure a word's frequency, not its fit, so they are skipped.
            if 0 <= k < n and tokens[k].sentence == tokens[i].sentence:
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
            cands = lex.candidates(w)
            if not cands:
                continue
            lw, rw = content(i - 1, i), content(i + 1, i)
            obs_l = pair(lw, w) if lw else 0.0
            obs_r = pair(w, rw) if rw else 0.0
            attested = max(obs_l, obs_r)
            zw = zipf(w)
            for c in cands:
                first_w = c.form.split(" ", 1)[0] if " " in c.form else c.form
                last_w = c.form.rsplit(" ", 1)[-1] if " " in c.form else c.form
                fl = pair(lw, first_w) if lw else 0.0
                fr = pair(last_w, rw) if rw else 0.0
                gain = max(fl - obs_l, 0.0) + max(fr - obs_r, 0.0)
                self._consider(slot, c, gain, c.zipf - zw, attested)

            # Joint substitution of this word and the next content word.
            j = i + 1
            if (j < n and slots[j] is not None and not covered[j] and tokens[j].sentence == tokens[i].sentence
                    and lex.term_slot(w, tokens[j].norm)):
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
                            score = pair(a_last, cb.form.split(" ", 1)[0])
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
            best = max((c for c in lex.candidates(w) if not _spelling_variant(c.form, w)),
                       key=lambda c: c.zipf, default=None)
            if (best is not None and zipf(w) <= self.p.rare_synonym_max_zipf
                    and best.zipf - zipf(w) >= self.p.rare_synonym_gap):
                slot.suggestion, slot.learned = best.form, False
                slot.logit = math.log(self.p.rare_synonym_confidence / (1 - self.p.rare_synonym_confidence))
                slot.rare = True

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
            sugg = _match_case("".join(parts), tokens[run[0][0]].surface)
            conf = max(c for _k, _s, c in run)
            ev = sorted({("learned-swap" if sl.learned else "rare-synonym" if sl.rare else "context-fit")
                         for _k, sl, _c in run})
            findings.append(Finding(s, e, text[s:e], sugg, round(conf, 4), tuple(ev)))
            run.clear()

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
class Oddness:
    """Context-free evidence of spinning over a whole document.

    A word is *odd* when it is an eligible content word, rare (Zipf below ``max_zipf``), used
    once in the document, a WordNet lemma (so a thesaurus could have produced it), and forms
    no frequent pair with either neighbour. Human writers use such words too (the rate in
    clean news is about 6%), but a spinner's random synonym picks raise the rate sharply. Not
    shown as findings (too many false alarms one by one): used for the document score.
    """

    n_odd: int
    n_eligible: int
    odd_offsets: tuple[tuple[int, int], ...]


def oddness(tokens: list[Token], lexicon: Lexicon, *, max_zipf: float = 4.0) -> Oddness:
    """Count odd words (see ``Oddness``) among ``tokens``."""
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t.norm] = counts.get(t.norm, 0) + 1
    n = len(tokens)
    n_eligible = 0
    odd: list[tuple[int, int]] = []
    attested = lexicon.attested
    for i, t in enumerate(tokens):
        first = i == 0 or tokens[i - 1].sentence != t.sentence
        if not is_eligible(t, first):
            continue
        n_eligible += 1
        w = t.norm
        if counts[w] > 1 or lexicon.zipf(w) >= max_zipf or not lexicon.has_senses(w):
            continue
        if i > 0 and tokens[i - 1].sentence == t.sentence and attested(tokens[i - 1].norm, w):
            continue
        if i + 1 < n and tokens[i + 1].sentence == t.sentence and attested(w, tokens[i + 1].norm):
            continue
        odd.append((t.start, t.end))
    return Oddness(len(odd), n_eligible, tuple(odd))
