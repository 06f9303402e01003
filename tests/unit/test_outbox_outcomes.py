"""What the sender records (the outbox), on the fake unit of work: a conversation gone is one change."""

from __future__ import annotations

from datetime import datetime, timezone

from services.outbox import mark_dead, mark_sent
from services.persistence.conversations import StoredReference
from services.records import DueDelivery
from tests.builders import catalog
from tests.fakes.unit_of_work import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def outbox_with_three_alerts_for_ada() -> FakeUnitOfWorkFactory:
    uows = FakeUnitOfWorkFactory(catalog())
    uows.conversations.references[("ada", "c1")] = StoredReference("{}", True, None, None, NOW, None)
    for cause in (1, 2, 3):
        uows.outbox.queued.append((cause, "ada", "c1", NOW))
        uows.outbox.states[cause] = {"state": "pending", "claimed_by": None, "last_status": None}
    uows.outbox.states[1].update(state="claimed", claimed_by="w1")
    return uows


def delivery(delivery_id: int) -> DueDelivery:
    return DueDelivery(delivery_id, "ada", "c1", "t", "contoso", "Contoso", {}, None, None, "renewal", {}, 1)


async def test_a_conversation_gone_kills_the_delivery_its_reference_and_the_pending_ones_in_one_unit_of_work():
    uows = outbox_with_three_alerts_for_ada()

    done = await mark_dead(uows, delivery(1), "w1", NOW, "403", conversation_gone=True)

    assert (done, uows.opened, uows.commits) == (True, 1, 1)
    assert [uows.outbox.states[i]["state"] for i in (1, 2, 3)] == ["dead", "dead", "dead"]
    assert [uows.outbox.states[i]["last_status"] for i in (1, 2, 3)] == ["403", "conversation gone (403)", "conversation gone (403)"]
    assert uows.conversations.references[("ada", "c1")].dead_at == NOW


async def test_a_permanent_failure_elsewhere_leaves_the_conversation_and_the_other_deliveries_alone():
    uows = outbox_with_three_alerts_for_ada()

    await mark_dead(uows, delivery(1), "w1", NOW, "400", conversation_gone=False)

    assert [uows.outbox.states[i]["state"] for i in (1, 2, 3)] == ["dead", "pending", "pending"]
    assert uows.conversations.references[("ada", "c1")].dead_at is None


async def test_an_outcome_is_recorded_only_while_the_worker_still_holds_the_claim():
    uows = outbox_with_three_alerts_for_ada()

    assert not await mark_sent(uows, 1, "w2", NOW, "200")  # another sender took it over
    assert await mark_sent(uows, 1, "w1", NOW, "200")

    assert (uows.outbox.states[1]["state"], uows.outbox.states[1]["sent_at"], uows.outbox.states[1]["lease_until"]) == ("sent", NOW, None)
