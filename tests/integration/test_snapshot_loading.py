"""A batch of snapshots reads links by their users' ids and achievements by their MSAs, from the
tables as the importer and linking leave them: each organisation gets what it would get alone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.persistence.tables import AchievementRow, MsaLinkRow, OrganizationRow, UserRow

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


async def test_a_batch_gives_each_organisation_the_achievements_of_every_msa_it_has_linked(uows):
    async with uows() as uow:
        uow.session.add_all([OrganizationRow(id=o, name=o, tenant_id=f"t{o}", market="developed") for o in ("A", "B", "C")])
        await uow.session.flush()
        uow.session.add_all([
            UserRow(id="ann", organization_id="A", display_name="Ann", roles="employee"),
            UserRow(id="bea", organization_id="A", display_name="Bea", roles="employee"),
            UserRow(id="cid", organization_id="B", display_name="Cid", roles="employee"),
        ])
        await uow.session.flush()
        uow.session.add_all([
            # m1 was Ann's, then Bea's, both in A: its achievements count once for A
            MsaLinkRow(user_id="ann", msa="m1", purpose="both", linked_at=NOW - timedelta(days=9), dissolved_at=NOW - timedelta(days=5)),
            MsaLinkRow(user_id="bea", msa="m1", purpose="both", linked_at=NOW - timedelta(days=5)),
            # m2 was Ann's, then moved to Cid in B: A keeps the dissolved link, and with it the achievements
            MsaLinkRow(user_id="ann", msa="m2", purpose="both", linked_at=NOW - timedelta(days=9), dissolved_at=NOW - timedelta(days=2)),
            MsaLinkRow(user_id="cid", msa="m2", purpose="certifications", linked_at=NOW - timedelta(days=2)),
            MsaLinkRow(user_id="cid", msa="m3", purpose="both", linked_at=NOW - timedelta(days=1)),  # nothing earned
        ])
        uow.session.add_all([
            AchievementRow(msa="m1", code="AZ-104", earned_at=NOW - timedelta(days=30), kind="certification"),
            AchievementRow(msa="m1", code="AZ-900", earned_at=NOW - timedelta(days=60), expires_at=NOW + timedelta(days=300)),
            AchievementRow(msa="m2", code="AZ-305", earned_at=NOW - timedelta(days=20), kind="certification"),
            AchievementRow(msa="m9", code="AZ-104", earned_at=NOW - timedelta(days=20)),  # linked to nobody
        ])
        await uow.commit()

    async with uows() as uow:
        batch = await uow.repository.snapshots(["C", "A", "nowhere", "B"])
        alone = {o: await uow.repository.snapshot(o) for o in ("A", "B", "C")}

    assert sorted(batch) == ["A", "B", "C"] and batch == alone
    codes = {o: sorted((a.msa, a.code) for a in s.achievements) for o, s in batch.items()}
    assert codes == {"A": [("m1", "AZ-104"), ("m1", "AZ-900"), ("m2", "AZ-305")], "B": [("m2", "AZ-305")], "C": []}
    links = {o: sorted((l.user_id, l.msa, l.dissolved_at is None) for l in s.links) for o, s in batch.items()}
    assert links == {"A": [("ann", "m1", False), ("ann", "m2", False), ("bea", "m1", True)], "B": [("cid", "m2", True), ("cid", "m3", True)], "C": []}
    assert batch["A"].achievements[0].earned_at.tzinfo == timezone.utc and batch["B"].links[0].purpose in ("certifications", "both")


async def test_an_organisation_with_more_linked_msas_than_an_older_sqlite_binds_in_a_statement_still_loads(engine, uows):
    """1,200 people with an MSA and an achievement each. On SQLite the connections are held to 999 bound
    parameters a statement, as builds before 3.32 are: the keys go in statements of a few hundred."""
    import sqlite3

    from sqlalchemy import event

    if engine.dialect.name == "sqlite":
        @event.listens_for(engine.sync_engine, "connect")
        def _older_build(dbapi_connection, _record) -> None:
            dbapi_connection.driver_connection._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

        await engine.dispose()  # connections opened from here on carry the limit
    people = 1_200
    async with uows() as uow:
        uow.session.add(OrganizationRow(id="big", name="Big", tenant_id="t-big", market="developed"))
        await uow.session.flush()
        uow.session.add_all([UserRow(id=f"u{i:04d}", organization_id="big", display_name=f"U{i}", roles="employee") for i in range(people)])
        await uow.session.flush()
        uow.session.add_all([MsaLinkRow(user_id=f"u{i:04d}", msa=f"m{i:04d}", purpose="both", linked_at=NOW - timedelta(days=9)) for i in range(people)])
        uow.session.add_all([AchievementRow(msa=f"m{i:04d}", code="AZ-104", earned_at=NOW - timedelta(days=30), kind="certification") for i in range(people)])
        await uow.commit()

    async with uows() as uow:
        snapshot = await uow.repository.snapshot("big")
        [batched] = (await uow.repository.snapshots(["big"])).values()

    assert (len(snapshot.people), len(snapshot.links), len(snapshot.achievements)) == (people, people, people)
    assert {a.msa for a in snapshot.achievements} == {f"m{i:04d}" for i in range(people)}
    assert batched == snapshot
