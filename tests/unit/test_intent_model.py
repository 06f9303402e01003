"""The learned model's arithmetic and its file, on a model small enough to check by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.intent_model import IntentModel, features, quantized, trained_model


def test_quantized_weights_keep_each_weight_within_half_a_step() -> None:
    weights = [0.5, -1.27, 0.0, 0.013]
    scale, raw = quantized(weights)
    assert scale == pytest.approx(0.01)
    assert list(raw) == [50, 256 - 127, 0, 1]  # signed bytes
    assert quantized([0.0, 0.0]) == (1.0, bytes(2))


def _tiny() -> IntentModel:
    # two hidden units; "w:gold" drives the first (→ org_progress), "w:hilf" the second (→ help)
    inputs = {"w:gold": quantized([1.0, -1.0]), "w:hilf": quantized([-1.0, 2.0])}
    return IntentModel(["help", "org_progress"], inputs, hidden_bias=[0.0, -0.5],
                       output=[[0.0, 3.0], [2.0, 0.0]], output_bias=[0.1, 0.0])


def test_scores_are_the_rectified_hidden_units_times_the_output_weights() -> None:
    model = _tiny()
    n = len(features(["gold"]))  # "gold": its letter pieces, its stem, the pairs with the edges, the length
    hidden = 1.0 / n**0.5  # only w:gold is known: unit 1 = 1/√n, unit 2 = -1/√n - 0.5 → 0
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
    for tokens in (["gold"], ["hilf"], ["gold", "hilf", "gold"]):
        assert loaded.scores(tokens) == pytest.approx(model.scores(tokens), rel=1e-5)  # scales kept to 6 digits


def test_the_shipped_model_has_a_hidden_layer_and_every_intent() -> None:
    model = trained_model()
    assert model.hidden == 64
    assert len(model.intents) == 17
