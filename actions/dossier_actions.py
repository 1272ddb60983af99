"""Dossier status lookup: the form validation and the answer.

``validate_dossier_status_form`` reads the code and the verification factor from the raw text
(custom slot mappings, so the raw text never lands in a slot), checks the rate limit and does the
verified lookup. The factor slot is always reset to ``None``: only the code (not personal data)
and, after a successful lookup, the masked view of the dossier are stored in slots.

``action_dossier_status`` turns the result into the answer and resets the form slots, so a second
lookup starts clean. Every way out of the form (answer, cancel, rate limit, backend failure) goes
through it.

The form asks its questions through ``action_ask_dossier_code`` and
``action_ask_verification_factor`` (Rasa runs ``action_ask_<slot>`` for the requested slot). All
wording is in :mod:`actions.dossier.replies`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.dossier import replies
from actions.dossier import service as lookup
from actions.dossier.cancel import wants_to_stop
from actions.dossier.codes import EMPTY, NO_CODE, CodeParser, explain, parser
from actions.dossier.config import OnestopConfig, load_config
from actions.dossier.rate_limit import keys_for
from actions.dossier.verification import parse_factor
from actions.form_questions import FormQuestion
from actions.formatting import Bubble
from bot.settings import load
from procedure_kb.privacy import install_log_filter
from procedure_kb.working_days import today_in_vietnam

logger = logging.getLogger(__name__)
install_log_filter()

FORM = "dossier_status_form"
CODE_SLOT = "dossier_code"
FACTOR_SLOT = "verification_factor"
RESULT_SLOT = "dossier_lookup"

CANCELLED = "cancelled"


def _settings_config() -> OnestopConfig:
    return load_config(load().onestop_config)


# Check the one-stop profile (ONESTOP_CONFIG) when the action server loads the actions: a wrong
# mapping stops the start with a clear ConfigError instead of failing in front of a citizen.
_settings_config()


def _latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text")
    return text if isinstance(text, str) else ""


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _slot_before_turn(tracker: Tracker, name: str) -> Any:
    """The slot's value as it was before the latest user message."""
    events = tracker.events
    last_user = max(
        (i for i, event in enumerate(events) if event.get("event") == "user"), default=len(events)
    )
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
    return value


def _finish(result: dict[str, Any]) -> dict[str, Any]:
    """Slots that end the form with ``result`` for ``action_dossier_status``."""
    return {FACTOR_SLOT: None, RESULT_SLOT: result, "requested_slot": None}


class ActionAskDossierCode(FormQuestion):
    """The form's question for the dossier code (with an example and how to stop)."""

    slot = CODE_SLOT

    def bubbles(self) -> list[Bubble]:
        return [Bubble(replies.ASK_DOSSIER_CODE)]


class ActionAskVerificationFactor(FormQuestion):
    """The form's question for the lookup code or the phone's last 4 digits."""

    slot = FACTOR_SLOT

    def bubbles(self) -> list[Bubble]:
        return [Bubble(replies.ASK_VERIFICATION_FACTOR)]


def _starting(tracker: Tracker) -> bool:
    """True while the form is being activated: no question asked yet (Rasa may already show the
    form as active then, with slots filled from entities that split a code typed with spaces)."""
    return tracker.active_loop_name != FORM or tracker.get_slot("requested_slot") is None


class ValidateDossierStatusForm(FormValidationAction):
    """Reads code and factor from the raw text, verifies, and ends the form with a result."""

    def __init__(
        self,
        service: lookup.LookupService | None = None,
        config: OnestopConfig | None = None,
    ) -> None:
        self._service = service
        self._config = config

    def name(self) -> str:
        return "validate_dossier_status_form"

    @property
    def config(self) -> OnestopConfig:
        return self._config or _settings_config()

    @property
    def codes(self) -> CodeParser:
        return parser(self._config) if self._config else parser()

    @property
    def service(self) -> lookup.LookupService:
        return self._service or lookup.default_service()

    # --- extraction: the raw text is only handed to the validators below, never returned ---

    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested == CODE_SLOT:
            return {CODE_SLOT: text}
        if (_starting(tracker) or requested == FACTOR_SLOT) and self.codes.find_all(text):
            return {CODE_SLOT: text}
        return {}

    async def extract_verification_factor(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") == FACTOR_SLOT:
            return {FACTOR_SLOT: _latest_text(tracker)}
        return {}

    # --- validation ---

    async def validate_dossier_code(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = slot_value if isinstance(slot_value, str) else ""
        requested = tracker.get_slot("requested_slot")
        starting = _starting(tracker)
        parsed = self.codes.parse(text)
        if not parsed.ok:
            if requested == FACTOR_SLOT:  # a stray entity while asking the factor: keep the code
                return {CODE_SLOT: _slot_before_turn(tracker, CODE_SLOT)}
            if requested == CODE_SLOT and wants_to_stop(text, _latest_intent(tracker)):
                return _finish({"outcome": CANCELLED})
            if not (starting and parsed.problem in (EMPTY, NO_CODE)):
                dispatcher.utter_message(text=explain(parsed.problem))
            return {CODE_SLOT: None}
        if not starting:
            blocked = await self._retry_after(tracker, parsed.code)
            if blocked is None:
                return _finish({"outcome": lookup.UNAVAILABLE})
            if blocked:
                return _finish({"outcome": lookup.RATE_LIMITED, "retry_after_seconds": blocked})
        return {CODE_SLOT: parsed.code}

    async def validate_verification_factor(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = slot_value if isinstance(slot_value, str) else ""
        factor = parse_factor(text, self.codes)
        code = tracker.get_slot(CODE_SLOT)
        if factor is None:
            if self.codes.find_all(text):  # the citizen corrected the code instead
                return {FACTOR_SLOT: None}
            if wants_to_stop(text, _latest_intent(tracker)):
                return _finish({"outcome": CANCELLED})
            dispatcher.utter_message(text=replies.FACTOR_INVALID)
            return {FACTOR_SLOT: None}
        if not code or not self.codes.parse(code).ok:
            return {FACTOR_SLOT: None, CODE_SLOT: None}
        outcome = await self._lookup(code, factor, tracker)
        if outcome.kind == lookup.FOUND:
            return _finish({"outcome": lookup.FOUND, "dossier": outcome.view})
        if outcome.kind == lookup.NOT_FOUND:
            dispatcher.utter_message(text=replies.not_found(outcome.attempts_left))
            return {FACTOR_SLOT: None, CODE_SLOT: None}
        if outcome.kind == lookup.RATE_LIMITED:
            return _finish(
                {"outcome": lookup.RATE_LIMITED, "retry_after_seconds": outcome.retry_after_seconds}
            )
        return _finish({"outcome": lookup.UNAVAILABLE})

    # --- blocking work runs in a thread so the action server keeps serving others ---

    async def _run(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, func, *args)

    async def _retry_after(self, tracker: Tracker, code: str | None) -> int | None:
        """Seconds to wait (0 = go on), ``None`` when the rate-limit store is down."""
        keys = keys_for(tracker.sender_id, (tracker.latest_message or {}).get("metadata"), code)
        try:
            return await self._run(self.service.retry_after, keys)
        except Exception:  # noqa: BLE001 - any failure here means "cannot check": fail closed
            logger.error("dossier lookup failed: state_store")
            return None

    async def _lookup(self, code: str, factor: str, tracker: Tracker) -> lookup.Outcome:
        keys = keys_for(tracker.sender_id, (tracker.latest_message or {}).get("metadata"), code)
        try:
            return await self._run(self.service.lookup, code, factor, keys)
        except Exception as error:  # noqa: BLE001 - the citizen gets an apology, not a crash
            logger.error("dossier lookup failed unexpectedly: %s", type(error).__name__)
            return lookup.Outcome(lookup.UNAVAILABLE, error="unexpected")


class ActionDossierStatus(Action):
    """Answer from the form's result, then reset the lookup slots."""

    def __init__(
        self,
        today: Callable[[], date] = today_in_vietnam,
        config: OnestopConfig | None = None,
    ) -> None:
        self._today = today
        self._config = config

    def name(self) -> str:
        return "action_dossier_status"

    @property
    def config(self) -> OnestopConfig:
        return self._config or _settings_config()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        result = tracker.get_slot(RESULT_SLOT)
        result = result if isinstance(result, dict) else {}
        outcome = result.get("outcome")
        config = self.config
        if outcome == lookup.FOUND:
            try:
                text, buttons = replies.status_answer(
                    result["dossier"], self._today(), config.hotline
                )
            except Exception as error:  # noqa: BLE001 - a bad view must not end the chat
                logger.error("dossier answer could not be formatted: %s", type(error).__name__)
                outcome = lookup.UNAVAILABLE
            else:
                dispatcher.utter_message(text=text, buttons=buttons)
        if outcome == lookup.RATE_LIMITED:
            minutes = replies.retry_minutes(int(result.get("retry_after_seconds") or 60))
            dispatcher.utter_message(
                text=replies.rate_limited(minutes, config.portal_url, config.hotline)
            )
        elif outcome == lookup.UNAVAILABLE:
            dispatcher.utter_message(
                text=replies.unavailable(config.portal_name, config.portal_url, config.hotline)
            )
        elif outcome != lookup.FOUND:
            dispatcher.utter_message(text=replies.LOOKUP_CANCELLED)
        return [SlotSet(CODE_SLOT, None), SlotSet(FACTOR_SLOT, None), SlotSet(RESULT_SLOT, None)]
