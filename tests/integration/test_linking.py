"""Linking an MSA (R3, R4): one organisation at a time, and the yearly cap and cool-down."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from services.errors import LinkRefused, UnknownUser
from services.importer import import_dataset
from services.linking import association_of, link_msa
from services.progress import organization_progress

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
CATALOG = {
    "version": "links",
    "settings": {"visibility_delay_hours": 24, "max_links_per_year": 2, "link_cooldown_days": 30},
    "credentials": [{"code": "AZ-104", "title": "Azure Administrator", "kind": "certification"}],
    "competencies": [{"id": "cloud", "name": "Cloud", "options": [{"id": "azure", "name": "Azure", "levels": {"silver": [{"kind": "individuals", "count": 1, "any_of": ["AZ-104"]}]}}]}],
}


def dataset() -> dict:
    return {
        "catalog": CATALOG,
        "organizations": [{"id": "A", "name": "Alpha", "tenant_id": "tA"}, {"id": "B", "name": "Beta", "tenant_id": "tB"}],
        "users": [
            {"id": "ann", "organization": "A", "display_name": "Ann"},
            {"id": "bea", "organization": "B", "display_name": "Bea"},
        ],
        "msa_links": [{"user": "ann", "msa": "Shared@Outlook.example", "linked_at": "2026-01-01T00:00:00+00:00"}],
        "achievements": [{"msa": "shared@outlook.example", "code": "AZ-104", "earned_at": "2025-12-01T00:00:00+00:00"}],
    }


def cloud_people(evaluation) -> tuple[str, ...]:
    return evaluation.assessment.competency("cloud").levels["silver"].options[0].requirements[0].counted


async def test_linking_an_msa_elsewhere_dissolves_the_old_association_at_once(uows):
    await import_dataset(uows, dataset(), NOW)
    before = await association_of(uows, "bea", "SHARED@outlook.example")

    outcome = await link_msa(uows, "bea", "shared@OUTLOOK.example", NOW)

    assert (before.organization_id, before.elsewhere) == ("A", True)
    assert outcome.left_organizations == ("A",) and outcome.counts_from == NOW + timedelta(hours=24)
    assert cloud_people(await organization_progress(uows, "A", NOW)) == ()
    assert cloud_people(await organization_progress(uows, "B", NOW)) == ()  # pending for 24 hours
    assert cloud_people(await organization_progress(uows, "B", NOW + timedelta(hours=24))) == ("bea",)
    assert (await association_of(uows, "ann", "shared@outlook.example")).organization_id == "B"


async def test_linking_the_same_msa_again_for_the_same_user_changes_nothing(uows):
    await import_dataset(uows, dataset(), NOW)

    outcome = await link_msa(uows, "ann", "shared@outlook.example", NOW)

    assert outcome.already_linked and outcome.linked_at == datetime(2026, 1, 1, tzinfo=timezone.utc)


async def test_the_cool_down_refuses_a_new_association_and_says_when_it_will_work(uows):
    await import_dataset(uows, dataset(), NOW)
    await link_msa(uows, "bea", "shared@outlook.example", NOW)

    with pytest.raises(LinkRefused) as refused:
        await link_msa(uows, "ann", "shared@outlook.example", NOW + timedelta(days=29))

    assert refused.value.reason == "cooldown"
    assert refused.value.retry_at == NOW + timedelta(days=30)
    assert cloud_people(await organization_progress(uows, "B", NOW + timedelta(days=29))) == ("bea",)


async def test_the_yearly_cap_refuses_until_the_oldest_association_is_a_year_old(uows):
    await import_dataset(uows, dataset(), NOW)
    await link_msa(uows, "bea", "shared@outlook.example", NOW)
    await link_msa(uows, "ann", "shared@outlook.example", NOW + timedelta(days=40))

    with pytest.raises(LinkRefused) as refused:
        await link_msa(uows, "bea", "shared@outlook.example", NOW + timedelta(days=80))

    assert refused.value.reason == "yearly_limit"
    assert refused.value.retry_at == NOW + timedelta(days=365)
    assert "2027-11-21" in str(refused.value)


async def test_an_unknown_user_cannot_link(uows):
    await import_dataset(uows, dataset(), NOW)

    with pytest.raises(UnknownUser):
        await link_msa(uows, "nobody", "x@y.example", NOW)


async def test_a_snapshot_takes_the_same_few_queries_for_any_number_of_people(uows, engine):
    async def queries_for(people: int, org: str) -> int:
        document = {
            "organizations": [{"id": org, "name": org, "tenant_id": f"t{org}", "held": [{"competency": "cloud-platform", "level": "silver"}], "membership": {"level": "silver", "expires_on": "2027-01-01"}}],
            "users": [{"id": f"{org}-{i}", "organization": org, "display_name": f"P{i}"} for i in range(people)],
            "msa_links": [{"user": f"{org}-{i}", "msa": f"{org}-{i}@msa", "linked_at": "2026-01-01T00:00:00+00:00"} for i in range(people)],
            "achievements": [{"msa": f"{org}-{i}@msa", "code": "AZ-104", "earned_at": "2025-06-01T00:00:00+00:00"} for i in range(people)],
            "metrics": [{"organization": org, "metric": "azure_consumption_usd", "month": "2026-10", "value": 100}],
        }
        await import_dataset(uows, document, NOW)
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine.sync_engine, "before_cursor_execute", listener)
        try:
            evaluation = await organization_progress(uows, org, NOW)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", listener)
        assert len(evaluation.snapshot.people) == people
        return len(statements)

    small, large = await queries_for(3, "S"), await queries_for(300, "L")

    assert small == large == 9  # data version and active catalog id together, then organisation, held, specializations, users, links, achievements, metrics, overrides
