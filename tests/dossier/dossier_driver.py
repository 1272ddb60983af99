"""Drive the dossier form the way Rasa's FormAction does, with real rasa-sdk Trackers.

Each user turn: apply the domain's ``from_entity`` mapping (action_extract_slots), build the
tracker Rasa sends to ``validate_dossier_status_form`` (history, the user event, requested_slot,
the form's ActionExecuted, the extracted slot candidates), apply the returned events, then either
ask for the next empty required slot by running ``action_ask_<slot>`` (as Rasa's form does when
domain.yml lists that action) or, when the form is done, run ``action_dossier_status`` like the
submit rule in data/rules_dossier.yml. Every action sends plain text (the wording is in
actions/dossier/replies.py), so the driver records each message's text and the actions it ran.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dossier_actions import (
    FORM,
    ActionAskDossierCode,
    ActionAskVerificationFactor,
    ActionDossierStatus,
    ValidateDossierStatusForm,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
REQUIRED = DOMAIN["forms"][FORM]["required_slots"]
ASK_ACTIONS = {a.name(): a for a in (ActionAskDossierCode(), ActionAskVerificationFactor())}
ANSWER = "action_dossier_status"


def ask_action(slot: str) -> Any:
    """What Rasa's form runs to ask for ``slot``: ``action_ask_<slot>``, listed in the domain."""
    name = f"action_ask_{slot}"
    assert name in DOMAIN["actions"], f"{name} is not listed under actions: in domain.yml"
    return ASK_ACTIONS[name]


@dataclass
class Turn:
    """What the bot did after one user message."""

    messages: list[dict[str, Any]]
    texts: list[str]
    events: list[dict[str, Any]]
    actions: list[str]  # what ran after the form's validation: an ask action or the answer

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def answered(self) -> bool:
        """``action_dossier_status`` ran (the form ended)."""
        return ANSWER in self.actions


@dataclass
class FormDriver:
    """One conversation with the dossier form."""

    validate: ValidateDossierStatusForm
    answer: ActionDossierStatus
    sender_id: str = "citizen-1"
    metadata: dict[str, Any] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    active: bool = False
    transcript: list[str] = field(default_factory=list)  # every bot text, in order

    def __post_init__(self) -> None:
        self.slots = {name: None for name in DOMAIN["slots"]} | {"requested_slot": None}

    # --- helpers ---

    def _user_event(self, text: str, intent: str, entities: list[dict]) -> dict[str, Any]:
        return {
            "event": "user",
            "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities},
            "metadata": dict(self.metadata),
        }

    def _tracker(self, latest: dict[str, Any], extra: list[dict[str, Any]]) -> Tracker:
        return Tracker(
            sender_id=self.sender_id,
            slots=dict(self.slots),
            latest_message={
                "text": latest["text"],
                "intent": latest["parse_data"]["intent"],
                "entities": latest["parse_data"]["entities"],
                "metadata": latest["metadata"],
            },
            events=self.events + extra,
            paused=False,
            followup_action=None,
            active_loop={"name": FORM} if self.active else {},
            latest_action_name="action_listen",
        )

    def _apply(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.events.extend(events)

    @staticmethod
    def _run(action: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        result = action.run(dispatcher, tracker, DOMAIN)
        return asyncio.run(result) if inspect.isawaitable(result) else result

    # --- a user turn ---

    def say(self, text: str, intent: str = "inform", entities: list[dict] | None = None) -> Turn:
        entities = entities or []
        user = self._user_event(text, intent, entities)
        self.events.append(user)
        extracted = [
            {"event": "slot", "name": "dossier_code", "value": e["value"]}
            for e in entities
            if e.get("entity") == "dossier_code"
        ]
        self._apply(extracted)  # action_extract_slots runs before the form
        starting = not self.active
        if starting and intent != "check_dossier_status":
            return Turn([], [], extracted, [])

        candidates = (
            [
                {"event": "slot", "name": n, "value": self.slots[n]}
                for n in REQUIRED
                if self.slots[n] is not None
            ]
            if starting
            else extracted
        )
        form_events = [
            {"event": "slot", "name": "requested_slot", "value": self.slots["requested_slot"]},
            {"event": "action", "name": FORM},
        ]
        dispatcher = CollectingDispatcher()
        tracker = self._tracker(user, form_events + candidates)
        returned = self._run(self.validate, dispatcher, tracker)
        messages = list(dispatcher.messages)
        self._apply(returned)
        self.active = True
        ended = any(
            e.get("event") == "slot" and e["name"] == "requested_slot" and e["value"] is None
            for e in returned
        )
        missing = [n for n in REQUIRED if self.slots.get(n) is None]
        if ended or not missing:
            self.active = False
            self.slots["requested_slot"] = None
            action = self.answer
        else:
            self.slots["requested_slot"] = missing[0]
            action = ask_action(missing[0])
        dispatcher = CollectingDispatcher()
        action_events = self._run(action, dispatcher, self._tracker(user, []))
        messages += dispatcher.messages
        self._apply(action_events)
        returned = returned + action_events
        texts = [m["text"] for m in messages]
        self.transcript.extend(texts)
        return Turn(messages, texts, returned, [action.name()])

    def lookup(self, code: str, factor: str) -> Turn:
        """A whole happy-path lookup: open the form, give the code, give the factor."""
        self.say("tra cứu hồ sơ", intent="check_dossier_status")
        self.say(code)
        return self.say(factor)
