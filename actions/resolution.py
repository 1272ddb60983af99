"""Which procedure, FAQ or document a message is about: the decision the actions and
``bot.evaluate`` share.

The knowledge-base resolver ranks ids for a text; this module adds the conversation rules on top:

* procedure: an id from a button first, then the whole message (unless the resolver finds it
  ambiguous), then the ``procedure`` entity the NLU model found, then the procedure already under
  discussion. A mention the
  knowledge base does not know never falls back to the old topic.
* when the resolver reports close candidates and the current topic is one of them, the topic wins;
  otherwise the citizen is asked to choose.
* documents prefer those in the dossier of the procedure in context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from actions import kb

# Messages longer than this are cut before resolving: a chat question is never this long.
MAX_TEXT_CHARS = 500
# Candidates offered as choices must score at least this share of the best score.
CLOSE_RATIO = 0.75
MAX_CHOICES = 4
# Weak candidates offered as "did you mean" after no match must score at least this.
NEAREST_MIN_SCORE = 0.3

Status = Literal["found", "ambiguous", "none"]


@dataclass(frozen=True)
class Choice:
    """Outcome of resolving one message for one kind of record."""

    status: Status
    id: str | None = None
    # "entity", "text" or "context" for a found record.
    source: str | None = None
    # Close candidates (ambiguous) or the nearest weak ones (none), as (id, name) pairs.
    options: list[tuple[str, str]] = field(default_factory=list)
    # False when the candidates are close to each other but none is a confident match.
    matched: bool = True

    @property
    def found(self) -> bool:
        return self.status == "found"


def usable_text(text: str | None) -> str:
    """The message text worth resolving: empty for button payloads ("/intent{...}")."""
    text = (text or "").strip()
    if text.startswith("/"):
        return ""
    return text[:MAX_TEXT_CHARS]


def entity_values(entities: Iterable[Mapping[str, Any]] | None, name: str) -> list[str]:
    """Non-empty string values of entity ``name`` in Rasa's parse format."""
    values = []
    for entity in entities or []:
        value = entity.get("value")
        if entity.get("entity") == name and isinstance(value, str) and value.strip():
            values.append(value.strip()[:MAX_TEXT_CHARS])
    return values


def _options(resolution: Any, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    candidates = list(resolution.candidates or [])
    if not candidates:
        return []
    top = candidates[0].score or 0.0
    close = [c for c in candidates if (c.score or 0.0) >= top * CLOSE_RATIO]
    return [(c.id, c.name) for c in close[:limit]]


def _nearest(resolution: Any | None, limit: int = 3) -> list[tuple[str, str]]:
    if resolution is None:
        return []
    near = [c for c in resolution.candidates or [] if (c.score or 0.0) >= NEAREST_MIN_SCORE]
    return [(c.id, c.name) for c in near[:limit]]


def _decide(resolution: Any, source: str, context_id: str | None) -> Choice:
    """A matched resolution: one answer, or a choice unless the current topic is among them."""
    if resolution.ambiguous:
        options = _options(resolution)
        ids = [option_id for option_id, _ in options]
        if context_id and context_id in ids:
            return Choice("found", context_id, "context")
        if len(options) > 1:
            return Choice("ambiguous", options=options)
    return Choice("found", resolution.best.id, source)


def choose_procedure(
    text: str | None,
    entities: Iterable[Mapping[str, Any]] | None = None,
    context_id: str | None = None,
) -> Choice:
    """The procedure a message is about (see the module docstring for the order)."""
    repo, resolver = kb.repository(), kb.resolver()
    mentions = entity_values(entities, "procedure")
    body = usable_text(text)
    # The whole typed message first: it sees every mention at once (two members of a liên thông
    # group resolve to the group) and does not depend on where the NLU model cut the entity.
    # A button payload has no text: the id it carries decides.
    by_text = resolver.procedures(body) if body else None
    if by_text is not None and by_text.matched and not by_text.ambiguous:
        return Choice("found", by_text.best.id, "text")
    for value in mentions:
        if repo.get_procedure(value):
            return Choice("found", value, "entity")
    for value in mentions:
        resolution = resolver.procedures(value)
        if resolution.matched:
            return _decide(resolution, "entity", context_id)
    if by_text is not None and by_text.matched:
        return _decide(by_text, "text", context_id)
    if not mentions and context_id and repo.get_procedure(context_id):
        return Choice("found", context_id, "context")
    return Choice("none", options=_nearest(by_text))


def choose_faq(text: str | None, entities: Iterable[Mapping[str, Any]] | None = None) -> Choice:
    """The FAQ entry a message asks: an id from a button, else retrieval over the FAQ store."""
    repo, resolver = kb.repository(), kb.resolver()
    for value in entity_values(entities, "faq"):
        if repo.get_faq(value):
            return Choice("found", value, "entity")
    body = usable_text(text)
    if not body:
        return Choice("none")
    resolution = resolver.faqs(body)
    if resolution.matched:
        return _decide(resolution, "text", None)
    return Choice("none", options=_nearest(resolution))


def dossier_document_ids(procedure: Mapping[str, Any] | None) -> list[str]:
    """Glossary ids of every document in a procedure's dossier, in order, without repeats."""
    ids: list[str] = []
    for group in (procedure or {}).get("documents") or []:
        for item in group.get("items") or []:
            doc_id = item.get("document")
            if doc_id and doc_id not in ids:
                ids.append(doc_id)
    return ids


def choose_document(
    text: str | None,
    entities: Iterable[Mapping[str, Any]] | None = None,
    procedure: Mapping[str, Any] | None = None,
) -> Choice:
    """The glossary document a message asks about, preferring the procedure's dossier."""
    repo, resolver = kb.repository(), kb.resolver()
    mentions = entity_values(entities, "document")
    for value in mentions:
        if repo.get_document(value):
            return Choice("found", value, "entity")
    in_dossier = set(dossier_document_ids(procedure))
    queries = [("entity", value) for value in mentions]
    body = usable_text(text)
    if body:
        queries.append(("text", body))
    nearest: list[tuple[str, str]] = []
    for source, query in queries:
        resolution = resolver.documents(query)
        candidates = list(resolution.candidates or [])
        if not candidates:
            continue
        top = candidates[0].score or 0.0
        floor = max(top * CLOSE_RATIO, NEAREST_MIN_SCORE)
        close_in_dossier = [c for c in candidates if c.id in in_dossier and c.score >= floor]
        if close_in_dossier and (resolution.matched or resolution.ambiguous):
            return Choice("found", close_in_dossier[0].id, source)
        if resolution.matched:
            return _decide(resolution, source, None)
        if resolution.ambiguous and top >= NEAREST_MIN_SCORE and len(_options(resolution)) > 1:
            # "tờ khai" names a kind of document: ask which one.
            return Choice("ambiguous", options=_options(resolution), matched=False)
        preferred = [(c.id, c.name) for c in candidates if c.id in in_dossier]
        nearest = nearest or preferred[:MAX_CHOICES] or _nearest(resolution)
    return Choice("none", options=nearest)


def resolve_procedure_id(
    text: str, entities: Iterable[Mapping[str, Any]] | None = None
) -> str | None:
    """Top-1 procedure id for evaluation: what the actions would answer about, best guess when
    they would ask the citizen to choose."""
    choice = choose_procedure(text, entities)
    if choice.found:
        return choice.id
    if choice.status == "ambiguous":
        return choice.options[0][0]
    return None


def resolve_faq_id(text: str) -> str | None:
    """Top-1 FAQ id for evaluation, through the same retrieval the actions use."""
    choice = choose_faq(text)
    if choice.found:
        return choice.id
    if choice.status == "ambiguous":
        return choice.options[0][0]
    return None
