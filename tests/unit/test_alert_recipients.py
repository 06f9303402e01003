"""Who receives an organisation's alerts (R10), on the fake unit of work: admins who talked to the bot
in a live personal chat, have not muted alerts and have not left; each once per cause."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.alert_scan import queue_deliveries
from services.persistence.conversations import StoredReference
from services.records import UserRecord
from tests.builders import catalog
from tests.fakes.unit_of_work import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def user(user_id: str, *roles: str) -> UserRecord:
    return UserRecord(user_id, "contoso", user_id.title(), frozenset(roles), None, f"aad-{user_id}", None)


def talked(
    uows: FakeUnitOfWorkFactory, user_id: str, conversation_id: str, *, personal: bool = True, ago: timedelta = timedelta(0), dead: bool = False
) -> None:
    uows.conversations.references[(user_id, conversation_id)] = StoredReference("{}", personal, None, None, NOW - ago, NOW if dead else None)


def organisation() -> FakeUnitOfWorkFactory:
    uows = FakeUnitOfWorkFactory(catalog())
    for record in (user("ada", "admin"), user("bo", "admin", "employee"), user("cy", "employee"), user("di", "admin"),
                   user("ed", "admin"), user("fay", "admin"), user("gus", "admin"), user("hal", "admin")):
        uows.add_user(record, "Contoso", tenant_id="t")
    talked(uows, "ada", "ada-old", ago=timedelta(days=3))
    talked(uows, "ada", "ada-new", ago=timedelta(hours=1))  # the most recently refreshed chat is where she is reached
    talked(uows, "bo", "bo-1")
    talked(uows, "cy", "cy-1")  # not an admin
    talked(uows, "di", "di-1")
    uows.conversations.muted["di"] = True  # turned alerts off
    talked(uows, "ed", "ed-1")
    uows.conversations.left_on["ed"] = NOW.date()  # left today
    talked(uows, "fay", "fay-1")
    uows.conversations.left_on["fay"] = NOW.date() + timedelta(days=1)  # leaves tomorrow: still here
    talked(uows, "gus", "gus-team", personal=False)  # only in a team channel
    talked(uows, "hal", "hal-1", dead=True)  # removed the bot
    return uows


async def test_only_present_admins_with_a_live_personal_chat_and_alerts_on_receive_alerts():
    uows = organisation()
    cause = uows.alerts.add("contoso", "renewal:cloud")

    queued = await queue_deliveries(uows, "contoso", NOW)

    assert queued == 3
    assert sorted((c, u, conversation) for c, u, conversation, _ in uows.outbox.queued) == [
        (cause, "ada", "ada-new"), (cause, "bo", "bo-1"), (cause, "fay", "fay-1"),
    ]
    assert {due for *_, due in uows.outbox.queued} == {NOW}


async def test_each_active_cause_reaches_each_recipient_once_and_cleared_causes_reach_nobody():
    uows = organisation()
    first = uows.alerts.add("contoso", "renewal:cloud")
    second = uows.alerts.add("contoso", "expiry:AZ-104")
    uows.alerts.add("contoso", "renewal:data", cleared_at=NOW - timedelta(days=1))
    uows.alerts.add("fabrikam", "renewal:cloud")
    await queue_deliveries(uows, "contoso", NOW)

    again = await queue_deliveries(uows, "contoso", NOW + timedelta(minutes=5))

    assert again == 0
    assert sorted((c, u) for c, u, _, _ in uows.outbox.queued) == [
        (first, "ada"), (first, "bo"), (first, "fay"), (second, "ada"), (second, "bo"), (second, "fay"),
    ]


async def test_an_admin_who_talks_to_the_bot_later_is_queued_then_for_the_causes_still_active():
    uows = organisation()
    cause = uows.alerts.add("contoso", "renewal:cloud")
    await queue_deliveries(uows, "contoso", NOW)
    talked(uows, "gus", "gus-personal")

    later = await queue_deliveries(uows, "contoso", NOW + timedelta(hours=2))

    assert later == 1
    assert uows.outbox.queued[-1] == (cause, "gus", "gus-personal", NOW + timedelta(hours=2))


async def test_nothing_is_queued_without_a_cause_or_without_a_recipient():
    uows = organisation()
    assert await queue_deliveries(uows, "contoso", NOW) == 0

    alone = FakeUnitOfWorkFactory(catalog())
    alone.add_user(user("cy", "employee"), "Contoso", tenant_id="t")
    talked(alone, "cy", "cy-1")
    alone.alerts.add("contoso", "renewal:cloud")
    assert (await queue_deliveries(alone, "contoso", NOW), alone.outbox.queued) == (0, [])
