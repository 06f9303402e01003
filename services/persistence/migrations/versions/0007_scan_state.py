"""What each organisation's last alert scan judged (its data version, the catalog, until when the
findings hold) and who holds it in the scan now (a lease), so N instances share one periodic scan and
an unchanged organisation is not judged again.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from services.persistence.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organization_scans",
        sa.Column("organization_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("catalog_id", sa.Integer(), nullable=True),
        sa.Column("valid_until", UTCDateTime(), nullable=True),
        sa.Column("scanned_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("organization_scans")
