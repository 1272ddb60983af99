"""Database tables of the knowledge base (SQLAlchemy 1.4), shaped like a record of the
National Database on Administrative Procedures (Cơ sở dữ liệu quốc gia về thủ tục hành chính).

One row per procedure in ``procedures``; the parts that repeat (ways to submit, steps, dossier
cases and their documents, legal basis, liên thông members) have their own tables keyed by
``(procedure_id, position)`` so their order is kept and a whole catalogue is read with one query per
table. Short lists of words (aliases, keywords, conditions, flags, review notes) are JSON columns.

The schema is created and changed only by the Alembic migrations in ``procedure_kb/migrations``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

Base = declarative_base()
metadata = Base.metadata

ID = 100  # length of record ids (slugs)


class Procedure(Base):
    """A thủ tục hành chính, or a liên thông group when ``members`` rows exist."""

    __tablename__ = "procedures"

    id = Column(String(ID), primary_key=True)
    code = Column(String(50))  # mã thủ tục in the national database
    name = Column(Text, nullable=False)
    aliases = Column(JSON, nullable=False)
    keywords = Column(JSON, nullable=False)
    field = Column(Text)  # lĩnh vực
    level = Column(String(20))  # province | commune
    agency = Column(Text)  # cơ quan thực hiện
    summary = Column(Text)
    applicants = Column(Text)  # đối tượng thực hiện
    conditions = Column(JSON, nullable=False)
    online_level = Column(String(20))  # full | partial | none
    portal_url = Column(Text)
    result = Column(Text)  # kết quả thực hiện
    published_by = Column(Text)  # quyết định công bố
    local_variant = Column(String(50))
    interconnected_group = Column(String(ID))  # checked by validation, not by a foreign key
    effective_from = Column(Date)
    effective_to = Column(Date)
    status = Column(String(20), nullable=False)  # published | draft | retired
    source = Column(Text, nullable=False)
    reviewed_at = Column(Date, nullable=False)
    needs_review = Column(JSON, nullable=False)

    __table_args__ = (Index("ix_procedures_status", "status"),)


class Submission(Base):
    """A way to submit (cách thức thực hiện): channel, processing time, fee."""

    __tablename__ = "procedure_submissions"

    procedure_id = Column(String(ID), ForeignKey("procedures.id"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    channel = Column(String(20), nullable=False)  # in_person | online | post
    time_days = Column(Float)  # working days
    time_text = Column(Text)
    fee = Column(Text)
    fee_vnd = Column(BigInteger)
    fees = Column(JSON)  # dated fees [{valid_from, valid_until, fee, fee_vnd}], dates as text
    description = Column(Text)


class Step(Base):
    """One step of the procedure (trình tự thực hiện), in order."""

    __tablename__ = "procedure_steps"

    procedure_id = Column(String(ID), ForeignKey("procedures.id"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    text = Column(Text, nullable=False)


class DossierCase(Base):
    """A group of dossier documents (thành phần hồ sơ); ``case`` null applies to everyone."""

    __tablename__ = "dossier_cases"

    procedure_id = Column(String(ID), ForeignKey("procedures.id"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    case = Column(Text)


class DossierItem(Base):
    """A document of a dossier case, pointing at the glossary."""

    __tablename__ = "dossier_items"

    procedure_id = Column(String(ID), primary_key=True)
    case_position = Column(Integer, primary_key=True, autoincrement=False)
    position = Column(Integer, primary_key=True, autoincrement=False)
    document_id = Column(String(ID), ForeignKey("glossary_documents.id"), nullable=False)
    name = Column(Text, nullable=False)
    template = Column(Text)  # mẫu đơn, tờ khai
    originals = Column(Integer)
    copies = Column(Integer)
    note = Column(Text)
    skip_if = Column(JSON, nullable=False)  # population_db | chip_id | vneid | personal_data_store

    __table_args__ = (
        ForeignKeyConstraint(
            ["procedure_id", "case_position"],
            ["dossier_cases.procedure_id", "dossier_cases.position"],
        ),
        Index("ix_dossier_items_document_id", "document_id"),
    )


class LegalBasis(Base):
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    __tablename__ = "legal_basis"

    procedure_id = Column(String(ID), ForeignKey("procedures.id"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    number = Column(Text, nullable=False)
    title = Column(Text, nullable=False)
    date = Column(Date)
    valid_from = Column(Date)  # in force from (null: already in force)
    valid_until = Column(Date)  # in force until, inclusive (null: no end known)


class GroupMember(Base):
    """A member procedure of a liên thông group, in order."""

    __tablename__ = "group_members"

    group_id = Column(String(ID), ForeignKey("procedures.id"), primary_key=True)
    position = Column(Integer, primary_key=True, autoincrement=False)
    member_id = Column(String(ID), ForeignKey("procedures.id"), nullable=False)


class GlossaryDocument(Base):
    """A document citizens are asked for: what it is, who issues it, what replaces it."""

    __tablename__ = "glossary_documents"

    id = Column(String(ID), primary_key=True)
    name = Column(Text, nullable=False)
    aliases = Column(JSON, nullable=False)
    what = Column(Text)
    issuer = Column(Text)
    how_to_get = Column(Text)
    template = Column(Text)
    replaced_by = Column(JSON, nullable=False)
    source = Column(Text, nullable=False)
    reviewed_at = Column(Date, nullable=False)
    needs_review = Column(JSON, nullable=False)


class Faq(Base):
    """A question about the portal or the service, with its answer."""

    __tablename__ = "faqs"

    id = Column(String(ID), primary_key=True)
    question = Column(Text, nullable=False)
    phrasings = Column(JSON, nullable=False)
    answer = Column(Text, nullable=False)
    related_procedures = Column(JSON, nullable=False)
    status = Column(String(20), nullable=False)
    source = Column(Text, nullable=False)
    reviewed_at = Column(Date, nullable=False)
    needs_review = Column(JSON, nullable=False)


class UnansweredQuestion(Base):
    """A message the assistant could not answer, kept for staff to add content."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    sender_id = Column(String(255))
    intent = Column(String(100))
    created_at = Column(DateTime, nullable=False)  # UTC
    handled = Column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_unanswered_questions_created_at", "created_at"),)


class CallbackRequest(Base):
    """A citizen's request to be called back by staff, with the time consent was given."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    phone = Column(String(20), nullable=False)
    sender_id = Column(String(255))
    commune = Column(Text)
    reason = Column(Text)
    consent_at = Column(DateTime, nullable=False)  # UTC
    created_at = Column(DateTime, nullable=False)  # UTC
    status = Column(String(20), nullable=False)  # new | contacted | closed

    __table_args__ = (Index("ix_callback_requests_status", "status"),)


class Feedback(Base):
    """A citizen's rating of one answer (up/down) or of a whole chat (satisfied/unsatisfied)."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False)  # UTC
    session_id = Column(String(128), nullable=False)
    channel = Column(String(50), nullable=False)  # widget, ...
    kind = Column(String(20), nullable=False)  # answer | session
    rating = Column(String(20), nullable=False)  # up | down | satisfied | unsatisfied
    comment = Column(Text)  # phone and ID numbers masked
    answer = Column(Text)  # the rated answer, numbers masked

    __table_args__ = (
        Index("ix_feedback_created_at", "created_at"),
        Index("ix_feedback_session_id", "session_id"),
    )


class KbRevision(Base):
    """One row whose ``revision`` grows by one on every write of knowledge-base content."""

    __tablename__ = "kb_revision"

    id = Column(Integer, primary_key=True, autoincrement=False)
    revision = Column(BigInteger, nullable=False)
    updated_at = Column(DateTime)


class HelperSession(Base):
    """One citizen helped by a community digital team in the widget's helper mode: counted, not
    identified (no text, no session or device id; see :mod:`procedure_kb.helper_stats`)."""

    __tablename__ = "helper_sessions"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False)  # UTC, when the session ended
    day = Column(Date, nullable=False)  # that moment's day in Vietnam (UTC+7), for daily counts
    team_code = Column(String(32))  # the team's own code, upper case; None when not given
    ended_by = Column(String(10), nullable=False)  # next | idle
    questions = Column(Integer, nullable=False)  # how many messages the citizen sent
    procedures = Column(JSON, nullable=False)  # ids of the procedures answered, in order

    __table_args__ = (Index("ix_helper_sessions_day_team", "day", "team_code"),)
