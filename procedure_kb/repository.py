"""Read and write knowledge-base records as plain dicts in the file shape (docs/kb-format.md).

``Repository(url)`` opens the database; it never creates or migrates the schema
(``python -m procedure_kb migrate`` does). Reads return published records unless asked for drafts;
every write of content is validated and bumps :meth:`Repository.revision` in the same transaction,
so resolvers know when to reload. Whole catalogues are read with one query per table.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from procedure_kb.bundle import DOCUMENT, FAQ, KINDS, PROCEDURE, PROCEDURE_FIELDS, Bundle
from procedure_kb.database import DatabaseNotReady, make_engine, safe_url
from procedure_kb.models import (
    CallbackRequest,
    DossierCase,
    DossierItem,
    Faq,
    Feedback,
    GlossaryDocument,
    GroupMember,
    KbRevision,
    LegalBasis,
    Procedure,
    Step,
    Submission,
    UnansweredQuestion,
)
from procedure_kb.privacy import scrub
from procedure_kb.text import clean_controls, nfc
from procedure_kb.validation import References, validate_bundle

PROCEDURES = Procedure.__table__
SUBMISSIONS = Submission.__table__
STEPS = Step.__table__
CASES = DossierCase.__table__
ITEMS = DossierItem.__table__
LEGAL = LegalBasis.__table__
MEMBERS = GroupMember.__table__
DOCUMENTS = GlossaryDocument.__table__
FAQS = Faq.__table__
UNANSWERED = UnansweredQuestion.__table__
CALLBACKS = CallbackRequest.__table__
FEEDBACK = Feedback.__table__
REVISION = KbRevision.__table__

PUBLISHED = "published"
CALLBACK_STATUSES = ("new", "contacted", "closed")
CHUNK = 500  # ids per IN (...) and rows per progress step
MAX_QUESTION = 2_000
# Ratings of each kind of feedback, and how long its texts may be.
FEEDBACK_RATINGS = {"answer": ("up", "down"), "session": ("satisfied", "unsatisfied")}
MAX_SESSION_ID = 128
MAX_FEEDBACK_ANSWER = 2_000
MAX_FEEDBACK_COMMENT = 1_000
_PHONE = re.compile(r"^0\d{9,10}$")

_PROCEDURE_COLUMNS = [c.name for c in PROCEDURES.columns]
_DOCUMENT_COLUMNS = [c.name for c in DOCUMENTS.columns]
_FAQ_COLUMNS = [c.name for c in FAQS.columns]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _plain(table, names: Iterable[str]) -> list:
    """Columns to select; JSON ones as text, decoded by :func:`_strings` (cached, fast)."""
    return [
        cast(table.c[name], Text).label(name)
        if isinstance(table.c[name].type, JSON)
        else table.c[name]
        for name in names
    ]


@lru_cache(maxsize=8192)
def _decoded(raw: str) -> tuple[str, ...]:
    return tuple(json.loads(raw))


def _strings(raw: str | None) -> list[str]:
    """A JSON list of strings read as text (many rows share a value, e.g. ``[]``)."""
    return list(_decoded(raw)) if raw else []


def _fees_written(fees: list[dict]) -> list[dict]:
    """Dated fees for the JSON column (dates as ``YYYY-MM-DD``)."""
    return [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in fee.items()} for fee in fees
    ]


def _fees_read(raw: str | None) -> list[dict]:
    """Dated fees from the JSON column, with their dates back as dates."""
    out = []
    for fee in json.loads(raw) if raw else []:
        for key in ("valid_from", "valid_until"):
            if fee.get(key):
                fee[key] = date.fromisoformat(fee[key])
        out.append(fee)
    return out


def normalize_phone(phone: str) -> str:
    """A Vietnamese phone number as ten or eleven digits starting with 0; ValueError otherwise."""
    digits = re.sub(r"[\s.\-()]", "", nfc(str(phone or "")))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise ValueError("phone: not a Vietnamese phone number (10 or 11 digits starting with 0)")
    return digits


def _clean(text: str | None, limit: int | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(clean_controls(nfc(str(text))).split())[:limit]
    return cleaned or None


def _masked(text: str | None, limit: int) -> str | None:
    """Cleaned text with phone and ID numbers masked, then cut (so no number is cut unmasked)."""
    cleaned = _clean(text, None)
    return scrub(cleaned)[:limit] if cleaned else None


class FeedbackLimitReached(RuntimeError):
    """A chat session already left as much feedback as it may."""


class Repository:
    """The knowledge base behind a database URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Repository({safe_url(self.url)!r})"

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        """A connection (a transaction when ``write``); a missing schema becomes a clear error."""
        try:
            with self.engine.begin() if write else self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as error:
            self._raise_if_not_ready(error)
            raise

    def _raise_if_not_ready(self, error: SQLAlchemyError) -> None:
        try:
            ready = inspect(self.engine).has_table(REVISION.name)
        except SQLAlchemyError as unreachable:
            raise DatabaseNotReady(
                f"cannot reach the knowledge base at {safe_url(self.url)}: "
                f"{str(getattr(unreachable, 'orig', unreachable)).strip().splitlines()[0]}"
            ) from error
        if not ready:
            raise DatabaseNotReady(
                f"the knowledge base at {safe_url(self.url)} has no schema yet; "
                "run `python -m procedure_kb migrate` (or `load`)"
            ) from error

    # ----------------------------------------------------------------------------- reading

    def revision(self) -> int:
        """A number that grows on every write of content; cheap enough to call per message."""
        with self._connect() as conn:
            value = conn.execute(select(REVISION.c.revision).where(REVISION.c.id == 1)).scalar()
        return int(value or 0)

    def get_procedure(self, procedure_id: str, include_drafts: bool = False) -> dict | None:
        """One procedure in the file shape, or None (drafts and retired ones only on request)."""
        with self._connect() as conn:
            found = self._read_procedures(conn, [procedure_id], include_drafts)
        return found[0] if found else None

    def list_procedures(self, include_drafts: bool = False) -> list[dict]:
        """All (published) procedures, sorted by id."""
        with self._connect() as conn:
            return self._read_procedures(conn, None, include_drafts)

    def get_document(self, document_id: str) -> dict | None:
        """One glossary document, or None."""
        with self._connect() as conn:
            found = self._read_simple(conn, DOCUMENTS, _DOCUMENT_COLUMNS, [document_id], True)
        return found[0] if found else None

    def list_documents(self) -> list[dict]:
        """All glossary documents, sorted by id."""
        with self._connect() as conn:
            return self._read_simple(conn, DOCUMENTS, _DOCUMENT_COLUMNS, None, True)

    def get_faq(self, faq_id: str, include_drafts: bool = False) -> dict | None:
        """One FAQ, or None (drafts and retired ones only on request)."""
        with self._connect() as conn:
            found = self._read_simple(conn, FAQS, _FAQ_COLUMNS, [faq_id], include_drafts)
        return found[0] if found else None

    def list_faqs(self, include_drafts: bool = False) -> list[dict]:
        """All (published) FAQs, sorted by id."""
        with self._connect() as conn:
            return self._read_simple(conn, FAQS, _FAQ_COLUMNS, None, include_drafts)

    def export_bundle(self, include_drafts: bool = True) -> Bundle:
        """Every record (drafts and retired included by default), as one consistent snapshot."""
        with self._connect(write=True) as conn:
            return Bundle(
                procedures=self._read_procedures(conn, None, include_drafts),
                documents=self._read_simple(conn, DOCUMENTS, _DOCUMENT_COLUMNS, None, True),
                faqs=self._read_simple(conn, FAQS, _FAQ_COLUMNS, None, include_drafts),
            )

    def counts(self) -> dict[str, int]:
        """Number of stored records of each kind, all statuses."""
        with self._connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar() or 0
                for table in (PROCEDURES, DOCUMENTS, FAQS)
            }

    def references(self) -> References:
        """Ids that exist now, for validating records that point at them."""
        with self._connect() as conn:
            return self._references(conn)

    @staticmethod
    def _references(conn: Connection) -> References:
        refs = References(documents=set(conn.execute(select(DOCUMENTS.c.id)).scalars()))
        members: dict[str, list[str]] = defaultdict(list)
        query = select(MEMBERS.c.group_id, MEMBERS.c.member_id).order_by(
            MEMBERS.c.group_id, MEMBERS.c.position
        )
        for group_id, member_id in conn.execute(query):
            members[group_id].append(member_id)
        for pid, group in conn.execute(select(PROCEDURES.c.id, PROCEDURES.c.interconnected_group)):
            refs.add_procedure(pid, members.get(pid, ()), group)
        return refs

    @staticmethod
    def _read_simple(
        conn: Connection,
        table,
        columns: list[str],
        ids: list[str] | None,
        include_drafts: bool,
    ) -> list[dict]:
        query = select(*_plain(table, columns)).order_by(table.c.id)
        if ids is not None:
            query = query.where(table.c.id.in_(ids))
        if not include_drafts and "status" in table.c:
            query = query.where(table.c.status == PUBLISHED)
        lists = [name for name in columns if isinstance(table.c[name].type, JSON)]
        out = []
        for row in conn.execute(query).all():
            record = dict(zip(columns, row, strict=True))
            for name in lists:
                record[name] = _strings(record[name])
            out.append(record)
        return out

    @staticmethod
    def _read_procedures(
        conn: Connection, ids: list[str] | None, include_drafts: bool
    ) -> list[dict]:
        """Procedures with all their parts: one query per table, rows read as plain tuples."""
        main = Repository._read_simple(conn, PROCEDURES, _PROCEDURE_COLUMNS, ids, include_drafts)
        if not main:
            return []

        def owned(table, *names: str) -> dict[Any, list[tuple]]:
            key = table.c[names[0]]
            query = select(*_plain(table, names)).order_by(*table.primary_key.columns)
            if ids is not None:
                query = query.where(key.in_(ids))
            elif not include_drafts:
                query = query.where(
                    key.in_(select(PROCEDURES.c.id).where(PROCEDURES.c.status == PUBLISHED))
                )
            grouped: dict[Any, list[tuple]] = defaultdict(list)
            rows = conn.execute(query).all()
            if table is ITEMS:
                for row in rows:
                    grouped[row[0], row[1]].append(row)
            else:
                for row in rows:
                    grouped[row[0]].append(row)
            return grouped

        submissions = owned(
            SUBMISSIONS, "procedure_id", "channel", "time_days", "time_text", "fee", "fee_vnd",
            "fees", "description",
        )  # fmt: skip
        steps = owned(STEPS, "procedure_id", "text")
        cases = owned(CASES, "procedure_id", "position", "case")
        items = owned(
            ITEMS, "procedure_id", "case_position", "document_id", "name", "template",
            "originals", "copies", "note", "skip_if",
        )  # fmt: skip
        legal = owned(LEGAL, "procedure_id", "number", "title", "date", "valid_from", "valid_until")
        members = owned(MEMBERS, "group_id", "member_id")
        out = []
        for row in main:
            pid = row["id"]
            record = {name: row[name] for name in PROCEDURE_FIELDS if name in row}
            record["submission"] = [
                {
                    "channel": channel,
                    "time_days": _number(days),
                    "time_text": time_text,
                    "fee": fee,
                    "fee_vnd": fee_vnd,
                    "fees": _fees_read(fees),
                    "description": description,
                }
                for _, channel, days, time_text, fee, fee_vnd, fees, description in (
                    submissions.get(pid, ())
                )
            ]
            record["steps"] = [text for _, text in steps.get(pid, ())]
            record["documents"] = [
                {
                    "case": case,
                    "items": [
                        {
                            "document": document,
                            "name": name,
                            "template": template,
                            "originals": originals,
                            "copies": copies,
                            "note": note,
                            "skip_if": _strings(skip_if),
                        }
                        for _, _, document, name, template, originals, copies, note, skip_if in (
                            items.get((pid, position), ())
                        )
                    ],
                }
                for _, position, case in cases.get(pid, ())
            ]
            record["legal_basis"] = [
                {
                    "number": number,
                    "title": title,
                    "date": day,
                    "valid_from": start,
                    "valid_until": end,
                }
                for _, number, title, day, start, end in legal.get(pid, ())
            ]
            record["members"] = [member for _, member in members.get(pid, ())]
            out.append({name: record[name] for name in PROCEDURE_FIELDS})
        return out

    # ----------------------------------------------------------------------------- writing

    def upsert_procedure(self, record: dict) -> dict:
        """Validate and store one procedure (insert or replace); returns the stored shape."""
        return self._upsert(PROCEDURE, record)

    def upsert_document(self, record: dict) -> dict:
        """Validate and store one glossary document; returns the stored shape."""
        return self._upsert(DOCUMENT, record)

    def upsert_faq(self, record: dict) -> dict:
        """Validate and store one FAQ; returns the stored shape."""
        return self._upsert(FAQ, record)

    def _upsert(self, kind: str, record: dict) -> dict:
        bundle = Bundle()
        bundle.add(kind, record)
        return self.import_bundle(bundle).of(kind)[0]

    def import_bundle(self, bundle: Bundle, progress: bool = False) -> Bundle:
        """Validate ``bundle`` against the stored records and write it, all or nothing.

        Records are inserted or replaced by id; records not in the bundle are left alone.
        Raises :class:`~procedure_kb.validation.ValidationError` (nothing written) on any problem.
        Returns the normalised records that were written.
        """
        with self._connect(write=True) as conn:
            clean = validate_bundle(bundle, self._references(conn))
            bar = tqdm(
                total=len(clean),
                unit="record",
                desc="import",
                file=sys.stderr,
                disable=not (progress and sys.stderr.isatty()),
            )
            with bar:
                for kind in KINDS:
                    records = clean.of(kind)
                    if kind == PROCEDURE:
                        self._write_procedures(conn, records, bar.update)
                    else:
                        table = DOCUMENTS if kind == DOCUMENT else FAQS
                        for chunk in _chunks(records):
                            self._upsert_rows(conn, table, list(chunk))
                            bar.update(len(chunk))
            if len(clean):
                self._bump(conn)
        return clean

    @staticmethod
    def _bump(conn: Connection) -> None:
        conn.execute(
            update(REVISION)
            .where(REVISION.c.id == 1)
            .values(revision=REVISION.c.revision + 1, updated_at=_now())
        )

    @staticmethod
    def _upsert_rows(conn: Connection, table, rows: list[dict]) -> None:
        """Insert rows whose id is new and update the others (portable, no dialect upsert)."""
        if not rows:
            return
        ids = [row["id"] for row in rows]
        existing = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
        new = [row for row in rows if row["id"] not in existing]
        old = [{f"v_{k}": v for k, v in row.items()} for row in rows if row["id"] in existing]
        if new:
            conn.execute(insert(table), new)
        if old:
            values = {name: bindparam(f"v_{name}") for name in rows[0] if name != "id"}
            conn.execute(update(table).where(table.c.id == bindparam("v_id")).values(values), old)

    def _write_procedures(self, conn: Connection, records: list[dict], step) -> None:
        ids = [r["id"] for r in records]
        for chunk in _chunks(ids):
            for table, column in (
                (ITEMS, ITEMS.c.procedure_id),
                (CASES, CASES.c.procedure_id),
                (SUBMISSIONS, SUBMISSIONS.c.procedure_id),
                (STEPS, STEPS.c.procedure_id),
                (LEGAL, LEGAL.c.procedure_id),
                (MEMBERS, MEMBERS.c.group_id),
            ):
                conn.execute(delete(table).where(column.in_(chunk)))
        for chunk in _chunks(records):
            self._upsert_rows(
                conn, PROCEDURES, [{k: r[k] for k in _PROCEDURE_COLUMNS} for r in chunk]
            )
        for chunk in _chunks(records):
            self._insert_parts(conn, chunk)
            step(len(chunk))

    @staticmethod
    def _insert_parts(conn: Connection, records: Iterable[dict]) -> None:
        rows: dict[Any, list[dict]] = defaultdict(list)
        for r in records:
            pid = r["id"]
            for pos, s in enumerate(r["submission"]):
                rows[SUBMISSIONS].append(
                    {"procedure_id": pid, "position": pos, **s, "fees": _fees_written(s["fees"])}
                )
            for pos, text in enumerate(r["steps"]):
                rows[STEPS].append({"procedure_id": pid, "position": pos, "text": text})
            for pos, case in enumerate(r["documents"]):
                rows[CASES].append({"procedure_id": pid, "position": pos, "case": case["case"]})
                for ipos, item in enumerate(case["items"]):
                    row = {k: v for k, v in item.items() if k != "document"}
                    rows[ITEMS].append(
                        {
                            "procedure_id": pid,
                            "case_position": pos,
                            "position": ipos,
                            "document_id": item["document"],
                            **row,
                        }
                    )
            for pos, lb in enumerate(r["legal_basis"]):
                rows[LEGAL].append({"procedure_id": pid, "position": pos, **lb})
            for pos, member in enumerate(r["members"]):
                rows[MEMBERS].append({"group_id": pid, "position": pos, "member_id": member})
        for table in (SUBMISSIONS, STEPS, CASES, ITEMS, LEGAL, MEMBERS):
            if rows[table]:
                conn.execute(insert(table), rows[table])

    # ----------------------------------------------------------------------------- feedback

    def record_unanswered(self, text: str, sender_id: str | None, intent: str | None) -> None:
        """Keep a message the assistant could not answer (numbers masked) for staff to review."""
        cleaned = _masked(text, MAX_QUESTION)
        if not cleaned:
            return
        with self._connect(write=True) as conn:
            conn.execute(
                insert(UNANSWERED).values(
                    text=cleaned,
                    sender_id=_clean(sender_id, 255),
                    intent=_clean(intent, 100),
                    created_at=_now(),
                    handled=False,
                )
            )

    def list_unanswered(self, handled: bool | None = None) -> list[dict]:
        """Unanswered questions, newest first; filter on ``handled`` when given."""
        query = select(UNANSWERED).order_by(UNANSWERED.c.id.desc())
        if handled is not None:
            query = query.where(UNANSWERED.c.handled == handled)
        with self._connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def mark_unanswered_handled(self, question_id: int, handled: bool = True) -> bool:
        """Set the handled flag; False when no such question."""
        with self._connect(write=True) as conn:
            result = conn.execute(
                update(UNANSWERED).where(UNANSWERED.c.id == question_id).values(handled=handled)
            )
        return result.rowcount > 0

    def record_callback_request(
        self,
        phone: str,
        sender_id: str | None,
        commune: str | None,
        reason: str | None,
    ) -> int:
        """Store a call-back request made with the citizen's consent (given now); return its id.

        Raises ValueError when ``phone`` is not a Vietnamese phone number.
        """
        now = _now()
        with self._connect(write=True) as conn:
            result = conn.execute(
                insert(CALLBACKS).values(
                    phone=normalize_phone(phone),
                    sender_id=_clean(sender_id, 255),
                    commune=_clean(commune, 200),
                    reason=_clean(reason, MAX_QUESTION),
                    consent_at=now,
                    created_at=now,
                    status="new",
                )
            )
            return int(result.inserted_primary_key[0])

    def list_callback_requests(self, status: str | None = None) -> list[dict]:
        """Call-back requests, newest first; filter on ``status`` (new, contacted, closed)."""
        query = select(CALLBACKS).order_by(CALLBACKS.c.id.desc())
        if status is not None:
            query = query.where(CALLBACKS.c.status == status)
        with self._connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def set_callback_status(self, request_id: int, status: str) -> bool:
        """Move a call-back request to ``status``; False when no such request."""
        if status not in CALLBACK_STATUSES:
            raise ValueError(f"status: {status!r} is not one of {', '.join(CALLBACK_STATUSES)}")
        with self._connect(write=True) as conn:
            result = conn.execute(
                update(CALLBACKS).where(CALLBACKS.c.id == request_id).values(status=status)
            )
        return result.rowcount > 0

    def record_feedback(
        self,
        session_id: str,
        kind: str,
        rating: str,
        *,
        channel: str = "widget",
        comment: str | None = None,
        answer: str | None = None,
        max_per_session: int | None = None,
    ) -> int:
        """Store one rating (texts cleaned, phone and ID numbers masked, bounded); return its id.

        Raises ValueError for an empty session id or a rating that is not one of ``kind``'s
        (:data:`FEEDBACK_RATINGS`), and :class:`FeedbackLimitReached` when the session already
        left ``max_per_session`` ratings (counted in the database, so every process agrees).
        """
        session = _clean(session_id, MAX_SESSION_ID)
        if not session:
            raise ValueError("session_id: empty")
        if rating not in FEEDBACK_RATINGS.get(kind, ()):
            raise ValueError(f"rating: {rating!r} is not a rating of kind {kind!r}")
        row = {
            "created_at": _now(),
            "session_id": session,
            "channel": _clean(channel, 50) or "unknown",
            "kind": kind,
            "rating": rating,
            "comment": _masked(comment, MAX_FEEDBACK_COMMENT),
            "answer": _masked(answer, MAX_FEEDBACK_ANSWER),
        }
        with self._connect(write=True) as conn:
            if max_per_session is not None:
                count = conn.execute(
                    select(func.count())
                    .select_from(FEEDBACK)
                    .where(FEEDBACK.c.session_id == session)
                ).scalar()
                if (count or 0) >= max_per_session:
                    raise FeedbackLimitReached(f"session {session!r}: {count} ratings already")
            result = conn.execute(insert(FEEDBACK).values(**row))
            return int(result.inserted_primary_key[0])

    def list_feedback(
        self, kind: str | None = None, since: datetime | None = None, limit: int = 100
    ) -> list[dict]:
        """The latest ``limit`` ratings, newest first; only of ``kind`` / from ``since`` (UTC)."""
        query = select(FEEDBACK).order_by(FEEDBACK.c.id.desc()).limit(limit)
        if kind is not None:
            query = query.where(FEEDBACK.c.kind == kind)
        if since is not None:
            query = query.where(FEEDBACK.c.created_at >= since)
        with self._connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def feedback_summary(self, since: datetime | None = None) -> dict[str, dict[str, int]]:
        """Number of ratings per kind and rating ({"answer": {"up": 3, "down": 1}, ...}), every
        known rating present (0 when none); from ``since`` (UTC) when given."""
        summary = {kind: dict.fromkeys(ratings, 0) for kind, ratings in FEEDBACK_RATINGS.items()}
        query = select(FEEDBACK.c.kind, FEEDBACK.c.rating, func.count()).group_by(
            FEEDBACK.c.kind, FEEDBACK.c.rating
        )
        if since is not None:
            query = query.where(FEEDBACK.c.created_at >= since)
        with self._connect() as conn:
            for kind, rating, count in conn.execute(query):
                summary.setdefault(kind, {})[rating] = int(count)
        return summary
