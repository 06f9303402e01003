"""Organisations, people, MSA links, achievements, metrics, overrides and catalogs.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from services.persistence.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.String(200), nullable=False),
        sa.Column("market", sa.String(20), nullable=False),
        sa.Column("membership_level", sa.String(10), nullable=True),
        sa.Column("membership_purchased_on", sa.Date(), nullable=True),
        sa.Column("membership_expires_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_organizations_tenant_id", "organizations", ["tenant_id"])
    op.create_table(
        "held_levels",
        sa.Column("organization_id", sa.String(200), sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("competency", sa.String(200), primary_key=True),
        sa.Column("level", sa.String(10), primary_key=True),
        sa.Column("since", sa.Date(), nullable=True),
    )
    op.create_table(
        "organization_specializations",
        sa.Column("organization_id", sa.String(200), sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("specialization", sa.String(200), primary_key=True),
        sa.Column("audit_passed_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("organization_id", sa.String(200), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("aad_object_id", sa.String(200), nullable=True),
        sa.Column("upn", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("locale", sa.String(20), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_users_organization_id", "users", ["organization_id"])
    op.create_index("ix_users_aad_object_id", "users", ["aad_object_id"])
    op.create_table(
        "msa_links",
        sa.Column("user_id", sa.String(200), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("msa", sa.String(320), primary_key=True),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.Column("dissolved_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_msa_links_msa", "msa_links", ["msa"])
    op.create_table(
        "link_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("msa", sa.String(320), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("organization_id", sa.String(200), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_link_events_msa", "link_events", ["msa"])
    op.create_table(
        "achievements",
        sa.Column("msa", sa.String(320), primary_key=True),
        sa.Column("code", sa.String(200), primary_key=True),
        sa.Column("earned_at", UTCDateTime(), primary_key=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=True),
    )
    op.create_table(
        "metric_values",
        sa.Column("organization_id", sa.String(200), sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("metric", sa.String(200), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_table(
        "overrides",
        sa.Column("organization_id", sa.String(200), sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("competency", sa.String(200), primary_key=True),
        sa.Column("option", sa.String(200), primary_key=True),
        sa.Column("level", sa.String(10), primary_key=True),
        sa.Column("starts_on", sa.Date(), primary_key=True),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "overrides",
        "metric_values",
        "achievements",
        "link_events",
        "msa_links",
        "users",
        "organization_specializations",
        "held_levels",
        "organizations",
        "catalogs",
    ):
        op.drop_table(table)
