"""Small knowledge-base records written for the tests (the bundled content is separate)."""

from __future__ import annotations

import copy
from datetime import date

from procedure_kb.bundle import Bundle

REVIEWED = date(2025, 11, 20)
SOURCE = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"

DOCUMENTS = [
    {
        "id": "to-khai-dang-ky-khai-sinh",
        "name": "Tờ khai đăng ký khai sinh",
        "aliases": ["tờ khai khai sinh", "to khai khai sinh"],
        "what": "Mẫu tờ khai để đăng ký khai sinh cho trẻ.",
        "issuer": "Người đi đăng ký tự điền theo mẫu",
        "how_to_get": "Lấy tại Bộ phận Một cửa hoặc điền trực tuyến.",
        "template": "Mẫu ban hành kèm Thông tư 04/2024/TT-BTP",
        "replaced_by": [],
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": [],
    },
    {
        "id": "giay-chung-sinh",
        "name": "Giấy chứng sinh",
        "aliases": ["chứng sinh"],
        "what": "Giấy do cơ sở y tế cấp khi trẻ được sinh ra.",
        "issuer": "Bệnh viện, trạm y tế nơi trẻ sinh ra",
        "how_to_get": None,
        "template": None,
        "replaced_by": [],
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": ["how_to_get: chưa xác nhận"],
    },
    {
        "id": "giay-to-tuy-than",
        "name": "Giấy tờ tùy thân",
        "aliases": ["thẻ căn cước", "cccd"],
        "what": "Thẻ căn cước, hộ chiếu hoặc giấy tờ có ảnh còn giá trị.",
        "issuer": "Cơ quan công an",
        "how_to_get": None,
        "template": None,
        "replaced_by": ["chip_id", "vneid"],
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": [],
    },
]

KHAI_SINH = {
    "id": "khai-sinh",
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "aliases": ["khai sinh", "làm giấy khai sinh", "dk ks"],
    "keywords": ["sinh con", "em bé"],
    "field": "Hộ tịch",
    "level": "commune",
    "agency": "Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ",
    "summary": "Đăng ký việc sinh của trẻ để được cấp Giấy khai sinh.",
    "applicants": "Cha, mẹ, ông, bà hoặc người thân thích khác của trẻ.",
    "conditions": ["Trẻ chưa được đăng ký khai sinh."],
    "submission": [
        {
            "channel": "in_person",
            "time_days": 0,
            "time_text": "Ngay trong ngày làm việc",
            "fee": "Miễn lệ phí",
            "fee_vnd": 0,
            "fees": [],
            "description": "Nộp tại Bộ phận Một cửa của UBND cấp xã.",
        },
        {
            "channel": "online",
            "time_days": 0.5,
            "time_text": "Trong ngày",
            "fee": None,
            "fee_vnd": None,
            "fees": [  # dated fees: a waiver until the end of 2026, then an amount
                {
                    "valid_from": None,
                    "valid_until": date(2026, 12, 31),
                    "fee": "Miễn lệ phí",
                    "fee_vnd": 0,
                },
                {"valid_from": date(2027, 1, 1), "valid_until": None, "fee": None, "fee_vnd": 8000},
            ],
            "description": None,
        },
    ],
    "online_level": "full",
    "portal_url": "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
    "steps": ["Chuẩn bị hồ sơ.", "Nộp hồ sơ.", "Nhận Giấy khai sinh."],
    "documents": [
        {
            "case": None,
            "items": [
                {
                    "document": "to-khai-dang-ky-khai-sinh",
                    "name": "Tờ khai đăng ký khai sinh",
                    "template": "Mẫu ban hành kèm Thông tư 04/2024/TT-BTP",
                    "originals": 1,
                    "copies": 0,
                    "note": None,
                    "skip_if": [],
                },
                {
                    "document": "giay-chung-sinh",
                    "name": "Giấy chứng sinh",
                    "template": None,
                    "originals": 1,
                    "copies": 0,
                    "note": "Nếu không có thì thay bằng văn bản của người làm chứng.",
                    "skip_if": [],
                },
            ],
        },
        {
            "case": "Trường hợp người đi đăng ký nộp trực tiếp",
            "items": [
                {
                    "document": "giay-to-tuy-than",
                    "name": "Giấy tờ tùy thân của người đi đăng ký",
                    "template": None,
                    "originals": 1,
                    "copies": 0,
                    "note": None,
                    "skip_if": ["chip_id", "vneid"],
                }
            ],
        },
    ],
    "result": "Giấy khai sinh (bản chính).",
    "legal_basis": [
        {
            "number": "60/2014/QH13",
            "title": "Luật Hộ tịch",
            "date": date(2014, 11, 20),
            "valid_from": None,
            "valid_until": None,
        },
        {
            "number": "123/2015/NĐ-CP",
            "title": "Nghị định hướng dẫn Luật Hộ tịch",
            "date": None,
            "valid_from": date(2016, 1, 1),
            "valid_until": date(2030, 6, 30),
        },
    ],
    "published_by": None,
    "local_variant": None,
    "interconnected_group": "lien-thong-khai-sinh",
    "members": [],
    "effective_from": date(2025, 7, 1),
    "effective_to": None,
    "status": "published",
    "source": SOURCE,
    "reviewed_at": REVIEWED,
    "needs_review": ["submission[1].time_days: chưa xác nhận"],
}


def _simple(pid: str, name: str, **changes) -> dict:
    record = {
        "id": pid,
        "code": None,
        "name": name,
        "aliases": [],
        "keywords": [],
        "field": None,
        "level": "commune",
        "agency": None,
        "summary": None,
        "applicants": None,
        "conditions": [],
        "submission": [],
        "online_level": None,
        "portal_url": None,
        "steps": [],
        "documents": [],
        "result": None,
        "legal_basis": [],
        "published_by": None,
        "local_variant": None,
        "interconnected_group": None,
        "members": [],
        "effective_from": None,
        "effective_to": None,
        "status": "published",
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": [],
    }
    record.update(changes)
    return record


PROCEDURES = [
    KHAI_SINH,
    _simple(
        "dang-ky-thuong-tru",
        "Đăng ký thường trú",
        aliases=["nhập hộ khẩu", "dang ky thuong tru"],
        interconnected_group="lien-thong-khai-sinh",
    ),
    _simple(
        "lien-thong-khai-sinh",
        "Liên thông: Đăng ký khai sinh – Đăng ký thường trú",
        members=["khai-sinh", "dang-ky-thuong-tru"],
    ),
    _simple("khai-tu", "Đăng ký khai tử", status="draft"),
]

FAQS = [
    {
        "id": "quen-mat-khau",
        "question": "Quên mật khẩu tài khoản Dịch vụ công thì làm thế nào?",
        "phrasings": ["quên mật khẩu", "mất mật khẩu"],
        "answer": (
            "Anh/Chị đăng nhập bằng VNeID, không cần mật khẩu riêng ạ.\nNếu cần, gọi tổng đài."
        ),
        "related_procedures": [],
        "status": "published",
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": [],
    },
    {
        "id": "tra-cuu-ho-so",
        "question": "Tra cứu hồ sơ ở đâu?",
        "phrasings": ["tra cứu hồ sơ"],
        "answer": "Anh/Chị nhập mã hồ sơ trên Cổng Dịch vụ công ạ.",
        "related_procedures": ["khai-sinh"],
        "status": "draft",
        "source": SOURCE,
        "reviewed_at": REVIEWED,
        "needs_review": [],
    },
]


def bundle() -> Bundle:
    """A fresh copy of all test records."""
    return Bundle(
        procedures=copy.deepcopy(PROCEDURES),
        documents=copy.deepcopy(DOCUMENTS),
        faqs=copy.deepcopy(FAQS),
    )


def procedure(pid: str = "khai-sinh") -> dict:
    """A fresh copy of one test procedure."""
    return copy.deepcopy(next(p for p in PROCEDURES if p["id"] == pid))
