"""A message while no dialog runs that the main dialog would answer and end at once is answered
without the dialog stack (bot/hosting/handler.py, `MainDialog.answer_without_dialog`): the same
replies, and the dialog state is neither loaded nor saved. Messages that start a dialog (linking, a
confirmation) and messages inside a running dialog still take the stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botbuilder.dialogs import DialogInstance, DialogState
from sqlalchemy import func, select

import bot.state.storage as storage_module
from bot.state.storage import SqlStorage, _flatten, holds_no_dialog
from dialogs.confirmation import CONFIRM_BELOW
from dialogs.main_dialog import MainDialog
from dialogs.messages import text
from services.persistence.tables import BotStateRow
from tests.dialogs.conftest import ANKE, ANN, EMIL, NOW, dataset
from tests.harness import BotHarness, Guessing, Person

GUESSES = {"maybe mute": ("alerts_off", CONFIRM_BELOW - 0.01)}
QUESTIONS = {
    "en": ["what's our gold progress?", "upgrade options", "is our renewal at risk?", "help", "cancel", "hello",
           "my achievements", "how are we doing on Cloud Platform?", "who holds AZ-104?", "what is the weather?"],
    "de": ["Wie ist unser Gold-Fortschritt?", "Upgrade-Optionen", "Verlängerung gefährdet?", "Hilfe", "abbrechen", "Hallo",
           "meine Zertifizierungen"],
}


@pytest.fixture
async def bot(start_bot: Any) -> BotHarness:
    return await start_bot(dataset(), NOW, recognizer=Guessing(GUESSES))


@pytest.fixture
def state_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every read and write of the dialog state, by name."""
    calls: list[str] = []
    for name in ("read", "write"):
        original = getattr(SqlStorage, name)

        async def counted(self: SqlStorage, *args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append(_name)
            return await _original(self, *args, **kwargs)

        monkeypatch.setattr(SqlStorage, name, counted)
    yield calls


def dialog_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message through the dialog stack, as before the shortcut existed."""

    async def never(self: MainDialog, turn_context: Any) -> bool:
        return False

    monkeypatch.setattr(MainDialog, "answer_without_dialog", never)


def lang(person: Person) -> str:
    return "de" if person.locale.startswith("de") else "en"


def wire(replies: list[Any]) -> list[dict]:
    """The replies as sent, without the id of the message each answers (a new one every turn)."""
    return [{k: v for k, v in reply.serialize().items() if k != "replyToId"} for reply in replies]


async def stored_states(bot: BotHarness) -> int:
    async with bot.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(BotStateRow))).scalar_one()


@pytest.mark.parametrize("person", [ANN, ANKE, EMIL], ids=["admin-en", "admin-de", "employee"])
async def test_one_shot_answers_are_the_dialogs_answers_and_touch_no_dialog_state(bot, person, state_calls, monkeypatch):
    questions = QUESTIONS[lang(person)]
    direct = [wire(await bot.chat(person).say(q)) for q in questions]
    calls_direct, rows_direct = list(state_calls), await stored_states(bot)

    dialog_only(monkeypatch)
    state_calls.clear()
    through_dialog = [wire(await bot.chat(person).say(q)) for q in questions]

    assert direct == through_dialog
    assert all(replies for replies in direct)
    assert calls_direct == [] and rows_direct == 0  # neither loaded nor saved, nothing stored
    assert "read" in state_calls  # the dialog path does load it (and saves an empty stack)


async def test_a_confirmation_starts_its_dialog_and_the_answer_to_it_continues_it(bot, state_calls):
    chat = bot.chat(ANN)

    asked = await chat.say("maybe mute")
    assert asked[0].attachments[0].content.text == text("en", "confirm_alerts_off")
    assert "write" in state_calls and await bot.assistant.alerts_enabled("u-ann")  # the prompt waits in the stored state

    done = await chat.say(text("en", "confirm_yes"))
    assert [r.text for r in done] == [text("en", "alerts_off_done")]
    assert not await bot.assistant.alerts_enabled("u-ann")


async def test_after_a_dialog_ended_the_next_question_goes_without_it(bot, state_calls):
    chat = bot.chat(ANN)
    await chat.say("maybe mute")
    await chat.say(text("en", "confirm_no"))  # the dialog ends: an empty stack is stored
    assert await stored_states(bot) == 1
    state_calls.clear()

    replies = await chat.say("what's our gold progress?")

    assert replies[0].attachments and state_calls == []


async def test_linking_goes_through_the_link_dialog(bot, state_calls):
    bot.sign_in(ANN, "token-1", "emil@outlook.example", magic_code="123456")

    replies = await bot.chat(ANN).say("link my MSA")

    assert replies and "write" in state_calls  # the sign-in waits in the stored dialog state
    assert await stored_states(bot) == 1


def test_an_empty_dialog_stack_as_botbuilder_stores_it_counts_as_no_dialog():
    """Pins the layout `holds_no_dialog` reads: if botbuilder or jsonpickle change it, this fails
    (the bot would still answer right, through the dialog stack, only slower)."""
    running = DialogState()
    running.dialog_stack.append(DialogInstance(id="MainDialog", state={}))
    stored = {name: (_flatten(state), "e1") for name, state in {
        "empty": {"DialogState": DialogState()}, "running": {"DialogState": running},
        "cleared": {}, "other": {"DialogState": DialogState(), "Other": 1},
    }.items()}

    assert holds_no_dialog(None, "DialogState")
    assert holds_no_dialog(stored["empty"], "DialogState") and holds_no_dialog(stored["cleared"], "DialogState")
    assert not holds_no_dialog(stored["running"], "DialogState")
    assert not holds_no_dialog(stored["other"], "DialogState")
    assert not holds_no_dialog(("not json", "e1"), "DialogState") and not holds_no_dialog(("[]", "e1"), "DialogState")


async def test_a_turn_answered_without_the_stack_leaves_no_prefetched_state_behind(bot, state_calls):
    # What identify read is handed to storage only when the stack runs: a later turn of the same
    # task (an invoke, a token event) must read the stored state, not this turn's snapshot of it.
    await bot.chat(ANN).say("what's our gold progress?")

    assert state_calls == [] and storage_module._prefetched.get({}) == {}
