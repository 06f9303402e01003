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
    found = ["w:" + s for s in stems] + ["b:" + a + "_" + b for a, b in zip(stems, stems[1:])]
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
        self._log_prior = {intent: math.log(n / total) for intent, n in prior.items()}
        self._log_likelihood: dict[str, dict[str, float]] = {}
        self._log_unseen: dict[str, float] = {}
        for intent, counter in counts.items():
            denominator = sum(counter.values()) + SMOOTHING * len(vocabulary)
            self._log_likelihood[intent] = {f: math.log((n + SMOOTHING) / denominator) for f, n in counter.items()}
            self._log_unseen[intent] = math.log(SMOOTHING / denominator)
        self._vocabulary = frozenset(vocabulary)

    def predict(self, tokens: list[str]) -> tuple[str, float]:
        """The most probable intent and its posterior probability."""
        seen = [f for f in features(tokens) if f in self._vocabulary]
        if not seen or not self._log_prior:
            return "none", 0.0
        scores = {}
        for intent, log_prior in self._log_prior.items():
            likelihood, unseen = self._log_likelihood[intent], self._log_unseen[intent]
            scores[intent] = log_prior + sum(likelihood.get(f, unseen) for f in seen)
        scale = math.sqrt(len(seen))
        scores = {intent: score / scale for intent, score in scores.items()}
        best = max(scores, key=scores.__getitem__)
        top = scores[best]
        return best, 1.0 / sum(math.exp(score - top) for score in scores.values())


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
