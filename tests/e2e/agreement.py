"""R16 over HTTP: an alert never says more or less than the renewal answer of the same moment.

Both texts are read as the bot sent them (the alert from the fake connector, the renewal answer to
"is our renewal at risk?"), in the recipient's language, with the message templates turned into
patterns, so the check knows nothing the user would not see."""

from __future__ import annotations

import re
import string

from dialogs.messages import LANGUAGES

FIELDS = {"level": r"\S+"}  # levels are one word (Silver, Gold, Silber); everything else may have spaces


def pattern(language: str, key: str) -> re.Pattern[str]:
    """The message template as a pattern: each placeholder a named group, a repeated one the same text."""
    regex, seen = "", set()
    for literal, field, _, _ in string.Formatter().parse(LANGUAGES[language][key]):
        regex += re.escape(literal)
        if field:
            regex += f"(?P={field})" if field in seen else f"(?P<{field}>{FIELDS.get(field, '.+?')})"
            seen.add(field)
    return re.compile(regex + "$")


def _renewal_sections(renewal_text: str, language: str) -> dict[tuple[str, str, str], list[str]]:
    """Each held level at risk in the renewal answer, with the causes listed under it."""
    heading = pattern(language, "held_level_at_risk")
    sections: dict[tuple[str, str, str], list[str]] = {}
    current: tuple[str, str, str] | None = None
    for line in renewal_text.split("\n"):
        found = heading.match(line)
        if found:
            current = (found["competency"], found["level"], found["date"])
            sections[current] = []
        elif not line.strip():
            current = None
        elif current is not None and line.startswith("- "):
            sections[current].append(line[2:])
    return sections


def assert_alert_agrees_with_renewal(alert_text: str, renewal_text: str, language: str, subject: str) -> None:
    """`subject`: the person or metric the alert's change is about, as the answer names it."""
    lines = alert_text.split("\n")
    level_line = pattern(language, "alert_level_at_risk")
    named = [(m["competency"], m["level"], m["date"]) for m in map(level_line.match, lines) if m]
    changed = [m["cause"] for key in ("alert_what_changed", "alert_why") for m in map(pattern(language, key).match, lines) if m]
    assert named and len(changed) == 1, alert_text
    sections = _renewal_sections(renewal_text, language)
    behind = [level for level, causes in sections.items() if any(cause in changed[0] or subject in cause for cause in causes)]
    assert named == behind, (named, behind, renewal_text)  # no level more, none less

    renewal_lines = renewal_text.split("\n")
    at_risk = any(pattern(language, "renewal_at_risk_sentence").match(line) for line in renewal_lines)
    safe = any(pattern(language, "renewal_safe_sentence").match(line) for line in renewal_lines)
    assert at_risk != safe, renewal_text
    says_at_risk = any(pattern(language, "alert_membership_at_risk").match(line) for line in lines)
    says_otherwise = any(pattern(language, "alert_membership_at_risk_otherwise").match(line) for line in lines)
    says_safe = any(pattern(language, "alert_membership_safe").match(line) for line in lines)
    assert (says_at_risk or says_otherwise, says_safe) == (at_risk, safe), (alert_text, renewal_text)
    assert (lines[1] == LANGUAGES[language]["alert_renewal_at_risk"]) == says_at_risk, alert_text
