"""A learned fallback for the rule-based recogniser: multinomial naive Bayes over word and letter n-grams.

The rules (``dialogs.recognizer``) decide first; only a message they read as ``none`` is offered to this
model, and its guess is taken only when it is confident (``MIN_PROBABILITY``). It catches the long tail
of short idioms the vocabulary does not list ("no idea what to type", "lass mal"), because letter
n-grams carry over from the labelled examples to words they never saw whole.

Trained lazily, once per process, on ``dialogs/data/intent-examples.tsv`` (the training families and the
first labelled set, written by tools/split_utterances.py; the held-out families are never in it). Pure
standard library; the work per message is linear in its length (features of a token are bounded by
``MAX_TOKEN``, and at most ``MAX_TOKENS`` tokens are looked at).
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

from dialogs.word_forms import stem

EXAMPLES = Path(__file__).resolve().parent / "data" / "intent-examples.tsv"
# Naive Bayes multiplies overlapping n-gram evidence as if it were independent, so its raw posteriors
# are near 0 or 1. The log scores are divided by the square root of the feature count before the
# softmax, and a guess is taken from 0.97: chosen by 4-fold cross-validation over whole training
# families (tools/split_utterances.py; never the held-out set), where this accepted guesses with a
# precision of 0.95 and claimed 6 of 260 unrelated messages.
MIN_PROBABILITY = 0.97
SMOOTHING = 0.3
MAX_TOKEN = 30
MAX_TOKENS = 200


def features(tokens: list[str]) -> list[str]:
    """Stemmed words, stemmed word pairs and the 3- and 4-letter pieces of each word (with its edges)."""
    tokens = [t[:MAX_TOKEN] for t in tokens[:MAX_TOKENS]]
    stems = [stem(t) for t in tokens]
    found = ["w:" + s for s in stems] + ["b:" + a + "_" + b for a, b in pairwise(stems)]
    for token in tokens:
        edged = f"<{token}>"
        for n in (3, 4):
            found.extend("c:" + edged[i : i + n] for i in range(len(edged) - n + 1))
    return found


class IntentModel:
    def __init__(self, examples: Iterable[tuple[list[str], str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        prior: Counter[str] = Counter()
        for tokens, intent in examples:
            prior[intent] += 1
            counts.setdefault(intent, Counter()).update(features(tokens))
        vocabulary = set().union(*counts.values()) if counts else set()
        total = sum(prior.values())
        self._intents = tuple(sorted(prior))
        self._log_prior = [math.log(prior[i] / total) for i in self._intents]
        denominators = [sum(counts[i].values()) + SMOOTHING * len(vocabulary) for i in self._intents]
        # feature → its log likelihood under every intent, in the order of self._intents
        self._log_likelihood = {
            f: tuple(math.log((counts[i].get(f, 0) + SMOOTHING) / d) for i, d in zip(self._intents, denominators))
            for f in vocabulary
        }

    def predict(self, tokens: list[str]) -> tuple[str, float]:
        """The most probable intent and its posterior probability."""
        seen = [vector for f in features(tokens) if (vector := self._log_likelihood.get(f)) is not None]
        if not seen:
            return "none", 0.0
        totals = [sum(column) for column in zip(*seen)]
        scale = math.sqrt(len(seen))
        scores = [(prior + total) / scale for prior, total in zip(self._log_prior, totals)]
        top = max(scores)
        return self._intents[scores.index(top)], 1.0 / sum(math.exp(score - top) for score in scores)


_MODEL: list[IntentModel] = []


def trained_model() -> IntentModel:
    """The model trained on the bundled examples (once per process)."""
    if not _MODEL:
        from dialogs.recognizer import words_as_written  # the recogniser's own tokens

        with EXAMPLES.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        _MODEL.append(IntentModel((words_as_written(r["text"])[0], r["intent"]) for r in rows))
    return _MODEL[0]


__all__ = ["IntentModel", "MIN_PROBABILITY", "features", "trained_model"]
