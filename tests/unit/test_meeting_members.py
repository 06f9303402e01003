"""Meeting a member (SPEC 4.4) on the fake unit of work: first contact, refresh, a dead conversation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from services.conversations import Sighting, alerts_enabled, find_member, meet_member, personal_reference, set_alerts
from services.records import UserRecord
from tests.builders import catalog
from tests.fakes.unit_of_work import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
ANNA = UserRecord("anna", "contoso", "Anna", frozenset({"admin"}), "en-US", "aad-anna", None)
REFERENCE = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/", "activityId": "m1"}


def uows() -> FakeUnitOfWorkFactory:
    factory = FakeUnitOfWorkFactory(catalog())
    factory.add_user(ANNA, "Contoso", tenant_id="t-contoso")
    return factory


def sighting(**changes) -> Sighting:
    return replace(Sighting("a:1", REFERENCE, personal=True, locale="de-DE", time_zone="Europe/Berlin"), **changes)


async def test_a_first_contact_stores_the_reference_without_the_message_id_and_is_reachable_again():
    factory = uows()

    meeting = await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW)

    assert (meeting.member.user, meeting.member.organization_name, meeting.reachable_again) == (ANNA, "Contoso", True)
    stored = factory.conversations.references[("anna", "a:1")]
    assert json.loads(stored.reference) == {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/"}
    assert (stored.locale, stored.time_zone, stored.updated_at, factory.commits) == ("de-DE", "Europe/Berlin", NOW, 1)


async def test_the_same_sighting_within_the_hour_writes_nothing_and_one_an_hour_later_refreshes():
    factory = uows()
    await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW)

    quiet = await meet_member(factory, "t-contoso", "aad-anna", sighting(reference={**REFERENCE, "activityId": "m2"}), NOW + timedelta(minutes=59))
    assert (quiet.reachable_again, factory.conversations.saved, factory.commits) == (False, 1, 1)

    refreshed = await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW + timedelta(hours=1))
    assert (refreshed.reachable_again, factory.conversations.saved) == (False, 2)
    assert factory.conversations.references[("anna", "a:1")].updated_at == NOW + timedelta(hours=1)


async def test_a_sighting_without_locale_or_time_zone_keeps_the_stored_ones_and_a_new_locale_is_written_at_once():
    factory = uows()
    await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW)

    await meet_member(factory, "t-contoso", "aad-anna", sighting(locale=None, time_zone=None), NOW + timedelta(minutes=5))
    assert factory.conversations.saved == 1
    await meet_member(factory, "t-contoso", "aad-anna", sighting(locale="en-GB", time_zone=None), NOW + timedelta(minutes=6))

    stored = factory.conversations.references[("anna", "a:1")]
    assert (factory.conversations.saved, stored.locale, stored.time_zone) == (2, "en-GB", "Europe/Berlin")


async def test_a_dead_conversation_lives_again_when_the_member_writes_there():
    factory = uows()
    await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW)
    await factory.conversations.mark_dead("anna", "a:1", NOW + timedelta(minutes=1))
    assert await personal_reference(factory, "anna") is None

    meeting = await meet_member(factory, "t-contoso", "aad-anna", sighting(), NOW + timedelta(minutes=2))

    assert meeting.reachable_again
    assert factory.conversations.references[("anna", "a:1")].dead_at is None
    assert (await personal_reference(factory, "anna"))["serviceUrl"] == "https://smba.example/"


async def test_nobody_is_met_without_a_tenant_or_in_another_tenant_and_nothing_is_written():
    factory = uows()

    assert (await meet_member(factory, None, "aad-anna", sighting(), NOW)).member is None
    assert (await meet_member(factory, "t-fabrikam", "aad-anna", sighting(), NOW)).member is None
    assert await find_member(factory, "t-fabrikam", "aad-anna") is None
    assert (factory.conversations.references, factory.commits) == ({}, 0)
    assert (await find_member(factory, "t-contoso", "aad-anna")).organization_id == "contoso"


async def test_alerts_are_on_until_the_member_turns_them_off():
    factory = uows()
    assert await alerts_enabled(factory, "anna")

    await set_alerts(factory, "anna", False, NOW)
    assert not await alerts_enabled(factory, "anna")
    await set_alerts(factory, "anna", True, NOW)
    assert await alerts_enabled(factory, "anna")
