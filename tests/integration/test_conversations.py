"""Meeting a member (SPEC 4.4, alerts' recipients): who is talking, and where to reach them again, in
one read and, when something changed, one write; the common case, an unchanged conversation, costs
a single query (on PostgreSQL outside a transaction: no BEGIN, no ROLLBACK) and no write."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select, update

from services.conversations import Sighting, meet_member
from services.importer import import_dataset
from services.persistence.tables import ConversationReferenceRow

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
DATASET = {
    "organizations": [{"id": "A", "name": "Alpha", "tenant_id": "tA"}, {"id": "B", "name": "Beta", "tenant_id": "tB"}],
    "users": [
        {"id": "ann", "organization": "A", "display_name": "Ann", "aad_object_id": "aad-ann", "roles": ["admin"]},
        {"id": "bea", "organization": "B", "display_name": "Bea", "aad_object_id": "aad-bea"},
    ],
}
REFERENCE = {"channelId": "msteams", "serviceUrl": "https://smba.example/", "conversation": {"id": "a:ann"}}
SEEN = Sighting("a:ann", REFERENCE, personal=True, locale="en-US")


async def stored(uows) -> list[ConversationReferenceRow]:
    async with uows() as uow:
        return list((await uow.session.scalars(select(ConversationReferenceRow))).all())


def count_statements(engine) -> list[str]:
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2].split()[0]))
    return statements


async def test_the_first_message_stores_where_to_reach_the_member(uows):
    await import_dataset(uows, DATASET, NOW)

    meeting = await meet_member(uows, "tA", "aad-ann", SEEN, NOW)

    assert (meeting.member.user.id, meeting.member.organization_name, meeting.member.is_admin) == ("ann", "Alpha", True)
    assert meeting.reachable_again
    [row] = await stored(uows)
    assert (row.user_id, row.conversation_id, row.organization_id, row.personal, row.locale, row.dead_at) == ("ann", "a:ann", "A", True, "en-US", None)


async def test_an_unchanged_conversation_costs_one_query_and_no_write(uows, engine):
    await import_dataset(uows, DATASET, NOW)
    await meet_member(uows, "tA", "aad-ann", SEEN, NOW)
    statements = count_statements(engine)

    meeting = await meet_member(uows, "tA", "aad-ann", SEEN, NOW + timedelta(minutes=5))

    assert meeting.member.user.id == "ann" and not meeting.reachable_again
    assert statements == ["SELECT"]
    assert [row.updated_at for row in await stored(uows)] == [NOW]


async def test_a_changed_locale_or_an_hour_later_refreshes_the_reference(uows):
    await import_dataset(uows, DATASET, NOW)
    await meet_member(uows, "tA", "aad-ann", SEEN, NOW)

    await meet_member(uows, "tA", "aad-ann", Sighting("a:ann", REFERENCE, True, "de-DE"), NOW + timedelta(minutes=1))
    await meet_member(uows, "tA", "aad-ann", Sighting("a:ann", REFERENCE, True, None), NOW + timedelta(hours=2))

    [row] = await stored(uows)
    assert (row.locale, row.updated_at) == ("de-DE", NOW + timedelta(hours=2))  # no locale in the activity keeps the last one


async def test_a_dead_conversation_lives_again_when_the_member_writes(uows):
    await import_dataset(uows, DATASET, NOW)
    await meet_member(uows, "tA", "aad-ann", SEEN, NOW)
    async with uows() as uow:
        await uow.session.execute(update(ConversationReferenceRow).values(dead_at=NOW))
        await uow.commit()

    meeting = await meet_member(uows, "tA", "aad-ann", SEEN, NOW + timedelta(minutes=1))

    assert meeting.reachable_again
    assert [row.dead_at for row in await stored(uows)] == [None]


async def test_nobody_is_met_from_another_tenant_or_without_ids(uows):
    await import_dataset(uows, DATASET, NOW)

    assert (await meet_member(uows, "tB", "aad-ann", SEEN, NOW)).member is None  # Ann's id, Beta's tenant
    assert (await meet_member(uows, None, "aad-ann", SEEN, NOW)).member is None
    assert (await meet_member(uows, "tA", None, SEEN, NOW)).member is None
    assert await stored(uows) == []


async def test_a_single_read_runs_outside_a_transaction_on_postgresql_and_as_usual_on_sqlite(uows, engine):
    async with uows.single_read() as reading, uows() as usual:
        for uow in (reading, usual):
            await uow.session.execute(select(1))
        if engine.dialect.name != "postgresql":
            assert reading.session.bind is usual.session.bind  # a lone SELECT opens no transaction there anyway
            return
        in_transaction = []
        for uow in (reading, usual):
            raw = await (await uow.session.connection()).get_raw_connection()
            in_transaction.append(raw.driver_connection.is_in_transaction())
    assert in_transaction == [False, True]
