"""Document-level score: from evidence to a calibrated probability of being spun.

Two kinds of evidence are counted per eligible word (content words a spinner could swap):

* ``odd`` words (``unspin.core.spin_evidence.oddness``, counted by strength): binomial-like with rate
  ``odd_clean`` in human text and ``odd_spun`` in spun text;
* the summed confidence of the findings: Poisson with rate ``find_clean`` / ``find_spun``.

Real counts are over-dispersed: topic and style move a document's rates, so its words are not
independent witnesses and the spread of the rates between documents hardly shrinks with length.
The raw log-likelihood ratio is therefore divided by the beta-binomial variance inflation
``1 + (n - 1) * overdispersion`` (``n`` eligible words): short documents keep nearly the raw
ratio, long ones saturate near ``1 / overdispersion`` effective words. ``temperature`` tempers
the result further (1.0 = not at all). With the default 50/50 prior, a score of 0.8 means:
among documents scored near 0.8, about 80% are spun, in a population with as many spun as clean
documents; the bench (``bench/bench_check.py``) measures how well that holds.

The rates and the overdispersion were set by hand for news-like prose: ``odd_clean`` and
``find_clean`` are the mean rates on clean BBC news of the development benchmark,
``overdispersion`` follows from the spread of the odd rate there, and ``odd_spun`` sits
between the rates of documents spun at 10% and 30% of eligible words (spun text is a mixture
of substitution rates). Approximate: another genre has other rates (a reference corpus of the
genre lowers the clean rates, so the score is then conservative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from unspin.core.results import PER_WORD_EVIDENCE, Evidence, Finding


@dataclass(frozen=True, slots=True)
class Calibration:
    """Per-eligible-word rates of evidence in clean and in spun text, overdispersion and prior."""

    odd_clean: float = 0.090
    odd_spun: float = 0.28
    find_clean: float = 0.009
    find_spun: float = 0.014
    overdispersion: float = 0.025
    known_phrase_llr: float = 2.0
    temperature: float = 1.0
    prior_spun: float = 0.5

    def llr(self, *, n_odd: int, evidence: float, n_eligible: int, n_known: int = 0) -> float:
        """Log-likelihood ratio spun : clean of the document's evidence (natural log), corrected
        for overdispersion. Each of ``n_known`` exact matches of a known tortured phrase adds
        ``known_phrase_llr`` on top: such a match is strong evidence on its own, not a rate."""
        if n_eligible <= 0:
            return -math.inf
        k, n = min(n_odd, n_eligible), n_eligible
        odd = k * math.log(self.odd_spun / self.odd_clean) + (n - k) * math.log(
            (1 - self.odd_spun) / (1 - self.odd_clean)
        )
        found = evidence * math.log(self.find_spun / self.find_clean) - n * (self.find_spun - self.find_clean)
        return (odd + found) / (1.0 + (n - 1) * self.overdispersion) + self.listed_llr(n_known)

    def listed_llr(self, n_known: int) -> float:
        """The log-likelihood ratio of ``n_known`` exact matches of known tortured phrases:
        ``known_phrase_llr`` each, added on top of the rates' evidence (both tiers' scores)."""
        return n_known * self.known_phrase_llr

    def score(self, *, n_odd: int, evidence: float, n_eligible: int, n_known: int = 0) -> float:
        """Probability (0..1) that a document with this evidence is spun."""
        llr = self.llr(n_odd=n_odd, evidence=evidence, n_eligible=n_eligible, n_known=n_known)
        if llr == -math.inf:
            return 0.0
        logit = self.temperature * llr + math.log(self.prior_spun / (1 - self.prior_spun))
        logit = max(min(logit, 40.0), -40.0)
        return 1.0 / (1.0 + math.exp(-logit))


def finding_evidence(findings: Sequence[Finding]) -> tuple[float, int]:
    """(evidence, known) of a document's findings for ``Calibration.score``: the policy of which
    findings count, in one place. An exact match of a known multiword tortured phrase is strong
    evidence on its own and counts in ``known``; a listed single word ("brilliant") is also a
    common word, so it counts like any finding. Findings from the per-word evidence
    (``PER_WORD_EVIDENCE``) are already weighed by the document's oddness and are not counted
    again; the others add their confidence."""
    strong = [f for f in findings if Evidence.KNOWN_PHRASE in f.evidence and len(f.text.split()) > 1]
    evidence = sum(f.confidence for f in findings if not PER_WORD_EVIDENCE.intersection(f.evidence)) - sum(
        f.confidence for f in strong)
    return evidence, len(strong)
