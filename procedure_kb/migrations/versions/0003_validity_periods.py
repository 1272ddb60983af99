"""Values with a validity period: dated fees of a way to submit, legal texts in force from / until.

Revision ID: 0003_validity_periods
Revises: 0002_feedback
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_validity_periods"
down_revision = "0002_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedure_submissions") as table:
        table.add_column(sa.Column("fees", sa.JSON()))
    with op.batch_alter_table("legal_basis") as table:
        table.add_column(sa.Column("valid_from", sa.Date()))
        table.add_column(sa.Column("valid_until", sa.Date()))


def downgrade() -> None:
    with op.batch_alter_table("legal_basis") as table:
        table.drop_column("valid_until")
        table.drop_column("valid_from")
    with op.batch_alter_table("procedure_submissions") as table:
        table.drop_column("fees")
