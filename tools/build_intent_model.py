"""Train the recogniser's learned model and choose how it is combined with the rules.

    make model                                # both steps below, with numpy installed (the `model` extra)
    python tools/build_intent_model.py        # trains on dialogs/data/intent-examples.tsv, writes intent-model.tsv.gz
    python tools/build_intent_model.py --cv   # cross-validation over whole training families (prints the grid)

Run tools/split_utterances.py first (it writes the examples). Training needs numpy
(tools/intent_training.py); the bot does not. The examples are the first labelled set
and the training families; the held-out families are never read here. Cross-validation splits the
training families into FOLDS by a seeded hash of the family: each fold is predicted by a model trained
on the others (and on the first labelled set, which always trains). The rules are fixed, so their
figures here are optimistic (they were written against these families); the thresholds chosen are the
ones that do best on the folds, and ties go to the one that trusts the model least.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogs.intent_model import EXAMPLES, MIN_MARGIN, OVERRULE_BELOW, OVERRULE_MARGIN, OVERRULE_TO_NONE, WEIGHTS  # noqa: E402
from dialogs.recognizer import Recognition, decide, rules, words_as_written  # noqa: E402
from tools.intent_training import train  # noqa: E402

DATA = ROOT / "tests" / "data"
FOLDS = 5


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _fold(family: str) -> int:
    return int(hashlib.sha256(f"cv:{family}".encode()).hexdigest()[:8], 16) % FOLDS


def cross_validate() -> None:
    legacy = _rows(DATA / "utterances.tsv")
    training = _rows(DATA / "utterances-train.tsv")
    analysed = []  # (fold, locale, intent, tokens, evidence, rule intent, rule score)
    for row in training:
        a = rules(row["text"], row["locale"])
        if isinstance(a, Recognition):
            analysed.append((_fold(row["family"]), row["locale"], row["intent"], [], [], a.intent, 1.0))
        else:
            analysed.append((_fold(row["family"]), row["locale"], row["intent"], a.tokens, a.evidence(), a.intent, a.score))
    legacy_examples = [_example(r) for r in legacy]
    guesses = []
    for k in range(FOLDS):
        model = train(legacy_examples + [(t, e, i) for f, _, i, t, e, _, _ in analysed if f != k])
        print(f"fold {k + 1} of {FOLDS} trained", file=sys.stderr)
        for f, locale, intent, tokens, evidence, rule_intent, rule_score in analysed:
            if f == k:
                guess, margin = model.predict(tokens, evidence) if tokens else ("none", 0.0)
                guesses.append((locale, intent, rule_intent, rule_score, guess, margin))
    n = len(guesses)
    model_alone = sum(g[1] == g[4] for g in guesses) / n
    rules_alone = sum(g[1] == (g[2] if g[3] >= 0.5 else "none") for g in guesses) / n
    print(f"{n} training rows in {FOLDS} folds: rules alone {rules_alone:.3f}, model alone {model_alone:.3f}")
    results = []
    for to_none, min_margin, below, over in product((False, True), (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0), (0.0, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01),
                                           (0.0, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)):
        got = [(g[1], decide(g[2], g[3], g[4], g[5], min_margin, below, over, to_none)[0]) for g in guesses]
        accuracy = sum(e == o for e, o in got) / n
        recall = Counter(e for e, o in got if e == o)
        total = Counter(e for e, _ in got)
        worst = min(recall[i] / total[i] for i in total)
        results.append((round(accuracy, 4), round(worst, 3), -below, -over, -min_margin, not to_none))
    results.sort(reverse=True)
    print("accuracy  worst recall  min_margin  overrule_below  overrule_margin  overrule_to_none")
    for accuracy, worst, below, over, min_margin, not_to_none in results[:15]:
        print(f"{accuracy:8.4f}  {worst:12.3f}  {-min_margin:10}  {-below:14}  {-over:15}  {not not_to_none}")
    _, _, below, over, min_margin, not_to_none = results[0]
    _report("at the best thresholds", guesses, (-min_margin, -below, -over, not not_to_none))
    _report("at the shipped thresholds", guesses, (MIN_MARGIN, OVERRULE_BELOW, OVERRULE_MARGIN, OVERRULE_TO_NONE))


def _report(label: str, guesses: list[tuple], thresholds: tuple[float, float, float, bool]) -> None:
    """Accuracy, accuracy per language, recall per intent and the worst confusions at these thresholds."""
    got = [(g[0][:2], g[1], decide(g[2], g[3], g[4], g[5], *thresholds)[0]) for g in guesses]
    print(f"{label} {thresholds}: {sum(e == o for _, e, o in got) / len(got):.4f}; " + ", ".join(
        f"{language} {sum(e == o for _, e, o in rows) / len(rows):.4f}"
        for language in ("en", "de") if (rows := [r for r in got if r[0] == language])))
    total, hits = Counter(e for _, e, _ in got), Counter(e for _, e, o in got if e == o)
    print("  recall: " + ", ".join(f"{i} {hits[i] / total[i]:.3f}" for i in sorted(total, key=lambda i: hits[i] / total[i])))
    confused = Counter((e, o) for _, e, o in got if e != o)
    print("  most confused: " + ", ".join(f"{e}->{o} {n}" for (e, o), n in confused.most_common(8)))


def _example(row: dict[str, str]) -> tuple[list[str], list[str], str]:
    """(tokens, what the rules saw, intent) of one labelled row."""
    a = rules(row["text"], row["locale"])
    if isinstance(a, Recognition):
        return words_as_written(row["text"])[0], [], row["intent"]
    return a.tokens, a.evidence(), row["intent"]


def build() -> None:
    examples = [_example(r) for r in _rows(EXAMPLES)]
    model = train(examples)
    model.save(WEIGHTS)
    print(f"{WEIGHTS.relative_to(ROOT)}: trained on {len(examples)} examples", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate instead of building")
    if parser.parse_args().cv:
        cross_validate()
    else:
        build()
