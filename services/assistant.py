"""What the conversation layer may ask of the services: one method per use case, the clock injected.

Dialogs get an `Assistant` and never see a session, a query or an ORM object."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from services.achievements import UserAchievements, user_achievements
from services.alert_scan import queue_deliveries, scan_alerts
from services.conversations import Meeting, Member, Sighting, alerts_enabled, find_member, meet_member, personal_reference, set_alerts
from services.domain.catalog import Catalog, Level
from services.domain.organization import OrganizationEvaluation
from services.domain.snapshot import Purpose
from services.domain.what_if import Change, WhatIf
from services.linking import LinkOutcome, MsaAssociation, association_of, link_msa
from services.people import ExpiringAnswer, PeopleAnswer, PersonRef, expiring, find_people, people_roster
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.progress import organization_progress
from services.standing import (
    CompetencyStanding,
    Designations,
    MembershipStatus,
    Specializations,
    competency_standing,
    designations,
    membership_status,
    specializations,
)
from services.what_if import what_if

Clock = Callable[[], datetime]
CATALOG_RECHECK_SECONDS = 10.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Assistant:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock = utc_now, alerts_queued: Callable[[], None] | None = None):
        self.uows = uows
        self.clock = clock
        self.alerts_queued = alerts_queued or (lambda: None)  # wakes the sender in `serve`
        self._catalog: tuple[float, Catalog] | None = None

    def now(self) -> datetime:
        return self.clock()

    async def member(self, tenant_id: str | None, aad_object_id: str | None) -> Member | None:
        """Who is talking, without remembering the conversation (sign-in events)."""
        return await find_member(self.uows, tenant_id, aad_object_id)

    async def progress(self, organization_id: str, level: Level | None = None) -> OrganizationEvaluation:
        return await organization_progress(self.uows, organization_id, self.clock(), level)

    async def catalog(self) -> Catalog:
        """The active catalog: what the recognizer knows names from. Asked for on every typed message,
        so it is looked up at most once per CATALOG_RECHECK_SECONDS (a new catalog is a rare import)."""
        checked = time.monotonic()
        if self._catalog is None or checked - self._catalog[0] >= CATALOG_RECHECK_SECONDS:
            async with self.uows() as uow:
                self._catalog = (checked, await uow.repository.active_catalog())
        return self._catalog[1]

    # --- the questions of the second release (SPEC 1): one use case each ----------------------

    async def competency(self, organization_id: str, competency_id: str) -> CompetencyStanding:
        return await competency_standing(self.uows, organization_id, competency_id, self.clock())

    async def membership(self, organization_id: str) -> MembershipStatus:
        return await membership_status(self.uows, organization_id, self.clock())

    async def people(
        self, organization_id: str, credential: str | None = None, competency: str | None = None, person_id: str | None = None
    ) -> PeopleAnswer:
        return await people_roster(self.uows, organization_id, self.clock(), credential, competency, person_id)

    async def find_people(self, organization_id: str, written_name: str, message: str | None = None) -> tuple[PersonRef, ...]:
        return await find_people(self.uows, organization_id, written_name, self.clock(), message)

    async def expiring(self, organization_id: str) -> ExpiringAnswer:
        return await expiring(self.uows, organization_id, self.clock())

    async def what_if(self, organization_id: str, change: Change) -> WhatIf:
        return await what_if(self.uows, organization_id, change, self.clock())

    async def specializations(self, organization_id: str) -> Specializations:
        return await specializations(self.uows, organization_id, self.clock())

    async def designations(self, organization_id: str) -> Designations:
        return await designations(self.uows, organization_id, self.clock())

    async def achievements(self, user_id: str) -> UserAchievements:
        return await user_achievements(self.uows, user_id, self.clock())

    async def association(self, user_id: str, msa: str) -> MsaAssociation:
        return await association_of(self.uows, user_id, msa)

    async def link(self, user_id: str, msa: str, purpose: Purpose = "both") -> LinkOutcome:
        """Link, then scan every organisation the change touched, the one the MSA left included."""
        outcome = await link_msa(self.uows, user_id, msa, self.clock(), purpose)
        if not outcome.already_linked:
            report = await scan_alerts(self.uows, self.clock(), (outcome.organization_id, *outcome.left_organizations))
            if report.queued_deliveries:
                self.alerts_queued()
        return outcome

    async def set_alerts(self, user_id: str, enabled: bool) -> None:
        await set_alerts(self.uows, user_id, enabled, self.clock())

    async def alerts_enabled(self, user_id: str) -> bool:
        return await alerts_enabled(self.uows, user_id)

    async def personal_reference(self, user_id: str) -> Mapping[str, Any] | None:
        """Where to reach the user in their personal chat with the bot, if they ever opened one."""
        return await personal_reference(self.uows, user_id)

    async def meet(self, tenant_id: str | None, aad_object_id: str | None, sighting: Sighting) -> Member | None:
        """Who is talking, remembering where they can be reached (for alerts)."""
        return (await self.meet_with_state(tenant_id, aad_object_id, sighting)).member

    async def meet_with_state(self, tenant_id: str | None, aad_object_id: str | None, sighting: Sighting) -> Meeting:
        """`meet`, with the dialog state stored under `sighting.state_key` read in the same query."""
        now = self.clock()
        meeting = await meet_member(self.uows, tenant_id, aad_object_id, sighting, now)
        member = meeting.member
        if meeting.reachable_again and member is not None and member.is_admin and await queue_deliveries(self.uows, member.organization_id, now):
            self.alerts_queued()  # an admin who never talked to the bot gets the alerts now
        return meeting
