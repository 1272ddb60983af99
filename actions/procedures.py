"""``action_answer_procedure``: overview, documents, fee, time, where, steps, online, eligibility.

The procedure comes from :func:`actions.resolution.choose_procedure` (entity, then the message,
then the ``procedure_id`` slot); the wording from :mod:`actions.formatting`. A resolved procedure
becomes the topic (``procedure_id``), so "còn lệ phí thì sao?" follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import kb, turns
from actions.formatting import (
    PROCEDURE_INTENTS,
    Related,
    procedure_answer,
    procedure_choice,
    procedure_not_found,
    send,
)
from actions.resolution import choose_faq, choose_procedure, entity_values, usable_text
from bot.settings import load
from bot.web.checklist import checklist_url
from procedure_kb.periods import as_of, today_in_vietnam

TOPIC_SLOT = "procedure_id"
# Offered as examples when a question names no procedure at all.
EXAMPLE_PROCEDURES = ("khai-sinh", "cap-the-can-cuoc", "cap-ho-chieu")


def intent_of(tracker: Tracker) -> str:
    """Name of the intent of the latest message ("" when unknown)."""
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def related_of(procedure: dict[str, Any]) -> Related:
    """The liên thông group of ``procedure`` and, for a group, its members."""
    repo = kb.repository()
    group_id = procedure.get("interconnected_group")
    group = repo.get_procedure(group_id) if group_id and group_id != procedure.get("id") else None
    members = [repo.get_procedure(m) for m in procedure.get("members") or []]
    return Related(group=group, members=[m for m in members if m])


def answer_procedure(
    dispatcher: CollectingDispatcher, intent: str, procedure_id: str, today: date | None = None
) -> list[dict[str, Any]] | None:
    """Send the answer to ``intent`` about one procedure, with the values in force ``today``
    (Vietnam's date by default); None when it does not exist."""
    procedure = kb.repository().get_procedure(procedure_id)
    if procedure is None:
        return None
    procedure = as_of(procedure, today or today_in_vietnam())
    printable = checklist_url(load().public_url, procedure["id"])
    send(dispatcher, procedure_answer(intent, procedure, related_of(procedure), printable))
    return [SlotSet(TOPIC_SLOT, procedure["id"])] + turns.answered()


def record_unanswered(tracker: Tracker, intent: str | None) -> None:
    """Keep the question for staff (numbers masked); button payloads, empty text and anything typed
    while a form is active (a dossier code, a verification factor, a phone number) are skipped."""
    if tracker.active_loop_name:
        return
    text = usable_text(tracker.latest_message.get("text"))
    if text:
        kb.repository().record_unanswered(text, tracker.sender_id, intent or None)


class ActionAnswerProcedure(kb.KnowledgeBaseAction):
    """Answer a question about a procedure from the knowledge base."""

    def __init__(self, clock: Callable[[], date] | None = None) -> None:
        self.clock = clock  # the day whose fees are stated; Vietnam's date when None

    def name(self) -> str:
        return "action_answer_procedure"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        intent = intent_of(tracker)
        if intent not in PROCEDURE_INTENTS:
            intent = "ask_procedure"
        message = tracker.latest_message
        entities = message.get("entities") or []
        choice = choose_procedure(message.get("text"), entities, tracker.get_slot(TOPIC_SLOT))
        if choice.found and choice.id:
            today = self.clock() if self.clock else None
            events = answer_procedure(dispatcher, intent, choice.id, today)
            if events is not None:
                return events
        if choice.status == "ambiguous":
            send(dispatcher, procedure_choice(intent, choice.options))
            return []
        faq = choose_faq(message.get("text"))
        faqs = [(faq.id, faq_question(faq.id))] if faq.found and faq.id else faq.options
        mentioned = bool(entity_values(entities, "procedure") or choice.options)
        record_unanswered(tracker, intent)
        send(
            dispatcher,
            procedure_not_found(intent, mentioned, choice.options, faqs, example_procedures()),
        )
        return turns.failed(tracker, dispatcher)


def faq_question(faq_id: str) -> str:
    """The question of one FAQ entry (its id when it has vanished)."""
    faq = kb.repository().get_faq(faq_id)
    return str(faq["question"]) if faq else faq_id


def example_procedures() -> list[tuple[str, str]]:
    """(id, name) of the example procedures that exist in the knowledge base."""
    repo = kb.repository()
    found = [repo.get_procedure(pid) for pid in EXAMPLE_PROCEDURES]
    return [(str(p["id"]), str(p["name"])) for p in found if p]
