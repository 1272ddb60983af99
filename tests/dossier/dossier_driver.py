"""Drive the dossier form the way Rasa's FormAction does, with real rasa-sdk Trackers.

Each user turn: apply the domain's ``from_entity`` mapping (action_extract_slots), build the
tracker Rasa sends to ``validate_dossier_status_form`` (history, the user event, requested_slot,
the form's ActionExecuted, the extracted slot candidates), apply the returned events, then either
ask for the next empty required slot (utter_ask_*) or, when the form is done, run
``action_dossier_status`` like the submit rule in data/rules_dossier.yml. Bot messages are
rendered from domain.yml the way Rasa's templated NLG fills ``{variables}``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dossier_actions import (
    FORM,
    ActionDossierStatus,
    ValidateDossierStatusForm,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
REQUIRED = DOMAIN["forms"][FORM]["required_slots"]


def render(message: dict[str, Any]) -> str:
    """The text a channel would show for one dispatcher message."""
    if message.get("text"):
        return message["text"]
    name = message.get("response")
    template = DOMAIN["responses"][name][0]["text"]
    values = {k: v for k, v in message.items() if k not in ("text", "response", "template")}
    return template.format(**values)


@dataclass
class Turn:
    """What the bot did after one user message."""

    messages: list[dict[str, Any]]
    texts: list[str]
    events: list[dict[str, Any]]
    answered: bool  # action_dossier_status ran

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def responses(self) -> list[str | None]:
        return [m.get("response") for m in self.messages]


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
        return asyncio.run(action.run(dispatcher, tracker, DOMAIN))

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
            return Turn([], [], extracted, False)

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
        answered = False
        if ended or not missing:
            self.active = False
            self.slots["requested_slot"] = None
            dispatcher = CollectingDispatcher()
            answer_events = self._run(self.answer, dispatcher, self._tracker(user, []))
            messages += dispatcher.messages
            self._apply(answer_events)
            returned = returned + answer_events
            answered = True
        else:
            self.slots["requested_slot"] = missing[0]
            messages.append({"response": f"utter_ask_{missing[0]}"})
        texts = [render(m) for m in messages]
        self.transcript.extend(texts)
        return Turn(messages, texts, returned, answered)

    def lookup(self, code: str, factor: str) -> Turn:
        """A whole happy-path lookup: open the form, give the code, give the factor."""
        self.say("tra cứu hồ sơ", intent="check_dossier_status")
        self.say(code)
        return self.say(factor)
