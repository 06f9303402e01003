"""`people`: who holds a credential, who counts for a competency, or everyone certified; each person
with what counts and until when, the levels they carry, and the levels that have no slack (SPEC 1)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.naming import competency_level, credential_name, levels_list, people_list
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.domain.roster import HeldCredential
from services.people import PeopleAnswer

PEOPLE_SHOWN = 25  # a card with more people is too long to read; the text says how many are left out


def _held(words: Phrasebook, held: HeldCredential) -> str:
    name = credential_name(words, held.code)
    if not held.counts:
        return words.say("people_credential_pending", credential=name, when=words.when(held.counts_from))
    if held.valid_until is None:
        return words.say("people_credential_forever", credential=name)
    return words.say("people_credential_until", credential=name, date=words.date(held.valid_until))


def _title_and_empty(words: Phrasebook, answer: PeopleAnswer) -> tuple[str, str]:
    roster, organization, names = answer.roster, answer.organization_name, answer.names
    if roster.person is not None:
        person = names.get(roster.person, roster.person)
        return words.say("people_title_person", person=person), words.say("people_none_person", person=person)
    if roster.credential is not None:
        credential = credential_name(words, roster.credential)
        return words.say("people_title_credential", credential=credential), words.say("people_none_credential", credential=credential, organization=organization)
    if roster.competency is not None:
        competency = words.competency(roster.competency)
        return words.say("people_title_competency", competency=competency), words.say("people_none_competency", competency=competency, organization=organization)
    return words.say("people_title_all", organization=organization), words.say("people_none_all", organization=organization)


def people_reply(answer: PeopleAnswer, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook(language, answer.catalog, answer.names, moment=answer.moment, zone=zone)
    roster = answer.roster
    reply = ReplyBuilder()
    title, empty = _title_and_empty(words, answer)
    reply.title(title)
    reply.line(words.say("as_of", when=words.when(answer.moment)), subtle=True)
    with reply.section() as part:
        if not roster.entries:
            part.line(empty)
        for entry in roster.entries[:PEOPLE_SHOWN]:
            credentials = words.join([_held(words, h) for h in entry.credentials], "word_and")
            part.line(words.say("people_entry", person=entry.display_name, credentials=credentials), bullet=True)
            carries = words.say("people_carries", levels=levels_list(words, entry.carries)) if entry.carries else words.say("people_carries_nothing")
            part.line(carries, subtle=True, indent=1)
        if len(roster.entries) > PEOPLE_SHOWN:
            part.line(words.say("people_more", count=words.count(len(roster.entries) - PEOPLE_SHOWN)), subtle=True)
    if roster.person is None and roster.entries:
        with reply.section() as part:
            part.heading(words.say("people_no_slack_title"))
            if not roster.no_slack:
                part.line(words.say("people_slack_all"))
            for level in roster.no_slack:
                key = "people_no_slack_one" if level.required == 1 else "people_no_slack"
                part.line(
                    words.say(key, level=competency_level(words, level.competency_id, level.level), count=words.count(level.required), people=people_list(words, level.people)),
                    color="warning",
                    bullet=True,
                )
    reply.action(words.say("button_expiring"), {"intent": "expiring"})
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    return reply.build()
