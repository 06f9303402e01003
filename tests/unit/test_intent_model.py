"""The learned model's arithmetic and its file, on a model small enough to check by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.intent_model import WEIGHTS, IntentModel, features, quantized, trained_model
from dialogs.recognizer import INTENTS


def test_quantized_weights_keep_each_weight_within_half_a_step() -> None:
    weights = [0.7, -0.36, 0.0, 0.04, 0.06]
    scale, packed = quantized(weights)
    assert scale == pytest.approx(0.1)  # the largest weight is 7 steps
    assert len(packed) == 3  # two weights to a byte
    steps = [(b >> shift & 15) - 8 for b in packed for shift in (0, 4)][:5]
    assert steps == [7, -4, 0, 0, 1]  # each to the nearest step
    for w, step in zip(weights, steps):
        assert abs(w - scale * step) <= scale / 2
    assert quantized([0.0, 0.0]) == (1.0, bytes([8 | 8 << 4]))


def _tiny() -> IntentModel:
    # two hidden units; "w:gold" drives the first (→ org_progress), "w:hilf" the second (→ help); the
    # weights of w:gold are whole steps (scale 0.2), so they survive quantizing exactly
    inputs = {"w:gold": quantized([1.4, -1.4]), "w:hilf": quantized([-1.4, 2.8])}
    return IntentModel(["help", "org_progress"], inputs, hidden_bias=[0.0, -0.5],
                       output=[[0.0, 3.0], [2.0, 0.0]], output_bias=[0.1, 0.0])


def test_scores_are_the_rectified_hidden_units_times_the_output_weights() -> None:
    model = _tiny()
    n = len(features(["gold"]))  # "gold": its letter pieces, its stem, the pairs with the edges, the length
    hidden = 1.4 / n**0.5  # only w:gold is known: unit 1 = 1.4/√n, unit 2 = -1.4/√n - 0.5 → 0
    assert model.scores(["gold"]) == pytest.approx([0.1, 3.0 * hidden])
    intent, margin = model.predict(["gold"])
    assert intent == "org_progress"
    assert margin == pytest.approx(3.0 * hidden - 0.1)
    assert model.predict(["hilf"])[0] == "help"
    assert model.predict(["unbekannt"]) == ("none", 0.0)  # no feature known


def test_a_saved_model_loads_with_the_same_scores(tmp_path: Path) -> None:
    model = _tiny()
    path = tmp_path / "model.tsv"
    model.save(path)
    loaded = IntentModel.load(path)
    saved = path.read_bytes()
    loaded.save(path)
    assert path.read_bytes() == saved  # the same model, the same bytes (no time stamp in the gzip header)
    for tokens in (["gold"], ["hilf"], ["gold", "hilf", "gold"]):
        assert loaded.scores(tokens) == pytest.approx(model.scores(tokens))


def test_the_shipped_model_has_a_hidden_layer_and_every_intent() -> None:
    model = trained_model()
    assert model.hidden == 64
    assert sorted(model.intents) == sorted(INTENTS)


def test_the_shipped_model_file_stays_under_the_2_mib_a_tracked_file_may_have() -> None:
    # each new kind of feature adds weights: 1.70 MB before the rules' runners-up and order, 1.85 MB after
    assert WEIGHTS.stat().st_size < 2 * 1024 * 1024
