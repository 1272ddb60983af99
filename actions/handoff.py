"""Handing over to a person, as a workflow.

``action_human_handoff`` checks office hours and public holidays (``procedure_kb/data/office.yml``
and :mod:`procedure_kb.working_days`), gives the hotlines, the one-stop desk and the community
digital team of the citizen's commune when it is known, and outside office hours sets
``callback_offered`` so the rules start ``callback_form``. The form asks for explicit consent
(``action_ask_callback_consent``), then a phone number (``action_ask_callback_phone``), checked by
``validate_callback_form``; ``action_save_callback`` stores the request for staff.
The phone number is masked in every reply and log line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import kb, turns
from actions.form_questions import FormQuestion
from actions.formatting import (
    ASK_CALLBACK_PHONE,
    INVALID_PHONE,
    Bubble,
    callback_consent_question,
    callback_declined,
    callback_saved,
    handoff_answer,
    send,
)
from procedure_kb.office import OFFICE_FILE, load_office
from procedure_kb.privacy import mask_phone, scrub
from procedure_kb.text import normalize
from procedure_kb.working_days import default_calendar, is_working_day

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

COMMUNE_SLOT = "commune"
OFFERED_SLOT = "callback_offered"
CONSENT_SLOT = "callback_consent"
PHONE_SLOT = "callback_phone"
# Intents that end the callback form when the citizen answers them instead of a number.
CANCEL_INTENTS = {"deny", "goodbye", "out_of_scope"}
# Intents that are not "the question" a callback request is about.
NOT_A_QUESTION = {"human_handoff", "affirm", "deny", "inform", "greet", "thank", "goodbye"}
MAX_REASON = 300

# Vietnamese numbers after the 2018 renumbering: mobile 0 + 3/5/7/8/9 + 8 digits;
# landline 02 + area code and subscriber number, 11 digits in all.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")
_NUMBER_RUN = re.compile(r"\+?\d[\d\s.\-()]*\d")


# --- office data and clock ----------------------------------------------------------------------


def office_timezone(office: dict[str, Any]) -> timezone:
    """Vietnam's UTC+7 (one zone, no daylight saving time)."""
    return timezone(timedelta(hours=float(office.get("utc_offset_hours", 7))))


def local_clock(office: dict[str, Any] | None = None) -> datetime:
    """The current time in Vietnam."""
    return datetime.now(office_timezone(office or load_office()))


def _sessions(office: dict[str, Any]) -> list[tuple[time, time]]:
    sessions = []
    for raw in (office.get("office_hours") or {}).get("sessions") or []:
        start, end = time.fromisoformat(str(raw["start"])), time.fromisoformat(str(raw["end"]))
        sessions.append((start, end))
    return sorted(sessions)


def is_open(office: dict[str, Any], now: datetime) -> bool:
    """True on a working day inside one of the sessions."""
    if not is_working_day(now.date()):
        return False
    moment = now.time().replace(tzinfo=None)
    return any(start <= moment < end for start, end in _sessions(office))


def closed_reason(now: datetime) -> str | None:
    """ "weekend", the holiday's name, or None when today is a working day (closed by the hour)."""
    today: date = now.date()
    if is_working_day(today):
        return None
    return default_calendar().holiday_name(today) or ("weekend" if today.weekday() >= 5 else "")


def next_opening(office: dict[str, Any], now: datetime, horizon_days: int = 30) -> datetime | None:
    """Start of the next session after ``now`` (None when no session in ``horizon_days``)."""
    sessions = _sessions(office)
    for offset in range(horizon_days + 1):
        day = now.date() + timedelta(days=offset)
        if not is_working_day(day):
            continue
        for start, _ in sessions:
            moment = datetime.combine(day, start, tzinfo=now.tzinfo)
            if moment > now:
                return moment
    return None


def find_commune(office: dict[str, Any], text: str | None) -> dict[str, Any] | None:
    """The commune named in ``text`` (diacritics and abbreviations do not matter)."""
    folded = f" {normalize(text or '')} "
    if not folded.strip():
        return None
    best: tuple[int, dict[str, Any]] | None = None
    for commune in office.get("communes") or []:
        for alias in [commune.get("name"), *(commune.get("aliases") or [])]:
            key = normalize(str(alias or ""))
            if key and f" {key} " in folded and (best is None or len(key) > best[0]):
                best = (len(key), commune)
    return best[1] if best else None


def commune_by_id(office: dict[str, Any], commune_id: str | None) -> dict[str, Any] | None:
    """The commune entry with id ``commune_id``."""
    return next((c for c in office.get("communes") or [] if c.get("id") == commune_id), None)


# --- phone numbers ------------------------------------------------------------------------------


def parse_phone(text: str | None) -> str | None:
    """The Vietnamese phone number in ``text`` as 10–11 digits starting with 0, else None.

    Accepts spaces, dots, dashes and brackets, and the +84 / 84 / 0084 prefixes.
    """
    for run in _NUMBER_RUN.findall(str(text or "")[:200]):
        digits = re.sub(r"\D", "", run)
        if run.lstrip().startswith("+84") or digits.startswith("0084"):
            digits = "0" + digits[4 if digits.startswith("0084") else 2 :]
        elif digits.startswith("84") and len(digits) in (11, 12):
            digits = "0" + digits[2:]
        if _MOBILE.match(digits) or _LANDLINE.match(digits):
            return digits
    return None


# --- actions ------------------------------------------------------------------------------------


class ActionHumanHandoff(kb.KnowledgeBaseAction):
    """Who to contact now; outside office hours, offer a callback."""

    def __init__(self, clock: Clock | None = None, office_file: Path = OFFICE_FILE) -> None:
        self.clock = clock
        self.office_file = office_file

    def name(self) -> str:
        return "action_human_handoff"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        office = load_office(self.office_file)
        now = self.clock() if self.clock else local_clock(office)
        commune = find_commune(office, tracker.latest_message.get("text")) or commune_by_id(
            office, tracker.get_slot(COMMUNE_SLOT)
        )
        open_now = is_open(office, now)
        send(
            dispatcher,
            [
                handoff_answer(
                    office,
                    commune,
                    open_now,
                    None if open_now else closed_reason(now),
                    None if open_now else next_opening(office, now),
                )
            ],
        )
        events = [SlotSet(OFFERED_SLOT, not open_now)] + turns.answered()
        if commune:
            events.append(SlotSet(COMMUNE_SLOT, commune["id"]))
        return events


class ActionAskCallbackConsent(FormQuestion):
    """The callback form's consent question (Đồng ý → /affirm, Không → /deny)."""

    slot = "callback_consent"

    def bubbles(self) -> list[Bubble]:
        return [callback_consent_question()]


class ActionAskCallbackPhone(FormQuestion):
    """The callback form's question for the phone number."""

    slot = "callback_phone"

    def bubbles(self) -> list[Bubble]:
        return [Bubble(ASK_CALLBACK_PHONE)]


class ValidateCallbackForm(FormValidationAction):
    """Consent first; no consent ends the form. Then a valid Vietnamese phone number."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        if tracker.get_slot(CONSENT_SLOT) is False:
            return [CONSENT_SLOT]
        return domain_slots

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {CONSENT_SLOT: value if isinstance(value, bool) else None}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        phone = parse_phone(str(value or ""))
        if phone:
            return {PHONE_SLOT: phone}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in CANCEL_INTENTS:
            return {PHONE_SLOT: None, CONSENT_SLOT: False}
        dispatcher.utter_message(text=INVALID_PHONE)
        return {PHONE_SLOT: None}


def callback_reason(tracker: Tracker) -> str:
    """What the citizen wanted help with: the topic and their last real question (scrubbed)."""
    question = ""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent not in NOT_A_QUESTION:
            question = text
            break
    topic = tracker.get_slot("procedure_id")
    parts = [
        f"Thủ tục: {topic}" if topic else "",
        f"Câu hỏi: {scrub(question)}" if question else "",
    ]
    return "; ".join(p for p in parts if p)[:MAX_REASON] or "Yêu cầu gặp cán bộ"


class ActionSaveCallback(kb.KnowledgeBaseAction):
    """Store a consented callback request for staff; only the masked number is ever shown."""

    def __init__(self, clock: Clock | None = None, office_file: Path = OFFICE_FILE) -> None:
        self.clock = clock
        self.office_file = office_file

    def name(self) -> str:
        return "action_save_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        cleared = [SlotSet(PHONE_SLOT, None), SlotSet(CONSENT_SLOT, None)]
        return super().run(dispatcher, tracker, domain) + cleared

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        office = load_office(self.office_file)
        phone = parse_phone(tracker.get_slot(PHONE_SLOT))
        if tracker.get_slot(CONSENT_SLOT) is not True or not phone:
            send(dispatcher, [callback_declined(office)])
            return []
        commune = commune_by_id(office, tracker.get_slot(COMMUNE_SLOT))
        request_id = kb.repository().record_callback_request(
            phone=phone,
            sender_id=tracker.sender_id,
            commune=commune["name"] if commune else None,
            reason=callback_reason(tracker),
        )
        logger.info("callback request %s stored for %s", request_id, mask_phone(phone))
        now = self.clock() if self.clock else local_clock(office)
        send(dispatcher, [callback_saved(mask_phone(phone), next_opening(office, now))])
        return []
