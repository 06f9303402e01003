"""Text normalisation and fuzzy word lookup for the offline intent recogniser.

Pure standard library. Three steps, each small enough to explain in one line:

* ``strip_mentions`` drops a Teams ``<at>…</at>`` mention (anywhere) and a leading ``@Name`` token.
* ``tokenize`` case-folds, transliterates German umlauts (ä→ae, ö→oe, ü→ue, ß→ss), removes other
  accents and apostrophes ("what's" → "whats") and splits on everything that is not a letter/digit.
* ``FuzzyLexicon.lookup`` finds the known words within a small edit distance of a token
  (optimal-string-alignment distance, so a swapped pair of letters is one edit), using a
  deletion-neighbourhood index (the SymSpell idea) so it never compares a token with every word.
  A word's inflected forms match through ``dialogs.word_forms.stem`` before any typo is counted.

Work per token is bounded: a token longer than ``MAX_FUZZY_LENGTH`` letters is looked up exactly and by
its stem only (no deletion neighbourhood, no edit distance, no compound split), so recognition stays
linear in the message length. ``FuzzyLexicon.operations`` counts the candidate strings and distance
cells a lookup produced, for the test that checks this.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from dialogs.word_forms import stem

# A mention's name holds no "<": so each unclosed "<at>" is scanned only to the next tag, never to the
# end of the text (".*?" made 5,000 unclosed tags quadratic: 1.7 s).
_MENTION_TAG = re.compile(r"<at>[^<]*</at>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
_LEADING_AT = re.compile(r"^\s*@\S+")
_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_CACHE_LIMIT = 20_000
MAX_FUZZY_LENGTH = 24  # no listed word is longer; a longer token is matched exactly or by its stem
MAX_COMPOUND_LENGTH = 40
STEM_SIMILARITY = 0.9


def strip_mentions(text: str) -> str:
    """Remove Teams mentions of the bot: ``<at>Competency Bot</at>`` and a leading ``@CompetencyBot``."""
    text = _MENTION_TAG.sub(" ", text)
    text = _HTML_TAG.sub(" ", text).replace("&nbsp;", " ")
    return _LEADING_AT.sub(" ", text)


def fold(text: str) -> str:
    """Lower-case, umlauts transliterated, remaining accents removed ("Verlängerung" → "verlaengerung")."""
    text = text.casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Mention-free, folded word tokens; hyphenated words are split ("Gold-Fortschritt")."""
    return [t for t in _NON_WORD.split(_APOSTROPHES.sub("", fold(strip_mentions(text)))) if t]


def max_edits(word: str) -> int:
    """Typo budget of a known word: none below 4 letters, 1 up to 8 letters, 2 from 9 letters."""
    return 0 if len(word) < 4 else 1 if len(word) <= 8 else 2


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Levenshtein + adjacent swaps); ``limit + 1`` once exceeded."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletions(word: str, depth: int) -> set[str]:
    """The word itself and every string obtained by deleting up to ``depth`` letters."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class FuzzyLexicon:
    """Known words; ``lookup(token)`` → {word: similarity}, 1.0 exact and 0.15 less per edit.

    Words in ``compound_parts`` (German) also match as the head or tail of a longer compound token
    ("Fortschrittsbericht" → "fortschritt", "Arbeitskonto" → "konto") with similarity 0.85.
    A token whose stem is a word's stem ("verknüpft" → "verknuepfen") matches with similarity 0.9.
    """

    def __init__(self, words: Iterable[str], compound_parts: Iterable[str] = ()) -> None:
        self.words = frozenset(words)
        self._parts = frozenset(w for w in compound_parts if len(w) >= 5)
        self._index: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for variant in _deletions(word, max_edits(word)):
                self._index[variant].add(word)
        self._stems: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            self._stems[stem(word)].add(word)
        self._cache: dict[str, dict[str, float]] = {}
        self.operations = 0  # candidate strings and distance cells produced (the linearity test reads it)

    def lookup(self, token: str) -> dict[str, float]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = {token: 1.0} if token in self.words else {}
        self.operations += 1
        if token not in self.words:  # a listed word is itself, not a form of another ("close", "closest")
            for word in self._stems.get(stem(token), ()):
                found.setdefault(word, STEM_SIMILARITY)
        if 4 <= len(token) <= MAX_FUZZY_LENGTH and token not in self.words:  # a known word is no typo of another
            candidates: set[str] = set()
            variants = _deletions(token, 2 if len(token) >= 7 else 1)
            self.operations += len(variants)
            for variant in variants:
                candidates |= self._index.get(variant, set())
            for word in candidates - {token}:
                limit = max_edits(word)
                self.operations += len(token) * len(word)
                distance = osa_distance(token, word, limit)
                # A four-letter word only forgives a swapped pair ("hlep", "lnik"), not a changed letter.
                # Short words keep their first letter: "mount" is no typo of "count", nor "ring" of "bring".
                if distance <= limit and (min(len(word), len(token)) > 4 or sorted(word) == sorted(token)) \
                        and (len(word) > 6 or word[0] == token[0]):
                    found[word] = max(found.get(word, 0.0), round(1.0 - 0.15 * distance, 2))
        if not found and 8 <= len(token) <= MAX_COMPOUND_LENGTH:
            self.operations += len(token)
            for cut in range(3, len(token) - 2):
                for part in (token[:cut], token[cut:]):
                    if part in self._parts:
                        found[part] = 0.85
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found
