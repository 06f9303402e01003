"""The learned half of the recogniser: one hidden layer over word and letter n-grams.

The features of a message (``features``) feed ``HIDDEN`` rectified units, and those one score per
intent. It is trained by ``tools/build_intent_model.py`` (with numpy, ``make model``) on
``dialogs/data/intent-examples.tsv`` (the training families and the first labelled set; never a held-out
family) and shipped as ``dialogs/data/intent-model.tsv.gz``: the input weights of each feature are kept
as one scale and 4 bits a weight (8 bits did no better in cross-validation, 0.9327 against 0.9332), so
the file stays small (1.5 MB, features of a single training message left out; under the 2 MiB a
tracked file may have), loading takes a fraction of a second, a feature's weights become numbers only
when a message uses it, and no training happens at run time.
``dialogs.recognizer`` combines it with the rules by confidence (``MIN_MARGIN``, ``OVERRULE_BELOW``,
``OVERRULE_MARGIN``): the thresholds were chosen by cross-validation over whole training families (the
tool prints the figures).

Until 2026-12-01 this was a linear model (an averaged perceptron), 0.912 in that cross-validation on
13,342 rows; the hidden layer did 0.920 on the same rules (0.920–0.925 over three seeds), 0.933 with
later rules: it can weigh a word by the others in the message. With the rules' runners-up and the order
of their concepts among the features (``_Analysis.evidence`` in dialogs.recognizer): 0.936 on 13,919 rows
(0.937 with the rules of 2026-12-02; 0.938–0.939 once a German verb is read with its separated particle).
The hidden layer costs about 40 µs more per message it is asked about than the linear model did.

Pure standard library at run time. The work per message is linear in its length: the features of a
token are bounded by ``MAX_TOKEN`` letters and at most ``MAX_TOKENS`` tokens are looked at.
"""

from __future__ import annotations

import base64
import gzip
import io
import math
from array import array
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

from dialogs.word_forms import stem

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "intent-examples.tsv"
WEIGHTS = DATA / "intent-model.tsv.gz"
MAX_TOKEN = 30
MAX_TOKENS = 200
# Chosen by 5-fold cross-validation over whole training families (tools/build_intent_model.py --cv;
# since the runners-up and the concepts' order are features, overruling at any score does 0.0006 better
# there, within the spread of seeds, so these stay). The Teams commands (recognizer.COMMANDS) and a
# lone "?", number, yes or no (recognizer._BARE_ANSWERS) are decided by rule, never by the model:
MIN_MARGIN = 0.0  # rules say none: the model's guess is taken when it leads the runner-up by this
OVERRULE_BELOW = 0.95  # rules unsure (score below this): the model may overrule them …
OVERRULE_MARGIN = 0.0  # … when its guess leads by this
OVERRULE_TO_NONE = True  # … even when the guess is none
LENGTHS = 8  # messages of this many words or more share one length feature
_CACHED = 20_000  # tokens (and their summed weights) remembered per process


def features(tokens: list[str], evidence: Iterable[str] = ()) -> list[str]:
    """Stemmed words, stemmed word pairs (the message's edges included), the message's length, the 3-
    and 4-letter pieces of each word (with its edges), and what the rules saw (``evidence``: the
    concepts found and the best pattern's intent and score band). A piece two words share counts twice."""
    found = list(evidence)
    stems = []
    for token in tokens[:MAX_TOKENS]:
        stemmed, pieces = _token_features(token)
        stems.append(stemmed)
        found.extend(pieces)
    found.extend(_pairs(stems))
    return found


def _pairs(stems: list[str]) -> list[str]:
    """Stemmed word pairs, the first and last word paired with the message's edges, and its length in
    words (up to LENGTHS): short messages lean differently."""
    edged = ["<", *stems, ">"]
    return ["b:" + a + "_" + b for a, b in pairwise(edged) if len(edged) > 2] + [f"n:{min(len(stems), LENGTHS)}"]


_TOKEN_FEATURES: dict[str, tuple[str, tuple[str, ...]]] = {}  # a token → its stem and features (tokens repeat)


def _token_features(token: str) -> tuple[str, tuple[str, ...]]:
    known = _TOKEN_FEATURES.get(token)
    if known is None:
        stemmed = stem(token[:MAX_TOKEN])
        edged = f"<{token[:MAX_TOKEN]}>"
        pieces = {"c:" + edged[i : i + n] for n in (3, 4) for i in range(len(edged) - n + 1)}
        known = stemmed, tuple(sorted(pieces | {"w:" + stemmed}))
        if len(_TOKEN_FEATURES) >= _CACHED:
            _TOKEN_FEATURES.clear()
        _TOKEN_FEATURES[token] = known
    return known


STEPS = 7  # a weight is scale × one of -STEPS … STEPS, kept in 4 bits


def quantized(weights: Sequence[float]) -> tuple[float, bytes]:
    """A feature's input weights as one scale and 4 bits each, two to a byte (weight ≈ scale × step)."""
    top = max(map(abs, weights))
    scale = float(f"{top / STEPS:.4g}") if top else 1.0  # as written to the file
    steps = [max(-STEPS, min(STEPS, round(w / scale))) + 8 for w in weights] + [8]
    return scale, bytes(steps[i] | steps[i + 1] << 4 for i in range(0, len(weights), 2))


def _dequantized(scale: float, packed: bytes, n: int) -> array:
    return array("d", (scale * ((b >> shift & 15) - 8) for b in packed for shift in (0, 4)))[:n]


class IntentModel:
    """``scores = output_bias + Σ_j max(0, hidden_j) × output_j``, where ``hidden`` is the sum of the
    input weights of the message's features (each as often as it occurs), divided by the square root of
    their count, plus ``hidden_bias``."""

    def __init__(self, intents: Sequence[str], inputs: dict[str, tuple[float, bytes]], hidden_bias: Sequence[float],
                 output: Sequence[Sequence[float]], output_bias: Sequence[float]) -> None:
        self.intents = tuple(intents)
        self._inputs = inputs  # a feature → its scale and bytes (quantized)
        self._hidden_bias = list(hidden_bias)
        self._output = [list(row) for row in output]  # per hidden unit, one weight per intent
        self._output_bias = list(output_bias)
        self._vectors: dict[str, array] = {}  # a feature's weights as numbers, once a message used it
        # a token → its stem, the summed weights of its features (None when none is known) and their count
        self._token_scores: dict[str, tuple[str, array | None, int]] = {}

    @property
    def hidden(self) -> int:
        return len(self._hidden_bias)

    def _vector(self, feature: str) -> array | None:
        known = self._vectors.get(feature)
        if known is None:
            stored = self._inputs.get(feature)
            if stored is None:
                return None
            known = self._vectors[feature] = _dequantized(*stored, len(self._hidden_bias))
        return known

    def _token_score(self, token: str) -> tuple[str, array | None, int]:
        known = self._token_scores.get(token)
        if known is None:
            stemmed, pieces = _token_features(token)
            vectors = [v for f in pieces if (v := self._vector(f)) is not None]
            known = stemmed, array("d", map(sum, zip(*vectors))) if vectors else None, len(pieces)
            if len(self._token_scores) >= _CACHED:
                self._token_scores.clear()
            self._token_scores[token] = known
        return known

    def scores(self, tokens: list[str], evidence: Iterable[str] = ()) -> list[float] | None:
        """One score per intent (as ``intents``), or None when no feature of the message is known.

        The same sum as over ``features``, but each token's part is summed once per process."""
        stems = []
        vectors = []
        count = 0
        for token in tokens[:MAX_TOKENS]:
            stemmed, vector, n = self._token_score(token)
            stems.append(stemmed)
            count += n
            if vector is not None:
                vectors.append(vector)
        rest = list(evidence) + _pairs(stems)
        count += len(rest)
        vectors.extend(v for f in rest if (v := self._vector(f)) is not None)
        if not vectors:
            return None
        value = 1.0 / math.sqrt(count)
        scores = list(self._output_bias)
        for total, bias, row in zip(map(sum, zip(*vectors)), self._hidden_bias, self._output):
            if (unit := total * value + bias) > 0:
                scores = [s + unit * w for s, w in zip(scores, row)]
        return scores

    def predict(self, tokens: list[str], evidence: Iterable[str] = ()) -> tuple[str, float]:
        """The best intent and its margin over the runner-up (none and 0.0 when no feature is known)."""
        scores = self.scores(tokens, evidence)
        if scores is None:
            return "none", 0.0
        top = max(range(len(scores)), key=scores.__getitem__)
        runner_up = max(s for i, s in enumerate(scores) if i != top)
        return self.intents[top], scores[top] - runner_up

    def save(self, path: Path) -> None:
        """Gzipped text: the intents; the hidden units' biases; the output biases; one line of output
        weights per hidden unit; then one line per feature: the feature, its scale and its packed weights
        (base64). The same model always gives the same bytes."""
        with path.open("wb") as file, gzip.GzipFile(fileobj=file, mode="wb", mtime=0, filename="") as packed, \
                io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as handle:
            handle.write("\t".join(self.intents) + "\n")
            handle.write(_numbers(self._hidden_bias) + "\n" + _numbers(self._output_bias) + "\n")
            handle.writelines(_numbers(row) + "\n" for row in self._output)
            for f in sorted(self._inputs):
                scale, weights = self._inputs[f]
                handle.write(f"{f}\t{scale:.4g}\t{base64.b64encode(weights).decode('ascii')}\n")

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            intents = handle.readline().rstrip("\n").split("\t")
            hidden_bias = _read_numbers(handle.readline())
            output_bias = _read_numbers(handle.readline())
            output = [_read_numbers(handle.readline()) for _ in hidden_bias]
            inputs = {}
            for line in handle:
                f, scale, weights = line.rstrip("\n").split("\t")
                inputs[f] = (float(scale), base64.b64decode(weights))
        return cls(intents, inputs, hidden_bias, output, output_bias)


def _numbers(values: Iterable[float]) -> str:
    return " ".join(f"{v:.6g}" for v in values)


def _read_numbers(line: str) -> list[float]:
    return [float(v) for v in line.split()]


_MODEL: list[IntentModel] = []


def trained_model() -> IntentModel:
    """The shipped model (loaded once per process)."""
    if not _MODEL:
        _MODEL.append(IntentModel.load(WEIGHTS))
    return _MODEL[0]


__all__ = ["MIN_MARGIN", "OVERRULE_BELOW", "OVERRULE_MARGIN", "OVERRULE_TO_NONE", "STEPS", "IntentModel", "features", "quantized", "trained_model"]
