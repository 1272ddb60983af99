"""Every text a citizen reads passes the plain-words rules of :mod:`procedure_kb.plain_words`.

Three sources, each checked on its own unit:

* the bundled records: every field value a reply or the printable checklist shows (one condition,
  one step, one dossier note, one glossary explanation, one FAQ answer), since any of them can be
  read alone; notes and bullets also have the length limit;
* the replies built from those records by the real formatting code (``actions.formatting``): every
  chat bubble of every procedure question, document explanation, FAQ answer, handoff and fallback
  reply, with the phone-screen limit;
* the ``responses:`` texts of domain.yml.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import formatting as f
from procedure_kb import plain_words
from procedure_kb.loader import read_folder
from procedure_kb.office import load_office
from procedure_kb.periods import as_of
from procedure_kb.validation import validate_bundle

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = validate_bundle(read_folder())
PROCEDURES = {p["id"]: p for p in BUNDLE.procedures}
DOCUMENTS = {d["id"]: d for d in BUNDLE.documents}
DAY = date(2026, 12, 7)  # replies state the values in force on this day
CHECKLIST = "https://tro-ly.example/in/khai-sinh"

# Fields that read as a note or a bullet (length limit); the others are checked without one.
NOTE_FIELDS = ("conditions", "steps", "note", "how_to_get", "what", "issuer")


def procedure_texts(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, text) of every citizen-facing value of a procedure."""
    out = [(key, record[key]) for key in ("name", "agency", "summary", "applicants", "result")]
    out += [(f"conditions[{i}]", text) for i, text in enumerate(record["conditions"])]
    out += [(f"steps[{i}]", text) for i, text in enumerate(record["steps"])]
    for i, way in enumerate(record["submission"]):
        out += [(f"submission[{i}].{k}", way.get(k)) for k in ("time_text", "fee", "description")]
        out += [
            (f"submission[{i}].fees[{j}].fee", fee.get("fee"))
            for j, fee in enumerate(way.get("fees") or [])
        ]
    for g, group in enumerate(record["documents"]):
        out.append((f"documents[{g}].case", group.get("case")))
        for i, item in enumerate(group["items"]):
            out += [
                (f"documents[{g}].items[{i}].{k}", item.get(k))
                for k in ("name", "template", "note")
            ]
    out += [
        (f"legal_basis[{i}].title", law.get("title")) for i, law in enumerate(record["legal_basis"])
    ]
    return [(path, str(text)) for path, text in out if text]


def record_texts() -> list[tuple[str, str, str]]:
    """(record id, field path, text) over the whole bundle."""
    out = []
    for record in BUNDLE.procedures:
        out += [(record["id"], path, text) for path, text in procedure_texts(record)]
    for record in BUNDLE.documents:
        keys = ("name", "what", "issuer", "how_to_get", "template")
        out += [(record["id"], k, str(record[k])) for k in keys if record.get(k)]
    for record in BUNDLE.faqs:
        out += [(record["id"], k, str(record[k])) for k in ("question", "answer") if record.get(k)]
    return out


def kind_of(path: str) -> str:
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return "note" if last in NOTE_FIELDS else "text"


RECORD_TEXTS = record_texts()


@pytest.mark.parametrize(
    ("rid", "path", "text"), RECORD_TEXTS, ids=[f"{r}:{p}" for r, p, _ in RECORD_TEXTS]
)
def test_record_text_is_plain(rid: str, path: str, text: str) -> None:
    assert plain_words.check(text, kind_of(path)) == [], f"{rid} {path}: {text}"


def test_a_template_name_has_no_brackets_of_its_own() -> None:
    """A dossier line puts the template in brackets ("Tờ khai (Mẫu ...)"): brackets inside it
    would nest."""
    found = [
        (rid, path) for rid, path, text in RECORD_TEXTS if path.endswith("template") and "(" in text
    ]
    assert found == []


def related_of(procedure: dict[str, Any]) -> f.Related:
    group = PROCEDURES.get(procedure.get("interconnected_group") or "")
    members = [PROCEDURES[m] for m in procedure.get("members") or [] if m in PROCEDURES]
    return f.Related(group=group if group is not procedure else None, members=members)


def bubbles() -> list[tuple[str, str]]:
    """(what was asked, bubble text) for every reply the formatting code builds from the bundle."""
    out = []
    for pid, record in PROCEDURES.items():
        procedure = as_of(record, DAY)
        for intent in f.ANSWERS:
            for bubble in f.procedure_answer(intent, procedure, related_of(procedure), CHECKLIST):
                out.append((f"{intent} {pid}", bubble.text))
    users: dict[str, list[str]] = {}
    for pid, record in PROCEDURES.items():
        for group in record["documents"]:
            for item in group["items"]:
                users.setdefault(item["document"], []).append(pid)
    for did, document in DOCUMENTS.items():
        out += [(f"explain_document {did}", b.text) for b in f.document_answer(document)]
        for pid in users.get(did, [])[:1]:
            answer = f.document_answer(document, PROCEDURES[pid])
            out += [(f"explain_document {did} in {pid}", b.text) for b in answer]
    for faq in BUNDLE.faqs:
        out += [(f"ask_faq {faq['id']}", b.text) for b in f.faq_answer(faq)]
    office = load_office()
    communes = [None, *(office.get("communes") or [])[:2]]
    moment = datetime(2026, 12, 7, 8, 0)
    for commune in communes:
        for is_open in (True, False):
            reply = f.handoff_answer(
                office, commune, is_open, None if is_open else "weekend", moment
            )
            out.append((f"human_handoff open={is_open}", reply.text))
    fixed = [
        f.fallback_reply(False),
        f.fallback_reply(True),
        f.handoff_offer(),
        f.callback_consent_question(),
        f.callback_saved("09******12", moment),
        f.callback_declined(office),
        *f.procedure_not_found("ask_fee", True, [], []),
        *f.procedure_not_found("ask_fee", False, [], []),
        *f.procedure_choice("ask_fee", [("khai-sinh", "Đăng ký khai sinh")]),
    ]
    out += [("fixed reply", bubble.text) for bubble in fixed]
    out += [("fixed reply", text) for text in (f.INVALID_PHONE, f.ASK_CALLBACK_PHONE)]
    return out


BUBBLES = bubbles()


@pytest.mark.parametrize(("asked", "text"), BUBBLES, ids=[asked for asked, _ in BUBBLES])
def test_each_reply_bubble_is_plain_and_fits_one_screen(asked: str, text: str) -> None:
    assert plain_words.check(text, "bubble") == [], f"{asked}:\n{text}"


def domain_responses() -> list[tuple[str, str]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [
        (name, str(variant["text"]))
        for name, variants in (domain.get("responses") or {}).items()
        for variant in variants
        if variant.get("text")
    ]


RESPONSES = domain_responses()


@pytest.mark.parametrize(("name", "text"), RESPONSES, ids=[name for name, _ in RESPONSES])
def test_domain_responses_are_plain(name: str, text: str) -> None:
    assert plain_words.check(text, "bubble") == [], f"{name}: {text}"


def test_the_checks_cover_the_whole_bundle_and_every_reply_kind() -> None:
    """The parametrised lists above are not accidentally empty or partial."""
    assert {rid for rid, _, _ in RECORD_TEXTS} >= set(PROCEDURES) | set(DOCUMENTS)
    asked = {a.split(" ", 1)[0] for a, _ in BUBBLES}
    assert asked >= {*f.ANSWERS, "explain_document", "ask_faq", "human_handoff", "fixed"}
    assert len(RESPONSES) >= 5
