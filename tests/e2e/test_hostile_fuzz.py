"""A seeded fuzz run over real HTTP: 2,000 hostile activities (tests/e2e/hostile.py) against the real
app on the demo data. Each is answered with a status its kind allows (never a 5xx, but the 501 SPEC
4.4 asks for an invoke the bot does not handle), every accepted message is answered with a reply in
its conversation, and nothing is logged with a traceback."""

from __future__ import annotations

import asyncio
import io
import logging
from collections import Counter

from tests.e2e.conftest import ANNA, JONAS, OLIVER
from tests.e2e.fakes import TeamsUser
from tests.e2e.hostile import HostileRequest, HostileTraffic

REQUESTS = 2_000
CONCURRENCY = 8
STRANGER = TeamsUser("29:stranger", "00000000-0000-4000-8000-00000000dead", "tenant-nobody-knows")


async def test_two_thousand_hostile_activities_get_no_5xx_and_a_reply_or_a_4xx_each(bot, teams, connector, caplog):
    traffic = HostileTraffic(teams, [ANNA, JONAS, OLIVER, STRANGER], seed=8)
    requests = [traffic.next() for _ in range(REQUESTS)]
    answers: list[tuple[HostileRequest, int]] = []
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(request: HostileRequest) -> None:
        async with gate, teams.session.post(f"{bot.url}/api/messages", data=io.BytesIO(request.body), headers=request.headers) as response:
            await response.read()
            answers.append((request, response.status))

    with caplog.at_level(logging.WARNING):
        await asyncio.gather(*(send(r) for r in requests))

    wrong = Counter(f"{r.kind}: {status}" for r, status in answers if not r.acceptable(status))
    replied = {d.conversation_id for d in connector.accepted()}
    unanswered = Counter(r.kind for r, status in answers if status in (200, 201) and r.conversation_id and r.conversation_id not in replied)
    tracebacks = [record.getMessage()[:200] for record in caplog.records if record.exc_info]
    assert len(answers) == REQUESTS
    assert wrong == Counter()
    assert unanswered == Counter()
    assert tracebacks == []
    assert max(len(record.getMessage()) for record in caplog.records) < 400  # user content is cut in logs
