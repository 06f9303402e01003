"""Races on first contact (issue 8, class 4): Teams sends conversationUpdate and installationUpdate
together when the app is installed, and two messages may open a conversation together. Real
concurrency over real HTTP; on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import dataclasses

from sqlalchemy import func, select

from dialogs.messages import text
from services.persistence.tables import ConversationReferenceRow, UserRow
from tests.e2e.conftest import ANNA
from tests.e2e.fakes import TeamsChannel, TeamsUser

PAIRS = 15


def install(teams: TeamsChannel, user: TeamsUser) -> tuple[dict, dict]:
    """The two activities Teams sends when `user` installs the app in their personal scope."""
    added = teams.activity(user, type="conversationUpdate", membersAdded=[dict(TeamsChannel.BOT)])
    installed = teams.activity(user, type="installationUpdate", action="add")
    return added, installed


async def references(uows, user_id: str) -> dict[str, int]:
    async with uows() as uow:
        rows = await uow.session.execute(
            select(ConversationReferenceRow.conversation_id, func.count()).where(ConversationReferenceRow.user_id == user_id).group_by(ConversationReferenceRow.conversation_id)
        )
        return dict(rows.all())


async def anna_id(uows) -> str:
    async with uows() as uow:
        return await uow.session.scalar(select(UserRow.id).where(UserRow.aad_object_id == ANNA.aad_object_id))


async def test_an_install_greets_once_and_is_remembered_once_however_its_two_activities_race(bot, teams, connector, uows):
    installs = [dataclasses.replace(ANNA, user_id=f"29:anna-install-{i}") for i in range(PAIRS)]
    responses = await asyncio.gather(*(teams.post(bot.url, body) for user in installs for body in install(teams, user)))

    assert [r.status for r in responses] == [201] * (2 * PAIRS)
    for user in installs:
        assert [d.text for d in connector.accepted(user.conversation_id)] == [text("en", "welcome")]
    assert await references(uows, await anna_id(uows)) == {user.conversation_id: 1 for user in installs}


async def test_two_messages_opening_a_conversation_together_are_both_answered(bot, teams, connector, uows):
    users = [dataclasses.replace(ANNA, user_id=f"29:anna-twice-{i}") for i in range(PAIRS)]
    responses = await asyncio.gather(*(teams.post(bot.url, teams.activity(user, "help")) for user in users for _ in range(2)))

    assert [r.status for r in responses] == [201] * (2 * PAIRS)
    for user in users:
        replies = connector.accepted(user.conversation_id)
        assert len(replies) == 2 and replies[0].text == replies[1].text != text("en", "error_apology")
    assert await references(uows, await anna_id(uows)) == {user.conversation_id: 1 for user in users}
