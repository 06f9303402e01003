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

import re
from dataclasses import dataclass
from typing import NamedTuple

from dialogs.entities import EntityLexicon, bundled_catalog, lexicon_for
from dialogs.text_normalization import FuzzyLexicon, fold, strip_mentions

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
    person: str | None = None  # a person's name as written ("Sam", "Anna Schmidt")


# Vocabulary: concept → (English words, German words). "a_b" is a phrase of consecutive words.
# Inflected forms need not be listed: a word matches its forms through light stemming (word_forms).
CONCEPTS: dict[str, tuple[str, str]] = {
    "LINK": ("link linked linking connect connected connecting add register attach hook_up sign_in",
             "verknuepfen verknuepfe verknuepft verbinden verbinde verbindet verlinken verlinke "
             "hinzufuegen koppeln registrieren"),
    "MSA": ("msa msas account accounts acct profile", "msa konto konten microsoftkonto profil"),
    "ACHIEVE": ("achievements achievement achieved certifications certification certificates "
                "certificate certs cert certified exams exam assessments assessment badges credentials "
                "qualifications",
                "zertifizierungen zertifizierung zertifikate zertifikat zertifikaten erfolge erfolg "
                "pruefungen pruefung abschluesse abschluss errungenschaften qualifikationen zertifiziert"),
    "HAVE": ("hold holds own owns earned got has", "habe hab besitze hat haben besitzt"),
    "COUNT": ("count counts counting valid", "zaehlen zaehlt gueltig anrechnen angerechnet"),
    "EXPIRE": ("expire expires expiring expiry expired expiration lapse", "ablaufen abgelaufen ablauf verfallen"),
    "RUN": ("", "laeuft laufen"),
    "AB": ("", "ab"),
    "SOON": ("soon upcoming next_month next_months next_quarter shortly", "bald demnaechst kuerze naechsten"),
    "WHEN": ("when date until", "wann datum bis_wann"),
    "PROGRESS": ("progress status far close doing stand standing overview dashboard",
                 "fortschritt fortschritte status stand stehen steht weit nah nahe entfernt uebersicht laeuft"),
    "COMPETENCY": ("competency competencies competence", "kompetenz kompetenzen"),
    "MEMBERSHIP": ("membership partnership partner_level tier level", "mitgliedschaft partnerschaft stufe"),
    "UPGRADE": ("upgrade upgrading next_level", "upgrade upgraden aufstieg aufsteigen hochstufen"),
    "MISSING": ("missing lacking lack gap left", "fehlt fehlen fehlend"),
    "REQUIRE": ("need needed require requires required requirements requirement take takes",
                "brauchen benoetigen noetig anforderungen anforderung voraussetzungen verlangt braucht"),
    "REACH": ("reach get getting become", "erreichen kommen schaffen bekommen werden"),
    "OPTIONS": ("options option ways path", "optionen option moeglichkeiten wege weg"),
    "CLOSEST": ("closest nearest", "am_naechsten"),
    "RENEWAL": ("renewal renew renewing anniversary", "verlaengerung verlaengern jahrestag erneuerung"),
    "KEEP": ("keep retain stay remain", "behalten bleiben bleibt halten"),
    "LOSE": ("lose losing lost drop", "verlieren verlust verloren"),
    "RISK": ("risk risks risky danger endangered jeopardy", "risiko risiken gefaehrdet gefahr"),
    "SAFE": ("safe secure", "sicher"),
    "ALERTS": ("alerts alert warnings warning notifications notification notify",
               "benachrichtigungen benachrichtigung warnungen warnung alerts hinweise meldungen"),
    "OFF": ("off mute disable stop pause silence unsubscribe no no_more quiet anymore dont",
            "aus ausschalten abschalten deaktivieren stummschalten stumm abbestellen abstellen "
            "stopp keine hoer_auf aufhoeren ausmachen"),
    "OPTOUT": ("unsubscribe opt_out optout mute", "abbestellen abmelden austragen stummschalten"),
    "ON": ("on enable unmute resume subscribe start again back reactivate",
           "an einschalten anschalten aktivieren reaktivieren wieder anmachen"),
    "NOTIFY": ("notify_me let_me_know tell_me_when tell_me_if warn_me alert_me inform_me keep_me_posted "
               "keep_me_informed keep_me_updated ping_me message_me",
               "benachrichtige benachrichtigen informiere informieren warne sag_mir_bescheid "
               "gib_mir_bescheid halte_mich melde_dich melde_mir"),
    "TELL_ABOUT": ("tell_me_about", "erzaehl_mir_von"),
    "HELP": ("help commands what_can_you_do how_does_this_work what_can_i_ask what_do_you_do "
             "able_to_do how_do_i_use what_you_can_do what_are_you_able features capabilities "
             "what_can_i_do what_do_i_ask",
             "hilfe hilf befehle was_kannst_du wie_funktioniert_das was_kann_ich was_kann_der_bot "
             "was_du_kannst was_koennen_sie was_sie_koennen funktionen"),
    "ASK": ("ask need", "fragen brauche"),
    "CANCEL": ("cancel stop abort quit exit never_mind nevermind forget nvm",
               "abbrechen abbruch stopp beenden vergiss lass_gut_sein lass_es egal schluss"),
    "MY": ("my mine i me im ive", "mein meine meinen meinem meiner meines ich mir mich"),
    "OUR": ("our ours we us", "unser unsere unseren unserem unserer wir uns"),
    "WHO": ("who whom whose", "wer wem wen wessen"),
    "PEOPLE": ("people persons person staff employees employee colleagues colleague team_members "
               "individuals engineers consultants holders holder",
               "personen mitarbeiter mitarbeitende kollegen kolleginnen"),
    "WHATIF": ("what_if what_happens_if what_would_happen suppose supposing imagine hypothetically "
               "scenario",
               "was_waere_wenn was_wenn was_passiert_wenn angenommen falls szenario"),
    "LEAVES": ("leaves leave left quits quit resigns resign departs goes fired laid_off",
               "geht gehen verlaesst verlassen kuendigt kuendigen ausscheidet scheidet weggeht"),
    "EARNS": ("earns earn passes pass gets obtains achieves completes", "besteht bestehen erwirbt macht erreicht schafft"),
    "SPECIAL": ("specialization specializations specialisation specialisations advanced_specialization",
                "spezialisierung spezialisierungen"),
    "DESIGN": ("designation designations solutions_partner", "designation designationen bezeichnung "
               "solutions_partner"),
    "SCORE": ("score points point", "punkte punktzahl punktestand score"),
    "GREET": ("hello hi hey hiya howdy good_morning good_afternoon good_evening thanks thank_you thx ty "
              "cheers great awesome bye goodbye",
              "hallo moin servus gruezi guten_morgen guten_tag guten_abend danke dankeschoen vielen_dank "
              "tschuess super prima"),
}

# Words that neither help nor hurt: they are not "content" when measuring coverage.
FILLERS: tuple[str, str] = (
    "a an the to of for on in at by from with about and or so is are am be was were will would can "
    "could do does did have has had i me my mine we us our ours you your it its this that these those "
    "what whats which who whos how hows where wheres when why please pls plz show list tell give see "
    "check let lets any anything some just now still currently current org organisation organization "
    "company team microsoft ms bot hi hello hey want like another new toward towards there all much s "
    "yet already ok okay right really our im ive know",
    "der die das den dem des ein eine einer einen einem ist sind war wird werden ich mir mich mein "
    "meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer du dich dir es was "
    "wie wo wer wann welche welcher welches bitte zeig zeige zeigen anzeigen liste und oder mit von zu "
    "zum zur fuer bei beim am im in an auf um noch jetzt aktuell schon mal doch denn da hier "
    "organisation firma unternehmen team microsoft alles neues neue neuen weiteres hallo hey moechte "
    "sie ihr ihnen ihre koennen koennten sagen",
)

LEVELS = {w: "gold" for w in "gold golden goldene goldenen goldener goldenes".split()} | {
    w: "silver" for w in "silver silber silbern silberne silbernen silberner silbernes".split()
}


_FILLER_WORDS = frozenset(" ".join(FILLERS).split())


class Pattern(NamedTuple):
    weight: float
    needs: tuple[str, ...]  # concepts that must all occur; "A|B" means either
    strictness: float = 0.75  # how much unexplained content words lower the score (1.0: strict)
    avoid: tuple[str, ...] = ()  # concepts whose presence (×0.75) says the question is another one


# Entity pseudo-concepts, set from the message rather than the vocabulary: LEVEL, NAMED (a competency),
# CREDENTIAL (a catalog credential or an exam code), PERSON, SPECIAL_NAME, DESIGN_NAME.
PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "link_msa": (Pattern(1.0, ("LINK", "MSA")), Pattern(0.7, ("MSA",), 1.0)),
    "my_achievements": (Pattern(1.0, ("MY", "ACHIEVE|CREDENTIAL")), Pattern(0.9, ("ACHIEVE",), 0.75, ("OUR", "PERSON", "WHO")),
                        Pattern(0.95, ("MY", "COUNT|EXPIRE"), 0.75, ("OUR",))),
    "org_progress": (Pattern(0.9, ("PROGRESS",)), Pattern(0.7, ("COMPETENCY",), 1.0),
                     Pattern(0.6, ("LEVEL",), 1.0), Pattern(0.7, ("NAMED",), 1.0),
                     Pattern(1.05, ("REQUIRE", "NAMED")), Pattern(0.95, ("PROGRESS", "NAMED"))),
    "upgrade_options": (Pattern(1.0, ("UPGRADE",)), Pattern(1.0, ("MISSING",)), Pattern(0.95, ("REQUIRE",)),
                        Pattern(0.95, ("REACH", "LEVEL|COMPETENCY")), Pattern(1.0, ("CLOSEST",)),
                        Pattern(0.9, ("OPTIONS",)), Pattern(1.1, ("UPGRADE", "NAMED"))),
    "renewal_status": (Pattern(1.0, ("RENEWAL",)), Pattern(1.0, ("KEEP", "LEVEL|COMPETENCY|NAMED")),
                       Pattern(1.0, ("LOSE", "LEVEL|COMPETENCY|NAMED"), 0.75, ("PERSON",)),
                       Pattern(0.9, ("SAFE", "LEVEL|COMPETENCY|NAMED")), Pattern(0.8, ("RISK",), 1.0)),
    "alerts_on": (Pattern(1.0, ("ALERTS", "ON")), Pattern(1.0, ("NOTIFY",)),
                  Pattern(1.05, ("TELL_ABOUT", "RISK|EXPIRE|ALERTS"))),
    "alerts_off": (Pattern(1.0, ("ALERTS", "OFF")), Pattern(0.85, ("OPTOUT",), 1.0)),
    "help": (Pattern(1.0, ("HELP",)),),
    "cancel": (Pattern(0.9, ("CANCEL",)),),
    "membership_status": (Pattern(1.0, ("MEMBERSHIP",)), Pattern(1.05, ("MEMBERSHIP", "EXPIRE|AB|WHEN|RUN")),
                          Pattern(1.0, ("RENEWAL", "WHEN"))),
    "people": (Pattern(0.95, ("PEOPLE",)), Pattern(1.0, ("WHO", "COUNT|ACHIEVE|CREDENTIAL|NAMED|PERSON")),
               Pattern(1.05, ("PERSON", "ACHIEVE|HAVE|COUNT|CREDENTIAL"), 0.75, ("WHATIF", "MY")),
               Pattern(1.0, ("PEOPLE", "ACHIEVE|CREDENTIAL|NAMED"))),
    "expiring": (Pattern(1.0, ("EXPIRE",), 0.75, ("MY",)), Pattern(1.0, ("RUN", "AB"), 0.75, ("MY",)),
                 Pattern(1.05, ("EXPIRE|AB", "SOON"), 0.75, ("MY",))),
    "what_if": (Pattern(1.1, ("WHATIF",)), Pattern(1.0, ("PERSON", "LEAVES|EARNS")),
                Pattern(1.1, ("WHATIF", "PERSON|LEAVES|EARNS|LOSE"))),
    "specializations": (Pattern(1.05, ("SPECIAL",)), Pattern(1.0, ("SPECIAL_NAME",))),
    "designations": (Pattern(1.05, ("DESIGN",)), Pattern(1.0, ("DESIGN_NAME",)), Pattern(0.9, ("SCORE",))),
    "greeting": (Pattern(0.85, ("GREET",), 1.0),),
}
# Concepts that do not trigger an intent but whose words belong to it (coverage only).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "link_msa": ("ACHIEVE", "COUNT"),
    "my_achievements": ("HAVE", "COUNT", "EXPIRE", "WHEN", "SOON", "RUN", "AB"),
    "org_progress": ("COMPETENCY", "MEMBERSHIP"),
    "upgrade_options": ("ACHIEVE", "COMPETENCY", "OPTIONS", "REACH", "MEMBERSHIP", "PEOPLE"),
    "renewal_status": ("RISK", "SAFE", "PROGRESS", "COMPETENCY", "MEMBERSHIP"),
    "alerts_on": ("RENEWAL", "RISK", "EXPIRE", "ALERTS", "ACHIEVE", "CHANGE", "WHEN", "SOON", "LOSE"),
    "help": ("ASK",),
    "membership_status": ("PROGRESS", "RENEWAL", "SOON", "LEVEL"),
    "people": ("ACHIEVE", "HAVE", "COUNT", "COMPETENCY", "PEOPLE", "PERSON"),
    "expiring": ("ACHIEVE", "SOON", "WHEN", "RUN", "AB", "PEOPLE", "WHO"),
    "what_if": ("LEAVES", "EARNS", "LOSE", "ACHIEVE", "HAVE", "MEMBERSHIP", "COMPETENCY", "PEOPLE", "RENEWAL",
                "PERSON"),
    "specializations": ("SPECIAL", "PROGRESS", "REACH", "REQUIRE", "COMPETENCY", "SCORE"),
    "designations": ("DESIGN", "SCORE", "PROGRESS", "REACH", "MEMBERSHIP"),
    "greeting": (),
}
# Concepts that are explained in every intent, like entities: pronouns say whose question it is. A
# person's name is explained only where a person belongs (people, what_if): an unknown capitalised word
# must not turn "Goldene Hochzeit" into a question.
_ALWAYS_EXPLAINED = ("LEVEL", "NAMED", "CREDENTIAL", "MY", "OUR")


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
    for word in LEVELS:  # "golden" is English, "goldene" and "Silber" German: they vote for a language too
        languages.setdefault(word, set()).add("en" if word in ("gold", "golden", "silver") else "de")
    languages["gold"].add("de")
    german = [w for w, tags in languages.items() if "de" in tags and w not in _FILLER_WORDS and w not in LEVELS]
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
                    positions.update(range(start, end))  # in place: a long message stays linear
                    found[concept] = (max(best, sim), positions)
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


_WORD = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = re.compile(r"['’`´]s$")


def words_as_written(text: str) -> tuple[list[str], list[str]]:
    """Folded tokens (as ``tokenize`` makes them) and, beside each, the word as the person wrote it."""
    tokens: list[str] = []
    surfaces: list[str] = []
    for match in _WORD.finditer(strip_mentions(text)):
        written = match.group()
        for part in _NON_WORD.split(fold(_APOSTROPHES.sub("", written))):
            if part:
                tokens.append(part)
                surfaces.append(_POSSESSIVE.sub("", written))
    return tokens, surfaces


# Words before a name ("what if Sam…", "wer ist Anna", "we lose Ben") and after one ("Sam leaves").
_BEFORE_NAME = frozenset("if wenn falls is ist about ueber does did has hat lose loses verlieren without ohne "
                         "does".split())
_NAME_CONCEPTS_AFTER = ("LEAVES", "EARNS", "LOSE", "HAVE", "COUNT")
MAX_NAME_WORDS = 3


def _person(tokens: list[str], surfaces: list[str], known: list[bool],
            concepts: dict[str, tuple[float, set[int]]], language: str) -> tuple[str | None, set[int]]:
    """A person's name as written, and its positions: unknown words that read as a name.

    A run of up to three words the bot does not know, after a word that introduces a name ("what if sam
    leaves", "who is Anna", "wenn Ben") or before a verb about people ("Sam leaves", "Ben geht"). In
    English a capitalised word past the first is a name too; German capitalises every noun, so there
    only the cues count.
    """
    after_name = set().union(*(concepts[c][1] for c in _NAME_CONCEPTS_AFTER if c in concepts))
    for i, token in enumerate(tokens):
        if known[i] or not token.isalpha() or len(token) < 2:
            continue
        written = surfaces[i]
        capital = language == "en" and (written[:1].isupper() and not written.isupper()
                                        or len(written) <= 4 and written.istitle())
        end = i + 1
        while end < len(tokens) and end - i < MAX_NAME_WORDS and not known[end] and tokens[end].isalpha() \
                and surfaces[end][:1].isupper() and surfaces[end] != written:
            end += 1
        cue_before = i > 0 and tokens[i - 1] in _BEFORE_NAME
        cue_after = end in after_name
        if (capital and (i > 0 or cue_after)) or cue_before or cue_after:
            return " ".join(dict.fromkeys(surfaces[i:end])), set(range(i, end))
    return None, set()


_ONLY_QUESTION_MARKS = re.compile(r"\s*\?+\s*")


def recognize(text: str, locale: str | None = None, lexicon: EntityLexicon | None = None) -> Recognition:
    """Intent, confidence, entities and language of one user message.

    ``lexicon`` holds the active catalog's competencies and credentials (``entity_lexicon(catalog)``);
    without one, the bundled catalog's is used.
    """
    text = text or ""
    lexicon = lexicon or entity_lexicon()
    tokens, surfaces = words_as_written(text)
    entities = lexicon.entities(tokens)
    named = entities.spans
    level_of = [LEVELS.get(t) for t in tokens]
    entity_positions = set().union(*(named.get(k, frozenset()) for k in ("competency", "credential", "code")))
    matches = [{} if lvl or i in entity_positions else _LEXICON.lookup(t)
               for i, (t, lvl) in enumerate(zip(tokens, level_of))]
    language = _language(text, tokens, [{t: 1.0} if lvl else m for t, lvl, m in zip(tokens, level_of, matches)], locale)
    levels = {lvl for lvl in level_of if lvl}
    level = "gold" if "gold" in levels else "silver" if levels else None  # both named: gold, the usual target
    if not tokens and _ONLY_QUESTION_MARKS.fullmatch(text):
        return Recognition("help", 1.0, None, language)

    concepts = _match_concepts(matches)
    if level:
        concepts["LEVEL"] = (1.0, {i for i, lvl in enumerate(level_of) if lvl})
    for kind, concept in (("competency", "NAMED"), ("credential", "CREDENTIAL"), ("code", "CREDENTIAL"),
                          ("specialization", "SPECIAL_NAME"), ("designation", "DESIGN_NAME")):
        if named.get(kind):
            best, positions = concepts.get(concept, (1.0, set()))
            concepts[concept] = (1.0, positions | named[kind])
    known = [bool(m) or bool(lvl) or i in entity_positions or t in lexicon.words
             for i, (t, m, lvl) in enumerate(zip(tokens, matches, level_of))]
    person, person_positions = _person(tokens, surfaces, known, concepts, language)
    if person:
        concepts["PERSON"] = (1.0, person_positions)
    content = {i for i, t in enumerate(tokens) if t not in _FILLER_WORDS or level_of[i]}
    always = {i for c in _ALWAYS_EXPLAINED for i in concepts.get(c, (0, set()))[1]}

    best_intent, best_score = "none", 0.0
    for intent, patterns in PATTERNS.items():
        explained = always | {i for c in _INTENT_CONCEPTS[intent] for i in concepts.get(c, (0, set()))[1]}
        relevant = len(explained | content)  # fillers count once they carry the intent ("what can you do")
        unexplained = len(content - explained) / relevant if relevant else 0.0
        for pattern in patterns:
            sims = [max((concepts[c][0] for c in need.split("|") if c in concepts), default=0.0)
                    for need in pattern.needs]
            if min(sims) == 0:
                continue
            score = pattern.weight * sum(sims) / len(sims) * (1 - pattern.strictness * unexplained)
            if any(c in concepts for c in pattern.avoid):
                score *= 0.75
            if score > best_score + 1e-9:
                best_intent, best_score = intent, score
    found = (entities.competency, entities.credential, person)
    if best_score < THRESHOLD:
        return Recognition("none", round(1.0 - best_score, 3), level, language, *found)
    return Recognition(best_intent, round(min(best_score, 1.0), 3), level, language, *found)


def entity_lexicon(catalog=None) -> EntityLexicon:
    """The (cached) entity lexicon of a catalog; by default the bundled one (SPEC 4.5)."""
    return lexicon_for(catalog if catalog is not None else bundled_catalog())


__all__ = ["INTENTS", "THRESHOLD", "Recognition", "entity_lexicon", "recognize", "words_as_written"]
