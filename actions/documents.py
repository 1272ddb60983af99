"""``action_explain_document``: what a document is, who issues it, how to get it, its template.

Works with or without a procedure in context. The context is a procedure named in the message
(or a button), else the ``procedure_id`` topic; with a context, documents of that procedure's
dossier are preferred ("tờ khai lấy ở đâu" after birth registration is its declaration form) and
the answer adds how many copies that dossier needs.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import kb, turns
from actions.formatting import document_answer, document_choice, document_not_found, send
from actions.procedures import TOPIC_SLOT, intent_of, record_unanswered
from actions.resolution import choose_document, entity_values


def context_procedure(tracker: Tracker) -> dict[str, Any] | None:
    """The procedure the question is about: named in the message, else the current topic."""
    repo, resolver = kb.repository(), kb.resolver()
    for value in entity_values(tracker.latest_message.get("entities"), "procedure"):
        resolution = resolver.procedures(value)
        if resolution.matched and not resolution.ambiguous and resolution.best:
            return repo.get_procedure(resolution.best.id)
    topic = tracker.get_slot(TOPIC_SLOT)
    return repo.get_procedure(topic) if topic else None


class ActionExplainDocument(kb.KnowledgeBaseAction):
    """Explain one document from the glossary."""

    def name(self) -> str:
        return "action_explain_document"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        procedure = context_procedure(tracker)
        message = tracker.latest_message
        choice = choose_document(message.get("text"), message.get("entities"), procedure)
        if choice.found and choice.id:
            document = kb.repository().get_document(choice.id)
            if document:
                send(dispatcher, document_answer(document, procedure))
                return turns.answered()
        if choice.status == "ambiguous":
            if not choice.matched:
                record_unanswered(tracker, intent_of(tracker) or "explain_document")
            procedure_id = procedure["id"] if procedure else None
            send(dispatcher, document_choice(choice.options, procedure_id, sure=choice.matched))
            return []
        record_unanswered(tracker, intent_of(tracker) or "explain_document")
        send(dispatcher, document_not_found(choice.options, procedure))
        return turns.failed(tracker, dispatcher)
