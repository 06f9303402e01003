"""Training of the recogniser's learned model (dialogs/intent_model.py), with numpy (``make model``).

One hidden layer of HIDDEN rectified units, softmax over the intents, trained by mini-batch Adam
with dropout on the hidden layer; the input weights of a feature move only in the batches that use it.
A feature seen in fewer than MIN_COUNT training messages gets no weights: it cannot tell a new message
anything, and leaving it out keeps the shipped file a third smaller.
Deterministic for a seed on one machine. Used by tools/build_intent_model.py, never at run time: the
bot reads the weights this writes with the standard library alone.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np

from dialogs.intent_model import IntentModel, features, quantized

# Chosen by 5-fold cross-validation over whole training families (tools/build_intent_model.py --cv):
# 32 units did 0.917, 64 0.92, 128 no better than 64 and twice as slow; dropout 0.5 over 20 epochs
# beat none over 8 (0.920) and 0.3 over 15.
HIDDEN = 64
EPOCHS = 20
DROPOUT = 0.5
RATE = 0.002  # Adam's step
BATCH = 64
SEED = 11
# 5-fold cross-validation, seeds 11 / 12: all features 0.9375 / 0.9381, those of two messages or more
# 0.9390 / 0.9374 (36 % fewer features), of three or more 0.9362 (seed 11).
MIN_COUNT = 2


def train(examples: Iterable[tuple[list[str], list[str], str]], seed: int = SEED) -> IntentModel:
    """A model trained on (tokens, what the rules saw, intent) rows."""
    featured = [(features(tokens, evidence), intent) for tokens, evidence, intent in examples]
    seen = Counter(f for found, _ in featured for f in set(found))
    index: dict[str, int] = {}
    rows = []
    labels = []
    for found, intent in featured:
        # the model divides by the count of all the message's features, known or not, so training does too
        value = 1.0 / math.sqrt(len(found)) if found else 0.0
        counted = Counter(f for f in found if seen[f] >= MIN_COUNT)
        rows.append((np.array([index.setdefault(f, len(index)) for f in counted], dtype=np.int64),
                     np.array([n * value for n in counted.values()])))
        labels.append(intent)
    intents = sorted(set(labels))
    y = np.array([intents.index(i) for i in labels])
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0.0, 0.1, (len(index), HIDDEN))
    b1 = np.zeros(HIDDEN)
    w2 = rng.normal(0.0, 1.0 / math.sqrt(HIDDEN), (HIDDEN, len(intents)))
    b2 = np.zeros(len(intents))
    dense = [b1, w2, b2]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in [w1, *dense]]
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(rows))
        for start in range(0, len(rows), BATCH):
            batch = order[start : start + BATCH]
            ids = np.concatenate([rows[r][0] for r in batch])
            values = np.concatenate([rows[r][1] for r in batch])
            lengths = np.array([len(rows[r][0]) for r in batch])
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            hidden = np.add.reduceat(w1[ids] * values[:, None], starts, axis=0) + b1
            kept = (rng.random(hidden.shape) > DROPOUT) / (1.0 - DROPOUT)
            active = np.maximum(hidden, 0.0) * kept
            scores = active @ w2 + b2
            scores -= scores.max(axis=1, keepdims=True)
            error = np.exp(scores)
            error /= error.sum(axis=1, keepdims=True)
            error[np.arange(len(batch)), y[batch]] -= 1.0
            error /= len(batch)
            back = (error @ w2.T) * kept * (hidden > 0)
            used, where = np.unique(ids, return_inverse=True)
            g1 = np.zeros((len(used), HIDDEN))
            np.add.at(g1, where, back[np.repeat(np.arange(len(batch)), lengths)] * values[:, None])
            step += 1
            for (m, v), p, g in zip(moments[1:], dense, (back.sum(axis=0), active.T @ error, error.sum(axis=0))):
                p -= _adam(m, v, g, step)
            m, v = moments[0]
            mu, vu = m[used], v[used]
            w1[used] -= _adam(mu, vu, g1, step)
            m[used], v[used] = mu, vu
    inputs = {f: quantized(w1[i].tolist()) for f, i in index.items()}
    return IntentModel(intents, inputs, b1.tolist(), w2.tolist(), b2.tolist())


def _adam(m: np.ndarray, v: np.ndarray, g: np.ndarray, step: int) -> np.ndarray:
    """Adam's step for gradient ``g``; updates the moments ``m`` and ``v`` in place."""
    m *= 0.9
    m += 0.1 * g
    v *= 0.999
    v += 0.001 * g * g
    return RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
