"""`what_if` (R15): what one hypothetical change would alter, before → after; nothing else."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.naming import competency_level, credential_name
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.domain.what_if import LevelState, OptionRef, WhatIf


def _state(words: Phrasebook, state: LevelState) -> str:
    key = ("what_if_state_met" if state.met else "what_if_state_not_met") + ("_at_risk" if state.at_risk else "")
    return words.say(key)


def _option(words: Phrasebook, ref: OptionRef) -> str:
    return words.say(
        "what_if_option",
        competency=words.competency(ref.competency_id),
        level=words.level(ref.level),
        option=words.option(ref.competency_id, ref.option_id),
    )


def what_if_title(words: Phrasebook, result: WhatIf) -> str:
    change = result.change
    person = words.person(change.person_id)
    if change.kind == "leaves":
        return words.say("what_if_title_leaves", person=person)
    return words.say(f"what_if_title_{change.kind}", person=person, credential=credential_name(words, change.code or "?"))


def what_if_reply(result: WhatIf, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook.for_evaluation(result.before, language, zone)
    reply = ReplyBuilder()
    reply.title(what_if_title(words, result))
    before, after = result.membership_before, result.membership_after
    if before.eligible_level != after.eligible_level:
        reply.line(words.say("what_if_membership", before=words.level(before.eligible_level), after=words.level(after.eligible_level)), bold=True)
    else:
        reply.line(words.say("what_if_membership_same", level=words.level(before.eligible_level)))
    membership = result.before.snapshot.membership
    if membership is not None and membership.level != "none" and membership.expires_on > result.before.moment.date():
        risk = {False: words.say("what_if_safe"), True: words.say("what_if_at_risk")}
        date = words.date(membership.expires_on)
        if before.renewal_at_risk != after.renewal_at_risk:
            reply.line(
                words.say("what_if_renewal", date=date, before=risk[before.renewal_at_risk], after=risk[after.renewal_at_risk]),
                bold=True,
                color="attention" if after.renewal_at_risk else "good",
            )
        else:
            reply.line(words.say("what_if_renewal_same", date=date, state=risk[before.renewal_at_risk]))
    if not result.changes_anything:
        reply.line(words.say("what_if_nothing"))
    if result.levels:
        with reply.section() as part:
            for level in result.levels:
                worse = (level.before.met and not level.after.met) or (level.after.at_risk and not level.before.at_risk)
                part.line(
                    words.say(
                        "what_if_level",
                        level=competency_level(words, level.competency_id, level.level),
                        before=_state(words, level.before),
                        after=_state(words, level.after),
                    ),
                    color="attention" if worse else "good",
                    bullet=True,
                )
    if result.opened or result.closed:
        with reply.section() as part:
            for ref in result.opened:
                part.line(words.say("what_if_opened", option=_option(words, ref)), color="good", bullet=True)
            for ref in result.closed:
                part.line(words.say("what_if_closed", option=_option(words, ref)), color="attention", bullet=True)
    reply.line(words.say("what_if_nothing_stored"), subtle=True)
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    reply.action(words.say("button_people"), {"intent": "people"})
    return reply.build()
