"""Names in the second release's answers: a credential by its title with its exam number beside it
(never an id such as an assessment's or `mcsa-office-365`, SPEC 1), a level as "Security Silver", lists joined the way each language joins them."""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.cards.phrases import Phrasebook


def credential_name(words: Phrasebook, code: str) -> str:
    """One credential on its own, named the way every card names it (`Phrasebook.credential`): the
    title, with the exam number beside it only when the code is one ("MCSA: Office 365", never
    "MCSA: Office 365 (mcsa-office-365)")."""
    return words.credential(code)


def competency_level(words: Phrasebook, competency_id: str, level: str) -> str:
    return words.say("competency_of_level", competency=words.competency(competency_id), level=words.level(level))


def levels_list(words: Phrasebook, levels: Iterable[tuple[str, str]]) -> str:
    return words.join([competency_level(words, c, lv) for c, lv in levels], "word_and")


def people_list(words: Phrasebook, person_ids: Iterable[str]) -> str:
    return words.join([words.person(p) for p in person_ids], "word_and")


def track_name(words: Phrasebook, track_id: str) -> str:
    """A designation track as people call it; a track the messages do not name reads as its id."""
    from dialogs.messages import LANGUAGES

    key = f"track_{track_id}"
    return words.say(key) if key in LANGUAGES.get(words.language, LANGUAGES["en"]) else track_id
