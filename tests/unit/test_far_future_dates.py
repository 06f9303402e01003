"""An override may run to the last day a date can hold (9999-12-31), and a moment may lie in the
last month there is: every place the override's end flows (R11 evaluation, the evaluation's and the
scan's validity, alert causes, expiries, the cards, `progress --json`) still answers, with no
OverflowError or ValueError."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from dialogs.cards import alert_reply, expiring_reply, progress_reply, renewal_reply, upgrade_reply
from services.domain.alert_causes import find_alert_causes
from services.domain.expiries import expiring_achievements
from services.domain.organization import evaluate_organization
from services.domain.scan_validity import findings_valid_until
from services.domain.validity import next_change
from services.people import ExpiringAnswer
from services.reporting import evaluation_json
from tests.builders import NOW, OrgBuilder, catalog, competency, option, people

LAST_DAY = date.max  # 9999-12-31
CATALOG = catalog(competency("cloud", option("azure", silver=[people(2, any_of=["AZ-104"])], gold=[people(4, any_of=["AZ-104"])])))


def overridden(starts_on: date, ends_on: date = LAST_DAY):
    return (
        OrgBuilder()
        .person("ann").holds("ann", "AZ-104")
        .person("bob").holds("bob", "AZ-104")
        .membership("silver", NOW.date() + timedelta(days=60), ("cloud", "silver"))
        .override("cloud", "azure", "gold", starts_on, ends_on)
        .build()
    )


def every_view(snapshot, now: datetime, language: str) -> dict:
    """Runs each consumer of the override's end and returns what they said."""
    evaluation = evaluate_organization(snapshot, CATALOG, now)
    valid_until = next_change(snapshot, CATALOG, now)
    causes = find_alert_causes(evaluation)
    report = json.loads(json.dumps(evaluation_json(evaluation), allow_nan=False))
    progress_reply(evaluation, "gold", language)
    upgrade_reply(evaluation, language)
    renewal_reply(evaluation, language)
    expiring_reply(ExpiringAnswer(snapshot.name, expiring_achievements(evaluation), CATALOG, now), language)
    for cause in causes:
        text = alert_reply(cause.kind, cause.details, snapshot.name, CATALOG, language, now).text
        assert "31" in text if cause.kind == "override_ends" else text
    return {
        "gold_met": evaluation.assessment.competency("cloud").levels["gold"].met,
        "valid_until": valid_until,
        "findings_valid_until": findings_valid_until(evaluation, valid_until),
        "causes": {c.kind for c in causes},
        "report": report,
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_override_to_9999_12_31_counts_now_and_every_view_answers(language):
    seen = every_view(overridden(NOW.date() - timedelta(days=10)), NOW, language)

    assert seen["gold_met"]  # R11: two holders, four needed, but the override meets Gold
    assert NOW < seen["valid_until"] <= datetime(2026, 7, 1, tzinfo=timezone.utc)  # the next month at the latest
    assert NOW < seen["findings_valid_until"] <= seen["valid_until"]
    assert "override_ends" not in seen["causes"]
    assert "9999-12-31" in json.dumps(seen["report"])


def test_an_override_to_9999_12_31_that_starts_later_changes_things_on_its_first_day():
    starts = NOW.date() + timedelta(days=5)
    seen = every_view(overridden(starts), NOW, "en")

    assert not seen["gold_met"]
    assert seen["valid_until"] == datetime.combine(starts, datetime.min.time(), tzinfo=timezone.utc)


@pytest.mark.parametrize("language", ["en", "de"])
def test_in_the_last_fortnight_there_is_the_override_warns_that_it_ends_and_validity_stays_inside_the_calendar(language):
    now = datetime(9999, 12, 20, 12, 0, tzinfo=timezone.utc)
    snapshot = overridden(date(9999, 1, 1))
    seen = every_view(snapshot, now, language)

    assert seen["gold_met"]
    assert "override_ends" in seen["causes"]
    assert now < seen["valid_until"]
    assert now < seen["findings_valid_until"] <= seen["valid_until"]


def test_an_override_that_ended_on_the_day_before_the_last_no_longer_counts_on_the_last_day():
    now = datetime(9999, 12, 31, 0, 0, tzinfo=timezone.utc)
    seen = every_view(overridden(date(9999, 1, 1), date(9999, 12, 30)), now, "en")

    assert not seen["gold_met"]
    assert "override_ends" not in seen["causes"]
