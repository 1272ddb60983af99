"""Repository on real databases: round trips, drafts, revisions, feedback tables, query counts."""

from __future__ import annotations

import copy

import pytest
import records
from sqlalchemy import event

from procedure_kb import migrations
from procedure_kb.bundle import Bundle
from procedure_kb.database import DatabaseNotReady
from procedure_kb.repository import Repository, normalize_phone
from procedure_kb.validation import ValidationError


@pytest.fixture
def loaded(repo: Repository) -> Repository:
    repo.import_bundle(records.bundle())
    return repo


def test_records_come_back_in_the_file_shape(loaded: Repository) -> None:
    assert loaded.get_procedure("khai-sinh") == records.KHAI_SINH
    assert loaded.get_document("giay-to-tuy-than") == records.DOCUMENTS[2]
    assert loaded.get_faq("quen-mat-khau") == records.FAQS[0]
    group = loaded.get_procedure("lien-thong-khai-sinh")
    assert group["members"] == ["khai-sinh", "dang-ky-thuong-tru"]
    assert isinstance(loaded.get_procedure("khai-sinh")["submission"][0]["time_days"], int)


def test_published_only_unless_asked(loaded: Repository) -> None:
    assert [p["id"] for p in loaded.list_procedures()] == [
        "dang-ky-thuong-tru",
        "khai-sinh",
        "lien-thong-khai-sinh",
    ]
    assert loaded.get_procedure("khai-tu") is None
    assert loaded.get_procedure("khai-tu", include_drafts=True)["status"] == "draft"
    assert len(loaded.list_procedures(include_drafts=True)) == 4
    assert [f["id"] for f in loaded.list_faqs()] == ["quen-mat-khau"]
    assert loaded.get_faq("tra-cuu-ho-so") is None
    assert [f["id"] for f in loaded.list_faqs(include_drafts=True)] == [
        "quen-mat-khau",
        "tra-cuu-ho-so",
    ]
    assert [d["id"] for d in loaded.list_documents()] == sorted(d["id"] for d in records.DOCUMENTS)
    assert loaded.get_procedure("khong-co") is None and loaded.get_document("khong-co") is None


def test_upsert_replaces_all_parts_and_bumps_revision(loaded: Repository) -> None:
    before = loaded.revision()
    changed = records.procedure()
    changed["steps"] = ["Nộp hồ sơ trực tuyến."]
    changed["documents"] = changed["documents"][:1]
    changed["submission"] = changed["submission"][1:]
    changed["legal_basis"] = []
    changed["aliases"].append("làm khai sinh")
    stored = loaded.upsert_procedure(changed)
    assert stored == changed
    assert loaded.get_procedure("khai-sinh") == changed
    assert loaded.revision() == before + 1
    loaded.upsert_faq({**records.FAQS[0], "answer": "Câu trả lời mới ạ."})
    loaded.upsert_document({**records.DOCUMENTS[1], "issuer": "Trạm y tế xã"})
    assert loaded.get_faq("quen-mat-khau")["answer"] == "Câu trả lời mới ạ."
    assert loaded.get_document("giay-chung-sinh")["issuer"] == "Trạm y tế xã"
    assert loaded.revision() == before + 3


def test_invalid_upsert_changes_nothing(loaded: Repository) -> None:
    before = (loaded.revision(), loaded.export_bundle())
    bad = records.procedure()
    bad["steps"] = ["Bước mới."]
    bad["documents"][0]["items"][0]["document"] = "to-khai-khong-co"
    with pytest.raises(ValidationError, match=r"documents\[0\]\.items\[0\]\.document"):
        loaded.upsert_procedure(bad)
    with pytest.raises(ValidationError, match="field status"):
        loaded.upsert_faq({**records.FAQS[0], "status": "live"})
    assert (loaded.revision(), loaded.export_bundle()) == before


def test_removing_a_claimed_member_from_a_group_is_refused(loaded: Repository) -> None:
    group = records.procedure("lien-thong-khai-sinh")
    group["members"] = ["khai-sinh"]
    with pytest.raises(ValidationError, match="'dang-ky-thuong-tru' names this record"):
        loaded.upsert_procedure(group)
    member = records.procedure("dang-ky-thuong-tru")
    member["interconnected_group"] = None
    loaded.upsert_procedure(member)
    assert loaded.upsert_procedure(group)["members"] == ["khai-sinh"]


def test_a_group_is_created_before_its_members_name_it(repo: Repository) -> None:
    bundle = records.bundle()
    repo.import_bundle(Bundle(documents=bundle.documents))
    first = copy.deepcopy(bundle.procedures[0])
    first["interconnected_group"] = None
    repo.upsert_procedure(first)
    with pytest.raises(ValidationError, match="unknown procedure id 'lien-thong-khai-sinh'"):
        repo.upsert_procedure(bundle.procedures[1])
    with pytest.raises(ValidationError, match="unknown procedure id 'dang-ky-thuong-tru'"):
        repo.upsert_procedure(bundle.procedures[2])


def test_empty_import_keeps_the_revision(repo: Repository) -> None:
    assert repo.revision() == 0
    repo.import_bundle(Bundle())
    assert repo.revision() == 0
    repo.import_bundle(records.bundle())
    assert repo.revision() == 1
    assert repo.counts() == {"procedures": 4, "glossary_documents": 3, "faqs": 2}


def test_unanswered_questions_are_cleaned_and_masked(repo: Repository) -> None:
    repo.record_unanswered("Số của tôi là 0912 345 678, CCCD 001203004567 ạ", "sender-1", "ask_x")
    repo.record_unanswered("   ", "sender-1", None)
    repo.record_unanswered("😀\x00 thủ tục " + "a" * 5000, None, None)
    stored = repo.list_unanswered()
    assert [q["text"][:20] for q in stored] == ["😀 thủ tục aaaaaaaaaa", "Số của tôi là 091***"]
    assert stored[1]["text"] == "Số của tôi là 091*******, CCCD *********567 ạ"
    assert len(stored[0]["text"]) == 2000
    assert stored[1]["sender_id"] == "sender-1" and stored[1]["intent"] == "ask_x"
    assert not stored[0]["handled"] and stored[0]["created_at"] is not None
    assert repo.revision() == 0  # feedback is not knowledge-base content
    assert repo.mark_unanswered_handled(stored[1]["id"])
    assert not repo.mark_unanswered_handled(10_000)
    assert [q["id"] for q in repo.list_unanswered(handled=False)] == [stored[0]["id"]]
    assert [q["id"] for q in repo.list_unanswered(handled=True)] == [stored[1]["id"]]


def test_callback_requests(repo: Repository) -> None:
    first = repo.record_callback_request("+84 912.345.678", "s-1", "Xã Tân Lập", "Hỏi về khai sinh")
    second = repo.record_callback_request("024 3825 1234", None, None, None)
    assert second > first
    stored = repo.list_callback_requests()
    assert [r["id"] for r in stored] == [second, first]
    assert stored[1]["phone"] == "0912345678" and stored[0]["phone"] == "02438251234"
    assert stored[1]["commune"] == "Xã Tân Lập" and stored[1]["status"] == "new"
    assert stored[1]["consent_at"] == stored[1]["created_at"]
    assert repo.set_callback_status(first, "contacted")
    assert [r["id"] for r in repo.list_callback_requests("contacted")] == [first]
    with pytest.raises(ValueError, match="status"):
        repo.set_callback_status(first, "lost")
    with pytest.raises(ValueError, match="phone"):
        repo.record_callback_request("12345", "s-1", None, None)
    assert len(repo.list_callback_requests()) == 2


def test_listing_uses_a_fixed_number_of_queries(repo: Repository) -> None:
    base = records.bundle()
    repo.import_bundle(Bundle(documents=base.documents))

    def many(n: int) -> Bundle:
        out = Bundle()
        for i in range(n):
            record = records.procedure()
            record.update(id=f"thu-tuc-{i}", interconnected_group=None, code=None)
            out.procedures.append(record)
        return out

    def statements() -> int:
        count = 0

        def counter(*_args) -> None:
            nonlocal count
            count += 1

        event.listen(repo.engine, "before_cursor_execute", counter)
        try:
            listed = repo.list_procedures()
        finally:
            event.remove(repo.engine, "before_cursor_execute", counter)
        assert all(p["documents"] and p["submission"] for p in listed)
        return count

    repo.import_bundle(many(5))
    few = statements()
    repo.import_bundle(many(120))
    assert statements() == few <= 8


def test_repository_does_not_create_the_schema(db_url: str) -> None:
    repo = Repository(db_url)
    try:
        with pytest.raises(DatabaseNotReady, match="python -m procedure_kb migrate"):
            repo.list_procedures()
        with pytest.raises(DatabaseNotReady):
            repo.upsert_faq(records.FAQS[0])
    finally:
        repo.close()
    assert migrations.current(db_url) is None


def test_unreachable_server_is_a_clear_error() -> None:
    repo = Repository("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseNotReady, match="cannot reach the knowledge base"):
        repo.revision()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 91 234 5678", "0912345678"),
    ],
)
def test_phone_numbers(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_stored_questions_mask_phone_and_id_numbers_but_keep_short_numbers(repo) -> None:
    repo.record_unanswered("năm 2025, mã 12345, ngày 20-11-2025, hồ sơ H29-240115-0001", "a", None)
    repo.record_unanswered("gọi 0987654321 hoặc 0987.654.321, căn cước 001.085.012.345", "b", None)
    masked, kept = (row["text"] for row in repo.list_unanswered())  # newest first
    assert kept == "năm 2025, mã 12345, ngày 20-11-2025, hồ sơ H29-240115-0001"
    # The last four phone digits are a verification factor: never kept.
    assert "4321" not in masked and "321" not in masked and "0123" not in masked
    assert masked.startswith("gọi 098*******")
