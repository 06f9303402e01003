"""Asking before acting on a guess: an intent that changes something (alerts off, cancel) recognised
with a score below CONFIRM_BELOW is confirmed with a yes/no question first."""

from __future__ import annotations

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.dialogs.prompts import PromptValidatorContext
from botbuilder.schema import ActionTypes, Activity, CardAction, HeroCard

from dialogs.messages import text
from dialogs.yes_no import yes_or_no

# Below this the recognizer's guess is asked about. A plainly worded request scores 0.9 or 1.0
# ("alerts off", "Benachrichtigungen aus", "cancel"); one padded with other words scores less and is
# asked about ("turn off alerts" 0.75, "cancel my request please" 0.56 with the rules recognizer).
CONFIRM_BELOW = 0.8


async def is_yes_or_no(prompt: PromptValidatorContext) -> bool:
    return prompt.recognized.succeeded and yes_or_no(prompt.recognized.value) is not None


def confirmation_activity(language: str, question_key: str) -> Activity:
    """The question with Yes and No buttons that send their title back as text (imBack)."""
    buttons = [CardAction(type=ActionTypes.im_back, title=text(language, key), value=text(language, key)) for key in ("confirm_yes", "confirm_no")]
    return MessageFactory.attachment(CardFactory.hero_card(HeroCard(text=text(language, question_key), buttons=buttons)))
