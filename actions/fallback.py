"""``action_fallback``: for ``nlu_fallback``, ``out_of_scope`` and low-confidence turns.

Before giving up it tries the FAQ store, then the procedures, so a question the NLU model did not
recognise (or an FAQ staff added after training) still gets its answer. Otherwise it replies
briefly and politely, and counts the failed turn: from the second in a row it offers a person.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import kb, turns
from actions.faq import answer_faq
from actions.formatting import button, fallback_reply, send
from actions.procedures import answer_procedure, intent_of, record_unanswered
from actions.resolution import choose_faq, choose_procedure, usable_text

# When the model is sure the message is off-topic, only a near-certain knowledge-base match may
# override it: unmarked words are ambiguous ("cuoi" is cuối, cười or cưới), and answering
# "mua vé xem phim cuối tuần" with marriage registration would be worse than a polite no.
OFF_TOPIC_MIN_SCORE = 0.75


def _sure(resolution: Any) -> bool:
    return bool(
        resolution.matched and resolution.best and resolution.best.score >= OFF_TOPIC_MIN_SCORE
    )


class ActionFallback(kb.KnowledgeBaseAction):
    """Answer from the knowledge base if possible, else a short reply and a failed turn."""

    def name(self) -> str:
        return "action_fallback"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        intent = intent_of(tracker)
        message = tracker.latest_message
        text = usable_text(message.get("text"))
        suggestions: list[dict[str, str]] = []
        strict = intent == "out_of_scope"
        if text:
            resolver = kb.resolver()
            faq = choose_faq(text, message.get("entities"))
            if faq.found and faq.id and (not strict or _sure(resolver.faqs(text))):
                events = answer_faq(dispatcher, faq.id)
                if events is not None:
                    return events
            procedure = choose_procedure(text, message.get("entities"))
            if (
                procedure.found
                and procedure.id
                and (not strict or _sure(resolver.procedures(text)))
            ):
                events = answer_procedure(dispatcher, "ask_procedure", procedure.id)
                if events is not None:
                    return events
            suggestions = [button(q, "ask_faq", faq=fid) for fid, q in faq.options]
            if procedure.status == "ambiguous":
                suggestions += [
                    button(name, "ask_procedure", procedure=pid) for pid, name in procedure.options
                ]
        out_of_scope = intent == "out_of_scope"
        if text and not out_of_scope:
            record_unanswered(tracker, intent or "nlu_fallback")
        send(dispatcher, [fallback_reply(out_of_scope, suggestions[:4])])
        return turns.failed(tracker, dispatcher)
