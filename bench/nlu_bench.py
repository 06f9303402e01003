"""Intent recogniser throughput over the labelled sets (a benchmark, not a test).

Every recognition extracts the entities too (level, competency, credential, person, from the bundled
catalog's cached lexicon), and a message the rules score below 0.95 is offered to the learned model.
The figure before issue 11 (rules only, no entities, the first labelled set) was about 28,000
utterances/s on the README's machine; the ratio printed is against that.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from dialogs.recognizer import recognize

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
BEFORE_ISSUE_11 = 28_000  # utterances/s, README (rules only, no entities)


def _rows(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [(r["text"], r["locale"]) for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def best_rate(rows: list[tuple[str, str]], rounds: int = 5) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for text, locale in rows:
            recognize(text, locale)
        best = max(best, len(rows) / (time.perf_counter() - start))
    return best


def main() -> None:
    recognize("warm up: build the lexicons and train the fallback")
    first = _rows("utterances.tsv")
    every = first + _rows("utterances-train.tsv") + _rows("utterances-heldout.tsv")
    for label, rows in (("first labelled set", first), ("all labelled sets", every)):
        rate = best_rate(rows)
        print(f"intent recognition with entities, {label}: {rate:,.0f} utterances/s "
              f"(best of 5 over {len(rows)}; {rate / BEFORE_ISSUE_11:.2f}x the 28,000 before issue 11)")


if __name__ == "__main__":
    main()
