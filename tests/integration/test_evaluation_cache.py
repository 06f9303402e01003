"""A cached evaluation is served only while its data, its catalog and its time window still hold."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event

from services.alert_scan import scan_alerts
from services.errors import UnknownOrganization
from services.evaluation_cache import EvaluationCache
from services.importer import import_dataset
from services.linking import link_msa
from services.persistence.repository import Repository
from services.progress import organization_progress, progress_entries
from tests.integration.test_linking import NOW, cloud_people, dataset


async def test_an_unchanged_organisation_is_served_from_the_cache(uows):
    await import_dataset(uows, dataset(), NOW)

    first = await organization_progress(uows, "A", NOW)
    second = await organization_progress(uows, "A", NOW + timedelta(minutes=5))

    assert second.assessment is first.assessment and uows.evaluations.hits == 1
    assert second.moment == NOW + timedelta(minutes=5)


async def test_a_link_in_the_organisation_makes_the_next_answer_fresh(uows):
    await import_dataset(uows, dataset(), NOW)
    before = await organization_progress(uows, "A", NOW)

    await link_msa(uows, "bea", "shared@outlook.example", NOW)
    after = await organization_progress(uows, "A", NOW)

    assert cloud_people(before) == ("ann",) and cloud_people(after) == ()


async def test_the_moment_a_pending_item_starts_to_count_ends_the_cached_answer(uows):
    await import_dataset(uows, dataset(), NOW)
    await link_msa(uows, "bea", "shared@outlook.example", NOW)
    pending = await organization_progress(uows, "B", NOW + timedelta(hours=23))

    counting = await organization_progress(uows, "B", NOW + timedelta(hours=24))

    assert cloud_people(pending) == () and cloud_people(counting) == ("bea",)


async def test_importing_the_same_file_again_keeps_the_cache_and_a_changed_file_refreshes_it(uows):
    await import_dataset(uows, dataset(), NOW)
    first = await organization_progress(uows, "A", NOW)

    await import_dataset(uows, dataset(), NOW)
    same = await organization_progress(uows, "A", NOW)
    changed = dataset()
    changed["users"][0]["left_on"] = "2026-11-01"
    await import_dataset(uows, changed, NOW)
    fresh = await organization_progress(uows, "A", NOW)

    assert same.assessment is first.assessment
    assert cloud_people(fresh) == ()


async def test_turns_arriving_together_share_one_evaluation(uows, monkeypatch):
    await import_dataset(uows, dataset(), NOW)
    loads = []
    original_snapshots, original_stamp = Repository.snapshots, Repository.data_stamp
    # The turns' stamp queries may come back in any order (a thread or a socket each): the gate hands
    # them back in the order the turns asked, and holds the one load until every turn is past its
    # stamp, so the earliest turn takes off and the other seven find its flight, whatever the load.
    asked, answered = 0, 0
    all_answered = asyncio.Event()
    turn_answered = asyncio.Condition()

    async def stamp_in_order(self, organization_id):
        nonlocal asked, answered
        mine, asked = asked, asked + 1
        stamp = await original_stamp(self, organization_id)
        async with turn_answered:
            await turn_answered.wait_for(lambda: answered == mine)
            answered += 1
            turn_answered.notify_all()
        if answered == 8:
            all_answered.set()
        return stamp

    async def counted(self, organization_ids):
        loads.extend(organization_ids)
        await all_answered.wait()
        return await original_snapshots(self, organization_ids)

    monkeypatch.setattr(Repository, "data_stamp", stamp_in_order)
    monkeypatch.setattr(Repository, "snapshots", counted)

    answers = await asyncio.gather(*(organization_progress(uows, "A", NOW + timedelta(seconds=i)) for i in range(8)))

    assert loads == ["A"] and uows.evaluations.joined == 7
    assert {id(a.assessment) for a in answers} == {id(answers[0].assessment)}
    assert [a.moment for a in answers] == [NOW + timedelta(seconds=i) for i in range(8)]  # each answer at its own moment


async def test_when_the_shared_evaluation_fails_each_waiting_turn_gets_its_own_answer(uows):
    await import_dataset(uows, dataset(), NOW)

    answers = await asyncio.gather(*(organization_progress(uows, "nowhere", NOW) for _ in range(3)), return_exceptions=True)

    async with uows() as uow:
        version, catalog_id = await uow.repository.data_stamp("nowhere")
    assert [type(a) for a in answers] == [UnknownOrganization] * 3
    assert catalog_id > 0 and uows.evaluations.flight(("nowhere", None), version, catalog_id, NOW) is None  # nothing left waiting


async def test_stamps_name_each_organisation_s_version_and_the_active_catalog_in_one_query(uows, engine):
    async with uows() as uow:
        assert await uow.repository.data_stamps(["A", "nowhere"]) == {"A": (0, 0), "nowhere": (0, 0)}  # nothing imported yet
    await import_dataset(uows, dataset(), NOW)
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    async with uows() as uow:
        stamps = await uow.repository.data_stamps(["A", "nowhere"])
        catalog_id, _ = await uow.repository.active_catalog_with_id()

    assert stamps == {"A": (1, catalog_id), "nowhere": (0, catalog_id)} and catalog_id > 0
    assert len([s for s in statements if "organization_versions" in s]) == 1


class TurnsLoad:
    """Repository.snapshots recorded (the ids of each load), and a load of A alone (the turn's) held
    until `release` is set; `turn_loading` is set once it waits."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads: list[list[str]] = []
        self.turn_loading, self.release = asyncio.Event(), asyncio.Event()
        original = Repository.snapshots

        async def gated(repository, organization_ids):
            self.loads.append(list(organization_ids))
            if list(organization_ids) == ["A"]:
                self.turn_loading.set()
                await self.release.wait()
            return await original(repository, organization_ids)

        monkeypatch.setattr(Repository, "snapshots", gated)


async def test_a_scan_batch_shares_the_evaluation_a_turn_has_under_way(uows, monkeypatch):
    await import_dataset(uows, dataset(), NOW)
    gate = TurnsLoad(monkeypatch)
    turn = asyncio.create_task(organization_progress(uows, "A", NOW))
    await asyncio.wait_for(gate.turn_loading.wait(), 10)
    batch = asyncio.create_task(progress_entries(uows, ["A", "B"], NOW))

    async def batch_loaded_b() -> None:  # the batch loads B, then waits for the turn's A
        while len(gate.loads) < 2:
            await asyncio.sleep(0.001)

    await asyncio.wait_for(batch_loaded_b(), 10)
    gate.release.set()
    answer, entries = await asyncio.wait_for(asyncio.gather(turn, batch), 10)

    assert gate.loads == [["A"], ["B"]] and uows.evaluations.joined == 1
    assert entries["A"].evaluation.assessment is answer.assessment
    assert cloud_people(entries["B"].evaluation) == ()


async def test_a_scan_batch_judges_itself_what_a_later_turn_is_judging(uows, monkeypatch):
    # The scan judges every batch at the moment it started; a turn that came after judges a later
    # moment, whose evaluation cannot serve the scan's: waiting for it would only delay the batch.
    await import_dataset(uows, dataset(), NOW)
    gate = TurnsLoad(monkeypatch)
    turn = asyncio.create_task(organization_progress(uows, "A", NOW + timedelta(minutes=1)))
    await asyncio.wait_for(gate.turn_loading.wait(), 10)
    entries = await asyncio.wait_for(progress_entries(uows, ["A", "B"], NOW), 10)  # the turn still loads
    gate.release.set()
    answer = await asyncio.wait_for(turn, 10)

    assert gate.loads == [["A"], ["A", "B"]] and uows.evaluations.joined == 0
    assert entries["A"].computed_at == NOW and answer.moment == NOW + timedelta(minutes=1)


async def test_a_scan_renews_the_evaluations_turns_use_and_evicts_none_of_them(uows):
    uows.evaluations = EvaluationCache(size=1)
    await import_dataset(uows, dataset(), NOW)
    first = await organization_progress(uows, "A", NOW)

    await scan_alerts(uows, NOW + timedelta(minutes=1))  # judges A (cached) and B (not)
    kept = await organization_progress(uows, "A", NOW + timedelta(minutes=2))
    await link_msa(uows, "ann", "other@outlook.example", NOW + timedelta(minutes=3))  # A's data changes
    report = await scan_alerts(uows, NOW + timedelta(minutes=4))
    renewed = await organization_progress(uows, "A", NOW + timedelta(minutes=5))

    assert kept.assessment is first.assessment
    assert report.organizations == 1 and renewed.assessment is not first.assessment
    assert uows.evaluations.hits == 3  # A for the first scan, and both turns after a scan
