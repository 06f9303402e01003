"""`specializations` (R12: criteria, Gold prerequisite, audit) and `designations` (R14: the score per
track and the points per metric), in chat."""

from __future__ import annotations

from datetime import tzinfo

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.naming import track_name
from dialogs.cards.phrases import Phrasebook, sentence
from dialogs.cards.progress import _requirement
from dialogs.cards.reply import Reply
from services.domain.designations import MetricScore
from services.standing import Designations, Specializations


def specializations_reply(answer: Specializations, language: str, zone: tzinfo | None = None) -> Reply:
    evaluation = answer.evaluation
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    audits = {s.specialization: s.audit_passed_on for s in evaluation.snapshot.specializations}
    reply = ReplyBuilder()
    reply.title(words.say("specializations_title"))
    reply.line(words.say("as_of", when=words.when(evaluation.moment)), subtle=True)
    if not answer.items:
        reply.line(words.say("specializations_none"))
    for result in answer.items:
        spec = result.specialization
        with reply.section() as part:
            part.heading(
                words.say("specialization_heading", specialization=spec.name.text(language), status=words.say("met" if result.met else "not_met")),
                color="good" if result.met else None,
            )
            part.line(
                words.say("specialization_gold", competency=words.competency(spec.requires_gold), status=words.say("met" if result.gold_met else "not_met")),
                color="good" if result.gold_met else "attention",
            )
            if result.requirements:
                part.line(words.say("specialization_criteria"), bold=True)
            for requirement in result.requirements:
                _requirement(part, words, requirement)
            if not spec.audit_required:
                part.line(words.say("specialization_audit_none"))
            elif result.audit_passed:
                part.line(words.say("specialization_audit_passed", date=words.date(audits.get(spec.id))), color="good")
            else:
                part.line(words.say("specialization_audit_missing"), color="attention")
    return reply.build()


def _metric_label(words: Phrasebook, score: MetricScore) -> str:
    source = score.metric.source
    if source.kind == "individuals":
        name = words.say("designation_people", what=words.any_of(source.any_of))
        value, full = words.count(score.value), words.count(score.metric.full_at)
    else:
        metric = source.metric
        name = sentence(words.metric(metric))
        value, full = words.metric_value(metric, score.value), words.metric_value(metric, score.metric.full_at)
    if not score.gates_met:
        return words.say("designation_gate_missing", metric=name)
    return words.say("designation_metric", metric=name, value=value, full_at=full)


def designations_reply(answer: Designations, language: str, zone: tzinfo | None = None) -> Reply:
    evaluation = answer.evaluation
    words = Phrasebook.for_evaluation(evaluation, language, zone)
    reply = ReplyBuilder()
    reply.title(words.say("designations_title"))
    reply.line(words.say("as_of", when=words.when(evaluation.moment)), subtle=True)
    if not answer.items:
        reply.line(words.say("designations_none"))
    for score in answer.items:
        designation = score.designation
        best = score.best
        with reply.section() as part:
            part.heading(
                words.say(
                    "designation_heading",
                    designation=designation.name.text(language),
                    score=words.count(round(best.score, 2)),
                    track=track_name(words, best.track.id),
                ),
                color="good" if score.qualified else None,
            )
            qualify_at = words.count(designation.qualify_at)
            if score.qualified:
                part.line(words.say("designation_qualified", qualify_at=qualify_at), color="good")
            else:
                zero = designation.all_metrics_positive and any(m.points <= 0 for m in best.metrics)
                key = "designation_not_qualified_zero" if zero else "designation_not_qualified"
                part.line(words.say(key, qualify_at=qualify_at), color="attention")
            for track in score.tracks:
                part.line(words.say("designation_track", track=track_name(words, track.track.id), score=words.count(round(track.score, 2))), bold=True)
                for metric in track.metrics:
                    points = words.say("designation_points", points=words.count(round(metric.points, 2)), max_points=words.count(metric.metric.max_points))
                    part.figure(_metric_label(words, metric), points, "good" if metric.points >= metric.metric.max_points else None)
                    part.bar(metric.points / metric.metric.max_points, "good" if metric.points >= metric.metric.max_points else "accent")
    return reply.build()
