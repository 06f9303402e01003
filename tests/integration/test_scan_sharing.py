"""The periodic alert scan shared by instances and skipping what did not change (migration 0007):
claims under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED), judged again on a new data version, a
new catalog, or when the findings' validity runs out. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

import services.alert_scan
from services.alert_scan import scan_alerts
from services.demo_dataset import build_demo_dataset
from services.importer import import_dataset
from services.persistence.database import create_engine, session_factory
from services.persistence.tables import OrganizationScanRow
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.persistence.versions import bump_versions

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
COPIES = 12  # of the demo dataset's two organisations


def copies(count: int) -> dict[str, list[dict[str, Any]]]:
    """The demo dataset `count` times over, every id, tenant, MSA and sign-in name made distinct."""
    demo = build_demo_dataset(NOW)
    merged: dict[str, list[dict[str, Any]]] = {section: [] for section in demo}
    for n in range(count):
        def own(value: str, n: int = n) -> str:
            return f"{value}~{n}"
        for section, records in demo.items():
            for record in records:
                record = dict(record)
                for field in ("id", "organization", "user", "tenant_id", "aad_object_id"):
                    if isinstance(record.get(field), str):
                        record[field] = own(record[field])
                for field in ("msa", "upn"):
                    if isinstance(record.get(field), str):
                        name, _, domain = record[field].partition("@")
                        record[field] = f"{name}.{n}@{domain}"
                merged[section].append(record)
    return merged


@pytest.fixture
async def organizations(uows) -> list[str]:
    dataset = copies(COPIES)
    await import_dataset(uows, dataset, NOW)
    return sorted(o["id"] for o in dataset["organizations"])


@pytest.fixture
def judged(monkeypatch) -> list[str]:
    """Every organisation the scan judges, in order (the evaluation it asks for)."""
    seen: list[str] = []
    original = services.alert_scan.progress_entries

    async def recording(uows, organization_ids, now):
        seen.extend(organization_ids)
        return await original(uows, organization_ids, now)

    monkeypatch.setattr(services.alert_scan, "progress_entries", recording)
    return seen


async def test_two_scanners_running_together_judge_each_organisation_once(database_url, organizations, judged, monkeypatch):
    monkeypatch.setattr(services.alert_scan, "CLAIM_BATCH", 3)  # many claims, so the two interleave
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        instances = [UnitOfWorkFactory(session_factory(engine)) for engine in engines]
        reports = await asyncio.gather(*(scan_alerts(uows, NOW, worker=f"instance-{i}") for i, uows in enumerate(instances)))
    finally:
        for engine in engines:
            await engine.dispose()

    assert sorted(judged) == organizations
    assert sum(r.organizations for r in reports) == 2 * COPIES
    assert [r.organizations + r.skipped for r in reports] == [2 * COPIES, 2 * COPIES]


async def test_an_unchanged_organisation_is_skipped_and_a_changed_one_judged_again(uows, organizations, judged):
    first = await scan_alerts(uows, NOW)
    assert (first.organizations, first.skipped) == (2 * COPIES, 0)
    assert first.new_causes > 0

    judged.clear()
    second = await scan_alerts(uows, NOW + timedelta(minutes=5))
    assert (second.organizations, second.skipped, second.new_causes, second.cleared_causes) == (0, 2 * COPIES, 0, 0)
    assert judged == []

    async with uows() as uow:
        await bump_versions(uow.session, [organizations[3]])
        await uow.commit()
    third = await scan_alerts(uows, NOW + timedelta(minutes=10))
    assert judged == [organizations[3]]
    assert (third.organizations, third.skipped, third.new_causes) == (1, 2 * COPIES - 1, 0)


async def test_an_organisation_whose_findings_expired_is_judged_again(uows, organizations, judged):
    await scan_alerts(uows, NOW)
    async with uows() as uow:
        until = dict((await uow.session.execute(select(OrganizationScanRow.organization_id, OrganizationScanRow.valid_until))).all())
    assert set(until) == set(organizations) and all(moment > NOW for moment in until.values())
    soonest = min(until.values())

    judged.clear()
    await scan_alerts(uows, soonest - timedelta(seconds=1))
    assert judged == []

    await scan_alerts(uows, soonest)
    assert judged == sorted(o for o, moment in until.items() if moment == soonest)
    assert judged


async def test_a_targeted_scan_counts_as_the_organisations_last_scan(uows, organizations, judged):
    await scan_alerts(uows, NOW, organizations[:2])
    judged.clear()
    report = await scan_alerts(uows, NOW + timedelta(minutes=1))
    assert sorted(judged) == organizations[2:]
    assert report.organizations == 2 * COPIES - 2


async def test_an_organisation_that_changes_behind_the_claims_is_judged_again_in_the_same_scan(uows, organizations, judged, monkeypatch):
    """Claims move forward from the last one; the scan ends only when a claim from the start finds
    nothing, so what became due behind them meanwhile is not left for the next scan."""
    monkeypatch.setattr(services.alert_scan, "CLAIM_BATCH", 3)
    original = services.alert_scan._judge
    batches = 0

    async def changing_the_first_after_two_batches(uows, organization_ids, now, totals, worker):
        nonlocal batches
        await original(uows, organization_ids, now, totals, worker)
        batches += 1
        if batches == 2:
            async with uows() as uow:
                await bump_versions(uow.session, [organizations[0]])
                await uow.commit()

    monkeypatch.setattr(services.alert_scan, "_judge", changing_the_first_after_two_batches)
    report = await scan_alerts(uows, NOW)

    assert judged == organizations + [organizations[0]]
    assert report.organizations == 2 * COPIES + 1
