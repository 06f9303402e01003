"""`my_achievements`: an employee's linked accounts and achievements, each with its status and what
it counts toward (SPEC 1)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.achievements import AchievementStatus, UserAchievements

_STATUS_COLOR = {"counts": "good", "pending": "warning", "expired": "attention", "not_linked": "attention", "left": "attention"}


def _status(words: Phrasebook, achievement: AchievementStatus) -> str:
    if achievement.status == "pending" and achievement.counts_from is not None:
        return words.say("status_pending", when=words.when(achievement.counts_from))
    if achievement.status == "expired":
        return words.say("status_expired", date=words.date(achievement.expires_at))
    if achievement.status == "counts" and achievement.expires_at is not None:
        return words.say("status_counts_expires", date=words.date(achievement.expires_at))
    return words.say(f"status_{achievement.status}")


# What a credential that does not count now would count toward: an expired one never says it counts.
_TOWARD_KEY = {"counts": "counts_toward", "pending": "counts_toward", "expired": "counts_toward_if_renewed", "not_linked": "counts_toward_if_linked"}


def _counts_toward(words: Phrasebook, achievement: AchievementStatus) -> str | None:
    key = _TOWARD_KEY.get(achievement.status)
    if key is None:  # the person left: nothing counts any more
        return None
    levels: dict[str, list[str]] = {}
    for competency_id, level in achievement.counts_toward:
        levels.setdefault(competency_id, []).append(words.level(level))
    if not levels:
        return words.say("counts_toward_nothing")
    competencies = [
        words.say("competency_levels", competency=words.competency(cid), levels=words.say("list_separator").join(names))
        for cid, names in levels.items()
    ]
    return words.say(key, competencies="; ".join(competencies))


def achievements_reply(user_achievements: UserAchievements, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook(language, user_achievements.catalog, zone=zone)
    reply = ReplyBuilder()
    reply.title(words.say("achievements_title"))
    reply.line(user_achievements.display_name, subtle=True)
    reply.action(words.say("button_link"), {"intent": "link_msa"})
    if not user_achievements.accounts:
        reply.line(words.say("no_accounts"))
        return reply.build()

    with reply.section() as part:
        part.heading(words.say("accounts_title"))
        for account in user_achievements.accounts:
            if account.counts_here:
                purpose = words.say(f"purpose_{account.purpose}")
                part.line(words.say("account_line", msa=account.msa, purpose=purpose, date=words.date(account.linked_at)), bullet=True)
            else:
                part.line(words.say("account_moved", msa=account.msa), color="attention", bullet=True)

    with reply.section() as part:
        if not user_achievements.achievements:
            part.line(words.say("no_achievements"))
        for achievement in user_achievements.achievements:
            line = words.say("achievement_line", credential=words.credential(achievement.code), status=_status(words, achievement))
            part.line(line, color=_STATUS_COLOR.get(achievement.status), bullet=True)
            toward = _counts_toward(words, achievement)
            if toward:
                part.line(toward, subtle=True, indent=1)
    return reply.build()
