"""Counting failed turns: after two in a row the assistant offers a person by itself.

The count lives in the ``failed_turns`` slot (never in process memory), so it survives restarts
and works with several action-server processes.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.formatting import handoff_offer, send

SLOT = "failed_turns"
OFFER_AFTER = 2


def answered() -> list[dict[str, Any]]:
    """Events for a turn that answered the citizen: the count starts again."""
    return [SlotSet(SLOT, 0.0)]


def failed(tracker: Tracker, dispatcher: Any) -> list[dict[str, Any]]:
    """Events for a turn that did not answer; offers handoff from the second one in a row."""
    try:
        count = int(float(tracker.get_slot(SLOT) or 0)) + 1
    except (TypeError, ValueError):
        count = 1
    if count >= OFFER_AFTER:
        send(dispatcher, [handoff_offer()])
    return [SlotSet(SLOT, float(count))]
