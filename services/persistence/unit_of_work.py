"""One `AsyncSession` per unit of work; nothing is written unless `commit()` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.evaluation_cache import EvaluationCache
from services.persistence.alerts import AlertRepository
from services.persistence.conversations import ConversationRepository
from services.persistence.database import single_read_session_factory
from services.persistence.imports import ImportRepository
from services.persistence.links import LinkRepository
from services.persistence.outbox import OutboxRepository
from services.persistence.repository import CatalogCache, Repository


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], catalogs: CatalogCache):
        self._sessions = sessions
        self._catalogs = catalogs

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.repository = Repository(self.session, self._catalogs)
        self.links = LinkRepository(self.session)
        self.alerts = AlertRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.imports = ImportRepository(self.session)
        self.conversations = ConversationRepository(self.session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if exc_type is not None:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        """Undo what this unit of work wrote (after a failed commit: a concurrent writer won)."""
        await self.session.rollback()


class UnitOfWorkFactory:
    """What services receive: call it for a fresh unit of work."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        self._sessions = sessions
        self._single_reads = single_read_session_factory(sessions)
        self.catalogs = CatalogCache()
        self.evaluations = EvaluationCache()

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self.catalogs)

    def single_read(self) -> UnitOfWork:
        """A unit of work for one read statement and no writes (each statement would commit on its
        own): on PostgreSQL without a transaction around it, saving two round trips."""
        return UnitOfWork(self._single_reads, self.catalogs)
