"""Where members can be reached (conversation references) and their alert preference."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import ConversationReferenceRow


class ConversationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def mark_dead(self, user_id: str, conversation_id: str, now: datetime) -> None:
        """The bot was removed from that conversation: nothing is sent there any more."""
        await self._session.execute(
            update(ConversationReferenceRow)
            .where(ConversationReferenceRow.user_id == user_id, ConversationReferenceRow.conversation_id == conversation_id)
            .values(dead_at=now)
        )
