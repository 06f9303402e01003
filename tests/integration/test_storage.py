"""`SqlStorage` keeps botbuilder's storage contract: a port of the SDK's `StorageBaseTests`
(botbuilder-testing, which imports Azure packages, hence ported rather than imported), plus the
e_tag rules and the races that several bot instances over one database produce."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from botbuilder.core import ConversationState, MessageFactory, StoreItem, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    Dialog,
    DialogSet,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.state.storage import EtagConflictError, SqlStorage
from services.persistence.database import create_engine, session_factory
from tests.conftest import dump_database


@pytest.fixture
def storage(engine: AsyncEngine) -> SqlStorage:
    return SqlStorage(session_factory(engine))


@pytest.fixture
async def other_instance(database_url: str) -> AsyncIterator[SqlStorage]:
    """A second bot instance (or the same bot after a restart): its own engine, same database."""
    engine = create_engine(database_url)
    yield SqlStorage(session_factory(engine))
    await engine.dispose()


# --- the SDK's StorageBaseTests ------------------------------------------------------------------


async def test_reading_an_unknown_key_returns_an_empty_dict(storage: SqlStorage) -> None:
    assert await storage.read(["unknown"]) == {}


async def test_reading_none_keys_raises_and_reading_no_keys_returns_nothing(storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match=r"^Keys are required when reading$"):
        await storage.read(None)  # type: ignore[arg-type]
    assert await storage.read([]) == {}


async def test_writing_none_changes_raises(storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match=r"^Changes are required when writing$"):
        await storage.write(None)  # type: ignore[arg-type]


async def test_writing_no_items_changes_nothing(storage: SqlStorage, engine: AsyncEngine) -> None:
    await storage.write([])  # type: ignore[arg-type]
    await storage.write({})
    assert (await dump_database(engine))["bot_state"] == []


async def test_created_items_read_back_with_an_e_tag(storage: SqlStorage) -> None:
    await storage.write({"createPoco": {"id": 1}, "createPocoStoreItem": {"id": 2, "e_tag": "*"}})

    items = await storage.read(["createPoco", "createPocoStoreItem"])

    assert items["createPoco"]["id"] == 1
    assert items["createPocoStoreItem"]["id"] == 2
    e_tags = {items["createPoco"]["e_tag"], items["createPocoStoreItem"]["e_tag"]}
    assert len(e_tags) == 2 and all(re.fullmatch("[0-9a-f]{32}", e_tag) for e_tag in e_tags)


async def test_crazy_keys_round_trip(storage: SqlStorage) -> None:
    key = '!@#$%^&*()_+??><":QASD~`'
    await storage.write({key: {"id": 1}})

    assert (await storage.read([key]))[key]["id"] == 1


async def test_updates_follow_the_e_tag_rules(storage: SqlStorage) -> None:
    await storage.write({"pocoItem": {"id": 1, "count": 1}, "pocoStoreItem": {"id": 1, "count": 1, "e_tag": "*"}})
    loaded = await storage.read(["pocoItem", "pocoStoreItem"])
    poco_item, poco_store_item = loaded["pocoItem"], loaded["pocoStoreItem"]
    poco_item["e_tag"] = None
    poco_item["count"] += 1
    poco_store_item["count"] += 1

    await storage.write(loaded)  # with the e_tag just read: accepted

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert (reloaded["pocoItem"]["count"], reloaded["pocoStoreItem"]["count"]) == (2, 2)

    poco_item["count"] = 123
    await storage.write({"pocoItem": poco_item})  # no e_tag: last writer wins

    poco_store_item["count"] = 123
    with pytest.raises(EtagConflictError, match="Etag conflict"):  # the e_tag read before the last write
        await storage.write({"pocoStoreItem": poco_store_item})  # (commented out in the Python SDK port)

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert (reloaded["pocoItem"]["count"], reloaded["pocoStoreItem"]["count"]) == (123, 2)

    reloaded["pocoItem"].update(count=100, e_tag=None)
    reloaded["pocoStoreItem"].update(count=100, e_tag="*")
    await storage.write(reloaded)

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert (reloaded["pocoItem"]["count"], reloaded["pocoStoreItem"]["count"]) == (100, 100)

    reloaded["pocoStoreItem"].update(count=7, e_tag="")
    with pytest.raises(ValueError, match="e_tag missing"):
        await storage.write({"pocoStoreItem": reloaded["pocoStoreItem"]})

    final = await storage.read(["pocoItem", "pocoStoreItem"])
    assert (final["pocoItem"]["count"], final["pocoStoreItem"]["count"]) == (100, 100)


async def test_a_deleted_item_is_gone_and_deleting_unknown_keys_is_harmless(storage: SqlStorage) -> None:
    await storage.write({"delete1": {"id": 1, "count": 1, "e_tag": "*"}})
    assert (await storage.read(["delete1"]))["delete1"]["count"] == 1

    await storage.delete(["delete1"])
    await storage.delete(["delete1", "unknown_key"])
    await storage.delete([])

    assert await storage.read(["delete1"]) == {}


async def test_batches_are_written_read_and_deleted_together(storage: SqlStorage) -> None:
    await storage.write({"batch1": {"count": 10}, "batch2": {"count": 20}, "batch3": {"count": 30}})

    result = await storage.read(["batch1", "batch2", "batch3", "batch4"])
    assert {key: item["count"] for key, item in result.items()} == {"batch1": 10, "batch2": 20, "batch3": 30}
    assert len({item["e_tag"] for item in result.values()}) == 3

    await storage.delete(["batch1", "batch2", "batch3"])
    assert await storage.read(["batch1", "batch2", "batch3"]) == {}


def _waterfall_bot(storage: SqlStorage) -> TestAdapter:
    """The SDK's waterfall: a step, a name prompt that wants more than 3 characters, a step."""
    conversation_state = ConversationState(storage)
    dialogs = DialogSet(conversation_state.create_property("dialogState"))

    async def validate_name(prompt: PromptValidatorContext) -> bool:
        attempts = prompt.options.number_of_attempts
        if len(prompt.recognized.value) > 3:
            await prompt.context.send_activity(f"You got it at the {attempts}rd try!")
            return True
        await prompt.context.send_activity(f"Please send a name that is longer than 3 characters. {attempts}")
        return False

    async def step_1(step: WaterfallStepContext) -> DialogTurnResult:
        assert isinstance(step.active_dialog.state["stepIndex"], int)
        await step.context.send_activity("step1")
        return Dialog.end_of_turn

    async def step_2(step: WaterfallStepContext) -> DialogTurnResult:
        assert isinstance(step.active_dialog.state["stepIndex"], int)
        return await step.prompt(TextPrompt.__name__, PromptOptions(prompt=MessageFactory.text("Please type your name")))

    async def step_3(step: WaterfallStepContext) -> DialogTurnResult:
        assert isinstance(step.active_dialog.state["stepIndex"], int)
        await step.context.send_activity("step3")
        return Dialog.end_of_turn

    dialogs.add(WaterfallDialog(WaterfallDialog.__name__, [step_1, step_2, step_3]))
    dialogs.add(TextPrompt(TextPrompt.__name__, validate_name))

    async def turn(context: TurnContext) -> None:
        dialog_context = await dialogs.create_context(context)
        await dialog_context.continue_dialog()
        if not context.responded:
            await dialog_context.begin_dialog(WaterfallDialog.__name__)
        await conversation_state.save_changes(context)

    return TestAdapter(turn)


async def test_a_waterfall_proceeds_across_turns_and_across_a_restart(
    storage: SqlStorage, other_instance: SqlStorage
) -> None:
    before_restart = _waterfall_bot(storage)
    await before_restart.test("hello", "step1")
    await before_restart.test("hello", "Please type your name")
    await before_restart.test("hi", "Please send a name that is longer than 3 characters. 0")

    # The prompt's attempt count lives in a PromptOptions object inside the DialogState: it must come back.
    after_restart = _waterfall_bot(other_instance)
    await after_restart.test("hi", "Please send a name that is longer than 3 characters. 1")
    await after_restart.test("hi", "Please send a name that is longer than 3 characters. 2")
    flow = await after_restart.test("Kyle", "You got it at the 3rd try!")
    await flow.assert_reply("step3")


# --- e_tags and concurrency ----------------------------------------------------------------------


async def test_an_e_tag_of_star_overwrites_whatever_is_stored(storage: SqlStorage) -> None:
    await storage.write({"item": {"count": 1}})
    await storage.write({"item": {"count": 2}})  # changes the stored e_tag

    await storage.write({"item": {"count": 3, "e_tag": "*"}})

    assert (await storage.read(["item"]))["item"]["count"] == 3


async def test_a_mismatched_e_tag_raises_and_leaves_the_stored_item_alone(storage: SqlStorage) -> None:
    await storage.write({"item": {"count": 1}})
    stored = (await storage.read(["item"]))["item"]

    with pytest.raises(EtagConflictError, match="Etag conflict on 'item'"):
        await storage.write({"item": {"count": 2, "e_tag": "not-the-stored-one"}})

    assert await storage.read(["item"]) == {"item": stored}


async def test_every_write_gives_a_new_e_tag_and_leaves_the_callers_item_untouched(storage: SqlStorage) -> None:
    await storage.write({"item": {"count": 1}})
    first = (await storage.read(["item"]))["item"]
    change = {"count": 2, "e_tag": first["e_tag"]}

    await storage.write({"item": change})

    assert change == {"count": 2, "e_tag": first["e_tag"]}
    second = (await storage.read(["item"]))["item"]
    assert second["count"] == 2 and second["e_tag"] != first["e_tag"]


async def test_an_e_tag_for_an_item_not_stored_creates_it_as_memory_storage_does(storage: SqlStorage) -> None:
    await storage.write({"gone": {"count": 1, "e_tag": "read-before-a-delete"}})

    assert (await storage.read(["gone"]))["gone"]["count"] == 1


async def test_store_item_objects_round_trip_as_objects_with_their_e_tag(storage: SqlStorage) -> None:
    await storage.write({"object": StoreItem(count=1, tags=["a", "b"], e_tag="*")})
    item = (await storage.read(["object"]))["object"]

    assert isinstance(item, StoreItem)
    assert (item.count, item.tags) == (1, ["a", "b"])

    item.count = 2
    await storage.write({"object": item})
    stale = StoreItem(count=3, e_tag=item.e_tag)
    with pytest.raises(EtagConflictError):
        await storage.write({"object": stale})
    assert (await storage.read(["object"]))["object"].count == 2


async def test_keys_the_database_cannot_hold_are_refused_before_anything_is_written(storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match="longer than 1024"):
        await storage.write({"fine": {"count": 1}, "x" * 1025: {"count": 1}})
    assert await storage.read(["fine"]) == {}


async def test_of_two_instances_writing_with_the_same_e_tag_exactly_one_wins(
    storage: SqlStorage, other_instance: SqlStorage
) -> None:
    """Both pools are warmed first, or one instance's connect would let the other finish alone; and
    several rounds, since which writer reaches the database first is up to the scheduler."""
    instances = (storage, other_instance)
    await asyncio.gather(*(instance.read(["conversation"]) for instance in instances))
    for round_ in range(10):
        await storage.write({"conversation": {"count": 0, "e_tag": "*"}})
        read_tag = (await storage.read(["conversation"]))["conversation"]["e_tag"]

        outcomes = await asyncio.gather(
            *(instance.write({"conversation": {"count": n, "e_tag": read_tag}}) for n, instance in enumerate(instances, 1)),
            return_exceptions=True,
        )

        assert [type(o) for o in outcomes].count(EtagConflictError) == 1 and outcomes.count(None) == 1, (round_, outcomes)
        winner = outcomes.index(None) + 1
        assert (await other_instance.read(["conversation"]))["conversation"]["count"] == winner


async def test_two_instances_creating_the_same_items_with_star_both_succeed(
    storage: SqlStorage, other_instance: SqlStorage
) -> None:
    """Both may find no row and INSERT; the loser's primary-key violation turns into an UPDATE.
    (PostgreSQL only: SQLite's single write lock serialises the two writers before the INSERT.)"""
    keys = [f"user/{n}" for n in range(20)]
    await asyncio.gather(storage.read(keys), other_instance.read(keys))  # warm both pools

    await asyncio.gather(
        storage.write({key: {"by": "first", "e_tag": "*"} for key in keys}),
        other_instance.write({key: {"by": "second", "e_tag": "*"} for key in keys}),
    )

    stored = await storage.read(keys)
    assert sorted(stored) == sorted(keys)
    assert {item["by"] for item in stored.values()} <= {"first", "second"}
