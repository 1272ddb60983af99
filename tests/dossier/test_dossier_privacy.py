"""Masking helpers and the log filter."""

from __future__ import annotations

import logging

import pytest

from procedure_kb.privacy import (
    PrivacyLogFilter,
    install_log_filter,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub,
)


@pytest.mark.parametrize(
    "phone", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678"]
)
def test_mask_phone_never_shows_the_last_four_digits(phone):
    masked = mask_phone(phone)
    assert masked == "091*******"
    assert "5678" not in masked


def test_mask_phone_short_or_empty():
    assert mask_phone("") == "***"
    assert mask_phone(None) == "***"
    assert mask_phone("123") == "***"


def test_mask_id_number():
    assert mask_id_number("001085012345") == "*********345"
    assert mask_id_number("012 345 678") == "******678"
    assert mask_id_number("12") == "***"


def test_mask_name_keeps_initials_only():
    assert mask_name("Nguyễn Văn An") == "N*** V*** A***"
    assert mask_name("  đặng   quốc bảo ") == "Đ*** Q*** B***"
    assert mask_name("") == "***"


def test_mask_address_keeps_the_province():
    assert mask_address("Số 12, phố Huế, Hà Nội") == "***, Hà Nội"
    assert mask_address("Hà Nội") == "***"


def test_scrub_masks_phones_ids_and_emails_but_not_codes_dates_or_money():
    text = (
        "Gọi 0912 345 678 hoặc 024-3825-1234, CCCD 001085012345, CMND 012345678, "
        "email lan.nguyen@gmail.com; hồ sơ 000.00.01.H29-240115-0001 ngày 15/01/2025, "
        "lệ phí 1.250.000 đồng."
    )
    out = scrub(text)
    for secret in ("345 678", "3825", "001085012345", "012345678", "lan.nguyen"):
        assert secret not in out
    for kept in ("000.00.01.H29-240115-0001", "15/01/2025", "1.250.000", "@gmail.com"):
        assert kept in out


def test_scrub_masks_known_names_and_addresses_in_any_case():
    out = scrub(
        "Ông NGUYỄN VĂN AN ở Số 3 ngõ 5, Hà Nội đã nộp.",
        known_names=["Nguyễn Văn An"],
        known_addresses=["Số 3 ngõ 5, Hà Nội"],
    )
    assert "NGUYỄN" not in out and "ngõ 5" not in out
    assert "N*** V*** A***" in out


def test_log_filter_scrubs_messages_args_and_exceptions(caplog):
    logger = logging.getLogger("tests.dossier.privacy")
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(PrivacyLogFilter())
    logger.info("gọi lại số %s, CCCD %s", "0912345678", "001085012345")
    try:
        raise ValueError("bad phone 0987654321")
    except ValueError:
        logger.exception("failed")
    assert "0912345678" not in caplog.text and "001085012345" not in caplog.text
    assert "0987654321" not in caplog.text
    assert "091*******" in caplog.text


def test_install_log_filter_is_idempotent():
    logger = logging.getLogger("tests.dossier.install")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        first = install_log_filter(logger)
        install_log_filter(logger)
        assert logger.filters.count(first) == 1 and handler.filters.count(first) == 1
    finally:
        logger.removeHandler(handler)
        logger.removeFilter(first)
