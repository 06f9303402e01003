"""Light stemming for English and German word forms (imperatives, plurals, participles).

The recogniser lists a concept's words once ("verknuepfen", "expire"); people write "verknüpf",
"verknüpft", "expired", "Zertifizierungen", "ausgeschaltet". ``stem`` maps those forms onto one key,
so a listed word matches its inflections without spending the typo budget on them. It is deliberately
crude (no dictionary, no part of speech): the same function is applied to the vocabulary and to the
message, so a form only has to collapse onto the same key as the listed word, not onto a real root.

Bounded work: only the last few letters and the first few are looked at, so a 1,500-letter token costs
no more than a short one.
"""

from __future__ import annotations

# Longest first; (suffix, replacement). A stem keeps at least MIN_STEM letters.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ungen", "ung"), ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ern", ""),
    ("est", ""), ("end", ""), ("en", ""), ("er", ""), ("es", ""), ("ed", ""), ("st", ""), ("et", ""),
    ("e", ""), ("s", ""), ("n", ""), ("t", ""),
)
# German separable prefixes before the participle's "ge" ("ab-ge-laufen", "aus-ge-schaltet").
SEPARABLE = ("ab", "an", "auf", "aus", "ein", "zu", "hinzu", "weg", "vor", "mit", "um")
MIN_STEM = 4
MAX_STEM_INPUT = 40  # longer tokens are not words anyone inflects; they stem to themselves


def _strip_participle_ge(word: str) -> str:
    """ "abgelaufen" → "ablaufen", "aufzusteigen" → "aufsteigen", "gekuendigt" → "kuendigt"."""
    for prefix in SEPARABLE:
        for infix in ("ge", "zu"):
            if word.startswith(prefix + infix) and len(word) - len(prefix) - 2 >= MIN_STEM + 1:
                return prefix + word[len(prefix) + 2 :]
    if word.startswith("ge") and word.endswith("t") and len(word) - 2 >= MIN_STEM + 1:
        return word[2:]
    return word


def stem(word: str) -> str:
    """The key shared by a word's inflected forms ("verknuepft", "verknuepfe" → "verknuepf")."""
    if len(word) <= MIN_STEM or len(word) > MAX_STEM_INPUT or not word.isalpha():
        return word
    word = _strip_participle_ge(word)
    for _ in range(2):  # at most two endings: "zertifizierungen" → "zertifizierung", "alerts" → "aler"
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= MIN_STEM:
                word = word[: len(word) - len(suffix)] + replacement
                break
        else:
            break
    return word


__all__ = ["SEPARABLE", "stem"]
