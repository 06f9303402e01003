"""`expiring`: counted achievements that stop counting within `renewal_warning_days` and before the
renewal: person, credential, date, and the levels they carry (SPEC 1, R5, R9)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.naming import credential_name, levels_list
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.people import ExpiringAnswer

SHOWN = 20  # keeps the card under Teams' size limit; the rest is counted


def expiring_reply(answer: ExpiringAnswer, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook(language, answer.catalog, moment=answer.moment, zone=zone)
    expiries = answer.expiries
    reply = ReplyBuilder()
    reply.title(words.say("expiring_title"))
    days = words.count(expiries.warning_days)
    renewal = words.date(expiries.expires_on) if expiries.expires_on else None
    if not expiries.items:
        reply.line(words.say("expiring_none_renewal", days=days, date=renewal) if renewal else words.say("expiring_none", days=days), color="good")
    else:
        reply.line(words.say("expiring_intro_renewal", days=days, date=renewal) if renewal else words.say("expiring_intro", days=days))
    for item in expiries.items[:SHOWN]:
        with reply.section() as part:
            key = "expiring_item_retiring" if item.retiring else "expiring_item"
            part.line(words.say(key, person=item.display_name, credential=credential_name(words, item.code), date=words.date(item.ends_at)), bold=True)
            carries = words.say("expiring_carries", levels=levels_list(words, item.carries)) if item.carries else words.say("expiring_carries_nothing")
            part.line(carries, subtle=True, indent=1)
    if len(expiries.items) > SHOWN:
        reply.line(words.say("expiring_more", count=words.count(len(expiries.items) - SHOWN)), subtle=True)
    reply.line(words.say("as_of", when=words.when(answer.moment)), subtle=True)
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    reply.action(words.say("button_people"), {"intent": "people"})
    return reply.build()
