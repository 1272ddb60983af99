"""Running rasa-sdk actions in tests: trackers from dicts, a CollectingDispatcher, and a small
conversation driver that carries slots over and routes intents like data/rules_procedures.yml."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.documents import ActionExplainDocument
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.procedures import ActionAnswerProcedure

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
PROCEDURE_INTENTS = (
    "ask_procedure",
    "ask_documents",
    "ask_fee",
    "ask_processing_time",
    "ask_where",
    "ask_steps",
    "ask_online",
    "ask_eligibility",
)


def initial_slots() -> dict[str, Any]:
    """Every domain slot at its initial value, as Rasa sends them to the action server."""
    return {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}


def user_event(text: str, intent: str, entities: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": list(entities),
    }
    return {"event": "user", "text": text, "parse_data": parse, "timestamp": 0.0}


def entity(name: str, value: str) -> dict[str, Any]:
    """An entity in Rasa's parse format."""
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def make_tracker(
    text: str,
    intent: str,
    entities: Iterable[dict[str, Any]] = (),
    slots: dict[str, Any] | None = None,
    history: Iterable[dict[str, Any]] = (),
    sender_id: str = "cong-dan-1",
    active_loop: str | None = None,
    extra_events: Iterable[dict[str, Any]] = (),
) -> Tracker:
    """A tracker whose latest message is ``text`` classified as ``intent``."""
    latest = user_event(text, intent, entities)
    state = {
        "sender_id": sender_id,
        "slots": {**initial_slots(), **(slots or {})},
        "latest_message": latest["parse_data"] | {"text": text},
        "events": [*history, latest, *extra_events],
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    }
    return Tracker.from_dict(state)


@dataclass
class Turn:
    """What one action did: messages sent and events returned."""

    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("text") or "") for m in self.messages)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def payloads(self) -> list[str]:
        return [b["payload"] for b in self.buttons]

    @property
    def slots(self) -> dict[str, Any]:
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}


def run_action(action: Action, tracker: Tracker, domain: dict[str, Any] | None = None) -> Turn:
    """Run a rasa-sdk action (sync or async) and collect what it did."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or DOMAIN)
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    return Turn(dispatcher.messages, list(result))


ROUTES: dict[str, type[Action]] = {
    **{intent: ActionAnswerProcedure for intent in PROCEDURE_INTENTS},
    "explain_document": ActionExplainDocument,
    "ask_faq": ActionAnswerFaq,
    "nlu_fallback": ActionFallback,
    "out_of_scope": ActionFallback,
}


@dataclass
class Conversation:
    """Several turns with slots carried over, routed like data/rules_procedures.yml."""

    sender_id: str = "cong-dan-1"
    slots: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    today: date | None = None  # the day procedure answers are given on (Vietnam's today if None)

    def say(self, text: str, intent: str, entities: Iterable[dict[str, Any]] = ()) -> Turn:
        entities = list(entities)
        tracker = make_tracker(text, intent, entities, self.slots, self.history, self.sender_id)
        route = ROUTES[intent]
        if route is ActionAnswerProcedure and self.today is not None:
            day = self.today
            action: Action = ActionAnswerProcedure(clock=lambda: day)
        else:
            action = route()
        turn = run_action(action, tracker)
        self.history.append(user_event(text, intent, entities))
        self.slots.update(turn.slots)
        return turn
