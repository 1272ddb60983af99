"""The one place actions get the knowledge base: a Repository and its Resolver.

Both are built lazily, once per database URL, from ``bot.settings.load().kb_database_url``. The
resolver reloads itself when the repository's revision changes, so staff edits made by another
process (the console, an import) are answered on the next message. Nothing else is kept in memory:
conversation state lives in slots, requests for staff live in the database.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from traceback import format_exc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import SYSTEM_ERROR
from bot.settings import load
from procedure_kb.privacy import scrub
from procedure_kb.repository import Repository
from procedure_kb.resolver import Resolver

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _open(url: str) -> tuple[Repository, Resolver]:
    repo = Repository(url)
    # Check the revision on every lookup (one cheap query) so staff edits are live at once.
    return repo, Resolver(repo, check_interval=0.0)


def repository() -> Repository:
    """The knowledge-base repository for the configured database."""
    return _open(load().kb_database_url)[0]


def resolver() -> Resolver:
    """The resolver over :func:`repository` (same process-wide instance)."""
    return _open(load().kb_database_url)[1]


def forget() -> None:
    """Drop cached connections (tests switch databases through ``KB_DATABASE_URL``)."""
    _open.cache_clear()


def answer_safely(
    dispatcher: Any, answer: Callable[[], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Run an action body; on any failure log it and give the citizen a short apology instead of
    an error (the knowledge base may be unreachable or not yet loaded)."""
    try:
        return answer()
    except Exception:
        # Database errors quote their parameters (a phone number, a question): scrub the trace.
        logger.error(
            "action failed; the citizen got the system-error reply\n%s", scrub(format_exc())
        )
        dispatcher.utter_message(text=SYSTEM_ERROR)
        return []


class KnowledgeBaseAction(Action, ABC):
    """An action whose body, :meth:`answer`, reads the knowledge base; a failure is answered with a
    short apology instead of an error (:func:`answer_safely`)."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return answer_safely(dispatcher, lambda: self.answer(dispatcher, tracker))

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """The reply and its events (abstract, so the action server does not register this base)."""


def warm_up() -> None:
    """Build the resolver's indexes now (action-server start) so the first citizen does not wait.

    A knowledge base that is not loaded yet is not fatal: the actions apologise until it is.
    """
    try:
        resolver().prepare()
    except Exception as error:  # noqa: BLE001 - start the server anyway; answers will apologise
        logger.warning("knowledge base not ready at start: %s", type(error).__name__)
