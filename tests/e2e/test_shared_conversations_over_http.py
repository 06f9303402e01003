"""SPEC 4.4 over real HTTP: a team channel and a group chat, the fake connector recording where each
reply went; and the link dialog's edge cases (a question while the sign-in waits, the token service
unreachable)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from dialogs.messages import text
from tests.e2e.conftest import ANNA, JONAS, prepare_sign_in, running_bot
from tests.e2e.fakes import Delivery, TeamsUser, free_port

CHANNEL = "19:general@thread.tacv2;messageid=1700000000001"
GROUP = "19:group-chat@thread.v2"


def shared_activity(teams, user: TeamsUser, message: str, conversation_id: str, kind: str | None) -> dict[str, Any]:
    """What Teams posts for a message in a channel (`kind` "channel", channelData naming the team)
    or a group chat (`kind` "groupChat"); `kind` None leaves the type out, as some events do."""
    body = teams.activity(user, message)
    body["conversation"] = {"id": conversation_id, "tenantId": user.tenant_id, "isGroup": kind == "groupChat"}
    if kind is not None:
        body["conversation"]["conversationType"] = kind
    if kind != "groupChat":
        body["channelData"] = {**body["channelData"], "team": {"id": "19:team@thread.tacv2"}, "channel": {"id": CHANNEL.split(";")[0]}}
    return body


async def say_in(teams, bot_url: str, user: TeamsUser, message: str, conversation_id: str = CHANNEL, kind: str | None = "channel") -> list[Delivery]:
    """One turn in a shared conversation: everything the connector accepted during it, wherever it went."""
    before = len(teams.connector.accepted())
    response = await teams.post(bot_url, shared_activity(teams, user, message, conversation_id, kind))
    assert response.status in (200, 201), response.status
    return teams.connector.accepted()[before:]


def with_locale(user: TeamsUser, locale: str) -> TeamsUser:
    return TeamsUser(user.user_id, user.aad_object_id, user.tenant_id, locale, user.name)


PROGRESS = {"en-US": "what's our Gold progress?", "de-DE": "Wie ist unser Gold-Fortschritt?"}


@pytest.mark.parametrize("locale", ["en-US", "de-DE"], ids=["en", "de"])
async def test_an_admins_progress_question_in_a_channel_goes_to_their_personal_chat_with_a_note_in_the_channel(bot, teams, locale):
    anna = with_locale(ANNA, locale)
    await teams.say(bot.url, anna, "help")  # Anna's personal chat is known from now on
    [direct] = await teams.say(bot.url, anna, PROGRESS[locale])

    replies = await say_in(teams, bot.url, anna, PROGRESS[locale])

    by_conversation = {(d.conversation_id, d.content_type) for d in replies}
    assert by_conversation == {(CHANNEL, None), (anna.conversation_id, "application/vnd.microsoft.card.adaptive")}
    [note] = [d for d in replies if d.conversation_id == CHANNEL]
    [answer] = [d for d in replies if d.conversation_id == anna.conversation_id]
    assert note.text == text(locale[:2], "shared_answer_sent") and not note.activity.get("attachments")
    assert answer.text == direct.text
    assert answer.reply_to_id != teams.sent[-1]["id"]  # proactive (continue_conversation), not a reply to the channel message
    assert answer.card["body"][0]["text"] == direct.card["body"][0]["text"]


@pytest.mark.parametrize("locale", ["en-US", "de-DE"], ids=["en", "de"])
async def test_an_admin_without_a_personal_chat_is_asked_to_open_one_and_nothing_else_is_posted(bot, teams, locale):
    anna = with_locale(ANNA, locale)

    replies = await say_in(teams, bot.url, anna, "is our renewal at risk?", GROUP, "groupChat")

    assert [(d.conversation_id, d.text) for d in replies] == [(GROUP, text(locale[:2], "shared_open_personal_chat"))]


async def test_channel_data_with_a_team_and_no_conversation_type_is_shared(bot, teams):
    replies = await say_in(teams, bot.url, ANNA, "upgrade options", kind=None)

    assert [(d.conversation_id, d.text) for d in replies] == [(CHANNEL, text("en", "shared_open_personal_chat"))]


async def test_linking_in_a_group_chat_is_refused_and_another_members_yes_links_nothing(bot, teams, token_service, graph, uows):
    prepare_sign_in(token_service, graph, ANNA, "msa-token-anna", "anna.new@outlook.example")

    refused = await say_in(teams, bot.url, ANNA, "link my MSA", GROUP, "groupChat")
    yes = await say_in(teams, bot.url, JONAS, "yes", GROUP, "groupChat")

    assert [d.text for d in refused] == [text("en", "shared_link_personal_only")]
    assert [d.text for d in yes] == [text("en", "unknown_intent")]
    assert token_service.calls == [] and graph.calls == []


# --- the link dialog's edge cases -------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en-US", "de-DE"], ids=["en", "de"])
async def test_a_question_while_the_sign_in_waits_ends_the_sign_in_and_is_answered(bot, teams, token_service, graph, locale):
    anna = with_locale(ANNA, locale)
    prepare_sign_in(token_service, graph, anna, "msa-token-anna", "anna.new@outlook.example", magic_code="654321")
    language = locale[:2]

    [card] = await teams.say(bot.url, anna, "link my MSA" if language == "en" else "MSA verknüpfen")
    answered = await teams.say(bot.url, anna, "is our renewal at risk?" if language == "en" else "Verlängerung gefährdet?")
    code_later = await teams.say(bot.url, anna, "654321")

    assert card.content_type == "application/vnd.microsoft.card.oauth"
    assert answered[0].text == text(language, "link_ended_for_question")
    assert [d.content_type for d in answered] == [None, "application/vnd.microsoft.card.adaptive"]
    assert answered[1].card["body"][0]["text"] == text(language, "renewal_title")
    assert [d.text for d in code_later] == [text(language, "unknown_intent")]  # the sign-in no longer waits
    assert graph.calls == []


async def test_asking_to_link_again_while_the_sign_in_waits_offers_a_fresh_sign_in_card(bot, teams, token_service, graph):
    prepare_sign_in(token_service, graph, ANNA, "msa-token-anna", "anna.new@outlook.example", magic_code="654321")

    await teams.say(bot.url, ANNA, "link my MSA")
    again = await teams.say(bot.url, ANNA, "link my Microsoft account")

    assert [d.content_type for d in again] == ["application/vnd.microsoft.card.oauth"]


@pytest.mark.parametrize("locale", ["en-US", "de-DE"], ids=["en", "de"])
async def test_an_unreachable_token_service_is_one_clear_sentence_and_one_log_line(settings, demo, teams, caplog, locale):
    unreachable = settings.model_copy(update={"oauth_url": f"http://127.0.0.1:{free_port()}"})
    jonas = with_locale(JONAS, locale)
    caplog.set_level(logging.WARNING)

    async with running_bot(unreachable) as (bot, _):
        replies = await teams.say(bot.url, jonas, "link my MSA" if locale == "en-US" else "MSA verknüpfen")
        after = await teams.say(bot.url, jonas, "help")

    assert [d.text for d in replies] == [text(locale[:2], "token_service_unreachable")]
    assert after[0].content_type is not None or after[0].text  # the conversation goes on normally
    ours = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.split(".")[0] in ("bot", "dialogs")]
    assert [r.getMessage().split(":")[0] for r in ours] == ["token service unreachable, sign-in ended"]
    assert all(r.exc_info is None for r in caplog.records)  # no traceback anywhere
    assert text(locale[:2], "error_apology") not in [d.text for d in replies + after]


async def test_a_personal_chat_that_refuses_the_answer_turns_into_the_note_to_open_one(bot, teams, connector, caplog):
    from tests.e2e.fakes import Answer

    await teams.say(bot.url, ANNA, "help")
    connector.script(Answer(403, body={"error": {"code": "BotNotInConversationRoster", "message": "The bot is not part of the conversation roster."}}))
    caplog.set_level(logging.WARNING)

    replies = await say_in(teams, bot.url, ANNA, "what's our Gold progress?")

    refused = [d for d in connector.deliveries if d.status == 403]
    assert [d.conversation_id for d in refused] == [ANNA.conversation_id]
    assert [(d.conversation_id, d.text) for d in replies] == [(CHANNEL, text("en", "shared_open_personal_chat"))]
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name.startswith("bot.")] == ["could not reach the member's personal chat"]
    assert all(r.exc_info is None for r in caplog.records)
