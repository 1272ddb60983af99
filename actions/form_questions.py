"""The questions forms ask: Rasa runs ``action_ask_<slot>`` when a form needs that slot."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import Bubble, send


class FormQuestion(Action, ABC):
    """Ask for ``slot`` with fixed bubbles; no events (the form keeps track of what it asked)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def bubbles(self) -> list[Bubble]:
        """What to send (abstract, so the action server does not register this base class)."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, self.bubbles())
        return []
