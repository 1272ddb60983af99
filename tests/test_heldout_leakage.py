"""The held-out cases must stay out of the training data and the knowledge-base aliases.

Texts are compared after full normalisation (case, diacritics, abbreviations, punctuation), so a
copy typed without tone marks or with "ks" for "khai sinh" is caught too.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.augment import examples_by_intent
from bot.evaluate import load_cases
from procedure_kb.text import normalize

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def plain(example: str) -> str:
    """Training example without entity annotations, normalised."""
    return normalize(ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", example))


HELDOUT_SETS = sorted(ROOT.glob("tests/heldout*/cases.yml"))


def heldout_texts() -> set[str]:
    return {normalize(c.text) for path in HELDOUT_SETS for c in load_cases(path)}


def test_both_heldout_sets_are_checked():
    assert len(HELDOUT_SETS) >= 2


def test_no_heldout_case_is_a_training_example():
    training = {plain(t) for items in examples_by_intent(ROOT / "data").values() for t in items}
    leaked = sorted(heldout_texts() & training)
    assert not leaked, f"held-out cases copied into training data: {leaked[:10]}"


def test_no_heldout_case_is_a_knowledge_base_phrase():
    phrases: set[str] = set()
    for path in (ROOT / "procedure_kb" / "data").rglob("*.yml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            continue
        for key in ("aliases", "keywords", "phrasings"):
            phrases.update(normalize(str(p)) for p in record.get(key) or [])
        for key in ("name", "question"):
            if record.get(key):
                phrases.add(normalize(str(record[key])))
    leaked = sorted(heldout_texts() & phrases)
    assert not leaked, f"held-out cases copied into the knowledge base: {leaked[:10]}"
