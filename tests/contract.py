"""Ids fixed by the conversation contract (../shared/spec/conversation-contract.md), for tests."""

from __future__ import annotations

CONTRACT_FAQS = (
    "tao-tai-khoan",
    "dang-nhap-vneid",
    "quen-mat-khau",
    "thanh-toan-truc-tuyen",
    "nop-ho-so-truc-tuyen",
    "tra-cuu-ho-so",
    "bo-sung-ho-so",
    "nhan-ket-qua",
    "kho-du-lieu-ca-nhan",
    "chu-ky-so",
    "danh-gia-hai-long",
    "phan-anh-kien-nghi",
    "ho-tro-truc-tiep",
)
