"""Initial knowledge-base schema: procedures and their parts, glossary, FAQs, feedback tables.

Revision ID: 0001_initial
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

ID = 100


def _owned_by_procedure(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("procedure_id", sa.String(ID), sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("procedure_id", "position"),
    )


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("code", sa.String(50)),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("field", sa.Text()),
        sa.Column("level", sa.String(20)),
        sa.Column("agency", sa.Text()),
        sa.Column("summary", sa.Text()),
        sa.Column("applicants", sa.Text()),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("online_level", sa.String(20)),
        sa.Column("portal_url", sa.Text()),
        sa.Column("result", sa.Text()),
        sa.Column("published_by", sa.Text()),
        sa.Column("local_variant", sa.String(50)),
        sa.Column("interconnected_group", sa.String(ID)),
        sa.Column("effective_from", sa.Date()),
        sa.Column("effective_to", sa.Date()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.Date(), nullable=False),
        sa.Column("needs_review", sa.JSON(), nullable=False),
    )
    op.create_index("ix_procedures_status", "procedures", ["status"])
    _owned_by_procedure(
        "procedure_submissions",
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("time_days", sa.Float()),
        sa.Column("time_text", sa.Text()),
        sa.Column("fee", sa.Text()),
        sa.Column("fee_vnd", sa.BigInteger()),
        sa.Column("description", sa.Text()),
    )
    _owned_by_procedure("procedure_steps", sa.Column("text", sa.Text(), nullable=False))
    _owned_by_procedure("dossier_cases", sa.Column("case", sa.Text()))
    _owned_by_procedure(
        "legal_basis",
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("date", sa.Date()),
    )
    op.create_table(
        "glossary_documents",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("what", sa.Text()),
        sa.Column("issuer", sa.Text()),
        sa.Column("how_to_get", sa.Text()),
        sa.Column("template", sa.Text()),
        sa.Column("replaced_by", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.Date(), nullable=False),
        sa.Column("needs_review", sa.JSON(), nullable=False),
    )
    op.create_table(
        "dossier_items",
        sa.Column("procedure_id", sa.String(ID), nullable=False),
        sa.Column("case_position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "document_id", sa.String(ID), sa.ForeignKey("glossary_documents.id"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("template", sa.Text()),
        sa.Column("originals", sa.Integer()),
        sa.Column("copies", sa.Integer()),
        sa.Column("note", sa.Text()),
        sa.Column("skip_if", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("procedure_id", "case_position", "position"),
        sa.ForeignKeyConstraint(
            ["procedure_id", "case_position"],
            ["dossier_cases.procedure_id", "dossier_cases.position"],
        ),
    )
    op.create_index("ix_dossier_items_document_id", "dossier_items", ["document_id"])
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(ID), sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.String(ID), sa.ForeignKey("procedures.id"), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "position"),
    )
    op.create_table(
        "faqs",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("phrasings", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("related_procedures", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.Date(), nullable=False),
        sa.Column("needs_review", sa.JSON(), nullable=False),
    )
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("intent", sa.String(100)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handled", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_unanswered_questions_created_at", "unanswered_questions", ["created_at"])
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("commune", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_index("ix_callback_requests_status", "callback_requests", ["status"])
    revision_table = op.create_table(
        "kb_revision",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime()),
    )
    op.bulk_insert(revision_table, [{"id": 1, "revision": 0, "updated_at": None}])


def downgrade() -> None:
    for table in (
        "kb_revision",
        "callback_requests",
        "unanswered_questions",
        "faqs",
        "group_members",
        "dossier_items",
        "glossary_documents",
        "legal_basis",
        "dossier_cases",
        "procedure_steps",
        "procedure_submissions",
        "procedures",
    ):
        op.drop_table(table)
