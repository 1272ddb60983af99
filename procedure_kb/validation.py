"""Check knowledge-base records and bring them to their one canonical shape.

Every way into the database (YAML files, JSON/CSV/XLSX imports, the repository's upserts) goes
through :func:`validate_record` or :func:`validate_bundle`. A problem names the record, the field
and the reason; all problems of a batch are collected before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from procedure_kb.bundle import DOCUMENT, FAQ, FIELDS, KINDS, PROCEDURE, Bundle
from procedure_kb.review import names_a_field
from procedure_kb.text import nfc

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = ("published", "draft", "retired")
LEVELS = ("province", "commune")
CHANNELS = ("in_person", "online", "post")
ONLINE_LEVELS = ("full", "partial", "none")
# Where the state already holds a document's data, so the citizen need not bring it.
DATA_SOURCES = ("population_db", "chip_id", "vneid", "personal_data_store")

MAX_ID = 100
MAX_LINE = 2_000
MAX_TEXT = 20_000
MAX_ITEMS = 500
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUBMISSION_KEYS = ("channel", "time_days", "time_text", "fee", "fee_vnd", "fees", "description")
_FEE_KEYS = ("valid_from", "valid_until", "fee", "fee_vnd")
_CASE_KEYS = ("case", "items")
_ITEM_KEYS = ("document", "name", "template", "originals", "copies", "note", "skip_if")
_LEGAL_KEYS = ("number", "title", "date", "valid_from", "valid_until")
# Names a review note may start with besides the record's own fields (parts of nested values).
_NESTED_FIELDS = {
    PROCEDURE: set(_SUBMISSION_KEYS + _FEE_KEYS + _CASE_KEYS + _ITEM_KEYS + _LEGAL_KEYS) | {"time"},
    DOCUMENT: set(),
    FAQ: set(),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record."""

    kind: str
    record_id: str | None
    field: str
    reason: str
    location: str | None = None

    def __str__(self) -> str:
        who = f"{self.kind} '{self.record_id}'" if self.record_id else f"{self.kind} without id"
        where = f" ({self.location})" if self.location else ""
        return f"{who}{where}, field {self.field}: {self.reason}"


class ValidationError(ValueError):
    """Raised with every problem found; ``str()`` lists the first ones, one per line."""

    MAX_SHOWN = 20

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        if len(self.problems) > self.MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - self.MAX_SHOWN} more problems")
        super().__init__("\n".join(lines))


@dataclass
class References:
    """The ids a record may point at: what exists already plus what is being written."""

    procedures: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group id -> member ids
    claims: dict[str, set[str]] = field(default_factory=dict)  # group id -> ids naming it

    def add_procedure(self, pid: str, members: Iterable[str], group: str | None) -> None:
        """Record (or replace) what procedure ``pid`` says about liên thông groups."""
        self.procedures.add(pid)
        members = tuple(members)
        if members:
            self.groups[pid] = members
        else:
            self.groups.pop(pid, None)
        for claimers in self.claims.values():
            claimers.discard(pid)
        if group:
            self.claims.setdefault(group, set()).add(pid)

    def overlay(self, bundle: Bundle) -> References:
        """A copy with the (normalised) records of ``bundle`` added or replacing their old state."""
        refs = References(
            set(self.procedures),
            set(self.documents),
            dict(self.groups),
            {group: set(ids) for group, ids in self.claims.items()},
        )
        refs.documents.update(d["id"] for d in bundle.documents if d.get("id"))
        for record in bundle.procedures:
            if record.get("id"):
                refs.add_procedure(
                    record["id"], record.get("members") or (), record.get("interconnected_group")
                )
        return refs


class _Checker:
    """Collects problems for one record while normalising its values."""

    def __init__(self, kind: str, raw: dict, location: str | None) -> None:
        self.kind = kind
        self.location = location
        rid = raw.get("id")
        self.record_id = rid.strip() if isinstance(rid, str) and rid.strip() else None
        self.problems: list[Problem] = []

    def problem(self, name: str, reason: str) -> None:
        self.problems.append(Problem(self.kind, self.record_id, name, reason, self.location))

    def fields(self, raw: dict, allowed: Iterable[str], name: str | None = None) -> None:
        allowed = tuple(allowed)
        for key in raw:
            if key not in allowed:
                where = f"{name}.{key}" if name else str(key)
                self.problem(where, f"unknown field (allowed: {', '.join(allowed)})")

    def text(
        self,
        value: Any,
        name: str,
        *,
        required: bool = False,
        multiline: bool = False,
        max_len: int = MAX_LINE,
    ) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, str):
            self.problem(name, f"must be text, not {_type_name(value)} {value!r} (quote it)")
            return None
        text = nfc(value).replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip() if multiline else " ".join(text.split())
        if _CONTROL.search(text):
            self.problem(name, "contains control characters")
            return None
        if len(text) > max_len:
            self.problem(name, f"is too long ({len(text)} characters, at most {max_len})")
            return None
        return text

    def slug(self, value: Any, name: str, *, required: bool = False) -> str | None:
        text = self.text(value, name, required=required, max_len=MAX_ID)
        if text is not None and not SLUG.match(text):
            self.problem(name, f"{text!r} is not an id (lower-case letters, digits and hyphens)")
            return None
        return text

    def choice(
        self, value: Any, name: str, options: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        text = self.text(value, name, required=required)
        if text is not None and text not in options:
            self.problem(name, f"{text!r} is not one of: {', '.join(options)}")
            return None
        return text

    def items(self, value: Any, name: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {_type_name(value)}")
            return []
        if len(value) > MAX_ITEMS:
            self.problem(name, f"has {len(value)} entries, at most {MAX_ITEMS}")
            return []
        return value

    def text_list(
        self, value: Any, name: str, *, slugs: bool = False, options: tuple[str, ...] = ()
    ) -> list[str]:
        out: list[str] = []
        for i, item in enumerate(self.items(value, name)):
            where = f"{name}[{i}]"
            if options:
                text = self.choice(item, where, options, required=True)
            elif slugs:
                text = self.slug(item, where, required=True)
            else:
                text = self.text(item, where, required=True)
            if text is not None and text not in out:
                out.append(text)
        return out

    def day(self, value: Any, name: str, *, required: bool = False) -> date | None:
        if value is None or value == "":
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(name, f"must be a date written YYYY-MM-DD, not {value!r}")
        return None

    def number(
        self, value: Any, name: str, *, integer: bool = True, maximum: float = 10**12
    ) -> int | float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a whole number" if integer else "a number"
            self.problem(name, f"must be {kind} or null, not {_type_name(value)} {value!r}")
            return None
        if integer and value != int(value):
            self.problem(name, f"must be a whole number, not {value!r}")
            return None
        if not 0 <= value <= maximum:
            self.problem(name, f"must be between 0 and {maximum:g}, not {value!r}")
            return None
        return int(value) if value == int(value) else float(value)

    def mapping(self, value: Any, name: str, keys: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(name, f"must be a mapping with fields {', '.join(keys)}")
            return None
        self.fields(value, keys, name)
        return value


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "number",
        float: "number",
        list: "list",
        dict: "mapping",
        str: "text",
    }.get(type(value), type(value).__name__)


def _common_tail(c: _Checker, raw: dict, out: dict) -> None:
    out["source"] = c.text(raw.get("source"), "source", required=True)
    out["reviewed_at"] = c.day(raw.get("reviewed_at"), "reviewed_at", required=True)
    out["needs_review"] = c.text_list(raw.get("needs_review"), "needs_review")
    known = set(FIELDS[c.kind]) | _NESTED_FIELDS[c.kind]
    for i, note in enumerate(out["needs_review"]):
        if not names_a_field(note, known):
            c.problem(
                f"needs_review[{i}]",
                f"{note[:60]!r} names no field; start it with the field it is about, "
                "e.g. 'fee: ...' or 'submission[1].time_days: ...'",
            )


def _period(c: _Checker, raw: dict, name: str) -> tuple[date | None, date | None]:
    """``valid_from`` / ``valid_until`` of ``raw``, checked to be in order."""
    start = c.day(raw.get("valid_from"), f"{name}.valid_from")
    end = c.day(raw.get("valid_until"), f"{name}.valid_until")
    if start and end and end < start:
        c.problem(f"{name}.valid_until", f"{end} is before valid_from {start}")
    return start, end


def _fees(c: _Checker, value: Any, name: str) -> list[dict]:
    """Dated fees of one way to submit: each with a period, none overlapping another."""
    out = []
    for i, raw in enumerate(c.items(value, name)):
        where = f"{name}[{i}]"
        if c.mapping(raw, where, _FEE_KEYS) is None:
            continue
        start, end = _period(c, raw, where)
        entry = {
            "valid_from": start,
            "valid_until": end,
            "fee": c.text(raw.get("fee"), f"{where}.fee"),
            "fee_vnd": c.number(raw.get("fee_vnd"), f"{where}.fee_vnd"),
        }
        if entry["fee"] is None and entry["fee_vnd"] is None:
            c.problem(where, "gives neither fee nor fee_vnd")
        if start is None and end is None and len(value) > 1:
            c.problem(where, "needs valid_from or valid_until (the other fees are dated)")
        out.append(entry)
    low, high = date.min, date.max
    spans = sorted(
        ((e["valid_from"] or low, e["valid_until"] or high, i) for i, e in enumerate(out)),
    )
    for (_, end, i), (start, _, j) in zip(spans, spans[1:]):
        if start <= end:
            c.problem(f"{name}[{j}]", f"its period overlaps the period of {name}[{i}]")
    return out


def _submission(c: _Checker, value: Any) -> list[dict]:
    out = []
    for i, raw in enumerate(c.items(value, "submission")):
        name = f"submission[{i}]"
        if c.mapping(raw, name, _SUBMISSION_KEYS) is None:
            continue
        out.append(
            {
                "channel": c.choice(raw.get("channel"), f"{name}.channel", CHANNELS, required=True),
                "time_days": c.number(
                    raw.get("time_days"), f"{name}.time_days", integer=False, maximum=3650
                ),
                "time_text": c.text(raw.get("time_text"), f"{name}.time_text"),
                "fee": c.text(raw.get("fee"), f"{name}.fee"),
                "fee_vnd": c.number(raw.get("fee_vnd"), f"{name}.fee_vnd"),
                "fees": _fees(c, raw.get("fees"), f"{name}.fees"),
                "description": c.text(
                    raw.get("description"), f"{name}.description", multiline=True, max_len=MAX_TEXT
                ),
            }
        )
        if out[-1]["fees"] and (out[-1]["fee"] is not None or out[-1]["fee_vnd"] is not None):
            c.problem(f"{name}.fees", "give either fee / fee_vnd or dated fees, not both")
    return out


def _dossier(c: _Checker, value: Any) -> list[dict]:
    out: list[dict] = []
    seen_cases: set[str | None] = set()
    for i, raw in enumerate(c.items(value, "documents")):
        name = f"documents[{i}]"
        if c.mapping(raw, name, _CASE_KEYS) is None:
            continue
        case = c.text(raw.get("case"), f"{name}.case")
        if case in seen_cases:
            c.problem(f"{name}.case", f"case {case!r} appears twice; merge the two lists")
        seen_cases.add(case)
        items = []
        raw_items = c.items(raw.get("items"), f"{name}.items")
        if not raw_items:
            c.problem(f"{name}.items", "must list at least one document")
        for j, item in enumerate(raw_items):
            where = f"{name}.items[{j}]"
            if c.mapping(item, where, _ITEM_KEYS) is None:
                continue
            items.append(
                {
                    "document": c.slug(item.get("document"), f"{where}.document", required=True),
                    "name": c.text(item.get("name"), f"{where}.name", required=True),
                    "template": c.text(item.get("template"), f"{where}.template"),
                    "originals": c.number(item.get("originals"), f"{where}.originals", maximum=100),
                    "copies": c.number(item.get("copies"), f"{where}.copies", maximum=100),
                    "note": c.text(
                        item.get("note"), f"{where}.note", multiline=True, max_len=MAX_TEXT
                    ),
                    "skip_if": c.text_list(
                        item.get("skip_if"), f"{where}.skip_if", options=DATA_SOURCES
                    ),
                }
            )
        out.append({"case": case, "items": items})
    return out


def _legal_basis(c: _Checker, value: Any) -> list[dict]:
    out = []
    for i, raw in enumerate(c.items(value, "legal_basis")):
        name = f"legal_basis[{i}]"
        if c.mapping(raw, name, _LEGAL_KEYS) is None:
            continue
        start, end = _period(c, raw, name)
        out.append(
            {
                "number": c.text(raw.get("number"), f"{name}.number", required=True),
                "title": c.text(raw.get("title"), f"{name}.title", required=True),
                "date": c.day(raw.get("date"), f"{name}.date"),
                "valid_from": start,
                "valid_until": end,
            }
        )
    return out


def _procedure(c: _Checker, raw: dict) -> dict:
    out: dict[str, Any] = {
        "id": c.slug(raw.get("id"), "id", required=True),
        "code": c.text(raw.get("code"), "code", max_len=50),
        "name": c.text(raw.get("name"), "name", required=True),
        "aliases": c.text_list(raw.get("aliases"), "aliases"),
        "keywords": c.text_list(raw.get("keywords"), "keywords"),
        "field": c.text(raw.get("field"), "field"),
        "level": c.choice(raw.get("level"), "level", LEVELS),
        "agency": c.text(raw.get("agency"), "agency"),
        "summary": c.text(raw.get("summary"), "summary", multiline=True, max_len=MAX_TEXT),
        "applicants": c.text(raw.get("applicants"), "applicants", multiline=True, max_len=MAX_TEXT),
        "conditions": c.text_list(raw.get("conditions"), "conditions"),
        "submission": _submission(c, raw.get("submission")),
        "online_level": c.choice(raw.get("online_level"), "online_level", ONLINE_LEVELS),
        "portal_url": c.text(raw.get("portal_url"), "portal_url"),
        "steps": c.text_list(raw.get("steps"), "steps"),
        "documents": _dossier(c, raw.get("documents")),
        "result": c.text(raw.get("result"), "result", multiline=True, max_len=MAX_TEXT),
        "legal_basis": _legal_basis(c, raw.get("legal_basis")),
        "published_by": c.text(raw.get("published_by"), "published_by"),
        "local_variant": c.text(raw.get("local_variant"), "local_variant", max_len=50),
        "interconnected_group": c.slug(raw.get("interconnected_group"), "interconnected_group"),
        "members": c.text_list(raw.get("members"), "members", slugs=True),
        "effective_from": c.day(raw.get("effective_from"), "effective_from"),
        "effective_to": c.day(raw.get("effective_to"), "effective_to"),
        "status": c.choice(raw.get("status"), "status", STATUSES, required=True),
    }
    _common_tail(c, raw, out)
    url = out["portal_url"]
    if url and not url.startswith(("https://", "http://")):
        c.problem("portal_url", f"{url!r} must start with https:// or http://")
    if (
        out["effective_from"]
        and out["effective_to"]
        and out["effective_to"] < out["effective_from"]
    ):
        c.problem("effective_to", "is before effective_from")
    if out["id"] and out["id"] in out["members"]:
        c.problem("members", "a liên thông record cannot list itself")
    if out["id"] and out["interconnected_group"] == out["id"] and not out["members"]:
        c.problem("interconnected_group", "names this record itself, which has no members")
    return out


def _document(c: _Checker, raw: dict) -> dict:
    out: dict[str, Any] = {
        "id": c.slug(raw.get("id"), "id", required=True),
        "name": c.text(raw.get("name"), "name", required=True),
        "aliases": c.text_list(raw.get("aliases"), "aliases"),
        "what": c.text(raw.get("what"), "what", multiline=True, max_len=MAX_TEXT),
        "issuer": c.text(raw.get("issuer"), "issuer"),
        "how_to_get": c.text(raw.get("how_to_get"), "how_to_get", multiline=True, max_len=MAX_TEXT),
        "template": c.text(raw.get("template"), "template"),
        "replaced_by": c.text_list(raw.get("replaced_by"), "replaced_by", options=DATA_SOURCES),
    }
    _common_tail(c, raw, out)
    return out


def _faq(c: _Checker, raw: dict) -> dict:
    out: dict[str, Any] = {
        "id": c.slug(raw.get("id"), "id", required=True),
        "question": c.text(raw.get("question"), "question", required=True),
        "phrasings": c.text_list(raw.get("phrasings"), "phrasings"),
        "answer": c.text(
            raw.get("answer"), "answer", required=True, multiline=True, max_len=MAX_TEXT
        ),
        "related_procedures": c.text_list(
            raw.get("related_procedures"), "related_procedures", slugs=True
        ),
        "status": c.choice(raw.get("status"), "status", STATUSES, required=True),
    }
    _common_tail(c, raw, out)
    return out


_NORMALISERS = {PROCEDURE: _procedure, DOCUMENT: _document, FAQ: _faq}


def normalize_record(
    kind: str, raw: Any, location: str | None = None
) -> tuple[dict, list[Problem]]:
    """Return the canonical form of ``raw`` (all fields, in order) and its shape problems.

    References to other records are not checked here; see :func:`check_references`.
    """
    if not isinstance(raw, dict):
        problem = Problem(kind, None, "(record)", "must be a mapping of field names", location)
        return {}, [problem]
    checker = _Checker(kind, raw, location)
    checker.fields(raw, FIELDS[kind])
    record = _NORMALISERS[kind](checker, raw)
    return {name: record[name] for name in FIELDS[kind]}, checker.problems


def check_references(
    kind: str, record: dict, refs: References, location: str | None = None
) -> list[Problem]:
    """Problems with ids in ``record`` that do not exist in ``refs``."""
    rid = record.get("id")
    problems: list[Problem] = []

    def add(name: str, reason: str) -> None:
        problems.append(Problem(kind, rid, name, reason, location))

    if kind == PROCEDURE:
        for i, case in enumerate(record["documents"]):
            for j, item in enumerate(case["items"]):
                doc = item["document"]
                if doc and doc not in refs.documents:
                    add(f"documents[{i}].items[{j}].document", f"unknown glossary id {doc!r}")
        for i, member in enumerate(record["members"]):
            if member not in refs.procedures:
                add(f"members[{i}]", f"unknown procedure id {member!r}")
        group = record["interconnected_group"]
        if group and group != rid:
            if group not in refs.procedures:
                add("interconnected_group", f"unknown procedure id {group!r}")
            elif group not in refs.groups:
                add("interconnected_group", f"{group!r} is not a liên thông record (no members)")
            elif rid not in refs.groups[group]:
                add("interconnected_group", f"{group!r} does not list {rid!r} among its members")
        if record["members"]:
            for claimer in sorted(refs.claims.get(rid, set()) - set(record["members"]) - {rid}):
                add("members", f"{claimer!r} names this record as its group but is not listed")
    elif kind == FAQ:
        for i, pid in enumerate(record["related_procedures"]):
            if pid not in refs.procedures:
                add(f"related_procedures[{i}]", f"unknown procedure id {pid!r}")
    return problems


def validate_record(kind: str, raw: Any, refs: References | None = None) -> dict:
    """Normalise one record and check its references; raise :class:`ValidationError`."""
    record, problems = normalize_record(kind, raw)
    if not problems and refs is not None:
        single = Bundle()
        single.add(kind, record)
        problems = check_references(kind, record, refs.overlay(single))
    if problems:
        raise ValidationError(problems)
    return record


def validate_bundle(bundle: Bundle, base: References | None = None) -> Bundle:
    """Normalise every record of ``bundle`` and check all ids against ``base`` plus the bundle.

    Raises :class:`ValidationError` listing every problem; returns the normalised bundle.
    """
    out = Bundle()
    problems: list[Problem] = []
    for kind in KINDS:
        seen: dict[str, str] = {}
        for index, raw in enumerate(bundle.of(kind)):
            location = bundle.locations.get((kind, index))
            record, found = normalize_record(kind, raw, location)
            problems.extend(found)
            rid = record.get("id")
            if rid and rid in seen:
                problems.append(
                    Problem(kind, rid, "id", f"duplicate id (also at {seen[rid]})", location)
                )
            elif rid:
                seen[rid] = location or f"{kind} #{index + 1}"
            out.add(kind, record, location)
    refs = (base or References()).overlay(out)
    for kind in KINDS:
        for index, record in enumerate(out.of(kind)):
            if record.get("id"):
                problems.extend(
                    check_references(kind, record, refs, out.locations.get((kind, index)))
                )
    if problems:
        raise ValidationError(problems)
    return out
