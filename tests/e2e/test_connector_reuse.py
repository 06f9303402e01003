"""Connector clients are reused per (service URL, audience) with keep-alive, for replies and for
proactive sends; a serviceUrl that never answers holds only its own threads (bot/connector/pool.py)."""

from __future__ import annotations

import asyncio

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import ConversationReference

from bot.connector.authentication import LOCAL_APP_ID
from bot.hosting.app import BOT
from dialogs.messages import text
from tests.e2e.conftest import ANNA, running_bot
from tests.e2e.fakes import LOOPBACK, Answer, FakeConnector, TeamsUser


async def test_fifty_replies_to_one_service_url_travel_over_one_connection(bot, teams, connector):
    for _ in range(50):
        [reply] = await teams.say(bot.url, ANNA, "help")
        assert reply.accepted

    assert len(connector.accepted(ANNA.conversation_id)) == 50
    assert len(connector.connections) == 1
    assert bot.app[BOT].adapter.bot_framework_authentication.connectors.built == 1


async def test_proactive_sends_share_one_connection(bot, teams, connector):
    """In local mode a reply goes out as the anonymous caller and an alert as LOCAL_APP_ID (what the
    alert sender uses): two identities, so two clients; with an app id both are the same one."""
    await teams.say(bot.url, ANNA, "help")
    assert len(connector.connections) == 1
    reference = ConversationReference().deserialize(connector.deliveries[0].activity | {"conversation": {"id": ANNA.conversation_id}})
    reference.service_url = connector.service_url
    adapter = bot.app[BOT].adapter

    async def send(turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text("ping"))

    for _ in range(20):
        await adapter.continue_conversation(reference, send, LOCAL_APP_ID)

    assert [d.text for d in connector.accepted(ANNA.conversation_id)][1:] == ["ping"] * 20
    assert len(connector.connections) == 2
    assert bot.app[BOT].adapter.bot_framework_authentication.connectors.built == 2


class BlackHole:
    """A serviceUrl whose host accepts TCP connections and never answers, until `drop()`: then it
    resets every connection it holds or is offered (so the stuck calls end now, without retries)."""

    def __init__(self) -> None:
        self.transports: list[asyncio.Transport] = []
        self.dropping = False
        self.url = ""

    def drop(self) -> None:
        self.dropping = True
        for transport in self.transports:
            transport.abort()

    async def __aenter__(self) -> BlackHole:
        holes = self

        class Silent(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                if holes.dropping:
                    transport.abort()  # type: ignore[attr-defined]
                else:
                    holes.transports.append(transport)  # type: ignore[arg-type]

        self.server = await asyncio.get_running_loop().create_server(Silent, LOOPBACK, 0)
        self.url = f"http://{LOOPBACK}:{self.server.sockets[0].getsockname()[1]}/"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.drop()
        self.server.close()
        await self.server.wait_closed()


async def test_a_service_url_that_never_answers_delays_only_its_own_replies(settings, demo, teams, connector):
    """40 turns whose serviceUrl never answers are all still waiting for it (the read timeout is
    10 minutes) when another conversation's question has been answered: by ordering, not by time."""
    settings = settings.model_copy(update={"connector_read_timeout_seconds": 600.0, "connector_concurrency_per_host": 8})
    async with running_bot(settings) as (bot, _), BlackHole() as hole:
        strangers = [TeamsUser(f"29:stranger-{i}", f"aad-stranger-{i}", "tenant-nobody") for i in range(40)]
        stuck = [asyncio.create_task(teams.post(bot.url, teams.activity(user, "hello", serviceUrl=hole.url))) for user in strangers]
        async with asyncio.timeout(60):
            while len(hole.transports) < 8:  # as many as one host may hold: the rest queue for it
                await asyncio.sleep(0.01)
            [reply] = await teams.say(bot.url, ANNA, "help")

        assert reply.accepted and reply.conversation_id == ANNA.conversation_id
        assert not any(task.done() for task in stuck)
        assert len(hole.transports) == 8
        hole.drop()
        results = await asyncio.gather(*stuck)  # each stuck turn ends once its reply has failed
    assert {r.status for r in results} == {201}


async def test_a_redirect_from_the_connector_is_not_followed(bot, teams, connector):
    async with FakeConnector() as elsewhere:
        target = f"{elsewhere.url}/v3/conversations/{ANNA.conversation_id}/activities"
        connector.script(Answer(307, {"Location": target}))
        response = await teams.post(bot.url, teams.activity(ANNA, "help"))

        assert response.status == 201
        assert [d.status for d in connector.deliveries] == [307, 201]  # the reply, refused; then the apology
        assert connector.deliveries[1].text == text("en", "error_apology")
        assert elsewhere.deliveries == []
