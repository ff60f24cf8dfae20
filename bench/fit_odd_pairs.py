"""Fit the weights of the odd-pair model (``unspin.core.odd_pairs.OddPairParams``).

    PYTHONPATH=src python bench/fit_odd_pairs.py [--shared ../shared] [--news 400] [--news-weight 0.5]

Examples are adjacent content-word pairs that form no known pair of English (the only pairs the
model judges), with the detector's own features (``Detector.odd_pair_features``):

* positives: pairs inside a tortured phrase of ``tortured-phrases-dev.csv``, placed in the
  bench's carrier sentences; negatives: pairs inside its expected phrase in the same sentences.
  Phrases are split in two folds by tortured phrase (as in ``bench_check.py``); a phrase's
  features use the *other* fold as the known list, as the benchmark does;
* more negatives (weight ``--news-weight``): the unlisted pairs of ``--news`` clean BBC articles
  of the reference half (the half ``bench_check.py`` does not test on), features with the
  first fold's list.

It prints, for each fold, the phrase-level recall and precision of the model alone (fitted on
the other fold's phrases), then the weights fitted on everything, ready to paste into
``OddPairParams``. Needs scikit-learn (``pip install 'unspin[bench]'``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import bench_check as bc  # noqa: E402
from evaldata import data_dir, have_data, load_articles, load_pairs  # noqa: E402


def pair_examples(detector: object, text: str, span: tuple[int, int] | None, *,
                  names: bool = False) -> list[tuple[float, ...]]:
    """Features of the unlisted adjacent content-word pairs of ``text`` (only those overlapping
    ``span`` when given), as ``Detector._odd_pairs`` selects them among eligible words. Title-case
    words, which the detector also lets form odd pairs, are left out: the weights are fitted on
    lower-case pairs and applied to both."""
    from unspin.core.odd_pairs import unlisted_pairs
    from unspin.core.spin_evidence import word_llrs
    from unspin.text import joined, split_compounds, tokenize

    lex = detector.lex  # type: ignore[attr-defined]
    tokens = split_compounds(tokenize(text))
    llrs = word_llrs(tokens, lex)
    out = []
    for i in unlisted_pairs(text, tokens, llrs, lex, names=names):
        if names and llrs[i] is not None and llrs[i + 1] is not None:
            continue
        if span is None or bc.overlaps(tokens[i].start, tokens[i + 1].end, *span):
            out.append(detector.odd_pair_features(tokens[i].norm, tokens[i + 1].norm, llrs[i], llrs[i + 1],  # type: ignore[attr-defined]
                                                  hyphen=joined(tokens[i], tokens[i + 1])))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="the shared folder holding data/ (default: ../shared)")
    ap.add_argument("--news", type=int, default=400, help="clean BBC articles giving negatives")
    ap.add_argument("--news-weight", type=float, default=0.5, help="weight of a news negative")
    args = ap.parse_args(argv)
    if not have_data(args.shared):
        print(f"evaluation data not found in {data_dir(args.shared)}")
        return 2
    bc.ensure_unspin_importable()
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from unspin import Lexicon
    from unspin.core.detect import Detector
    from unspin.core.odd_pairs import ODD_PAIR_FEATURES

    data = data_dir(args.shared)
    pairs = load_pairs(data)
    base = Lexicon.default()
    fold_of = bc.make_folds([p.tortured.casefold() for p in pairs], 2, bc.DEFAULT_SEED)
    # phrase examples per fold: (features, label, sentence key)
    folds: list[list[tuple[tuple[float, ...], bool, tuple[int, str]]]] = [[], []]
    detectors = []
    for f in range(2):
        lex = base.with_known([(p.tortured, p.expected) for i, p in enumerate(pairs) if fold_of[i] != f])
        det = Detector(lex)
        detectors.append(det)
        cases = bc.build_cases(pairs, [i for i in range(len(pairs)) if fold_of[i] == f])
        for n, c in enumerate(cases):
            for x in pair_examples(det, c.tortured_text, c.tortured_span):
                folds[f].append((x, True, (n, "t")))
            for x in pair_examples(det, c.expected_text, c.expected_span):
                folds[f].append((x, False, (n, "e")))
        print(f"fold {f + 1}: {len(cases)} sentences, {len(folds[f])} unlisted pairs", file=sys.stderr)
    reference, _test = bc.split_articles(load_articles(data), bc.DEFAULT_SEED)
    news = [x for a in reference[: args.news] for x in pair_examples(detectors[0], a.text, None)]
    print(f"news: {len(news)} unlisted pairs in {min(args.news, len(reference))} clean articles", file=sys.stderr)

    def fit(rows: list[tuple[tuple[float, ...], bool, tuple[int, str]]]) -> LogisticRegression:
        x = np.array([r[0] for r in rows] + news, float)
        y = np.array([r[1] for r in rows] + [False] * len(news))
        w = np.array([1.0] * len(rows) + [args.news_weight] * len(news))
        return LogisticRegression(C=1.0, max_iter=5000).fit(x, y, sample_weight=w)

    def report(f: int, model: LogisticRegression, label: str) -> None:
        probs = model.predict_proba(np.array([r[0] for r in folds[f]], float))[:, 1]
        cells = []
        for th in (0.5, 0.55, 0.6, 0.7):
            best: dict[tuple[int, str], bool] = {}
            for (_x, _y, key), p in zip(folds[f], probs, strict=True):
                best[key] = best.get(key, False) or p >= th
            tp = sum(v for (_n, k), v in best.items() if k == "t")
            fp = sum(v for (_n, k), v in best.items() if k == "e")
            n_t = sum(1 for (_n, k) in best if k == "t")
            cells.append(f"{th}: R {tp / max(n_t, 1):.3f} P {tp / max(tp + fp, 1):.3f}")
        print(f"  fold {f + 1}, {label:9s} " + " | ".join(cells))

    model = fit(folds[0] + folds[1])

    # Name pairs ("ROC wind"): the word-pair model's logit, rescaled and shifted by a
    # one-feature logistic fit on name pairs of the same sentences and of the same news.
    def logit_of(rows: list[tuple[float, ...]]) -> np.ndarray:
        return model.decision_function(np.array(rows, float)) if rows else np.zeros(0)

    name_pos: list[tuple[float, ...]] = []
    name_neg: list[tuple[float, ...]] = []
    for f in range(2):
        cases = bc.build_cases(pairs, [i for i in range(len(pairs)) if fold_of[i] == f])
        for c in cases:
            name_pos += pair_examples(detectors[f], c.tortured_text, c.tortured_span, names=True)
            name_neg += pair_examples(detectors[f], c.expected_text, c.expected_span, names=True)
    name_news = [x for a in reference[: args.news] for x in pair_examples(detectors[0], a.text, None, names=True)]
    print(f"name pairs: {len(name_pos)} in tortured, {len(name_neg)} in expected phrases, "
          f"{len(name_news)} in news", file=sys.stderr)
    nx = np.concatenate([logit_of(name_pos), logit_of(name_neg), logit_of(name_news)]).reshape(-1, 1)
    ny = np.array([True] * len(name_pos) + [False] * (len(name_neg) + len(name_news)))
    nw = np.array([1.0] * (len(name_pos) + len(name_neg)) + [args.news_weight] * len(name_news))
    name_model = LogisticRegression(C=1.0, max_iter=5000).fit(nx, ny, sample_weight=nw)
    print("phrase recall (R) and precision (P) of the model alone at thresholds 0.5-0.7, over sentences")
    print("with an unlisted pair in the phrase; held out = fitted on the other fold's phrases")
    for f in range(2):
        report(f, fit(folds[1 - f]), "held out")
        report(f, model, "in-sample")
    print("\nweights fitted on both folds (OddPairParams):")
    print(f"    bias: float = {model.intercept_[0]:.3f}")
    for name, wt in zip(ODD_PAIR_FEATURES, model.coef_[0], strict=True):
        print(f"    {name}: float = {wt:.3f}")
    print(f"    name_scale: float = {name_model.coef_[0][0]:.3f}")
    print(f"    name_bias: float = {name_model.intercept_[0]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
