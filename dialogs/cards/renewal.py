"""`renewal_status`: each held level safe or at risk at the anniversary, why, and the cheapest fix (R9, R10)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from dialogs.cards.upgrade import PEOPLE_SHOWN
from services.domain.organization import OrganizationEvaluation
from services.domain.renewal import HeldLevelRisk

CAUSES_SHOWN = 5


def _held_level(part: ReplyBuilder, words: Phrasebook, held: HeldLevelRisk, anniversary: str) -> None:
    key = "held_level_at_risk" if held.at_risk else "held_level_safe"
    part.heading(
        words.say(key, competency=words.competency(held.competency_id), level=words.level(held.level), date=anniversary),
        color="attention" if held.at_risk else "good",
    )
    for cause in held.causes[:CAUSES_SHOWN]:
        part.line(words.cause(cause), bullet=True)
    if len(held.causes) > CAUSES_SHOWN:
        part.line(words.say("more_causes", count=len(held.causes) - CAUSES_SHOWN), subtle=True, bullet=True)
    if not held.at_risk:
        return
    if held.fix is None:
        part.line(words.say("fix_none"))
        return
    fix = words.say("fix", option=words.option(held.fix.competency_id, held.fix.option_id), needs=words.needs(held.fix))
    part.line(fix, bold=True)
    for result in held.fix.shortfalls:
        if result.missing > 0 and result.closest:
            part.line(words.say("closest_title"), subtle=True, indent=1)
            for person in result.closest[:PEOPLE_SHOWN]:
                part.line(words.closest(person), subtle=True, indent=1, bullet=True)


def renewal_reply(evaluation: OrganizationEvaluation, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    renewal = evaluation.renewal
    reply = ReplyBuilder()
    reply.title(words.say("renewal_title"))
    membership = evaluation.snapshot.membership
    if membership is None or membership.level == "none":
        reply.line(words.say("renewal_no_membership"))
        reply.action(words.say("button_upgrade"), {"intent": "upgrade_options"})
        return reply.build()

    level, anniversary = words.level(membership.level), words.date(membership.expires_on)
    if membership.expires_on <= evaluation.moment.date():
        reply.line(words.say("renewal_expired", level=level, date=anniversary))
    else:
        reply.line(words.say("renewal_membership", level=level, date=anniversary))
        if renewal.at_risk:
            reply.line(words.say("renewal_at_risk_sentence", level=level, date=anniversary), color="attention", bold=True)
        else:
            reply.line(words.say("renewal_safe_sentence", level=level, date=anniversary), color="good")
        if not renewal.held:
            reply.line(words.say("renewal_nothing_held"))
    for held in renewal.held:
        with reply.section() as part:
            _held_level(part, words, held, anniversary)
    reply.action(words.say("button_upgrade"), {"intent": "upgrade_options"})
    reply.action(words.say("button_progress_level", level=level), {"intent": "org_progress", "level": membership.level})
    return reply.build()
