"""`upgrade_options`: the closest ways to the next level, what each lacks and who is nearly there (R13)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.domain.organization import OrganizationEvaluation
from services.domain.upgrades import UpgradeOption

OPTIONS_SHOWN = 5
PEOPLE_SHOWN = 3  # closest or pending people per requirement


def describe_option(part: ReplyBuilder, words: Phrasebook, option: UpgradeOption, prefix: str = "") -> None:
    """One option's line, then who is closest to each missing requirement and who is pending."""
    heading = prefix + words.say(
        "upgrade_heading", competency=words.competency(option.competency_id), option=words.option(option.competency_id, option.option_id)
    )
    needs = words.needs(option)
    part.line(
        words.say("upgrade_line", heading=heading, needs=needs),
        card_text=words.say("upgrade_line", heading=f"**{heading}**", needs=needs),
    )
    for result in option.shortfalls:
        if result.missing > 0 and result.closest:
            part.line(words.say("closest_title"), subtle=True, indent=1)
            for person in result.closest[:PEOPLE_SHOWN]:
                part.line(words.closest(person), subtle=True, indent=1, bullet=True)
        for pending in result.pending_people[:PEOPLE_SHOWN]:
            part.line(
                words.say("pending_person", person=words.person(pending.person_id), when=words.when(pending.counts_from)),
                subtle=True,
                indent=1,
            )


def upgrade_reply(evaluation: OrganizationEvaluation, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    level = words.level(evaluation.upgrade_level)
    reply = ReplyBuilder()
    reply.title(words.say("upgrade_title", level=level))
    options = evaluation.upgrade_options
    if not options:
        reply.line(words.say("upgrade_none", level=level))
    else:
        reply.line(words.say("upgrade_intro"), subtle=True)
    for rank, option in enumerate(options[:OPTIONS_SHOWN], start=1):
        with reply.section() as part:
            describe_option(part, words, option, prefix=f"{rank}. ")
    further = len(options) - OPTIONS_SHOWN
    if further > 0:
        with reply.section() as part:
            part.line(words.say("more_options_one" if further == 1 else "more_options", count=further), subtle=True)
    reply.action(words.say("button_progress_level", level=level), {"intent": "org_progress", "level": evaluation.upgrade_level})
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    return reply.build()
