"""Offline intent recogniser for English and German (SPEC 4.7), pure standard library.

How it decides, in four steps:

1. Tokens: Teams mentions are dropped, text is folded (case, umlauts, accents) and split into words
   (``dialogs.text_normalization``). Level words ("gold", "silber", "silver", "golden", …) become the
   ``level`` entity; they never decide the intent on their own except in one case (see 4).
2. Concepts: every token is looked up fuzzily in a bilingual vocabulary (edit distance 1, 2 for long
   words; German words also inside a compound, "Fortschrittsbericht"). Each *concept* (LINK, MSA,
   ALERTS, OFF, …) gets the best similarity of its words; phrases ("never mind", "hör auf") must match
   consecutive tokens.
3. Patterns: an intent has one or more patterns, each a weight and the concepts it *needs*
   ("alerts_off" needs ALERTS and OFF). A pattern scores ``weight × mean(similarity of its concepts)``
   times a coverage factor ``1 - strictness × unexplained / relevant``. Content words are all words
   except fillers ("the", "bitte", "our", …); a word is explained when it belongs to a concept of that
   intent (its optional concepts included) or is a level word; ``relevant`` counts the content words
   plus the fillers that carry the intent ("what can you do"), ``unexplained`` the content words left.
   Hence "stop" alone → cancel, but in "stop alerts" the pattern ALERTS+OFF explains both words and wins.
4. The best pattern wins (ties: order of INTENTS); below THRESHOLD the answer is ``none``.
   Product choice: a level word on its own ("Gold", "Silber?") is read as ``org_progress`` through a
   strict, low-weight pattern, so "gold price today" or "Goldene Hochzeit" stay ``none``.

The score is the winning pattern's score in 0..1; for ``none`` it is ``1 - best score``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dialogs.text_normalization import FuzzyLexicon, tokenize

INTENTS = (
    "link_msa", "my_achievements", "org_progress", "upgrade_options", "renewal_status",
    "alerts_on", "alerts_off", "help", "cancel", "none",
    "membership_status", "people", "expiring", "what_if", "specializations", "designations", "greeting",
)
THRESHOLD = 0.5


@dataclass(frozen=True)
class Recognition:
    intent: str  # one of INTENTS
    score: float  # 0..1 confidence
    level: str | None  # "silver" | "gold" when a level word occurs
    language: str  # "de" or "en"
    competency: str | None = None  # a catalog competency id
    credential: str | None = None  # a catalog credential code
    person: str | None = None  # a person's name as written


# Vocabulary: concept → (English words, German words). "a_b" is a phrase of consecutive words.
CONCEPTS: dict[str, tuple[str, str]] = {
    "LINK": ("link linked linking connect connected connecting add register attach hook_up sign_in",
             "verknuepfen verknuepfe verknuepft verbinden verbinde verbindet verlinken verlinke "
             "hinzufuegen koppeln registrieren"),
    "MSA": ("msa msas account accounts acct profile", "msa konto konten microsoftkonto profil"),
    "ACHIEVE": ("achievements achievement achieved certifications certification certificates "
                "certificate certs cert certified exams exam assessments assessment badges credentials",
                "zertifizierungen zertifizierung zertifikate zertifikat zertifikaten erfolge erfolg "
                "pruefungen pruefung abschluesse abschluss errungenschaften qualifikationen"),
    "HAVE": ("hold own earned got", "habe hab besitze"),
    "COUNT": ("count counts counting valid", "zaehlen zaehlt gueltig"),
    "EXPIRE": ("expire expires expiring expiry expired", "ablaufen laufen ab abgelaufen"),
    "PROGRESS": ("progress status far close doing stand standing overview dashboard",
                 "fortschritt fortschritte status stand stehen steht weit nah nahe entfernt uebersicht laeuft"),
    "COMPETENCY": ("competency competencies competence membership partner partnership level",
                   "kompetenz kompetenzen mitgliedschaft partner partnerschaft stufe"),
    "UPGRADE": ("upgrade upgrading next_level", "upgrade upgraden aufstieg aufsteigen hochstufen"),
    "MISSING": ("missing need needed lacking lack gap left required requirements",
                "fehlt fehlen fehlend brauchen benoetigen noetig anforderungen anforderung voraussetzungen"),
    "REACH": ("reach get getting become", "erreichen kommen schaffen bekommen werden"),
    "OPTIONS": ("options option ways path", "optionen option moeglichkeiten wege weg"),
    "CLOSEST": ("closest nearest", "am_naechsten"),
    "RENEWAL": ("renewal renew renewing anniversary", "verlaengerung verlaengern jahrestag erneuerung"),
    "KEEP": ("keep retain stay remain", "behalten bleiben bleibt halten"),
    "LOSE": ("lose losing lost drop", "verlieren verlust verloren"),
    "RISK": ("risk risky danger endangered jeopardy", "risiko gefaehrdet gefahr"),
    "SAFE": ("safe secure", "sicher"),
    "ALERTS": ("alerts alert warnings warning notifications notification notify",
               "benachrichtigungen benachrichtigung warnungen warnung alerts hinweise meldungen"),
    "OFF": ("off mute disable stop pause silence unsubscribe no no_more quiet anymore dont",
            "aus ausschalten abschalten deaktivieren stummschalten stumm abbestellen abstellen "
            "stopp keine hoer_auf aufhoeren ausmachen"),
    "ON": ("on enable unmute resume subscribe start again back reactivate",
           "an einschalten anschalten aktivieren reaktivieren wieder anmachen"),
    "HELP": ("help commands what_can_you_do how_does_this_work what_can_i_ask what_do_you_do "
             "able_to_do how_do_i_use",
             "hilfe hilf befehle was_kannst_du wie_funktioniert_das was_kann_ich was_kann_der_bot"),
    "ASK": ("ask need", "fragen brauche"),
    "CANCEL": ("cancel stop abort quit exit never_mind nevermind forget nvm",
               "abbrechen abbruch stopp beenden vergiss lass_gut_sein lass_es egal schluss"),
}

# Words that neither help nor hurt: they are not "content" when measuring coverage.
FILLERS: tuple[str, str] = (
    "a an the to of for on in at by from with about and or so is are am be was were will would can "
    "could do does did have has had i me my mine we us our ours you your it its this that these those "
    "what whats which who whos how hows where wheres when why please pls plz show list tell give see "
    "check let lets any anything some just now still currently current org organisation organization "
    "company team microsoft ms bot hi hello hey want like another new toward towards there all much s",
    "der die das den dem des ein eine einer einen einem ist sind war wird werden ich mir mich mein "
    "meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer du dich dir es was "
    "wie wo wer wann welche welcher welches bitte zeig zeige zeigen anzeigen liste und oder mit von zu "
    "zum zur fuer bei beim am im in an auf um noch jetzt aktuell schon mal doch denn da hier "
    "organisation firma unternehmen team microsoft alles neues neue neuen weiteres hallo hey moechte",
)

LEVELS = {w: "gold" for w in "gold golden goldene goldenen goldener goldenes".split()} | {
    w: "silver" for w in "silver silber silbern silberne silbernen silberner silbernes".split()
}


_FILLER_WORDS = frozenset(" ".join(FILLERS).split())


class Pattern(NamedTuple):
    weight: float
    needs: tuple[str, ...]  # concepts that must all occur; "A|B" means either
    strictness: float = 0.75  # how much unexplained content words lower the score (1.0: strict)


PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "link_msa": (Pattern(1.0, ("LINK", "MSA")), Pattern(0.7, ("MSA",), 1.0)),
    "my_achievements": (Pattern(0.95, ("ACHIEVE",)),),
    "org_progress": (Pattern(0.9, ("PROGRESS",)), Pattern(0.7, ("COMPETENCY",), 1.0),
                     Pattern(0.6, ("LEVEL",), 1.0)),
    "upgrade_options": (Pattern(1.0, ("UPGRADE",)), Pattern(1.0, ("MISSING",)),
                        Pattern(0.95, ("REACH", "LEVEL|COMPETENCY")), Pattern(1.0, ("CLOSEST",)),
                        Pattern(0.9, ("OPTIONS",))),
    "renewal_status": (Pattern(1.0, ("RENEWAL",)), Pattern(1.0, ("KEEP", "LEVEL|COMPETENCY")),
                       Pattern(1.0, ("LOSE", "LEVEL|COMPETENCY")),
                       Pattern(0.9, ("SAFE", "LEVEL|COMPETENCY")), Pattern(0.8, ("RISK",), 1.0)),
    "alerts_on": (Pattern(1.0, ("ALERTS", "ON")),),
    "alerts_off": (Pattern(1.0, ("ALERTS", "OFF")),),
    "help": (Pattern(1.0, ("HELP",)),),
    "cancel": (Pattern(0.9, ("CANCEL",)),),
}
# Concepts that do not trigger an intent but whose words belong to it (coverage only).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "link_msa": ("ACHIEVE", "COUNT"),
    "my_achievements": ("HAVE", "COUNT", "EXPIRE"),
    "org_progress": ("COMPETENCY",),
    "upgrade_options": ("ACHIEVE", "COMPETENCY", "OPTIONS", "REACH"),
    "renewal_status": ("RISK", "SAFE", "PROGRESS", "COMPETENCY"),
    "help": ("ASK",),
}


def _build() -> tuple[FuzzyLexicon, dict[str, list[tuple[str, tuple[str, ...]]]], dict[str, set[str]]]:
    """Fuzzy lexicon of all words, first word → [(concept, word sequence)], word → its languages."""
    by_first_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    languages: dict[str, set[str]] = {}
    for concept, texts in CONCEPTS.items():
        for language, text in zip(("en", "de"), texts):
            for entry in text.split():
                words = tuple(entry.split("_"))
                by_first_word.setdefault(words[0], []).append((concept, words))
                for word in words:
                    languages.setdefault(word, set()).add(language)
    for language, text in zip(("en", "de"), FILLERS):
        for word in text.split():
            languages.setdefault(word, set()).add(language)
    german = [w for w, tags in languages.items() if "de" in tags and w not in _FILLER_WORDS]
    return FuzzyLexicon(languages, compound_parts=german), by_first_word, languages


_LEXICON, _BY_FIRST_WORD, _LANGUAGES = _build()
_INTENT_CONCEPTS = {
    intent: {c for p in patterns for need in p.needs for c in need.split("|")} | set(OPTIONAL.get(intent, ()))
    for intent, patterns in PATTERNS.items()
}


def _match_concepts(matches: list[dict[str, float]]) -> dict[str, tuple[float, set[int]]]:
    """concept → (best similarity, positions of the tokens that matched one of its words/phrases)."""
    found: dict[str, tuple[float, set[int]]] = {}
    for start, match in enumerate(matches):
        for first_word, first_sim in match.items():
            for concept, words in _BY_FIRST_WORD.get(first_word, ()):
                end = start + len(words)
                if end > len(matches):
                    continue
                sim = min([first_sim] + [matches[start + k].get(w, 0.0) for k, w in enumerate(words[1:], 1)])
                if sim > 0:
                    best, positions = found.get(concept, (0.0, set()))
                    found[concept] = (max(best, sim), positions | set(range(start, end)))
    return found


def _language(text: str, tokens: list[str], matches: list[dict[str, float]], locale: str | None) -> str:
    if locale:
        return "de" if locale.strip().lower().startswith("de") else "en"
    votes = {"en": 0.0, "de": 2.0 if any(ch in text for ch in "äöüßÄÖÜ") else 0.0}
    for token, match in zip(tokens, matches):
        if match:
            word = token if token in match else max(sorted(match), key=match.__getitem__)
            tags = _LANGUAGES[word]
            if len(tags) == 1:
                votes[next(iter(tags))] += match[word]
    return "de" if votes["de"] > votes["en"] else "en"


def recognize(text: str, locale: str | None = None) -> Recognition:
    """Intent, confidence, level entity and language of one user message."""
    tokens = tokenize(text or "")
    level_of = [LEVELS.get(t) for t in tokens]
    matches = [{} if lvl else _LEXICON.lookup(t) for t, lvl in zip(tokens, level_of)]
    levels = {lvl for lvl in level_of if lvl}
    level = "gold" if "gold" in levels else "silver" if levels else None  # both named: gold, the usual target
    language = _language(text or "", tokens, matches, locale)

    concepts = _match_concepts(matches)
    if level:
        concepts["LEVEL"] = (1.0, {i for i, lvl in enumerate(level_of) if lvl})
    content = {i for i, t in enumerate(tokens) if t not in _FILLER_WORDS or level_of[i]}

    best_intent, best_score = "none", 0.0
    for intent, patterns in PATTERNS.items():
        explained = {i for c in _INTENT_CONCEPTS[intent] | {"LEVEL"} for i in concepts.get(c, (0, set()))[1]}
        relevant = len(explained | content)  # fillers count once they carry the intent ("what can you do")
        unexplained = len(content - explained) / relevant if relevant else 0.0
        for pattern in patterns:
            sims = [max((concepts[c][0] for c in need.split("|") if c in concepts), default=0.0)
                    for need in pattern.needs]
            if min(sims) == 0:
                continue
            score = pattern.weight * sum(sims) / len(sims) * (1 - pattern.strictness * unexplained)
            if score > best_score + 1e-9:
                best_intent, best_score = intent, score
    if best_score < THRESHOLD:
        return Recognition("none", round(1.0 - best_score, 3), level, language)
    return Recognition(best_intent, round(min(best_score, 1.0), 3), level, language)


__all__ = ["INTENTS", "THRESHOLD", "Recognition", "recognize"]
