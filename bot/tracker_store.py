"""Rasa's SQL tracker store with personal data masked before anything is written.

What a citizen types into a form (a dossier code with its verification factor, a phone number
for a callback) is replaced by a marker; other messages and the bot's replies are scrubbed of
phone, ID-card and e-mail values; slots keep only what a later step needs, masked where it can
be. The conversation still works after a restart: intents, slot names and the dossier code
(not personal data) are kept, and a form's value is used in the turn it is typed.

Configured in endpoints.yml as ``type: bot.tracker_store.RedactingSQLTrackerStore`` with
``url:`` a SQLAlchemy URL (``sqlite:///var/tracker.sqlite3``, ``postgresql://...``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import create_engine, make_url

from procedure_kb.database import create_tables
from procedure_kb.privacy import MASK, mask_phone, scrub

logger = logging.getLogger(__name__)

FORM_INPUT = "[đã ẩn: thông tin nhập vào biểu mẫu]"
SECRET_SLOTS = frozenset({"verification_factor"})
PHONE_SLOTS = frozenset({"callback_phone"})
DROPPED_METADATA = frozenset({"client_ip"})
# What a stored message keeps of the NLU result besides its (masked) text and entities.
KEPT_PARSE_DATA = ("intent", "intent_ranking", "response_selector")


def _typed_into_form(events: list[dict[str, Any]]) -> list[bool]:
    """For each event: True for a user message sent while a form was active, or one whose turn
    started a form (the activating message may already hold the code and the factor)."""
    flags = [False] * len(events)
    active = None
    turn_start: int | None = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            flags[index] = active is not None
            turn_start = index
        elif kind == "active_loop":
            active = event.get("name")
            if active and turn_start is not None:
                flags[turn_start] = True
        elif kind in {"restart", "session_started"}:
            active = None
    return flags


def _redact_user(event: dict[str, Any], in_form: bool) -> dict[str, Any]:
    parse_data = event.get("parse_data") or {}
    if in_form:
        text = FORM_INPUT
        entities = [{**entity, "value": MASK} for entity in parse_data.get("entities") or []]
    else:
        text = scrub(event.get("text"))
        entities = parse_data.get("entities") or []
    kept = {key: parse_data[key] for key in KEPT_PARSE_DATA if key in parse_data}
    metadata = event.get("metadata")
    if isinstance(metadata, dict):
        metadata = {key: value for key, value in metadata.items() if key not in DROPPED_METADATA}
    return {
        **event,
        "text": text,
        "parse_data": {**kept, "text": text, "entities": entities},
        "metadata": metadata,
    }


def _redact_slot(event: dict[str, Any]) -> dict[str, Any]:
    name, value = event.get("name"), event.get("value")
    if value is None:
        return event
    if name in SECRET_SLOTS:
        return {**event, "value": MASK}
    if name in PHONE_SLOTS:
        return {**event, "value": mask_phone(str(value))}
    if isinstance(value, str):
        return {**event, "value": scrub(value)}
    return event


def redact_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events as they may be stored: same order and count, personal data masked."""
    in_form = _typed_into_form(events)
    stored = []
    for event, typed_into_form in zip(events, in_form):
        kind = event.get("event")
        if kind == "user":
            event = _redact_user(event, typed_into_form)
        elif kind == "slot":
            event = _redact_slot(event)
        elif kind == "bot" and event.get("text"):
            event = {**event, "text": scrub(event["text"])}
        stored.append(event)
    return stored


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite by default, PostgreSQL in production) masking before writes."""

    def __init__(self, domain: Any = None, host: str | None = None, **kwargs: Any) -> None:
        url = make_url(host or kwargs.pop("url", "") or "sqlite:///var/tracker.sqlite3")
        if url.get_backend_name() == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        for key in ("dialect", "port", "db", "username", "password", "url"):
            kwargs.pop(key, None)
        if url.get_backend_name() == "postgresql":
            # Several Rasa processes may start at once: one creates the table, the others wait.
            engine = create_engine(url, future=True)
            try:
                create_tables(engine, SQLTrackerStore.Base.metadata)
            finally:
                engine.dispose()
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "",
            username=url.username,
            password=url.password,
            query=dict(url.query) or None,
            **kwargs,
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not yet stored, masked (Rasa's own save with redaction added)."""
        await self.stream_events(tracker)
        events = list(tracker.events)
        redacted = redact_events([event.as_dict() for event in events])
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            for event, data in list(zip(events, redacted))[stored:]:
                intent = (data.get("parse_data") or {}).get("intent") or {}
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent.get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("Tracker stored (masked) for sender %s", tracker.sender_id)
