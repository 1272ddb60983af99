"""``action_answer_faq``: answers from the FAQ store by retrieval, never from training data.

The resolver rebuilds its FAQ index when the knowledge base's revision changes, so an entry staff
add or edit is answered on the next message, without retraining. A question the FAQ store cannot
answer is tried against the procedures, then recorded for staff.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import kb, turns
from actions.formatting import fallback_reply, faq_answer, faq_choice, send
from actions.procedures import answer_procedure, intent_of, record_unanswered
from actions.resolution import choose_faq, choose_procedure


def answer_faq(dispatcher: CollectingDispatcher, faq_id: str) -> list[dict[str, Any]] | None:
    """Send one FAQ answer (with its related procedures); None when the entry is gone."""
    repo = kb.repository()
    faq = repo.get_faq(faq_id)
    if faq is None:
        return None
    related = [repo.get_procedure(pid) for pid in faq.get("related_procedures") or []]
    send(dispatcher, faq_answer(faq, [p for p in related if p]))
    return turns.answered()


class ActionAnswerFaq(kb.KnowledgeBaseAction):
    """Answer a question about the portal or the service from the FAQ store."""

    def name(self) -> str:
        return "action_answer_faq"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        message = tracker.latest_message
        choice = choose_faq(message.get("text"), message.get("entities"))
        if choice.found and choice.id:
            events = answer_faq(dispatcher, choice.id)
            if events is not None:
                return events
        if choice.status == "ambiguous":
            send(dispatcher, faq_choice(choice.options))
            return []
        procedure = choose_procedure(message.get("text"), message.get("entities"))
        if procedure.found and procedure.id:
            events = answer_procedure(dispatcher, "ask_procedure", procedure.id)
            if events is not None:
                return events
        record_unanswered(tracker, intent_of(tracker) or "ask_faq")
        send(dispatcher, [fallback_reply(out_of_scope=False, suggestions=[])])
        return turns.failed(tracker, dispatcher)
