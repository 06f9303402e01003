"""Recognition is linear in the message length: no quadratic edit distance, however long a word."""

from __future__ import annotations

import random
import string

from dialogs.recognizer import RECOGNIZED_CHARACTERS, operations, recognize


def _words(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12))) for _ in range(count)]


def _work(text: str) -> int:
    before = operations()
    recognize(text)
    return operations() - before


def test_twice_as_many_new_words_cost_about_twice_the_work() -> None:
    one = _work(" ".join(_words(1, 40)))  # both within the characters recognition reads
    two = _work(" ".join(_words(2, 80)))
    assert 1.7 <= two / one <= 2.3, (one, two)


def test_only_the_first_characters_are_read_so_a_huge_message_costs_what_a_long_one_does() -> None:
    huge = " ".join(_words(6, 20_000))  # fresh words each (lookups are cached): same cost per new word
    bounded = " ".join(_words(7, 20_000))[:RECOGNIZED_CHARACTERS]
    assert len(huge) > 100 * RECOGNIZED_CHARACTERS
    assert 0.8 <= _work(huge) / _work(bounded) <= 1.25


def test_a_very_long_word_costs_no_more_than_a_short_one() -> None:
    rng = random.Random(3)
    long_word = "".join(rng.choices(string.ascii_lowercase, k=1500))
    longer_word = "".join(rng.choices(string.ascii_lowercase, k=3000))
    short_word = "".join(rng.choices(string.ascii_lowercase, k=12))
    assert _work(long_word) <= 4
    assert _work(longer_word) <= 4
    assert _work(short_word) >= 20  # a word of ordinary length gets a typo-tolerant lookup


def test_twenty_thousand_words_are_recognised_with_bounded_work_per_word() -> None:
    vocabulary = _words(4, 50)
    rng = random.Random(5)
    text = "what's our gold progress " + " ".join(rng.choice(vocabulary) for _ in range(20_000))
    before = operations()
    result = recognize(text)
    assert operations() - before <= 50 * 2_000  # each distinct word looked up once, then cached
    # The rules are drowned in noise: the level is still found, but no intent is read with confidence
    # (the learned model may guess, below the interrupting score, so nothing is broken off or changed).
    assert result.level == "gold"
    assert result.intent == "none" or result.score < 0.7, result
