"""bot/connector/wire.py must send exactly the JSON msrest would, only without walking a card twice."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from datetime import datetime, timezone

import pytest
from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount, Entity, HeroCard, Mention
from botframework.connector import models
from msrest.serialization import Serializer

from bot.connector.sdk_fixes import apply_sdk_fixes
from bot.connector.wire import activity_json, is_plain_json
from dialogs.turn import reply_activity
from tests.clients.test_card_rendering import alert_cards
from tests.unit.test_cards import all_replies

CONNECTOR_MODELS = {name: kind for name, kind in vars(models).items() if isinstance(kind, type)}
ADAPTIVE = "application/vnd.microsoft.card.adaptive"


class Colour(enum.Enum):
    RED = "red"


class Shade(enum.StrEnum):
    DARK = "dark"


def addressed(activity: Activity) -> Activity:
    """As botbuilder sends it: addressed to a conversation, from the bot to a user."""
    activity.conversation = ConversationAccount(id="a:1", conversation_type="personal", tenant_id="tenant")
    activity.from_property = ChannelAccount(id="28:bot", name="Bot")
    activity.recipient = ChannelAccount(id="29:user", aad_object_id="aad")
    activity.service_url, activity.channel_id, activity.reply_to_id = "https://smba.example/", "msteams", "f:1"
    return activity


def both_ways(activity: Activity) -> tuple[object, object]:
    """What msrest + `json.dumps` send, and what `activity_json` sends, each read back."""
    apply_sdk_fixes()
    serializer = Serializer(CONNECTOR_MODELS)
    return json.loads(json.dumps(serializer.body(activity, "Activity"))), json.loads(activity_json(serializer, activity))


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_card_the_bot_sends_goes_out_as_msrest_would_send_it(language: str):
    activities = [(name, addressed(reply_activity(reply))) for name, reply in all_replies(language)]
    activities += [(name, addressed(Activity(type="message", attachments=[Attachment(content_type=ADAPTIVE, content=card)])))
                   for name, card in alert_cards(language)]

    for name, activity in activities:
        sent, fast = both_ways(activity)
        assert fast == sent, name
    assert len(activities) > 40


def test_models_dates_enums_tuples_and_subclasses_are_left_to_msrest():
    moment = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    activity = addressed(Activity(
        type="message",
        text="see the cards",
        attachments=[
            CardFactory.hero_card(HeroCard(title="a model")),
            Attachment(content_type="x", content={"when": moment}),
            Attachment(content_type="x", content={"enum": Colour.RED, "str enum": Shade.DARK}),
            Attachment(content_type="x", content={"tuple": ("a", "b"), "ordered": OrderedDict(a=1)}),
            Attachment(content_type="x", content={True: "a bool key", 2: "an int key"}),
            Attachment(content_type=ADAPTIVE, content={"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "ünïcödé", "n": 1.5}]}),
            Attachment(content_type="x", content=[]),
            Attachment(content_type="x", content="just a string"),
        ],
        entities=[Mention(mentioned=ChannelAccount(id="29:user", name="Ann"), text="<at>Ann</at>", type="mention"), Entity(type="clientInfo")],
        channel_data={"tenant": {"id": "tenant"}, "notification": {"alert": True}},
        value={"when": moment},
    ))

    sent, fast = both_ways(activity)

    assert fast == sent
    assert sent["attachments"][1]["content"]["when"] == "2026-11-21T12:00:00.000Z"  # msrest's date format, kept
    assert sent["attachments"][3]["content"]["tuple"] == "('a', 'b')"  # msrest's own way with a tuple, kept
    assert sent["attachments"][5]["content"]["body"][0]["text"] == "ünïcödé"


def test_a_text_message_and_an_empty_channel_data_go_out_as_msrest_would_send_them():
    for activity in (MessageFactory.text("hello"), Activity(type="message", text="x", channel_data={}, value=[])):
        sent, fast = both_ways(addressed(activity))
        assert fast == sent


def test_the_activity_is_left_as_it_was():
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "hi"}]}
    activity = addressed(Activity(type="message", attachments=[Attachment(content_type=ADAPTIVE, content=card)], channel_data={"a": 1}))
    before = activity.as_dict()

    both_ways(activity)

    assert activity.as_dict() == before
    assert activity.attachments[0].content is card


def test_plain_json_means_exactly_the_json_types():
    assert is_plain_json({"a": [1, 2.5, "x", True, None, {"b": []}]})
    assert not is_plain_json({"a": (1, 2)})
    assert not is_plain_json({1: "x"})
    assert not is_plain_json([OrderedDict()])
    assert not is_plain_json({"a": Shade.DARK})
    assert not is_plain_json({"a": {1, 2}})


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_kept_progress_card_goes_out_byte_for_byte_as_a_fresh_one_and_is_serialized_once(language: str, monkeypatch):
    from dialogs.cards import kept, progress_reply
    from dialogs.cards.progress import ProgressReplies
    from services.demo_dataset import CONTOSO_ID, FABRIKAM_ID
    from tests.unit.test_cards import evaluate

    apply_sdk_fixes()
    serializer = Serializer(CONNECTOR_MODELS)
    replies = ProgressReplies()
    for organization, level in ((CONTOSO_ID, "gold"), (FABRIKAM_ID, "silver"), (CONTOSO_ID, "silver")):
        evaluation = evaluate(organization)
        fresh = activity_json(serializer, addressed(reply_activity(progress_reply(evaluation, level, language))))
        reply = replies(evaluation, level, language)
        first = activity_json(serializer, addressed(reply_activity(reply)))
        content = reply_activity(reply).attachments[0].content
        assert type(content) is dict and kept.kept_content(content) is not None
        dumped: list[object] = []
        monkeypatch.setattr(json, "dumps", lambda obj, *a, _into=dumped, **k: _into.append(obj) or _dumps(obj, *a, **k))
        again = activity_json(serializer, addressed(reply_activity(replies(evaluation, level, language))))
        monkeypatch.undo()

        assert first == fresh and again == fresh
        assert not any(d is content for d in dumped) and len(dumped) == 2  # only the body and the splice marker
        assert json.loads(again) == both_ways(addressed(reply_activity(reply)))[0]  # what msrest would send


def test_a_kept_content_in_use_is_the_last_to_be_let_go():
    from dialogs.cards import kept
    from dialogs.cards.reply import Reply

    hot = Reply("hot", {"type": "AdaptiveCard", "body": []})
    kept.keep(hot)
    for i in range(kept.SIZE * 2):  # many other cards, while the hot one is read on every turn
        kept.keep(Reply(f"text {i}", {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": f"card {i}"}]}))
        assert kept.content_of(hot) == {"type": "AdaptiveCard", "body": [], "fallbackText": "hot"}


def test_kept_contents_are_told_apart_by_identity_and_let_go_in_order():
    from dialogs.cards import kept
    from dialogs.cards.reply import Reply

    replies = [Reply(f"text {i}", {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": f"card {i} \u00e4"}]}) for i in range(kept.SIZE + 2)]
    for reply in replies:
        kept.keep(reply)
    twin = Reply(replies[-1].text, dict(replies[-1].card or {}))

    assert kept.content_of(replies[0]) is None and kept.content_of(twin) is None  # let go; equal is not the same
    assert kept.content_of(replies[-1]) == {**(replies[-1].card or {}), "fallbackText": "text 65"}
    assert kept.kept_content(dict(kept.content_of(replies[-1]) or {})) is None

    activity = addressed(Activity(type="message", attachments=[
        Attachment(content_type=ADAPTIVE, content=kept.content_of(r)) for r in replies[-12:]]))
    sent, fast = both_ways(activity)
    assert fast == sent
    assert [a["content"]["fallbackText"] for a in fast["attachments"]] == [f"text {i}" for i in range(54, 66)]  # type: ignore[index]


def test_a_kept_content_that_is_not_plain_json_still_goes_through_msrest():
    from dialogs.cards import kept
    from dialogs.cards.reply import Reply

    reply = Reply("odd", {"type": "AdaptiveCard", "when": datetime(2026, 1, 2, tzinfo=timezone.utc), "items": ("a", "b")})
    kept.keep(reply)
    sent, fast = both_ways(addressed(reply_activity(reply)))

    assert fast == sent  # msrest's own reading of a date and a tuple


_dumps = json.dumps
