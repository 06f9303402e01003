"""Entities of a message (SPEC 4.7): the competency and credential a question names, from the catalog.

An ``EntityLexicon`` is built once per catalog (``lexicon_for`` caches it) from what the catalog calls
things: a competency by its English and German name, its ``aliases``, the short forms people use
("Security", "Datenanalyse", "App Dev"; ``SHORT_FORMS`` for the bundled ids, plus every name word no
other competency shares) and the name written as one word ("Cloudplattform"); a credential by its code
with any spacing and case ("AZ-104", "az 104", "AZ104"), by its title, the title without its
"Microsoft Certified:" prefix and "Associate"/"exam" suffix ("Azure Administrator"), and its aliases.

``find`` scans the tokens once, left to right, taking the longest phrase that starts at each position
(bounded by the longest phrase in the lexicon), so the work is linear in the message length. Words of
six letters or more forgive one typo ("Datenanalse"), through the same fuzzy lexicon the intents use.
A token pair that looks like an exam code but is not in the catalog ("AZ-900") is reported as
``unknown_code`` positions: the words are explained (they never lower an intent's score), but no
credential is claimed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from dialogs.text_normalization import FuzzyLexicon, fold, tokenize
from services.bundled_catalog import bundled_catalog
from services.domain.catalog import Catalog

# Common short forms of the bundled catalog's competencies, in both languages (folded, spaces between
# words). A catalog that renames or drops a competency simply does not use its row.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "cloud-platform": ("cloud platform", "cloud plattform", "cloudplatform", "cloud infrastructure",
                       "azure platform", "cloud plattformen"),
    "cloud-productivity": ("productivity", "produktivitaet", "cloud produktivitaet", "office 365",
                           "o365"),
    "data-analytics": ("analytics", "data analysis", "datenanalysen", "datenanalytik", "daten analyse",
                       "data analytic", "analysen", "analytik"),
    "data-platform": ("datenplattform", "data plattform", "daten plattform", "datenplattformen"),
    "application-development": ("app dev", "appdev", "app development", "application dev",
                                "app entwicklung", "anwendungsentwicklung", "softwareentwicklung",
                                "software development", "development", "entwicklung"),
    "devops": ("dev ops",),
    "enterprise-mobility-management": ("emm", "ems", "enterprise mobility", "mobility",
                                       "mobility management", "mobilitaet"),
    "small-midmarket-cloud": ("smb cloud", "smb", "midmarket", "small and midmarket", "kmu",
                              "kmu cloud", "mittelstand", "smmc", "cloudloesungen fuer kmu"),
    "security": ("sicherheit", "it security", "cyber security", "cybersecurity", "it sicherheit",
                 "cybersicherheit"),
}
# Words too common to stand for one competency on their own, even when only one name has them.
_NOT_SHORT_FORMS = frozenset(
    "cloud data daten platform plattform solutions loesungen management enterprise and und for fuer "
    "of the small kleine mittelstaendische unternehmen microsoft azure partner".split()
)
_TITLE_PREFIXES = (("microsoft", "certified"), ("microsoft", "365", "certified"), ("mcsa",), ("mcsd",))
_TITLE_SUFFIXES = ("associate", "expert", "exam", "assessment", "certification", "pruefung")
_CODE_LIKE = re.compile(r"[a-z]{2,3}\d{3}|\d{2}\d{3}")  # "az900", "70533": an exam code not in the catalog
MAX_CODE_TOKENS = 3
_DIGIT = re.compile(r"\d")
_COMPOUND_TAILS = ("skompetenz", "kompetenz", "competency")


class Match(NamedTuple):
    start: int
    end: int  # exclusive
    kind: str  # "competency" | "credential" | "specialization" | "designation"
    value: str  # competency id, credential code, specialization or designation id


@dataclass(frozen=True)
class Entities:
    competency: str | None = None  # the first competency named
    credential: str | None = None  # the first catalog credential named
    spans: Mapping[str, frozenset[int]] = field(default_factory=dict)  # kind → token positions; "code": unknown codes


def _words(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


class EntityLexicon:
    """Competency and credential phrases of one catalog, found in a message's tokens in one pass."""

    def __init__(self, catalog: Catalog) -> None:
        self.version = catalog.version
        phrases: dict[tuple[str, ...], tuple[str, str]] = {}

        def add(words: tuple[str, ...], kind: str, value: str) -> None:
            # First claim wins: catalog order, names before short forms. Also as typed without umlaut
            # dots ("Cloudlosungen fur kleine und mittelstandische Unternehmen").
            for spelling in (words, tuple(w.replace("ae", "a").replace("oe", "o").replace("ue", "u") for w in words)):
                if spelling and spelling not in phrases:
                    phrases[spelling] = (kind, value)

        compact_codes: dict[str, str] = {}
        for credential in catalog.credentials.values():
            add(_words(credential.code), "credential", credential.code)
            if any(ch.isdigit() for ch in credential.code):
                compact_codes.setdefault(_compact(credential.code), credential.code)
        for competency in catalog.competencies:
            for name in (competency.name.en, competency.name.de or "", *competency.aliases):
                words = _words(name)
                add(words, "competency", competency.id)
                if len(words) > 1:
                    add(("".join(words),), "competency", competency.id)
        for specialization in catalog.specializations:  # named so that "Analysen" inside one is no competency
            for name in (specialization.name.en, specialization.name.de or ""):
                add(_words(name), "specialization", specialization.id)
        for designation in catalog.designations:
            for name in (designation.name.en, designation.name.de or ""):
                words = _words(name)
                add(words, "designation", designation.id)
                for joiner in ("for", "fuer"):  # "Solutions Partner for Modern Work" is called "Modern Work"
                    if joiner in words[:-1]:
                        add(words[words.index(joiner) + 1 :], "designation", designation.id)
        for competency in catalog.competencies:
            for short in SHORT_FORMS.get(competency.id, ()):
                add(tuple(short.split()), "competency", competency.id)
        owners: dict[str, set[str]] = {}
        for competency in catalog.competencies:
            for name in (competency.name.en, competency.name.de or "", *competency.aliases):
                for word in _words(name):
                    owners.setdefault(word, set()).add(competency.id)
        for word, ids in owners.items():
            if len(ids) == 1 and len(word) >= 6 and word not in _NOT_SHORT_FORMS:
                add((word,), "competency", next(iter(ids)))
        for credential in catalog.credentials.values():
            for title in (credential.title.en, credential.title.de or "", *credential.aliases):
                words = _words(title)
                add(words, "credential", credential.code)
                for prefix in _TITLE_PREFIXES:
                    if words[: len(prefix)] == prefix:
                        words = words[len(prefix) :]
                        break
                add(words, "credential", credential.code)
                while len(words) > 1 and words[-1] in _TITLE_SUFFIXES:
                    words = words[:-1]
                    add(words, "credential", credential.code)
        self._phrases = phrases
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in sorted(phrases, key=len, reverse=True):
            self._by_first.setdefault(words[0], []).append(words)
        self._compact_codes = compact_codes
        self._longest_code = max((len(c) for c in compact_codes), default=0)
        self.words = frozenset(w for words in phrases for w in words)
        self._fuzzy = FuzzyLexicon(w for w in self.words if len(w) >= 6)

    def _forms(self, token: str) -> set[str]:
        """The lexicon words a token may be: itself, and a listed word of 6+ letters one typo away."""
        forms = {token}
        for suffix in _COMPOUND_TAILS:  # "Sicherheitskompetenz" names the Security competency
            if token.endswith(suffix) and len(token) > len(suffix) + 3:
                forms.add(token[: -len(suffix)])
        if len(token) >= 6:
            forms |= {w for w, sim in self._fuzzy.lookup(token).items() if sim >= 0.85 or len(w) >= 9}
        return forms

    @property
    def operations(self) -> int:
        return self._fuzzy.operations

    def find(self, tokens: list[str]) -> tuple[list[Match], set[int]]:
        """Entity matches (longest first at each position, never overlapping) and unknown-code positions."""
        matches: list[Match] = []
        unknown_codes: set[int] = set()
        forms = [self._forms(t) if len(t) <= 40 else {t} for t in tokens]
        digits = [_DIGIT.search(t[:8]) is not None for t in tokens]
        i = 0
        while i < len(tokens):
            near_digit = True in digits[i : i + MAX_CODE_TOKENS]  # every code has one ("az104", "70533")
            found = self._phrase_at(tokens, forms, i) or (self._code_at(tokens, i) if near_digit else None)
            if found:
                matches.append(found)
                i = found.end
                continue
            joined = tokens[i]
            for k in range(1, MAX_CODE_TOKENS if near_digit else 1):
                if _CODE_LIKE.fullmatch(joined):
                    unknown_codes.update(range(i, i + k))
                    break
                if i + k >= len(tokens) or len(joined) > 8:
                    break
                joined += tokens[i + k]
            i += 1
        return matches, unknown_codes

    def _phrase_at(self, tokens: list[str], forms: list[set[str]], i: int) -> Match | None:
        best: Match | None = None
        for first in forms[i]:
            for words in self._by_first.get(first, ()):
                end = i + len(words)
                if end > len(tokens) or (best and end <= best.end):
                    continue
                if all(words[k] in forms[i + k] for k in range(1, len(words))):
                    kind, value = self._phrases[words]
                    best = Match(i, end, kind, value)
                    break  # phrases are sorted longest first
        return best

    def _code_at(self, tokens: list[str], i: int) -> Match | None:
        """A catalog code written in one to three tokens ("az104", "az 104"); only tried near a digit."""
        joined = ""
        for k in range(MAX_CODE_TOKENS):
            if i + k >= len(tokens):
                return None
            joined += tokens[i + k]
            if len(joined) > self._longest_code:
                return None
            code = self._compact_codes.get(joined)
            if code:
                return Match(i, i + k + 1, "credential", code)
        return None

    def entities(self, tokens: list[str]) -> Entities:
        """The first competency and first credential named, and which tokens name what."""
        matches, unknown_codes = self.find(tokens)
        spans: dict[str, set[int]] = {"code": unknown_codes} if unknown_codes else {}
        for m in matches:
            spans.setdefault(m.kind, set()).update(range(m.start, m.end))
        return Entities(
            next((m.value for m in matches if m.kind == "competency"), None),
            next((m.value for m in matches if m.kind == "credential"), None),
            {kind: frozenset(positions) for kind, positions in spans.items()},
        )


_CACHE: dict[int, tuple[Catalog, EntityLexicon]] = {}
_CACHE_SIZE = 4


def lexicon_for(catalog: Catalog) -> EntityLexicon:
    """The entity lexicon of a catalog, built once per catalog object (the active one rarely changes)."""
    cached = _CACHE.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    lexicon = EntityLexicon(catalog)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(catalog)] = (catalog, lexicon)  # holding the catalog keeps its id from being reused
    return lexicon


__all__ = ["Entities", "EntityLexicon", "Match", "SHORT_FORMS", "bundled_catalog", "lexicon_for"]
