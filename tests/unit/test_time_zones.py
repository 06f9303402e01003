"""The member's time zone (SPEC 1): read from what Teams sends, used for every time shown."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botbuilder.schema import Activity

from dialogs.cards import alert_reply
from dialogs.formatting import time_zone
from dialogs.turn import time_zone_name
from tests.unit.test_cards import bundled_catalog


def activity(**fields) -> Activity:
    return Activity().deserialize({"type": "message", "text": "hi", **fields})


def client_info(zone: str | None) -> dict:
    return {"type": "clientInfo", "locale": "de-DE", "country": "DE", "platform": "Windows", **({"timezone": zone} if zone else {})}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"entities": [client_info("Europe/Berlin")]}, "Europe/Berlin"),
        ({"entities": [{"type": "mention"}, client_info("Asia/Kolkata")], "localTimezone": "Europe/Berlin"}, "Asia/Kolkata"),  # clientInfo first
        ({"entities": [client_info(None)], "localTimezone": "America/New_York"}, "America/New_York"),
        ({"localTimezone": " Europe/Vienna "}, "Europe/Vienna"),
        ({"entities": [client_info("Mars/Olympus_Mons")], "localTimezone": "Europe/Paris"}, "Europe/Paris"),
        ({"entities": [client_info("../../etc/passwd")]}, None),
        ({"localTimezone": 42}, None),
        ({}, None),
    ],
)
def test_the_zone_comes_from_the_client_info_entity_else_local_timezone_and_only_a_real_zone_counts(fields: dict, expected: str | None) -> None:
    assert time_zone_name(activity(**fields)) == expected


def test_an_alert_shows_its_dates_in_the_recipients_zone() -> None:
    """An MSA linked elsewhere at 23:30 UTC on Nov 20 was linked on Nov 21 for a reader in Berlin."""
    moved = datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc).isoformat()
    details = {
        "cause": "msa_moved", "person": "u-ben", "person_name": "Ben Weber", "code": "AZ-104", "codes": ["AZ-104"], "msa": "ben@outlook.example",
        "metric": None, "when": moved, "current": None, "required": None,
        "levels": [{"competency": "cloud-platform", "level": "silver", "option": "azure-consumption", "current": None, "required": None, "fix": None}],
        "membership": "silver", "membership_at_risk": True, "renewal_at_risk": True, "expires_on": "2027-01-20", "names": {},
    }
    now = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)

    utc = alert_reply("renewal_at_risk", details, "Contoso", bundled_catalog(), "en", now, None).text.split("\n")[2]
    berlin = alert_reply("renewal_at_risk", details, "Contoso", bundled_catalog(), "de", now, time_zone("Europe/Berlin")).text.split("\n")[2]

    assert utc.endswith("counts for another organisation since Nov 20, 2026")
    assert berlin.endswith("zählt seit dem 21.11.2026 für eine andere Organisation")
