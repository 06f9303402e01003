"""The conversation reference kept per place (bot/hosting/references.py) is what msrest makes of the
activity, every time: the same message id or another, any field changed, after any other activity."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, RoleTypes
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.hosting import references
from bot.hosting.app import parse_activity
from bot.hosting.references import serialized_reference

texts = st.one_of(st.none(), st.sampled_from(["", "a", "29:x", "ä", "1"]))
roles = st.one_of(st.none(), st.sampled_from([RoleTypes.user, RoleTypes.bot, "user", "skill"]))
extras = st.one_of(st.none(), st.dictionaries(st.sampled_from(["k", "userRole", "x"]), st.one_of(st.integers(0, 2), st.text(max_size=2)), max_size=2))
accounts = st.builds(ChannelAccount, id=texts, name=texts, aad_object_id=texts, role=roles, properties=extras)
conversations = st.builds(
    ConversationAccount, is_group=st.one_of(st.none(), st.booleans()), conversation_type=texts, id=texts, name=texts, tenant_id=texts, properties=extras,
)
activities = st.builds(
    Activity, id=st.one_of(st.none(), st.sampled_from(["1", "2", "f:3"])), from_property=st.one_of(st.none(), accounts),
    recipient=st.one_of(st.none(), accounts), conversation=st.one_of(st.none(), conversations), channel_id=texts, locale=texts,
    service_url=st.one_of(st.none(), st.sampled_from(["http://127.0.0.1:1/", "https://smba.trafficmanager.net/emea/"])),
)


def msrest(activity: Activity) -> dict:
    return TurnContext.get_conversation_reference(activity).serialize()


@settings(max_examples=150, deadline=None)
@given(st.lists(activities, min_size=1, max_size=6))
def test_each_reference_is_msrests_whatever_came_before(sequence):
    for activity in sequence + sequence:  # the second pass finds every one of them kept
        assert serialized_reference(activity) == msrest(activity)


def test_an_account_with_fields_msrest_does_not_know_still_serializes_as_msrest_does():
    body = {"type": "message", "id": "7", "channelId": "msteams", "serviceUrl": "http://127.0.0.1:1/",
            "from": {"id": "29:a", "aadObjectId": "aad", "userPrincipalName": "a@example.com", "nested": {"x": [1, 2]}},
            "recipient": {"id": "28:b"}, "conversation": {"id": "a:1", "tenantId": "t"}}
    activity = parse_activity(body)
    assert not isinstance(activity, str)

    first, again = serialized_reference(activity), serialized_reference(activity)

    assert first == again == msrest(activity)
    activity.from_property.additional_properties["nested"]["x"].append(3)  # changed in place: a new key, not a stale hit
    assert serialized_reference(activity) == msrest(activity)


def test_the_kept_references_are_bounded(monkeypatch):
    monkeypatch.setattr(references, "KEPT", 3)
    for i in range(10):
        activity = Activity(id=str(i), from_property=ChannelAccount(id=f"29:{i}"), conversation=ConversationAccount(id="c"), channel_id="msteams")
        assert serialized_reference(activity) == msrest(activity)
    assert len(references._kept) <= 3
