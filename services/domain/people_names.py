"""Finding people by the name someone typed: "Sam", "sam taylor", "Müller" or "Mueller" (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from services.domain.snapshot import Person

_SPELLINGS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "ł": "l"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))  # German umlauts typed without them: "Mueller"
MIN_PREFIX = 3  # "Sam" finds "Samuel"; "Sa" finds nobody by prefix


def name_words(name: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_SPELLINGS))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", folded)
    for digraph, vowel in _DIGRAPHS:
        words = [w.replace(digraph, vowel) for w in words]
    return tuple(words)


def match_people(people: Iterable[Person], written: str) -> tuple[Person, ...]:
    """The people the name may mean: every typed word is one of their name's words, or failing that
    the start of one (at least three letters). Whole-word matches win over prefixes."""
    query = name_words(written)
    if not query:
        return ()
    exact: list[Person] = []
    prefix: list[Person] = []
    for person in people:
        words = name_words(person.display_name)
        if all(q in words for q in query):
            exact.append(person)
        elif all(q in words or (len(q) >= MIN_PREFIX and any(w.startswith(q) for w in words)) for q in query):
            prefix.append(person)
    found = exact or prefix
    return tuple(sorted(found, key=lambda p: (p.display_name.casefold(), p.id)))


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1))


def narrowed_by_message(candidates: tuple[Person, ...], message: str | None) -> tuple[Person, ...]:
    """Of several people the written name may mean, those whose full name the whole message spells
    out ("what if Sam Green leaves?" when the name read was "Sam"); all of them if none or several do."""
    if len(candidates) < 2 or not message:
        return candidates
    words = name_words(message)
    spelled = tuple(p for p in candidates if _contains(words, name_words(p.display_name)))
    return spelled if len(spelled) == 1 else candidates
