"""The proactive alert card (R10, R16): what changed, every held level it puts at risk, whether the
membership's own renewal is at risk, the cheapest fix for each level in the requirement's real
shape, and who is closest to filling each gap; buttons to show the renewal status and to mute
alerts. Built from the recorded cause alone, so a sender needs no evaluation to send it in each
recipient's language and time zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.reply import Reply
from dialogs.cards.upgrade import PEOPLE_SHOWN
from services.domain.alert_causes import fix_from_details
from services.domain.catalog import Catalog
from services.domain.renewal import RiskCause


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def risk_cause(details: Mapping[str, Any]) -> RiskCause:
    """The change as the renewal answer words it (its first level stands for all)."""
    first = details["levels"][0]
    return RiskCause(
        kind=details["cause"],
        competency_id=first["competency"],
        level=first["level"],
        option_id=first["option"],
        person_id=details.get("person"),
        code=details.get("code"),
        msa=details.get("msa"),
        when=_moment(details.get("when")),
        metric=details.get("metric"),
        current=details.get("current"),
        required=details.get("required"),
    )


def what_changed(words: Phrasebook, details: Mapping[str, Any]) -> str:
    cause = risk_cause(details)
    if cause.kind == "msa_moved":  # one account, every credential on it that counted
        credentials = words.join([words.credential(code) for code in details.get("codes") or [cause.code]], "word_and")
        return words.say("cause_msa_moved", person=words.person(cause.person_id), credential=credentials, date=words.date(cause.when))
    if cause.kind == "people_short":
        return words.say("cause_unexplained", shortfall=words.cause(cause))
    return words.cause(cause)


def _fix_lines(reply: ReplyBuilder, words: Phrasebook, level: Mapping[str, Any], closest_key: str) -> None:
    competency, level_name = words.competency(level["competency"]), words.level(level["level"])
    if level.get("fix") is None:
        reply.line(words.say("fix_none_for", competency=competency, level=level_name), bold=True)
        return
    fix = fix_from_details(level["fix"])
    option = words.option(fix.competency_id, fix.option_id)
    reply.line(words.say("fix_for", competency=competency, level=level_name, option=option, needs=words.needs(fix)), bold=True)
    for result in fix.shortfalls:
        if result.missing > 0 and result.closest:
            reply.line(words.say(closest_key), subtle=True, indent=1)
            for person in result.closest[:PEOPLE_SHOWN]:
                reply.line(words.closest(person), subtle=True, indent=1, bullet=True)


def _renewal_at_risk(reply: ReplyBuilder, words: Phrasebook, details: Mapping[str, Any]) -> None:
    expires_on = words.date(date.fromisoformat(details["expires_on"])) if details.get("expires_on") else "?"
    membership = words.level(details["membership"])
    touches_membership = details["membership_at_risk"]
    if details["cause"] == "people_short":  # no change explains it: the headline does not claim one
        headline = "alert_unexplained_membership_headline" if touches_membership else "alert_unexplained_level_headline"
        reply.line(words.say(headline), color="attention", bold=True)
        reply.line(words.say("alert_why", cause=what_changed(words, details)))
    else:
        reply.line(words.say("alert_renewal_at_risk" if touches_membership else "alert_level_at_risk_headline"), color="attention", bold=True)
        reply.line(words.say("alert_what_changed", cause=what_changed(words, details)))
    for level in details["levels"]:
        reply.line(words.say("alert_level_at_risk", competency=words.competency(level["competency"]), level=words.level(level["level"]), date=expires_on))
    if touches_membership:
        reply.line(words.say("alert_membership_at_risk", level=membership, date=expires_on), color="attention")
    elif details.get("renewal_at_risk"):
        reply.line(words.say("alert_membership_at_risk_otherwise", level=membership, date=expires_on))
    elif details["membership"] != "none":
        reply.line(words.say("alert_membership_safe", level=membership, date=expires_on), color="good")
    closest_key = "alert_who_could_fill" if details["cause"] in ("leaver", "msa_moved") else "closest_title"
    for level in details["levels"]:
        _fix_lines(reply, words, level, closest_key)


def _upgrade_available(reply: ReplyBuilder, words: Phrasebook, details: Mapping[str, Any], organization: str) -> None:
    level = words.level(details["level"])
    reply.line(
        words.say(
            "alert_upgrade_available" if details["membership"] != "none" else "alert_upgrade_available_new",
            organization=organization,
            level=level,
            membership=words.level(details["membership"]),
        ),
        color="good",
        bold=True,
    )
    for competency_id, option_id in details.get("competencies", ()):
        reply.line(words.say("alert_upgrade_meets", competency=words.competency(competency_id), option=words.option(competency_id, option_id), level=level), bullet=True)


def _override_ends(reply: ReplyBuilder, words: Phrasebook, details: Mapping[str, Any]) -> None:
    competency, level = words.competency(details["competency"]), words.level(details["level"])
    option = words.option(details["competency"], details["option"])
    ends_on = words.date(date.fromisoformat(details["ends_on"]))
    reply.line(words.say("alert_override_ends", competency=competency, option=option, level=level, date=ends_on), color="warning", bold=True)
    if details.get("option_met"):
        reply.line(words.say("alert_override_after_met", competency=competency, option=option, level=level), color="good")
    elif details.get("other_option"):
        other = words.option(details["competency"], details["other_option"])
        reply.line(words.say("alert_override_after_other", competency=competency, option=other, level=level), color="good")
    else:
        reply.line(words.say("alert_override_after_not_met", competency=competency, level=level), color="attention")
    if details.get("fix"):
        fix = fix_from_details(details["fix"])
        reply.line(words.say("alert_override_needs", option=option, needs=words.needs(fix)), bold=True)
        for result in fix.shortfalls:
            if result.missing > 0 and result.closest:
                reply.line(words.say("closest_title"), subtle=True, indent=1)
                for person in result.closest[:PEOPLE_SHOWN]:
                    reply.line(words.closest(person), subtle=True, indent=1, bullet=True)


def alert_reply(
    kind: str, details: Mapping[str, Any], organization: str, catalog: Catalog, language: str, now: datetime, zone: tzinfo | None = None
) -> Reply:
    names = dict(details.get("names") or {})
    if details.get("person"):
        names[details["person"]] = details.get("person_name") or details["person"]
    words = Phrasebook(language, catalog, names, moment=now, zone=zone)
    reply = ReplyBuilder()
    reply.title(words.say("alert_title", organization=organization))
    if kind == "renewal_at_risk":
        _renewal_at_risk(reply, words, details)
        reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    elif kind == "upgrade_available":
        _upgrade_available(reply, words, details, organization)
        reply.action(words.say("button_upgrade"), {"intent": "upgrade_options", "level": details["level"]})
    elif kind == "override_ends":
        _override_ends(reply, words, details)
        reply.action(words.say("button_renewal"), {"intent": "renewal_status"})
    else:
        raise ValueError(f"unknown alert kind {kind!r}")
    reply.action(words.say("button_mute"), {"intent": "alerts_off"})
    return reply.build()


def alert_summary(kind: str, details: Mapping[str, Any], organization: str, catalog: Catalog, language: str, now: datetime) -> str:
    """The alert in one line, as its card names things (people, catalog titles), for an operator's
    listing: the change and the levels it puts at risk, the upgrade, or the override's end."""
    names = dict(details.get("names") or {})
    if details.get("person"):
        names[details["person"]] = details.get("person_name") or details["person"]
    words = Phrasebook(language, catalog, names, moment=now)
    if kind == "renewal_at_risk":
        levels = words.join([words.say("competency_of_level", competency=words.competency(level["competency"]), level=words.level(level["level"])) for level in details["levels"]], "word_and")
        return words.say("alert_summary_at_risk", cause=what_changed(words, details), levels=levels)
    if kind == "upgrade_available":
        key = "alert_upgrade_available" if details["membership"] != "none" else "alert_upgrade_available_new"
        return words.say(key, organization=organization, level=words.level(details["level"]), membership=words.level(details["membership"]))
    if kind == "override_ends":
        competency, level = words.competency(details["competency"]), words.level(details["level"])
        option = words.option(details["competency"], details["option"])
        return words.say("alert_override_ends", competency=competency, option=option, level=level, date=words.date(date.fromisoformat(details["ends_on"])))
    raise ValueError(f"unknown alert kind {kind!r}")
