"""`org_progress` for one named competency: both levels, every option with its requirements, the
closest option marked (SPEC 1, R1, R9, R13)."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.progress import _requirement
from dialogs.cards.reply import Reply
from services.standing import CompetencyStanding


def competency_reply(standing: CompetencyStanding, language: str, zone: tzinfo | None = None) -> Reply:
    evaluation = standing.evaluation
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    result = standing.competency
    reply = ReplyBuilder()
    reply.title(words.say("competency_title", competency=words.competency(result.id), organization=evaluation.snapshot.name))
    if result.held:
        reply.line(words.say("held_badge", level=words.level(result.held)), color="accent")
    reply.line(words.say("as_of", when=words.when(evaluation.moment)), subtle=True)
    for level, level_result in result.levels.items():
        status = words.say("met" if level_result.met else "not_met")
        held_here = result.held is not None and (result.held == level or result.held == "gold")
        key = "competency_level_heading"
        if held_here:
            key = "competency_level_at_risk" if standing.at_risk[level] else "competency_level_safe"
        with reply.section() as part:
            part.heading(
                words.say(key, level=words.level(level), status=status),
                color="attention" if held_here and standing.at_risk[level] else "good" if level_result.met else None,
            )
            for option in level_result.options:
                name = words.option(result.id, option.option_id)
                option_status = words.say("met" if option.met else "not_met")
                marker = "competency_option"
                if option.option_id == standing.closest[level]:
                    marker = "competency_option_met_here" if option.met else "competency_option_closest"
                part.line(words.say(marker, option=name, status=option_status), bold=True, color="good" if option.met else None)
                if option.override is not None:
                    part.line(words.say("override_until", date=words.date(option.override.ends_on)), color="accent")
                for requirement in option.requirements:
                    _requirement(part, words, requirement)
    reply.action(words.say("button_upgrade"), {"intent": "upgrade_options"})
    reply.action(words.say("button_people"), {"intent": "people", "competency": result.id})
    return reply.build()
