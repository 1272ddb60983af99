"""Resolve what a citizen typed to procedure, FAQ and glossary-document ids.

>>> resolver = Resolver(repository)          # anything with the KnowledgeSource methods
>>> r = resolver.procedures("dk ks cho be")
>>> r.best, r.matched, r.ambiguous

The index is built from the source on first use and rebuilt when ``source.revision()`` changes
(checked at most once per ``check_interval`` seconds), so aliases and FAQs that staff add are
found at once, without retraining. The search itself lives in :mod:`procedure_kb.matching`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

from procedure_kb.matching import (
    DOCUMENT_STOPS,
    FAQ_STOPS,
    PROCEDURE_STOPS,
    Hit,
    Phrase,
    PhraseIndex,
    StopWords,
    Words,
)

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.5  # best score at or above this: a match
AMBIGUITY_MARGIN = 0.06  # top two within this: ambiguous ...
AMBIGUITY_FLOOR = 0.35  # ... when the second is at least this
PARTIAL_MENTION = 0.9  # below this recall the text names only part of the best record ...
PARTIAL_FLOOR = 0.25  # ... and a rival from this score that fits the same words: ambiguous
MEMBER_MENTION = 0.75  # a member of a liên thông group counts as named from this recall ...
MEMBER_HINT = 0.55  # ... or from this one when a second member is named clearly
GROUP_BONUS = 0.02  # a group whose members are mentioned ranks just above them
KEYWORD_STRENGTH = 0.7  # keywords hint at a record; names and aliases name it
MAX_CANDIDATES = 5
MAX_TEXT = 2000  # characters of a message that are read
HIDDEN_STATUSES = frozenset({"draft", "retired"})


class KnowledgeSource(Protocol):
    """What the resolver reads: records in the file shape of docs/kb-format.md."""

    def list_procedures(self) -> list[dict[str, Any]]: ...

    def list_faqs(self) -> list[dict[str, Any]]: ...

    def list_documents(self) -> list[dict[str, Any]]: ...

    def revision(self) -> int: ...


@dataclass(frozen=True)
class Candidate:
    """One ranked answer: the record id, its display name and a score in 0..1."""

    id: str
    name: str
    score: float


@dataclass(frozen=True)
class Resolution:
    """Ranked candidates for one text, with the two decisions callers need."""

    candidates: list[Candidate] = field(default_factory=list)
    ambiguous: bool = False  # the top two are close: ask the citizen which one
    matched: bool = False  # the best is above the no-match threshold

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class _Corpus:
    """The index of one kind of record, with what ranking needs around it."""

    ids: list[str]
    names: list[str]
    position: dict[str, int]  # id -> record
    index: PhraseIndex
    groups: dict[int, list[int]]  # group record -> member records
    groups_of: dict[int, list[int]]  # member record -> group records

    def related(self, a: int, b: int) -> bool:
        """True when one record is a liên thông group that the other belongs to."""
        return a in self.groups_of.get(b, ()) or b in self.groups_of.get(a, ())


class Resolver:
    """Text -> ranked procedure / FAQ / document ids; see the module docstring."""

    def __init__(self, source: KnowledgeSource, check_interval: float = 1.0) -> None:
        self.source = source
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._checked_at = float("-inf")
        self._corpora: dict[str, _Corpus] = {}

    def procedures(self, text: str) -> Resolution:
        """Procedures (and liên thông groups) that ``text`` is about."""
        return self._resolve("procedures", text)

    def faqs(self, text: str) -> Resolution:
        """FAQ entries that answer ``text``."""
        return self._resolve("faqs", text)

    def documents(self, text: str) -> Resolution:
        """Glossary documents that ``text`` mentions."""
        return self._resolve("documents", text)

    def prepare(self) -> None:
        """Build all indexes now (e.g. when a server starts) instead of on first use."""
        for kind in _BUILDERS:
            self._corpus(kind)

    def refresh(self) -> None:
        """Drop the indexes now; they are rebuilt from the source on next use."""
        with self._lock:
            self._corpora.clear()
            self._revision = None
            self._checked_at = float("-inf")

    # ---------------------------------------------------------------- internals
    def _resolve(self, kind: str, text: str) -> Resolution:
        corpus = self._corpus(kind)
        if not isinstance(text, str) or not text.strip() or not corpus.ids:
            return Resolution()
        text = text[:MAX_TEXT]
        exact = _exact_id(text, corpus)
        if exact is not None:
            return Resolution([Candidate(corpus.ids[exact], corpus.names[exact], 1.0)], False, True)
        hits = corpus.index.search(Words.read(text))
        return _rank(hits, corpus)

    def _corpus(self, kind: str) -> _Corpus:
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at >= self.check_interval:
                self._checked_at = now
                try:
                    revision = self.source.revision()
                except Exception:  # the database is away: answer from the index we have
                    if not self._corpora:
                        raise
                    log.warning("knowledge base revision unavailable; using the loaded index")
                    revision = self._revision
                if revision != self._revision:
                    self._revision = revision
                    self._corpora.clear()
            corpus = self._corpora.get(kind)
            if corpus is None:
                corpus = self._corpora[kind] = _BUILDERS[kind](self.source)
            return corpus


def _exact_id(text: str, corpus: _Corpus) -> int | None:
    return corpus.position.get(text.strip().lower())


def _rank(hits: Sequence[Hit], corpus: _Corpus) -> Resolution:
    by_record = {hit.record: hit for hit in hits}
    scores = {hit.record: hit.score for hit in hits}
    promoted = _mentioned_groups(hits, corpus)
    for group, members in promoted.items():
        top = max(scores.get(m, 0.0) for m in members)
        scores[group] = max(scores.get(group, 0.0), min(1.0, top + GROUP_BONUS))
    arrival = {record: i for i, record in enumerate(scores)}  # hits come best first
    order = sorted(scores, key=lambda r: (-scores[r], r not in promoted, arrival[r]))
    candidates = [
        Candidate(corpus.ids[r], corpus.names[r], round(scores[r], 3))
        for r in order[:MAX_CANDIDATES]
    ]
    if not candidates:
        return Resolution()
    best = order[0]
    rival = next((r for r in order[1:] if not corpus.related(best, r)), None)
    ambiguous = (
        rival is not None
        and best not in promoted
        and (
            (scores[rival] >= AMBIGUITY_FLOOR and scores[best] - scores[rival] <= AMBIGUITY_MARGIN)
            or (
                scores[rival] >= PARTIAL_FLOOR
                and _same_evidence(by_record.get(best), by_record.get(rival))
            )
        )
    )
    return Resolution(candidates, ambiguous, scores[best] >= MATCH_THRESHOLD)


def _same_evidence(best: Hit | None, rival: Hit | None) -> bool:
    """The text names only part of the best record, and the rival fits those words as well:
    "giấy phép" is part of "giấy phép xây dựng" and of "giấy phép lái xe"."""
    return (
        best is not None
        and rival is not None
        and best.recall < PARTIAL_MENTION
        and bool(best.positions)
        and best.positions <= rival.positions
    )


def _mentioned_groups(hits: Sequence[Hit], corpus: _Corpus) -> dict[int, list[int]]:
    """Groups two or more of whose members the text mentions, each by words of its own.

    A member is named clearly from recall MEMBER_MENTION, its words not all shared with another
    clearly named member. Once one member is named clearly, another may be named loosely
    (recall from MEMBER_HINT by a name or alias, two words or more, none shared with the clear
    ones): "khai sinh, nhập khẩu ... cho bé" names the birth group; "mới sinh em bé, làm khai
    sinh" does not ("em bé" is only a keyword of the health-insurance card).
    """
    found: dict[int, list[int]] = {}
    for group, members in corpus.groups.items():
        mentioned = [h for h in hits if h.record in members]
        clear = [h for h in mentioned if h.recall >= MEMBER_MENTION]
        clear = [
            h
            for h in clear
            if len(clear) == 1
            or any(h.positions - o.positions and o.positions - h.positions for o in clear)
        ]
        if not clear:
            continue
        taken = frozenset().union(*(h.positions for h in clear))
        loose = [
            h
            for h in mentioned
            if h not in clear
            and h.recall >= MEMBER_HINT
            and h.strength == 1.0
            and len(h.positions) >= 2
            and not h.positions & taken
        ]
        named = clear + loose
        if len(named) >= 2:
            found[group] = [h.record for h in named]
    return found


# -------------------------------------------------------------------- building the corpora
def _visible(records: list[dict[str, Any]], name_field: str) -> list[dict[str, Any]]:
    """Records that can be searched: an id and a name, and not a draft or retired."""
    return [
        r
        for r in records
        if isinstance(r, dict)
        and r.get("id")
        and isinstance(r.get(name_field), str)
        and r.get("status") not in HIDDEN_STATUSES
    ]


def _phrases(record: int, texts: Sequence[Any], strength: float) -> list[Phrase]:
    out = []
    for text in texts:
        if isinstance(text, str):
            words = _read(text)
            out.append(Phrase(record, words.folded, words.marks, strength))
    return out


@lru_cache(maxsize=65_536)
def _read(text: str) -> Words:
    """Syllables of a record phrase; cached because catalogues repeat phrases a lot."""
    return Words.read(text)


def _texts(value: Any) -> list[Any]:
    """A list field as a list, whatever was stored (None, one string, a list)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _build(
    records: list[dict[str, Any]],
    name_field: str,
    strong_fields: Sequence[str],
    weak_fields: Sequence[str],
    stops: StopWords,
) -> _Corpus:
    records = _visible(records, name_field)
    phrases: list[Phrase] = []
    for i, rec in enumerate(records):
        phrases += [replace(p, name=True) for p in _phrases(i, [rec[name_field]], 1.0)]
        for name in strong_fields:
            phrases += _phrases(i, _texts(rec.get(name)), 1.0)
        for name in weak_fields:
            phrases += _phrases(i, _texts(rec.get(name)), KEYWORD_STRENGTH)
    ids = [str(r["id"]) for r in records]
    position = {record_id: i for i, record_id in enumerate(ids)}
    groups: dict[int, list[int]] = {}
    for i, rec in enumerate(records):
        members = [position[m] for m in _texts(rec.get("members")) if m in position]
        if members:
            groups[i] = members
    for i, rec in enumerate(records):
        group = position.get(str(rec.get("interconnected_group") or ""))
        if group is not None and group != i and i not in groups.setdefault(group, []):
            groups[group].append(i)
    groups_of: dict[int, list[int]] = {}
    for group, members in groups.items():
        for member in members:
            groups_of.setdefault(member, []).append(group)
    return _Corpus(
        ids=ids,
        names=[str(r[name_field]) for r in records],
        position=position,
        index=PhraseIndex(len(records), phrases, stops),
        groups=groups,
        groups_of=groups_of,
    )


def _procedures(source: KnowledgeSource) -> _Corpus:
    return _build(source.list_procedures(), "name", ["aliases"], ["keywords"], PROCEDURE_STOPS)


def _faqs(source: KnowledgeSource) -> _Corpus:
    return _build(source.list_faqs(), "question", ["phrasings"], [], FAQ_STOPS)


def _documents(source: KnowledgeSource) -> _Corpus:
    return _build(source.list_documents(), "name", ["aliases"], [], DOCUMENT_STOPS)


_BUILDERS: dict[str, Callable[[KnowledgeSource], _Corpus]] = {
    "procedures": _procedures,
    "faqs": _faqs,
    "documents": _documents,
}
