"""``CheckConfig``: plain data that round-trips through JSON, and every field reaches ``check``."""

import json
from dataclasses import replace

import pytest

from unspin import CheckConfig, Lexicon, check
from unspin.core.calibrate import Calibration
from unspin.core.detect import DetectorParams
from unspin.core.model_check import ModelParams
from unspin.core.model_fit import FitParams
from unspin.core.odd_pairs import OddPairParams
from unspin.core.spin_evidence import SpinModel

TEXT = ("The irregular timberland classifier beat the counterfeit consciousness baseline on preparation "
        "information. Researchers said the outcomes were noteworthy.")

#: Every nested part changed from its default, floats that JSON must write exactly included.
CHANGED = CheckConfig(
    threshold=0.3, tier="model",
    detector=replace(DetectorParams(), bias=-4.75, max_candidates=7, spin=replace(SpinModel(), pivot_zipf=4.4,
                                                                                  strong_llr=0.1 + 0.2),
                     odd_pairs=replace(OddPairParams(), threshold=0.55)),
    calibration=replace(Calibration(), odd_clean=0.07, temperature=1 / 3),
    model=replace(ModelParams(), flag_gain=5.5, fit=replace(FitParams(), max_candidates=2)),
    window_chars=12_345,
)


def test_config_round_trips_through_json() -> None:
    for config in (CheckConfig(), CHANGED):
        data = json.loads(json.dumps(config.to_dict()))
        assert CheckConfig.from_dict(data) == config
    assert CHANGED.to_dict()["detector"]["spin"]["pivot_zipf"] == 4.4


def test_from_dict_fills_defaults_and_names_what_is_wrong() -> None:
    assert CheckConfig.from_dict({}) == CheckConfig()
    assert CheckConfig.from_dict({"detector": {"spin": {"once": 0.5}}}) == CheckConfig(
        detector=replace(DetectorParams(), spin=replace(SpinModel(), once=0.5)))
    assert CheckConfig.from_dict({"threshold": 1}).threshold == 1.0
    with pytest.raises(ValueError, match=r"detector\.spin: unknown field\(s\) 'onse'"):
        CheckConfig.from_dict({"detector": {"spin": {"onse": 0.5}}})
    with pytest.raises(ValueError, match="window_chars: expected int"):
        CheckConfig.from_dict({"window_chars": 1.5})
    with pytest.raises(ValueError, match="tier: expected one of"):
        CheckConfig.from_dict({"tier": "slow"})
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        CheckConfig(threshold=1.5)
    with pytest.raises(ValueError, match="threshold: expected float"):
        CheckConfig.from_dict({"threshold": True})


def test_the_spin_model_and_the_odd_pair_model_are_read_from_the_config() -> None:
    """The detector used to build ``SpinModel()`` inline: now a changed constant changes the result."""
    lex = Lexicon.default()
    base = check(TEXT, lexicon=lex, config=CheckConfig())
    spin = check(TEXT, lexicon=lex, config=CheckConfig(detector=replace(
        DetectorParams(), spin=replace(SpinModel(), pivot_zipf=6.0))))
    assert spin.stats["odd_words"] > base.stats["odd_words"]
    pairs = check(TEXT, lexicon=lex, config=CheckConfig(detector=replace(
        DetectorParams(), odd_pairs=replace(OddPairParams(), threshold=0.99, threshold_other=0.99))))
    assert [f for f in pairs.findings if "odd-pair" in f.evidence] != [
        f for f in base.findings if "odd-pair" in f.evidence]


def test_lexicon_spec_round_trips_and_builds_one_lexicon(tmp_path) -> None:
    from unspin import Index
    from unspin.spec import LexiconSpec

    path = str(tmp_path / "i.db")
    with Index.open(path) as idx:
        idx.add([("a", "Researchers trained a random forest on the data. " * 3)])
    spec = LexiconSpec(known=(("irregular timberland", "random forest"),), reference=("A clean text.", "Another."),
                       index_path=path, index_reference_limit=7)
    for s in (LexiconSpec(), spec):
        assert LexiconSpec.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    assert LexiconSpec.from_dict({}) == LexiconSpec()
    with pytest.raises(ValueError, match="unknown lexicon spec field"):
        LexiconSpec.from_dict({"knwon": []})
    with pytest.raises(ValueError, match="known: expected"):
        LexiconSpec.from_dict({"known": [["only one"]]})
    lex = spec.build()
    assert ("irregular", "timberland") in lex.known.phrases
    assert lex.reference is not None and lex.reference.n_documents == 2  # the corpus replaces the index's texts
    from_index = LexiconSpec(index_path=path).build()
    assert from_index.reference is not None and from_index.reference.n_documents == 1
    assert LexiconSpec().build().known == Lexicon.default().known


def test_trace_config_round_trips_and_names_what_is_wrong() -> None:
    from unspin import TraceConfig
    from unspin.core.config import split_config_data
    from unspin.core.fingerprint import FingerprintParams
    from unspin.core.relation import RelationParams
    from unspin.core.winnow import ContainmentParams

    changed = TraceConfig(fingerprint=FingerprintParams(winnow_k=2, winnow_window=4),
                          relation=replace(RelationParams(), derived_similarity=0.1 + 0.2),
                          containment=ContainmentParams(min_containment=0.07, limit=3), candidates=7, max_bucket=50)
    for config in (TraceConfig(), changed):
        assert TraceConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert TraceConfig().to_dict()["fingerprint"] is None  # "the index's own"
    assert TraceConfig.from_dict({"containment": {"limit": 4}}) == TraceConfig(containment=ContainmentParams(limit=4))
    with pytest.raises(ValueError, match=r"relation: unknown field\(s\) 'derived_coverge'"):
        TraceConfig.from_dict({"relation": {"derived_coverge": 0.3}})
    with pytest.raises(ValueError, match="candidates must be at least 1"):
        TraceConfig(candidates=0)
    with pytest.raises(ValueError, match="num_perm"):
        TraceConfig.from_dict({"fingerprint": {"num_perm": 100}})
    with pytest.raises(ValueError, match="min_containment must be between 0 and 1"):
        ContainmentParams(min_containment=2.0)
    assert split_config_data({"threshold": 0.4, "trace": {"candidates": 3}}) == ({"threshold": 0.4}, {"candidates": 3})
    with pytest.raises(ValueError, match="trace: expected an object"):
        split_config_data({"trace": [1]})
