"""Validation: required fields, enums, types, dates, references, and the canonical shape."""

from __future__ import annotations

import copy
import unicodedata
from datetime import date

import pytest
import records

from procedure_kb.bundle import DOCUMENT, FAQ, PROCEDURE, Bundle
from procedure_kb.validation import (
    References,
    ValidationError,
    normalize_record,
    validate_bundle,
    validate_record,
)


def problems_of(kind: str, record: dict) -> list[str]:
    _, problems = normalize_record(kind, record, "test.yml")
    return [f"{p.field}: {p.reason}" for p in problems]


def test_fixture_records_are_already_canonical() -> None:
    bundle = records.bundle()
    assert validate_bundle(bundle) == Bundle(
        records.PROCEDURES, records.DOCUMENTS, records.FAQS, {}
    )


def test_missing_optional_fields_get_defaults_in_format_order() -> None:
    record, problems = normalize_record(
        FAQ,
        {
            "id": "x",
            "question": "Hỏi?",
            "answer": "Đáp ạ.",
            "status": "draft",
            "source": "s",
            "reviewed_at": date(2025, 1, 2),
        },
    )
    assert problems == []
    assert list(record) == [
        "id", "question", "phrasings", "answer", "related_procedures",
        "status", "source", "reviewed_at", "needs_review",
    ]  # fmt: skip
    assert record["phrasings"] == [] and record["needs_review"] == []


@pytest.mark.parametrize("name", ["id", "name", "status", "source", "reviewed_at"])
def test_required_procedure_fields(name: str) -> None:
    record = records.procedure()
    record[name] = None
    assert f"{name}: is required" in problems_of(PROCEDURE, record)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("level",), "district", "level: 'district' is not one of: province, commune"),
        (("status",), "live", "status: 'live' is not one of: published, draft, retired"),
        (("online_level",), "yes", "online_level: 'yes' is not one of: full, partial, none"),
        (("submission", 0, "channel"), "email", "submission[0].channel: 'email' is not one of"),
        (("documents", 1, "items", 0, "skip_if", 0), "sms", "documents[1].items[0].skip_if[0]"),
        (("code",), 1.001193, "code: must be text, not number 1.001193 (quote it)"),
        (("submission", 0, "time_days"), "hai", "submission[0].time_days: must be a number"),
        (("submission", 0, "fee_vnd"), -5, "submission[0].fee_vnd: must be between 0"),
        (("submission", 0, "fee_vnd"), 1.5, "submission[0].fee_vnd: must be a whole number"),
        (("documents", 0, "items", 0, "originals"), True, "items[0].originals: must be a whole"),
        (("reviewed_at",), "20/11/2025", "reviewed_at: must be a date written YYYY-MM-DD"),
        (("effective_from",), "2025-13-01", "effective_from: must be a date written YYYY-MM-DD"),
        (("legal_basis", 0, "date"), "hôm qua", "legal_basis[0].date: must be a date"),
        (("id",), "Khai Sinh", "id: 'Khai Sinh' is not an id"),
        (("aliases",), "khai sinh", "aliases: must be a list, not text"),
        (("portal_url",), "dichvucong.gov.vn", "portal_url: 'dichvucong.gov.vn' must start with"),
        (("documents", 0, "items"), [], "documents[0].items: must list at least one document"),
        (("name",), "Đăng ký\x07 khai sinh", "name: contains control characters"),
        (("summary",), "x" * 20_001, "summary: is too long (20001 characters, at most 20000)"),
    ],
)
def test_bad_values_name_the_field_and_reason(path: tuple, value: object, expected: str) -> None:
    record = records.procedure()
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    found = problems_of(PROCEDURE, record)
    assert any(expected in problem for problem in found), found


def test_unknown_fields_are_rejected_at_every_level() -> None:
    record = records.procedure()
    record["fees"] = "0"
    record["submission"][0]["price"] = 0
    record["documents"][0]["items"][0]["copy"] = 1
    record["legal_basis"][0]["issuer"] = "Quốc hội"
    found = problems_of(PROCEDURE, record)
    assert [p.split(":")[0] for p in found] == [
        "fees",
        "submission[0].price",
        "documents[0].items[0].copy",
        "legal_basis[0].issuer",
    ]


def test_dates_and_texts_are_normalised() -> None:
    record = records.procedure()
    record["reviewed_at"] = "2025-11-20"
    record["name"] = unicodedata.normalize("NFD", "  Đăng   ký\nkhai sinh ")
    record["aliases"] = ["khai sinh", "khai sinh", " dk  ks "]
    record["effective_to"] = "2030-01-01"
    clean = validate_record(PROCEDURE, record)
    assert clean["reviewed_at"] == date(2025, 11, 20)
    assert clean["effective_to"] == date(2030, 1, 1)
    assert clean["name"] == "Đăng ký khai sinh"
    assert unicodedata.is_normalized("NFC", clean["name"])
    assert clean["aliases"] == ["khai sinh", "dk ks"]


def test_effective_to_before_from_and_self_membership() -> None:
    record = records.procedure("lien-thong-khai-sinh")
    record["effective_from"] = date(2025, 7, 1)
    record["effective_to"] = date(2025, 6, 30)
    record["members"].append("lien-thong-khai-sinh")
    found = problems_of(PROCEDURE, record)
    assert "effective_to: is before effective_from" in found
    assert "members: a liên thông record cannot list itself" in found


@pytest.mark.parametrize("kind", [PROCEDURE, DOCUMENT, FAQ])
def test_a_review_note_must_name_its_field(kind: str) -> None:
    pool = {PROCEDURE: records.PROCEDURES, DOCUMENT: records.DOCUMENTS, FAQ: records.FAQS}[kind]
    record = copy.deepcopy(pool[0])
    record["needs_review"] = [
        "Lệ phí theo nghị quyết của tỉnh: cần đối chiếu.",
        "cần kiểm tra lại toàn bộ",
        "price: không có trường này",
        "source: trang cũ",
    ]
    found = [p for p in problems_of(kind, record) if p.startswith("needs_review")]
    assert [p.split(":")[0] for p in found] == [
        "needs_review[0]",
        "needs_review[1]",
        "needs_review[2]",
    ], found
    assert "names no field" in found[0]


def test_nested_field_paths_name_a_field() -> None:
    record = records.procedure()
    record["needs_review"] = [
        "fee: mức thu mới",
        "submission[1].time_days: chưa rõ",
        "documents[0].items[0].template: mẫu mới",
        "legal_basis[1].date: ngày ban hành",
        "reviewed_at: chưa kiểm tra lại",
    ]
    assert problems_of(PROCEDURE, record) == []


def _dated(*periods: tuple) -> dict:
    record = records.procedure()
    way = record["submission"][1]
    way["fees"] = [
        {"valid_from": start, "valid_until": end, "fee": None, "fee_vnd": amount}
        for start, end, amount in periods
    ]
    return record


def test_dated_fees_in_order_and_not_overlapping_are_valid() -> None:
    record = _dated((None, "2026-12-31", 0), ("2027-01-01", None, 8000))
    clean = validate_record(PROCEDURE, record)
    assert [f["valid_from"] for f in clean["submission"][1]["fees"]] == [None, date(2027, 1, 1)]


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (
            [("2027-01-01", "2026-12-31", 0)],
            "submission[1].fees[0].valid_until: 2026-12-31 is before valid_from 2027-01-01",
        ),
        (
            [(None, "2026-12-31", 0), ("2026-12-31", None, 8000)],
            "submission[1].fees[1]: its period overlaps the period of submission[1].fees[0]",
        ),
        (
            [(None, None, 0), ("2027-01-01", None, 8000)],
            "submission[1].fees[0]: needs valid_from or valid_until",
        ),
        (
            [("2025-07-01", "2026-12-31", None)],
            "submission[1].fees[0]: gives neither fee nor fee_vnd",
        ),
    ],
)
def test_inconsistent_validity_periods_are_rejected(periods: list, expected: str) -> None:
    found = problems_of(PROCEDURE, _dated(*periods))
    assert any(problem.startswith(expected) for problem in found), found


def test_dated_fees_replace_the_plain_fee() -> None:
    record = _dated((None, "2026-12-31", 0))
    record["submission"][1]["fee_vnd"] = 5000
    assert "submission[1].fees: give either fee / fee_vnd or dated fees, not both" in problems_of(
        PROCEDURE, record
    )


def test_a_legal_text_in_force_until_before_from_is_rejected() -> None:
    record = records.procedure()
    record["legal_basis"][0].update(valid_from="2026-03-15", valid_until="2025-12-31")
    assert any(
        p.startswith("legal_basis[0].valid_until: 2025-12-31 is before valid_from")
        for p in problems_of(PROCEDURE, record)
    )


def test_record_must_be_a_mapping() -> None:
    with pytest.raises(ValidationError, match=r"field \(record\): must be a mapping"):
        validate_bundle(Bundle(faqs=["not a record"]))


def test_unknown_glossary_id_is_reported_with_record_field_and_location() -> None:
    bundle = records.bundle()
    bundle.procedures[0]["documents"][0]["items"][1]["document"] = "giay-chung-sinh-x"
    bundle.locations[(PROCEDURE, 0)] = "procedures/khai-sinh.yml"
    with pytest.raises(ValidationError) as caught:
        validate_bundle(bundle)
    assert str(caught.value) == (
        "procedure 'khai-sinh' (procedures/khai-sinh.yml), field documents[0].items[1].document: "
        "unknown glossary id 'giay-chung-sinh-x'"
    )


def test_references_to_procedures_must_exist() -> None:
    bundle = records.bundle()
    bundle.procedures[2]["members"].append("khong-co")
    bundle.faqs[1]["related_procedures"] = ["khai-sinh", "khong-co-nua"]
    with pytest.raises(ValidationError) as caught:
        validate_bundle(bundle)
    fields = {(p.record_id, p.field, p.reason) for p in caught.value.problems}
    assert fields == {
        ("lien-thong-khai-sinh", "members[2]", "unknown procedure id 'khong-co'"),
        ("tra-cuu-ho-so", "related_procedures[1]", "unknown procedure id 'khong-co-nua'"),
    }


def test_interconnected_group_must_list_its_members_both_ways() -> None:
    bundle = records.bundle()
    bundle.procedures[2]["members"] = ["khai-sinh"]  # drops dang-ky-thuong-tru
    with pytest.raises(ValidationError) as caught:
        validate_bundle(bundle)
    reasons = {(p.record_id, p.field): p.reason for p in caught.value.problems}
    assert reasons == {
        ("dang-ky-thuong-tru", "interconnected_group"): (
            "'lien-thong-khai-sinh' does not list 'dang-ky-thuong-tru' among its members"
        ),
        ("lien-thong-khai-sinh", "members"): (
            "'dang-ky-thuong-tru' names this record as its group but is not listed"
        ),
    }


def test_group_must_be_a_lien_thong_record() -> None:
    bundle = records.bundle()
    bundle.procedures[1]["interconnected_group"] = "khai-tu"
    with pytest.raises(ValidationError, match="'khai-tu' is not a liên thông record"):
        validate_bundle(bundle)


def test_duplicate_ids_and_all_problems_are_collected() -> None:
    bundle = records.bundle()
    bundle.documents.append(dict(records.DOCUMENTS[0]))
    bundle.faqs[0]["status"] = "live"
    with pytest.raises(ValidationError) as caught:
        validate_bundle(bundle)
    assert [(p.kind, p.record_id, p.field) for p in caught.value.problems] == [
        (DOCUMENT, "to-khai-dang-ky-khai-sinh", "id"),
        (FAQ, "quen-mat-khau", "status"),
    ]


def test_references_from_the_database_count() -> None:
    faq = dict(records.FAQS[1])
    with pytest.raises(ValidationError):
        validate_record(FAQ, faq, References())
    assert validate_record(FAQ, faq, References(procedures={"khai-sinh"}))["id"] == faq["id"]


def test_long_error_lists_are_cut() -> None:
    bad = [{"id": f"faq-{i}"} for i in range(30)]
    with pytest.raises(ValidationError) as caught:
        validate_bundle(Bundle(faqs=bad))
    message = str(caught.value).splitlines()
    assert len(caught.value.problems) == 30 * 5
    assert len(message) == ValidationError.MAX_SHOWN + 1
    assert message[-1] == f"... and {150 - ValidationError.MAX_SHOWN} more problems"
