"""A unit of work over in-memory repositories: the same methods as `services/persistence/`, kept in
dictionaries and lists, so a use case's rules run in a unit test without a database.

Each fake answers as its real counterpart does for the cases the tests exercise; the integration
tests run the same use cases against SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any

from services.domain.catalog import Catalog
from services.evaluation_cache import EvaluationCache
from services.persistence.conversations import PersonalConversation, StoredMeeting, StoredReference
from services.persistence.links import StoredLink
from services.records import DueDelivery, UserRecord


class FakeRepository:
    """Organisations, their users and the active catalog."""

    def __init__(self, catalog: Catalog):
        self.active = catalog
        self.users: dict[str, UserRecord] = {}
        self.organizations: dict[str, str] = {}  # id -> name
        self.versions: dict[str, int] = {}

    def add_user(self, user: UserRecord, organization_name: str | None = None) -> UserRecord:
        self.users[user.id] = user
        self.organizations.setdefault(user.organization_id, organization_name or user.organization_id)
        return user

    async def active_catalog(self) -> Catalog:
        return self.active

    async def user(self, user_id: str) -> UserRecord | None:
        return self.users.get(user_id)

    async def organization_name(self, organization_id: str) -> str | None:
        return self.organizations.get(organization_id)

    async def organization_ids(self) -> list[str]:
        return sorted(self.organizations)

    async def bump_versions(self, organization_ids: Iterable[str]) -> None:
        for organization_id in set(organization_ids):
            self.versions[organization_id] = self.versions.get(organization_id, 0) + 1


@dataclass
class FakeLinkRepository:
    links: dict[tuple[str, str], StoredLink] = field(default_factory=dict)  # (user id, msa) -> link
    events: list[tuple[str, str, str, datetime]] = field(default_factory=list)  # (msa, user, organisation, when)
    organization_of: dict[str, str] = field(default_factory=dict)  # user id -> organisation

    async def link(self, user_id: str, msa: str) -> StoredLink | None:
        return self.links.get((user_id, msa))

    async def save_link(self, user_id: str, msa: str, purpose: str, linked_at: datetime) -> None:
        self.links[(user_id, msa)] = StoredLink(user_id, msa, purpose, linked_at, None, self.organization_of.get(user_id, ""))

    async def add_link_event(self, msa: str, user_id: str, organization_id: str, linked_at: datetime) -> None:
        self.events.append((msa, user_id, organization_id, linked_at))

    async def last_linked_at(self, msa: str) -> datetime | None:
        times = [e[3] for e in self.events if e[0] == msa] + [link.linked_at for link in self.links.values() if link.msa == msa]
        return max(times, default=None)

    async def link_events_after(self, msa: str, after: datetime) -> list[datetime]:
        return sorted(e[3] for e in self.events if e[0] == msa and e[3] > after)

    async def links_of(self, msas: Sequence[str]) -> list[StoredLink]:
        wanted = set(msas)
        return [replace(link, organization_id=self.organization_of[link.user_id]) for link in self.links.values() if link.msa in wanted]

    async def set_dissolved(self, changes: Sequence[tuple[str, str, datetime | None]]) -> None:
        for user_id, msa, at in changes:
            self.links[(user_id, msa)] = replace(self.links[(user_id, msa)], dissolved_at=at)

    async def current_association(self, msa: str) -> tuple[str, str] | None:
        live = [link for link in self.links.values() if link.msa == msa and link.dissolved_at is None]
        if not live:
            return None
        newest = max(live, key=lambda link: (link.linked_at, link.user_id))
        return newest.user_id, self.organization_of[newest.user_id]


@dataclass
class FakeConversationRepository:
    members: dict[tuple[str, str], tuple[UserRecord, str]] = field(default_factory=dict)  # (tenant, aad id) -> (user, org name)
    references: dict[tuple[str, str], StoredReference] = field(default_factory=dict)  # (user id, conversation id)
    muted: dict[str, bool] = field(default_factory=dict)
    left_on: dict[str, date] = field(default_factory=dict)  # user id -> the day they left
    saved: int = 0  # how many times a reference was written

    async def member(self, tenant_id: str, aad_object_id: str) -> tuple[UserRecord, str] | None:
        return self.members.get((tenant_id, aad_object_id))

    async def meeting(self, tenant_id: str, aad_object_id: str, conversation_id: str, state_key: str | None) -> StoredMeeting | None:
        found = self.members.get((tenant_id, aad_object_id))
        if found is None:
            return None
        user, name = found
        return StoredMeeting(user, name, self.references.get((user.id, conversation_id)), 0, 0, None)

    async def save_reference(
        self, user_id: str, conversation_id: str, organization_id: str, personal: bool, reference: str,
        locale: str | None, time_zone: str | None, now: datetime,
    ) -> None:
        before = self.references.get((user_id, conversation_id))
        self.references[(user_id, conversation_id)] = StoredReference(
            reference, personal, locale if locale is not None or before is None else before.locale,
            time_zone if time_zone is not None or before is None else before.time_zone, now, None,
        )
        self.saved += 1

    async def personal_reference(self, user_id: str) -> str | None:
        live = [(r.updated_at, r.reference) for (user, _), r in self.references.items() if user == user_id and r.personal and r.dead_at is None]
        return max(live)[1] if live else None

    async def live_personal_conversations_of(self, organization_ids: Sequence[str]) -> dict[str, list[PersonalConversation]]:
        users = {user.id: user for user, _ in self.members.values() if user.organization_id in organization_ids}
        found: dict[str, list[PersonalConversation]] = {}
        for (user_id, conversation_id), r in self.references.items():
            if user_id in users and r.personal and r.dead_at is None:
                found.setdefault(users[user_id].organization_id, []).append(PersonalConversation(
                    user_id, users[user_id].roles, self.left_on.get(user_id), conversation_id, r.updated_at, self.muted.get(user_id, False)
                ))
        return found

    async def mark_dead(self, user_id: str, conversation_id: str, now: datetime) -> None:
        self.references[(user_id, conversation_id)] = replace(self.references[(user_id, conversation_id)], dead_at=now)

    async def alerts_muted(self, user_id: str) -> bool | None:
        return self.muted.get(user_id)

    async def set_alerts_muted(self, user_id: str, muted: bool, now: datetime) -> None:
        self.muted[user_id] = muted


@dataclass
class FakeAlertRepository:
    causes: dict[int, tuple[str, str, int, datetime | None]] = field(default_factory=dict)  # id -> (organisation, key, occurrence, cleared at)

    def add(self, organization_id: str, key: str, occurrence: int = 1, cleared_at: datetime | None = None) -> int:
        cause_id = len(self.causes) + 1
        self.causes[cause_id] = (organization_id, key, occurrence, cleared_at)
        return cause_id

    async def active_causes_of(self, organization_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for i, (org, key, _, cleared) in self.causes.items():
            if org in organization_ids and cleared is None:
                found.setdefault(org, {})[key] = i
        return found


@dataclass
class FakeOutboxRepository:
    queued: list[tuple[int, str, str, datetime]] = field(default_factory=list)  # (cause, user, conversation, due)
    states: dict[int, dict[str, Any]] = field(default_factory=dict)  # delivery id (index + 1) -> its columns
    sendable: dict[int, DueDelivery] = field(default_factory=dict)  # delivery id -> what `deliveries()` joins for it

    def add_due(self, delivery: DueDelivery, due: datetime) -> int:
        """A pending delivery, due at `due`, with what sending it needs (`delivery.id` is replaced by its place)."""
        self.queued.append((0, delivery.user_id, delivery.conversation_id, due))
        delivery_id = len(self.queued)
        self.states[delivery_id] = {"state": "pending", "claimed_by": None, "last_status": None, "next_attempt_at": due, "lease_until": None, "attempts": 0}
        self.sendable[delivery_id] = replace(delivery, id=delivery_id)
        return delivery_id

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        due = [
            i for i, row in self.states.items()
            if (row["state"] == "pending" and row["next_attempt_at"] <= now) or (row["state"] == "claimed" and row["lease_until"] < now)
        ]
        return sorted(due, key=lambda i: (self.states[i]["next_attempt_at"], i))[:limit]

    async def claim(self, delivery_ids: Sequence[int], worker: str, lease_until: datetime) -> None:
        for i in delivery_ids:
            row = self.states[i]
            row.update(state="claimed", claimed_by=worker, lease_until=lease_until, attempts=row["attempts"] + 1)

    async def deliveries(self, delivery_ids: Sequence[int]) -> list[DueDelivery]:
        return [replace(self.sendable[i], attempts=self.states[i]["attempts"]) for i in sorted(delivery_ids)]

    async def update_claimed(self, delivery_id: int, worker: str, **values: Any) -> bool:
        row = self.states.get(delivery_id)
        if row is None or row["state"] != "claimed" or row["claimed_by"] != worker:
            return False
        row.update(values)
        return True

    async def give_up_pending(self, user_id: str, conversation_id: str, status: str) -> None:
        for i, (_, user, conversation, _) in enumerate(self.queued, start=1):
            if (user, conversation) == (user_id, conversation_id) and self.states[i]["state"] == "pending":
                self.states[i].update(state="dead", last_status=status)

    async def queued_for(self, cause_ids: Sequence[int]) -> set[tuple[int, str]]:
        return {(cause, user) for cause, user, _, _ in self.queued if cause in cause_ids}

    async def queue(self, deliveries: Sequence[tuple[int, str, str]], now: datetime) -> None:
        for cause, user, conversation in deliveries:
            self.queued.append((cause, user, conversation, now))
            self.states[len(self.queued)] = {"state": "pending", "claimed_by": None, "last_status": None, "next_attempt_at": now, "lease_until": None, "attempts": 0}


class FakeUnitOfWork:
    def __init__(self, factory: FakeUnitOfWorkFactory):
        self.repository = factory.repository
        self.links = factory.links
        self.conversations = factory.conversations
        self.alerts = factory.alerts
        self.outbox = factory.outbox
        self._factory = factory

    async def __aenter__(self) -> FakeUnitOfWork:
        self._factory.opened += 1
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        return None

    async def commit(self) -> None:
        self._factory.commits += 1

    async def rollback(self) -> None:
        self._factory.rollbacks += 1


class FakeUnitOfWorkFactory:
    """What use cases receive in unit tests; counts the units of work opened and committed."""

    def __init__(self, catalog: Catalog):
        self.repository = FakeRepository(catalog)
        self.links = FakeLinkRepository()
        self.conversations = FakeConversationRepository()
        self.alerts = FakeAlertRepository()
        self.outbox = FakeOutboxRepository()
        self.evaluations = EvaluationCache()
        self.opened = self.commits = self.rollbacks = 0

    def add_user(self, user: UserRecord, organization_name: str | None = None, tenant_id: str | None = None) -> UserRecord:
        """A user of an organisation; with a tenant and an AAD object id, one Teams can bring."""
        self.links.organization_of[user.id] = user.organization_id
        if tenant_id is not None and user.aad_object_id is not None:
            self.conversations.members[(tenant_id, user.aad_object_id)] = (user, organization_name or user.organization_id)
        return self.repository.add_user(user, organization_name)

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    single_read = __call__  # the fake has one store: a read-only unit of work is the same
