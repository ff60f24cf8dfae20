"""Fit and measure the model tier's constants (``unspin.core.model_check.ModelParams``).

    PYTHONPATH=src python bench/fit_model_tier.py dump --half tune --articles 6 --brown 6 --propose-top 50 \
        --conditions moby-common:0.15,fluent-mythes:0.15,phrases:0.15,names:0.15
    PYTHONPATH=src python bench/fit_model_tier.py dump --half report --articles 10 --brown 10 --propose-top 50 \
        --conditions moby-common:0.08,moby-common:0.15,fluent-mythes:0.15,phrases:0.15,names:0.15
    PYTHONPATH=src python bench/fit_model_tier.py fit --misfit 8,10,12 [--refit]

``dump`` checks BBC articles of one half of ``bench_check.split_articles`` (``tune`` = its
reference half, ``report`` = its test half), clean and spun by each ``simulator:rate``
(``bench/spinner.py``'s simulators; ``common``/``uniform`` mean ``moby-common``/``moby-rare``),
and with ``--brown N`` N clean documents each of Brown's learned and fiction prose (spread over
the group's files; ``--brown-half a|b``: two disjoint halves of 2N), with the fast tier, and
records every word the language model reads (its gain, best candidate, surprisal, and with
``--propose-top`` the best of the model's own likely words), every token's surprisal (one more
window pass, no candidates) and the fast findings, as JSONL in ``bench/out/``. ``fit`` reads the
gain/substitution table off the tuning half, refits the score weights there with ``--refit`` (a
class-balanced logistic regression on clean and spun news), then prints fast vs model tier per
condition on both halves, and the model tier with ``model-misfit`` findings at each ``--misfit``
gain. ``genre`` compares today's document score with a genre-relative candidate (``CANDIDATE``)
on both halves and the Brown groups; ``surprisal`` prints content- and function-word surprisal
per group. ``--tune`` and ``--report`` take several dumps, comma-separated. The model is slow
(seconds per article), so the samples are small.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_check import (  # noqa: E402
    BROWN_INSTALL,
    DEFAULT_SEED,
    brown_dir,
    load_brown,
    roc_auc,
    spin_seed,
    split_articles,
)
from evaldata import data_dir, load_articles  # noqa: E402
from spinner import make_simulator  # noqa: E402

OUT = BENCH / "out"


#: Older condition names (``weighting:rate`` of the Moby simulator) and the simulators they mean.
_ALIASES = {"common": "moby-common", "uniform": "moby-rare"}


def dump(half: str, n: int, conditions: list[str], shared: str | None, brown: int = 0,
         propose_top: int = 0, out_path: str | None = None, skip: int = 0, brown_half: str = "") -> Path:
    from unspin import api
    from unspin.core.model_fit import word_fits
    from unspin.core.spin_evidence import eligibility, sentence_starts
    from unspin.lexicon import Lexicon
    from unspin.text import split_compounds, tokenize

    ref, test = split_articles(load_articles(data_dir(shared)), DEFAULT_SEED)
    articles = (ref if half == "tune" else test)[skip:skip + n]
    conditions = [c for c in conditions if c]
    spinners = {w: make_simulator(_ALIASES.get(w, w)) for w in {c.split(":")[0] for c in conditions}}
    lex = Lexicon.default()
    lm = api.language_model()
    fit_params = dataclasses.replace(api.ModelParams().fit, propose_top=propose_top)
    extra: list[tuple[str, Any]] = []
    if brown:
        root = brown_dir()
        if root is None:
            raise SystemExit(f"the Brown corpus is missing: {BROWN_INSTALL}")
        groups = load_brown(root)
        extra = [(f"brown-{g}", a) for g in ("learned", "fiction") for a in brown_sample(groups[g], brown, brown_half)]

    sources, proposable = api.model_candidate_sources(lex, fit_params, moby=True)  # every source, scored apart later

    OUT.mkdir(exist_ok=True)
    path = Path(out_path) if out_path else OUT / f"model_tier_{half}.jsonl"
    t_lm, n_words = 0.0, 0
    with path.open("w", encoding="utf-8") as out:
        work: list[tuple[str, list[tuple[str, str, list[Any]]]]] = []
        for a in articles:
            docs: list[tuple[str, str, list[Any]]] = [("clean", a.text, [])]
            for c in conditions:
                w, r = c.split(":")
                st = spinners[w].spin(a.text, rate=float(r), seed=spin_seed(a.id, float(r), DEFAULT_SEED))
                docs.append((f"{_ALIASES.get(w, w)}:{r}", st.text, list(st.substitutions)))
            work.append((a.id, docs))
        work += [(b.id, [(group, b.text, [])]) for group, b in extra]
        for doc_id, docs in work:
            for cond, text, subs in docs:
                res = api.check(text, lexicon=lex, config=api.CheckConfig())
                toks = split_compounds(tokenize(text))
                t0 = time.perf_counter()
                fits = word_fits(text, toks, eligibility(toks), sources, lm, sentence_starts=sentence_starts(toks),
                                 params=fit_params, proposable=proposable)
                t_lm += time.perf_counter() - t0
                n_words += len(toks)
                every = word_fits(text, toks, [True] * len(toks), {}, lm, sentence_starts=sentence_starts(toks),
                                  params=dataclasses.replace(fit_params, min_surprisal=math.inf, propose_top=0))
                words = [dict(i=i, surf=toks[i].surface, s=toks[i].start, e=toks[i].end,
                              gain=f.gain if math.isfinite(f.gain) else None, best=f.best, su=f.surprisal,
                              rd=[list(r) for r in f.readings])
                         for i, f in fits.items()]
                out.write(json.dumps(dict(
                    id=doc_id, cond=cond, score=res.score, words=words,
                    every=[[i, round(f.surprisal, 4)] for i, f in sorted(every.items())],
                    toks=[[t.surface, elig] for t, elig in zip(toks, eligibility(toks), strict=True)],
                    fast=[dict(s=x.start, e=x.end, text=x.text, sugg=x.suggestion, conf=x.confidence,
                               ev=list(x.evidence)) for x in res.findings],
                    subs=[dict(s=x.start, e=x.end, orig=x.original) for x in subs])) + "\n")
                out.flush()
            print(f"{doc_id}: model {n_words / t_lm:.0f} words/s", file=sys.stderr, flush=True)
    return path


def brown_sample(docs: list[Any], n: int, half: str = "") -> list[Any]:
    """``n`` documents spread evenly over ``docs`` (Brown's are ordered by file, three a file),
    or with ``half`` (``a`` or ``b``) the even or odd ones of ``2 * n`` so spread: two disjoint
    halves, one to look at and one to report on."""
    if not half:
        return docs[:: max(len(docs) // max(n, 1), 1)][:n]
    spread = docs[:: max(len(docs) // (2 * n), 1)][: 2 * n]
    return spread[0 if half == "a" else 1:: 2]


#: Candidate sources a policy may read: the lexicon's thesauri and the model's own words.
ALL_SOURCES = frozenset({"wordnet", "moby", "model"})


def _leave_out(cond: str, sources: frozenset[str]) -> frozenset[str]:
    """``sources`` less the thesaurus the simulator of condition ``cond`` drew from (leave one
    thesaurus out): a Moby-spun condition is read, clean documents included, without Moby."""
    return sources - {"moby"} if cond.startswith("moby") else sources


def _rebuild(d: dict[str, Any], sources: frozenset[str] = ALL_SOURCES) -> tuple[Any, Any, Any]:
    """Tokens, ``WordFit``s as ``word_fits`` would give them reading only ``sources`` (from the
    dumped readings), fast findings. Exact for WordNet alone and WordNet with Moby (sources are
    read in that order, each choosing its own best candidates); with Moby dropped, the model's
    own words are those of a run that also read Moby (a word Moby's candidates took is not
    among them), an approximation."""
    from unspin.core.model_fit import MODEL_SOURCE, WordFit
    from unspin.core.results import Finding

    toks = {w["i"]: SimpleNamespace(start=w["s"], end=w["e"], surface=w["surf"]) for w in d["words"]}
    use = sources

    def word_fit(w: dict[str, Any]) -> Any:
        rd = [r for r in w.get("rd", []) if r[0] in use]
        lex = max((r for r in rd if r[0] != MODEL_SOURCE), key=lambda r: r[2], default=None)
        own = max((r for r in rd if r[0] == MODEL_SOURCE), key=lambda r: r[2], default=None)
        return WordFit(w["i"], lex[2] if lex else -math.inf, lex[1] if lex else None, w["su"],
                       own[2] if own else -math.inf, own[1] if own else None, tuple(map(tuple, rd)))

    fits = {w["i"]: word_fit(w) for w in d["words"]}
    fast = [Finding(f["s"], f["e"], f["text"], f["sugg"], f["conf"], tuple(f["ev"])) for f in d["fast"]]
    return toks, fits, fast


def _judged(d: dict[str, Any], p: Any, sources: frozenset[str] = ALL_SOURCES) -> Any:
    from unspin.core.model_check import judge

    toks, fits, fast = _rebuild(d, sources)
    return judge("", toks, fits, fast, params=p)  # findings' text comes from the fast ones or the token


def _features(d: dict[str, Any], p: Any, sources: frozenset[str] = ALL_SOURCES) -> list[float]:
    from unspin.core.model_check import score_features

    return list(score_features(d["score"], _judged(d, p, sources), params=p))


def _words(d: dict[str, Any], findings: Any) -> tuple[int, int, int, int, int]:
    subs = d["subs"]
    found = sum(any(f.start < s["e"] and s["s"] < f.end for f in findings) for s in subs)

    def exact(f: Any, s: dict[str, Any]) -> bool:
        return bool(f.suggestion) and (f.start, f.end) == (s["s"], s["e"]) and f.suggestion.lower() == s["orig"].lower()

    restored = sum(any(exact(f, s) for f in findings) for s in subs)
    made = [f for f in findings if f.suggestion]
    right = sum(any(exact(f, s) for s in subs) for f in made)
    return len(subs), found, restored, len(made), right


def _load(path: Path) -> list[dict[str, Any]]:
    """The documents of a dump, or of several (``path`` names them, comma-separated); a
    document (id and condition) that an earlier file already holds is read once."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for one in str(path).split(","):
        for line in Path(one).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if (d["id"], d["cond"]) not in seen:
                seen.add((d["id"], d["cond"]))
                out.append(d)
    return out


Policy = tuple[str, frozenset[str], Any]  # name, candidate sources, ModelParams (None: the fast tier)


def fit(tune_path: Path, report_path: Path, *, refit: bool, misfit: list[float], brown: bool = False,
        in_sample: bool = False) -> None:
    """Print the gain table (tuning half); then, per policy (candidate sources, with or without
    ``model-misfit`` findings at each gain of ``misfit``), refit the score weights on the
    tuning half when ``refit``, and print fast vs model tier per condition on both halves. A
    Moby-spun condition is always read without the Moby source (leave one thesaurus out).
    Clean news sets the false-positive rate; Brown groups (``brown-*``) are reported apart."""
    from unspin.core.model_check import ModelParams

    tune, report = _load(tune_path), _load(report_path)
    gains = [(w["gain"], w["s"], d) for d in tune for w in d["words"] if w["gain"] is not None]
    print("gain (nats) -> share of words that are substitutions, tuning half (spun documents, all sources)")
    for lo, hi in ((2, 4), (4, 6), (6, 8), (8, 99)):
        sel = [(s, d) for g, s, d in gains if lo <= g < hi and d["subs"]]
        subs = sum(any(x["s"] == s for x in d["subs"]) for s, d in sel)
        print(f"  {lo:>2}-{hi:<2}  n {len(sel):4}  share {subs / max(len(sel), 1):.2f}")
    base = dataclasses.replace(ModelParams(), misfit_gain=math.inf)
    policies: list[Policy] = [("fast", frozenset(), None)]
    for sources in (frozenset({"wordnet"}), frozenset({"wordnet", "moby"})):
        label = "+".join(sorted(sources))
        p = _refit(tune, base, sources, brown=brown) if refit else base
        policies.append((label, sources, p))
        policies += [(f"{label}+misfit{g:g}", sources | {"model"}, dataclasses.replace(p, misfit_gain=g))
                     for g in misfit]
    for name, docs in (("tuning half", tune), ("report half (held out)", report)):
        _report_half(name, docs, policies)
    if in_sample:
        _report_half("report half, Moby not left out (a crawl spun from Moby)", report, policies, leave_out=False)


#: A genre-relative document score, measured and not adopted (bench/README.md, "2026-12-07:
#: a genre-relative document score"). A document's *bar* is ``count_gain`` raised by as far as
#: the lower quartile of its words' lexicon gains (shrunk towards clean news's by
#: ``baseline_prior`` pseudo-gains) sits above clean news's (``clean_baseline``: the median
#: lower quartile of the tuning half's 28 clean articles); the score is a logistic model of the
#: summed excess of its gains over the bar (each word's capped at ``excess_cap`` nats, per 100
#: scored words, shrunk towards ``clean_excess`` per word by ``prior_words``) and the mean
#: surprisal (shrunk towards ``clean_surprisal``), with the fast tier's logit dropped.
#: ``w_surprisal`` is held at 1.0 (chosen on Brown half a between 0 and the free fit's 2.5), and
#: ``w_excess`` and ``bias`` are the class-balanced fit on the tuning half's news
#: (``genre --refit``).
CANDIDATE = SimpleNamespace(count_gain=4.0, quantile=0.25, clean_baseline=-6.53, baseline_prior=3.0, excess_cap=8.0,
                            clean_excess=0.0112, prior_words=50.0, clean_surprisal=5.39, w_excess=0.716,
                            w_surprisal=1.0, bias=-7.623)


def _gains(d: dict[str, Any], sources: frozenset[str]) -> list[float]:
    """The finite lexicon gains of a dumped document's scored words, read with ``sources``."""
    _, fits, _ = _rebuild(d, sources)
    return [f.gain for f in fits.values() if math.isfinite(f.gain)]


def _bar(gains: list[float], c: Any) -> float:
    """The candidate's gain bar: ``count_gain`` raised by the document's lower-quartile gain
    above clean news's, never lowered."""
    if not gains:
        return float(c.count_gain)
    q = float(np.quantile(gains, c.quantile))
    base = (q * len(gains) + c.clean_baseline * c.baseline_prior) / (len(gains) + c.baseline_prior)
    return float(c.count_gain + max(0.0, base - c.clean_baseline))


def _candidate_features(d: dict[str, Any], sources: frozenset[str], c: Any) -> tuple[float, float]:
    """The candidate's inputs: gain excess over the bar per 100 scored words, mean surprisal."""
    j = _judged(d, _params(), sources)
    gains = _gains(d, sources)
    bar = _bar(gains, c)
    excess = sum(min(g - bar, c.excess_cap) for g in gains if g > bar)
    n, k = j.n_scored, c.prior_words
    return (100.0 * (excess + k * c.clean_excess) / (n + k),
            (j.mean_surprisal * n + k * c.clean_surprisal) / (n + k))


def _candidate_score(d: dict[str, Any], sources: frozenset[str], c: Any) -> float:
    if not d["words"]:
        return float(d["score"])
    excess, surprisal = _candidate_features(d, sources, c)
    z = c.w_excess * excess + c.w_surprisal * surprisal + c.bias
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def _refit_candidate(tune: list[dict[str, Any]], sources: frozenset[str], c: Any) -> Any:
    """``c`` with ``w_excess`` and ``bias`` refitted on the tuning half's news (class-balanced
    logistic regression, L2 penalty 1/2 on the weight as sklearn's ``C=1``), ``w_surprisal``
    held: the surprisal enters as an offset."""
    from scipy.optimize import minimize

    news = [d for d in tune if not d["cond"].startswith("brown")]
    f = np.array([_candidate_features(d, sources, c) for d in news])
    y = np.array([d["cond"] != "clean" for d in news], dtype=float)
    w = np.where(y > 0, 1.0, y.sum() / max((1 - y).sum(), 1))
    offset = c.w_surprisal * (f[:, 1] - c.clean_surprisal)

    def loss(t: Any) -> float:
        z = f[:, 0] * t[0] + t[1] + offset
        return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * t[0] ** 2)

    t = minimize(loss, np.zeros(2), method="BFGS").x
    q = SimpleNamespace(**{**vars(c), "w_excess": round(float(t[0]), 3),
                           "bias": round(float(t[1]) - c.w_surprisal * c.clean_surprisal, 3)})
    print(f"fitted on {len(news)} news documents: w_excess={q.w_excess} bias={q.bias} (w_surprisal {q.w_surprisal})")
    return q


def _params(**changes: Any) -> Any:
    from unspin.core.model_check import ModelParams

    return dataclasses.replace(ModelParams(), **changes)


def genre(tune_path: Path, report_path: Path, *, refit: bool, tune_fpr0: bool = False) -> None:
    """Today's document score (``ModelParams``, ``model_score``) against the genre-relative
    candidate (``CANDIDATE``), the default candidate sources (WordNet and the model's own words),
    side by side per half: AUC and recall@0.5 per condition, the clean news FPR, each Brown
    group's FPR (Brown is never fitted on). ``refit``: the candidate's ``w_excess`` and ``bias``
    refitted on the tuning half's news; ``tune_fpr0``: the candidate's bias lowered until no
    clean tuning-half article reaches 0.5 (a second operating point)."""
    from unspin.core.model_check import model_score

    tune, report = _load(tune_path), _load(report_path)
    sources = frozenset({"wordnet", "model"})
    c = _refit_candidate(tune, sources, CANDIDATE) if refit else CANDIDATE
    if tune_fpr0:
        scores = [_candidate_score(d, sources, c) for d in tune if d["cond"] == "clean"]
        top = max(math.log(s / (1 - s)) for s in scores)
        c = SimpleNamespace(**{**vars(c), "bias": round(c.bias - max(top, 0.0) - 0.01, 3)})
        print(f"bias for no clean tuning article at 0.5: {c.bias}")
    p = _params()

    def before(d: dict[str, Any]) -> float:
        return model_score(d["score"], _judged(d, p, sources), params=p)

    def after(d: dict[str, Any]) -> float:
        return _candidate_score(d, sources, c)

    for name, docs in (("tuning half", tune), ("report half (held out)", report)):
        _genre_table(name, docs, before, after)


def word_surprisal(path: Path) -> None:
    """Median per document group (clean news, spun news by rate, Brown groups) of each
    document's mean surprisal over its eligible (content) words, over its other alphabetic words
    (function words) and the difference, from dumps that recorded every token (``every``); and
    each one's ROC AUC against clean news."""
    docs = [d for d in _load(path) if "every" in d]

    def group(cond: str) -> str:
        return cond if cond == "clean" or cond.startswith("brown") else f"spun {cond.split(':')[1]}"

    rows: dict[str, list[tuple[float, float, float]]] = {}
    for d in docs:
        su = dict((i, s) for i, s in d["every"])
        content = [s for i, s in su.items() if d["toks"][i][1]]
        function = [s for i, s in su.items() if not d["toks"][i][1] and d["toks"][i][0][:1].isalpha()]
        if content and function:
            cw, fw = float(np.mean(content)), float(np.mean(function))
            rows.setdefault(group(d["cond"]), []).append((cw, fw, cw - fw))
    print(f"{'group':14} {'n':>3}  content  function  content-function   (median; AUC against clean news)")
    for g, v in sorted(rows.items()):
        a = np.array(v)
        aucs = [roc_auc(list(a[:, k]), list(np.array(rows["clean"])[:, k])) for k in range(3)] if g != "clean" else []
        print(f"{g:14} {len(v):3}  " + "  ".join(f"{np.median(a[:, k]):7.2f}" + (f" ({aucs[k]:.2f})" if aucs else "")
                                        for k in range(3)))


def _genre_table(name: str, docs: list[dict[str, Any]], before: Any, after: Any) -> None:
    clean = [d for d in docs if d["cond"] == "clean"]
    print(f"\n{name}: {len(clean)} clean news articles")
    print(f"  {'condition':22} {'n':>3} {'AUC today':>10} {'AUC cand.':>9} {'recall today':>13} {'recall cand.':>12}")
    for cond in sorted({d["cond"] for d in docs} - {"clean"}):
        if cond.startswith("brown"):
            continue
        pos = [d for d in docs if d["cond"] == cond]
        aucs = [roc_auc([f(d) for d in pos], [f(d) for d in clean]) for f in (before, after)]
        recs = [np.mean([f(d) >= 0.5 for d in pos]) for f in (before, after)]
        print(f"  {cond:22} {len(pos):3} {aucs[0]:10.3f} {aucs[1]:9.3f} {recs[0]:13.2f} {recs[1]:12.2f}")
    print(f"  {'FPR (score >= 0.5)':22} {'n':>3} {'today':>10} {'cand.':>9}")
    for group in ["clean", *sorted({d["cond"] for d in docs if d["cond"].startswith("brown")})]:
        neg = [d for d in docs if d["cond"] == group]
        print(f"  {group:22} {len(neg):3} {np.mean([before(d) >= 0.5 for d in neg]):10.2f} "
              f"{np.mean([after(d) >= 0.5 for d in neg]):9.2f}")


def _refit(tune: list[dict[str, Any]], p: Any, sources: frozenset[str], *, brown: bool = False) -> Any:
    """``p`` with the document score's weights refitted on the tuning half's news (a
    class-balanced logistic regression over ``score_features``); with ``brown``, the Brown
    clean documents count as negatives too. Conditions whose thesaurus ``sources`` holds are left
    out (their clean documents could not be read with the same sources)."""
    from sklearn.linear_model import LogisticRegression

    news = [d for d in tune
            if (brown or not d["cond"].startswith("brown")) and _leave_out(d["cond"], sources) == sources]
    x = np.array([_features(d, p, sources) for d in news])
    y = np.array([d["cond"] != "clean" and not d["cond"].startswith("brown") for d in news])
    w = np.where(y, 1.0, y.sum() / max((~y).sum(), 1))
    c = LogisticRegression(C=1.0).fit(x, y, sample_weight=w)
    q = dataclasses.replace(p, w_fast=round(float(c.coef_[0][0]), 3), w_flagged=round(float(c.coef_[0][1]), 3),
                            w_surprisal=round(float(c.coef_[0][2]), 3), bias=round(float(c.intercept_[0]), 3))
    print(f"fitted ({'+'.join(sorted(sources))}): w_fast={q.w_fast} w_flagged={q.w_flagged} "
          f"w_surprisal={q.w_surprisal} bias={q.bias}")
    return q


def _report_half(name: str, docs: list[dict[str, Any]], policies: list[Policy], *, leave_out: bool = True) -> None:
    from unspin.core.model_check import model_score

    clean = [d for d in docs if d["cond"] == "clean"]
    brown = sorted({d["cond"] for d in docs if d["cond"].startswith("brown")})
    print(f"\n{name}: {len(clean)} clean articles; " + ", ".join(
        f"{g} n={sum(d['cond'] == g for d in docs)}" for g in brown))
    print(f"  {'policy':28} {'condition':20} {'AUC':>6} {'recall':>7} {'FPR':>5} {'found':>6} {'exact':>6} "
          f"{'sugg.prec':>9} {'misfit/kw clean':>15}")
    for tier, sources, p in policies:
        def score(d: dict[str, Any], use: frozenset[str], p: Any = p) -> float:
            return float(d["score"]) if p is None else model_score(d["score"], _judged(d, p, use), params=p)

        def finds(d: dict[str, Any], use: frozenset[str], p: Any = p) -> Any:
            return _rebuild(d)[2] if p is None else _judged(d, p, use).findings  # fast: the dumped findings

        n_words = sum(len(d["words"]) for d in clean)
        misfits = sum("model-misfit" in f.evidence for d in clean for f in finds(d, sources))
        for cond in sorted({d["cond"] for d in docs} - {"clean"}):
            use = _leave_out(cond, sources) if leave_out else sources  # clean documents: the same sources
            pos = [d for d in docs if d["cond"] == cond]
            fpr = float(np.mean([score(d, use) >= 0.5 for d in clean]))
            if cond.startswith("brown"):
                print(f"  {tier:28} {cond:20} {'':6} {'':7} {np.mean([score(d, use) >= 0.5 for d in pos]):5.2f}")
                continue
            t = np.sum([_words(d, finds(d, use)) for d in pos], axis=0)
            print(f"  {tier:28} {cond:20} {roc_auc([score(d, use) for d in pos], [score(d, use) for d in clean]):6.3f} "
                  f"{np.mean([score(d, use) >= 0.5 for d in pos]):7.2f} {fpr:5.2f} {t[1] / t[0]:6.2f} "
                  f"{t[2] / t[0]:6.3f} {t[4] / max(t[3], 1):9.2f} {1000 * misfits / max(n_words, 1):15.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--half", choices=("tune", "report"), required=True)
    d.add_argument("--articles", type=int, default=12)
    d.add_argument("--conditions", default="common:0.15,uniform:0.08")
    d.add_argument("--shared", default=None)
    d.add_argument("--skip", type=int, default=0, help="start after the half's first SKIP articles")
    d.add_argument("--brown", type=int, default=0, help="also N clean Brown documents each of learned and fiction")
    d.add_argument("--brown-half", choices=("", "a", "b"), default="",
                   help="with --brown: half a or b of 2N documents spread over the group (disjoint)")
    d.add_argument("--propose-top", type=int, default=0, help="FitParams.propose_top for the dump (0: none)")
    d.add_argument("--out", default=None, help="JSONL path (default bench/out/model_tier_HALF.jsonl)")
    f = sub.add_parser("fit")
    f.add_argument("--tune", default=str(OUT / "model_tier_tune.jsonl"))
    f.add_argument("--report", default=str(OUT / "model_tier_report.jsonl"))
    f.add_argument("--refit", action="store_true", help="refit the document score's weights on the tuning half")
    f.add_argument("--misfit", default="", help="comma-separated ModelParams.misfit_gain values to compare")
    f.add_argument("--in-sample", action="store_true", help="also report with the Moby source kept for Moby spins")
    f.add_argument("--refit-brown", action="store_true", help="with --refit: Brown documents are negatives too")
    g = sub.add_parser("genre", help="today's document score against the genre-relative candidate")
    g.add_argument("--tune", default=str(OUT / "model_tier_tune.jsonl"), help="dump(s), comma-separated")
    g.add_argument("--report", default=str(OUT / "model_tier_report.jsonl"), help="dump(s), comma-separated")
    g.add_argument("--refit", action="store_true", help="refit the candidate's w_excess and bias on the tuning half")
    w = sub.add_parser("surprisal", help="content- and function-word surprisal per document group")
    w.add_argument("--dumps", required=True, help="dump(s) with every token's surprisal, comma-separated")
    g.add_argument("--tune-fpr0", action="store_true", help="also lower the candidate's bias to no clean tuning FP")
    args = ap.parse_args()
    if args.cmd == "dump":
        print(dump(args.half, args.articles, args.conditions.split(","), args.shared, args.brown, args.propose_top,
                   args.out, args.skip, args.brown_half))
    elif args.cmd == "surprisal":
        word_surprisal(Path(args.dumps))
    elif args.cmd == "genre":
        genre(Path(args.tune), Path(args.report), refit=args.refit, tune_fpr0=args.tune_fpr0)
    else:
        fit(Path(args.tune), Path(args.report), refit=args.refit,
            misfit=[float(g) for g in args.misfit.split(",") if g], brown=args.refit_brown, in_sample=args.in_sample)


if __name__ == "__main__":
    main()
