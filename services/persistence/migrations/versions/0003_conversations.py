"""Conversation references for proactive messages, and per-user alert preferences.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from services.persistence.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_references",
        sa.Column("user_id", sa.String(200), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("conversation_id", sa.String(500), primary_key=True),
        sa.Column("organization_id", sa.String(200), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(20), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("dead_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_conversation_references_organization_id", "conversation_references", ["organization_id"])
    op.create_table(
        "user_preferences",
        sa.Column("user_id", sa.String(200), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("alerts_muted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_preferences")
    op.drop_table("conversation_references")
