"""Document-level score: from evidence to a calibrated probability of being spun.

Two kinds of evidence are counted per eligible word (content words a spinner could swap):

* ``odd`` words (``unspin.core.detect.oddness``): binomial with rate ``odd_clean`` in human
  text and ``odd_spun`` in spun text;
* the summed confidence of the findings: Poisson with rate ``find_clean`` / ``find_spun``.

Their log-likelihood ratios, tempered by ``temperature`` (real counts are over-dispersed: topic
and style move them, so the raw ratio would be over-confident), plus the prior log-odds, give
the probability. With the default 50/50 prior, a score of 0.8 means: among documents scored
near 0.8, about 80% are spun, in a population with as many spun as clean documents; the bench
(``bench/bench_check.py``) measures how well that holds. The rates are set for news-like prose
at low substitution rates (about 10% of eligible words); they are approximate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Calibration:
    """Per-eligible-word rates of evidence in clean and in spun text, and the prior."""

    odd_clean: float = 0.064
    odd_spun: float = 0.105
    find_clean: float = 0.03
    find_spun: float = 0.045
    temperature: float = 0.5
    prior_spun: float = 0.5

    def llr(self, *, n_odd: int, evidence: float, n_eligible: int) -> float:
        """Log-likelihood ratio spun : clean of the document's evidence (natural log)."""
        if n_eligible <= 0:
            return -math.inf
        k, n = min(n_odd, n_eligible), n_eligible
        odd = k * math.log(self.odd_spun / self.odd_clean) + (n - k) * math.log(
            (1 - self.odd_spun) / (1 - self.odd_clean)
        )
        found = evidence * math.log(self.find_spun / self.find_clean) - n * (self.find_spun - self.find_clean)
        return odd + found

    def score(self, *, n_odd: int, evidence: float, n_eligible: int) -> float:
        """Probability (0..1) that a document with this evidence is spun."""
        llr = self.llr(n_odd=n_odd, evidence=evidence, n_eligible=n_eligible)
        if llr == -math.inf:
            return 0.0
        logit = self.temperature * llr + math.log(self.prior_spun / (1 - self.prior_spun))
        logit = max(min(logit, 40.0), -40.0)
        return 1.0 / (1.0 + math.exp(-logit))
