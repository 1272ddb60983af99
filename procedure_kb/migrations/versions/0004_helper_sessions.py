"""Citizens helped in the widget's helper mode (community digital teams): counts, no text, no ids.

Revision ID: 0004_helper_sessions
Revises: 0003_validity_periods
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_helper_sessions"
down_revision = "0003_validity_periods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helper_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_code", sa.String(32)),
        sa.Column("ended_by", sa.String(10), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
    )
    op.create_index("ix_helper_sessions_day_team", "helper_sessions", ["day", "team_code"])


def downgrade() -> None:
    op.drop_table("helper_sessions")
