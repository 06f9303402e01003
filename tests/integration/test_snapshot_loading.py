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
