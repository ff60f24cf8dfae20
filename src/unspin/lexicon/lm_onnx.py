"""The language model's forward pass as one onnxruntime graph (the fast backend).

``LanguageModel`` (``language_model.py``) holds the plain numpy forward pass, the reference;
this module builds the same computation as an ONNX graph, in code, when the model is loaded:
30 Llama blocks (RMSNorm, grouped-query attention with rotary positions on adjacent pairs,
SwiGLU), the final RMSNorm and the log-sum-exp of the output layer over the vocabulary. The graph
is serialised by a minimal protobuf writer below (the ``onnx`` package is not needed) and its
weights are handed to onnxruntime as external initializers (no copy into the graph): the norms
and the output layer as the reference's float32 arrays, and the Q4_1 linear layers as the GGUF
file's own 4-bit codes and scales (``q4_weights``), run by onnxruntime's ``MatMulNBits`` with
float32 compute. Nothing is pickled; the repacked 4-bit arrays are cached as ``.npy`` files.

Why float32 compute and not int8, measured on the development machine's AVX2 core (Zen 3, no
VNNI, no AVX-512): ``MatMulNBits`` with ``accuracy_level=4`` (activations quantised to int8 per
block of 32, as llama.cpp's Q8 x Q4) ran at half the float32 speed alone and no faster in the
whole graph, and moved token log-probabilities by 0.05 nats on average and up to 0.87; u8 x s8
``MatMulInteger`` (1.8x float32 alone) needs activations quantised per row, which moved them by
0.26 nats on average and up to 4.3 (per tensor: 12 and 29), against a 6-nat decision threshold.
The gain of this backend is the fused graph itself: 4-bit weights read from memory instead of
float32, onnxruntime's vectorised softmax, sigmoid, normalisation and log-sum-exp kernels, and no
numpy temporaries.

Exactness: the file's 4-bit weights (d * q + m, as (q - 8) * d plus the input's block sums times
m + 8 d) in float32 arithmetic, summed in another order than the reference: log-probabilities
agree with the numpy pass to about 3e-4 nats (pinned by ``tests/test_language_model.py``). One
intra-op thread: results do not depend on the machine's core count, and a given input gives
bit-identical output every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import numpy as np

#: Opset of the default ONNX domain used by the graph (Split with ``num_outputs``, reductions with
#: axes as an input).
_OPSET = 18
#: The GGUF tensors behind each linear layer of a block (rows of a merged layer in this order,
#: as ``language_model._read_gguf`` merges them).
_LINEAR = {"qkv": ("attn_q", "attn_k", "attn_v"), "out": ("attn_output",), "gate_up": ("ffn_gate", "ffn_up"),
           "down": ("ffn_down",)}
#: Weights per Q4_1 block, and bytes per block: float16 scale d, float16 minimum m, 16 bytes of
#: 4-bit codes (element j < 16 in the low nibble of byte j, element j + 16 in its high nibble), so
#: that a weight is d * q + m (ggml's block_q4_1).
_BLOCK = 32
_Q4_1_BYTES = 20
#: ``MatMulNBits``'s compute type: 0 is float32 (the activations as they are). 4 (int8 activations
#: per block, as llama.cpp's Q8 x Q4) ran at about half the float32 speed on the development
#: machine's AVX2 core (no VNNI) and moves log-probabilities (``bench/bench_lm_backend.py``).
_ACCURACY_LEVEL = 0


class Config(Protocol):
    """The model shape the graph needs (``language_model._Config``)."""

    @property
    def dim(self) -> int: ...
    @property
    def heads(self) -> int: ...
    @property
    def kv_heads(self) -> int: ...
    @property
    def layers(self) -> int: ...
    @property
    def hidden(self) -> int: ...
    @property
    def eps(self) -> float: ...

    @property
    def head_dim(self) -> int: ...


def available() -> bool:
    """Whether onnxruntime is importable (the fast backend can be built)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


# -- a minimal ONNX protobuf writer -----------------------------------------------------------
# The graph is serialised here rather than with the ``onnx`` package, whose import alone takes
# about 2 s and 30 MB: only the fields below are written. Field numbers and enum values are from
# onnx/onnx.proto (ONNX IR version 9).
_IR_VERSION = 9
_FLOAT, _UINT8, _INT64 = 1, 2, 7   # TensorProto.DataType
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7  # AttributeProto.AttributeType
_EXTERNAL = 1                      # TensorProto.DataLocation


def _varint(v: int) -> bytes:
    v &= (1 << 64) - 1  # negative int64 as two's complement, as protobuf does
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num: int, value: bytes | str | int) -> bytes:
    """One protobuf field: a varint for an int, length-delimited bytes otherwise."""
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _attribute(name: str, value: float | int | list[int]) -> bytes:
    if isinstance(value, list):  # INTS
        return _field(1, name) + b"".join(_field(8, v) for v in value) + _field(20, _ATTR_INTS)
    if isinstance(value, float):
        return _field(1, name) + _varint(2 << 3 | 5) + np.float32(value).tobytes() + _field(20, _ATTR_FLOAT)
    return _field(1, name) + _field(3, value) + _field(20, _ATTR_INT)


def _tensor(name: str, dtype: int, dims: list[int] | tuple[int, ...], raw: bytes | None = None) -> bytes:
    """A TensorProto with ``raw`` data, or (``raw`` None) one whose data is supplied at session
    creation (``SessionOptions.add_external_initializers``)."""
    out = b"".join(_field(1, d) for d in dims) + _field(2, dtype) + _field(8, name)
    if raw is not None:
        return out + _field(9, raw)
    return out + _field(13, _field(1, "location") + _field(2, "memory")) + _field(14, _EXTERNAL)


def _value_info(name: str, dtype: int, dims: list[int | str]) -> bytes:
    shape = b"".join(_field(1, _field(2, d) if isinstance(d, str) else _field(1, d)) for d in dims)
    return _field(1, name) + _field(2, _field(1, _field(1, dtype) + _field(2, shape)))


class _Graph:
    """Accumulates the serialised nodes and constant tensors of the graph being built."""

    def __init__(self) -> None:
        self.nodes: list[bytes] = []
        self.consts: list[bytes] = []

    def op(self, op: str, inputs: list[str], outputs: list[str] | None = None, *, domain: str = "",
           **attrs: float | int | list[int]) -> str:
        outs = outputs or [f"n{len(self.nodes)}"]
        node = (b"".join(_field(1, i) for i in inputs) + b"".join(_field(2, o) for o in outs)
                + _field(4, op) + b"".join(_field(5, _attribute(k, v)) for k, v in attrs.items()))
        if domain:
            node += _field(7, domain)
        self.nodes.append(node)
        return outs[0]

    def ints(self, name: str, values: list[int]) -> str:
        self.consts.append(_tensor(name, _INT64, [len(values)], np.asarray(values, dtype="<i8").tobytes()))
        return name

    def scalar(self, name: str, value: float | int, *, integer: bool = False) -> str:
        raw = np.asarray(value, dtype="<i8" if integer else "<f4").tobytes()
        self.consts.append(_tensor(name, _INT64 if integer else _FLOAT, [], raw))
        return name


def _model(cfg: Config, weights: Mapping[str, np.ndarray]) -> bytes:
    """The ONNX model of the forward pass; ``weights`` (only their names, types and shapes are
    read) become external initializers: the norms as in ``LanguageModel._w``, ``embed_t`` (the
    output layer laid out for ``x @ W``) and the 4-bit linear layers of ``q4_weights``.

    Inputs: ``x`` (n, dim) the rows' input embeddings; ``cos``, ``sin`` (n, head_dim / 2) their
    rotary angles; ``mask`` (1, n, past + n) added to the attention scores; ``past_k``,
    ``past_v`` (layers, kv_heads, past, head_dim) the attention cache (past may be 0); ``rows``
    (m,) the rows whose log-sum-exp is wanted. Outputs: ``hidden`` (n, dim) after the final norm,
    ``lse`` (m,), ``keys``/``values`` (layers, kv_heads, n, head_dim) of the rows. Returns the
    serialised ModelProto."""
    g = _Graph()
    d, hd, heads, kv = cfg.dim, cfg.head_dim, cfg.heads, cfg.kv_heads
    g.ints("shape_q", [0, heads, hd // 2, 2])
    g.ints("shape_kv", [0, kv, hd // 2, 2])
    g.ints("shape_q3", [0, heads, hd])
    g.ints("shape_kv3", [0, kv, hd])
    g.ints("shape_group", [kv, -1, hd])          # (heads, n, hd) -> (kv, rep * n, hd): heads of a kv head are adjacent
    g.ints("shape_scores", [heads, -1, 0])       # (kv, rep * n, T) -> (heads, n, T)
    g.ints("shape_group_scores", [kv, -1, 0])    # (heads, n, T) -> (kv, rep * n, T)
    g.ints("shape_heads", [heads, -1, hd])
    g.ints("shape_rows", [0, d])
    g.ints("split_qkv", [d, kv * hd, kv * hd])
    g.ints("split_ffn", [cfg.hidden, cfg.hidden])
    g.ints("axes_13", [1, 3])
    g.ints("axis_0", [0])
    g.ints("axis_last", [-1])
    g.scalar("scale", 1.0 / float(np.sqrt(hd)))  # 1/8 for head_dim 64: exact
    for i in range(cfg.layers):
        g.scalar(f"layer{i}", i, integer=True)
    cos = g.op("Unsqueeze", ["cos", "axes_13"])  # (n, 1, hd/2, 1)
    sin = g.op("Unsqueeze", ["sin", "axes_13"])

    def linear(x: str, name: str, k: int) -> str:
        """``x @ W`` for a Q4_1 matrix: ``MatMulNBits`` with the 4-bit codes and block scales
        (its implied zero point 8 gives d * (q - 8)) plus the block sums of ``x`` times the
        blocks' offsets (m + 8 d): exactly d * q + m per weight, up to float32 rounding."""
        w = weights[f"{name}.q4"]
        n = int(w.shape[0])
        y = g.op("MatMulNBits", [x, f"{name}.q4", f"{name}.scale"], domain="com.microsoft", K=k, N=n, bits=4,
                 block_size=_BLOCK, accuracy_level=_ACCURACY_LEVEL)
        sums = g.op("ReduceSum", [g.op("Reshape", [x, f"shape_blocks{k}"]), "axis_last"], keepdims=0)
        return g.op("Add", [y, g.op("MatMul", [sums, f"{name}.offset"])])

    g.ints(f"shape_blocks{d}", [0, d // _BLOCK, _BLOCK])
    g.ints(f"shape_blocks{cfg.hidden}", [0, cfg.hidden // _BLOCK, _BLOCK])

    def norm(x: str, w: str, out: str | None = None) -> str:
        # onnxruntime registers this fused RMSNorm in the default domain (it is not in the ONNX standard).
        return g.op("SimplifiedLayerNormalization", [x, w], [out] if out else None, axis=-1, epsilon=cfg.eps,
                    stash_type=1)

    def rope(t: str, shape: str, shape3: str) -> str:
        """Rotary positions on adjacent pairs (GGUF's layout), as ``LanguageModel._rope``."""
        pairs = g.op("Reshape", [t, shape])
        a, b = f"{pairs}_even", f"{pairs}_odd"
        g.op("Split", [pairs], [a, b], axis=3, num_outputs=2)
        even = g.op("Sub", [g.op("Mul", [a, cos]), g.op("Mul", [b, sin])])
        odd = g.op("Add", [g.op("Mul", [a, sin]), g.op("Mul", [b, cos])])
        return g.op("Reshape", [g.op("Concat", [even, odd], axis=3), shape3])

    x = "x"
    keys, values = [], []
    for i in range(cfg.layers):
        h = linear(norm(x, f"{i}.attn_norm"), f"{i}.qkv", d)
        q, k, v = f"q{i}", f"k{i}", f"v{i}"
        g.op("Split", [h, "split_qkv"], [q, k, v], axis=1)
        q = g.op("Transpose", [rope(q, "shape_q", "shape_q3")], perm=[1, 0, 2])     # (heads, n, hd)
        k = g.op("Transpose", [rope(k, "shape_kv", "shape_kv3")], perm=[1, 0, 2])   # (kv, n, hd)
        v = g.op("Transpose", [g.op("Reshape", [v, "shape_kv3"])], perm=[1, 0, 2])
        keys.append(g.op("Unsqueeze", [k, "axis_0"]))
        values.append(g.op("Unsqueeze", [v, "axis_0"]))
        k_all = g.op("Concat", [g.op("Gather", ["past_k", f"layer{i}"], axis=0), k], axis=1)
        v_all = g.op("Concat", [g.op("Gather", ["past_v", f"layer{i}"], axis=0), v], axis=1)
        s = g.op("MatMul", [g.op("Reshape", [q, "shape_group"]), g.op("Transpose", [k_all], perm=[0, 2, 1])])
        s = g.op("Add", [g.op("Mul", [g.op("Reshape", [s, "shape_scores"]), "scale"]), "mask"])
        s = g.op("Softmax", [s], axis=-1)
        a = g.op("MatMul", [g.op("Reshape", [s, "shape_group_scores"]), v_all])
        a = g.op("Reshape", [g.op("Transpose", [g.op("Reshape", [a, "shape_heads"])], perm=[1, 0, 2]), "shape_rows"])
        x = g.op("Add", [x, linear(a, f"{i}.out", d)])
        h = linear(norm(x, f"{i}.ffn_norm"), f"{i}.gate_up", d)
        gate, up = f"gate{i}", f"up{i}"
        g.op("Split", [h, "split_ffn"], [gate, up], axis=1)
        h = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), up])
        x = g.op("Add", [x, linear(h, f"{i}.down", cfg.hidden)])
    hidden = norm(x, "norm", "hidden")
    logits = g.op("MatMul", [g.op("Gather", [hidden, "rows"], axis=0), "embed_t"])
    g.op("ReduceLogSumExp", [logits, "axis_last"], ["lse"], keepdims=0)
    g.op("Concat", keys, ["keys"], axis=0)
    g.op("Concat", values, ["values"], axis=0)

    cache: list[int | str] = [cfg.layers, kv, "past", hd]
    inputs = [_value_info("x", _FLOAT, ["n", d]), _value_info("cos", _FLOAT, ["n", hd // 2]),
              _value_info("sin", _FLOAT, ["n", hd // 2]), _value_info("mask", _FLOAT, [1, "n", "keys"]),
              _value_info("past_k", _FLOAT, cache), _value_info("past_v", _FLOAT, cache),
              _value_info("rows", _INT64, ["m"])]
    outputs = [_value_info("hidden", _FLOAT, ["n", d]), _value_info("lse", _FLOAT, ["m"]),
               _value_info("keys", _FLOAT, [cfg.layers, kv, "n", hd]),
               _value_info("values", _FLOAT, [cfg.layers, kv, "n", hd])]
    external = [_tensor(name, _UINT8 if a.dtype == np.uint8 else _FLOAT, a.shape) for name, a in weights.items()]
    graph = (b"".join(_field(1, n) for n in g.nodes) + _field(2, "smollm2")
             + b"".join(_field(5, t) for t in g.consts + external)
             + b"".join(_field(11, v) for v in inputs) + b"".join(_field(12, v) for v in outputs))
    opsets = _field(8, _field(1, "") + _field(2, _OPSET)) + _field(8, _field(1, "com.microsoft") + _field(2, 1))
    return _field(1, _IR_VERSION) + _field(7, graph) + opsets


def _repack_q4_1(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q4_1 blocks (out, in / 32, 20 bytes) as ``(codes, scales, offsets)`` for ``MatMulNBits``:
    codes (out, in / 32, 16) with element 2j in the low nibble of byte j, scales d (out * in / 32),
    offsets m + 8 d (in / 32, out), so that a weight is (q - 8) * d + (m + 8 d) = d * q + m."""
    d = np.ascontiguousarray(blocks[..., 0:2]).view(np.float16)[..., 0].astype(np.float32)
    m = np.ascontiguousarray(blocks[..., 2:4]).view(np.float16)[..., 0].astype(np.float32)
    codes = blocks[..., 4:]
    q = np.concatenate([codes & 0x0F, codes >> 4], axis=-1)  # (out, in / 32, 32) in element order
    packed = np.ascontiguousarray(q[..., 0::2] | (q[..., 1::2] << 4))
    return packed, d.reshape(-1), np.ascontiguousarray((m + np.float32(8.0) * d).T)


def q4_weights(gguf_path: Path, layers: int) -> dict[str, np.ndarray]:
    """The linear layers of the GGUF file (Q4_1) as ``MatMulNBits`` wants them, per layer ``i``
    and name ``n`` of ``_LINEAR``: ``{i}.{n}.q4`` (out, in / 32, 16) uint8 codes, two per byte,
    element 2j in the low nibble; ``{i}.{n}.scale`` (out * in / 32) float32 block scales d;
    ``{i}.{n}.offset`` (in / 32, out) float32 block offsets m + 8 d. Exact: the file's codes and
    scales, and offsets rounded once to float32."""
    import gguf

    reader = gguf.GGUFReader(str(gguf_path))
    tensors = {t.name: t for t in reader.tensors}
    out: dict[str, np.ndarray] = {}
    for i in range(layers):
        for name, parts in _LINEAR.items():
            blocks = []
            for part in parts:
                t = tensors[f"blk.{i}.{part}.weight"]
                if t.tensor_type != gguf.GGMLQuantizationType.Q4_1:
                    raise ValueError(f"{t.name} is {t.tensor_type.name}, not Q4_1")
                data = np.asarray(t.data, dtype=np.uint8)
                blocks.append(data.reshape(data.shape[0], -1, _Q4_1_BYTES))
            packed, scale, offset = _repack_q4_1(np.concatenate(blocks))
            out[f"{i}.{name}.q4"], out[f"{i}.{name}.scale"], out[f"{i}.{name}.offset"] = packed, scale, offset
    return out


def load_q4_weights(gguf_path: Path, cache: Path | None, layers: int) -> dict[str, np.ndarray]:
    """``q4_weights``, kept as ``.npy`` files (no pickle) in ``cache`` when given: reading the GGUF
    file takes seconds, mapping the files a fraction of one."""
    import contextlib
    import shutil
    import tempfile

    names = [f"{i}.{n}.{k}" for i in range(layers) for n in _LINEAR for k in ("q4", "scale", "offset")]
    if cache is not None and cache.is_dir():
        with contextlib.suppress(OSError, ValueError):
            return {n: np.load(cache / f"{n}.npy", allow_pickle=False) for n in names}
    w = q4_weights(gguf_path, layers)
    if cache is not None:
        with contextlib.suppress(OSError):  # a read-only cache: only the next load is slower
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=cache.parent))
            for n, a in w.items():
                np.save(tmp / f"{n}.npy", a, allow_pickle=False)
            try:
                tmp.rename(cache)  # atomic: another process may have won the race, which is fine
            except OSError:
                shutil.rmtree(tmp, ignore_errors=True)
    return w


class OnnxForward:
    """The forward pass of ``LanguageModel._blocks`` followed by ``_lse``, as one onnxruntime
    session with one thread. Holds references to the weight arrays it was built from (they must
    not change). Safe to call from several threads (onnxruntime sessions are)."""

    def __init__(self, cfg: Config, norms: Mapping[str, np.ndarray], embed_t: np.ndarray,
                 q4: Mapping[str, np.ndarray]) -> None:
        """``norms``: ``norm`` and each layer's ``{i}.attn_norm``, ``{i}.ffn_norm`` (float32);
        ``embed_t``: the output layer (dim x vocabulary, float32); ``q4``: ``q4_weights``."""
        import onnxruntime as ort

        names = ["norm"] + [f"{i}.{n}" for i in range(cfg.layers) for n in ("attn_norm", "ffn_norm")]
        arrays = {n: np.ascontiguousarray(norms[n], dtype=np.float32) for n in names}
        arrays["embed_t"] = np.ascontiguousarray(embed_t, dtype=np.float32)
        arrays.update({n: np.ascontiguousarray(a) for n, a in q4.items()})
        model = _model(cfg, arrays)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # one thread: see the module docstring
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.log_severity_level = 3  # errors only
        self._values = [ort.OrtValue.ortvalue_from_numpy(a) for a in arrays.values()]
        self._arrays = arrays  # the OrtValues above point into these arrays' memory
        opts.add_external_initializers(list(arrays), self._values)
        self._session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
        self._cfg = cfg

    def __call__(self, x: np.ndarray, cos: np.ndarray, sin: np.ndarray, mask: np.ndarray,
                 past: tuple[np.ndarray, np.ndarray] | None, rows: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(hidden, lse of hidden[rows], keys, values)`` of rows ``x``; ``past`` is the stacked
        attention cache (layers, kv_heads, past, head_dim) or ``None``."""
        c = self._cfg
        if past is None:
            empty = np.zeros((c.layers, c.kv_heads, 0, c.head_dim), dtype=np.float32)
            past = (empty, empty)
        feed = {"x": np.ascontiguousarray(x, dtype=np.float32), "cos": cos, "sin": sin,
                "mask": np.ascontiguousarray(mask, dtype=np.float32)[None],
                "past_k": np.ascontiguousarray(past[0], dtype=np.float32),
                "past_v": np.ascontiguousarray(past[1], dtype=np.float32), "rows": rows.astype(np.int64)}
        hidden, lse, keys, values = self._session.run(None, feed)
        return hidden, lse, keys, values
