"""Intent recogniser throughput over the labelled set (a benchmark, not a test)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from dialogs.recognizer import recognize

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "utterances.tsv"


def main() -> None:
    with DATA.open(encoding="utf-8") as handle:
        rows = [(r["text"], r["locale"]) for r in csv.DictReader(handle, delimiter="\t")]
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for text, locale in rows:
            recognize(text, locale)
        best = max(best, len(rows) / (time.perf_counter() - start))
    print(f"intent recognition: {best:,.0f} utterances/s (best of 5 over {len(rows)} utterances)")


if __name__ == "__main__":
    main()
