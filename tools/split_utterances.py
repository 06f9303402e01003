"""Build the recogniser's labelled sets from tests/data/utterance-families.txt (run after editing it).

Every line of the families file is one family: paraphrases of one request, in one language, for one
intent. Within a family this script derives the variants people actually type, seeded by the family's
own text so a family always gets the same ones: a one-letter typo in a longer word, the German umlauts
written as "ae"/"a", a Teams ``<at>`` mention in front, lower case without punctuation.

Then it splits **whole families**: a family goes to the held-out set when a seeded hash of its first
paraphrase falls below HELD_OUT_SHARE, else to the training set. The decision depends on the family
alone, so adding families never moves an existing one between the sets, and a typo variant is never
trained on while its original is held out. Held-out rows are for measuring only: when one fails, write
a different paraphrase into a training family, never tune on the held-out row itself.

    python tools/split_utterances.py   # writes tests/data/utterances-train.tsv and utterances-heldout.tsv

It also writes dialogs/data/intent-examples.tsv, the learned model's training examples (then run
tools/build_intent_model.py): the first labelled set (tests/data/utterances.tsv) and the training
families, never a held-out one, and no row whose text equals a held-out row's.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "dialogs" / "data" / "intent-examples.tsv"
SEED = "i11a-2026-12-01"
# Share of families held out. The legacy rows (utterances.tsv, which the first recogniser was tuned on)
# all train, so 29 % of the new families make the held-out set about a quarter of all rows.
HELD_OUT_SHARE = 0.29
LOCALES = {"en": ("en-US", "en-US", "en-US", "en-GB"), "de": ("de-DE", "de-DE", "de-DE", "de-AT", "de-CH")}
NAMES = frozenset("Sam Anna Ben Priya Jonas Lena Mark Tom Chris Maria Miller Müller Sams Jonas's Contoso".split())
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_DROP_DOTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "Ä": "A", "Ö": "O", "Ü": "U"})


FROZEN = "# HELD-OUT SET FROZEN"


def families(path: Path) -> list[tuple[str, str, list[str], bool]]:
    """(intent, language, paraphrases, may be held out) per family line.

    Families below the FROZEN line were written after the held-out set was fixed, to cover what the
    training set lacked: they always train, so the held-out set stays the one first measured on.
    """
    found: list[tuple[str, str, list[str], bool]] = []
    intent = language = ""
    open_to_held_out = True
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(FROZEN):
            open_to_held_out = False
        elif line.startswith("## "):
            intent, language = line[3:].split()
        elif line.strip() and not line.startswith("#"):
            found.append((intent, language, [p.strip() for p in line.split(" | ") if p.strip()], open_to_held_out))
    return found


def _typo(text: str, rng: random.Random) -> str | None:
    words = [m for m in re.finditer(r"[^\W\d_]{5,}", text) if m.group() not in NAMES and m.group()[1:].islower()]
    if not words:
        return None
    word = rng.choice(words)
    w, i = word.group(), rng.randrange(1, len(word.group()) - 1)
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        changed = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif kind == "drop":
        changed = w[:i] + w[i + 1 :]
    elif kind == "double":
        changed = w[:i] + w[i] + w[i:]
    else:
        keys = "qwertyuiopasdfghjklzxcvbnm"
        k = keys.find(w[i].lower())
        changed = w[:i] + (keys[k + 1] if 0 <= k < len(keys) - 1 else "e") + w[i + 1 :]
    return text[: word.start()] + changed + text[word.end() :] if changed != w else None


def variants(text: str, language: str, rng: random.Random) -> list[str]:
    found = [text]
    if rng.random() < 0.5 and (typo := _typo(text, rng)):
        found.append(typo)
    if language == "de" and re.search("[äöüßÄÖÜ]", text):
        found.append(text.translate(_TRANSLITERATE if rng.random() < 0.6 else _DROP_DOTS))
    if rng.random() < 0.25:
        found.append("<at>Competency Bot</at> " + text)
    if rng.random() < 0.3 and (plain := re.sub(r"[?!.,]", "", text).lower().strip()) and plain not in found:
        found.append(plain)
    return list(dict.fromkeys(found))


def _unit(key: str) -> float:
    return int(hashlib.sha256(f"{SEED}:{key}".encode()).hexdigest()[:12], 16) / 16**12


def _plain(text: str) -> str:
    """Text as compared for duplicates: without mention, case, umlauts and punctuation."""
    text = re.sub(r"<at>.*?</at>", " ", text).casefold().translate(_TRANSLITERATE)
    return " ".join(re.findall(r"\w+", text))


def main() -> int:
    rows = {"train": [], "heldout": []}
    for intent, language, paraphrases, open_to_held_out in families(DATA / "utterance-families.txt"):
        # A family written after the freeze is named by all its paraphrases: one that merely starts like
        # a held-out family ("cancel", "?") must not share its name.
        named_by = paraphrases[0] if open_to_held_out else " | ".join(paraphrases)
        family = f"{intent}-{language}-{hashlib.sha256(named_by.encode()).hexdigest()[:8]}"
        rng = random.Random(f"{SEED}:{family}")
        part = "heldout" if open_to_held_out and _unit(paraphrases[0]) < HELD_OUT_SHARE else "train"
        for paraphrase in paraphrases:
            for text in variants(paraphrase, language, rng):
                rows[part].append((rng.choice(LOCALES[language]), intent, text, family))
    # No text is both trained on and held out: short phrases written independently ("cancel", "?") can
    # coincide with a held-out row, and such a training row is dropped (compared folded, by machine).
    held_out = {_plain(text) for _, _, text, _ in rows["heldout"]}
    kept = [row for row in rows["train"] if _plain(row[2]) not in held_out]
    print(f"train: {len(rows['train']) - len(kept)} rows dropped as equal to a held-out row", file=sys.stderr)
    rows["train"] = kept
    for part, found in rows.items():
        with (DATA / f"utterances-{part}.tsv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
            writer.writerow(("locale", "intent", "text", "family"))
            writer.writerows(found)
        print(f"{part}: {len(found)} rows", file=sys.stderr)
    with (DATA / "utterances.tsv").open(encoding="utf-8", newline="") as handle:
        legacy = [(r["locale"], r["intent"], r["text"]) for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    EXAMPLES.parent.mkdir(exist_ok=True)
    with EXAMPLES.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(("locale", "intent", "text"))
        writer.writerows([row for row in legacy if _plain(row[2]) not in held_out] + [row[:3] for row in rows["train"]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
