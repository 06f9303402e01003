"""`org_progress`: per competency, the best option toward a level, each requirement current against
required with a progress bar (SPEC 1, R1-R3, R9, R11)."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from datetime import tzinfo

from dialogs import formatting
from dialogs.cards import kept
from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.domain.catalog import Level
from services.domain.evaluation import Assessment, CompetencyResult, LevelResult
from services.domain.organization import OrganizationEvaluation
from services.domain.requirements import RequirementResult
from services.domain.upgrades import best_option

MAX_COMPETENCIES = 10  # keeps the card far below Teams' ~25 KB with the bundled catalog


def has_progress(level_result: LevelResult) -> bool:
    return any(o.met or any(r.current > 0 or r.pending > 0 for r in o.requirements) for o in level_result.options)


def _bar_style(result: RequirementResult) -> str:
    if result.met:
        return "good"
    if result.missing <= 0 or (result.required and result.current / result.required >= 0.5):
        return "warning"  # pending items complete it, or half way there
    return "attention"


def _requirement(part: ReplyBuilder, words: Phrasebook, result: RequirementResult) -> None:
    part.figure(words.requirement_label(result), words.figure(result), "good" if result.met else None)
    part.bar(result.current / result.required if result.required else 1.0, _bar_style(result))
    for note in (words.among(result), words.pending(result)):
        if note:
            part.line(note, subtle=True, indent=1)


def _competency(part: ReplyBuilder, words: Phrasebook, evaluation: OrganizationEvaluation, result: CompetencyResult, level: Level) -> None:
    level_result = result.levels[level]
    part.heading(words.competency(result.id))
    if result.held:
        held = [h for h in evaluation.renewal.held if h.competency_id == result.id]
        badge = words.say("held_badge", level=words.level(result.held))
        at_risk = any(h.at_risk for h in held)
        if held:
            badge = f"{badge} · {words.say('at_risk' if at_risk else 'safe')}"
        part.line(badge, color="attention" if at_risk else "accent")
    option = best_option(level_result)
    status = words.say("level_status", level=words.level(level), status=words.say("met" if option.met else "not_met"))
    name = words.option(result.id, option.option_id)
    via = words.say("via_option_best_of", option=name, count=len(level_result.options)) if len(level_result.options) > 1 else words.say("via_option", option=name)
    part.line(f"{status} · {via}", color="good" if option.met else None, bold=True)
    if option.override is not None:
        part.line(words.say("override_until", date=words.date(option.override.ends_on)), color="accent")
    for requirement in option.requirements:
        _requirement(part, words, requirement)


def progress_reply(evaluation: OrganizationEvaluation, level: Level, language: str, zone: tzinfo | None = None) -> Reply:
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    snapshot, assessment = evaluation.snapshot, evaluation.assessment
    reply = ReplyBuilder()
    reply.title(words.say("progress_title", level=words.level(level), organization=snapshot.name))
    membership = snapshot.membership
    if membership is not None and membership.level != "none":
        reply.line(words.say("membership_line", level=words.level(membership.level), date=words.date(membership.expires_on)))
    else:
        reply.line(words.say("membership_none"))
    eligible = assessment.eligible_level
    reply.line(words.say("eligible_none") if eligible == "none" else words.say("eligible_line", level=words.level(eligible)))
    reply.line(words.say("as_of", when=words.when(evaluation.moment)), subtle=True)

    shown = without_progress = not_shown = 0
    for result in assessment.competencies:
        level_result = result.levels.get(level)
        if level_result is None:
            continue
        if result.held is None and not has_progress(level_result):
            without_progress += 1
            continue
        if shown >= MAX_COMPETENCIES:
            not_shown += 1
            continue
        shown += 1
        with reply.section() as part:
            _competency(part, words, evaluation, result, level)

    with reply.section() as part:
        if shown == 0:
            part.line(words.say("progress_nothing", level=words.level(level)))
        if not_shown:
            part.line(words.say("not_shown", count=not_shown), subtle=True)
        if without_progress:
            key = "more_competencies_one" if without_progress == 1 else "more_competencies"
            part.line(words.say(key, count=without_progress, level=words.level(level)), subtle=True)

    reply.action(words.say("button_upgrade"), {"intent": "upgrade_options", "level": level})
    reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    other: Level = "gold" if level == "silver" else "silver"
    reply.action(words.say("button_progress_level", level=words.level(other)), {"intent": "org_progress", "level": other})
    return reply.build()


class ProgressReplies:
    """`progress_reply`, rendered once per cached evaluation. A turn's evaluation is the cached one
    (services/progress.py), as of the turn's moment; the card's only words that follow the moment are
    its "as of" line, to the minute. So the same (evaluation, level, language, zone, that line) gets
    the same reply (shared: its card is read, never changed), and a new evaluation, another minute or
    another reader renders anew. The evaluation is told apart by its assessment, held weakly: a kept
    reply never keeps a large organisation's evaluation alive after the evaluation cache let it go."""

    def __init__(self, size: int = 32):
        self.size = size
        self._replies: OrderedDict[tuple[int, Level, str, tzinfo | None, str], tuple[weakref.ref[Assessment], Reply]] = OrderedDict()

    def __call__(self, evaluation: OrganizationEvaluation, level: Level, language: str, zone: tzinfo | None = None) -> Reply:
        assessment = evaluation.assessment
        key = (id(assessment), level, language, zone, formatting.datetime_text(evaluation.moment, language, zone))
        found = self._replies.get(key)
        if found is not None and found[0]() is assessment:
            self._replies.move_to_end(key)
            return found[1]
        reply = progress_reply(evaluation, level, language, zone)
        kept.keep(reply)  # its activity content and JSON text made once (dialogs/cards/kept.py)
        self._replies[key] = (weakref.ref(assessment), reply)
        while len(self._replies) > self.size:
            self._replies.popitem(last=False)
        return reply
