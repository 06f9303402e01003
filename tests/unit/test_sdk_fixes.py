"""bot/connector/sdk_fixes.py must speed msrest up without changing what it retries or what it sends."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

import pytest
from botbuilder.schema import Activity, Attachment
from botframework.connector import models
from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

from bot.connector import sdk_fixes
from bot.connector.sdk_fixes import apply_sdk_fixes
from dialogs.turn import reply_activity
from tests.clients.test_card_rendering import alert_cards
from tests.unit.test_cards import all_replies

# msrest 0.7.1's own definition, spelled out: retry every status from 408 and 500 up, except 501 and 505.
MSREST_RETRIED = [i for i in range(999) if i not in [c for c in range(500) if c != 408] + [501, 505]]
CONNECTOR_MODELS = {name: kind for name, kind in vars(models).items() if isinstance(kind, type)}


class Colour(enum.Enum):
    RED = "red"


def test_the_retry_policy_retries_the_same_statuses_after_the_fix():
    apply_sdk_fixes()
    apply_sdk_fixes()  # idempotent

    policy = ClientRetryPolicy().policy

    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert policy.status_forcelist == MSREST_RETRIED
    assert (policy.total, policy.connect, policy.read, policy.backoff_factor) == (3, 3, 3, 0.8)


def serialized_both_ways(activity: Activity, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """The body msrest builds for `activity` without the fix, and with it."""
    serializer = Serializer(CONNECTOR_MODELS)
    with monkeypatch.context() as unpatched:
        unpatched.setattr(Serializer, "serialize_object", sdk_fixes._msrest_serialize_object)
        before = serializer.body(activity, "Activity")
    apply_sdk_fixes()
    assert Serializer.serialize_object is sdk_fixes._serialize_object
    return before, serializer.body(activity, "Activity")


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_card_the_bot_sends_serializes_exactly_as_msrest_would(language: str, monkeypatch: pytest.MonkeyPatch):
    replies = [(name, reply_activity(reply)) for name, reply in all_replies(language)]
    replies += [(name, Activity(type="message", attachments=[Attachment(content_type="application/vnd.microsoft.card.adaptive", content=card)]))
                for name, card in alert_cards(language)]

    for name, activity in replies:
        before, after = serialized_both_ways(activity, monkeypatch)
        assert after == before, name
    assert len(replies) > 40


def test_values_that_are_not_plain_json_still_go_through_msrest(monkeypatch: pytest.MonkeyPatch):
    moment = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    content = {"enum": Colour.RED, "when": moment, "nested": [{"n": 1, "f": 0.5, "b": True, "none": None}], Colour.RED: "enum key"}
    activity = Activity(type="message", attachments=[Attachment(content_type="x", content=content)])

    before, after = serialized_both_ways(activity, monkeypatch)

    assert after == before
    assert after["attachments"][0]["content"]["when"] == "2026-11-21T12:00:00.000Z"  # msrest's date format, kept
    assert after["attachments"][0]["content"]["red"] == "enum key"


async def test_the_composition_root_patches_msrest_before_it_builds_an_adapter(monkeypatch):
    from bot.bootstrap import Services, build_adapter
    from services.persistence.database import create_engine
    from services.settings import Settings

    monkeypatch.setattr(Serializer, "serialize_object", sdk_fixes._msrest_serialize_object)
    monkeypatch.setattr(ClientRetryPolicy, "safe_codes", list(ClientRetryPolicy.safe_codes))
    engine = create_engine("sqlite+aiosqlite://")  # never connected: building an adapter reads nothing
    try:
        build_adapter(Services(Settings(DATABASE_URL="sqlite+aiosqlite://"), engine, None))  # type: ignore[arg-type]
    finally:
        await engine.dispose()

    assert Serializer.serialize_object is sdk_fixes._serialize_object
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)


def test_another_msrest_version_is_refused_with_what_to_check():
    sdk_fixes.check_msrest_version("0.7.1")

    with pytest.raises(sdk_fixes.SdkVersionError) as refused:
        sdk_fixes.check_msrest_version("0.8.0")

    assert str(refused.value) == (
        "bot/connector/sdk_fixes.py patches msrest 0.7.1, but msrest 0.8.0 is installed: check that each patch still keeps "
        "msrest's behaviour (tests/unit/test_sdk_fixes.py), then update MSREST_VERSION"
    )


def test_another_botbuilder_release_is_refused_with_what_to_compare():
    sdk_fixes.check_botbuilder_versions({"botbuilder-core": "4.17.1", "botbuilder-dialogs": "4.17.1", "botframework-connector": "4.17.1"})

    with pytest.raises(sdk_fixes.SdkVersionError) as refused:
        sdk_fixes.check_botbuilder_versions({"botbuilder-core": "4.18.0", "botbuilder-dialogs": "4.17.1", "botframework-connector": "4.18.0"})

    assert str(refused.value) == (
        "our copies of private botbuilder code were written for botbuilder-core 4.17.1, botframework-connector 4.17.1, "
        "but botbuilder-core 4.18.0, botframework-connector 4.18.0 is installed: compare bot/hosting/adapter.py, "
        "bot/connector/wire.py and dialogs/link_msa_dialog.py with the new release's source (tests/unit/test_connector_wire.py, "
        "tests/dialogs, tests/e2e), then update BOTBUILDER_VERSIONS"
    )
