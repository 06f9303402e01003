"""Two small rules with exact thresholds: "help" interrupts a running dialog only when recognised with
a score of at least 0.7, "cancel" ends it at CONFIRM_BELOW (0.8) or above and is asked about first
between THRESHOLD (0.5) and 0.8 (dialogs/interruptible_dialog.py); and the organisation is found by
`channelData.tenant.id`, else `conversation.tenantId` (docs/contract.md, SPEC 4.4)."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.dialogs import DialogTurnResult, DialogTurnStatus
from botbuilder.schema import Activity, ActivityTypes, ConversationAccount

from bot.hosting.handler import tenant_of
from dialogs.confirmation import CONFIRM_BELOW
from dialogs.interruptible_dialog import CANCEL_ASKED, INTERRUPTING_SCORE, InterruptibleDialog
from dialogs.messages import text
from dialogs.recognizer import THRESHOLD, Recognition


class FakeTurn:
    def __init__(self, activity: Activity):
        self.activity = activity
        self.sent: list[Any] = []

    async def send_activity(self, activity: Any) -> None:
        self.sent.append(activity)


class FakeActiveDialog:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {}


class FakeParentContext:
    """The component's own dialog context: its active dialog's state remembers a "cancel?" question."""

    def __init__(self) -> None:
        self.active_dialog = FakeActiveDialog()


class FakeInnerContext:
    """The inner dialog context of a component dialog, as far as an interruption uses it."""

    def __init__(self, activity: Activity):
        self.context = FakeTurn(activity)
        self.parent = FakeParentContext()
        self.cancelled = False

    async def cancel_all_dialogs(self) -> DialogTurnResult:
        self.cancelled = True
        return DialogTurnResult(DialogTurnStatus.Cancelled)


def message(text_: str = "whatever the user wrote", kind: str = ActivityTypes.message) -> Activity:
    return Activity(type=kind, text=text_, locale="en-US")


async def interrupt(intent: str, score: float, activity: Activity | None = None):
    dialog = InterruptibleDialog("test")
    dialog.recognizer = lambda _text, _locale: Recognition(intent, score, None, "en")  # type: ignore[method-assign]
    inner = FakeInnerContext(activity or message())
    result = await dialog._interrupt(inner)  # type: ignore[arg-type]
    return result, inner


def test_the_thresholds_are_seven_tenths_for_help_and_eight_tenths_for_cancel():
    assert (INTERRUPTING_SCORE, CONFIRM_BELOW, THRESHOLD) == (0.7, 0.8, 0.5)


async def test_help_at_the_threshold_shows_help_and_keeps_the_step_waiting():
    result, inner = await interrupt("help", 0.7)

    assert result.status == DialogTurnStatus.Waiting
    assert len(inner.context.sent) == 1 and inner.context.sent[0].attachments
    assert not inner.cancelled


async def test_cancel_at_the_confirmation_threshold_says_so_and_ends_every_dialog():
    result, inner = await interrupt("cancel", CONFIRM_BELOW)

    assert result.status == DialogTurnStatus.Cancelled and inner.cancelled
    assert [a.text for a in inner.context.sent] == [text("en", "cancelled")]


@pytest.mark.parametrize("score", [0.7, CONFIRM_BELOW - 0.0001, THRESHOLD])
async def test_a_less_certain_cancel_is_asked_about_and_ends_nothing(score):
    result, inner = await interrupt("cancel", score)

    assert result.status == DialogTurnStatus.Waiting and not inner.cancelled
    assert [a.attachments[0].content.text for a in inner.context.sent] == [text("en", "confirm_cancel")]
    assert inner.parent.active_dialog.state == {CANCEL_ASKED: True}


@pytest.mark.parametrize(("intent", "score"), [("help", 0.6999), ("cancel", THRESHOLD - 0.0001)])
async def test_just_below_the_threshold_the_running_step_gets_the_message(intent, score):
    result, inner = await interrupt(intent, score)

    assert result is None
    assert (inner.context.sent, inner.cancelled) == ([], False)


async def test_other_intents_and_non_messages_never_interrupt():
    confident, inner = await interrupt("org_progress", 0.99)
    typing, _ = await interrupt("help", 0.99, message(kind=ActivityTypes.typing))
    empty, _ = await interrupt("help", 0.99, message(""))

    assert (confident, typing, empty) == (None, None, None)
    assert inner.context.sent == []


def activity(channel_data: Any = None, conversation_tenant: str | None = None) -> Activity:
    return Activity(type="message", channel_data=channel_data, conversation=ConversationAccount(id="c", tenant_id=conversation_tenant))


def test_the_tenant_comes_from_channel_data_first_then_from_the_conversation():
    assert tenant_of(activity({"tenant": {"id": "from-channel-data"}}, "from-conversation")) == "from-channel-data"
    assert tenant_of(activity(None, "from-conversation")) == "from-conversation"
    assert tenant_of(activity({"tenant": {}}, "from-conversation")) == "from-conversation"
    assert tenant_of(activity({"tenant": "not an object"}, "from-conversation")) == "from-conversation"
    assert tenant_of(activity("not an object", "from-conversation")) == "from-conversation"
    assert tenant_of(activity({"team": {"id": "t"}})) is None
