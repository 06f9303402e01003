"""What the bot shows: a plain-text answer and an Adaptive Card per reply, in English or German.

Plain dicts and strings, no botbuilder: the dialogs wrap a `Reply` into an activity
(`MessageFactory.attachment(CardFactory.adaptive_card(reply.card))` with `reply.text` as its text),
so the cards are testable alone and survive a move to another SDK.
"""

from __future__ import annotations

from dialogs.cards.achievements import achievements_reply
from dialogs.cards.alert import alert_reply, alert_summary
from dialogs.cards.choice import person_choice_reply
from dialogs.cards.competency import competency_reply
from dialogs.cards.conversation import help_reply, welcome_reply
from dialogs.cards.expiring import expiring_reply
from dialogs.cards.greeting import greeting_reply
from dialogs.cards.membership import membership_reply
from dialogs.cards.people import people_reply
from dialogs.cards.programmes import designations_reply, specializations_reply
from dialogs.cards.progress import progress_reply
from dialogs.cards.renewal import renewal_reply
from dialogs.cards.reply import Reply
from dialogs.cards.upgrade import upgrade_reply
from dialogs.cards.what_if import what_if_reply

__all__ = [
    "Reply", "achievements_reply", "alert_reply", "alert_summary", "help_reply", "progress_reply", "renewal_reply", "upgrade_reply", "welcome_reply",
    # the second release (SPEC 1)
    "competency_reply", "designations_reply", "expiring_reply", "greeting_reply", "membership_reply", "people_reply",
    "person_choice_reply", "specializations_reply", "what_if_reply",
]
