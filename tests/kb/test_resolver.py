"""Resolver tests: phrasings that are not in the records, run against real indexes.

Two catalogues are used: a small one in ``resolver_catalogue.yml`` (behaviour: typos, ambiguity,
groups, no match, live updates) and the bundled content in ``procedure_kb/data`` (accuracy on
varied phrasings, ``resolver_cases.yml``).
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from procedure_kb.resolver import Candidate, Resolution, Resolver

HERE = Path(__file__).resolve().parent


class MemorySource:
    """An in-memory knowledge source with a revision counter, like the repository."""

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        self.records = copy.deepcopy(records)
        self._revision = 1
        self.reads = 0

    def list_procedures(self) -> list[dict[str, Any]]:
        self.reads += 1
        return self.records["procedures"]

    def list_faqs(self) -> list[dict[str, Any]]:
        self.reads += 1
        return self.records["faqs"]

    def list_documents(self) -> list[dict[str, Any]]:
        self.reads += 1
        return self.records["documents"]

    def revision(self) -> int:
        return self._revision

    def bump(self) -> None:
        self._revision += 1


CATALOGUE = yaml.safe_load((HERE / "resolver_catalogue.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(MemorySource(CATALOGUE))


def top(resolution: Resolution) -> str | None:
    return resolution.best.id if resolution.best else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tôi cần đăng ký khai sinh cho con gái mới sinh", "khai-sinh"),
        ("toi can dang ky khai sinh cho con gai", "khai-sinh"),
        ("dk ks cho be", "khai-sinh"),
        ("đk ks cho bé nhà em", "khai-sinh"),
        ("dang ki khai sihn", "khai-sinh"),
        ("lam giay khai xinh", "khai-sinh"),
        ("khaisinh can nhung gi", "khai-sinh"),
        ("ĐĂNG KÝ KHAI SINH", "khai-sinh"),
        ("Thủ tục khai tử cho ông nội", "khai-tu"),
        ("kahi tu o dau", "khai-tu"),
        ("dang ky ket hom can giay to gi", "ket-hon"),
        ("hai đứa muốn đăng kí kết hôn", "ket-hon"),
        ("dang ky thuog tru cho vo", "dang-ky-thuong-tru"),
        ("xoá thường trú cho người đã chuyển đi", "xoa-dang-ky-thuong-tru"),
        ("ho chieu lam bao lau", "cap-ho-chieu"),
        ("Lệ phí làm hộ chiếu là bao nhiêu?", "cap-ho-chieu"),
        ("xin phep xay nha o que", "giay-phep-xay-dung"),
        ("tiền mai táng cho người cao tuổi", "tro-cap-mai-tang"),
        ("lam the bao hiem y te cho be duoi 6 tuoi", "bhyt-tre-duoi-6-tuoi"),
        ("nhan tien mai bang cho ba", "tro-cap-mai-tang"),  # a real word mistyped: táng
        ("doi gpxl het han", "doi-giay-phep-lai-xe"),  # a mistyped abbreviation: gplx
        ("làm passpotr", "cap-ho-chieu"),
    ],
)
def test_procedure_phrasings_not_in_the_records(resolver, text, expected):
    resolution = resolver.procedures(text)
    assert top(resolution) == expected, resolution.candidates
    assert resolution.matched


@pytest.mark.parametrize(
    ("text", "expected", "other"),
    [
        ("làm căn cước cho con 10 tuổi", "cap-the-can-cuoc", "cap-doi-cap-lai-the-can-cuoc"),
        ("cấp lại căn cước bị mất", "cap-doi-cap-lai-the-can-cuoc", "cap-the-can-cuoc"),
        ("đổi bằng lái", "doi-giay-phep-lai-xe", "cap-lai-giay-phep-lai-xe"),
        ("mất bằng lái", "cap-lai-giay-phep-lai-xe", "doi-giay-phep-lai-xe"),
        ("cap lai giay phep lai xe", "cap-lai-giay-phep-lai-xe", "doi-giay-phep-lai-xe"),
        ("doi gplx mat bao lau", "doi-giay-phep-lai-xe", "cap-lai-giay-phep-lai-xe"),
    ],
)
def test_close_procedures_are_told_apart(resolver, text, expected, other):
    resolution = resolver.procedures(text)
    assert top(resolution) == expected, resolution.candidates
    assert resolution.matched and not resolution.ambiguous
    assert other not in [c.id for c in resolution.candidates[:1]]


@pytest.mark.parametrize(
    "text",
    [
        "Bố tôi mới mất, gia đình cần làm những thủ tục gì để khai tử và nhận tiền mai táng?",
        "bo toi moi mat, gia dinh can lam nhung thu tuc gi de khai tu va nhan tien mai tang",
        "làm khai tử rồi xóa hộ khẩu cho bà",
    ],
)
def test_two_members_of_a_group_resolve_to_the_group(resolver, text):
    resolution = resolver.procedures(text)
    assert top(resolution) == "lien-thong-khai-tu", resolution.candidates
    assert resolution.matched and not resolution.ambiguous


def test_birth_group_from_birth_and_residence_or_health_insurance(resolver):
    assert top(resolver.procedures("đăng ký khai sinh và nhập hộ khẩu cho bé")) == (
        "lien-thong-khai-sinh"
    )
    assert top(resolver.procedures("khai sinh xong lam luon the bhyt cho be")) == (
        "lien-thong-khai-sinh"
    )


def test_one_member_stays_the_member(resolver):
    for text, expected in [("khai tử", "khai-tu"), ("dang ky khai sinh", "khai-sinh")]:
        resolution = resolver.procedures(text)
        assert top(resolution) == expected
        assert resolution.matched and not resolution.ambiguous


def test_a_long_rambling_message_still_finds_the_procedure(resolver):
    text = (
        "Chào anh chị, em ở quê lên thành phố làm việc được mấy năm rồi, nay em với bạn gái "
        "tính chuyện lâu dài, hai bên gia đình cũng đồng ý cả, nên em muốn hỏi là giờ đi "
        "đăng ký kết hôn thì cần mang theo những gì và làm ở phường nào ạ, em cảm ơn nhiều."
    )
    resolution = resolver.procedures(text)
    assert top(resolution) == "ket-hon" and resolution.matched


def test_giay_phep_alone_is_ambiguous_between_driving_and_building(resolver):
    resolution = resolver.procedures("giấy phép")
    assert resolution.ambiguous
    ids = [c.id for c in resolution.candidates[:3]]
    assert "giay-phep-xay-dung" in ids
    assert {"doi-giay-phep-lai-xe", "cap-lai-giay-phep-lai-xe"} & set(ids)


@pytest.mark.parametrize(
    "text",
    [
        "thời tiết hôm nay",
        "hôm nay trời có mưa không",
        "kể chuyện cười đi",
        "asdkjh qwe zxc",
        "😀😀😀",
        "'; DROP TABLE procedures; --",
        "<script>alert(1)</script>",
        "thủ tục nháp bí mật",  # a draft record is not searchable
    ],
)
def test_nonsense_and_out_of_scope_text_does_not_match(resolver, text):
    resolution = resolver.procedures(text)
    assert not resolution.matched, resolution.candidates
    assert not resolution.ambiguous, resolution.candidates


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", None, 12])
def test_empty_or_non_text_input_gives_an_empty_resolution(resolver, text):
    resolution = resolver.procedures(text)
    assert resolution.best is None and resolution.candidates == []
    assert not resolution.matched and not resolution.ambiguous


def test_huge_input_is_handled_quickly(resolver):
    text = "khai sinh " + "lorem ipsum dolor " * 20000
    started = time.perf_counter()
    resolution = resolver.procedures(text)
    assert time.perf_counter() - started < 1.0
    assert top(resolution) == "khai-sinh"


def test_exact_id_is_a_perfect_match(resolver):
    resolution = resolver.procedures("cap-doi-cap-lai-the-can-cuoc")
    assert resolution.best == Candidate(
        "cap-doi-cap-lai-the-can-cuoc", "Cấp đổi, cấp lại thẻ căn cước", 1.0
    )
    assert resolution.matched and not resolution.ambiguous
    assert top(resolver.faqs(" quen-mat-khau ")) == "quen-mat-khau"
    assert top(resolver.documents("giay-chung-sinh")) == "giay-chung-sinh"


def test_candidates_are_ranked_bounded_and_scored_between_0_and_1(resolver):
    for text in ["giấy phép", "căn cước", "đăng ký", "dang ky khai sinh cho be"]:
        candidates = resolver.procedures(text).candidates
        assert 1 <= len(candidates) <= 5
        scores = [c.score for c in candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert len({c.id for c in candidates}) == len(candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quen mat khau dich vu cong thi lam sao", "quen-mat-khau"),
        ("Tôi không nhớ mật khẩu đăng nhập", "quen-mat-khau"),
        ("dang nhap bang vneid nhu the nao", "dang-nhap-vneid"),
        ("đăng nhập cổng dvc bằng tài khoản định danh", "dang-nhap-vneid"),
        ("thanh toan le phi online duoc khong", "thanh-toan-truc-tuyen"),
        ("tra cứu tình trạng hồ sơ của tôi ở đâu", "tra-cuu-ho-so"),
    ],
)
def test_faq_resolution(resolver, text, expected):
    resolution = resolver.faqs(text)
    assert top(resolution) == expected, resolution.candidates
    assert resolution.matched


def test_faq_out_of_scope_does_not_match(resolver):
    assert not resolver.faqs("hôm nay trời có mưa không").matched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giấy chứng sinh là giấy gì vậy?", "giay-chung-sinh"),
        ("giay chung sinh lay o dau", "giay-chung-sinh"),
        ("to khai khai sinh dien the nao", "to-khai-dang-ky-khai-sinh"),
        ("mẫu tờ khai làm căn cước", "to-khai-cap-the-can-cuoc"),
        ("giấy báo tử xin ở đâu", "giay-bao-tu"),
    ],
)
def test_document_resolution(resolver, text, expected):
    resolution = resolver.documents(text)
    assert top(resolution) == expected, resolution.candidates
    assert resolution.matched


def test_alias_added_at_run_time_is_found_after_revision_bump():
    source = MemorySource(CATALOGUE)
    resolver = Resolver(source, check_interval=0.0)
    assert top(resolver.procedures("làm sổ thông hành")) != "cap-ho-chieu"
    record = next(r for r in source.records["procedures"] if r["id"] == "cap-ho-chieu")
    record["aliases"].append("sổ thông hành")
    assert not resolver.procedures("làm sổ thông hành").matched  # same revision: cached index
    source.bump()
    resolution = resolver.procedures("lam so thong hanh")
    assert top(resolution) == "cap-ho-chieu" and resolution.matched


def test_faq_added_at_run_time_is_found_after_revision_bump():
    source = MemorySource(CATALOGUE)
    resolver = Resolver(source, check_interval=0.0)
    assert not resolver.faqs("đổi số điện thoại tài khoản").matched
    source.records["faqs"].append(
        {
            "id": "doi-so-dien-thoai",
            "question": "Đổi số điện thoại đăng ký tài khoản như thế nào?",
            "phrasings": ["thay số điện thoại", "cập nhật sđt"],
            "status": "published",
        }
    )
    source.bump()
    assert top(resolver.faqs("muon doi sdt tai khoan")) == "doi-so-dien-thoai"


def test_revision_is_checked_at_most_once_per_interval_and_index_reused():
    source = MemorySource(CATALOGUE)
    resolver = Resolver(source, check_interval=3600.0)
    resolver.procedures("khai sinh")
    reads = source.reads
    for _ in range(5):
        resolver.procedures("khai tử")
    assert source.reads == reads  # no rebuild without a revision change
    record = next(r for r in source.records["procedures"] if r["id"] == "cap-ho-chieu")
    record["aliases"].append("sổ thông hành")
    source.bump()
    assert top(resolver.procedures("sổ thông hành")) != "cap-ho-chieu"  # not checked yet
    resolver.refresh()
    assert top(resolver.procedures("sổ thông hành")) == "cap-ho-chieu"


def test_resolver_does_not_import_rasa():
    import subprocess
    import sys

    code = (
        "import sys; from procedure_kb.resolver import Resolver; "
        "assert not any(m == 'rasa' or m.startswith('rasa.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_marks_typed_by_the_citizen_tell_folded_homographs_apart():
    source = MemorySource(
        {
            "procedures": [
                {"id": "dat-dai", "name": "Đăng ký đất đai lần đầu", "aliases": ["đất đai"]},
                {"id": "khac", "name": "Cấp giấy phép xây dựng", "aliases": ["xây nhà"]},
            ],
            "faqs": [],
            "documents": [],
        }
    )
    resolver = Resolver(source)
    for text in ("đất đai", "dat dai", "đăng ký đất đai", "dang ky dat dai"):
        assert top(resolver.procedures(text)) == "dat-dai" and resolver.procedures(text).matched
    for text in ("đặt đài", "số tổng đài là gì", "đặt vé máy bay"):
        assert not resolver.procedures(text).matched, text


def test_an_empty_knowledge_base_resolves_nothing():
    resolver = Resolver(MemorySource({"procedures": [], "faqs": [], "documents": []}))
    for resolve in (resolver.procedures, resolver.faqs, resolver.documents):
        resolution = resolve("khai sinh")
        assert resolution.best is None and not resolution.matched


def test_odd_records_are_skipped_or_read_leniently():
    records = {
        "procedures": [
            {"id": "khai-sinh", "name": "Đăng ký khai sinh", "aliases": "giấy khai sinh"},
            {"id": "khong-ten", "aliases": ["không có tên"]},
            {"id": "ket-hon", "name": "Đăng ký kết hôn", "aliases": None, "keywords": [None, 3]},
            "not a record",
        ],
        "faqs": [{"id": "x", "name": "FAQ without a question"}],
        "documents": [],
    }
    resolver = Resolver(MemorySource(records))
    assert top(resolver.procedures("lam giay khai sinh")) == "khai-sinh"
    assert top(resolver.procedures("ket hon")) == "ket-hon"
    assert top(resolver.procedures("không có tên")) != "khong-ten"
    assert resolver.faqs("FAQ without a question").best is None


def test_a_failing_revision_check_keeps_the_loaded_index():
    class Flaky(MemorySource):
        down = False

        def revision(self) -> int:
            if self.down:
                raise ConnectionError("database away")
            return super().revision()

    source = Flaky(CATALOGUE)
    resolver = Resolver(source, check_interval=0.0)
    assert top(resolver.procedures("khai tu")) == "khai-tu"
    source.down = True
    assert top(resolver.procedures("khai tu")) == "khai-tu"
    with pytest.raises(ConnectionError):
        Resolver(source).procedures("khai tu")  # nothing loaded yet: the caller must know


# ------------------------------------------------------------------ the bundled content


class FolderSource(MemorySource):
    """The YAML folders under procedure_kb/data, read as the loader reads them."""

    def __init__(self) -> None:
        from procedure_kb.loader import read_folder

        bundle = read_folder()
        super().__init__(
            {
                "procedures": bundle.procedures,
                "faqs": bundle.faqs,
                "documents": bundle.documents,
            }
        )


BUNDLED_CASES = yaml.safe_load((HERE / "resolver_cases.yml").read_text(encoding="utf-8"))
# Aims of the knowledge-base issue: procedure top-1 >= 0.92, FAQ top-1 >= 0.90.
AIMS = {"procedures": 0.92, "faqs": 0.90, "documents": 0.85}


@pytest.fixture(scope="module")
def bundled() -> tuple[Resolver, MemorySource]:
    source = FolderSource()
    return Resolver(source), source


@pytest.mark.parametrize("kind", ["procedures", "faqs", "documents"])
def test_top1_accuracy_on_the_bundled_content(bundled, kind):
    resolver, source = bundled
    cases = BUNDLED_CASES[kind]
    present = {str(r["id"]) for r in source.records[kind]}
    missing = sorted({c["id"] for c in cases} - present)
    if missing:
        pytest.skip(f"bundled content incomplete, no {kind} records for: {', '.join(missing)}")
    misses = []
    for case in cases:
        resolution = getattr(resolver, kind)(case["text"])
        if not (resolution.matched and top(resolution) == case["id"]):
            misses.append((case["text"], case["id"], resolution.candidates[:3]))
    accuracy = 1 - len(misses) / len(cases)
    assert accuracy >= AIMS[kind], f"top-1 {accuracy:.3f} on {len(cases)} {kind}; misses: {misses}"


def test_bundled_cases_cover_every_contract_procedure_and_faq():
    contract = HERE.parent.parent.parent / "shared" / "spec" / "conversation-contract.md"
    text = contract.read_text(encoding="utf-8") if contract.exists() else ""
    procedure_ids = {c["id"] for c in BUNDLED_CASES["procedures"]}
    faq_ids = {c["id"] for c in BUNDLED_CASES["faqs"]}
    assert len(procedure_ids) == 33 and len(faq_ids) == 13
    for record_id in procedure_ids | faq_ids:
        assert not text or f"`{record_id}`" in text


def test_bundled_cases_are_not_copies_of_record_phrases(bundled):
    """The cases are written independently of the records; staff may later add an alias that
    happens to equal one, so a few coincidences are tolerated."""
    from procedure_kb.matching import tokens

    _, source = bundled
    fields = {
        "procedures": ("name", "aliases", "keywords"),
        "faqs": ("question", "phrasings"),
        "documents": ("name", "aliases"),
    }
    copies = []
    for kind, names in fields.items():
        phrases = set()
        for record in source.records[kind]:
            for name in names:
                value = record.get(name) or []
                for text in [value] if isinstance(value, str) else value:
                    phrases.add(" ".join(tokens(str(text))))
        copies += [c["text"] for c in BUNDLED_CASES[kind] if " ".join(tokens(c["text"])) in phrases]
    total = sum(len(BUNDLED_CASES[kind]) for kind in fields)
    assert len(copies) <= 0.05 * total, f"cases identical to a record phrase: {copies}"


def test_shadowed_records_agree_with_the_definition():
    import random

    from procedure_kb.matching import _shadowed_records

    def by_definition(spans):
        ranges: dict[int, list[tuple[int, int]]] = {}
        for start, end, record in spans:
            ranges.setdefault(record, []).append((start, end))
        return {
            record
            for record, own in ranges.items()
            if len(spans) > 1
            and all(
                any(s <= lo and hi <= e and e - s > hi - lo and r != record for s, e, r in spans)
                for lo, hi in own
            )
        }

    rng = random.Random(3)
    for _ in range(3000):
        spans = []
        for _ in range(rng.randint(0, 7)):
            start = rng.randint(0, 6)
            spans.append((start, rng.randint(start + 1, 8), rng.randint(0, 3)))
        assert _shadowed_records(spans) == by_definition(spans), spans
