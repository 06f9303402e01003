"""SPEC 4.4, shared conversations: organisation-wide answers go to the admin's personal chat, linking
happens there only, and each member's dialog is their own (in English and German)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from botbuilder.core import CardFactory
from botbuilder.schema import Activity
from sqlalchemy import select

from bot.state.storage import SqlStorage
from dialogs.confirmation import CONFIRM_BELOW
from dialogs.formatting import datetime_text
from dialogs.main_dialog import ORGANISATION_WIDE
from dialogs.messages import text
from services.persistence.database import session_factory
from services.persistence.tables import ConversationReferenceRow
from tests.dialogs.conftest import ANKE, ANN, EMIL, NOW, dataset
from tests.harness import Guessing, card_of, texts


def cloud_people(evaluation) -> tuple[str, ...]:
    return evaluation.assessment.competency("cloud-platform").levels["silver"].options[0].requirements[1].counted

LANGS = pytest.mark.parametrize("person", [ANN, ANKE], ids=["en", "de"])
QUESTIONS = {
    "org_progress": {"en": "what's our gold progress?", "de": "Wie ist unser Gold-Fortschritt?"},
    "upgrade_options": {"en": "upgrade options", "de": "Upgrade-Optionen"},
    "renewal_status": {"en": "is our renewal at risk?", "de": "Verlängerung gefährdet?"},
    # the second release's organisation-wide questions (issue 11)
    "membership_status": {"en": "when does our membership expire?", "de": "Wann läuft unsere Mitgliedschaft ab?"},
    "people": {"en": "who holds AZ-104?", "de": "Wer hat die AZ-104?"},
    "expiring": {"en": "which certifications expire soon?", "de": "Was läuft bald ab?"},
    "what_if": {"en": "what if Ann Admin leaves?", "de": "Was wäre, wenn Ann Admin geht?"},
    "specializations": {"en": "do we qualify for an advanced specialization?", "de": "Erfüllen wir eine Advanced Specialization?"},
    "designations": {"en": "how many Solutions Partner points do we have?", "de": "Wie viele Solutions-Partner-Punkte haben wir?"},
}
FIRST_LINES = {  # the answer's title: the question was understood as the intent it stands for
    "org_progress": {"en": "Gold progress for Alpha Consulting", "de": "Gold-Fortschritt für Alpha Consulting"},
    "upgrade_options": {"en": "Upgrade options toward Gold", "de": "Upgrade-Optionen für Gold"},
    "renewal_status": {"en": "Renewal status", "de": "Verlängerungsstatus"},
    "membership_status": {"en": "Membership of Alpha Consulting", "de": "Mitgliedschaft von Alpha Consulting"},
    "people": {"en": "Who holds Azure Administrator (AZ-104)", "de": "Wer Azure Administrator (AZ-104) hat"},
    "expiring": {"en": "Expiring soon", "de": "Läuft bald ab"},
    "what_if": {"en": "What if Ann Admin leaves?", "de": "Was wäre, wenn Ann Admin geht?"},
    "specializations": {"en": "Advanced specializations", "de": "Advanced Specializations"},
    "designations": {"en": "Solutions Partner designations", "de": "Solutions Partner-Designations"},
}


def lang(person) -> str:
    return "de" if person.locale.startswith("de") else "en"


def split(replies: list[Activity], conversation_id: str) -> tuple[list[Activity], list[Activity]]:
    """(what was posted in `conversation_id`, what went elsewhere)."""
    here = [r for r in replies if r.conversation.id == conversation_id]
    return here, [r for r in replies if r.conversation.id != conversation_id]


def test_every_organisation_wide_intent_has_a_question_here():
    assert set(QUESTIONS) == set(FIRST_LINES) == ORGANISATION_WIDE


@LANGS
@pytest.mark.parametrize("intent", sorted(QUESTIONS))
async def test_an_admins_organisation_wide_question_in_a_channel_is_answered_in_their_personal_chat(harness, person, intent):
    personal = harness.chat(person)
    await personal.say("help")  # the bot now knows the personal chat
    channel = harness.channel(person)

    replies = await channel.say(QUESTIONS[intent][lang(person)])

    in_channel, elsewhere = split(replies, channel.conversation_id)
    assert texts(in_channel) == [text(lang(person), "shared_answer_sent")]
    assert not in_channel[0].attachments  # no card, no figure in the channel
    [answer] = elsewhere
    assert answer.conversation.id == personal.conversation_id
    assert card_of(answer)["type"] == "AdaptiveCard"
    assert texts([answer])[0].splitlines()[0] == FIRST_LINES[intent][lang(person)]
    [direct] = await personal.say(QUESTIONS[intent][lang(person)])
    assert card_of(answer) == card_of(direct) and texts([answer]) == texts([direct])  # the same answer, card and text, as asked in the personal chat


@LANGS
async def test_a_group_chat_is_shared_too_and_a_card_button_there_answers_personally(harness, person):
    personal = harness.chat(person)
    await personal.say("help")
    group = harness.group_chat(person)

    replies = await group.say(value={"intent": "renewal_status"})

    in_group, elsewhere = split(replies, group.conversation_id)
    assert texts(in_group) == [text(lang(person), "shared_answer_sent")]
    assert [r.conversation.id for r in elsewhere] == [personal.conversation_id]


@LANGS
async def test_channel_data_naming_a_team_makes_a_conversation_shared_without_a_type(harness, person):
    channel = harness.channel(person, conversation_type=None)

    replies = await channel.say(QUESTIONS["org_progress"][lang(person)])

    assert texts(replies) == [text(lang(person), "shared_open_personal_chat")]
    assert all(r.conversation.id == channel.conversation_id and not r.attachments for r in replies)


@LANGS
async def test_without_a_personal_chat_the_admin_is_asked_to_open_one_and_no_figure_is_posted(harness, person):
    channel = harness.channel(person)

    replies = await channel.say(QUESTIONS["renewal_status"][lang(person)])

    assert texts(replies) == [text(lang(person), "shared_open_personal_chat")]


async def test_a_personal_chat_stored_at_a_host_off_the_allow_list_is_not_sent_to_and_the_admin_is_asked_to_open_one(harness, caplog):
    """The stored reference was edited in the database after the bot wrote it (or written by an
    import): the answer must not go there, with the bot's bearer token, but the admin still learns
    where to ask."""
    personal = harness.chat(ANN)
    await personal.say("help")
    async with harness.assistant.uows() as uow:
        row = await uow.session.scalar(select(ConversationReferenceRow).where(ConversationReferenceRow.conversation_id == personal.conversation_id))
        row.reference = json.dumps({**json.loads(row.reference), "serviceUrl": "https://attacker.example/path?x=1"})
        await uow.commit()
    channel = harness.channel(ANN)

    replies = await channel.say(QUESTIONS["renewal_status"]["en"])

    assert texts(replies) == [text("en", "shared_open_personal_chat")]
    assert all(r.conversation.id == channel.conversation_id for r in replies)
    [refused] = [r for r in caplog.records if "attacker.example" in r.getMessage()]
    assert "ALLOWED_SERVICE_URL_HOSTS" in refused.getMessage() and "path" not in refused.getMessage()


async def test_a_channel_the_bot_saw_first_is_not_taken_for_a_personal_chat(harness):
    """The channel's conversation reference is stored as shared: asked there, the answer does not
    come back into it as if it were Ann's personal chat."""
    channel = harness.channel(ANN, conversation_type=None)
    await channel.say("help")

    replies = await channel.say("what's our gold progress?")

    async with harness.assistant.uows() as uow:
        rows = (await uow.session.execute(select(ConversationReferenceRow.conversation_id, ConversationReferenceRow.personal))).all()
    assert texts(replies) == [text("en", "shared_open_personal_chat")]
    assert rows == [(channel.conversation_id, False)]  # so alerts never go to the channel either


async def test_a_non_admin_in_a_channel_is_told_it_is_for_admins(harness):
    replies = await harness.channel(EMIL).say("what's our gold progress?")

    assert texts(replies) == [text("en", "admins_only")]


@LANGS
async def test_linking_an_msa_in_a_channel_is_refused_with_a_pointer_to_the_personal_chat(harness, person):
    harness.sign_in(person, "token-shared", "shared@outlook.example")
    channel = harness.channel(person)

    replies = await channel.say("link my MSA" if lang(person) == "en" else "MSA verknüpfen")
    after = await channel.say("yes" if lang(person) == "en" else "ja")

    assert texts(replies) == [text(lang(person), "shared_link_personal_only")]
    assert not any(r.attachments and r.attachments[0].content_type == CardFactory.content_types.oauth_card for r in replies)
    assert texts(after) == [text(lang(person), "unknown_intent")]
    assert harness.directory.calls == []  # no sign-in was ever read


async def test_personal_chat_state_keeps_botbuilders_key_so_stored_dialogs_resume(harness):
    harness.sign_in(ANN, "token-p", "emil@outlook.example")
    await harness.chat(ANN).say("link my MSA")  # waits for the confirmation

    storage = SqlStorage(session_factory(harness.engine))
    stored = await storage.read([f"msteams/conversations/{harness.chat(ANN).conversation_id}"])

    assert list(stored) == [f"msteams/conversations/{harness.chat(ANN).conversation_id}"]


# --- dialog state per member: a two-turn dialog in a group chat ------------------------------------
# A message read with a confidence below CONFIRM_BELOW is confirmed before it acts: the bot asks, and
# the next message from the same member answers (dialogs/confirmation.py). `Guessing` reads "maybe
# mute" so, whatever the recognizer's tuning.

MAYBE_MUTE = {"maybe mute": ("alerts_off", CONFIRM_BELOW - 0.01)}


async def test_another_members_reply_in_a_group_chat_starts_their_own_dialog_not_the_waiting_one(start_bot):
    bot = await start_bot(dataset(), NOW, recognizer=Guessing(MAYBE_MUTE))
    ann, emil = bot.group_chat(ANN), bot.group_chat(EMIL)

    ann_asked = await ann.say("maybe mute")
    emil_asked = await emil.say("maybe mute")  # his own question, not an answer to Ann's
    ann_yes = await ann.say("yes")
    emil_no = await emil.say("no")

    for asked in (ann_asked, emil_asked):
        [question] = asked
        assert question.conversation.id == "19:group@thread.v2"
        assert question.attachments[0].content.text == text("en", "confirm_alerts_off")
    assert texts(ann_yes) == [text("en", "alerts_off_done")]
    assert texts(emil_no) == [text("en", "confirm_declined")]
    assert not await bot.assistant.alerts_enabled("u-ann")
    assert await bot.assistant.alerts_enabled("u-emil")


async def test_a_waiting_dialog_is_stored_under_the_member_in_a_group_chat_and_under_the_conversation_in_a_personal_one(start_bot):
    bot = await start_bot(dataset(), NOW, recognizer=Guessing(MAYBE_MUTE))

    await bot.group_chat(ANN).say("maybe mute")
    await bot.chat(EMIL).say("maybe mute")
    keys = ["msteams/conversations/19:group@thread.v2", "msteams/conversations/19:group@thread.v2/members/29:ann",
            "msteams/conversations/a:personal-29:emil", "msteams/conversations/a:personal-29:emil/members/29:emil"]
    stored = await SqlStorage(session_factory(bot.engine)).read(keys)

    assert sorted(stored) == ["msteams/conversations/19:group@thread.v2/members/29:ann", "msteams/conversations/a:personal-29:emil"]


# --- the link dialog's edge cases (issue 8, item 6) ---------------------------------------------------

LINK = {"en": "link my MSA", "de": "MSA verknüpfen"}
ACHIEVEMENTS = {"en": "my achievements", "de": "meine Zertifizierungen"}


@LANGS
async def test_a_question_while_the_sign_in_card_waits_ends_the_sign_in_and_gets_its_answer(harness, person):
    harness.sign_in(person, "token-q", "waiting@outlook.example", magic_code="112233")
    chat = harness.chat(person)

    await chat.say(LINK[lang(person)])
    answered = await chat.say(ACHIEVEMENTS[lang(person)])
    late_code = await chat.say("112233")

    assert texts(answered)[0] == text(lang(person), "link_ended_for_question")
    assert texts(answered)[1] == texts(await chat.say(ACHIEVEMENTS[lang(person)]))[0]
    assert texts(late_code) == [text(lang(person), "unknown_intent")]
    assert harness.directory.calls == []


@LANGS
async def test_help_and_the_magic_code_still_work_while_the_sign_in_waits(harness, person):
    harness.sign_in(person, "token-h", "helped@outlook.example", magic_code="445566")
    chat = harness.chat(person)

    await chat.say(LINK[lang(person)])
    await chat.say("help" if lang(person) == "en" else "Hilfe")
    done = await chat.say("445566")

    counts_from = datetime_text(NOW + timedelta(hours=24), lang(person))  # the catalog's visibility delay
    assert texts(done) == [text(lang(person), "link_done", msa="helped@outlook.example", counts_from=counts_from)]


@LANGS
async def test_an_unreachable_token_service_is_said_in_one_sentence_and_the_dialog_ends(harness, person, caplog):
    from msrest.exceptions import ClientRequestError

    harness.tokens.fail_with(ClientRequestError("Error occurred in request., ConnectionError: connection refused"))
    chat = harness.chat(person)

    replies = await chat.say(LINK[lang(person)])
    after = await chat.say("yes" if lang(person) == "en" else "ja")

    assert texts(replies) == [text(lang(person), "token_service_unreachable")]
    assert texts(after) == [text(lang(person), "unknown_intent")]
    assert [r.getMessage() for r in caplog.records if r.name == "dialogs.link_msa_dialog"] == [
        "token service unreachable, sign-in ended: ClientRequestError: Error occurred in request., ConnectionError: connection refused"
    ]


async def test_the_token_service_failing_when_the_magic_code_arrives_is_said_the_same_way(harness):
    from msrest.exceptions import ClientRequestError

    harness.sign_in(ANN, "token-m", "magic@outlook.example", magic_code="778899")
    chat = harness.chat(ANN)
    await chat.say(LINK["en"])

    harness.tokens.fail_with(ClientRequestError("timed out"))
    replies = await chat.say("778899")

    assert texts(replies) == [text("en", "token_service_unreachable")]
    assert harness.directory.calls == []


def _exchange_failures():
    from botframework.connector.token_api.models import Error, ErrorResponse
    from msrest.exceptions import ClientRequestError, DeserializationError

    refused = ErrorResponse(error=Error(code="BadArgument", message="The token is not a valid exchangeable token"))
    return [
        (ClientRequestError("Error occurred in request., ConnectionError: connection refused"), None,
         ("WARNING", "token exchange failed, the sign-in card stays: ClientRequestError: Error occurred in request., ConnectionError: connection refused")),
        (DeserializationError("Unable to deserialize response data"), None,  # not an HttpOperationError
         ("WARNING", "token exchange failed, the sign-in card stays: DeserializationError: Unable to deserialize response data")),
        (None, refused,  # a 400: the SDK's client hands back the ErrorResponse, which has no token
         ("INFO", "token exchange refused by the token service (BadArgument: The token is not a valid exchangeable token), the sign-in card stays")),
    ]


@pytest.mark.parametrize(("failure", "answer", "logged"), _exchange_failures(), ids=["unreachable", "undecodable", "refused-400"])
async def test_a_token_exchange_that_fails_is_412_with_one_line_logged_and_the_card_stays(harness, caplog, failure, answer, logged):
    chat = harness.chat(ANN)
    await chat.say(LINK["en"])  # the sign-in card: the prompt waits
    harness.tokens.fail_with(failure)
    harness.tokens.exchange_answer = answer

    with caplog.at_level(logging.INFO, logger="dialogs.link_msa_dialog"):
        posted = await chat.invoke("signin/tokenExchange", {"id": "exchange-3", "connectionName": harness.connection_name, "token": "sso-token"})
    answer_sent = harness.invoke_responses[-1]
    harness.tokens.fail_with(None)
    harness.sign_in(ANN, "token-x", "late@outlook.example", magic_code="135790")
    done = await chat.say("135790")  # the card still works

    assert (answer_sent.status, answer_sent.body.id, answer_sent.body.failure_detail) == (412, "exchange-3", "The bot is unable to exchange token. Proceed with regular login.")
    assert posted == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "dialogs.link_msa_dialog"] == [logged]
    assert texts(done) == [text("en", "link_done", msa="late@outlook.example", counts_from=datetime_text(NOW + timedelta(hours=24), "en"))]


@LANGS
async def test_a_question_instead_of_yes_or_no_ends_the_linking_and_is_answered_and_nothing_moves(harness, person):
    harness.sign_in(person, "token-c", "emil@outlook.example")  # counts for Beta Partners: the bot asks first
    chat = harness.chat(person)

    asked = await chat.say(LINK[lang(person)])
    answered = await chat.say(ACHIEVEMENTS[lang(person)])
    late_yes = await chat.say("yes" if lang(person) == "en" else "ja")

    assert texts(asked) == [text(lang(person), "link_confirm_dissolve", msa="emil@outlook.example", organization="Beta Partners")]
    assert texts(answered)[0] == text(lang(person), "link_ended_for_question")
    assert len(answered) == 2 and texts(answered)[1] == texts(await chat.say(ACHIEVEMENTS[lang(person)]))[0]
    assert texts(late_yes) == [text(lang(person), "unknown_intent")]
    assert cloud_people(await harness.assistant.progress("org-b")) == ("u-bea",)


async def test_no_with_more_words_still_answers_the_confirmation(harness):
    harness.sign_in(ANN, "token-n", "emil@outlook.example")
    chat = harness.chat(ANN)

    await chat.say("link my MSA")
    kept = await chat.say("no, keep it there")

    assert texts(kept) == [text("en", "link_kept", msa="emil@outlook.example", organization="Beta Partners")]
