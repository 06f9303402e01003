"""`membership_status`: the level and `expires_on`, the held competencies, what the profile shows (R8)
and whether the renewal is safe, in one line (R9)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.naming import levels_list
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.standing import MembershipStatus


def membership_reply(status: MembershipStatus, language: str, zone: tzinfo | None = None) -> Reply:
    evaluation = status.evaluation
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    reply = ReplyBuilder()
    reply.title(words.say("membership_title", organization=evaluation.snapshot.name))
    level = words.level(status.level)
    if status.level == "none" or status.expires_on is None:
        reply.line(words.say("membership_status_none"), bold=True)
    elif status.expired:
        reply.line(words.say("membership_status_expired", level=level, date=words.date(status.expires_on)), bold=True, color="attention")
    else:
        reply.line(words.say("membership_status_line", level=level, date=words.date(status.expires_on)), bold=True)
        if status.renewal_at_risk:
            reply.line(words.say("membership_renewal_at_risk", date=words.date(status.expires_on), level=level), color="attention")
        else:
            reply.line(words.say("membership_renewal_safe", date=words.date(status.expires_on), level=level), color="good")
    if status.held:
        items = [
            words.say(
                "membership_held_item_at_risk" if held.at_risk else "membership_held_item",
                competency=words.competency(held.competency_id),
                level=words.level(held.level),
            )
            for held in status.held
        ]
        reply.line(words.say("membership_held", competencies=words.join(items, "word_and")))
    else:
        reply.line(words.say("membership_held_none"))
    if status.eligible_level == "none" or not status.profile:
        reply.line(words.say("membership_profile_none"))
    else:
        reply.line(words.say("membership_profile", level=words.level(status.eligible_level), competencies=levels_list(words, status.profile)))
    reply.line(words.say("as_of", when=words.when(evaluation.moment)), subtle=True)
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    reply.action(words.say("button_expiring"), {"intent": "expiring"})
    return reply.build()
