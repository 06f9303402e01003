"""The proactive alert card (R10): the seed's sentence, the cause in plain words, the cheapest fix,
and buttons to show the renewal status and to mute alerts. Built from the recorded cause alone, so
a sender needs no evaluation to send it in each recipient's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from services.domain.catalog import Catalog
from services.domain.renewal import RiskCause


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _cause(details: Mapping[str, Any]) -> RiskCause:
    return RiskCause(
        kind=details["cause"],
        competency_id=details["competency"],
        level=details["level"],
        option_id=details["option"],
        person_id=details.get("person"),
        code=details.get("code"),
        msa=details.get("msa"),
        when=_moment(details.get("when")),
        metric=details.get("metric"),
        current=details.get("current"),
        required=details.get("required"),
    )


def _fix(words: Phrasebook, fix: Mapping[str, Any]) -> str:
    parts = []
    for missing in fix["missing"]:
        if missing["kind"] == "metric":
            parts.append(words.say("more_metric", amount=words.metric_value(missing["metric"], missing["amount"]), metric=words.metric(missing["metric"])))
        elif missing["amount"] == 1:
            parts.append(words.say("more_person", what=words.any_of(missing["codes"])))
        else:
            parts.append(words.say("more_people", count=words.count(missing["amount"]), what=words.any_of(missing["codes"])))
    needs = words.join(parts, "word_and") if parts else words.say("covered_by_pending")
    return words.say("fix", option=words.option(fix["competency"], fix["option"]), needs=needs)


def alert_reply(kind: str, details: Mapping[str, Any], organization: str, catalog: Catalog, language: str, now: datetime) -> Reply:
    names = {details["person"]: details.get("person_name") or details["person"]} if details.get("person") else {}
    words = Phrasebook(language, catalog, names, moment=now)
    reply = ReplyBuilder()
    reply.title(words.say("alert_title", organization=organization))
    if kind == "renewal_at_risk":
        reply.line(words.say("alert_renewal_at_risk"), color="attention", bold=True)
        expires_on = date.fromisoformat(details["expires_on"]) if details.get("expires_on") else None
        reply.line(words.say("alert_what_changed", cause=words.cause(_cause(details))))
        reply.line(words.say("alert_level_at_risk", competency=words.competency(details["competency"]), level=words.level(details["level"]), date=words.date(expires_on)))
        if details.get("membership_at_risk"):
            reply.line(words.say("alert_membership_at_risk", level=words.level(details["level"]), date=words.date(expires_on)), color="attention")
        reply.line(_fix(words, details["fix"]) if details.get("fix") else words.say("fix_none"), bold=True)
        reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    elif kind == "upgrade_available":
        reply.line(
            words.say("alert_upgrade_available", organization=organization, level=words.level(details["level"]), membership=words.level(details["membership"])),
            color="good",
            bold=True,
        )
        reply.action(words.say("button_upgrade"), {"intent": "upgrade_options", "level": details["level"]})
    elif kind == "override_ends":
        reply.line(
            words.say(
                "alert_override_ends",
                option=words.option(details["competency"], details["option"]),
                level=words.level(details["level"]),
                date=words.date(date.fromisoformat(details["ends_on"])),
            ),
            color="warning",
        )
        reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    else:
        raise ValueError(f"unknown alert kind {kind!r}")
    reply.action(words.say("button_mute"), {"intent": "alerts_off"})
    return reply.build()
