"""The national status list and its mapping in the bundled profile."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.dossier.config import load_config
from actions.dossier.statuses import STATUSES
from actions.dossier_actions import (
    FORM,
    ActionAskDossierCode,
    ActionAskVerificationFactor,
    ActionDossierStatus,
    ValidateDossierStatusForm,
)
from tests.contract import CONTRACT_FAQS

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = [
    "Mới đăng ký",
    "Được tiếp nhận",
    "Không được tiếp nhận",
    "Đang xử lý",
    "Yêu cầu bổ sung giấy tờ",
    "Yêu cầu thực hiện nghĩa vụ tài chính",
    "Công dân yêu cầu rút hồ sơ",
    "Dừng xử lý",
    "Đã xử lý xong",
    "Đã trả kết quả",
]


def test_the_ten_national_statuses_in_order():
    assert [s.label for s in STATUSES] == NATIONAL
    assert [s.number for s in STATUSES] == list(range(1, 11))


def test_each_status_explains_meaning_holder_and_next_step():
    for status in STATUSES:
        for text in (status.meaning, status.holder, status.next_step):
            assert len(text) > 15 and text.endswith(".")
        assert set(status.faq_ids) <= set(CONTRACT_FAQS)
    by_key = {s.key: s for s in STATUSES}
    assert "bo-sung-ho-so" in by_key["yeu_cau_bo_sung"].faq_ids
    assert "thanh-toan-truc-tuyen" in by_key["yeu_cau_nghia_vu_tai_chinh"].faq_ids
    assert "nhan-ket-qua" in by_key["da_xu_ly_xong"].faq_ids


def test_bundled_profile_maps_all_ten():
    assert sorted(set(load_config().statuses.values())) == sorted(s.key for s in STATUSES)


def test_domain_lists_the_dossier_actions_and_no_raw_text_slot_mappings():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    implemented = {
        action().name()
        for action in (
            ActionAskDossierCode,
            ActionAskVerificationFactor,
            ValidateDossierStatusForm,
            ActionDossierStatus,
        )
    }
    required = domain["forms"][FORM]["required_slots"]
    assert {f"action_ask_{slot}" for slot in required} < implemented  # one question per slot
    assert implemented <= set(domain["actions"])
    # the questions' wording is in actions/dossier/replies.py, not in domain responses
    assert not {f"utter_ask_{slot}" for slot in required} & set(domain["responses"])
    for slot in ("dossier_code", "verification_factor", "dossier_lookup"):
        types = [m["type"] for m in domain["slots"][slot]["mappings"]]
        assert "from_text" not in types
