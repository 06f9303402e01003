"""Replies that need no data: the welcome and the help."""

from __future__ import annotations

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.reply import Reply
from dialogs.messages import text


def welcome_reply(language: str) -> Reply:
    return Reply(text(language, "welcome"))


def help_reply(language: str) -> Reply:
    """What the bot can do, one line per ability, with buttons for the common questions."""
    reply = ReplyBuilder()
    reply.title(text(language, "help_title"))
    for ability in (text(language, "help") + "\n" + text(language, "help_more")).splitlines():
        reply.line(ability.removeprefix("- "), bullet=True)
    reply.action(text(language, "button_achievements"), {"intent": "my_achievements"})
    reply.action(text(language, "button_link"), {"intent": "link_msa"})
    reply.action(text(language, "button_progress"), {"intent": "org_progress"})
    reply.action(text(language, "button_upgrade"), {"intent": "upgrade_options"})
    reply.action(text(language, "button_renewal"), {"intent": "renewal_status"})
    return reply.build()
