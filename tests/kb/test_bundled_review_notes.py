"""Review notes of the bundled procedures name the field they are about.

A note in prose ("cần kiểm tra lại...") names no field, so every answer carries the vague line
"cán bộ đang kiểm tra lại thông tin này" and nothing is withheld; a note "fee: ..." withholds
the fee and says which part to confirm. ``reviewed_at`` must mean the record was checked on that
date: a record not re-checked says so in a "reviewed_at: ..." note.
"""

from __future__ import annotations

import pytest

from procedure_kb.loader import read_folder
from procedure_kb.validation import validate_bundle
from procedure_kb.wording import review_sections

BUNDLE = validate_bundle(read_folder())
PROCEDURES = BUNDLE.procedures
RECORDS = [*BUNDLE.procedures, *BUNDLE.documents, *BUNDLE.faqs]
LAST_REVIEW = max(p["reviewed_at"] for p in PROCEDURES)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_every_review_note_names_a_known_field(record: dict) -> None:
    vague = [
        note for note in record["needs_review"] if "*" in review_sections({"needs_review": [note]})
    ]
    assert not vague, f"{record['id']}: notes that name no known field: {vague}"


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p["id"])
def test_a_record_not_rechecked_says_so(procedure: dict) -> None:
    says_not_rechecked = any(note.startswith("reviewed_at:") for note in procedure["needs_review"])
    assert (procedure["reviewed_at"] == LAST_REVIEW) != says_not_rechecked, (
        f"{procedure['id']}: reviewed_at {procedure['reviewed_at']} and the 'reviewed_at:' note "
        "disagree (a record checked on the last review date carries no such note; any other does)"
    )
